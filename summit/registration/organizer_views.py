"""The organizers' registration pages: the list, one registration (decide, edit, cancel,
new link, reveal), import and export, the form's settings, and the outbox. Routes of the
registration blueprint (views.py), registered before the blueprint is."""
from __future__ import annotations

import io
import re

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from summit.auth.permissions import role_required
from summit.core import mail, spreadsheet, storage
from summit.core.database import db_ids, db_int
from summit.core.errors import back_to
from summit.core.features import features
from summit.core.models import OutboundMail, Summit, utcnow
from summit.extensions import db
from summit.registration import (attendee, categories, export, forms, imports, links, listing, lookups,
                                 organizer, seats, tabular)
from summit.registration.errors import RegistrationError
from summit.registration.models import STATUSES, Category, ExtraQuestion, FieldTag, Registration
from summit.registration.views import bp, build_form, current_locale, put_errors

OUTBOX_PAGE = 30


def _organizer_summit() -> Summit:
    summit_id = request.args.get("summit", type=db_int)
    summit = db.session.get(Summit, summit_id) if summit_id else Summit.current()
    if summit is None:
        abort(404)
    return summit


def _registration(reg_id: int) -> Registration:
    reg = db.session.get(Registration, reg_id)
    if reg is None:
        abort(404)
    return reg


def _list_filters() -> dict:
    args = request.args
    return {"q": args.get("q", "")[:100], "category_id": args.get("category", type=db_int),
            "status": args.get("status", "") if args.get("status") in STATUSES else "",
            "checked_in": args.get("checked_in", ""), "sort": args.get("sort", "created"),
            "direction": "asc" if args.get("dir") == "asc" else "desc"}


