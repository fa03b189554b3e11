"""The attendee's personal agenda (the programme's items and what other features add) and .ics files."""
from __future__ import annotations

import datetime as dt
import hashlib


from summit.core import signals
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.programme.items import concerns, items_of
from summit.programme.models import ProgrammeItem
from summit.registration import links
from summit.registration.models import Registration


def registration_by_token(token: str) -> Registration | None:
    """The personal agenda opens only for a registration that is not cancelled or rejected."""
    return links.registration_by_token(token, allow_closed=False)


def item_entry(item: ProgrammeItem, locale: str) -> dict:
    return {"start": item.starts_at, "end": item.ends_at, "title": item.title(locale), "room": item.room(locale),
            "kind": item.kind, "note": item.speakers(locale), "cancelled": item.cancelled,
            "uid": f"programme-item-{item.id}@qianshan-summit", "sequence": item.sequence, "item": item}


def personal_agenda(registration: Registration, locale: str) -> list[dict]:
    """The published items of the parts this attendee registered for, plus what other features
    add through summit/core/signals.py's personal_agenda_items (matchmaking: the published booth
    meetings), by start time."""
    summit = db.session.get(Summit, registration.summit_id)
    entries = [item_entry(i, locale) for i in items_of(summit) if concerns(i, registration)]
    for _receiver, extra in signals.personal_agenda_items.send(registration, locale=locale):
        for e in extra or []:
            entries.append({"start": e["start"], "end": e["end"], "title": e["title"], "room": e.get("room", ""),
                            "kind": e.get("kind", "other"), "note": e.get("note", ""), "cancelled": False,
                            "uid": e.get("uid") or hashlib.sha1(
                                f"{registration.id}|{e['start']}|{e['title']}".encode()).hexdigest() + "@qianshan-summit",
                            "sequence": e.get("sequence", 0), "item": None})
    entries.sort(key=lambda e: (e["start"], e["end"], e["title"]))
    return entries


def calendar_bytes(entries: list[dict], name: str) -> bytes:
    """An iCalendar file (RFC 5545) of agenda entries; times in UTC."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Qianshan Summit//programme//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = utcnow().replace(tzinfo=dt.timezone.utc)
    for e in entries:
        event = Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", e["start"].replace(tzinfo=dt.timezone.utc))
        event.add("dtend", e["end"].replace(tzinfo=dt.timezone.utc))
        event.add("summary", e["title"])
        event.add("sequence", e.get("sequence", 0))
        if e.get("room"):
            event.add("location", e["room"])
        if e.get("note"):
            event.add("description", e["note"])
        if e.get("cancelled"):
            event.add("status", "CANCELLED")
        cal.add_component(event)
    return cal.to_ical()
