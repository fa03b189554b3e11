from __future__ import annotations

import re

from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   send_from_directory, session, url_for)
from flask_babel import format_date, format_time, gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from summit.auth.permissions import role_required
from summit.auth.views import safe_next
from summit.core import jobs, links
from summit.core.database import transaction
from summit.core.models import Job, Summit
from summit.core.nav import NavItem
from summit.core.security import limited
from summit.extensions import db

bp = Blueprint("core", __name__)
NAV = [NavItem("core.summits", _l("Editions"), ("organizer",))]


# Absolute links in pages that are printed or copied into mail: see summit.core.links.
bp.app_template_global("external_url")(links.external_url)


@bp.app_template_filter("format_summit_dates")
def format_summit_dates(start, end=None) -> str:
    if end is None or end == start:
        return format_date(start, "long")
    return f"{format_date(start, 'long')} – {format_date(end, 'long')}"


@bp.app_template_filter("when")
def when(moment) -> str:
    """A date and time in the reader's language and the summit's time zone, with the year in
    four digits ("2030年12月31日 23:59", "December 31, 2030 11:59 PM"): Babel's short
    date would write 12/31/30 in English."""
    if moment is None:
        return ""
    return f"{format_date(moment, 'long')} {format_time(moment, 'short')}"


@bp.app_template_global()
def audit_describe(event):
    """An audit event in words: .action, .actor, .changes [(field, before, after)]."""
    from summit.core.audit import describe

    return describe(event)


@bp.app_template_global()
def url_template(endpoint: str) -> str:
    """The endpoint's URL with its variables left as {name}, for a script to fill in
    ("/api/v1/checkin/{checkin_id}/undo")."""
    rule = next(iter(current_app.url_map.iter_rules(endpoint)))
    return request.script_root + re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule)


@bp.route("/sw.js")
def service_worker():
    """The offline service worker, served at the root so that its scope covers the check-in
    page and the judges' pages (static/js/offline/sw.js says what it keeps)."""
    response = send_from_directory(current_app.static_folder, "js/offline/sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.app_template_filter("job_status")
def job_status_filter(job) -> str:
    return jobs.shown_status(job)


@bp.app_template_filter("job_error")
def job_error_filter(job) -> str:
    return jobs.error_message(job) or ""


@bp.route("/")
def index():
    summit = Summit.current()
    return render_template("core/index.html", summit=summit)


@bp.route("/healthz")
def healthz():
    from summit.core import health

    body, status = health.report()
    return jsonify(body), status


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code not in ("zh_CN", "en"):
        abort(404)
    session["lang"] = code
    session.permanent = True
    if current_user.is_authenticated:
        with transaction():
            current_user.locale = code
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"))


def _own_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or (job.created_by_id not in (None, current_user.id) and not current_user.has_role("organizer")):
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
def job_status(job_id: int):
    """What the batch pages poll for their progress bar."""
    if not current_user.is_authenticated:
        abort(403)
    job = _own_job(job_id)
    status = jobs.shown_status(job)
    return jsonify({"id": job.id, "status": status, "done": job.done, "total": job.total,
                    "percent": job.percent if status != "done" else 100, "error": jobs.error_message(job) or ""})


@bp.route("/jobs/<int:job_id>/cancel", methods=["POST"])
@role_required("organizer")
def job_cancel(job_id: int):
    _own_job(job_id)
    try:
        jobs.cancel(job_id)
    except jobs.JobError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The batch was cancelled."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"), 303)


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@role_required("organizer")
def job_retry(job_id: int):
    _own_job(job_id)
    try:
        jobs.retry(job_id)
    except jobs.JobError as exc:
        flash(str(exc), "error")
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"), 303)


@bp.route("/api/v1/jobs/<int:job_id>")
@limited("api", methods=None)
@role_required("organizer", allow_token=True)
def api_job(job_id: int):
    job = db.session.get(Job, job_id) or abort(404)
    return jsonify(jobs.api_json(job, url_for("core.api_job_result", job_id=job.id, _external=True)))


@bp.route("/api/v1/jobs/<int:job_id>/result")
@limited("api", methods=None)
@role_required("organizer", allow_token=True)
def api_job_result(job_id: int):
    path = jobs.result_file(db.session.get(Job, job_id)) or abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"job-{job_id}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/summits")
@role_required("organizer")
def summits():
    editions = db.session.scalars(select(Summit).order_by(Summit.year.desc())).all()
    return render_template("core/summits.html", editions=editions)
