"""The registration blueprint and the attendee's pages: the form, the private link (see,
change, cancel) and asking for the link again. The organizers' pages are organizer_views.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from summit.core.models import Summit
from summit.core.nav import NavItem
from summit.core.security import limited
from summit.registration import attendee, choices, forms, links, lookups
from summit.registration.errors import RegistrationError
from summit.registration.models import Registration

bp = Blueprint("registration", __name__)

NAV = [NavItem("registration.admin_list", _l("Registrations"), ("organizer",))]
HOME_LINKS = [NavItem("registration.register", _l("Register"))]


@bp.app_context_processor
def labels():
    return {"status_labels": choices.STATUS_LABELS, "status_badges": choices.STATUS_BADGES,
            "degree_labels": choices.DEGREE_LABELS, "gender_labels": choices.GENDER_LABELS,
            "id_type_labels": choices.ID_TYPE_LABELS, "programme_labels": choices.PROGRAMME_LABELS,
            "source_labels": choices.SOURCE_LABELS, "question_kinds": choices.QUESTION_KINDS}


def current_locale() -> str:
    return str(get_locale())


def _summit() -> Summit:
    from flask import g

    summit = Summit.current()
    if summit is None:
        abort(404)
    g.current_summit = summit  # the layout's context processor need not look again
    return summit


def put_errors(form, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        name = {"id_type": "id_number"}.get(key, key)
        if name in form:
            form[name].errors = list(form[name].errors or []) + [message]


def build_form(summit, only=None, **kwargs):
    return forms.build(forms.RegistrationForm, summit, current_locale(), questions=lookups.questions(summit),
                       tags=lookups.field_tags(summit), categories=lookups.categories(summit), only=only, **kwargs)


# ------------------------------------------------------------------ public pages

@bp.route("/register", methods=["GET", "POST"])
@limited("registration")
def register():
    summit = _summit()
    is_open = lookups.registration_open(summit)
    qs = lookups.questions(summit)
    status, errors = 200, {}
    if request.method == "POST":
        if not is_open:
            return render_template("registration/register.html", form=build_form(summit, formdata=request.form),
                                   summit=summit, questions=qs, is_open=False), 403
        raw = forms.raw_from_request(request.form, qs)
        raw["language"] = "en" if current_locale().startswith("en") else "zh_CN"
        look = lookups.lookups(summit, qs=qs)
        clean, errors = lookups.validate(summit, raw, require_consent=True, look=look)
        if not errors:
            try:
                attendee.register_online(summit, clean)
            except RegistrationError as exc:
                errors = {exc.field or "name": exc.message}
            else:
                # New or already registered, the same answer: the link went to the address on file.
                return redirect(url_for("registration.sent"), 303)
        if errors:
            status = 422
    # A visitor reading English is most likely from abroad: a passport, not a Chinese card.
    first_view = {"data": {"id_type": "passport"}} if current_locale().startswith("en") else {}
    form = build_form(summit, formdata=request.form if request.method == "POST" else None, **first_view)
    put_errors(form, errors)
    return render_template("registration/register.html", form=form, summit=summit, questions=qs, is_open=is_open), status


@bp.route("/register/sent")
def sent():
    return render_template("registration/sent.html", summit=_summit())


@bp.route("/register/link", methods=["GET", "POST"])
@limited("registration")
def resend_link():
    summit = _summit()
    form = forms.ResendLinkForm()
    if request.method == "POST":
        contact = (request.form.get("contact") or "").strip()
        if not contact:
            form.contact.errors = [_("This field is required.")]
            return render_template("registration/resend.html", form=form), 422
        links.resend_link(summit, contact)
        flash(_("If a registration with these details exists, we have sent its private link to the email "
                "address it was registered with."), "info")
        return redirect(url_for("registration.resend_link"), 303)
    return render_template("registration/resend.html", form=form)


def _by_token(token: str) -> Registration:
    reg = links.registration_by_token(token)
    if reg is None:
        abort(404, _("This link is not valid (any more). Ask for a new one on the registration page."))
    return reg


@bp.route("/r/<token>")
def manage(token: str):
    reg = _by_token(token)
    qs = lookups.questions(reg.summit, active_only=False)
    tags = {t.code: t.name(current_locale()) for t in lookups.field_tags(reg.summit)}
    return render_template("registration/manage.html", reg=reg, token=token, questions=qs, tags=tags,
                           editable=attendee.editable_by_attendee(reg), new=request.args.get("new"),
                           reason_form=forms.ReasonForm(formdata=None))


@bp.route("/r/<token>/edit", methods=["GET", "POST"])
@limited("registration")
def manage_edit(token: str):
    reg = _by_token(token)
    summit = reg.summit
    if not attendee.editable_by_attendee(reg):
        flash(_("This registration can no longer be changed."), "warning")
        return redirect(url_for("registration.manage", token=token))
    qs = lookups.questions(summit)
    only = forms.ATTENDEE_FIELDS
    if request.method == "POST":
        form = build_form(summit, only=only, formdata=request.form)
        raw = forms.raw_from_request(request.form, qs)
        clean, errors = lookups.validate(summit, raw, partial=attendee.ATTENDEE_EDITABLE)
        if not errors:
            try:
                attendee.update_by_attendee(reg, clean)
            except RegistrationError as exc:
                errors = {exc.field or "phone": exc.message}
                status = exc.status
            else:
                flash(_("Your changes are saved."), "success")
                return redirect(url_for("registration.manage", token=token), 303)
        else:
            status = 422
        put_errors(form, errors)
        return render_template("registration/manage_edit.html", form=form, reg=reg, token=token, questions=qs), status
    form = build_form(summit, only=only, formdata=None, data=forms.initial_from(reg, qs))
    return render_template("registration/manage_edit.html", form=form, reg=reg, token=token, questions=qs)


@bp.route("/r/<token>/cancel", methods=["POST"])
@limited("registration")
def manage_cancel(token: str):
    reg = _by_token(token)
    if reg.status in ("cancelled", "rejected"):
        flash(_("This registration is already closed."), "info")
    else:
        reason = (request.form.get("reason") or "").strip()[:500]
        attendee.cancel(reg, by_attendee=True, reason=reason, token=token)
        flash(_("Your registration is cancelled."), "info")
    return redirect(url_for("registration.manage", token=token), 303)
