"""The programme, the results roadshow, technology needs and interest: thin views."""
from __future__ import annotations

import datetime as dt

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from summit.auth.permissions import role_required
from summit.core.errors import render_error
from summit.core.database import db_int
from summit.core.models import Summit
from summit.core.nav import NavItem
from summit.extensions import db, limiter
from summit.programme import export, labels, services
from summit.programme.forms import (FollowUpForm, InterestForm, ItemForm, MinutesForm, NeedForm, ResultForm,
                                    ResultLinkForm, SlotForm)
from summit.programme.models import Interest, ProgrammeItem, ResearchResult, RoadshowSlot, TechNeed
from summit.programme.services import ProgrammeError

bp = Blueprint("programme", __name__, url_prefix="/programme", static_folder="static")
NAV = [
    NavItem("programme.public_programme", _l("Programme")),
    NavItem("programme.admin", _l("Roadshow & needs"), ("organizer",)),
]
HOME_LINKS = [
    NavItem("programme.public_programme", _l("Programme")),
    NavItem("programme.roadshow", _l("Research results roadshow")),
]


@bp.app_context_processor
def programme_labels():
    return {"plabels": labels, "to_local": services.utc_to_local}


def _locale() -> str:
    return str(get_locale())


def _summit() -> Summit:
    year = request.args.get("year", type=db_int)
    if year:
        from sqlalchemy import select

        summit = db.session.scalar(select(Summit).where(Summit.year == year))
    else:
        summit = Summit.current()
    if summit is None:
        abort(404)
    return summit


def _fail(form, exc: ProgrammeError, template: str, **context):
    """Puts a domain error beside its field (or on top) and renders with its status."""
    field = getattr(form, exc.field, None) if form is not None and exc.field else None
    if field is not None:
        field.errors = list(field.errors) + [exc.message]
    else:
        flash(exc.message, "error")
    return render_template(template, form=form, **context), exc.status


def _field_choices(summit: Summit):
    return [(code, tag.name(_locale())) for code, tag in services.field_codes(summit).items()]


def _ics_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# -- public: programme and personal agenda ----------------------------------------------------------

def _days(items):
    days: dict[dt.date, list] = {}
    for item in items:
        days.setdefault(services.utc_to_local(item.starts_at).date(), []).append(item)
    return sorted(days.items())


@bp.route("/")
def public_programme():
    summit = _summit()
    items = services.items_of(summit)
    blocks = {b.id: rows for b, rows in services.public_results(summit)}
    return render_template("programme/public.html", summit=summit, days=_days(items), blocks=blocks,
                           previous_value=services.previous_value)


@bp.route("/programme.ics")
def programme_ics():
    summit = _summit()
    entries = [services.item_entry(i, _locale()) for i in services.items_of(summit)]
    return _ics_response(services.calendar_bytes(entries, summit.name(_locale())), f"programme-{summit.year}.ics")


@bp.route("/me/<token>")
def my_agenda(token: str):
    reg = services.registration_by_token(token)
    if reg is None:
        abort(404)
    summit = db.session.get(Summit, reg.summit_id)
    entries = services.personal_agenda(reg, _locale())
    days: dict = {}
    for e in entries:
        days.setdefault(services.utc_to_local(e["start"]).date(), []).append(e)
    return render_template("programme/agenda.html", summit=summit, reg=reg, days=sorted(days.items()),
                           token=token, previous_value=services.previous_value)


@bp.route("/me/<token>/agenda.ics")
def my_agenda_ics(token: str):
    reg = services.registration_by_token(token)
    if reg is None:
        abort(404)
    summit = db.session.get(Summit, reg.summit_id)
    entries = services.personal_agenda(reg, _locale())
    return _ics_response(services.calendar_bytes(entries, f"{summit.name(_locale())} · {reg.name}"),
                         f"agenda-{summit.year}.ics")


# -- public: roadshow and interest --------------------------------------------------------------------

@bp.route("/roadshow")
def roadshow():
    summit = _summit()
    return render_template("programme/roadshow.html", summit=summit, blocks=services.public_results(summit),
                           tags=services.field_codes(summit))


@bp.route("/roadshow/<int:result_id>/interest", methods=["GET", "POST"])
# Generous: at the venue many phones share one address behind the Wi-Fi's NAT.
@limiter.limit("120 per minute", methods=["POST"])
def interest(result_id: int):
    result = db.session.get(ResearchResult, result_id)
    if result is None or not services.is_public(result):
        abort(404)
    form = InterestForm()
    context = {"result": result, "tags": services.field_codes(result.summit)}
    if form.validate_on_submit():
        try:
            _interest, created = services.register_interest(result, form.data)
        except ProgrammeError as exc:
            return _fail(form, exc, "programme/interest.html", **context)
        return render_template("programme/interest_done.html", created=created, **context)
    return render_template("programme/interest.html", form=form, **context), 400 if form.errors else 200


