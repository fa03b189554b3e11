"""The applicant team's private link: its application, editable until the deadline."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from summit.core.errors import form_error
from summit.core.security import limited

from .. import applications
from ..errors import ContestError
from . import bp
from .public import application_form, plan_upload


@bp.route("/contest/team/<token>", methods=["GET", "POST"])
@limited("registration")
def team(token: str):
    entry = applications.entry_by_token(token)
    if entry is None:
        abort(404)
    contest = entry.track.contest
    form = application_form(contest, entry)
    form.track.data = entry.track.code
    status = 200
    if request.method == "POST":
        form.track.data = entry.track.code  # the track is fixed once applied
        if form.validate_on_submit():
            plan, filename = plan_upload(form)
            try:
                applications.update_application(entry, form.data_for_service(), plan, filename)
            except ContestError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                flash(_("Your application is saved."), "success")
                return redirect(url_for("contest.team", token=token))
        else:
            status = 422
    reasons = [applications.reason_text(c, p) for c, p in entry.eligibility_reasons or []]
    return render_template("contest/apply.html", form=form, contest=contest, entry=entry, reasons=reasons,
                           editable=applications.applications_open(contest)), status
