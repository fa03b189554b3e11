"""The programme feature's domain error."""
from __future__ import annotations

from summit.core.errors import DomainError


class ProgrammeError(DomainError):
    """Bad input in the programme, the roadshow, the needs or interest: a translated message, the
    form field it belongs to and the HTTP status, raised before anything is written."""

    code = "programme"