@bp.route("/organizer/registrations")
@role_required("organizer")
def admin_list():
    summit = _organizer_summit()
    filters = _list_filters()
    stmt = listing.list_query(summit, **filters)
    number = max(1, request.args.get("page", 1, type=db_int))
    rows, total = listing.page(stmt, number)
    counts = listing.status_counts(summit)
    cats = lookups.categories(summit)
    return render_template("registration/admin_list.html", summit=summit, rows=rows, total=total, page=number,
                           pages=max(1, -(-total // listing.PAGE_SIZE)), filters=filters, counts=counts,
                           categories={c.id: c for c in cats}, category_list=cats, statuses=STATUSES,
                           can_filter_checkin=features().checked_in_source is not None,
                           reason_form=forms.ReasonForm(formdata=None))


@bp.route("/organizer/registrations/bulk", methods=["POST"])
@role_required("organizer")
@back_to("registration.admin_list")
def admin_bulk():
    """Two steps, both server-side (no script needed under the CSP): the list's button shows a
    confirmation naming how many people will be mailed (and asks the reason for a rejection);
    only its own button, which sends confirmed=1, acts."""
    summit = _organizer_summit()
    ids = db_ids(request.form.getlist("ids"))[:1000]
    action = request.form.get("action")
    back = request.form.get("back") if (request.form.get("back") or "").startswith("/organizer/") \
        else url_for("registration.admin_list")
    if not ids:
        flash(_("Select at least one registration."), "warning")
        return redirect(back, 303)
    if action not in ("approve", "reject"):
        abort(400)
    reason = (request.form.get("reason") or "").strip()[:500]
    form = forms.ReasonForm(formdata=None, data={"reason": reason})
    if request.form.get("confirmed") == "1":
        try:
            result = organizer.decide(summit, ids, action, reason, user_id=current_user.id)
        except RegistrationError as exc:
            form.reason.errors = [exc.message]
        else:
            flash(_("%(done)s changed, %(skipped)s left as they were.", done=result["done"],
                    skipped=result["skipped"]), "success")
            _flash_released(result["released"], action)
            return redirect(back, 303)
    changing, unchanged = organizer.bulk_preview(summit, ids, action)
    return render_template("registration/bulk_confirm.html", summit=summit, action=action, ids=ids,
                           changing=changing, unchanged=unchanged, form=form, back=back), \
        (422 if form.reason.errors else 200)


def _flash_released(released: dict[int, list], action: str) -> None:
    """What a cancellation or rejection released in other features, or, on an approval of a
    rejected registration or its move to another category, what it released then and does not
    get back."""
    for texts in released.values():
        if not texts:
            continue
        if action == "approve":
            flash(_("Approved again; what the rejection released is not given back: %(items)s",
                    items="; ".join(texts)), "warning")
        elif action == "move":
            flash(_("Moved to the new category; what the registration released earlier is not given back: "
                    "%(items)s", items="; ".join(texts)), "warning")
        else:
            flash(_("Released: %(items)s", items="; ".join(texts)), "info")


@bp.route("/organizer/registrations/<int:reg_id>")
@role_required("organizer")
def admin_detail(reg_id: int, revealed: str | None = None):
    reg = _registration(reg_id)
    qs = lookups.questions(reg.summit, active_only=False)
    tags = {t.code: t.name(current_locale()) for t in lookups.field_tags(reg.summit)}
    return render_template("registration/admin_detail.html", reg=reg, questions=qs, tags=tags,
                           history=organizer.history(reg), revealed=revealed,
                           reason_form=forms.ReasonForm(formdata=None))


@bp.route("/organizer/registrations/<int:reg_id>/reveal", methods=["POST"])
@role_required("organizer")
@back_to("registration.admin_detail")
def admin_reveal(reg_id: int):
    reg = _registration(reg_id)
    return admin_detail(reg_id, revealed=organizer.reveal_id_number(reg))


@bp.route("/organizer/registrations/<int:reg_id>/decide", methods=["POST"])
@role_required("organizer")
@back_to("registration.admin_detail")
def admin_decide(reg_id: int):
    reg = _registration(reg_id)
    action = request.form.get("action")
    if action not in ("approve", "reject"):
        abort(400)
    result = organizer.decide(reg.summit, [reg.id], action, (request.form.get("reason") or "").strip()[:500],
                             user_id=current_user.id)
    if result["done"]:
        flash(_("Saved."), "success")
        _flash_released(result["released"], action)
    else:
        flash(_("Nothing changed: the registration is not in a state for this."), "warning")
    return redirect(url_for("registration.admin_detail", reg_id=reg_id), 303)


@bp.route("/organizer/registrations/<int:reg_id>/cancel", methods=["POST"])
@role_required("organizer")
@back_to("registration.admin_detail")
def admin_cancel(reg_id: int):
    reg = _registration(reg_id)
    attendee.cancel(reg, by_attendee=False, reason=(request.form.get("reason") or "").strip()[:500])
    flash(_("The registration is cancelled."), "info")
    _flash_released({reg_id: organizer.released_earlier(reg)}, "cancel")
    return redirect(url_for("registration.admin_detail", reg_id=reg_id), 303)


@bp.route("/organizer/registrations/<int:reg_id>/reissue", methods=["POST"])
@role_required("organizer")
@back_to("registration.admin_detail")
def admin_reissue(reg_id: int):
    reg = _registration(reg_id)
    links.reissue_link(reg)
    flash(_("A new private link has been sent to %(email)s; the old one no longer works.", email=reg.email), "success")
    return redirect(url_for("registration.admin_detail", reg_id=reg_id), 303)


@bp.route("/organizer/registrations/<int:reg_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
def admin_edit(reg_id: int):
    reg = _registration(reg_id)
    summit = reg.summit
    qs = lookups.questions(summit, active_only=False)
    only = forms.ATTENDEE_FIELDS + ("name", "category_id", "id_type", "id_number", "birth_year")
    if request.method == "POST":
        form = build_form(summit, only=only, formdata=request.form)
        raw = forms.raw_from_request(request.form, qs)
        raw["language"] = reg.language
        if not raw["id_number"].strip():  # the form leaves it empty unless it is to change
            raw["id_number"], raw["id_type"] = reg.id_number, reg.id_type
        clean, errors = lookups.validate(summit, raw, require_identity=bool(reg.id_number),
                                          look=lookups.lookups(summit, qs=qs))
        status = 422
        if not errors:
            old_category = reg.category_id
            try:
                organizer.organizer_update(reg, clean)
            except RegistrationError as exc:
                errors = {exc.field or "phone": exc.message}
                status = exc.status
            else:
                flash(_("Saved."), "success")
                if reg.category_id != old_category:
                    _flash_released({reg_id: organizer.released_earlier(reg)}, "move")
                return redirect(url_for("registration.admin_detail", reg_id=reg_id), 303)
        put_errors(form, errors)
        return render_template("registration/admin_edit.html", form=form, reg=reg, questions=qs), status
    data = forms.initial_from(reg, qs)
    data["id_number"] = ""  # not shown: typing a new one replaces it, empty keeps it
    form = build_form(summit, only=only, formdata=None, data=data)
    return render_template("registration/admin_edit.html", form=form, reg=reg, questions=qs)


# ------------------------------------------------------------------ import / export

@bp.route("/organizer/registrations/import", methods=["GET", "POST"])
@role_required("organizer")
def admin_import():
    summit = _organizer_summit()
    form = forms.ImportForm()
    if request.method == "GET":
        imports.sweep_previews()
        return render_template("registration/import.html", form=form, summit=summit, report=None)
    upload = request.form.get("upload", "")
    if upload:  # the second step: write what the preview showed, or cancel
        try:
            path = imports.preview_path(upload)
        except ValueError:
            abort(400)
        if request.form.get("cancel"):
            imports.discard_preview(upload)
            flash(_("The import is cancelled; the uploaded file is deleted."), "info")
            return redirect(url_for("registration.admin_import"), 303)
        if path is None:
            flash(_("The uploaded file is gone; please upload it again."), "warning")
            return redirect(url_for("registration.admin_import"), 303)
        report = imports.run_import(summit, upload, path.read_bytes(), send_mail=bool(request.form.get("send_mail")))
        imports.discard_preview(upload)  # imported, or to be corrected and uploaded again
        if report.ok:
            flash(_("%(count)s registrations imported.", count=len(report.rows)), "success")
            return redirect(url_for("registration.admin_list"), 303)
        return render_template("registration/import.html", form=form, summit=summit, report=report, upload=None), 422
    file = request.files.get("file")
    if file is None or not file.filename:
        form.file.errors = [_("Choose a file.")]
        return render_template("registration/import.html", form=form, summit=summit, report=None), 422
    data = file.read()
    report = imports.check_import(summit, file.filename, data)
    name = None
    if report.ok:
        try:
            name = imports.keep_preview(file.filename, data)
        except storage.StorageError:
            form.file.errors = [str(storage.NOT_SAVED)]
            return render_template("registration/import.html", form=form, summit=summit, report=None,
                                   send_mail=form.send_mail.data), 503
    return render_template("registration/import.html", form=form, summit=summit, report=report, upload=name,
                           send_mail=form.send_mail.data), (200 if report.ok else 422)


@bp.route("/organizer/registrations/import/template.xlsx")
@role_required("organizer")
def admin_import_template():
    return send_file(io.BytesIO(tabular.template_xlsx()), as_attachment=True,
                     download_name="qianshan-registrations-template.xlsx",
                     mimetype=spreadsheet.XLSX_MIMETYPE)


@bp.route("/organizer/registrations/export", methods=["GET", "POST"])
@role_required("organizer")
def admin_export():
    summit = _organizer_summit()
    columns = export.export_columns()
    if request.method == "GET":
        return render_template("registration/export.html", summit=summit, columns=columns, filters=_list_filters(),
                               category_list=lookups.categories(summit), statuses=STATUSES,
                               sort_orders=export.sort_orders())
    keys = [k for k in request.form.getlist("columns") if k in {c.key for c in columns}]
    if not keys:
        flash(_("Choose at least one column."), "warning")
        return render_template("registration/export.html", summit=summit, columns=columns, filters=_list_filters(),
                               category_list=lookups.categories(summit), statuses=STATUSES,
                               sort_orders=export.sort_orders()), 422
    fmt = "csv" if request.form.get("format") == "csv" else "xlsx"
    status = request.form.get("status", "")
    category = request.form.get("category", type=db_int)
    order = request.form.get("sort", "created")
    stmt = listing.list_query(summit, status=status if status in STATUSES else "", category_id=category,
                               sort=order if order in export.ORDERS else "created", direction="asc")
    data, _count = export.export(summit, keys, fmt, stmt=stmt, locale=current_locale())
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    # Flask adds "; charset=utf-8" to text types itself.
    mimetype = "text/csv" if fmt == "csv" else spreadsheet.XLSX_MIMETYPE
    return send_file(io.BytesIO(data), as_attachment=True, mimetype=mimetype,
                     download_name=f"registrations-{summit.year}-{stamp}.{fmt}")


# ------------------------------------------------------------------ categories, fields, questions

@bp.route("/organizer/registrations/settings")
@role_required("organizer")
def admin_settings():
    summit = _organizer_summit()
    taken, waiting = seats.counts(summit)
    return render_template("registration/settings.html", summit=summit, categories=lookups.categories(summit),
                           tags=lookups.field_tags(summit), questions=lookups.questions(summit, active_only=False),
                           seats=taken, waiting=waiting)


def _text(name: str, limit: int, required: bool = True) -> str:
    value = re.sub(r"[\x00-\x1f\x7f]", "", request.form.get(name, "")).strip()
    if (required and not value) or len(value) > limit:
        raise RegistrationError(_("Check the field “%(name)s”.", name=name), name)
    return value


def _settings_back(message: str | None = None, category: str = "success"):
    if message:
        flash(message, category)
    return redirect(url_for("registration.admin_settings"), 303)


def _found(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


@bp.route("/organizer/registrations/categories", methods=["POST"])
@bp.route("/organizer/registrations/categories/<int:cat_id>", methods=["POST"])
@role_required("organizer")
@back_to("registration.admin_settings")
def admin_category(cat_id: int | None = None):
    summit = _organizer_summit()
    capacity_text = request.form.get("capacity", "").strip()
    if capacity_text and not capacity_text.isdigit():
        raise RegistrationError(_("Capacity must be a whole number, or empty for no limit."), "capacity")
    color = request.form.get("color", "#1f5fa8").strip()
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        color = "#1f5fa8"
    values = {"name_zh": _text("name_zh", 100), "name_en": _text("name_en", 100),
              "needs_approval": bool(request.form.get("needs_approval")),
              "capacity": int(capacity_text) if capacity_text else None, "color": color}
    if cat_id is None:
        categories.add_category(summit, _text("code", 40), values)
        return _settings_back(_("Category added."))
    categories.update_category(_found(Category, cat_id), values)
    return _settings_back(_("Saved."))


@bp.route("/organizer/registrations/fields", methods=["POST"])
@bp.route("/organizer/registrations/fields/<int:tag_id>", methods=["POST"])
@role_required("organizer")
@back_to("registration.admin_settings")
def admin_field(tag_id: int | None = None):
    summit = _organizer_summit()
    if tag_id is not None:
        tag = _found(FieldTag, tag_id)
        if request.form.get("delete"):
            categories.delete_field_tag(tag)
            return _settings_back(_("Deleted. Registrations keep the code they chose."))
        categories.rename_field_tag(tag, _text("name_zh", 100), _text("name_en", 100))
        return _settings_back(_("Saved."))
    categories.add_field_tag(summit, _text("code", 40), _text("name_zh", 100), _text("name_en", 100))
    return _settings_back(_("Field added."))


def _question_choices() -> list[dict]:
    """One choice per line: "value | 中文 | English" (or one text for all three)."""
    found = []
    for line in request.form.get("choices", "").splitlines():
        parts = [re.sub(r"[\x00-\x1f\x7f]", "", p).strip()[:200] for p in line.split("|")]
        if not parts or not parts[0]:
            continue
        value = parts[0]
        zh = parts[1] if len(parts) > 1 and parts[1] else value
        en = parts[2] if len(parts) > 2 and parts[2] else zh
        if value not in [c["value"] for c in found]:
            found.append({"value": value, "zh": zh, "en": en})
    return found[:50]


@bp.route("/organizer/registrations/questions", methods=["POST"])
@bp.route("/organizer/registrations/questions/<int:q_id>", methods=["POST"])
@role_required("organizer")
@back_to("registration.admin_settings")
def admin_question(q_id: int | None = None):
    summit = _organizer_summit()
    question = _found(ExtraQuestion, q_id) if q_id is not None else None
    if question is not None and request.form.get("retire"):
        categories.set_question_active(question, not question.active)
        return _settings_back(_("Saved."))
    values = {"label_zh": _text("label_zh", 300), "label_en": _text("label_en", 300),
              "required": bool(request.form.get("required")), "choices": _question_choices()}
    if question is None:
        categories.add_question(summit, request.form.get("kind", ""), values)
    else:
        categories.update_question(question, values)
    return _settings_back(_("Saved."))


# ------------------------------------------------------------------ outbox

@bp.route("/organizer/outbox")
@role_required("organizer")
def admin_outbox():
    number = max(1, request.args.get("page", 1, type=db_int))
    status = request.args.get("status", "")
    mails, total = mail.outbox(status, number, OUTBOX_PAGE)
    shown_id = request.args.get("show", type=db_int)
    shown = db.session.get(OutboundMail, shown_id) if shown_id else None
    return render_template("registration/outbox.html", mails=mails, total=total, page=number, status=status,
                           pages=max(1, -(-total // OUTBOX_PAGE)), shown=shown,
                           smtp=bool(current_app.config.get("MAIL_SERVER")),
                           mail_status_labels=mail.OUTBOX_STATUS_LABELS)