# -- public: the team's and the enterprise's private links -------------------------------------------

@bp.route("/results/new", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def result_call():
    summit = _summit()
    form = ResultLinkForm()
    if form.validate_on_submit():
        try:
            _result, token = services.issue_result_link(summit, form.institution.data, form.contact_name.data,
                                                        form.contact_email.data, actor_label="result call")
        except ProgrammeError as exc:
            return _fail(form, exc, "programme/result_call.html", summit=summit)
        flash(_("Your private link was mailed to you. Bookmark this page: it is the only way back to your entry."),
              "success")
        return redirect(url_for("programme.result_edit", token=token))
    return render_template("programme/result_call.html", form=form, summit=summit), 400 if form.errors else 200


def _result_form(result: ResearchResult, posted: bool) -> ResultForm:
    if posted:  # Flask-WTF reads request.form and request.files
        form = ResultForm()
    else:
        form = ResultForm(formdata=None, obj=result, data={"patents_text": "\n".join(result.patents)})
    form.fields.choices = _field_choices(result.summit)
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
@limiter.limit("60 per minute", methods=["POST"])
def result_edit(token: str):
    result = services.result_by_token(token)
    if result is None:
        abort(404)
    form = _result_form(result, request.method == "POST")
    context = {"result": result, "token": token}
    if request.method == "POST":
        if form.validate():
            try:
                services.save_result(result, form.data, _read_deck(form), submit="submit" in request.form,
                                     actor_label="team link")
            except ProgrammeError as exc:
                db.session.rollback()
                return _fail(form, exc, "programme/result_edit.html", **_result_context(result, token))
            flash(_("Submitted. Thank you!") if "submit" in request.form else _("Saved."), "success")
            return redirect(url_for("programme.result_edit", token=token))
        return render_template("programme/result_edit.html", form=form, **_result_context(result, token)), 400
    return render_template("programme/result_edit.html", form=form, **_result_context(result, token))


def _result_context(result: ResearchResult, token: str | None = None) -> dict:
    context = {"result": result, "token": token, "tags": services.field_codes(result.summit), "matches": []}
    if result.status == "submitted":
        found = services.matches(result.summit)
        context["matches"] = [(p, found["needs"][p["need_id"]]) for p in found["for_result"].get(result.id, [])]
    return context


@bp.route("/results/t/<token>/deck.pdf")
def result_deck_team(token: str):
    result = services.result_by_token(token)
    path = services.deck_file(result) if result else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=result.deck_filename or "deck.pdf")


def _need_form(need: TechNeed | None, summit: Summit, formdata=None) -> NeedForm:
    form = NeedForm(formdata=formdata, obj=None if formdata else need)
    form.fields.choices = _field_choices(summit)
    return form


def _need_context(need: TechNeed, token: str | None = None) -> dict:
    context = {"need": need, "token": token, "tags": services.field_codes(need.summit), "matches": []}
    if need.status == "open":
        found = services.matches(need.summit)
        context["matches"] = [(p, found["results"][p["result_id"]]) for p in found["for_need"].get(need.id, [])]
    return context


