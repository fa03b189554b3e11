from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateTimeLocalField, EmailField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, widgets)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from summit.core import normalise
from summit.core.forms import FlaskForm
from summit.programme import labels


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ItemForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=labels.choices(labels.ITEM_KIND))
    part = SelectField(_l("Programme part"), choices=labels.choices(labels.ITEM_PART),
                       description=_l("Whose personal agenda shows it: the attendees who registered for this part."))
    starts_at = DateTimeLocalField(_l("Starts (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=200)])
    room_zh = StringField(_l("Room (Chinese)"), validators=[Length(max=200)])
    room_en = StringField(_l("Room (English)"), validators=[Length(max=200)])
    hosts_zh = StringField(_l("Hosts (Chinese)"), validators=[Length(max=300)])
    hosts_en = StringField(_l("Hosts (English)"), validators=[Length(max=300)])
    speakers_zh = TextAreaField(_l("Speakers (Chinese)"), validators=[Length(max=4000)])
    speakers_en = TextAreaField(_l("Speakers (English)"), validators=[Length(max=4000)])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Length(max=8000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=8000)])
    cancelled = BooleanField(_l("Cancelled"))


class ResultLinkForm(FlaskForm):
    institution = StringField(_l("University or institute"), validators=[DataRequired(), Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=120)])
    contact_email = EmailField(_l("Contact email"), validators=[DataRequired(), Length(max=320)],
                               filters=[normalise.email])


class ResultForm(FlaskForm):
    title = StringField(_l("Title of the result"), validators=[Length(max=200)])
    team = TextAreaField(_l("Team"), validators=[Length(max=4000)],
                         description=_l("The lead first, then the members, one per line."))
    fields = MultiCheckboxField(_l("Fields"), choices=[])
    maturity = SelectField(_l("Maturity"), choices=labels.choices(labels.MATURITY))
    patents_text = TextAreaField(_l("Patents"), validators=[Length(max=4000)],
                                 description=_l("One number per line, e.g. CN202310123456.7 or CN115123456A."))
    cooperation = MultiCheckboxField(_l("Cooperation wanted"), choices=labels.choices(labels.COOPERATION))
    summary = TextAreaField(_l("Summary"), validators=[Length(max=8000)])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=120)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=30)], filters=[normalise.code])
    contact_email = EmailField(_l("Contact email"), validators=[Length(max=320)], filters=[normalise.email])
    deck = FileField(_l("Roadshow deck (PDF)"))


class NeedForm(FlaskForm):
    enterprise = StringField(_l("Enterprise"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title of the need"), validators=[Length(max=200)])
    fields = MultiCheckboxField(_l("Fields"), choices=[])
    description = TextAreaField(_l("Description"), validators=[Length(max=8000)])
    budget = SelectField(_l("Budget"), choices=labels.choices(labels.BUDGET))
    contact_name = StringField(_l("Contact person"), validators=[Length(max=120)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=30)], filters=[normalise.code])
    contact_email = EmailField(_l("Contact email"), validators=[DataRequired(), Length(max=320)],
                               filters=[normalise.email])
    status = SelectField(_l("Status"), choices=labels.choices(labels.NEED_STATUS), default="open")
    send_link = BooleanField(_l("Mail the enterprise its private link"))


class InterestForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    contact = StringField(_l("Mobile or email"), validators=[DataRequired(), Length(max=320)])
    kind = SelectField(_l("You are"), choices=labels.choices(labels.INTEREST_KIND))
    cooperation = SelectField(_l("Cooperation you have in mind"),
                              choices=[("", _l("Not decided yet"))] + labels.choices(labels.COOPERATION))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class SlotForm(FlaskForm):
    result_id = SelectField(_l("Result"), coerce=int, choices=[])
    minutes = IntegerField(_l("Minutes"), default=8, validators=[DataRequired(), NumberRange(1, 60)])


class MinutesForm(FlaskForm):
    minutes = IntegerField(_l("Minutes"), validators=[DataRequired(), NumberRange(1, 60)])


class FollowUpForm(FlaskForm):
    follow_up = SelectField(_l("Follow-up"), choices=labels.choices(labels.FOLLOW_UP))
    follow_up_note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
