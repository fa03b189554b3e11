"""Operations of the recruitment sessions, each one transaction."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from summit.core import audit, mail, pdfcheck
from summit.core.database import begin_write, for_update
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.matchmaking import rules
from summit.matchmaking.models import (MEETING_STATUSES, OUTCOMES, SESSION_KINDS, Booth, Meeting, MeetingRequest,
                                       RecruitmentSession, Slot, TalentProfile)
from summit.matchmaking.scheduler import schedule as solve

from summit.registration.models import Registration

CV_MAX_BYTES = 10 * 1024 * 1024


class MatchmakingError(ValueError):
    """Bad input or a lost race; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


# ---------------------------------------------------------------- lookups

def registration_by_token(token: str) -> Registration | None:
    """The registration whose private management link carries this token (only its sha256 is stored)."""
    if not token or len(token) > 200:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return db.session.scalar(select(Registration).where(Registration.manage_token_hash == digest))


def sessions_of(summit: Summit) -> list[RecruitmentSession]:
    return list(db.session.scalars(select(RecruitmentSession).where(RecruitmentSession.summit_id == summit.id)
                                   .order_by(RecruitmentSession.starts_at, RecruitmentSession.id)))


def profile_of(registration: Registration, create: bool = False) -> TalentProfile | None:
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.registration_id == registration.id))
    if profile is None and create:
        profile = TalentProfile(registration_id=registration.id, unavailable_slot_ids=[])
        db.session.add(profile)
    return profile


def host_booths(user) -> list[Booth]:
    """The booths a host account looks after: its own, or every booth of its organisation's sessions."""
    stmt = select(Booth).join(RecruitmentSession).order_by(RecruitmentSession.starts_at, Booth.table_no)
    if not user.has_role("organizer"):
        org = (user.organisation or "").strip()
        cond = Booth.host_user_id == user.id
        if org:
            cond = cond | (RecruitmentSession.host_org_zh == org) | (RecruitmentSession.host_org_en == org)
        stmt = stmt.where(cond)
    return list(db.session.scalars(stmt))


def may_host(user, booth: Booth) -> bool:
    if user.has_role("organizer"):
        return True
    if not user.has_role("host"):
        return False
    org = (user.organisation or "").strip()
    return booth.host_user_id == user.id or (bool(org) and org in (booth.session.host_org_zh, booth.session.host_org_en))


def requests_of(registration: Registration, session: RecruitmentSession) -> list[MeetingRequest]:
    return list(db.session.scalars(select(MeetingRequest).where(
        MeetingRequest.registration_id == registration.id, MeetingRequest.session_id == session.id)
        .order_by(MeetingRequest.rank)))


def meetings_of(registration: Registration, published_only: bool = True) -> list[Meeting]:
    stmt = (select(Meeting).join(Slot, Meeting.slot_id == Slot.id)
            .where(Meeting.registration_id == registration.id).order_by(Slot.starts_at))
    if published_only:
        stmt = stmt.where(Meeting.published_at.is_not(None))
    return list(db.session.scalars(stmt))


def booth_meetings(booth: Booth, published_only: bool = False) -> list[Meeting]:
    stmt = (select(Meeting).join(Slot, Meeting.slot_id == Slot.id).where(Meeting.booth_id == booth.id)
            .order_by(Slot.position, Meeting.place))
    if published_only:
        stmt = stmt.where(Meeting.published_at.is_not(None))
    return list(db.session.scalars(stmt))


def _check_attendee(registration: Registration) -> None:
    if registration is None or registration.status != "approved":
        raise MatchmakingError(_("Only approved attendees can take part in the recruitment sessions."), status=403)


