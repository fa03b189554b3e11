"""What the sessions hold for whom: the read-only queries the pages, mails and other services share."""
from __future__ import annotations

from flask_babel import force_locale, gettext as _
from sqlalchemy import func, select

from summit.core.models import Summit
from summit.extensions import db
from summit.matchmaking import rules
from summit.matchmaking.errors import MatchmakingError
from summit.matchmaking.models import Booth, Meeting, MeetingRequest, RecruitmentSession, Slot, TalentProfile
from summit.registration import links
from summit.registration.models import Registration


def registration_by_token(token: str) -> Registration | None:
    """The talent's private pages open for any registration (they offer sessions only to the approved)."""
    return links.registration_by_token(token, allow_closed=True)


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


def profiles(reg_ids) -> dict[int, TalentProfile]:
    """registration id -> talent profile, for those of the given registrations that have one."""
    ids = sorted(set(reg_ids))
    if not ids:
        return {}
    return {p.registration_id: p for p in db.session.scalars(select(TalentProfile)
                                                             .where(TalentProfile.registration_id.in_(ids)))}


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


def check_attendee(registration: Registration) -> None:
    if registration is None or registration.status != "approved":
        raise MatchmakingError(_("Only approved attendees can take part in the recruitment sessions."), status=403)


def other_sessions_busy(registration_id: int, session: RecruitmentSession, exclude_session: bool = True) -> list[tuple]:
    """(start, end) of the talent's meetings in other sessions (published or not)."""
    stmt = (select(Slot.starts_at, Slot.ends_at).join(Meeting, Meeting.slot_id == Slot.id)
            .where(Meeting.registration_id == registration_id))
    if exclude_session:
        stmt = stmt.where(Meeting.session_id != session.id)
    return list(db.session.execute(stmt))


def find_attendee(summit: Summit, query: str) -> Registration | None:
    """An approved registration by phone or e-mail (walk-ins at the booth)."""
    from summit.core import normalise
    from summit.registration.identity import normalise_phone

    q = (query or "").strip()
    if not q:
        return None
    # Typed full-width on a phone as often as not: folded as the registration form folds them.
    digits = normalise_phone(q) or "".join(ch for ch in normalise.code(q) if ch in "+0123456789")
    cond = func.lower(Registration.email) == normalise.email(q).lower()
    if digits:
        cond = cond | (Registration.phone == digits)
    return db.session.scalar(select(Registration).where(Registration.summit_id == summit.id, cond).limit(1))


def walk_in_candidate(user, booth: Booth, query: str) -> Registration | None:
    """The registration a booth host may add as a walk-in: found by phone or e-mail, and either
    checked in at the summit or one who asked to meet at a booth this host hosts. None for
    anyone else, as for someone unknown: the host learns no name and no one is booked unasked."""
    reg = find_attendee(booth.session.summit, query)
    if reg is None:
        return None
    asked = db.session.scalars(select(Booth).join(MeetingRequest, MeetingRequest.booth_id == Booth.id)
                               .where(MeetingRequest.registration_id == reg.id))
    if any(may_host(user, b) for b in asked):
        return reg
    from summit.core.features import features

    checked_in = features().checked_in_source
    if checked_in is not None and db.session.scalar(
            select(Registration.id).where(Registration.id == reg.id,
                                          Registration.id.in_(checked_in(booth.session.summit)))):
        return reg
    return None


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


# ---------------------------------------------------------------- what the pages list

def requests_by_session(registration: Registration) -> dict[int, list[MeetingRequest]]:
    out: dict[int, list[MeetingRequest]] = {}
    for r in db.session.scalars(select(MeetingRequest).where(MeetingRequest.registration_id == registration.id)):
        out.setdefault(r.session_id, []).append(r)
    return out


