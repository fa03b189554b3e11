"""Recruitment sessions: the talent's private pages, the host's booth pages, the organizer's pages."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_date, format_time, get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from summit.auth.models import User
from summit.auth.permissions import role_required
from summit.core.errors import render_error
from summit.core.models import Summit
from summit.core.nav import NavItem
from summit.extensions import db
from summit.matchmaking import agenda, rules, services
from summit.matchmaking.forms import ActionForm, BoothForm, CvForm, MarkForm, SessionForm, WalkInForm
from summit.matchmaking.models import Booth, Meeting, MeetingRequest, RecruitmentSession, Slot, TalentProfile
from summit.registration.models import FieldTag, Registration

bp = Blueprint("matchmaking", __name__)
NAV = [
    NavItem("matchmaking.org_index", _l("Sessions"), ("organizer",)),
    NavItem("matchmaking.host_index", _l("My booths"), ("host",)),
]


# ---------------------------------------------------------------- filters

@bp.app_template_filter("local_hm")
def local_hm(value) -> str:
    return format_time(value, "HH:mm") if value else ""


@bp.app_template_filter("local_date")
def local_date(value) -> str:
    # flask_babel moves a datetime from UTC to Asia/Shanghai itself.
    return format_date(value, "long") if value else ""


def _locale() -> str:
    return str(get_locale())


def _fields() -> dict[str, FieldTag]:
    summit = Summit.current()
    if summit is None:
        return {}
    return {f.code: f for f in db.session.scalars(select(FieldTag).where(FieldTag.summit_id == summit.id)
                                                   .order_by(FieldTag.position))}


def _error(exc: services.MatchmakingError, back: str):
    if request.accept_mimetypes.best == "application/json":
        return render_error(exc.status, exc.message)
    flash(exc.message, "error")
    return redirect(back, code=303)


# ---------------------------------------------------------------- the talent's private pages

def _talent(token: str) -> Registration:
    reg = services.registration_by_token(token)
    if reg is None:
        abort(404)
    return reg


def _talent_session(reg: Registration, session_id: int) -> RecruitmentSession:
    session = db.session.get(RecruitmentSession, session_id)
    if session is None or session.summit_id != reg.summit_id:
        abort(404)
    return session


@bp.route("/me/<token>/sessions")
def talent_sessions(token: str):
    reg = _talent(token)
    summit = db.session.get(Summit, reg.summit_id)
    sessions = services.sessions_of(summit) if reg.status == "approved" else []
    my_requests = {}
    for r in db.session.scalars(select(MeetingRequest).where(MeetingRequest.registration_id == reg.id)):
        my_requests.setdefault(r.session_id, []).append(r)
    return render_template("matchmaking/talent_sessions.html", reg=reg, token=token, sessions=sessions,
                           my_requests=my_requests, meetings=services.meetings_of(reg), locale=_locale(),
                           fields=_fields())


@bp.route("/me/<token>/sessions/<int:session_id>", methods=["GET", "POST"])
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
                services.set_requests(reg, session, [b for _r, b in sorted(ranks)], unavailable)
            except services.MatchmakingError as exc:
                db.session.rollback()
                errors[exc.field or "booths"] = exc.message
                status = exc.status
            else:
                flash(_("Your requests are saved."), "success")
                return redirect(url_for(".talent_session", token=token, session_id=session.id), code=303)
    requests_ = services.requests_of(reg, session)
    rank_of = {r.booth_id: r.rank for r in requests_}
    if request.method == "POST" and errors:
        rank_of = {b.id: request.form.get(f"rank_{b.id}", "") for b in session.booths}
    profile = services.profile_of(reg)
    unavailable = set(profile.unavailable_slot_ids or []) if profile else set()
    booths_data = [{"id": b.id, "fields": b.fields, "needs": b.needs} for b in session.booths]
    recommended = rules.recommend(reg.fields or [], reg.degree, booths_data)
    my_meetings = [m for m in services.meetings_of(reg) if m.session_id == session.id]
    free = _free_places(session, reg) if session.published_at else []
    return render_template("matchmaking/talent_session.html", reg=reg, token=token, session=session, form=form,
                           errors=errors, rank_of=rank_of, requests=requests_, unavailable=unavailable,
                           recommended=recommended, meetings=my_meetings, free=free, profile=profile,
                           cv_form=CvForm(), locale=_locale(), fields=_fields()), status


def _free_places(session: RecruitmentSession, reg: Registration) -> list[tuple[Booth, Slot, int]]:
    """(booth, slot, free places) the talent could book now."""
    counts = dict(((b, s), n) for b, s, n in db.session.execute(
        select(Meeting.booth_id, Meeting.slot_id, func.count()).where(Meeting.session_id == session.id)
        .group_by(Meeting.booth_id, Meeting.slot_id)))
    mine = db.session.execute(select(Meeting.booth_id, Meeting.slot_id).where(Meeting.registration_id == reg.id)).all()
    my_booths = {b for b, _s in mine}
    my_slots = {s for _b, s in mine}
    out = []
    for booth in session.booths:
        if booth.id in my_booths:
            continue
        for slot in session.slots:
            if slot.id in my_slots or slot.id in (booth.unavailable or []):
                continue
            left = booth.capacity - counts.get((booth.id, slot.id), 0)
            if left > 0:
                out.append((booth, slot, left))
    return out


@bp.route("/me/<token>/sessions/<int:session_id>/book", methods=["POST"])
def talent_book(token: str, session_id: int):
    reg = _talent(token)
    session = _talent_session(reg, session_id)
    back = url_for(".talent_session", token=token, session_id=session.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if session.published_at is None:
        return _error(services.MatchmakingError(_("Booking opens when the timetable is published."), status=409), back)
    booth_raw, _sep, slot_raw = request.form.get("place", "").partition(":")
    try:
        booth = db.session.get(Booth, int(request.form.get("booth") or booth_raw or 0))
        slot = db.session.get(Slot, int(request.form.get("slot") or slot_raw or 0))
    except ValueError:
        abort(400)
    if booth is None or slot is None or booth.session_id != session.id or slot.session_id != session.id:
        return _error(services.MatchmakingError(_("Choose a booth and a time of this session."), status=422), back)
    try:
        services.book(reg, booth, slot, source="manual", actor_label="attendee link")
    except services.MatchmakingError as exc:
        return _error(exc, back)
    flash(_("Booked: %(booth)s at %(time)s.", booth=booth.name(_locale()), time=local_hm(slot.starts_at)), "success")
    return redirect(back, code=303)


@bp.route("/me/<token>/meetings/<int:meeting_id>/cancel", methods=["POST"])
def talent_cancel(token: str, meeting_id: int):
    reg = _talent(token)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.registration_id != reg.id:
        abort(404)
    back = url_for(".talent_session", token=token, session_id=meeting.session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_meeting(meeting, actor_label="attendee link")
    except services.MatchmakingError as exc:
        return _error(exc, back)
    flash(_("The meeting is cancelled; the time is free for others."), "success")
    return redirect(back, code=303)


@bp.route("/me/<token>/cv", methods=["POST"])
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
        services.save_cv(reg, getattr(upload, "filename", "") or "", upload.read() if upload else b"")
    except services.MatchmakingError as exc:
        return _error(exc, target)
    flash(_("Your CV is attached."), "success")
    return redirect(target, code=303)


@bp.route("/me/<token>/agenda")
def talent_agenda(token: str):
    reg = _talent(token)
    return render_template("matchmaking/talent_agenda.html", reg=reg, token=token,
                           meetings=services.meetings_of(reg), locale=_locale())


@bp.route("/me/<token>/agenda.ics")
def talent_ics(token: str):
    reg = _talent(token)
    body = agenda.ics_for(reg, services.meetings_of(reg), _locale())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="qianshan-agenda.ics"'})


# ---------------------------------------------------------------- hosts

def _host_booth(booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None:
        abort(404)
    if not services.may_host(current_user, booth):
        abort(403)
    return booth


@bp.route("/host/booths")
@role_required("host")
def host_index():
    booths = services.host_booths(current_user)
    counts = dict(db.session.execute(select(MeetingRequest.booth_id, func.count())
                                     .where(MeetingRequest.booth_id.in_([b.id for b in booths]) if booths else False)
                                     .group_by(MeetingRequest.booth_id)).all()) if booths else {}
    return render_template("matchmaking/host_index.html", booths=booths, counts=counts, locale=_locale())


@bp.route("/host/booths/<int:booth_id>")
@role_required("host")
def host_booth(booth_id: int):
    booth = _host_booth(booth_id)
    requests_ = list(db.session.scalars(select(MeetingRequest).where(MeetingRequest.booth_id == booth.id)
                                        .order_by(MeetingRequest.priority.desc(), MeetingRequest.rank,
                                                  MeetingRequest.id)))
    meetings = services.booth_meetings(booth, published_only=True)
    profiles = _profiles([r.registration_id for r in requests_] + [m.registration_id for m in meetings])
    walk_in = WalkInForm()
    taken = {}
    for m in services.booth_meetings(booth):
        taken[m.slot_id] = taken.get(m.slot_id, 0) + 1
    walk_in.slot.choices = [(s.id, f"{local_hm(s.starts_at)}–{local_hm(s.ends_at)}") for s in booth.session.slots
                            if taken.get(s.id, 0) < booth.capacity and s.id not in (booth.unavailable or [])]
    return render_template("matchmaking/host_booth.html", booth=booth, session=booth.session, requests=requests_,
                           meetings=meetings, profiles=profiles, form=ActionForm(), walk_in=walk_in,
                           locale=_locale(), fields=_fields(), mark_forms={m.id: MarkForm(obj=m, prefix=f"m{m.id}")
                                                                          for m in meetings})


def _profiles(reg_ids) -> dict[int, TalentProfile]:
    ids = sorted(set(reg_ids))
    if not ids:
        return {}
    return {p.registration_id: p for p in db.session.scalars(select(TalentProfile)
                                                             .where(TalentProfile.registration_id.in_(ids)))}


@bp.route("/host/requests/<int:request_id>/<action>", methods=["POST"])
@role_required("host")
def host_decide(request_id: int, action: str):
    req = db.session.get(MeetingRequest, request_id)
    if req is None:
        abort(404)
    booth = _host_booth(req.booth_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.decide(req, action)
    except services.MatchmakingError as exc:
        return _error(exc, url_for(".host_booth", booth_id=booth.id))
    return redirect(url_for(".host_booth", booth_id=booth.id) + "#requests", code=303)


@bp.route("/host/meetings/<int:meeting_id>/mark", methods=["POST"])
@role_required("host")
def host_mark(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    booth = _host_booth(meeting.booth_id)
    form = MarkForm(prefix=f"m{meeting.id}")
    back = url_for(".host_booth", booth_id=booth.id) + f"#meeting-{meeting.id}"
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _error(services.MatchmakingError(" ".join(e for errs in form.errors.values() for e in errs)), back)
    try:
        services.mark(meeting, form.status.data, form.outcome.data or "", form.note.data or "")
    except services.MatchmakingError as exc:
        return _error(exc, back)
    flash(_("Saved."), "success")
    return redirect(back, code=303)


@bp.route("/host/booths/<int:booth_id>/walk-in", methods=["POST"])
@role_required("host")
def host_walk_in(booth_id: int):
    booth = _host_booth(booth_id)
    form = WalkInForm()
    back = url_for(".host_booth", booth_id=booth.id) + "#walk-in"
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _error(services.MatchmakingError(_("Enter the phone number or e-mail of a registration.")), back)
    reg = services.find_attendee(booth.session.summit, form.who.data)
    if reg is None:
        return _error(services.MatchmakingError(_("No registration with this phone number or e-mail."),
                                                field="who", status=404), back)
    slot = db.session.get(Slot, form.slot.data or 0)
    if slot is None or slot.session_id != booth.session_id:
        return _error(services.MatchmakingError(_("Choose a time of this session."), field="slot"), back)
    try:
        services.book(reg, booth, slot, source="walk_in")
    except services.MatchmakingError as exc:
        return _error(exc, back)
    flash(_("%(name)s is on the agenda at %(time)s.", name=reg.name, time=local_hm(slot.starts_at)), "success")
    return redirect(back, code=303)


@bp.route("/host/booths/<int:booth_id>/closed", methods=["POST"])
@role_required("host")
def host_closed(booth_id: int):
    booth = _host_booth(booth_id)
    back = url_for(".host_booth", booth_id=booth.id) + "#closed"
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        slot_ids = [int(v) for v in request.form.getlist("closed")]
    except ValueError:
        abort(400)
    try:
        services.set_booth_closed(booth, slot_ids)
    except services.MatchmakingError as exc:
        return _error(exc, back)
    flash(_("Saved."), "success")
    return redirect(back, code=303)


@bp.route("/host/booths/<int:booth_id>/agenda")
@role_required("host")
def booth_agenda(booth_id: int):
    booth = _host_booth(booth_id)
    meetings = services.booth_meetings(booth, published_only=True)
    by_slot: dict[int, list[Meeting]] = {}
    for m in meetings:
        by_slot.setdefault(m.slot_id, []).append(m)
    return render_template("matchmaking/booth_agenda.html", booth=booth, session=booth.session, by_slot=by_slot,
                           profiles=_profiles([m.registration_id for m in meetings]), locale=_locale(),
                           fields=_fields())


@bp.route("/matchmaking/cv/<int:registration_id>")
@role_required("host")
def cv(registration_id: int):
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.registration_id == registration_id))
    if profile is None or not profile.cv_path:
        abort(404)
    # A host sees the CV of talents who asked for or meet one of its booths.
    booth_ids = set(db.session.scalars(select(MeetingRequest.booth_id).where(
        MeetingRequest.registration_id == registration_id))) | set(db.session.scalars(
            select(Meeting.booth_id).where(Meeting.registration_id == registration_id)))
    if not any(services.may_host(current_user, db.session.get(Booth, b)) for b in booth_ids):
        abort(403)
    path = Path(profile.cv_path)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=profile.cv_filename or "cv.pdf")


# ---------------------------------------------------------------- organizers

def _session(session_id: int) -> RecruitmentSession:
    session = db.session.get(RecruitmentSession, session_id)
    if session is None:
        abort(404)
    return session


def _field_error(form, exc: services.MatchmakingError, default: str) -> int:
    """The service's message beside its field; returns the status to answer with."""
    db.session.rollback()
    getattr(form, exc.field or default).errors.append(exc.message)
    return exc.status