# ---------------------------------------------------------------- organizer: sessions and booths

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
    session = RecruitmentSession(
        summit_id=summit.id, **texts, starts_at=rules.to_utc(start_local), ends_at=rules.to_utc(end_local),
        slot_minutes=slot_minutes, breaks=pauses, description_zh=description_zh, description_en=description_en)
    db.session.add(session)
    db.session.flush()
    for i, (a, b) in enumerate(times):
        db.session.add(Slot(session_id=session.id, position=i, starts_at=rules.to_utc(a), ends_at=rules.to_utc(b)))
    audit.record(session, "session_created", after={"title": session.title_zh, "slots": len(times)})
    db.session.commit()
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
    begin_write()
    try:
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
        db.session.commit()
    except MatchmakingError:
        db.session.rollback()
        raise
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
    booth = Booth(session_id=session.id, name_zh=name_zh.strip(), name_en=name_en.strip(), table_no=table_no,
                  fields=fields or [], needs=needs or [], capacity=capacity, host_user_id=host_user_id)
    db.session.add(booth)
    db.session.flush()
    audit.record(booth, "booth_created", after={"name": booth.name_zh, "table": table_no})
    db.session.commit()
    return booth


def update_booth(booth: Booth, *, name_zh: str, name_en: str = "", table_no: int | None = None,
                 fields: list[str] | None = None, needs: list[dict] | None = None, capacity: int = 1,
                 host_user_id: int | None = None) -> Booth:
    """Change a booth; no table number keeps the booth's own. The capacity may not go below the
    meetings the booth already holds in one slot."""
    booth_id = booth.id
    # The booth row is locked as a booking locks it, so no meeting slips in while they are counted.
    begin_write()
    try:
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
        db.session.commit()
    except MatchmakingError:
        db.session.rollback()
        raise
    except IntegrityError:  # another change took the table meanwhile
        db.session.rollback()
        raise MatchmakingError(_table_taken(table_no), field="table_no")
    return booth


def set_booth_closed(booth: Booth, slot_ids: list[int]) -> Booth:
    """The times a booth takes no meetings (a break, a talk the team gives elsewhere). Meetings
    already booked then stay until the timetable is built again."""
    valid = {s.id for s in booth.session.slots}
    if any(s not in valid for s in slot_ids):
        raise MatchmakingError(_("One of the chosen times is not in this session."), field="closed")
    before = {"unavailable": list(booth.unavailable or [])}
    booth.unavailable = sorted(set(slot_ids))
    audit.record(booth, "booth_closed_times", before=before, after={"unavailable": booth.unavailable})
    db.session.commit()
    return booth


def delete_booth(booth: Booth) -> None:
    """Remove a booth with its requests and planned meetings; one with meetings already held stays."""
    held = db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.booth_id == booth.id, Meeting.status != "planned"))
    if held:
        raise MatchmakingError(_("This booth has meetings on record and cannot be removed."), status=409)
    audit.record(booth, "booth_deleted", before={"name": booth.name_zh, "table": booth.table_no})
    db.session.execute(delete(Meeting).where(Meeting.booth_id == booth.id))
    db.session.execute(delete(MeetingRequest).where(MeetingRequest.booth_id == booth.id))
    db.session.delete(booth)
    db.session.commit()


# ---------------------------------------------------------------- talents

def set_requests(registration: Registration, session: RecruitmentSession, booth_ids: list[int],
                 unavailable_slot_ids: list[int]) -> list[MeetingRequest]:
    """The talent's wish list in order of preference (replaces the previous one) and the
    session's slots they cannot come."""
    _check_attendee(registration)
    if not session.requests_open:
        raise MatchmakingError(_("Requests for this session are closed."), field="booths", status=409)
    seen = []
    for b in booth_ids:
        if b not in seen:
            seen.append(b)
    if len(seen) > session.max_requests:
        raise MatchmakingError(_("Choose at most %(k)s booths.", k=session.max_requests), field="booths")
    valid = {b.id for b in session.booths}
    if any(b not in valid for b in seen):
        raise MatchmakingError(_("One of the chosen booths is not in this session."), field="booths")
    slot_ids = {s.id for s in session.slots}
    wrong = [s for s in unavailable_slot_ids if s not in slot_ids]
    if wrong:
        raise MatchmakingError(_("One of the chosen times is not in this session."), field="unavailable")
    existing = {r.booth_id: r for r in requests_of(registration, session)}
    before = {"booths": [r.booth_id for r in sorted(existing.values(), key=lambda r: r.rank)]}
    for booth_id, req in existing.items():
        if booth_id not in seen:
            db.session.delete(req)
    db.session.flush()
    out = []
    for rank, booth_id in enumerate(seen, start=1):
        req = existing.get(booth_id)
        if req is None:
            req = MeetingRequest(session_id=session.id, booth_id=booth_id, registration_id=registration.id)
            db.session.add(req)
        req.rank = rank
        out.append(req)
    profile = profile_of(registration, create=True)
    others = [s for s in (profile.unavailable_slot_ids or []) if s not in slot_ids]
    profile.unavailable_slot_ids = others + sorted(set(unavailable_slot_ids))
    db.session.flush()
    audit.record(registration, "meeting_requests_set", before=before, after={"booths": seen,
                 "unavailable": sorted(set(unavailable_slot_ids))}, actor_label="attendee link")
    db.session.commit()
    return out


