"""The organizer's side: sessions with their slots, and booths."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from summit.core import audit
from summit.core.database import for_update, transaction
from summit.core.models import Summit
from summit.extensions import db
from summit.matchmaking import booking, rules
from summit.matchmaking.errors import MatchmakingError
from summit.matchmaking.models import (SESSION_KINDS, Booth, Meeting, MeetingRequest, RecruitmentSession, Slot,
                                       TalentProfile)
from summit.registration.models import Registration


def _session_texts(*, title_zh: str, title_en: str, host_org_zh: str, host_org_en: str, kind: str,
                   room_zh: str, room_en: str, max_requests: int) -> dict:
    """The session's names, room and request limit, checked and trimmed."""
    if not (title_zh or "").strip():
        raise MatchmakingError(_("Give the session a title."), field="title_zh")
    if not (host_org_zh or "").strip():
        raise MatchmakingError(_("Name the host organisation."), field="host_org_zh")
    if kind not in SESSION_KINDS:
        raise MatchmakingError(_("Choose a kind of session."), field="kind")
    if not 1 <= max_requests <= 20:
        raise MatchmakingError(_("A talent may ask for between 1 and 20 booths."), field="max_requests")
    return {"title_zh": title_zh.strip(), "title_en": (title_en or "").strip(), "host_org_zh": host_org_zh.strip(),
            "host_org_en": (host_org_en or "").strip(), "kind": kind, "room_zh": (room_zh or "").strip(),
            "room_en": (room_en or "").strip(), "max_requests": max_requests}


def _session_times(day: dt.date, start: dt.time, end: dt.time, slot_minutes: int, breaks: str):
    """The session's timing checked: (breaks, local start, local end, slot times in local time)."""
    try:
        pauses = rules.parse_breaks(breaks)
    except ValueError:
        raise MatchmakingError(_("Write breaks as 12:00-12:30, separated by commas."), field="breaks")
    start_local = dt.datetime.combine(day, start)
    end_local = dt.datetime.combine(day, end)
    if end_local <= start_local:
        raise MatchmakingError(_("The session must end after it starts."), field="end")
    if not 5 <= slot_minutes <= 120:
        raise MatchmakingError(_("A slot lasts between 5 and 120 minutes."), field="slot_minutes")
    times = rules.build_slots(start_local, end_local, slot_minutes, pauses)
    if not times:
        raise MatchmakingError(_("No slot fits between the start and the end."), field="end")
    return pauses, start_local, end_local, times


def create_session(summit: Summit, *, title_zh: str, title_en: str, host_org_zh: str, host_org_en: str,
                   kind: str, day: dt.date, start: dt.time, end: dt.time, slot_minutes: int,
                   breaks: str = "", room_zh: str = "", room_en: str = "", max_requests: int = 5,
                   description_zh: str = "", description_en: str = "") -> RecruitmentSession:
    texts = _session_texts(title_zh=title_zh, title_en=title_en, host_org_zh=host_org_zh, host_org_en=host_org_en,
                           kind=kind, room_zh=room_zh, room_en=room_en, max_requests=max_requests)
    pauses, start_local, end_local, times = _session_times(day, start, end, slot_minutes, breaks)
    with transaction():
        session = RecruitmentSession(
            summit_id=summit.id, **texts, starts_at=rules.to_utc(start_local), ends_at=rules.to_utc(end_local),
            slot_minutes=slot_minutes, breaks=pauses, description_zh=description_zh, description_en=description_en)
        db.session.add(session)
        db.session.flush()
        for i, (a, b) in enumerate(times):
            db.session.add(Slot(session_id=session.id, position=i, starts_at=rules.to_utc(a), ends_at=rules.to_utc(b)))
        audit.record(session, "session_created", after={"title": session.title_zh, "slots": len(times)})
    return session