def _session_values(form: SessionForm) -> dict:
    return {"title_zh": form.title_zh.data, "title_en": form.title_en.data or "",
            "host_org_zh": form.host_org_zh.data, "host_org_en": form.host_org_en.data or "",
            "kind": form.kind.data, "day": form.day.data, "start": form.start.data, "end": form.end.data,
            "slot_minutes": form.slot_minutes.data, "breaks": form.breaks.data or "",
            "room_zh": form.room_zh.data or "", "room_en": form.room_en.data or "",
            "max_requests": form.max_requests.data}


def _booth_form(fields: dict, **kwargs) -> BoothForm:
    form = BoothForm(**kwargs)
    form.fields.choices = [(c, f.name(_locale())) for c, f in fields.items()]
    form.need_field.choices = [("", "—")] + form.fields.choices
    return form


def _booth_values(form: BoothForm, fields: dict, other_needs: list | None = None) -> dict | None:
    """The booth's values from the form, or None when the host account is unknown (the message is
    then beside the field). The form holds one need; other_needs are kept after it."""
    host_id = None
    if form.host_email.data and form.host_email.data.strip():
        host = db.session.scalar(select(User).where(func.lower(User.email) == form.host_email.data.strip().lower()))
        if host is None or not host.has_role("host"):
            form.host_email.errors.append(_("No host account with this e-mail."))
            return None
        host_id = host.id
    needs = []
    if form.need_position.data or form.need_field.data:
        needs.append({"position": form.need_position.data or "", "field": form.need_field.data or "",
                      "degree": form.need_degree.data or "", "count": form.need_count.data or 1})
    return {"name_zh": form.name_zh.data, "name_en": form.name_en.data or "", "table_no": form.table_no.data,
            "fields": [f for f in form.fields.data if f in fields], "needs": needs + list(other_needs or []),
            "capacity": form.capacity.data, "host_user_id": host_id}


