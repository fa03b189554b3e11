"""The organizers' certificate pages: issue (award, participation, judge), revoke, print one,
and print a selection as a background batch."""
from __future__ import annotations


from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from summit.auth.permissions import role_required
from summit.core import storage
from summit.core.errors import back_to
from summit.core.models import Job
from summit.extensions import db

from .. import awards, certificate_batches, certificate_records
from ..certificates import KINDS
from ..models import Certificate, Entry
from ..tracks import track_by_code
from . import bp
from .lookups import current_contest

KIND_LABELS = {
    "award": _l("Award (team)"),
    "member_award": _l("Award (team member)"),
    "participation": _l("Participation"),
    "judge": _l("Judge appointment"),
}


def _certificate(cert_id: int) -> Certificate:
    contest = current_contest()
    cert = db.session.get(Certificate, cert_id)
    if cert is None or cert.summit_id != contest.summit_id:
        abort(404)
    return cert


def _filters() -> tuple[str, str]:
    kind = request.values.get("kind", "")
    track = request.values.get("track", "")
    return (kind if kind in KINDS else ""), (track if track in ("startup", "growth") else "")


def _order() -> str:
    order = request.values.get("order", "serial")
    return order if order in ("serial", "stroke", "pinyin") else "serial"


@bp.route("/contest/admin/certificates")
@role_required("organizer")
def admin_certificates():
    contest = current_contest()
    kind, track = _filters()
    order = _order()
    certs = certificate_records.certificate_list(contest.summit, kind or None, track or None, order=order)
    entries = {e.id: e for e in db.session.scalars(select(Entry).where(
        Entry.id.in_({c.entry_id for c in certs if c.entry_id})))} if certs else {}
    confirmed = {t.id: sum(1 for a in awards.awards(t) if a.confirmed_at) for t in contest.tracks}
    return render_template("contest/admin/certificates.html", contest=contest, certs=certs, entries=entries,
                           kind=kind, track=track, order=order, kinds=KIND_LABELS, confirmed=confirmed,
                           judges=len(certificate_records.summit_judges(contest.summit)),
                           valid=sum(1 for c in certs if c.revoked_at is None))


@bp.route("/contest/admin/certificates/issue", methods=["POST"])
@back_to("contest.admin_certificates")
@role_required("organizer")
def admin_certificates_issue():
    contest = current_contest()
    kind = request.form.get("action", "")
    if kind == "award":
        track = track_by_code(contest, request.form.get("track", ""))
        if track is None:
            abort(400)  # the page offers only the contest's tracks
        counts = certificate_records.issue_award_certificates(track)
    elif kind == "participation":
        counts = certificate_records.issue_participation_certificates(contest)
    elif kind == "judge":
        counts = certificate_records.issue_judge_certificates(contest.summit)
    else:
        abort(400)
    message = _("%(issued)s certificates issued, %(kept)s already issued.", issued=counts["issued"],
                kept=counts["kept"])
    if counts.get("replaced"):
        message += " " + _("%(n)s certificates of changed awards were revoked and issued anew.", n=counts["replaced"])
    flash(message, "success")
    return redirect(url_for("contest.admin_certificates"), 303)


@bp.route("/contest/admin/certificates/<int:cert_id>/certificate.pdf")
@role_required("organizer")
def admin_certificate_pdf(cert_id: int):
    cert = _certificate(cert_id)
    if cert.revoked_at is not None:
        abort(410)
    response = current_app.response_class(certificate_records.certificate_pdf(cert), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{cert.serial}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/contest/admin/certificates/<int:cert_id>/revoke", methods=["POST"])
@back_to("contest.admin_certificates")
@role_required("organizer")
def admin_certificate_revoke(cert_id: int):
    cert = _certificate(cert_id)
    certificate_records.revoke_certificate(cert, request.form.get("note", ""))
    flash(_("Certificate %(serial)s is revoked: its QR code now shows it as revoked.", serial=cert.serial), "success")
    return redirect(url_for("contest.admin_certificates"), 303)


@bp.route("/contest/admin/certificates/batch", methods=["POST"])
@back_to("contest.admin_certificates")
@role_required("organizer")
def admin_certificates_batch():
    contest = current_contest()
    kind, track = _filters()
    job = certificate_batches.start_certificate_batch(contest.summit, kind or None, track or None, current_user.id,
                                                      order=_order())
    return redirect(url_for("contest.admin_certificate_batch", job_id=job.id), 303)


def _certificate_job(job_id: int) -> Job:
    contest = current_contest()
    job = db.session.get(Job, job_id)
    if job is None or job.kind != "certificates" or job.params.get("summit_id") != contest.summit_id:
        abort(404)
    return job


@bp.route("/contest/admin/certificates/batches/<int:job_id>")
@role_required("organizer")
def admin_certificate_batch(job_id: int):
    return render_template("contest/admin/certificate_batch.html", job=_certificate_job(job_id), kinds=KIND_LABELS)


@bp.route("/contest/admin/certificates/batches/<int:job_id>/download")
@role_required("organizer")
def admin_certificate_batch_download(job_id: int):
    job = _certificate_job(job_id)
    path = storage.path(job.result_path) if job.status == "done" and job.result_path else None
    if path is None or not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"certificates-{job.id}.pdf")
