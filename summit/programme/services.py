"""Programme, roadshow, technology needs and interest: the operations, each one transaction.

Bad input raises ProgrammeError with a translated message (and the form field it belongs to)
before anything is written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, format_datetime, gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from summit.core import audit, mail, pdfcheck, signals
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.programme import matching

from summit.programme.models import (BUDGET_RANGES, COOPERATION_KINDS, FOLLOW_UP_STATUSES, INTEREST_KINDS,
                                     ITEM_KINDS, ITEM_PARTS, MAILED_FIELDS, MATURITIES, TRACKED_FIELDS,
                                     Interest, ProgrammeItem, ResearchResult, RoadshowSlot, TechNeed)
from summit.programme.patents import parse_patents
from summit.registration.identity import normalise_phone
from summit.registration.models import FieldTag, Registration

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


class ProgrammeError(ValueError):
    """Bad input: a translated message, the form field it belongs to, and the HTTP status."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


# -- helpers ---------------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def local_to_utc(value: dt.datetime) -> dt.datetime:
    """A naive Asia/Shanghai wall-clock time (what a form gives) as naive UTC (what tables keep)."""
    return value.replace(tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc).replace(tzinfo=None)


def utc_to_local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_TZ).replace(tzinfo=None)


def field_codes(summit: Summit) -> dict[str, FieldTag]:
    tags = db.session.scalars(select(FieldTag).where(FieldTag.summit_id == summit.id)
                              .order_by(FieldTag.position, FieldTag.id)).all()
    return {t.code: t for t in tags}


def _check_fields(summit: Summit, codes: list[str]) -> list[str]:
    known = field_codes(summit)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ProgrammeError(_("Unknown field: %(codes)s.", codes=", ".join(unknown)), "fields")
    return [c for c in known if c in codes]  # the summit's order


def _public_url(endpoint: str, **values) -> str:
    """An absolute link on PUBLIC_BASE_URL, also outside a request (CLI, jobs)."""
    parts = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


# -- programme items ---------------------------------------------------------------------------

ITEM_FIELDS = ("kind", "part", "starts_at", "ends_at", "title_zh", "title_en", "room_zh", "room_en",
               "hosts_zh", "hosts_en", "speakers_zh", "speakers_en", "description_zh", "description_en",
               "cancelled")


def _check_item(data: dict) -> dict:
    if data.get("kind") not in ITEM_KINDS:
        raise ProgrammeError(_("Choose a kind of item."), "kind")
    if data.get("part", "") not in ITEM_PARTS:
        raise ProgrammeError(_("Choose a programme part."), "part")
    if not (data.get("title_zh") or "").strip():
        raise ProgrammeError(_("The Chinese title is required."), "title_zh")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, dt.datetime) or not isinstance(ends, dt.datetime):
        raise ProgrammeError(_("Give the start and the end."), "starts_at")
    if ends <= starts:
        raise ProgrammeError(_("The end must be after the start."), "ends_at")
    values = {}
    for key, value in data.items():
        if key not in ITEM_FIELDS:
            continue
        if key == "cancelled":
            value = bool(value)
        elif key not in ("starts_at", "ends_at"):
            value = (value or "").strip()
        values[key] = value
    return values


def create_item(summit: Summit, data: dict) -> ProgrammeItem:
    """data: ITEM_FIELDS with starts_at/ends_at in UTC."""
    values = _check_item(data)
    item = ProgrammeItem(summit_id=summit.id, **values)
    db.session.add(item)
    db.session.flush()
    audit.record(item, "programme_item_created", after=_snapshot(item))
    db.session.commit()
    return item


