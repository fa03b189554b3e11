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

# The registration's audit trail in words (registered in init_feature, read by core.audit.describe).
AUDIT_ACTIONS = {
    "created": _l("Registration submitted"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
    "promoted": _l("Moved up from the waitlist"),
    "edited": _l("Changed by an organizer"),
    "edited_by_attendee": _l("Changed by the attendee"),
    "link_reissued": _l("New private link sent"),
    "id_number_revealed": _l("Identity number revealed"),
}
AUDIT_FIELDS = {
    "status": _l("Status"), "category": _l("Category"), "category_id": _l("Category"), "source": _l("Source"),
    "name": _l("Name"), "gender": _l("Gender"), "organisation": _l("Organisation"), "title": _l("Title or position"),
    "phone": _l("Mobile phone"), "email": _l("Email"), "id_type": _l("Identity document"),
    "id_number": _l("Document number"), "birth_year": _l("Year of birth"), "degree": _l("Highest degree"),
    "overseas": _l("Overseas study or work experience"), "fields": _l("Research or industry fields"),
    "programme_parts": _l("I will attend"), "dietary": _l("Dietary needs"), "answers": _l("Answers"),
    "language": _l("Language"),
}
AUDIT_VALUES = {"status": STATUS_LABELS, "gender": GENDER_LABELS, "degree": DEGREE_LABELS, "id_type": ID_TYPE_LABELS,
                "programme_parts": PROGRAMME_LABELS, "source": SOURCE_LABELS, "language": LANGUAGE_LABELS}
SUMMIT_AUDIT_ACTIONS = {"registrations_exported": _l("Registrations exported")}
SUMMIT_AUDIT_FIELDS = {"format": _l("Format"), "columns": _l("Columns"), "rows": _l("Rows")}
