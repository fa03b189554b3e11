"""The programme's public pages: the programme and its .ics, the attendee's personal agenda, the
roadshow and interest in results, the result call, and the team's and the enterprise's private links."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from summit.core.models import Summit
from summit.core.security import limited
from summit.extensions import db
from summit.programme.agenda import calendar_bytes, item_entry, personal_agenda, registration_by_token
from summit.programme.common import field_codes, utc_to_local
from summit.programme.items import items_of, previous_value
from summit.programme.needs import need_by_token, update_need
from summit.programme.results import deck_file, issue_result_link, result_by_token, save_result
from summit.programme.roadshow import is_public, public_results, register_interest
from summit.programme.errors import ProgrammeError
from summit.programme.forms import InterestForm, ResultForm, ResultLinkForm
from summit.programme.models import ResearchResult
from summit.programme.views.shared import (bp, current_summit, days_of, fail, field_choices, ics_response, locale,
                                           need_context, need_form, result_context)


@bp.route("/")
def public_programme():
    summit = current_summit()
    items = items_of(summit)
    blocks = {b.id: rows for b, rows in public_results(summit)}
    return render_template("programme/public.html", summit=summit, days=days_of(items), blocks=blocks,
                           previous_value=previous_value)


@bp.route("/programme.ics")
def programme_ics():
    summit = current_summit()
    entries = [item_entry(i, locale()) for i in items_of(summit)]
    return ics_response(calendar_bytes(entries, summit.name(locale())), f"programme-{summit.year}.ics")


@bp.route("/me/<token>")
def my_agenda(token: str):
    reg = registration_by_token(token)
    if reg is None:
        abort(404)
    summit = db.session.get(Summit, reg.summit_id)
    entries = personal_agenda(reg, locale())
    days: dict = {}
    for e in entries:
        days.setdefault(utc_to_local(e["start"]).date(), []).append(e)
    return render_template("programme/agenda.html", summit=summit, reg=reg, days=sorted(days.items()),
                           token=token, previous_value=previous_value)


@bp.route("/me/<token>/agenda.ics")
def my_agenda_ics(token: str):
    reg = registration_by_token(token)
    if reg is None:
        abort(404)
    summit = db.session.get(Summit, reg.summit_id)
    entries = personal_agenda(reg, locale())
    return ics_response(calendar_bytes(entries, f"{summit.name(locale())} · {reg.name}"),
                         f"agenda-{summit.year}.ics")


@bp.route("/roadshow")
def roadshow():
    summit = current_summit()
    return render_template("programme/roadshow.html", summit=summit, blocks=public_results(summit),
                           tags=field_codes(summit))


@bp.route("/roadshow/<int:result_id>/interest", methods=["GET", "POST"])
@limited("registration")
def interest(result_id: int):
    result = db.session.get(ResearchResult, result_id)
    if result is None or not is_public(result):
        abort(404)
    form = InterestForm()
    context = {"result": result, "tags": field_codes(result.summit)}
    if form.validate_on_submit():
        try:
            _interest, created = register_interest(result, form.data)
        except ProgrammeError as exc:
            return fail(form, exc, "programme/interest.html", **context)
        return render_template("programme/interest_done.html", created=created, **context)
    return render_template("programme/interest.html", form=form, **context), 400 if form.errors else 200


@bp.route("/results/new", methods=["GET", "POST"])
@limited("registration")
def result_call():
    summit = current_summit()
    form = ResultLinkForm()
    if form.validate_on_submit():
        try:
            _result, token = issue_result_link(summit, form.institution.data, form.contact_name.data,
                                               form.contact_email.data, actor_label="result call")
        except ProgrammeError as exc:
            return fail(form, exc, "programme/result_call.html", summit=summit)
        flash(_("Your private link was mailed to you. Bookmark this page: it is the only way back to your entry."),
              "success")
        return redirect(url_for("programme.result_edit", token=token))
    return render_template("programme/result_call.html", form=form, summit=summit), 400 if form.errors else 200


def _result_form(result: ResearchResult, posted: bool) -> ResultForm:
    if posted:  # Flask-WTF reads request.form and request.files
        form = ResultForm()
    else:
        form = ResultForm(formdata=None, obj=result, data={"patents_text": "\n".join(result.patents)})
    form.fields.choices = field_choices(result.summit)
    return form


def _read_deck(form: ResultForm):
    upload = form.deck.data
    if upload and getattr(upload, "filename", ""):
        try:
            return upload.filename, upload.read()
        except RequestEntityTooLarge:
            raise ProgrammeError(_("The file is too large."), "deck", 413)
    return None


@bp.route("/results/t/<token>", methods=["GET", "POST"])
@limited("registration")
def result_edit(token: str):
    result = result_by_token(token)
    if result is None:
        abort(404)
    form = _result_form(result, request.method == "POST")
    if request.method == "POST":
        if form.validate():
            try:
                save_result(result, form.data, _read_deck(form), submit="submit" in request.form,
                            actor_label="team link")
            except ProgrammeError as exc:
                return fail(form, exc, "programme/result_edit.html", **result_context(result, token))
            flash(_("Submitted. Thank you!") if "submit" in request.form else _("Saved."), "success")
            return redirect(url_for("programme.result_edit", token=token))
        return render_template("programme/result_edit.html", form=form, **result_context(result, token)), 400
    return render_template("programme/result_edit.html", form=form, **result_context(result, token))


@bp.route("/results/t/<token>/deck.pdf")
def result_deck_team(token: str):
    result = result_by_token(token)
    path = deck_file(result) if result else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=result.deck_filename or "deck.pdf")


@bp.route("/needs/t/<token>", methods=["GET", "POST"])
@limited("registration")
def need_edit(token: str):
    need = need_by_token(token)
    if need is None:
        abort(404)
    form = need_form(need, need.summit, request.form if request.method == "POST" else None)
    del form.send_link
    if request.method == "POST":
        if form.validate():
            try:
                update_need(need, form.data, actor_label="enterprise link")
            except ProgrammeError as exc:
                return fail(form, exc, "programme/need_edit.html", **need_context(need, token))
            flash(_("Saved."), "success")
            return redirect(url_for("programme.need_edit", token=token))
        return render_template("programme/need_edit.html", form=form, **need_context(need, token)), 400
    return render_template("programme/need_edit.html", form=form, **need_context(need, token))