def save_cv(registration: Registration, filename: str, data: bytes) -> TalentProfile:
    _check_attendee(registration)
    if not data:
        raise MatchmakingError(_("Choose a PDF file."), field="cv")
    try:
        pdfcheck.inspect_pdf(data, CV_MAX_BYTES)
    except pdfcheck.PdfProblem as problem:
        if problem.kind == "too_large":
            raise MatchmakingError(_("The CV may be at most 10 MB."), field="cv", status=413)
        # Hosts must be able to open it: a damaged or locked file is as useless as another format.
        raise MatchmakingError(_("The CV must be a PDF file."), field="cv")
    folder = Path(current_app.config["UPLOAD_DIR"]) / "cv"
    folder.mkdir(parents=True, exist_ok=True)
    # A random file name: the upload's own name is shown, never used as a path.
    path = folder / f"{registration.id}-{secrets.token_hex(8)}.pdf"
    path.write_bytes(data)
    profile = profile_of(registration, create=True)
    old = profile.cv_path
    profile.cv_path = str(path)
    profile.cv_filename = (Path(filename or "cv.pdf").name or "cv.pdf")[:200]
    profile.cv_uploaded_at = utcnow()
    db.session.flush()
    audit.record(registration, "cv_uploaded", after={"filename": profile.cv_filename}, actor_label="attendee link")
    db.session.commit()
    if old and old != str(path):
        Path(old).unlink(missing_ok=True)
    return profile


# ---------------------------------------------------------------- hosts

def decide(request: MeetingRequest, action: str) -> MeetingRequest:
    before = {"status": request.status, "priority": request.priority}
    if action == "accept":
        request.status = "accepted"
    elif action == "decline":
        request.status = "declined"
        request.priority = False
    elif action == "priority":
        if request.status == "declined":
            request.status = "pending"
        request.priority = True
    elif action == "unpriority":
        request.priority = False
    elif action == "reset":
        request.status, request.priority = "pending", False
    else:
        raise MatchmakingError(_("Unknown action."), status=400)
    audit.record(request, f"request_{action}", before=before, after={"status": request.status, "priority": request.priority})
    db.session.commit()
    return request


def mark(meeting: Meeting, status: str, outcome: str = "", note: str = "") -> Meeting:
    if status not in MEETING_STATUSES:
        raise MatchmakingError(_("Choose held, no-show or planned."), field="status")
    if outcome and outcome not in OUTCOMES:
        raise MatchmakingError(_("Unknown outcome."), field="outcome")
    if outcome and status != "held":
        raise MatchmakingError(_("Only a meeting that was held has an outcome."), field="outcome")
    if len(note) > 2000:
        raise MatchmakingError(_("The note may be at most 2000 characters."), field="note")
    before = {"status": meeting.status, "outcome": meeting.outcome, "note": meeting.note}
    meeting.status, meeting.outcome, meeting.note = status, outcome, note.strip()
    audit.record(meeting, "meeting_marked", before=before, after={"status": status, "outcome": outcome, "note": meeting.note})
    db.session.commit()
    return meeting


# ---------------------------------------------------------------- booking under a lock

def _other_sessions_busy(registration_id: int, session: RecruitmentSession, exclude_session: bool = True) -> list[tuple]:
    """(start, end) of the talent's meetings in other sessions (published or not)."""
    stmt = (select(Slot.starts_at, Slot.ends_at).join(Meeting, Meeting.slot_id == Slot.id)
            .where(Meeting.registration_id == registration_id))
    if exclude_session:
        stmt = stmt.where(Meeting.session_id != session.id)
    return list(db.session.execute(stmt))


