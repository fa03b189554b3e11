from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, FieldList, FloatField, Form, FormField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional, Regexp

from summit.core import normalise
from summit.core.forms import FlaskForm

SUMMARY_MAX = 1000
PHONE = Regexp(r"^\+?[0-9][0-9 \-]{6,19}$", message=_l("Enter a phone number of digits (with +country code abroad)."))


def financing_choices():
    return [("none", _l("Not yet financed")), ("angel", _l("Angel round")), ("seed", _l("Seed round")),
            ("a", _l("Series A")), ("b", _l("Series B")), ("c_plus", _l("Series C or later"))]


class MemberForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = StringField(_l("Role in the team"), validators=[Optional(), Length(max=100)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), PHONE], filters=[normalise.code])
    email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=320)], filters=[normalise.email])


class ApplicationForm(FlaskForm):
    track = SelectField(_l("Track"), validators=[DataRequired()])
    project_name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    field = SelectField(_l("Industry field"), validators=[DataRequired()])
    organisation = StringField(_l("University, institute or company"), validators=[DataRequired(), Length(max=200)])
    leader_name = StringField(_l("Team leader"), validators=[DataRequired(), Length(max=120)])
    # Typed full-width on a phone as often as not: folded before they are checked.
    leader_phone = StringField(_l("Leader's phone"), validators=[DataRequired(), PHONE], filters=[normalise.code])
    leader_email = StringField(_l("Leader's email"), validators=[DataRequired(), Email(), Length(max=320)],
                               filters=[normalise.email])
    members = FieldList(FormField(MemberForm), min_entries=4, max_entries=15)
    founded_on = DateField(_l("Founding date"), validators=[Optional()],
                           description=_l("Leave empty if the project is not yet incorporated."))
    is_company = BooleanField(_l("The project is an incorporated company"))
    registered_capital = FloatField(_l("Registered capital (10,000 yuan)"),
                                    validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    financing_stage = SelectField(_l("Financing stage"), choices=financing_choices, default="none")
    prior_awards = TextAreaField(_l("Prior awards and honours"), validators=[Optional(), Length(max=2000)])
    prior_talent_award = BooleanField(_l("The project has already received a talent-programme award"))
    summary = TextAreaField(_l("Project summary"), validators=[DataRequired(), Length(max=SUMMARY_MAX)],
                            description=_l("At most %(n)s characters.", n=SUMMARY_MAX))
    business_plan = FileField(_l("Business plan (PDF)"))
    video_url = StringField(_l("Video link (optional)"), validators=[Optional(), URL(), Length(max=500)])

    def data_for_service(self) -> dict:
        members = []
        for m in self.members.data:
            if (m.get("name") or "").strip():
                members.append({k: (m.get(k) or "").strip() for k in ("name", "role", "organisation", "phone", "email")})
        return {
            "project_name": self.project_name.data.strip(), "field": self.field.data,
            "organisation": self.organisation.data.strip(), "leader_name": self.leader_name.data.strip(),
            "leader_phone": self.leader_phone.data.strip(), "leader_email": self.leader_email.data.strip().lower(),
            "members": members, "founded_on": self.founded_on.data, "is_company": bool(self.is_company.data),
            "registered_capital": self.registered_capital.data, "financing_stage": self.financing_stage.data,
            "prior_awards": (self.prior_awards.data or "").strip(),
            "prior_talent_award": bool(self.prior_talent_award.data), "summary": self.summary.data.strip(),
            "video_url": (self.video_url.data or "").strip(),
        }


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class OverrideForm(FlaskForm):
    decision = SelectField(_l("Eligibility"), choices=[("eligible", _l("Eligible (override)")),
                                                       ("ineligible", _l("Not eligible (override)")),
                                                       ("auto", _l("As checked by the rules"))])
    note = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class RoundForm(FlaskForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    kind = SelectField(lazy_pgettext("round", "Kind"), choices=[("online", _l("Online review")), ("roadshow", _l("Live roadshow"))])
    status = SelectField(_l("Status"), choices=[("draft", _l("Draft")), ("open", _l("Open for scoring")),
                                                ("closed", _l("Closed"))])
    method = SelectField(_l("Aggregation"), choices=[("mean", _l("Mean")), ("trimmed", _l("Trimmed mean")),
                                                     ("median", _l("Median")), ("zscore", _l("Per-judge z-score"))])
    judges_per_entry = IntegerField(_l("Judges per entry (online)"), validators=[DataRequired(), NumberRange(1, 30)])
    pitch_seconds = IntegerField(_l("Pitch (seconds)"), validators=[DataRequired(), NumberRange(30, 3600)])
    questions_seconds = IntegerField(_l("Questions (seconds)"), validators=[DataRequired(), NumberRange(0, 3600)])


class AdvanceForm(FlaskForm):
    top_n = IntegerField(_l("Top N advance"), validators=[Optional(), NumberRange(1, 1000)])
    threshold = FloatField(_l("Or every entry scoring at least"), validators=[Optional()])
