"""Registration's errors: the translated messages of validation's codes, the refused
operation, and the duplicate told apart by the unique constraint the database named."""
from __future__ import annotations

import re

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from summit.core.errors import DomainError

ERROR_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This is too long."),
    "invalid_name": _l("Please enter a name."),
    "invalid_choice": _l("Please choose one of the options."),
    "invalid_phone": _l("Enter a mainland mobile number (11 digits) or an international number starting with +."),
    "invalid_email": _l("This is not a valid email address."),
    "invalid_resident_id": _l("This resident identity card number is not valid (check the last digit)."),
    "looks_like_passport": _l("This looks like a passport number: choose Passport as the document type."),
    "invalid_passport": _l("A passport number has 5 to 20 letters and digits."),
    "invalid_birth_year": _l("Enter the year of birth as four digits."),
    "birth_year_mismatch": _l("The year of birth does not match the identity card number."),
    "invalid_number": _l("Enter a number."),
    "invalid_date": _l("Enter a date (YYYY-MM-DD)."),
    "consent_required": _l("Please agree to the privacy policy to register."),
}


def error_text(code: str) -> str:
    return str(ERROR_MESSAGES.get(code, code))


class RegistrationError(DomainError):
    """Bad input or a refused operation in registration (a translated message and its field)."""


class DuplicateRegistration(RegistrationError):
    status = 409
    code = "duplicate"

    def __init__(self, fields: list[str]):
        self.fields = fields
        super().__init__(_("You have already registered for this summit with this phone number, email "
                           "or identity number. We can send your private link again."), fields[0] if fields else None)


class ShredError(RegistrationError):
    status = 409


# The unique constraints of registrations (models.py, migration 0001) and the form field each
# one guards. PostgreSQL names the constraint; SQLite names its columns, mapped below.
DUPLICATE_CONSTRAINTS = {
    "uq_registrations_summit_phone": "phone",
    "uq_registrations_summit_email": "email",
    "uq_registrations_summit_id_number": "id_number",
}
# SQLite: "UNIQUE constraint failed: registrations.summit_id, registrations.phone"
_SQLITE_COLUMNS = {
    ("registrations.summit_id", "registrations.phone"): "uq_registrations_summit_phone",
    ("registrations.summit_id", "registrations.email"): "uq_registrations_summit_email",
    ("registrations.summit_id", "registrations.id_type", "registrations.id_number"): "uq_registrations_summit_id_number",
}


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the unique constraint an INSERT or UPDATE broke, on either database."""
    diag = getattr(exc.orig, "diag", None)  # psycopg
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    found = re.match(r"UNIQUE constraint failed: (.+)", str(exc.orig))
    if found is None:
        return None
    return _SQLITE_COLUMNS.get(tuple(column.strip() for column in found.group(1).split(",")))


def duplicate_from(exc: IntegrityError) -> DuplicateRegistration:
    """The duplicate an IntegrityError means; any other integrity error is raised as it is
    (a bug to see, not a person to tell they registered twice)."""
    field = DUPLICATE_CONSTRAINTS.get(violated_constraint(exc) or "")
    if field is None:
        raise exc
    return DuplicateRegistration([field])
