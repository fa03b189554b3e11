from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField

from summit.core.forms import FlaskForm
from summit.badges.layouts import LAYOUTS


class PrintForm(FlaskForm):
    layout = SelectField(_l("Layout"), choices=[])
    category = SelectField(_l("Category"), choices=[])
    mode = RadioField(_l("Which badges"), default="all", choices=[
        ("all", _l("All approved")),
        ("not_printed", _l("Not printed yet")),
        ("new", _l("New since the last batch")),
    ])
    order = SelectField(_l("Order within each category"), default="stroke", choices=[
        ("stroke", _l("By surname strokes")),
        ("pinyin", _l("By pinyin")),
    ])
    pinyin = BooleanField(_l("Print the pinyin under Chinese names (LIU Yan)"), default=False)

    def fill(self, categories, locale: str) -> "PrintForm":
        self.layout.choices = [(l.name, l.label(locale)) for l in LAYOUTS.values()]
        self.category.choices = [("", _l("All categories"))] + [(c.code, c.name(locale)) for c in categories]
        return self