def book(registration: Registration, booth: Booth, slot: Slot, source: str = "manual", actor_label: str | None = None) -> Meeting:
    """Book a free place: the booth row is locked (BEGIN IMMEDIATE on SQLite, FOR UPDATE on
    PostgreSQL) while the places are counted, and the unique (booth, slot, place) constraint
    refuses a second booking of the same place should anything slip through."""
    _check_attendee(registration)
    if slot.session_id != booth.session_id:
        raise MatchmakingError(_("This time is not in the booth's session."), field="slot")
    booth_id, slot_id, reg_id, session_id = booth.id, slot.id, registration.id, booth.session_id
    begin_write()
    try:
        booth = db.session.scalar(for_update(select(Booth).where(Booth.id == booth_id)))
        slot = db.session.get(Slot, slot_id, populate_existing=True)
        if slot is None:  # the session's times changed while the booking waited
            raise MatchmakingError(_("This time is no longer in the session."), field="slot", status=409)
        if slot_id in (booth.unavailable or []):
            raise MatchmakingError(_("The booth is closed at this time."), field="slot", status=409)
        taken = list(db.session.scalars(select(Meeting.place).where(Meeting.booth_id == booth_id, Meeting.slot_id == slot_id)))
        if len(taken) >= booth.capacity:
            raise MatchmakingError(_("Sorry, this time at the booth was just taken. Please choose another time."),
                                   field="slot", status=409)
        if db.session.scalar(select(Meeting.id).where(Meeting.registration_id == reg_id, Meeting.booth_id == booth_id)):
            raise MatchmakingError(_("You already have a meeting with this booth."), field="booth", status=409)
        if db.session.scalar(select(Meeting.id).where(Meeting.registration_id == reg_id, Meeting.slot_id == slot_id)):
            raise MatchmakingError(_("You already have a meeting at this time."), field="slot", status=409)
        for start, end in _other_sessions_busy(reg_id, booth.session):
            if rules.overlaps(slot.starts_at, slot.ends_at, start, end):
                raise MatchmakingError(_("You have a meeting in another session at this time."), field="slot", status=409)
        place = next(i for i in range(booth.capacity + 1) if i not in taken)
        request = db.session.scalar(select(MeetingRequest).where(MeetingRequest.registration_id == reg_id,
                                                                 MeetingRequest.booth_id == booth_id))
        meeting = Meeting(session_id=session_id, booth_id=booth_id, slot_id=slot_id, place=place,
                          registration_id=reg_id, request_id=request.id if request else None, source=source,
                          published_at=utcnow())
        booth.version += 1
        db.session.add(meeting)
        db.session.flush()
        audit.record(meeting, f"meeting_{source}", after={"booth": booth_id, "slot": slot_id, "registration": reg_id},
                     actor_label=actor_label)
        db.session.commit()
    except MatchmakingError:
        db.session.rollback()
        raise
    except IntegrityError:
        db.session.rollback()
        raise MatchmakingError(_("Sorry, this time at the booth was just taken. Please choose another time."),
                               field="slot", status=409)
    return meeting


def find_attendee(summit: Summit, query: str) -> Registration | None:
    """An approved registration by phone or e-mail (walk-ins at the booth)."""
    q = (query or "").strip()
    if not q:
        return None
    digits = "".join(ch for ch in q if ch.isdigit() or ch == "+")
    cond = func.lower(Registration.email) == q.lower()
    if digits:
        cond = cond | (Registration.phone == digits)
    return db.session.scalar(select(Registration).where(Registration.summit_id == summit.id, cond).limit(1))


def cancel_meeting(meeting: Meeting, actor_label: str | None = None, notify: bool = False) -> None:
    """notify: the organizers cancel, so a talent who was told of the meeting is told again."""
    if meeting.status != "planned":
        raise MatchmakingError(_("A meeting that has been marked cannot be cancelled."), status=409)
    audit.record(meeting, "meeting_cancelled", before={"booth": meeting.booth_id, "slot": meeting.slot_id,
                                                       "registration": meeting.registration_id},
                 actor_label=actor_label)
    if notify and meeting.published_at is not None:
        _queue_cancellation_mail(meeting)
    db.session.delete(meeting)
    db.session.commit()


