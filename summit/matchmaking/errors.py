"""The matchmaking feature's domain error."""
from __future__ import annotations

from summit.core.errors import DomainError


class MatchmakingError(DomainError):
    """Bad input or a lost race in the recruitment sessions; `field` names the form field the
    message belongs beside."""

    code = "matchmaking"
