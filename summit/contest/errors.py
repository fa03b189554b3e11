"""The contest's domain error. The pure modules (scoring, assignment, rubric) raise their own
plain errors with a code; the services translate them into a ContestError with a message."""
from __future__ import annotations

from summit.core.errors import DomainError


class ContestError(DomainError):
    """Bad input or a refused contest operation: a translated message, its form field, the HTTP
    status and a stable code (e.g. "locked" for a submitted score)."""