def _queue_cancellation_mail(meeting: Meeting) -> None:
    reg, session = meeting.registration, meeting.session
    locale = reg.language or "zh_CN"
    with force_locale(locale):
        start = rules.to_local(meeting.slot.starts_at)
        subject = _("Meeting cancelled: %(booth)s", booth=meeting.booth.name(locale))
        body = "\n".join([
            _("Dear %(name)s,", name=reg.name), "",
            _("The organizers have cancelled your meeting with %(booth)s at %(time)s (%(title)s).",
              booth=meeting.booth.name(locale), time=f"{start:%Y-%m-%d %H:%M}", title=session.title(locale)),
            _("Your private registration link shows your agenda and lets you book free times.")])
    mail.queue(reg.email, subject, body, language=locale)


def discard_drafts(session: RecruitmentSession, actor_label: str | None = None) -> int:
    """Drop the timetable's unpublished meetings (nobody was told of them); returns how many."""
    begin_write()
    drafts = list(db.session.scalars(for_update(select(Meeting).where(
        Meeting.session_id == session.id, Meeting.published_at.is_(None), Meeting.status == "planned"))))
    for meeting in drafts:
        db.session.delete(meeting)
    if drafts:
        audit.record(session, "drafts_discarded", before={"meetings": len(drafts)}, after={"meetings": 0},
                     actor_label=actor_label)
    db.session.commit()
    return len(drafts)


# ---------------------------------------------------------------- the scheduler

def scheduler_input(session: RecruitmentSession) -> dict:
    """The session as the scheduler's plain data; ids are database ids. Published, manual and
    walk-in meetings go in as `keep`."""
    slots = list(session.slots)
    requests = list(db.session.scalars(select(MeetingRequest).where(MeetingRequest.session_id == session.id)
                                       .order_by(MeetingRequest.id)))
    reg_ids = sorted({r.registration_id for r in requests})
    regs = {r.id: r for r in db.session.scalars(select(Registration).where(Registration.id.in_(reg_ids)))} if reg_ids else {}
    profiles = {p.registration_id: p for p in db.session.scalars(
        select(TalentProfile).where(TalentProfile.registration_id.in_(reg_ids)))} if reg_ids else {}
    talents, active = [], set()
    for rid in reg_ids:
        reg = regs.get(rid)
        if reg is None or reg.status != "approved":
            continue  # a cancelled registration has no more meetings
        active.add(rid)
        off = {s for s in (profiles[rid].unavailable_slot_ids if rid in profiles else []) or []}
        busy = _other_sessions_busy(rid, session)
        for slot in slots:
            if any(rules.overlaps(slot.starts_at, slot.ends_at, a, b) for a, b in busy):
                off.add(slot.id)
        talents.append({"id": rid, "unavailable": sorted(s for s in off if s in {x.id for x in slots})})
    keep = [{"talent": m.registration_id, "booth": m.booth_id, "slot": m.slot_id}
            for m in db.session.scalars(select(Meeting).where(Meeting.session_id == session.id)
                                        .order_by(Meeting.id))
            if m.published_at is not None or m.source != "scheduled" or m.status != "planned"]
    req_out = [{"talent": r.registration_id, "booth": r.booth_id,
                "weight": rules.request_weight(r.rank, session.max_requests, r.status, r.priority)}
               for r in requests if r.registration_id in active]
    # A kept walk-in or manual meeting without a request still holds its place.
    pairs = {(r["talent"], r["booth"]) for r in req_out}
    for k in keep:
        if (k["talent"], k["booth"]) not in pairs and k["talent"] in active:
            req_out.append({"talent": k["talent"], "booth": k["booth"], "weight": 1})
            pairs.add((k["talent"], k["booth"]))
    return {
        "slots": [s.id for s in slots],
        "booths": [{"id": b.id, "capacity": b.capacity, "unavailable": list(b.unavailable or [])} for b in session.booths],
        "talents": talents,
        "requests": req_out,
        "keep": keep,
    }