def update_session(session: RecruitmentSession, *, title_zh: str, title_en: str, host_org_zh: str,
                   host_org_en: str, kind: str, day: dt.date, start: dt.time, end: dt.time, slot_minutes: int,
                   breaks: str = "", room_zh: str = "", room_en: str = "", max_requests: int = 5) -> RecruitmentSession:
    """Change a session. Names, room, kind and the request limit change at any time. The day, the
    times, the slot length and the breaks rebuild the slots, so they change only while the session
    has no meeting, draft or published: a meeting would otherwise lose its time."""
    texts = _session_texts(title_zh=title_zh, title_en=title_en, host_org_zh=host_org_zh, host_org_en=host_org_en,
                           kind=kind, room_zh=room_zh, room_en=room_en, max_requests=max_requests)
    pauses, start_local, end_local, times = _session_times(day, start, end, slot_minutes, breaks)
    timing = {"starts_at": rules.to_utc(start_local), "ends_at": rules.to_utc(end_local),
              "slot_minutes": slot_minutes, "breaks": pauses}
    session_id = session.id
    # The session and its booths stay locked from counting the meetings to rebuilding the slots:
    # a booking (it locks its booth) waits and then finds the new slots, or runs first and is seen.
    with transaction(lock=True):
        session = db.session.scalar(for_update(select(RecruitmentSession).where(RecruitmentSession.id == session_id))
                                    .execution_options(populate_existing=True))
        db.session.scalars(for_update(select(Booth).where(Booth.session_id == session_id).order_by(Booth.id))
                           .execution_options(populate_existing=True)).all()
        db.session.expire(session, ["slots", "booths"])
        before, after = audit.changes(session, list(texts), texts)
        t_before, t_after = audit.changes(session, list(timing), timing)
        if t_before:
            meetings = db.session.scalar(select(func.count()).select_from(Meeting)
                                         .where(Meeting.session_id == session_id)) or 0
            if meetings:
                raise MatchmakingError(
                    _("Meetings in this session: %(n)s (draft or published). Remove the meetings first, then "
                      "change the day, the times, the slot length or the breaks.", n=meetings),
                    field=_timing_field(session, day, t_before), status=409)
            before.update(audit.jsonable(t_before), slots=len(session.slots))
            after.update(audit.jsonable(t_after), slots=len(times))
            for name, value in timing.items():
                setattr(session, name, value)
            dropped = _rebuild_slots(session, [(rules.to_utc(a), rules.to_utc(b)) for a, b in times])
            if dropped:
                after["slots_removed"] = dropped
        for name, value in texts.items():
            setattr(session, name, value)
        if before:
            audit.record(session, "session_changed", before=before, after=after)
    return session


def _timing_field(session: RecruitmentSession, day: dt.date, changed: dict) -> str:
    """The form field of the first timing value the organizer changed, to show the message beside it."""
    if "starts_at" in changed:
        return "day" if rules.to_local(session.starts_at).date() != day else "start"
    for name, field in (("ends_at", "end"), ("slot_minutes", "slot_minutes")):
        if name in changed:
            return field
    return "breaks"


def _rebuild_slots(session: RecruitmentSession, wanted: list[tuple[dt.datetime, dt.datetime]]) -> list[int]:
    """Slots for new times (UTC). A slot whose start and end stay the same keeps its id, and with it
    the booths' closed times and the talents' unavailable marks; the marks of the slots that are gone
    are dropped. Meetings and requests are not touched (the caller made sure there is no meeting).
    Returns the ids of the slots removed."""
    old = {(s.starts_at, s.ends_at): s for s in session.slots}
    kept = [old[w] for w in wanted if w in old]
    kept_ids = {s.id for s in kept}
    gone = sorted(s.id for s in session.slots if s.id not in kept_ids)
    if gone:
        db.session.execute(delete(Slot).where(Slot.id.in_(gone)))
    # Positions are unique within a session: the kept slots step aside before they are renumbered.
    for i, slot in enumerate(kept):
        slot.position = -1 - i
    db.session.flush()
    for i, (start, end) in enumerate(wanted):
        if (start, end) in old:
            old[(start, end)].position = i
        else:
            db.session.add(Slot(session_id=session.id, position=i, starts_at=start, ends_at=end))
    db.session.flush()
    db.session.expire(session, ["slots"])
    if gone:
        gone_set = set(gone)
        for booth in session.booths:
            if any(s in gone_set for s in booth.unavailable or []):
                booth.unavailable = [s for s in booth.unavailable if s not in gone_set]
        # Talents' marks live on their profile, across sessions: only this session's lost slots go.
        for profile in db.session.scalars(select(TalentProfile).join(
                Registration, TalentProfile.registration_id == Registration.id)
                .where(Registration.summit_id == session.summit_id)):
            marks = profile.unavailable_slot_ids or []
            if any(s in gone_set for s in marks):
                profile.unavailable_slot_ids = [s for s in marks if s not in gone_set]
        # The last run's figures described the old slots; talents owed a mail still get it.
        moved = (session.last_run or {}).get("moved_registrations")
        session.last_run = {"moved_registrations": moved} if moved else {}
        session.scheduled_at = None
    return gone


def _check_booth(session_id: int, *, name_zh: str, capacity: int, table_no: int | None,
                 booth_id: int | None = None) -> int:
    """The checks shared by adding and changing a booth. Returns the table number: the next free
    one when none is given."""
    if not (name_zh or "").strip():
        raise MatchmakingError(_("Give the booth a name."), field="name_zh")
    if not 1 <= capacity <= 20:
        raise MatchmakingError(_("A booth holds between 1 and 20 meetings at once."), field="capacity")
    if table_no is None:
        table_no = (db.session.scalar(select(func.max(Booth.table_no)).where(Booth.session_id == session_id)) or 0) + 1
    clash = select(Booth.id).where(Booth.session_id == session_id, Booth.table_no == table_no)
    if booth_id is not None:
        clash = clash.where(Booth.id != booth_id)
    if db.session.scalar(clash):
        raise MatchmakingError(_table_taken(table_no), field="table_no")
    return table_no