@bp.route("/matchmaking/", methods=["GET", "POST"])
@role_required("organizer")
def org_index():
    summit = Summit.current()
    if summit is None:
        abort(404)
    form = SessionForm()
    status = 200
    if form.validate_on_submit():
        try:
            session = services.create_session(summit, **_session_values(form))
        except services.MatchmakingError as exc:
            status = _field_error(form, exc, "title_zh")
        else:
            flash(_("Session created."), "success")
            return redirect(url_for(".org_session", session_id=session.id), code=303)
    elif request.method == "POST":
        status = 422
    sessions = services.sessions_of(summit)
    figures = {s.id: services.figures_for(s) for s in sessions}
    return render_template("matchmaking/org_index.html", sessions=sessions, figures=figures, form=form,
                           locale=_locale()), status


@bp.route("/matchmaking/sessions/<int:session_id>", methods=["GET", "POST"])
@role_required("organizer")
def org_session(session_id: int):
    session = _session(session_id)
    fields = _fields()
    form = _booth_form(fields)
    status = 200
    if form.validate_on_submit():
        values = _booth_values(form, fields)
        if values is None:
            status = 422
        else:
            try:
                services.add_booth(session, **values)
            except services.MatchmakingError as exc:
                status = _field_error(form, exc, "name_zh")
            else:
                flash(_("Booth added."), "success")
                return redirect(url_for(".org_session", session_id=session.id), code=303)
    elif request.method == "POST":
        status = 422
    counts = dict(db.session.execute(select(MeetingRequest.booth_id, func.count())
                                     .where(MeetingRequest.session_id == session.id)
                                     .group_by(MeetingRequest.booth_id)).all())
    drafts = db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.session_id == session.id, Meeting.published_at.is_(None))) or 0
    return render_template("matchmaking/org_session.html", session=session, form=form, action=ActionForm(),
                           counts=counts, drafts=drafts, figures=services.figures_for(session),
                           locale=_locale(), fields=fields), status


