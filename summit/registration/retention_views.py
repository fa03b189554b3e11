"""The organizers' page for the right to deletion: find the person, confirm with their name
shown, then shred them in every feature (retention.shred_person). The audit line names no one.
Routes of the registration blueprint (views.py), registered before the blueprint is."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from summit.auth.permissions import role_required
from summit.core.errors import form_error
from summit.core.models import Summit
from summit.extensions import db
from summit.registration import forms, retention
from summit.registration.errors import ShredError
from summit.registration.views import bp, current_locale


@bp.route("/organizer/registrations/shred-person", methods=["GET", "POST"])
@role_required("organizer")
def admin_shred_person():
    summits = db.session.scalars(select(Summit).order_by(Summit.year.desc())).all()
    form = forms.ShredPersonForm()
    form.year.choices = [(s.year, s.name(current_locale())) for s in summits]
    if request.method == "GET":
        current = Summit.current()
        form.year.data = current.year if current else None
        return render_template("registration/shred_person.html", form=form, found=None)
    if not form.validate():
        return render_template("registration/shred_person.html", form=form, found=None), 422
    summit = next(s for s in summits if s.year == form.year.data)
    email, phone = (form.email.data or "").strip(), (form.phone.data or "").strip()
    try:
        found, rows = retention.find_person(summit, email, phone)
        if request.form.get("confirm") != "1":  # the first step: show whom this is
            return render_template("registration/shred_person.html", form=form, found=found, rows=rows,
                                   summit=summit)
        rows = retention.shred_person(summit, email, phone)
    except ShredError as exc:
        form_error(form, exc, "email")
        return render_template("registration/shred_person.html", form=form, found=None), exc.status or 400
    flash(_("Shredded in %(summit)s: %(count)s records of this person in every part of the system.",
            summit=summit.name(current_locale()), count=sum(rows.values())), "success")
    return redirect(url_for("registration.admin_shred_person"), 303)
