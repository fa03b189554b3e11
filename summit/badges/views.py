from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from summit.auth.permissions import role_required
from summit.badges import checkin, dashboard, scans, services, sheets
from summit.badges.forms import PrintForm
from summit.badges.layouts import LAYOUTS
from summit.badges.models import PrintBatch
from summit.core import storage
from summit.core.errors import back_to
from summit.core.security import client_address, limited
from summit.core.models import Job, Summit, utcnow
from summit.core.nav import NavItem
from summit.extensions import db
from summit.registration import lookups

bp = Blueprint("badges", __name__)
NAV = [NavItem("badges.index", _l("Badges"), ("organizer",)),
       NavItem("badges.checkin_page", _l("Check-in"), ("checkin",))]
HOME_LINKS = [NavItem("badges.checkin_page", _l("Check-in"), ("checkin",))]


def _summit() -> Summit:
    summit = Summit.current()
    if summit is None:
        abort(404)
    return summit


def _locale() -> str:
    # The app's own choice, without building a Babel Locale on the scan path.
    from summit import select_locale

    return select_locale()


def _device_key() -> str:
    """Rate limits count per device: its token, else the staff account, else the address."""
    from summit.auth.permissions import bearer_token

    token = bearer_token() if request.headers.get("Authorization") else None
    if token is not None:  # only a valid token: made-up ones would each count afresh
        return f"token:{token.id}"
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_address()


def _actor() -> tuple[int | None, int | None, str]:
    token = g.get("api_token")
    if token is not None:
        return None, token.id, token.name or f"token {token.id}"
    device = ""
    if request.is_json:
        device = str((request.get_json(silent=True) or {}).get("device") or "")
    return current_user.id, None, device or request.user_agent.string[:120]


# ---------------------------------------------------------------- organizer: printing

@bp.route("/badges")
@role_required("organizer")
def index():
    summit = _summit()
    form = PrintForm().fill(lookups.categories(summit), _locale())
    query = request.args.get("q", "").strip()
    found = checkin.search(summit, query) if query else []
    return render_template("badges/index.html", form=form, query=query, found=found, layouts=LAYOUTS,
                           **sheets.overview(summit))


@bp.route("/badges/print", methods=["POST"])
@role_required("organizer")
@back_to("badges.index")
def start_print():
    summit = _summit()
    form = PrintForm().fill(lookups.categories(summit), _locale())
    if not form.validate_on_submit():
        flash(_("Please check the form."), "error")
        return redirect(url_for(".index")), 303
    batch = sheets.start_batch(summit, form.layout.data, form.category.data or None, form.mode.data,
                                 current_user.id, order=form.order.data, pinyin=form.pinyin.data or None)
    return redirect(url_for(".batch", batch_id=batch.id), 303)


@bp.route("/badges/batches/<int:batch_id>")
@role_required("organizer")
def batch(batch_id: int):
    found = db.session.get(PrintBatch, batch_id) or abort(404)
    job = db.session.get(Job, found.job_id) if found.job_id else None
    return render_template("badges/batch.html", batch=found, job=job, layout=LAYOUTS.get(found.layout))


@bp.route("/badges/batches/<int:batch_id>/download")
@role_required("organizer")
def download(batch_id: int):
    found = db.session.get(PrintBatch, batch_id) or abort(404)
    path = storage.path(found.file_path) if found.status == "done" and found.file_path else None
    if path is None or not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"badges-{found.id}-{found.layout}.pdf")