def run_scheduler(session: RecruitmentSession) -> dict:
    """Build the timetable: published, manual and walk-in meetings stay where they are while still
    feasible; draft meetings are replaced. New meetings are drafts until publish()."""
    session_id = session.id
    # The booths stay locked from reading the requests to writing the timetable, so that a
    # booking made meanwhile waits and is then seen, instead of being overwritten.
    begin_write()
    session = db.session.scalar(for_update(select(RecruitmentSession).where(RecruitmentSession.id == session_id)))
    db.session.scalars(for_update(select(Booth).where(Booth.session_id == session_id).order_by(Booth.id))).all()
    data = scheduler_input(session)
    result = solve(data)
    existing = list(db.session.scalars(select(Meeting).where(Meeting.session_id == session_id)))
    wanted = {(m["talent"], m["booth"], m["slot"]) for m in result["meetings"]}
    kept = set()
    removed = []
    for m in existing:
        key = (m.registration_id, m.booth_id, m.slot_id)
        if key in wanted and m.status == "planned" or m.status != "planned":
            kept.add(key)
        else:
            removed.append(m)
    for m in removed:
        db.session.delete(m)
    db.session.flush()
    places: dict[tuple[int, int], set[int]] = {}
    for m in existing:
        if (m.registration_id, m.booth_id, m.slot_id) in kept:
            places.setdefault((m.booth_id, m.slot_id), set()).add(m.place)
    request_ids = {(r.registration_id, r.booth_id): r.id for r in db.session.scalars(
        select(MeetingRequest).where(MeetingRequest.session_id == session_id))}
    added = 0
    for m in result["meetings"]:
        key = (m["talent"], m["booth"], m["slot"])
        if key in kept:
            continue
        used = places.setdefault((m["booth"], m["slot"]), set())
        place = next(i for i in range(len(used) + 1) if i not in used)
        used.add(place)
        db.session.add(Meeting(session_id=session_id, booth_id=m["booth"], slot_id=m["slot"], place=place,
                               registration_id=m["talent"], request_id=request_ids.get((m["talent"], m["booth"])),
                               source="scheduled"))
        added += 1
    summary = {k: result[k] for k in ("objective", "bound", "seconds", "optimal", "gap", "method")}
    # Talents who lose a published meeting hear about it with the next publication.
    moved = sorted({m.registration_id for m in removed if m.published_at is not None}
                   | set((session.last_run or {}).get("moved_registrations", [])))
    summary.update(meetings=len(result["meetings"]), added=added, removed=len(removed),
                   removed_published=sum(1 for m in removed if m.published_at is not None),
                   requests=len(data["requests"]), moved_registrations=moved)
    session.last_run = summary
    session.scheduled_at = utcnow()
    audit.record(session, "scheduled", after=summary)
    db.session.commit()
    return summary


def publish(session: RecruitmentSession, notify: bool = True) -> int:
    """Publish the timetable and mail each talent whose agenda changed (a new meeting, or a
    published one that had to go) their current agenda. Returns mails queued."""
    now = utcnow()
    drafts = list(db.session.scalars(select(Meeting).where(Meeting.session_id == session.id,
                                                           Meeting.published_at.is_(None))))
    for m in drafts:
        m.published_at = now
    session.published_at = now
    last_run = dict(session.last_run or {})
    reg_ids = sorted({m.registration_id for m in drafts} | set(last_run.pop("moved_registrations", [])))
    session.last_run = last_run
    db.session.flush()
    queued = 0
    for rid in reg_ids:
        reg = db.session.get(Registration, rid)
        if not notify or reg is None or not reg.email:
            continue
        _queue_agenda_mail(session, reg)
        queued += 1
    if notify:
        _queue_host_mails(session)
    audit.record(session, "published", after={"meetings": len(drafts), "mails": queued})
    db.session.commit()
    return queued