@bp.route("/needs/t/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def need_edit(token: str):
    need = services.need_by_token(token)
    if need is None:
        abort(404)
    form = _need_form(need, need.summit, request.form if request.method == "POST" else None)
    del form.send_link
    if request.method == "POST":
        if form.validate():
            try:
                services.update_need(need, form.data, actor_label="enterprise link")
            except ProgrammeError as exc:
                db.session.rollback()
                return _fail(form, exc, "programme/need_edit.html", **_need_context(need, token))
            flash(_("Saved."), "success")
            return redirect(url_for("programme.need_edit", token=token))
        return render_template("programme/need_edit.html", form=form, **_need_context(need, token)), 400
    return render_template("programme/need_edit.html", form=form, **_need_context(need, token))


# -- organizer: the programme -------------------------------------------------------------------------

@bp.route("/admin")
@role_required("organizer")
def admin():
    summit = _summit()
    items = services.items_of(summit, published_only=False)
    return render_template("programme/admin.html", summit=summit, days=_days(items),
                           unpublished=sum(1 for i in items if i.published_at is None),
                           counts=services.counts(summit), overrun=services.block_overrun)


def _item_values(form: ItemForm) -> dict:
    data = {k: v for k, v in form.data.items() if k in services.ITEM_FIELDS}
    data["starts_at"] = services.local_to_utc(form.starts_at.data)
    data["ends_at"] = services.local_to_utc(form.ends_at.data)
    return data


@bp.route("/admin/items/new", methods=["GET", "POST"])
@role_required("organizer")
def item_new():
    summit = _summit()
    form = ItemForm()
    if form.validate_on_submit():
        try:
            item = services.create_item(summit, _item_values(form))
        except ProgrammeError as exc:
            return _fail(form, exc, "programme/item_form.html", summit=summit, item=None)
        flash(_("Item added."), "success")
        return redirect(url_for("programme.block", item_id=item.id) if item.kind == "roadshow"
                        else url_for("programme.admin"))
    return render_template("programme/item_form.html", form=form, summit=summit, item=None), 400 if form.errors else 200


@bp.route("/admin/items/<int:item_id>", methods=["GET", "POST"])
@role_required("organizer")
def item_edit(item_id: int):
    item = db.get_or_404(ProgrammeItem, item_id)
    if request.method == "GET":
        form = ItemForm(obj=item)
        form.starts_at.data = services.utc_to_local(item.starts_at)
        form.ends_at.data = services.utc_to_local(item.ends_at)
    else:
        form = ItemForm()
    if form.validate_on_submit():
        try:
            changed = services.update_item(item, _item_values(form))
        except ProgrammeError as exc:
            db.session.rollback()
            return _fail(form, exc, "programme/item_form.html", summit=item.summit, item=item)
        if changed and item.published_at:
            flash(_("Saved. The change is shown on the programme; attendees concerned are mailed when the time, "
                    "room or status changed."), "success")
        else:
            flash(_("Saved."), "success")
        return redirect(url_for("programme.admin"))
    return (render_template("programme/item_form.html", form=form, summit=item.summit, item=item),
            400 if form.errors else 200)


@bp.route("/admin/items/<int:item_id>/delete", methods=["POST"])
@role_required("organizer")
def item_delete(item_id: int):
    item = db.get_or_404(ProgrammeItem, item_id)
    try:
        services.delete_item(item)
    except ProgrammeError as exc:
        return render_error(exc.status, exc.message)
    flash(_("Item deleted."), "success")
    return redirect(url_for("programme.admin"))


@bp.route("/admin/publish", methods=["POST"])
@role_required("organizer")
def publish():
    count = services.publish_programme(_summit())
    flash(_("%(n)d items published.", n=count), "success")
    return redirect(url_for("programme.admin"))


# -- organizer: roadshow blocks -------------------------------------------------------------------------

@bp.route("/admin/blocks/<int:item_id>", methods=["GET", "POST"])
@role_required("organizer")
def block(item_id: int):
    item = db.get_or_404(ProgrammeItem, item_id)
    if item.kind != "roadshow":
        abort(404)
    form = SlotForm()
    taken = {s.result_id for s in item.slots}
    form.result_id.choices = [(r.id, f"{r.title} — {r.institution}") for r in
                              services.results_of(item.summit, "submitted") if r.id not in taken]
    context = {"item": item, "rows": lambda: services.running_order(item), "overrun": services.block_overrun,
               "minutes_form": MinutesForm}
    if form.validate_on_submit():
        result = db.session.get(ResearchResult, form.result_id.data)
        try:
            if result is None:
                raise ProgrammeError(_("No such result."), "result_id")
            services.add_to_block(item, result, form.minutes.data)
        except ProgrammeError as exc:
            return _fail(form, exc, "programme/block.html", **context)
        flash(_("Added to the running order."), "success")
        return redirect(url_for("programme.block", item_id=item.id))
    return render_template("programme/block.html", form=form, **context), 400 if form.errors else 200


@bp.route("/admin/slots/<int:slot_id>", methods=["POST"])
@role_required("organizer")
def slot_action(slot_id: int):
    slot = db.get_or_404(RoadshowSlot, slot_id)
    block_id = slot.block_id
    action = request.form.get("action")
    try:
        if action == "up":
            services.move_slot(slot, -1)
        elif action == "down":
            services.move_slot(slot, 1)
        elif action == "remove":
            services.remove_slot(slot)
        elif action == "minutes":
            form = MinutesForm()
            if not form.validate():
                raise ProgrammeError(_("Give between 1 and 60 minutes."), "minutes")
            services.set_slot_minutes(slot, form.minutes.data)
        else:
            abort(400)
    except ProgrammeError as exc:
        db.session.rollback()
        return render_error(exc.status, exc.message)
    return redirect(url_for("programme.block", item_id=block_id))


# -- organizer: results, needs, matches, interests --------------------------------------------------------

@bp.route("/admin/results", methods=["GET", "POST"])
@role_required("organizer")
def admin_results():
    summit = _summit()
    form = ResultLinkForm()
    link = None
    if form.validate_on_submit():
        try:
            _result, token = services.issue_result_link(summit, form.institution.data, form.contact_name.data,
                                                        form.contact_email.data)
        except ProgrammeError as exc:
            return _fail(form, exc, "programme/admin_results.html", summit=summit,
                         results=services.results_of(summit), tags=services.field_codes(summit), link=None)
        link = url_for("programme.result_edit", token=token, _external=True)
        form = ResultLinkForm(formdata=None)
    elif form.errors:
        return render_template("programme/admin_results.html", form=form, summit=summit,
                               results=services.results_of(summit), tags=services.field_codes(summit), link=None), 400
    return render_template("programme/admin_results.html", form=form, summit=summit, link=link,
                           results=services.results_of(summit), tags=services.field_codes(summit))


@bp.route("/admin/results/<int:result_id>", methods=["GET", "POST"])
@role_required("organizer")
def admin_result(result_id: int):
    result = db.get_or_404(ResearchResult, result_id)
    if request.method == "POST":
        try:
            services.set_result_status(result, request.form.get("status", ""))
        except ProgrammeError as exc:
            return render_error(exc.status, exc.message)
        flash(_("Saved."), "success")
        return redirect(url_for("programme.admin_result", result_id=result_id))
    return render_template("programme/admin_result.html", **_result_context(result))


@bp.route("/admin/results/<int:result_id>/deck.pdf")
@role_required("organizer")
def admin_result_deck(result_id: int):
    result = db.get_or_404(ResearchResult, result_id)
    path = services.deck_file(result)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=result.deck_filename or "deck.pdf")


