"""The invitee's travel form. The form only parses; the rules (number shapes, order of arrival
and departure, places, stay) are the service's (invitations.travel_problems)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import Length, Optional

from .invitations import TravelInput

MODE_CHOICES = [("flight", _l("Flight")), ("train", _l("Train"))]
ROOM_CHOICES = [("single", _l("Single room")), ("shared", _l("Shared room"))]
TIME_FORMAT = "%Y-%m-%dT%H:%M"


def _place(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TravelForm(FlaskForm):
    arrival_mode = RadioField(_l("Arriving by"), choices=MODE_CHOICES, default="flight", validate_choice=False)
    arrival_number = StringField(_l("Flight or train number"), validators=[Length(max=20)])
    arrival_at = DateTimeLocalField(_l("Arrives (Beijing time)"), format=TIME_FORMAT, validators=[Optional()])
    arrival_place_id = SelectField(_l("Arrives at"), coerce=_place, validate_choice=False)
    departure_mode = RadioField(_l("Leaving by"), choices=MODE_CHOICES, default="flight", validate_choice=False)
    departure_number = StringField(_l("Flight or train number"), validators=[Length(max=20)])
    departure_at = DateTimeLocalField(_l("Leaves (Beijing time)"), format=TIME_FORMAT, validators=[Optional()])
    departure_place_id = SelectField(_l("Leaves from"), coerce=_place, validate_choice=False)
    party_size = IntegerField(_l("People in your party, you included"), default=1, validators=[Optional()])
    pickup_wanted = BooleanField(_l("Please meet me on arrival"), default=True)
    check_in_on = DateField(_l("Hotel check-in"), validators=[Optional()])
    check_out_on = DateField(_l("Hotel check-out"), validators=[Optional()])
    room_preference = RadioField(_l("Room type"), choices=ROOM_CHOICES, default="single", validate_choice=False)
    dietary = TextAreaField(_l("Dietary needs"), validators=[Length(max=500)])

    def set_places(self, places, locale: str) -> None:
        choices = [(p.id, f"{p.name(locale)} ({p.code})") for p in places]
        self.arrival_place_id.choices = choices
        self.departure_place_id.choices = choices

    def values(self) -> TravelInput:
        return TravelInput(
            arrival_mode=self.arrival_mode.data or "", arrival_number=self.arrival_number.data or "",
            arrival_at=self.arrival_at.data, arrival_place_id=self.arrival_place_id.data,
            departure_mode=self.departure_mode.data or "", departure_number=self.departure_number.data or "",
            departure_at=self.departure_at.data, departure_place_id=self.departure_place_id.data,
            party_size=self.party_size.data, pickup_wanted=bool(self.pickup_wanted.data),
            check_in_on=self.check_in_on.data, check_out_on=self.check_out_on.data,
            room_preference=self.room_preference.data or "", dietary=self.dietary.data or "")