def _table_taken(table_no: int) -> str:
    return _("Table %(n)s is taken in this session.", n=table_no)


def add_booth(session: RecruitmentSession, *, name_zh: str, name_en: str = "", table_no: int | None = None,
              fields: list[str] | None = None, needs: list[dict] | None = None, capacity: int = 1,
              host_user_id: int | None = None) -> Booth:
    table_no = _check_booth(session.id, name_zh=name_zh, capacity=capacity, table_no=table_no)
    with transaction():
        booth = Booth(session_id=session.id, name_zh=name_zh.strip(), name_en=name_en.strip(), table_no=table_no,
                      fields=fields or [], needs=needs or [], capacity=capacity, host_user_id=host_user_id)
        db.session.add(booth)
        db.session.flush()
        audit.record(booth, "booth_created", after={"name": booth.name_zh, "table": table_no})
    return booth


def update_booth(booth: Booth, *, name_zh: str, name_en: str = "", table_no: int | None = None,
                 fields: list[str] | None = None, needs: list[dict] | None = None, capacity: int = 1,
                 host_user_id: int | None = None) -> Booth:
    """Change a booth; no table number keeps the booth's own. The capacity may not go below the
    meetings the booth already holds in one slot."""
    booth_id = booth.id
    # The booth row is locked as a booking locks it, so no meeting slips in while they are counted.
    try:
        with transaction(lock=True):
            booth = db.session.scalar(for_update(select(Booth).where(Booth.id == booth_id))
                                      .execution_options(populate_existing=True))
            table_no = _check_booth(booth.session_id, name_zh=name_zh, capacity=capacity,
                                    table_no=booth.table_no if table_no is None else table_no, booth_id=booth_id)
            busiest = db.session.execute(
                select(Slot.starts_at, func.count().label("n")).join(Meeting, Meeting.slot_id == Slot.id)
                .where(Meeting.booth_id == booth_id).group_by(Slot.id, Slot.starts_at)
                .order_by(func.count().desc(), Slot.starts_at).limit(1)).first()
            if busiest is not None and busiest.n > capacity:
                raise MatchmakingError(
                    _("At %(time)s this booth already has %(n)s meetings: it cannot hold fewer than %(n)s at once "
                      "until meetings at that time are cancelled.",
                      time=f"{rules.to_local(busiest.starts_at):%H:%M}", n=busiest.n), field="capacity", status=409)
            values = {"name_zh": name_zh.strip(), "name_en": (name_en or "").strip(), "table_no": table_no,
                      "fields": list(fields or []), "needs": list(needs or []), "capacity": capacity,
                      "host_user_id": host_user_id}
            before, after = audit.changes(booth, list(values), values)
            if before:
                for name, value in values.items():
                    setattr(booth, name, value)
                audit.record(booth, "booth_changed", before=before, after=after)
    except IntegrityError:  # another change took the table meanwhile
        raise MatchmakingError(_table_taken(table_no), field="table_no")
    return booth


def set_booth_closed(booth: Booth, slot_ids: list[int]) -> Booth:
    """The times a booth takes no meetings (a break, a talk the team gives elsewhere). Meetings
    already booked then stay until the timetable is built again."""
    valid = {s.id for s in booth.session.slots}
    if any(s not in valid for s in slot_ids):
        raise MatchmakingError(_("One of the chosen times is not in this session."), field="closed")
    with transaction():
        before = {"unavailable": list(booth.unavailable or [])}
        booth.unavailable = sorted(set(slot_ids))
        audit.record(booth, "booth_closed_times", before=before, after={"unavailable": booth.unavailable})
    return booth


def delete_booth(booth: Booth) -> None:
    """Remove a booth with its requests and planned meetings; one with meetings already held stays.
    The talents of its published meetings are told (booking.release)."""
    booth_id = booth.id
    # The booth row is locked as a booking locks it: no meeting slips in to vanish untold.
    with transaction(lock=True):
        booth = db.session.scalar(for_update(select(Booth).where(Booth.id == booth_id))
                                  .execution_options(populate_existing=True))
        held = db.session.scalar(select(func.count()).select_from(Meeting).where(
            Meeting.booth_id == booth_id, Meeting.status != "planned"))
        if held:
            raise MatchmakingError(_("This booth has meetings on record and cannot be removed."), status=409)
        audit.record(booth, "booth_deleted", before={"name": booth.name_zh, "table": booth.table_no})
        booking.release(list(db.session.scalars(select(Meeting).where(Meeting.booth_id == booth_id)
                                                .order_by(Meeting.id))), "booth_removed")
        db.session.execute(delete(MeetingRequest).where(MeetingRequest.booth_id == booth_id))
        db.session.delete(booth)


def toggle_requests(session: RecruitmentSession) -> bool:
    """Open or close the session's requests; returns whether they are open now."""
    with transaction():
        session.requests_open = not session.requests_open
    return session.requests_open