@bp.route("/admin/needs", methods=["GET", "POST"])
@role_required("organizer")
def admin_needs():
    summit = _summit()
    form = _need_form(None, summit, request.form if request.method == "POST" else None)
    context = {"summit": summit, "needs": services.needs_of(summit), "tags": services.field_codes(summit)}
    if request.method == "POST":
        if form.validate():
            try:
                need, token = services.create_need(summit, form.data, send_link=form.send_link.data)
            except ProgrammeError as exc:
                db.session.rollback()
                return _fail(form, exc, "programme/admin_needs.html", **context)
            flash(_("Need added. The enterprise's private link: %(link)s",
                    link=url_for("programme.need_edit", token=token, _external=True)), "success")
            return redirect(url_for("programme.admin_needs"))
        return render_template("programme/admin_needs.html", form=form, **context), 400
    return render_template("programme/admin_needs.html", form=form, **context)


@bp.route("/admin/needs/<int:need_id>", methods=["GET", "POST"])
@role_required("organizer")
def admin_need(need_id: int):
    need = db.get_or_404(TechNeed, need_id)
    form = _need_form(need, need.summit, request.form if request.method == "POST" else None)
    del form.send_link
    if request.method == "POST":
        if request.form.get("action") == "new_link":
            token = services.new_need_link(need)
            flash(_("New private link (mailed to the contact): %(link)s",
                    link=url_for("programme.need_edit", token=token, _external=True)), "success")
            return redirect(url_for("programme.admin_need", need_id=need_id))
        if form.validate():
            try:
                services.update_need(need, form.data)
            except ProgrammeError as exc:
                db.session.rollback()
                return _fail(form, exc, "programme/admin_need.html", **_need_context(need))
            flash(_("Saved."), "success")
            return redirect(url_for("programme.admin_need", need_id=need_id))
        return render_template("programme/admin_need.html", form=form, **_need_context(need)), 400
    return render_template("programme/admin_need.html", form=form, **_need_context(need))


@bp.route("/admin/matches")
@role_required("organizer")
def admin_matches():
    summit = _summit()
    found = services.matches(summit)
    return render_template("programme/admin_matches.html", summit=summit, found=found,
                           tags=services.field_codes(summit))


@bp.route("/admin/interests")
@role_required("organizer")
def admin_interests():
    summit = _summit()
    wanted = request.args.get("follow_up") or None
    if wanted and wanted not in labels.FOLLOW_UP:
        wanted = None
    return render_template("programme/admin_interests.html", summit=summit, wanted=wanted,
                           interests=services.interests_of(summit, wanted), form_class=FollowUpForm)


@bp.route("/admin/interests/<int:interest_id>", methods=["POST"])
@role_required("organizer")
def interest_follow_up(interest_id: int):
    interest_row = db.get_or_404(Interest, interest_id)
    form = FollowUpForm()
    if not form.validate():
        return render_error(422, _("Choose a follow-up status."))
    try:
        services.update_follow_up(interest_row, form.follow_up.data, form.follow_up_note.data)
    except ProgrammeError as exc:
        return render_error(exc.status, exc.message)
    flash(_("Saved."), "success")
    return redirect(url_for("programme.admin_interests", follow_up=request.args.get("follow_up") or None))


@bp.route("/admin/export.xlsx")
@role_required("organizer")
def export_xlsx():
    summit = _summit()
    data = export.workbook_bytes(summit, _locale())
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="roadshow-{summit.year}.xlsx"'})
