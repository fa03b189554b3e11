"""The registration forms. They render the fields and carry the CSRF token; the checks
themselves are validation.clean_person (the same for the form, the edit pages and the import),
whose translated messages views put beside each field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, EmailField, FileField, RadioField, SelectField, SelectMultipleField, StringField,
                     TelField, TextAreaField)
from wtforms.widgets import CheckboxInput, ListWidget

from summit.core.forms import FlaskForm
from summit.registration.choices import DEGREE_LABELS, GENDER_LABELS, ID_TYPE_LABELS, PROGRAMME_LABELS

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegistrationForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "maxlength": 120})
    gender = RadioField(_l("Gender"), choices=list(GENDER_LABELS.items()), validate_choice=False)
    category_id = SelectField(_l("Category"), validate_choice=False)
    organisation = StringField(_l("Organisation"), render_kw={"autocomplete": "organization", "maxlength": 200})
    title = StringField(_l("Title or position"), render_kw={"maxlength": 200})
    phone = TelField(_l("Mobile phone"), description=_l("Mainland numbers: 11 digits. From abroad: +country code, e.g. +49 151 2345 6789."),
                     render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 40})
    email = EmailField(_l("Email"), render_kw={"autocomplete": "email", "maxlength": 320})
    id_type = RadioField(_l("Identity document"), choices=list(ID_TYPE_LABELS.items()), default="resident_id",
                         validate_choice=False)
    id_number = StringField(_l("Document number"), render_kw={"autocomplete": "off", "maxlength": 40,
                                                              "autocapitalize": "characters"})
    birth_year = StringField(_l("Year of birth"), render_kw={"inputmode": "numeric", "maxlength": 4, "placeholder": "1988"})
    degree = SelectField(_l("Highest degree"), choices=[("", "—")] + list(DEGREE_LABELS.items()), validate_choice=False)
    overseas = RadioField(_l("Overseas study or work experience"), choices=YES_NO, default="no", validate_choice=False)
    fields = MultiCheckboxField(_l("Research or industry fields"), validate_choice=False)
    programme_parts = MultiCheckboxField(_l("I will attend"), choices=list(PROGRAMME_LABELS.items()),
                                         validate_choice=False)
    dietary = StringField(_l("Dietary needs"), description=_l("For example vegetarian, halal, allergies."),
                          render_kw={"maxlength": 200})
    consent = BooleanField(_l("I have read the privacy policy and agree that my data is used to run this summit."))


ATTENDEE_FIELDS = ("gender", "organisation", "title", "phone", "email", "degree", "overseas", "fields",
                   "programme_parts", "dietary")


def build(form_class, summit, locale: str, questions=(), tags=(), categories=(), only=None, **kwargs):
    """A form instance with this summit's choices and one field per extra question."""

    class Form(form_class):
        pass

    for q in questions:
        label = q.label(locale)
        choices = [(c["value"], c["en"] if str(locale).startswith("en") else c["zh"]) for c in q.choices or []]
        if q.kind == "text":
            field = TextAreaField(label, render_kw={"rows": 2, "maxlength": 1000})
        elif q.kind == "single":
            field = RadioField(label, choices=choices, validate_choice=False)
        elif q.kind == "multiple":
            field = MultiCheckboxField(label, choices=choices, validate_choice=False)
        elif q.kind == "yesno":
            field = RadioField(label, choices=YES_NO, validate_choice=False)
        elif q.kind == "number":
            field = StringField(label, render_kw={"inputmode": "decimal"})
        else:
            field = StringField(label, render_kw={"type": "date"})
        if q.required:
            field.kwargs.setdefault("render_kw", {})
            field.kwargs["render_kw"] = {**(field.kwargs.get("render_kw") or {}), "data-required": "1"}
        setattr(Form, f"q_{q.id}", field)
    form = Form(**kwargs)
    if only is not None:
        for name in list(form._fields):
            if name not in only and name != "csrf_token" and not name.startswith("q_"):
                del form[name]
    if "category_id" in form:
        form.category_id.choices = [("", "—")] + [(str(c.id), c.name(locale)) for c in categories]
    if "fields" in form:
        form.fields.choices = [(t.code, t.name(locale)) for t in tags]
    for q in questions:
        form[f"q_{q.id}"].flags.required = q.required
    for name in ("name", "category_id", "organisation", "phone", "email", "id_number"):
        if name in form:
            form[name].flags.required = True
    return form


def raw_from_request(form_data, questions) -> dict:
    """The submitted values as clean_person takes them."""
    raw = {name: form_data.get(name, "") for name in (
        "name", "gender", "category_id", "organisation", "title", "phone", "email", "id_type", "id_number",
        "birth_year", "degree", "overseas", "dietary", "consent", "language")}
    raw["fields"] = form_data.getlist("fields")
    raw["programme_parts"] = form_data.getlist("programme_parts")
    answers = {}
    for q in questions:
        key = f"q_{q.id}"
        answers[str(q.id)] = form_data.getlist(key) if q.kind == "multiple" else form_data.get(key, "")
    raw["answers"] = answers
    return raw


def initial_from(reg, questions) -> dict:
    """Form data for an existing registration (edit pages)."""
    data = {name: getattr(reg, name) for name in (
        "name", "gender", "organisation", "title", "phone", "email", "id_type", "id_number", "degree", "dietary")}
    data["category_id"] = str(reg.category_id)
    data["birth_year"] = str(reg.birth_year or "")
    data["overseas"] = "yes" if reg.overseas else "no"
    data["fields"] = list(reg.fields or [])
    data["programme_parts"] = list(reg.programme_parts or [])
    for q in questions:
        value = (reg.answers or {}).get(str(q.id))
        if q.kind == "yesno" and value is not None:
            value = "yes" if value else "no"
        data[f"q_{q.id}"] = value if value is not None else ("" if q.kind != "multiple" else [])
    return data


class ResendLinkForm(FlaskForm):
    contact = StringField(_l("The email or mobile phone you registered with"), render_kw={"maxlength": 320})


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the registrant)"), render_kw={"rows": 2, "maxlength": 500})


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv, UTF-8 or GBK)"))
    send_mail = BooleanField(_l("Send each person the confirmation mail with their private link"))


class ShredPersonForm(FlaskForm):
    """The right to deletion: whom to shred, in which edition (the confirmation step names them)."""
    year = SelectField(_l("Edition"), coerce=int)
    email = EmailField(_l("Email"))
    phone = TelField(_l("Mobile phone"))