def _jsonable(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _snapshot(item: ProgrammeItem) -> dict:
    return {f: _jsonable(getattr(item, f)) for f in TRACKED_FIELDS}


def previous_value(item: ProgrammeItem, field: str):
    """The value a changed field had when the programme was published (datetimes parsed back)."""
    value = (item.previous or {}).get(field)
    if field in ("starts_at", "ends_at") and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def update_item(item: ProgrammeItem, data: dict) -> list[str]:
    """Changes an item; after publication the published values are kept in `previous` and the
    attendees concerned get a mail when the time, room or cancellation changes.

    Returns the tracked fields this edit changed."""
    values = _check_item({**{f: getattr(item, f) for f in ITEM_FIELDS}, **data})
    before, after = audit.changes(item, ITEM_FIELDS, values)
    if not before:
        return []
    changed = [f for f in TRACKED_FIELDS if f in before]
    if item.published_at is not None and changed:
        previous = dict(item.previous or {})
        for name in changed:
            previous.setdefault(name, _jsonable(before[name]))
            if previous[name] == _jsonable(after[name]):
                del previous[name]  # back to what was published: no longer a change
        item.previous = previous
        item.changed_at = utcnow()
        item.sequence += 1
    for name, value in values.items():
        setattr(item, name, value)
    audit.record(item, "programme_item_changed", before={k: _jsonable(v) for k, v in before.items()},
                 after={k: _jsonable(v) for k, v in after.items()})
    if item.published_at is not None and any(f in MAILED_FIELDS for f in changed):
        _mail_change(item, {f: before[f] for f in changed})
    db.session.commit()
    return changed


def delete_item(item: ProgrammeItem) -> None:
    if item.published_at is not None:
        raise ProgrammeError(_("A published item cannot be deleted; cancel it instead."), status=409)
    audit.record(item, "programme_item_deleted", before=_snapshot(item))
    db.session.delete(item)
    db.session.commit()


def publish_programme(summit: Summit) -> int:
    items = db.session.scalars(select(ProgrammeItem).where(ProgrammeItem.summit_id == summit.id,
                                                           ProgrammeItem.published_at.is_(None))).all()
    now = utcnow()
    for item in items:
        item.published_at = now
        audit.record(item, "programme_item_published")
    db.session.commit()
    return len(items)


def items_of(summit: Summit, published_only: bool = True) -> list[ProgrammeItem]:
    stmt = select(ProgrammeItem).where(ProgrammeItem.summit_id == summit.id)
    if published_only:
        stmt = stmt.where(ProgrammeItem.published_at.is_not(None))
    return db.session.scalars(stmt.order_by(ProgrammeItem.starts_at, ProgrammeItem.id)).all()


def concerns(item: ProgrammeItem, registration: Registration) -> bool:
    return not item.part or item.part in (registration.programme_parts or [])


def affected_registrations(item: ProgrammeItem) -> list[Registration]:
    regs = db.session.scalars(select(Registration).where(Registration.summit_id == item.summit_id,
                                                         Registration.status == "approved")
                              .order_by(Registration.id)).all()
    return [r for r in regs if concerns(item, r)]


def _fmt(field: str, value, locale: str) -> str:
    if isinstance(value, dt.datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    if field == "cancelled":
        return _("cancelled") if value else _("takes place")
    return value or "—"


def change_lines(item: ProgrammeItem, changes: dict, locale: str) -> list[str]:
    labels = {"starts_at": _("Start"), "ends_at": _("End"), "room_zh": _("Room"), "room_en": _("Room"),
              "cancelled": _("Status"), "title_zh": _("Title"), "title_en": _("Title"),
              "hosts_zh": _("Hosts"), "hosts_en": _("Hosts"), "speakers_zh": _("Speakers"),
              "speakers_en": _("Speakers")}
    en = locale.startswith("en")
    lines = []
    for field, old in changes.items():
        if field.endswith("_zh") and en or field.endswith("_en") and not en:
            continue
        new = getattr(item, field)
        lines.append(f"{labels[field]}: {_fmt(field, old, locale)} → {_fmt(field, new, locale)}")
    return lines


def _mail_change(item: ProgrammeItem, changes: dict) -> int:
    link = _public_url("programme.public_programme")
    count = 0
    for reg in affected_registrations(item):
        if not reg.email:
            continue
        locale = "en" if (reg.language or "").startswith("en") else "zh_CN"
        with force_locale(locale):
            title = item.title(locale)
            subject = _("Programme change: %(title)s", title=title)
            lines = change_lines(item, changes, locale) or [_("Details of this item have changed.")]
            body = "\n".join([
                _("Dear %(name)s,", name=reg.name), "",
                _("An item of the programme you registered for has changed:"), "",
                f"{title}", *[f"  {line}" for line in lines], "",
                _("The whole programme: %(link)s", link=link), "",
                _("The organizing committee"),
            ])
        mail.queue(reg.email, subject, body, language=locale)
        count += 1
    return count


# -- the personal agenda and .ics ---------------------------------------------------------------

def registration_by_token(token: str) -> Registration | None:
    if not token or len(token) > 200:
        return None
    reg = db.session.scalar(select(Registration).where(Registration.manage_token_hash == hash_token(token)))
    if reg is None or reg.status in ("cancelled", "rejected"):
        return None
    return reg


def item_entry(item: ProgrammeItem, locale: str) -> dict:
    return {"start": item.starts_at, "end": item.ends_at, "title": item.title(locale), "room": item.room(locale),
            "kind": item.kind, "note": item.speakers(locale), "cancelled": item.cancelled,
            "uid": f"programme-item-{item.id}@qianshan-summit", "sequence": item.sequence, "item": item}


def personal_agenda(registration: Registration, locale: str) -> list[dict]:
    """The published items of the parts this attendee registered for, plus what other features
    add through signals.personal_agenda_items (booth meetings), by start time."""
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


# -- research results ----------------------------------------------------------------------------

def _check_email(value: str, field: str) -> str:
    value = (value or "").strip()
    if not EMAIL_RE.fullmatch(value) or len(value) > 320:
        raise ProgrammeError(_("Give a valid email address."), field)
    return value


def issue_result_link(summit: Summit, institution: str, contact_name: str, contact_email: str,
                      actor_label: str | None = None) -> tuple[ResearchResult, str]:
    """A draft result and its team's private link (mailed to the contact). Returns (result, token)."""
    institution = (institution or "").strip()
    if not institution:
        raise ProgrammeError(_("Give the university or institute."), "institution")
    email = _check_email(contact_email, "contact_email")
    token, token_hash = new_token()
    result = ResearchResult(summit_id=summit.id, institution=institution[:200],
                            contact_name=(contact_name or "").strip()[:120], contact_email=email,
                            token_hash=token_hash)
    db.session.add(result)
    db.session.flush()
    audit.record(result, "result_link_issued", after={"institution": institution, "contact_email": email},
                 actor_label=actor_label)
    link = _public_url("programme.result_edit", token=token)
    with force_locale("zh_CN"):
        mail.queue(email, _("Your link to submit a research result to %(summit)s", summit=summit.name("zh_CN")),
                   "\n".join([_("Dear %(name)s,", name=result.contact_name or institution), "",
                              _("Use this private link to enter and change your research result:"), link, "",
                              _("Keep it to yourself: anyone with the link can change the entry."), "",
                              _("The organizing committee")]))
    db.session.commit()
    return result, token


def result_by_token(token: str) -> ResearchResult | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(ResearchResult).where(ResearchResult.token_hash == hash_token(token)))


def deck_limit_bytes() -> int:
    return int(current_app.config.get("PROGRAMME_DECK_MAX_MB", 15)) * 1024 * 1024


def check_deck(data: bytes) -> int:
    """The page count of a deck, or ProgrammeError when it is too large or not a readable PDF."""
    try:
        return pdfcheck.inspect_pdf(data, deck_limit_bytes())
    except pdfcheck.PdfProblem as problem:
        messages = {
            "not_pdf": _("The deck must be a PDF file."),
            "encrypted": _("The PDF is password-protected; upload one that opens without a password."),
            "no_pages": _("This PDF has no pages."),
        }
        if problem.kind == "too_large":
            raise ProgrammeError(_("The deck is larger than %(mb)d MB.", mb=deck_limit_bytes() // (1024 * 1024)),
                                 "deck", status=413)
        raise ProgrammeError(messages.get(problem.kind) or _("This PDF cannot be read. Export it again and upload it."),
                             "deck")


RESULT_FIELDS = ("title", "team", "fields", "maturity", "patents_text", "cooperation", "summary",
                 "contact_name", "contact_phone", "contact_email")


def save_result(result: ResearchResult, data: dict, deck: tuple[str, bytes] | None = None,
                submit: bool = False, actor_label: str | None = None) -> ResearchResult:
    """Saves the team's entry; submit=True also checks that it is complete and marks it submitted.

    deck: (filename, bytes) of a new deck PDF."""
    summit = db.session.get(Summit, result.summit_id)
    if result.status == "withdrawn":
        raise ProgrammeError(_("This result was withdrawn."), status=409)
    values = {}
    values["title"] = (data.get("title") or "").strip()[:200]
    values["team"] = (data.get("team") or "").strip()
    values["summary"] = (data.get("summary") or "").strip()
    values["fields"] = _check_fields(summit, list(data.get("fields") or []))
    maturity = data.get("maturity") or "lab"
    if maturity not in MATURITIES:
        raise ProgrammeError(_("Choose the maturity."), "maturity")
    values["maturity"] = maturity
    cooperation = list(data.get("cooperation") or [])
    if any(c not in COOPERATION_KINDS for c in cooperation):
        raise ProgrammeError(_("Choose the kinds of cooperation from the list."), "cooperation")
    values["cooperation"] = [c for c in COOPERATION_KINDS if c in cooperation]
    patents, bad = parse_patents(data.get("patents_text") or "")
    if bad:
        raise ProgrammeError(_("Not a patent number: %(bad)s. Write e.g. CN202310123456.7 or CN115123456A.",
                               bad="、".join(bad[:3])), "patents_text")
    values["patents"] = patents
    values["contact_name"] = (data.get("contact_name") or "").strip()[:120]
    values["contact_email"] = _check_email(data.get("contact_email"), "contact_email")
    phone = (data.get("contact_phone") or "").strip()
    if phone:
        normal = normalise_phone(phone)
        if normal is None:
            raise ProgrammeError(_("Give a mobile number (11 digits) or an international number with +."),
                                 "contact_phone")
        phone = normal
    values["contact_phone"] = phone
    pages = check_deck(deck[1]) if deck else None
    if submit:
        missing = [name for name, label in (("title", _("Title")), ("team", _("Team")), ("summary", _("Summary")))
                   if not values[name]]
        if missing:
            raise ProgrammeError(_("Fill in this field before submitting."), missing[0])
        if not values["fields"]:
            raise ProgrammeError(_("Choose at least one field."), "fields")
        if not values["cooperation"]:
            raise ProgrammeError(_("Choose at least one kind of cooperation."), "cooperation")
        if not (deck or result.deck_path):
            raise ProgrammeError(_("Upload the roadshow deck (PDF) before submitting."), "deck")
    before, after = audit.changes(result, values.keys(), values)
    for name, value in values.items():
        setattr(result, name, value)
    old_deck = None
    if deck:
        folder = Path(current_app.config["UPLOAD_DIR"]) / "programme" / "decks"
        folder.mkdir(parents=True, exist_ok=True)
        relative = f"programme/decks/{result.id}-{secrets.token_hex(8)}.pdf"
        (Path(current_app.config["UPLOAD_DIR"]) / relative).write_bytes(deck[1])
        old_deck, result.deck_path = result.deck_path, relative
        result.deck_filename = Path(deck[0] or "deck.pdf").name[:200]
        result.deck_pages = pages
        after["deck"] = result.deck_filename
    if submit and result.status != "submitted":
        result.status = "submitted"
        result.submitted_at = utcnow()
        after["status"] = "submitted"
    audit.record(result, "result_saved", before=before, after=after, actor_label=actor_label)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        if deck:
            (Path(current_app.config["UPLOAD_DIR"]) / result.deck_path).unlink(missing_ok=True)
        raise
    if old_deck:
        (Path(current_app.config["UPLOAD_DIR"]) / old_deck).unlink(missing_ok=True)
    return result


def deck_file(result: ResearchResult) -> Path | None:
    if not result.deck_path:
        return None
    path = Path(current_app.config["UPLOAD_DIR"]) / result.deck_path
    return path if path.is_file() else None


def set_result_status(result: ResearchResult, status: str) -> None:
    if status not in ("submitted", "withdrawn", "draft"):
        raise ProgrammeError(_("Unknown status."), "status")
    before = {"status": result.status}
    result.status = status
    audit.record(result, "result_status", before=before, after={"status": status})
    db.session.commit()


def results_of(summit: Summit, status: str | None = None) -> list[ResearchResult]:
    stmt = select(ResearchResult).where(ResearchResult.summit_id == summit.id)
    if status:
        stmt = stmt.where(ResearchResult.status == status)
    return db.session.scalars(stmt.order_by(ResearchResult.id)).all()


# -- roadshow blocks -----------------------------------------------------------------------------

def _block(block: ProgrammeItem) -> ProgrammeItem:
    if block.kind != "roadshow":
        raise ProgrammeError(_("Results can only be put in a roadshow block."), status=409)
    return block


def add_to_block(block: ProgrammeItem, result: ResearchResult, minutes: int) -> RoadshowSlot:
    _block(block)
    if result.summit_id != block.summit_id or result.status != "submitted":
        raise ProgrammeError(_("Only submitted results of this summit can be put on the roadshow."), "result_id")
    if not 1 <= int(minutes) <= 60:
        raise ProgrammeError(_("Give between 1 and 60 minutes."), "minutes")
    if any(s.result_id == result.id for s in block.slots):
        raise ProgrammeError(_("This result is already in the block."), "result_id", status=409)
    position = max((s.position for s in block.slots), default=0) + 1
    slot = RoadshowSlot(block_id=block.id, result_id=result.id, position=position, minutes=int(minutes))
    db.session.add(slot)
    try:
        db.session.flush()
    except IntegrityError:  # added at the same moment from another page
        db.session.rollback()
        raise ProgrammeError(_("This result is already in the block."), "result_id", status=409)
    audit.record(block, "roadshow_slot_added", after={"result_id": result.id, "minutes": int(minutes)})
    db.session.commit()
    return slot


def reorder_block(block: ProgrammeItem, result_ids: list[int]) -> None:
    """Sets the running order: result_ids must be exactly the block's results."""
    _block(block)
    slots = {s.result_id: s for s in block.slots}
    if sorted(result_ids) != sorted(slots):
        raise ProgrammeError(_("The running order must list each result of the block once."), status=409)
    before = [s.result_id for s in block.slots]
    for position, rid in enumerate(result_ids, start=1):
        slots[rid].position = position
    audit.record(block, "roadshow_reordered", before={"order": before}, after={"order": list(result_ids)})
    db.session.commit()
    db.session.refresh(block)


def move_slot(slot: RoadshowSlot, step: int) -> None:
    order = [s.result_id for s in slot.block.slots]
    i = order.index(slot.result_id)
    j = max(0, min(len(order) - 1, i + step))
    order.insert(j, order.pop(i))
    reorder_block(slot.block, order)


def set_slot_minutes(slot: RoadshowSlot, minutes: int) -> None:
    if not 1 <= int(minutes) <= 60:
        raise ProgrammeError(_("Give between 1 and 60 minutes."), "minutes")
    audit.record(slot.block, "roadshow_slot_minutes", before={"result_id": slot.result_id, "minutes": slot.minutes},
                 after={"result_id": slot.result_id, "minutes": int(minutes)})
    slot.minutes = int(minutes)
    db.session.commit()


def remove_slot(slot: RoadshowSlot) -> None:
    block = slot.block
    audit.record(block, "roadshow_slot_removed", before={"result_id": slot.result_id, "minutes": slot.minutes})
    db.session.delete(slot)
    db.session.flush()
    for position, s in enumerate(sorted(block.slots, key=lambda s: s.position), start=1):
        s.position = position
    db.session.commit()


def running_order(block: ProgrammeItem) -> list[dict]:
    """Each presenter of a block with the time they start (UTC) and their minutes, in order.
    This is the data a stage control steps through."""
    at = block.starts_at
    rows = []
    for slot in block.slots:
        rows.append({"slot": slot, "result": slot.result, "starts_at": at, "minutes": slot.minutes})
        at = at + dt.timedelta(minutes=slot.minutes)
    return rows


def block_overrun(block: ProgrammeItem) -> int:
    """Minutes by which the presenters' time exceeds the block (0 when it fits)."""
    total = sum(s.minutes for s in block.slots)
    length = int((block.ends_at - block.starts_at).total_seconds() // 60)
    return max(0, total - length)


def public_results(summit: Summit) -> list[tuple[ProgrammeItem, list[dict]]]:
    blocks = [b for b in items_of(summit) if b.kind == "roadshow"]
    return [(b, [r for r in running_order(b) if r["result"].status == "submitted"]) for b in blocks]


def is_public(result: ResearchResult) -> bool:
    """On stage: submitted and in a published roadshow block."""
    if result.status != "submitted":
        return False
    return db.session.scalar(
        select(func.count()).select_from(RoadshowSlot).join(ProgrammeItem, RoadshowSlot.block_id == ProgrammeItem.id)
        .where(RoadshowSlot.result_id == result.id, ProgrammeItem.published_at.is_not(None))) > 0


def describe_result(result_id: int, locale: str) -> dict:
    """A result as a stage shows it: title, team, institution and the time allotted (the first
    roadshow slot it has). For the stage control's "result" kind of item."""
    result = db.session.get(ResearchResult, result_id)
    if result is None:
        raise ProgrammeError(_("No such result."), status=404)
    slot = db.session.scalar(select(RoadshowSlot).join(ProgrammeItem, RoadshowSlot.block_id == ProgrammeItem.id)
                             .where(RoadshowSlot.result_id == result_id)
                             .order_by(ProgrammeItem.starts_at, RoadshowSlot.position).limit(1))
    tags = field_codes(db.session.get(Summit, result.summit_id))
    team = [line.strip() for line in re.split(r"[\n,，、;；]+", result.team or "") if line.strip()]
    return {
        "kind": "result",
        "id": result.id,
        "title": result.title,
        "team": team,
        "lead": team[0] if team else "",
        "institution": result.institution,
        "fields": [tags[c].name(locale) for c in result.fields if c in tags],
        "seconds": slot.minutes * 60 if slot else None,
        "block_id": slot.block_id if slot else None,
        "position": slot.position if slot else None,
    }


# -- technology needs ----------------------------------------------------------------------------

NEED_FIELDS = ("enterprise", "title", "fields", "description", "budget", "contact_name", "contact_phone",
               "contact_email", "status")


def _need_values(summit: Summit, data: dict) -> dict:
    values = {}
    values["enterprise"] = (data.get("enterprise") or "").strip()[:200]
    if not values["enterprise"]:
        raise ProgrammeError(_("Give the enterprise."), "enterprise")
    values["title"] = (data.get("title") or "").strip()[:200]
    values["description"] = (data.get("description") or "").strip()
    values["fields"] = _check_fields(summit, list(data.get("fields") or []))
    budget = data.get("budget") or "negotiable"
    if budget not in BUDGET_RANGES:
        raise ProgrammeError(_("Choose a budget range."), "budget")
    values["budget"] = budget
    values["contact_name"] = (data.get("contact_name") or "").strip()[:120]
    values["contact_email"] = _check_email(data.get("contact_email"), "contact_email")
    phone = (data.get("contact_phone") or "").strip()
    if phone:
        phone = normalise_phone(phone) or ""
        if not phone:
            raise ProgrammeError(_("Give a mobile number (11 digits) or an international number with +."),
                                 "contact_phone")
    values["contact_phone"] = phone
    status = data.get("status") or "open"
    if status not in ("draft", "open", "closed"):
        raise ProgrammeError(_("Unknown status."), "status")
    if status == "open":
        if not values["title"]:
            raise ProgrammeError(_("Fill in this field before publishing the need."), "title")
        if not values["description"]:
            raise ProgrammeError(_("Fill in this field before publishing the need."), "description")
    values["status"] = status
    return values


def create_need(summit: Summit, data: dict, send_link: bool = False) -> tuple[TechNeed, str]:
    """A need entered by an organizer; returns (need, token of the enterprise's private link)."""
    values = _need_values(summit, data)
    token, token_hash = new_token()
    need = TechNeed(summit_id=summit.id, token_hash=token_hash, **values)
    db.session.add(need)
    db.session.flush()
    audit.record(need, "need_created", after=dict(values))
    if send_link:
        _mail_need_link(need, token, summit)
    db.session.commit()
    return need, token


def _mail_need_link(need: TechNeed, token: str, summit: Summit) -> None:
    link = _public_url("programme.need_edit", token=token)
    with force_locale("zh_CN"):
        mail.queue(need.contact_email, _("Your technology need at %(summit)s", summit=summit.name("zh_CN")),
                   "\n".join([_("Dear %(name)s,", name=need.contact_name or need.enterprise), "",
                              _("Use this private link to change your technology need and see the research "
                                "results that match it:"), link, "",
                              _("Keep it to yourself: anyone with the link can change the entry."), "",
                              _("The organizing committee")]))


def new_need_link(need: TechNeed) -> str:
    """A fresh private link for the enterprise (the old one stops working)."""
    token, need.token_hash = new_token()
    audit.record(need, "need_link_issued")
    _mail_need_link(need, token, db.session.get(Summit, need.summit_id))
    db.session.commit()
    return token


def update_need(need: TechNeed, data: dict, actor_label: str | None = None) -> TechNeed:
    values = _need_values(db.session.get(Summit, need.summit_id), data)
    before, after = audit.changes(need, NEED_FIELDS, values)
    for name, value in values.items():
        setattr(need, name, value)
    audit.record(need, "need_changed", before=before, after=after, actor_label=actor_label)
    db.session.commit()
    return need


def need_by_token(token: str) -> TechNeed | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(TechNeed).where(TechNeed.token_hash == hash_token(token)))


def needs_of(summit: Summit, status: str | None = None) -> list[TechNeed]:
    stmt = select(TechNeed).where(TechNeed.summit_id == summit.id)
    if status:
        stmt = stmt.where(TechNeed.status == status)
    return db.session.scalars(stmt.order_by(TechNeed.id)).all()


# -- matching ------------------------------------------------------------------------------------

def result_text(r: ResearchResult) -> str:
    return "\n".join([r.title, r.title, r.summary])  # the title counts twice: it says the most


def need_text(n: TechNeed) -> str:
    return "\n".join([n.title, n.title, n.description])


def matches(summit: Summit, top: int = 5) -> dict:
    """matching.match over the submitted results and open needs of a summit."""
    results = results_of(summit, "submitted")
    needs = needs_of(summit, "open")
    found = matching.match([{"id": r.id, "fields": r.fields, "text": result_text(r)} for r in results],
                           [{"id": n.id, "fields": n.fields, "text": need_text(n)} for n in needs], top=top)
    found["results"] = {r.id: r for r in results}
    found["needs"] = {n.id: n for n in needs}
    return found


# -- interest ------------------------------------------------------------------------------------

def _contact(value: str) -> str:
    value = (value or "").strip()
    if "@" in value:
        return _check_email(value, "contact").lower()
    phone = normalise_phone(value)
    if phone is None:
        raise ProgrammeError(_("Give a mobile number or an email address."), "contact")
    return phone


def register_interest(result: ResearchResult, data: dict) -> tuple[Interest, bool]:
    """意向 in a result on stage. The same contact twice on one result updates the first
    (returns (interest, False)); a new one returns (interest, True)."""
    if not is_public(result):
        raise ProgrammeError(_("This result is not on the roadshow."), status=404)
    name = (data.get("name") or "").strip()[:120]
    if not name:
        raise ProgrammeError(_("Give your name."), "name")
    contact = _contact(data.get("contact"))
    kind = data.get("kind") or "enterprise"
    if kind not in INTEREST_KINDS:
        raise ProgrammeError(_("Choose who you are."), "kind")
    cooperation = data.get("cooperation") or ""
    if cooperation and cooperation not in COOPERATION_KINDS:
        raise ProgrammeError(_("Choose the kinds of cooperation from the list."), "cooperation")
    values = {"name": name, "organisation": (data.get("organisation") or "").strip()[:200], "kind": kind,
              "cooperation": cooperation, "note": (data.get("note") or "").strip()[:2000]}
    existing = db.session.scalar(select(Interest).where(Interest.result_id == result.id, Interest.contact == contact))
    if existing is None:
        interest = Interest(result_id=result.id, contact=contact, **values)
        db.session.add(interest)
        try:
            db.session.flush()
        except IntegrityError:  # the same person tapped twice at the same moment
            db.session.rollback()
            existing = db.session.scalar(select(Interest).where(Interest.result_id == result.id,
                                                                Interest.contact == contact))
        else:
            audit.record(interest, "interest_registered", after={**values, "result_id": result.id},
                         actor_label="interest form")
            db.session.commit()
            return interest, True
    for name_, value in values.items():
        setattr(existing, name_, value)
    audit.record(existing, "interest_updated", after=values, actor_label="interest form")
    db.session.commit()
    return existing, False


def update_follow_up(interest: Interest, status: str, note: str) -> None:
    if status not in FOLLOW_UP_STATUSES:
        raise ProgrammeError(_("Unknown status."), "follow_up")
    before = {"follow_up": interest.follow_up, "follow_up_note": interest.follow_up_note}
    interest.follow_up = status
    interest.follow_up_note = (note or "").strip()[:2000]
    audit.record(interest, "interest_follow_up", before=before,
                 after={"follow_up": status, "follow_up_note": interest.follow_up_note})
    db.session.commit()


def interests_of(summit: Summit, follow_up: str | None = None) -> list[Interest]:
    stmt = (select(Interest).join(ResearchResult, Interest.result_id == ResearchResult.id)
            .where(ResearchResult.summit_id == summit.id))
    if follow_up:
        stmt = stmt.where(Interest.follow_up == follow_up)
    return db.session.scalars(stmt.order_by(Interest.created_at.desc(), Interest.id.desc())).all()


def counts(summit: Summit, found: dict | None = None) -> dict:
    found = found if found is not None else matches(summit)
    return {
        "results": len(results_of(summit, "submitted")),
        "results_on_stage": db.session.scalar(
            select(func.count(func.distinct(RoadshowSlot.result_id))).join(
                ProgrammeItem, RoadshowSlot.block_id == ProgrammeItem.id).where(ProgrammeItem.summit_id == summit.id)),
        "needs": len(needs_of(summit, "open")),
        "matches": len(found["pairs"]),
        "interests": len(interests_of(summit)),
    }