def _queue_agenda_mail(session: RecruitmentSession, reg: Registration) -> None:
    from summit.matchmaking import agenda

    locale = reg.language or "zh_CN"
    meetings = [m for m in meetings_of(reg) if m.session_id == session.id]
    with force_locale(locale):
        subject = _("Your meetings at %(title)s", title=session.title(locale))
        lines = [_("Dear %(name)s,", name=reg.name), "",
                 _("The timetable of %(title)s is published. Your meetings:", title=session.title(locale)), ""]
        for m in meetings:
            start, end = rules.to_local(m.slot.starts_at), rules.to_local(m.slot.ends_at)
            lines.append(f"{start:%H:%M}–{end:%H:%M}  {m.booth.name(locale)} "
                         f"({_('table %(n)s', n=m.booth.table_no)})")
        lines += ["", f"{_('Date')}: {rules.to_local(session.starts_at):%Y-%m-%d}"]
        if session.room(locale):
            lines.append(f"{_('Room')}: {session.room(locale)}")
        lines += ["", _("The attached calendar file adds the meetings to your phone. "
                        "Please come to the table a few minutes early."),
                  _("Your private registration link shows your agenda and lets you book free times.")]
    folder = Path(current_app.config["INSTANCE_DIR"]) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"agenda-{session.id}-{reg.id}-{secrets.token_hex(4)}.ics"
    path.write_bytes(agenda.ics_for(reg, meetings, locale))
    mail.queue(reg.email, subject, "\n".join(lines), attachments=[{"filename": "agenda.ics", "mimetype": "text/calendar",
                                                                  "path": str(path)}], language=locale)


def _queue_host_mails(session: RecruitmentSession) -> None:
    """Each host account linked to a booth of the session gets its booths' agendas."""
    from summit.auth.models import User

    by_host: dict[int, list[Booth]] = {}
    for booth in session.booths:
        if booth.host_user_id:
            by_host.setdefault(booth.host_user_id, []).append(booth)
    for user_id, booths in by_host.items():
        user = db.session.get(User, user_id)
        if user is None or not user.active:
            continue
        locale = user.locale or "zh_CN"
        with force_locale(locale):
            lines = [_("The timetable of %(title)s is published.", title=session.title(locale)), ""]
            for booth in booths:
                lines.append(f"{booth.name(locale)} ({_('table %(n)s', n=booth.table_no)})")
                for m in booth_meetings(booth, published_only=True):
                    start = rules.to_local(m.slot.starts_at)
                    lines.append(f"  {start:%H:%M}  {m.registration.name} · {m.registration.organisation}")
                lines.append("")
            lines.append(_("Log in to see the requests, print the agenda and mark each meeting on the day."))
            subject = _("Agenda of your booths at %(title)s", title=session.title(locale))
        mail.queue(user.email, subject, "\n".join(lines), language=locale)


# ---------------------------------------------------------------- figures

def figures_for(session: RecruitmentSession) -> dict:
    rows = db.session.execute(select(Meeting.status, Meeting.outcome, Meeting.source)
                              .where(Meeting.session_id == session.id, Meeting.published_at.is_not(None))).all()
    out = rules.session_figures([{"status": s, "outcome": o, "source": src} for s, o, src in rows])
    out["requests"] = db.session.scalar(select(func.count()).select_from(MeetingRequest)
                                        .where(MeetingRequest.session_id == session.id)) or 0
    out["talents"] = db.session.scalar(select(func.count(func.distinct(MeetingRequest.registration_id)))
                                       .where(MeetingRequest.session_id == session.id)) or 0
    return out


# ---------------------------------------------------------------- the attendee's personal agenda


def agenda_items(registration: Registration, locale: str = "zh_CN", **extra) -> list[dict]:
    """The published booth meetings on the attendee's agenda (the programme's /me/<token> page and
    its .ics), with the same uid as the session's own calendar file."""
    out = []
    with force_locale(locale):
        for m in meetings_of(registration):
            out.append({"start": m.slot.starts_at, "end": m.slot.ends_at, "kind": "meeting",
                        "title": f"{m.booth.name(locale)} · {m.session.host_org(locale)}",
                        "room": " · ".join(x for x in (m.session.room(locale), _("table %(n)s", n=m.booth.table_no)) if x),
                        "note": m.session.title(locale), "uid": f"meeting-{m.id}@qianshan-summit"})
    return out