def free_places(session: RecruitmentSession, registration: Registration) -> list[tuple[Booth, Slot, int]]:
    """(booth, slot, free places) the talent could book now: never a time at which they already
    meet someone, in this session or another (booking it would be refused)."""
    counts = dict(((b, s), n) for b, s, n in db.session.execute(
        select(Meeting.booth_id, Meeting.slot_id, func.count()).where(Meeting.session_id == session.id)
        .group_by(Meeting.booth_id, Meeting.slot_id)))
    mine = db.session.execute(select(Meeting.booth_id, Meeting.slot_id)
                              .where(Meeting.registration_id == registration.id)).all()
    my_booths = {b for b, _s in mine}
    my_slots = {s for _b, s in mine}
    busy = other_sessions_busy(registration.id, session)
    out = []
    for booth in session.booths:
        if booth.id in my_booths:
            continue
        for slot in session.slots:
            if slot.id in my_slots or slot.id in (booth.unavailable or []):
                continue
            if any(rules.overlaps(slot.starts_at, slot.ends_at, start, end) for start, end in busy):
                continue
            left = booth.capacity - counts.get((booth.id, slot.id), 0)
            if left > 0:
                out.append((booth, slot, left))
    return out


def request_counts(*, booth_ids: list[int] | None = None, session: RecruitmentSession | None = None) -> dict[int, int]:
    """booth id -> how many talents asked for it, for the given booths or a session's."""
    stmt = select(MeetingRequest.booth_id, func.count()).group_by(MeetingRequest.booth_id)
    if session is not None:
        stmt = stmt.where(MeetingRequest.session_id == session.id)
    else:
        if not booth_ids:
            return {}
        stmt = stmt.where(MeetingRequest.booth_id.in_(booth_ids))
    return dict(db.session.execute(stmt).all())


def find_requests(requests_: list[MeetingRequest], query: str) -> list[MeetingRequest]:
    """A booth's talents found by name (characters, traditional characters, pinyin, initials)
    or organisation."""
    from summit.core import names

    query = (query or "").strip()[:100]
    if not query:
        return requests_
    return [r for r in requests_ if names.matches(r.registration.name, query)
            or query.lower() in (r.registration.organisation or "").lower()]


def booth_requests(booth: Booth) -> list[MeetingRequest]:
    """The booth's requests as its host reads them: priority first, then the talents' ranks."""
    return list(db.session.scalars(select(MeetingRequest).where(MeetingRequest.booth_id == booth.id)
                                   .order_by(MeetingRequest.priority.desc(), MeetingRequest.rank,
                                             MeetingRequest.id)))


def meeting_count(session: RecruitmentSession, drafts_only: bool = False) -> int:
    stmt = select(func.count()).select_from(Meeting).where(Meeting.session_id == session.id)
    if drafts_only:
        stmt = stmt.where(Meeting.published_at.is_(None))
    return db.session.scalar(stmt) or 0


def grid(session: RecruitmentSession) -> dict[tuple[int, int], list[Meeting]]:
    """(booth id, slot id) -> the meetings there, draft or published, by place."""
    cells: dict[tuple[int, int], list[Meeting]] = {}
    for m in db.session.scalars(select(Meeting).where(Meeting.session_id == session.id).order_by(Meeting.place)):
        cells.setdefault((m.booth_id, m.slot_id), []).append(m)
    return cells


def published_meetings(session: RecruitmentSession) -> list[Meeting]:
    """The session's published meetings by time, table and place (the workbook's rows)."""
    return list(db.session.scalars(select(Meeting).join(Slot, Meeting.slot_id == Slot.id).join(Booth)
                                   .where(Meeting.session_id == session.id, Meeting.published_at.is_not(None))
                                   .order_by(Slot.position, Booth.table_no, Meeting.place)))


def cv_profile(user, registration_id: int) -> TalentProfile | None:
    """The talent's profile with a CV, when this host account may read it: the talent asked for or
    meets one of its booths. None when there is no CV; PermissionError when it is not theirs to see."""
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.registration_id == registration_id))
    if profile is None or not profile.cv_path:
        return None
    booth_ids = set(db.session.scalars(select(MeetingRequest.booth_id).where(
        MeetingRequest.registration_id == registration_id))) | set(db.session.scalars(
            select(Meeting.booth_id).where(Meeting.registration_id == registration_id)))
    if not any(may_host(user, db.session.get(Booth, b)) for b in sorted(booth_ids)):
        raise PermissionError
    return profile