@bp.route("/api/v1/badge-batches", methods=["POST"])
@limited("api", methods=None)
@role_required("organizer", allow_token=True)
def api_start_batch():
    """For printing services: start a batch; poll /api/v1/jobs/<job>, then fetch its result_url."""
    from summit.badges.layouts import DEFAULT_LAYOUT

    summit = _summit()
    body = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(body, dict):
        return jsonify({"error": _("Send a JSON object (or nothing): {\"layout\", \"category\", \"mode\"}."),
                        "status": 400}), 400
    layout, category, mode = body.get("layout") or DEFAULT_LAYOUT, body.get("category"), body.get("mode") or "all"
    codes = {c.code for c in lookups.categories(summit)}
    if not isinstance(layout, str) or layout not in LAYOUTS:
        error, status = _("Unknown badge layout."), 422
    elif mode not in ("all", "not_printed"):
        error, status = _("mode must be \"all\" or \"not_printed\"."), 422
    elif category is not None and not isinstance(category, str):
        error, status = _("Unknown category."), 422
    elif category is not None and category not in codes:
        error, status = _("Unknown category."), 404  # a well-formed code that names no category here
    else:
        error, status = None, 202
    if error:
        return jsonify({"error": error, "status": status}), status
    token = g.get("api_token")
    batch = sheets.start_batch(summit, layout, category or None, mode, None if token is not None else current_user.id)
    response = jsonify({"job": batch.job_id})
    response.status_code = 202
    response.headers["Location"] = url_for("core.api_job", job_id=batch.job_id)
    return response


@bp.route("/badges/registrations/<int:registration_id>/reissue", methods=["POST"])
@role_required("organizer")
@back_to("badges.index")
def reissue(registration_id: int):
    services.reissue_badge(registration_id)
    flash(_("A new badge was issued; the old code no longer admits anyone."), "success")
    return redirect(url_for(".index", q=request.form.get("q", "")), 303)


@bp.route("/api/v1/registrations/<int:registration_id>/badge.pdf")
@limited("api", methods=None)
@role_required("organizer", allow_token=True)
def badge_pdf(registration_id: int):
    pdf = sheets.single_badge_pdf(registration_id, request.args.get("layout"))
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="badge-{registration_id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- check-in

@bp.route("/checkin")
@role_required("checkin")
def checkin_page():
    summit = _summit()
    return render_template("badges/checkin.html", summit=summit,
                           counts=dashboard.counts(summit))


@bp.route("/api/v1/checkin", methods=["POST"])
@limited("checkin", key_func=_device_key, methods=None)
@role_required("checkin", allow_token=True)
def api_checkin():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("code"), str) or not body["code"].strip():
        return jsonify({"error": _("Send a JSON body with the scanned code: {\"code\": \"...\"}."), "status": 400}), 400
    try:
        at = scans.scan_time(body.get("seconds_ago"), utcnow())
    except ValueError:
        return jsonify({"error": _("seconds_ago must be a number of seconds from 0 to 86400 (a scan kept for at "
                                   "most a day)."), "status": 400}), 400
    staff_id, token_id, device = _actor()
    result = checkin.check_in(body["code"], staff_id, token_id, device, locale=_locale(), at=at)
    return jsonify(result)


@bp.route("/api/v1/checkin/registrations/<int:registration_id>", methods=["POST"])
@limited("checkin", key_func=_device_key, methods=None)
@role_required("checkin", allow_token=True)
def api_checkin_registration(registration_id: int):
    """Check in someone found by search (no badge at hand)."""
    staff_id, token_id, device = _actor()
    result = checkin.check_in("", staff_id, token_id, device, registration_id=registration_id, locale=_locale())
    if result["status"] == "unknown":
        return jsonify({**result, "error": _("No such registration.")}), 404
    return jsonify(result)


@bp.route("/api/v1/checkin/<int:checkin_id>/undo", methods=["POST"])
@limited("checkin", key_func=_device_key, methods=None)
@role_required("checkin", allow_token=True)
def api_undo(checkin_id: int):
    row = checkin.undo_checkin(checkin_id, current_user.id if current_user.is_authenticated and not g.get("api_token") else None)
    return jsonify({"status": "undone", "checkin_id": row.id})


@bp.route("/api/v1/checkin/search")
@limited("checkin", key_func=_device_key, methods=None)
@role_required("checkin", allow_token=True)
def api_search():
    return jsonify({"results": checkin.search(_summit(), request.args.get("q", ""))})


@bp.route("/api/v1/checkin/stats")
@limited("checkin", key_func=_device_key, methods=None)
@role_required("checkin", allow_token=True)
def api_stats():
    return jsonify(dashboard.counts(_summit()))


@bp.app_template_filter("badge_time")
def badge_time(value) -> str:
    from flask_babel import format_datetime

    return format_datetime(value, "short") if value else ""
