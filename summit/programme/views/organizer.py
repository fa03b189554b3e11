"""The organizer's programme pages: items and publishing, roadshow blocks, results, needs, matches,
interest follow-up and the workbook."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from summit.auth.permissions import role_required
from summit.core.downloads import attachment
from summit.core import links
from summit.extensions import db
from summit.programme import export, labels
from summit.programme.common import field_codes, local_to_utc, utc_to_local
from summit.programme.items import ITEM_FIELDS, create_item, delete_item, items_of, publish_programme, update_item
from summit.programme.needs import counts, create_need, matches, needs_of, new_need_link, update_need
from summit.programme.results import deck_file, issue_result_link, results_of, set_result_status
from summit.programme.roadshow import (add_to_block, block_overrun, interests_of, move_slot, remove_slot,
                                       running_order, set_slot_minutes, update_follow_up)
from summit.programme.errors import ProgrammeError
from summit.programme.forms import FollowUpForm, ItemForm, MinutesForm, ResultLinkForm, SlotForm
from summit.programme.models import Interest, ProgrammeItem, ResearchResult, RoadshowSlot, TechNeed
from summit.programme.views.shared import (bp, current_summit, days_of, fail, locale, need_context, need_form,
                                           result_context)


# -- organizer: the programme -------------------------------------------------------------------------

@bp.route("/admin")
@role_required("organizer")
def admin():
    summit = current_summit()
    items = items_of(summit, published_only=False)
    return render_template("programme/admin.html", summit=summit, days=days_of(items),
                           unpublished=sum(1 for i in items if i.published_at is None),
                           counts=counts(summit), overrun=block_overrun)


def _item_values(form: ItemForm) -> dict:
    data = {k: v for k, v in form.data.items() if k in ITEM_FIELDS}
    data["starts_at"] = local_to_utc(form.starts_at.data)
    data["ends_at"] = local_to_utc(form.ends_at.data)
    return data


@bp.route("/admin/items/new", methods=["GET", "POST"])
@role_required("organizer")
def item_new():
    summit = current_summit()
    form = ItemForm()
    if form.validate_on_submit():
        try:
            item = create_item(summit, _item_values(form))
        except ProgrammeError as exc:
            return fail(form, exc, "programme/item_form.html", summit=summit, item=None)
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
        form.starts_at.data = utc_to_local(item.starts_at)
        form.ends_at.data = utc_to_local(item.ends_at)
    else:
        form = ItemForm()
    if form.validate_on_submit():
        try:
            changed = update_item(item, _item_values(form))
        except ProgrammeError as exc:
            return fail(form, exc, "programme/item_form.html", summit=item.summit, item=item)
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
    delete_item(item)
    flash(_("Item deleted."), "success")
    return redirect(url_for("programme.admin"))


@bp.route("/admin/publish", methods=["POST"])
@role_required("organizer")
def publish():
    count = publish_programme(current_summit())
    flash(_("%(n)d items published.", n=count), "success")
    return redirect(url_for("programme.admin"))


@bp.route("/admin/blocks/<int:item_id>", methods=["GET", "POST"])
@role_required("organizer")
def block(item_id: int):
    item = db.get_or_404(ProgrammeItem, item_id)
    if item.kind != "roadshow":
        abort(404)
    form = SlotForm()
    taken = {s.result_id for s in item.slots}
    form.result_id.choices = [(r.id, f"{r.title} — {r.institution}") for r in
                              results_of(item.summit, "submitted") if r.id not in taken]
    context = {"item": item, "rows": lambda: running_order(item), "overrun": block_overrun,
               "minutes_form": MinutesForm}
    if form.validate_on_submit():
        result = db.session.get(ResearchResult, form.result_id.data)
        try:
            if result is None:
                raise ProgrammeError(_("No such result."), "result_id")
            add_to_block(item, result, form.minutes.data)
        except ProgrammeError as exc:
            return fail(form, exc, "programme/block.html", **context)
        flash(_("Added to the running order."), "success")
        return redirect(url_for("programme.block", item_id=item.id))
    return render_template("programme/block.html", form=form, **context), 400 if form.errors else 200


@bp.route("/admin/slots/<int:slot_id>", methods=["POST"])
@role_required("organizer")
def slot_action(slot_id: int):
    slot = db.get_or_404(RoadshowSlot, slot_id)
    block_id = slot.block_id
    action = request.form.get("action")
    if action == "up":
        move_slot(slot, -1)
    elif action == "down":
        move_slot(slot, 1)
    elif action == "remove":
        remove_slot(slot)
    elif action == "minutes":
        form = MinutesForm()
        if not form.validate():
            raise ProgrammeError(_("Give between 1 and 60 minutes."), "minutes")
        set_slot_minutes(slot, form.minutes.data)
    else:
        abort(400)
    return redirect(url_for("programme.block", item_id=block_id))


@bp.route("/admin/results", methods=["GET", "POST"])
@role_required("organizer")
def admin_results():
    summit = current_summit()
    form = ResultLinkForm()
    link = None
    if form.validate_on_submit():
        try:
            _result, token = issue_result_link(summit, form.institution.data, form.contact_name.data,
                                               form.contact_email.data)
        except ProgrammeError as exc:
            return fail(form, exc, "programme/admin_results.html", summit=summit,
                         results=results_of(summit), tags=field_codes(summit), link=None)
        link = links.external_url("programme.result_edit", token=token)
        form = ResultLinkForm(formdata=None)
    elif form.errors:
        return render_template("programme/admin_results.html", form=form, summit=summit,
                               results=results_of(summit), tags=field_codes(summit), link=None), 400
    return render_template("programme/admin_results.html", form=form, summit=summit, link=link,
                           results=results_of(summit), tags=field_codes(summit))


@bp.route("/admin/results/<int:result_id>", methods=["GET", "POST"])
@role_required("organizer")
def admin_result(result_id: int):
    result = db.get_or_404(ResearchResult, result_id)
    if request.method == "POST":
        set_result_status(result, request.form.get("status", ""))
        flash(_("Saved."), "success")
        return redirect(url_for("programme.admin_result", result_id=result_id))
    return render_template("programme/admin_result.html", **result_context(result))


@bp.route("/admin/results/<int:result_id>/deck.pdf")
@role_required("organizer")
def admin_result_deck(result_id: int):
    result = db.get_or_404(ResearchResult, result_id)
    path = deck_file(result)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=result.deck_filename or "deck.pdf")


@bp.route("/admin/needs", methods=["GET", "POST"])
@role_required("organizer")
def admin_needs():
    summit = current_summit()
    form = need_form(None, summit, request.form if request.method == "POST" else None)
    context = {"summit": summit, "needs": needs_of(summit), "tags": field_codes(summit)}
    if request.method == "POST":
        if form.validate():
            try:
                need, token = create_need(summit, form.data, send_link=form.send_link.data)
            except ProgrammeError as exc:
                return fail(form, exc, "programme/admin_needs.html", **context)
            flash(_("Need added. The enterprise's private link: %(link)s",
                    link=links.external_url("programme.need_edit", token=token)), "success")
            return redirect(url_for("programme.admin_needs"))
        return render_template("programme/admin_needs.html", form=form, **context), 400
    return render_template("programme/admin_needs.html", form=form, **context)


@bp.route("/admin/needs/<int:need_id>", methods=["GET", "POST"])
@role_required("organizer")
def admin_need(need_id: int):
    need = db.get_or_404(TechNeed, need_id)
    form = need_form(need, need.summit, request.form if request.method == "POST" else None)
    del form.send_link
    if request.method == "POST":
        if request.form.get("action") == "new_link":
            token = new_need_link(need)
            flash(_("New private link (mailed to the contact): %(link)s",
                    link=links.external_url("programme.need_edit", token=token)), "success")
            return redirect(url_for("programme.admin_need", need_id=need_id))
        if form.validate():
            try:
                update_need(need, form.data)
            except ProgrammeError as exc:
                return fail(form, exc, "programme/admin_need.html", **need_context(need))
            flash(_("Saved."), "success")
            return redirect(url_for("programme.admin_need", need_id=need_id))
        return render_template("programme/admin_need.html", form=form, **need_context(need)), 400
    return render_template("programme/admin_need.html", form=form, **need_context(need))


@bp.route("/admin/matches")
@role_required("organizer")
def admin_matches():
    summit = current_summit()
    found = matches(summit)
    return render_template("programme/admin_matches.html", summit=summit, found=found,
                           tags=field_codes(summit))


@bp.route("/admin/interests")
@role_required("organizer")
def admin_interests():
    summit = current_summit()
    wanted = request.args.get("follow_up") or None
    if wanted and wanted not in labels.FOLLOW_UP:
        wanted = None
    return render_template("programme/admin_interests.html", summit=summit, wanted=wanted,
                           interests=interests_of(summit, wanted), form_class=FollowUpForm)


@bp.route("/admin/interests/<int:interest_id>", methods=["POST"])
@role_required("organizer")
def interest_follow_up(interest_id: int):
    interest_row = db.get_or_404(Interest, interest_id)
    form = FollowUpForm()
    if not form.validate():
        raise ProgrammeError(_("Choose a follow-up status."), "follow_up")
    update_follow_up(interest_row, form.follow_up.data, form.follow_up_note.data)
    flash(_("Saved."), "success")
    return redirect(url_for("programme.admin_interests", follow_up=request.args.get("follow_up") or None))


@bp.route("/admin/export.xlsx")
@role_required("organizer")
def export_xlsx():
    summit = current_summit()
    data = export.workbook_bytes(summit, locale())
    return attachment(data, f"roadshow-{summit.year}.xlsx")
