"""Translated labels of the fixed choices (status, degree, programme parts, ...)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext

STATUS_LABELS = {
    "pending": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "waitlisted": _l("On the waitlist"),
    "cancelled": _l("Cancelled"),
}
STATUS_BADGES = {"pending": "warning", "approved": "success", "rejected": "danger",
                 "waitlisted": "info", "cancelled": "secondary"}
GENDER_LABELS = {"male": _l("Male"), "female": _l("Female"), "other": _l("Other")}
DEGREE_LABELS = {"bachelor": _l("Bachelor"), "master": _l("Master"), "phd": _l("Doctorate"), "other": _l("Other")}
ID_TYPE_LABELS = {"resident_id": _l("Resident identity card"), "passport": _l("Passport")}
PROGRAMME_LABELS = {
    "opening": _l("Opening ceremony"),
    "contest_final": _l("Contest final roadshow"),
    "recruitment": _l("Recruitment sessions"),
}
# Spellings an import file may use for the programme parts, besides the codes.
PROGRAMME_NAMES = {
    "opening": ("开幕式", "Opening ceremony", "opening"),
    "contest_final": ("大赛决赛路演", "决赛路演", "Contest final roadshow", "contest final"),
    "recruitment": ("引才专场对接会", "对接会", "Recruitment sessions", "recruitment"),
}
LANGUAGE_LABELS = {"zh_CN": "中文", "en": "English"}
QUESTION_KINDS = {
    "text": _l("Text"),
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "yesno": _l("Yes / no"),
    "number": _l("Number"),
    "date": _l("Date"),
}
SOURCE_LABELS = {"online": lazy_pgettext("registration source", "Online"), "import": _l("Imported"), "organizer": _l("Entered by an organizer")}
