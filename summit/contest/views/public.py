"""Pages for everyone: the contest, the application form, published results, certificate checks,
and the business plan for the judges and organizers who may read it."""
from __future__ import annotations

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from summit.auth.permissions import role_required
from summit.core import links
from summit.core.errors import form_error
from summit.core.security import limited
from summit.extensions import db

from .. import applications, awards, judging
from ..errors import ContestError
from ..forms import ApplicationForm
from ..models import Certificate
from ..tracks import track_by_code
from . import bp
from .lookups import current_contest, entry_or_404, field_choices, locale


def application_form(contest, entry=None) -> ApplicationForm:
    form = ApplicationForm(obj=entry)
    # A required select starts on an empty choice (HTML's rule): nothing is chosen by accident.
    choose = [("", _("Choose…"))]
    form.track.choices = choose + [(t.code, t.name(locale())) for t in contest.tracks]
    form.field.choices = choose + field_choices(contest.summit)
    return form


def plan_upload(form):
    """The uploaded business plan (at most one byte over the limit is read) and its file name."""
    upload = form.business_plan.data
    if upload is None or not getattr(upload, "filename", ""):
        return None, ""
    return upload.read(applications.plan_max_bytes() + 1), upload.filename


@bp.route("/contest/")
def index():
    return render_template("contest/index.html", contest=current_contest(required=False))


@bp.route("/contest/apply", methods=["GET", "POST"])
@limited("registration")
def apply():
    contest = current_contest()
    form = application_form(contest)
    if request.method == "GET" and request.args.get("track"):
        form.track.data = request.args["track"]
    status = 200
    if form.validate_on_submit():
        track = track_by_code(contest, form.track.data)
        plan, filename = plan_upload(form)
        try:
            entry, token = applications.submit_application(track, form.data_for_service(), plan, filename,
                                                           language=locale())
        except ContestError as exc:
            form_error(form, exc, "business_plan")
            status = exc.status
        else:
            link = links.external_url("contest.team", token=token)
            return render_template("contest/applied.html", entry=entry, link=link), 201
    elif request.method == "POST":
        status = 422
    return render_template("contest/apply.html", form=form, contest=contest, entry=None), status


@bp.route("/contest/results/<code>")
def results(code: str):
    track = track_by_code(current_contest(), code)
    if track is None or track.results_published_at is None:
        abort(404)
    return render_template("contest/results.html", track=track, awards=awards.awards(track),
                           levels={lv["key"]: lv for lv in track.award_levels or []})


@bp.route("/verify/<code>")
def verify(code: str):
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code)) if len(code) <= 64 else None
    if cert is None:
        return render_template("contest/verify.html", cert=None), 404
    return render_template("contest/verify.html", cert=cert)


@bp.route("/contest/plan/<int:entry_id>")
@role_required("judge")
def plan(entry_id: int):
    entry = entry_or_404(entry_id)
    if not current_user.has_role("organizer"):
        rounds = judging.judge_rounds(current_user)
        if not any(entry.id in {e.id for e in judging.judge_entries(r, current_user)} for r in rounds):
            abort(404)
    path = applications.plan_file(entry)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=entry.plan_filename or "plan.pdf")
