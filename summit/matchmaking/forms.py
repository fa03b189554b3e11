from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from summit.core.forms import FlaskForm
from summit.matchmaking.models import SESSION_KINDS


def kind_choices():
    labels = {"university": _l("University"), "institute": _l("Research institute"), "enterprise": _l("Enterprise"),
              "sector": _l("Industry sector"), "city": _l("City-wide")}
    return [(k, labels[k]) for k in SESSION_KINDS]


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class SessionForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    host_org_zh = StringField(_l("Host organisation (Chinese)"), validators=[DataRequired(), Length(max=200)])
    host_org_en = StringField(_l("Host organisation (English)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=kind_choices)
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Starts"), validators=[DataRequired()])
    end = TimeField(_l("Ends"), validators=[DataRequired()])
    slot_minutes = IntegerField(_l("Slot length (minutes)"), default=15, validators=[DataRequired(), NumberRange(5, 120)])
    breaks = StringField(_l("Breaks"), description=_l("For example 15:00-15:15, separated by commas."),
                         validators=[Optional(), Length(max=200)])
    room_zh = StringField(_l("Room (Chinese)"), validators=[Optional(), Length(max=200)])
    room_en = StringField(_l("Room (English)"), validators=[Optional(), Length(max=200)])
    max_requests = IntegerField(_l("Booths a talent may ask for"), default=5, validators=[DataRequired(), NumberRange(1, 20)])


class BoothForm(FlaskForm):
    name_zh = StringField(_l("Booth (Chinese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Booth (English)"), validators=[Optional(), Length(max=200)])
    table_no = IntegerField(_l("Table number"), validators=[Optional(), NumberRange(1, 999)])
    capacity = IntegerField(_l("Meetings at once"), default=1, validators=[DataRequired(), NumberRange(1, 20)])
    fields = SelectMultipleField(_l("Fields"), choices=[], validate_choice=False)
    need_position = StringField(_l("Position sought"), validators=[Optional(), Length(max=120)])
    need_field = SelectField(_l("Field sought"), choices=[], validate_choice=False)
    need_degree = SelectField(_l("Degree sought"), choices=[("", "—"), ("bachelor", _l("Bachelor")),
                                                            ("master", _l("Master")), ("phd", _l("PhD"))])
    need_count = IntegerField(_l("How many"), validators=[Optional(), NumberRange(1, 999)])
    host_email = StringField(_l("Host account (e-mail)"), validators=[Optional(), Length(max=320)])


class CvForm(FlaskForm):
    cv = FileField(_l("CV (PDF)"))


class MarkForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[("planned", _l("Planned")), ("held", _l("Held")),
                                                ("no_show", _l("No-show"))])
    outcome = SelectField(_l("Outcome"), choices=[("", "—"), ("interest", _l("Interested")),
                                                  ("in_depth", _l("In-depth talks")),
                                                  ("intent_to_sign", _l("Intent to sign"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class WalkInForm(FlaskForm):
    who = StringField(_l("Phone or e-mail of the registration"), validators=[DataRequired(), Length(max=320)])
    slot = SelectField(_l("Time"), coerce=int, choices=[], validate_choice=False)