@bp.route("/matchmaking/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def org_edit_session(session_id: int):
    session = _session(session_id)
    status = 200
    if request.method == "POST":
        form = SessionForm()
        if form.validate_on_submit():
            try:
                services.update_session(session, **_session_values(form))
            except services.MatchmakingError as exc:
                status = _field_error(form, exc, "title_zh")
            else:
                flash(_("Session saved."), "success")
                return redirect(url_for(".org_session", session_id=session.id), code=303)
        else:
            status = 422
    else:
        start, end = rules.to_local(session.starts_at), rules.to_local(session.ends_at)
        # Not obj=session: its breaks are a list, the form's a text, and obj would win over the text.
        form = SessionForm(formdata=None, data={
            **{name: getattr(session, name) for name in ("title_zh", "title_en", "host_org_zh", "host_org_en", "kind",
                                                         "slot_minutes", "room_zh", "room_en", "max_requests")},
            "day": start.date(), "start": start.time(), "end": end.time(),
            "breaks": ", ".join(f"{a}-{b}" for a, b in session.breaks or [])})
    meetings = db.session.scalar(select(func.count()).select_from(Meeting)
                                 .where(Meeting.session_id == session.id)) or 0
    return render_template("matchmaking/org_session_edit.html", session=session, form=form, meetings=meetings,
                           locale=_locale()), status


@bp.route("/matchmaking/booths/<int:booth_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def org_edit_booth(booth_id: int):
    booth = db.session.get(Booth, booth_id)
    if booth is None:
        abort(404)
    fields = _fields()
    status = 200
    if request.method == "POST":
        form = _booth_form(fields)
        if form.validate_on_submit():
            values = _booth_values(form, fields, other_needs=(booth.needs or [])[1:])
            if values is None:
                status = 422
            else:
                try:
                    services.update_booth(booth, **values)
                except services.MatchmakingError as exc:
                    status = _field_error(form, exc, "name_zh")
                else:
                    flash(_("Booth saved."), "success")
                    return redirect(url_for(".org_session", session_id=booth.session_id), code=303)
        else:
            status = 422
    else:
        need = (booth.needs or [{}])[0]
        host = db.session.get(User, booth.host_user_id) if booth.host_user_id else None
        form = _booth_form(fields, formdata=None, obj=booth, need_position=need.get("position", ""),
                           need_field=need.get("field", ""), need_degree=need.get("degree", ""),
                           need_count=need.get("count"), host_email=host.email if host else "")
    return render_template("matchmaking/org_booth_edit.html", booth=booth, session=booth.session, form=form,
                           other_needs=(booth.needs or [])[1:], locale=_locale(), fields=fields), status


@bp.route("/matchmaking/booths/<int:booth_id>/delete", methods=["POST"])
@role_required("organizer")
def org_delete_booth(booth_id: int):
    booth = db.session.get(Booth, booth_id)
    if booth is None:
        abort(404)
    back = url_for(".org_session", session_id=booth.session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_booth(booth)
    except services.MatchmakingError as exc:
        return _error(exc, back)
    flash(_("Booth removed."), "success")
    return redirect(back, code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/schedule", methods=["POST"])
@role_required("organizer")
def org_schedule(session_id: int):
    session = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    summary = services.run_scheduler(session)
    flash(_("Timetable built: %(n)s meetings, total weight %(obj)s of at most %(bound)s (%(sec)s s). "
            "Check the grid, then publish.", n=summary["meetings"], obj=summary["objective"],
            bound=summary["bound"], sec=summary["seconds"]), "success")
    return redirect(url_for(".org_grid", session_id=session.id), code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/publish", methods=["POST"])
@role_required("organizer")
def org_publish(session_id: int):
    session = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    mails = services.publish(session)
    flash(_("Timetable published; %(n)s talents get their agenda by e-mail.", n=mails), "success")
    return redirect(url_for(".org_session", session_id=session.id), code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/drafts/discard", methods=["POST"])
@role_required("organizer")
def org_discard_drafts(session_id: int):
    session = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    n = services.discard_drafts(session)
    flash(_("%(n)s draft meetings discarded.", n=n), "success")
    return redirect(url_for(".org_session", session_id=session.id), code=303)


@bp.route("/matchmaking/meetings/<int:meeting_id>/cancel", methods=["POST"])
@role_required("organizer")
def org_cancel_meeting(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    back = url_for(".org_grid", session_id=meeting.session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_meeting(meeting, notify=True)
    except services.MatchmakingError as exc:
        return _error(exc, back)
    flash(_("Meeting cancelled."), "success")
    return redirect(back, code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/requests", methods=["POST"])
@role_required("organizer")
def org_toggle_requests(session_id: int):
    session = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    session.requests_open = not session.requests_open
    db.session.commit()
    return redirect(url_for(".org_session", session_id=session.id), code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/grid")
@role_required("organizer")
def org_grid(session_id: int):
    session = _session(session_id)
    cells: dict[tuple[int, int], list[Meeting]] = {}
    for m in db.session.scalars(select(Meeting).where(Meeting.session_id == session.id).order_by(Meeting.place)):
        cells.setdefault((m.booth_id, m.slot_id), []).append(m)
    return render_template("matchmaking/org_grid.html", session=session, cells=cells, action=ActionForm(),
                           locale=_locale())


@bp.route("/matchmaking/sessions/<int:session_id>/export.xlsx")
@role_required("organizer")
def org_export(session_id: int):
    session = _session(session_id)
    meetings = list(db.session.scalars(select(Meeting).join(Slot, Meeting.slot_id == Slot.id).join(Booth)
                                       .where(Meeting.session_id == session.id, Meeting.published_at.is_not(None))
                                       .order_by(Slot.position, Booth.table_no, Meeting.place)))
    figures = services.figures_for(session)
    body = agenda.session_workbook(session, meetings, figures, _xlsx_labels())
    name = f"session-{session.id}-meetings.xlsx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def outcome_labels() -> dict[str, str]:
    return {"interest": _("Interested"), "in_depth": _("In-depth talks"), "intent_to_sign": _("Intent to sign")}


def _xlsx_labels() -> dict:
    return {
        "sheet_meetings": _("Meetings"), "sheet_figures": _("Figures"),
        "columns": [_("Date"), _("Time"), _("Table"), _("Booth"), _("Name"), _("Organisation"), _("Title or position"),
                    _("Status"), _("Outcome"), _("Source"), _("Note")],
        "status": {"planned": _("Planned"), "held": _("Held"), "no_show": _("No-show")},
        "outcome": outcome_labels(),
        "source": {"scheduled": _("Scheduled"), "manual": _("Booked"), "walk_in": _("Walk-in")},
        "figure_rows": lambda f: [
            (_("Talents with requests"), f["talents"]), (_("Requests"), f["requests"]),
            (_("Meetings"), f["meetings"]), (_("Held"), f["held"]), (_("No-show"), f["no_show"]),
            (_("No-show rate"), f["no_show_rate"]), (_("Walk-ins"), f["walk_ins"]),
        ] + [(label, f["outcomes"][code]) for code, label in outcome_labels().items()],
    }


@bp.app_context_processor
def matchmaking_globals():
    return {"outcome_labels": outcome_labels}
