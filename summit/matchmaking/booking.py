"""Booking a meeting under a lock (talents, walk-ins, the demo), cancelling one, and releasing
a withdrawn registration's meetings and requests."""
from __future__ import annotations

from flask_babel import LazyString, force_locale, get_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from summit.core import audit, mail
from summit.core.database import for_update, transaction
from summit.core.models import utcnow
from summit.extensions import db
from summit.matchmaking import rules
from summit.matchmaking.errors import MatchmakingError
from summit.matchmaking.lookups import check_attendee, other_sessions_busy, walk_in_candidate
from summit.matchmaking.models import Booth, Meeting, MeetingRequest, Slot
from summit.registration.models import Registration


def walk_in(user, booth: Booth, who: str, slot: Slot) -> Meeting:
    """A host adds someone at the booth. Only for people checked in at the summit or who asked
    for this host's booths (lookups.walk_in_candidate); anyone else gets the answer an unknown
    person gets. The attendee is told by mail and can cancel it from their private page."""
    reg = walk_in_candidate(user, booth, who)
    if reg is None:
        raise MatchmakingError(_("No one with this phone number or e-mail can be added here. Walk-ins are for people "
                                 "checked in at the summit or who asked to meet at your booths."),
                               field="who", status=404)
    return book(reg, booth, slot, source="walk_in", notify=True)


def book(registration: Registration, booth: Booth, slot: Slot, source: str = "manual", actor_label: str | None = None,
         notify: bool = False) -> Meeting:
    """Book a free place: the booth row is locked (BEGIN IMMEDIATE on SQLite, FOR UPDATE on
    PostgreSQL) while the places are counted, and the unique (booth, slot, place) constraint
    refuses a second booking of the same place should anything slip through."""
    check_attendee(registration)
    if slot.session_id != booth.session_id:
        raise MatchmakingError(_("This time is not in the booth's session."), field="slot")
    booth_id, slot_id, reg_id, session_id = booth.id, slot.id, registration.id, booth.session_id
    try:
        with transaction(lock=True):
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
            for start, end in other_sessions_busy(reg_id, booth.session):
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
            if notify:
                _queue_booked_mail(meeting, registration, booth, slot)
    except IntegrityError:  # the unique (booth, slot, place) constraint: someone else was faster
        raise MatchmakingError(_("Sorry, this time at the booth was just taken. Please choose another time."),
                               field="slot", status=409)
    return meeting


def cancel_meeting(meeting: Meeting, *, reason: str, actor_label: str | None = None) -> None:
    """Cancel one planned meeting: reason "organizer" (from the grid) or "talent" (their own link)."""
    if meeting.status != "planned":
        raise MatchmakingError(_("A meeting that has been marked cannot be cancelled."), status=409)
    with transaction():
        release([meeting], reason, actor_label=actor_label)


RELEASE_REASONS = ("organizer", "talent", "booth_removed", "timetable")


def release(meetings: list[Meeting], reason: str, actor_label: str | None = None) -> int:
    """The one way planned meetings go away, whatever removes them (see RELEASE_REASONS): each is
    recorded, and the talent of each published one is mailed in their language with the reason,
    since their agenda showed it. Runs inside the caller's transaction; returns the mails queued."""
    if reason not in RELEASE_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    mails = 0
    for meeting in meetings:
        audit.record(meeting, "meeting_cancelled", before={"booth": meeting.booth_id, "slot": meeting.slot_id,
                                                           "registration": meeting.registration_id},
                     after={"reason": reason}, actor_label=actor_label)
        if meeting.published_at is not None and meeting.registration.email:
            _queue_cancellation_mail(meeting, reason)
            mails += 1
        db.session.delete(meeting)
    db.session.flush()
    return mails


def _queue_booked_mail(meeting: Meeting, reg: Registration, booth: Booth, slot: Slot) -> None:
    """Tells the attendee that a booth put a meeting on their agenda, and how to cancel it."""
    from summit.core import links

    locale = reg.language or "zh_CN"
    with force_locale(locale):
        start = rules.to_local(slot.starts_at)
        subject = _("New meeting: %(booth)s", booth=booth.name(locale))
        body = "\n".join([
            _("Dear %(name)s,", name=reg.name), "",
            _("%(booth)s has added a meeting with you at %(time)s (%(title)s) to your agenda.",
              booth=booth.name(locale), time=f"{start:%Y-%m-%d %H:%M}", title=booth.session.title(locale)),
            _("If you do not want it, cancel it on your private registration page (the link in your registration "
              "mail). To get that link again:"),
            links.external_url("registration.resend_link")])
    mail.queue(reg.email, subject, body, language=locale)


