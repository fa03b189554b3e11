"""The travel feature's domain error."""
from __future__ import annotations

from summit.core.errors import DomainError


class TravelError(DomainError):
    """Bad input or a refused step in invitations, replies or travel: a translated message, the
    form field it belongs to and the HTTP status, raised before anything is written."""

    code = "travel"
