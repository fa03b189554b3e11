"""The talent's private pages, reached through the registration's management link token:
sessions, requests and times away, the CV, booking free times, the agenda and its .ics."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from summit.core.database import db_int
from summit.core.errors import back_to
from summit.core.models import Summit
from summit.core.security import limited
from summit.extensions import db
from summit.matchmaking import agenda, booking, lookups, requests, rules
from summit.matchmaking.errors import MatchmakingError
from summit.matchmaking.forms import ActionForm, CvForm
from summit.matchmaking.models import Booth, Meeting, RecruitmentSession, Slot
from summit.matchmaking.views.shared import bp, field_tags, local_hm, locale
from summit.registration.models import Registration


def _talent(token: str) -> Registration:
    reg = lookups.registration_by_token(token)
    if reg is None:
        abort(404)
    return reg


def _talent_session(reg: Registration, session_id: int) -> RecruitmentSession:
    session = db.session.get(RecruitmentSession, session_id)
    if session is None or session.summit_id != reg.summit_id:
        abort(404)
    return session


def _meeting_session(args: dict) -> int | None:
    """The session page of the meeting in the URL (where a refused cancellation goes back to)."""
    meeting = db.session.get(Meeting, args.get("meeting_id"))
    return meeting.session_id if meeting else None


@bp.route("/me/<token>/sessions")
def talent_sessions(token: str):
    reg = _talent(token)
    summit = db.session.get(Summit, reg.summit_id)
    sessions = lookups.sessions_of(summit) if reg.status == "approved" else []
    return render_template("matchmaking/talent_sessions.html", reg=reg, token=token, sessions=sessions,
                           my_requests=lookups.requests_by_session(reg), meetings=lookups.meetings_of(reg), locale=locale(),
                           fields=field_tags())


@bp.route("/me/<token>/sessions/<int:session_id>", methods=["GET", "POST"])
@limited("registration")
def talent_session(token: str, session_id: int):
    reg = _talent(token)
    session = _talent_session(reg, session_id)
    form = ActionForm()
    errors = {}
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ranks = []
        for booth in session.booths:
            raw = request.form.get(f"rank_{booth.id}", "").strip()
            if raw:
                try:
                    ranks.append((int(raw), booth.id))
                except ValueError:
                    abort(400)
        values = [r for r, _b in ranks]
        unavailable = []
        for raw in request.form.getlist("unavailable"):
            try:
                unavailable.append(int(raw))
            except ValueError:
                abort(400)
        if len(values) != len(set(values)):
            errors["booths"] = _("Give each chosen booth its own place in the order.")
            status = 422
        else:
            try:
                requests.set_requests(reg, session, [b for _r, b in sorted(ranks)], unavailable)
            except MatchmakingError as exc:  # shown beside its field of the page's form
                errors[exc.field or "booths"] = exc.message
                status = exc.status
            else:
                flash(_("Your requests are saved."), "success")
                return redirect(url_for(".talent_session", token=token, session_id=session.id), code=303)
    requests_ = lookups.requests_of(reg, session)
    rank_of = {r.booth_id: r.rank for r in requests_}
    if request.method == "POST" and errors:
        rank_of = {b.id: request.form.get(f"rank_{b.id}", "") for b in session.booths}
    profile = lookups.profile_of(reg)
    unavailable = set(profile.unavailable_slot_ids or []) if profile else set()
    booths_data = [{"id": b.id, "fields": b.fields, "needs": b.needs} for b in session.booths]
    recommended = rules.recommend(reg.fields or [], reg.degree, booths_data)
    my_meetings = [m for m in lookups.meetings_of(reg) if m.session_id == session.id]
    free = lookups.free_places(session, reg) if session.published_at else []
    return render_template("matchmaking/talent_session.html", reg=reg, token=token, session=session, form=form,
                           errors=errors, rank_of=rank_of, requests=requests_, unavailable=unavailable,
                           recommended=recommended, meetings=my_meetings, free=free, profile=profile,
                           cv_form=CvForm(), locale=locale(), fields=field_tags()), status


@bp.route("/me/<token>/sessions/<int:session_id>/book", methods=["POST"])
@limited("registration")
@back_to("matchmaking.talent_session")
def talent_book(token: str, session_id: int):
    reg = _talent(token)
    session = _talent_session(reg, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if session.published_at is None:
        raise MatchmakingError(_("Booking opens when the timetable is published."), status=409)
    booth_raw, _sep, slot_raw = request.form.get("place", "").partition(":")
    try:
        # db_int: an id beyond the database's range is a bad request, not an OverflowError.
        booth = db.session.get(Booth, db_int(request.form.get("booth") or booth_raw or 0))
        slot = db.session.get(Slot, db_int(request.form.get("slot") or slot_raw or 0))
    except ValueError:
        abort(400)
    if booth is None or slot is None or booth.session_id != session.id or slot.session_id != session.id:
        raise MatchmakingError(_("Choose a booth and a time of this session."), status=422)
    booking.book(reg, booth, slot, source="manual", actor_label="attendee link")
    flash(_("Booked: %(booth)s at %(time)s.", booth=booth.name(locale()), time=local_hm(slot.starts_at)), "success")
    return redirect(url_for(".talent_session", token=token, session_id=session.id), code=303)


@bp.route("/me/<token>/meetings/<int:meeting_id>/cancel", methods=["POST"])
@limited("registration")
@back_to("matchmaking.talent_session", session_id=_meeting_session)
def talent_cancel(token: str, meeting_id: int):
    reg = _talent(token)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.registration_id != reg.id:
        abort(404)
    back = url_for(".talent_session", token=token, session_id=meeting.session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    booking.cancel_meeting(meeting, reason="talent", actor_label="attendee link")
    flash(_("The meeting is cancelled; the time is free for others."), "success")
    return redirect(back, code=303)


@bp.route("/me/<token>/cv", methods=["POST"])
@limited("registration")
def talent_cv(token: str):
    reg = _talent(token)
    form = CvForm()
    back = request.form.get("back_session")
    target = (url_for(".talent_session", token=token, session_id=int(back)) if back and back.isdigit()
              else url_for(".talent_sessions", token=token))
    if not form.validate_on_submit():
        abort(400)
    upload = form.cv.data
    try:
        requests.save_cv(reg, getattr(upload, "filename", "") or "", upload.read() if upload else b"")
    except MatchmakingError as exc:
        # Back to the page the upload came from, which the form names (a session's or the list).
        if request.accept_mimetypes.best == "application/json":
            raise
        flash(exc.message, "error")
        return redirect(target, code=303)
    flash(_("Your CV is attached."), "success")
    return redirect(target, code=303)


@bp.route("/me/<token>/agenda")
def talent_agenda(token: str):
    reg = _talent(token)
    return render_template("matchmaking/talent_agenda.html", reg=reg, token=token,
                           meetings=lookups.meetings_of(reg), locale=locale())


@bp.route("/me/<token>/agenda.ics")
def talent_ics(token: str):
    reg = _talent(token)
    body = agenda.ics_for(reg, lookups.meetings_of(reg), locale())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="qianshan-agenda.ics"'})
