"""The organizer's pages: sessions and booths, building, publishing and discarding the timetable,
the booth x slot grid and the .xlsx export."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from summit.auth.models import User
from summit.auth.permissions import role_required
from summit.core.errors import back_to, form_error
from summit.core.downloads import attachment
from summit.core.models import Summit
from summit.extensions import db
from summit.matchmaking import agenda, booking, lookups, rules, sessions_admin, timetable
from summit.matchmaking.errors import MatchmakingError
from summit.matchmaking.forms import ActionForm, BoothForm, SessionForm
from summit.matchmaking.models import Booth, Meeting, RecruitmentSession
from summit.matchmaking.views.shared import bp, field_tags, locale, outcome_labels

def _session(session_id: int) -> RecruitmentSession:
    session = db.session.get(RecruitmentSession, session_id)
    if session is None:
        abort(404)
    return session


def _session_action(session_id: int) -> RecruitmentSession:
    """The session of a one-button action (schedule, publish, discard, ...), its form checked."""
    session = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return session


def _session_of(model, row_id) -> int | None:
    """The session of the booth or meeting in the URL (where a refused action goes back to)."""
    row = db.session.get(model, row_id)
    return row.session_id if row else None


def _session_values(form: SessionForm) -> dict:
    return {"title_zh": form.title_zh.data, "title_en": form.title_en.data or "",
            "host_org_zh": form.host_org_zh.data, "host_org_en": form.host_org_en.data or "",
            "kind": form.kind.data, "day": form.day.data, "start": form.start.data, "end": form.end.data,
            "slot_minutes": form.slot_minutes.data, "breaks": form.breaks.data or "",
            "room_zh": form.room_zh.data or "", "room_en": form.room_en.data or "",
            "max_requests": form.max_requests.data}


def _booth_form(fields: dict, **kwargs) -> BoothForm:
    form = BoothForm(**kwargs)
    form.fields.choices = [(c, f.name(locale())) for c, f in fields.items()]
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
            session = sessions_admin.create_session(summit, **_session_values(form))
        except MatchmakingError as exc:
            form_error(form, exc, "title_zh")
            status = exc.status
        else:
            flash(_("Session created."), "success")
            return redirect(url_for(".org_session", session_id=session.id), code=303)
    elif request.method == "POST":
        status = 422
    sessions = lookups.sessions_of(summit)
    figures = {s.id: lookups.figures_for(s) for s in sessions}
    return render_template("matchmaking/org_index.html", sessions=sessions, figures=figures, form=form,
                           locale=locale()), status


@bp.route("/matchmaking/sessions/<int:session_id>", methods=["GET", "POST"])
@role_required("organizer")
def org_session(session_id: int):
    session = _session(session_id)
    fields = field_tags()
    form = _booth_form(fields)
    status = 200
    if form.validate_on_submit():
        values = _booth_values(form, fields)
        if values is None:
            status = 422
        else:
            try:
                sessions_admin.add_booth(session, **values)
            except MatchmakingError as exc:
                form_error(form, exc, "name_zh")
                status = exc.status
            else:
                flash(_("Booth added."), "success")
                return redirect(url_for(".org_session", session_id=session.id), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("matchmaking/org_session.html", session=session, form=form, action=ActionForm(),
                           counts=lookups.request_counts(session=session),
                           drafts=lookups.meeting_count(session, drafts_only=True), figures=lookups.figures_for(session),
                           locale=locale(), fields=fields), status


@bp.route("/matchmaking/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def org_edit_session(session_id: int):
    session = _session(session_id)
    status = 200
    if request.method == "POST":
        form = SessionForm()
        if form.validate_on_submit():
            try:
                sessions_admin.update_session(session, **_session_values(form))
            except MatchmakingError as exc:
                form_error(form, exc, "title_zh")
                status = exc.status
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
    return render_template("matchmaking/org_session_edit.html", session=session, form=form,
                           meetings=lookups.meeting_count(session),
                           locale=locale()), status


@bp.route("/matchmaking/booths/<int:booth_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def org_edit_booth(booth_id: int):
    booth = db.session.get(Booth, booth_id)
    if booth is None:
        abort(404)
    fields = field_tags()
    status = 200
    if request.method == "POST":
        form = _booth_form(fields)
        if form.validate_on_submit():
            values = _booth_values(form, fields, other_needs=(booth.needs or [])[1:])
            if values is None:
                status = 422
            else:
                try:
                    sessions_admin.update_booth(booth, **values)
                except MatchmakingError as exc:
                    form_error(form, exc, "name_zh")
                    status = exc.status
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
                           other_needs=(booth.needs or [])[1:], locale=locale(), fields=fields), status


@bp.route("/matchmaking/booths/<int:booth_id>/delete", methods=["POST"])
@role_required("organizer")
@back_to("matchmaking.org_session", session_id=lambda args: _session_of(Booth, args.get("booth_id")))
def org_delete_booth(booth_id: int):
    booth = db.session.get(Booth, booth_id)
    if booth is None:
        abort(404)
    back = url_for(".org_session", session_id=booth.session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    sessions_admin.delete_booth(booth)
    flash(_("Booth removed."), "success")
    return redirect(back, code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/schedule", methods=["POST"])
@role_required("organizer")
def org_schedule(session_id: int):
    session = _session_action(session_id)
    summary = timetable.run_scheduler(session)
    flash(_("Timetable built: %(n)s meetings, total weight %(obj)s of at most %(bound)s (%(sec)s s). "
            "Check the grid, then publish.", n=summary["meetings"], obj=summary["objective"],
            bound=summary["bound"], sec=summary["seconds"]), "success")
    return redirect(url_for(".org_grid", session_id=session.id), code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/publish", methods=["POST"])
@role_required("organizer")
def org_publish(session_id: int):
    session = _session_action(session_id)
    mails = timetable.publish(session)
    flash(_("Timetable published; %(n)s talents get their agenda by e-mail.", n=mails), "success")
    return redirect(url_for(".org_session", session_id=session.id), code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/drafts/discard", methods=["POST"])
@role_required("organizer")
def org_discard_drafts(session_id: int):
    session = _session_action(session_id)
    n = timetable.discard_drafts(session)
    flash(_("%(n)s draft meetings discarded.", n=n), "success")
    return redirect(url_for(".org_session", session_id=session.id), code=303)


@bp.route("/matchmaking/meetings/<int:meeting_id>/cancel", methods=["POST"])
@role_required("organizer")
@back_to("matchmaking.org_grid", session_id=lambda args: _session_of(Meeting, args.get("meeting_id")))
def org_cancel_meeting(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    back = url_for(".org_grid", session_id=meeting.session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    booking.cancel_meeting(meeting, reason="organizer")
    flash(_("Meeting cancelled."), "success")
    return redirect(back, code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/requests", methods=["POST"])
@role_required("organizer")
def org_toggle_requests(session_id: int):
    session = _session_action(session_id)
    sessions_admin.toggle_requests(session)
    return redirect(url_for(".org_session", session_id=session.id), code=303)


@bp.route("/matchmaking/sessions/<int:session_id>/grid")
@role_required("organizer")
def org_grid(session_id: int):
    session = _session(session_id)
    return render_template("matchmaking/org_grid.html", session=session, cells=lookups.grid(session), action=ActionForm(),
                           locale=locale())


@bp.route("/matchmaking/sessions/<int:session_id>/export.xlsx")
@role_required("organizer")
def org_export(session_id: int):
    session = _session(session_id)
    body = agenda.session_workbook(session, lookups.published_meetings(session), lookups.figures_for(session),
                                   _xlsx_labels())
    name = f"session-{session.id}-meetings.xlsx"
    return attachment(body, name)


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