def _queue_cancellation_mail(meeting: Meeting, reason: str) -> None:
    reg, session = meeting.registration, meeting.session
    locale = reg.language or "zh_CN"
    with force_locale(locale):
        start = rules.to_local(meeting.slot.starts_at)
        names = {"booth": meeting.booth.name(locale), "time": f"{start:%Y-%m-%d %H:%M}", "title": session.title(locale)}
        why = {
            "organizer": _("The organizers have cancelled your meeting with %(booth)s at %(time)s (%(title)s).", **names),
            "talent": _("As you asked, your meeting with %(booth)s at %(time)s (%(title)s) is cancelled.", **names),
            "booth_removed": _("%(booth)s no longer takes part in %(title)s: your meeting at %(time)s is cancelled.",
                               **names),
            "timetable": _("The timetable of %(title)s had to change: your meeting with %(booth)s at %(time)s is "
                           "cancelled. You get your new agenda when the timetable is published again.", **names),
        }[reason]
        subject = _("Meeting cancelled: %(booth)s", booth=names["booth"])
        body = "\n".join([_("Dear %(name)s,", name=reg.name), "", why,
                          _("Your private registration link shows your agenda and lets you book free times.")])
    mail.queue(reg.email, subject, body, language=locale)


def release_registration(registration: Registration, reason: str = "cancelled", **_extra) -> list:
    """Receiver of registration_withdrawn, inside the deciding transaction: the person's meetings
    still planned (not yet marked held or no-show: those are the record) and their meeting
    requests go; the hosts of booths whose published meetings were still to come are told.
    Returns what went, as lazy texts."""
    now = utcnow()
    meetings = list(db.session.scalars(for_update(
        select(Meeting).join(Slot, Slot.id == Meeting.slot_id)
        .where(Meeting.registration_id == registration.id, Meeting.status == "planned")
        .order_by(Slot.starts_at))))
    marked_booths = set(db.session.scalars(select(Meeting.booth_id).where(
        Meeting.registration_id == registration.id, Meeting.status != "planned")))
    requests = [r for r in db.session.scalars(
        select(MeetingRequest).where(MeetingRequest.registration_id == registration.id)
        .order_by(MeetingRequest.session_id, MeetingRequest.rank)) if r.booth_id not in marked_booths]
    released = []
    for meeting in meetings:
        booth, start = meeting.booth, rules.to_local(meeting.slot.starts_at)
        released.append(LazyString(_released_meeting, booth.name_zh, booth.name_en, f"{start:%Y-%m-%d %H:%M}"))
        audit.record(meeting, "meeting_cancelled", before={"booth": meeting.booth_id, "slot": meeting.slot_id,
                                                           "registration": meeting.registration_id},
                     note=reason, actor_label="system")
        if meeting.published_at is not None and meeting.slot.starts_at > now:
            _queue_host_release_mail(meeting, registration)
        booth.version += 1
        db.session.delete(meeting)
    booked = {m.booth_id for m in meetings}
    for req in requests:
        if req.booth_id not in booked:
            released.append(LazyString(_released_request, req.booth.name_zh, req.booth.name_en))
        db.session.delete(req)
    if requests:
        audit.record(registration, "meeting_requests_released", before={"booths": [r.booth_id for r in requests]},
                     actor_label="system")
    db.session.flush()
    return released


def _released_meeting(name_zh: str, name_en: str, when: str) -> str:
    name = (name_en or name_zh) if str(get_locale()).startswith("en") else name_zh
    return _("Meeting with %(booth)s at %(time)s", booth=name, time=when)


def _released_request(name_zh: str, name_en: str) -> str:
    name = (name_en or name_zh) if str(get_locale()).startswith("en") else name_zh
    return _("Meeting request to %(booth)s", booth=name)


def _queue_host_release_mail(meeting: Meeting, registration: Registration) -> None:
    """The booth's host hears that the talent will not come, in the host's language."""
    from summit.auth.models import User

    user = db.session.get(User, meeting.booth.host_user_id) if meeting.booth.host_user_id else None
    if user is None or not user.active or not user.email:
        return
    locale = user.locale or "zh_CN"
    with force_locale(locale):
        start = rules.to_local(meeting.slot.starts_at)
        subject = _("Meeting released: %(booth)s, %(time)s", booth=meeting.booth.name(locale), time=f"{start:%H:%M}")
        body = "\n".join([
            _("%(name)s (%(org)s) will not come: their registration is withdrawn.",
              name=registration.name, org=registration.organisation),
            _("Their meeting with %(booth)s at %(time)s is released; the time is free for another talent.",
              booth=meeting.booth.name(locale), time=f"{start:%Y-%m-%d %H:%M}")])
    mail.queue(user.email, subject, body, language=locale)
