"""The timetable: building it with the scheduler, publishing it (with the mails), discarding drafts."""
from __future__ import annotations

import secrets

from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from summit.core import audit, mail, storage
from summit.core.database import for_update, transaction
from summit.core.models import utcnow
from summit.extensions import db
from summit.matchmaking import agenda, booking, rules
from summit.matchmaking.lookups import booth_meetings, meetings_of, other_sessions_busy
from summit.matchmaking.models import Booth, Meeting, MeetingRequest, RecruitmentSession, TalentProfile
from summit.matchmaking.scheduler import schedule as solve
from summit.registration.models import Registration


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
        busy = other_sessions_busy(rid, session)
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
    with transaction(lock=True):
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
        # A published meeting that has to go is told to its talent now (the new agenda follows with
        # the next publication); drafts were never shown to anyone.
        booking.release([m for m in removed if m.published_at is not None], "timetable")
        for m in removed:
            if m.published_at is None:
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
        # Talents who lost a published meeting get their new agenda with the next publication.
        moved = sorted({m.registration_id for m in removed if m.published_at is not None}
                       | set((session.last_run or {}).get("moved_registrations", [])))
        summary.update(meetings=len(result["meetings"]), added=added, removed=len(removed),
                       removed_published=sum(1 for m in removed if m.published_at is not None),
                       requests=len(data["requests"]), moved_registrations=moved)
        session.last_run = summary
        session.scheduled_at = utcnow()
        audit.record(session, "scheduled", after=summary)
    return summary


def publish(session: RecruitmentSession, notify: bool = True) -> int:
    """Publish the timetable and mail each talent whose agenda changed (a new meeting, or a
    published one that had to go) their current agenda. Returns mails queued."""
    with transaction():
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
    return queued


def _queue_agenda_mail(session: RecruitmentSession, reg: Registration) -> None:
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
    # In the storage root, so that a mail sender on another host finds it.
    stored = storage.save("mail", f"agenda-{session.id}-{reg.id}-{secrets.token_hex(4)}.ics",
                          agenda.ics_for(reg, meetings, locale))
    mail.queue(reg.email, subject, "\n".join(lines), attachments=[{"filename": "agenda.ics", "mimetype": "text/calendar",
                                                                  "path": stored}], language=locale)


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


def discard_drafts(session: RecruitmentSession, actor_label: str | None = None) -> int:
    """Drop the timetable's unpublished meetings (nobody was told of them); returns how many."""
    with transaction(lock=True):
        drafts = list(db.session.scalars(for_update(select(Meeting).where(
            Meeting.session_id == session.id, Meeting.published_at.is_(None), Meeting.status == "planned"))))
        for meeting in drafts:
            db.session.delete(meeting)
        if drafts:
            audit.record(session, "drafts_discarded", before={"meetings": len(drafts)}, after={"meetings": 0},
                         actor_label=actor_label)
    return len(drafts)
