"""The audit trail: record() adds one AuditEvent to the caller's transaction."""
from __future__ import annotations

import datetime as dt
from typing import Any

from summit.core.models import AuditEvent
from summit.extensions import db


# Values the trail never holds in full: identity document numbers, masked as every page shows them.
MASKED_KEYS = frozenset({"id_number"})


def mask(value: str) -> str:
    """All but the last four characters hidden: enough for a person to recognise their number."""
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


def _masked(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if not values:
        return values
    return {k: mask(v) if k in MASKED_KEYS and isinstance(v, str) else v for k, v in values.items()}


def current_actor() -> tuple[int | None, str]:
    """The logged-in account (or API token) for audit rows; ("system") outside a request."""
    from flask import has_request_context

    if not has_request_context():
        return None, "system"
    from flask import g
    from flask_login import current_user

    token = g.get("api_token")
    if token is not None:
        return None, f"token:{token.name or token.id}"
    if current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, "anonymous"


def record(subject, action: str, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, note: str = "", actor_label: str | None = None) -> AuditEvent:
    actor_id, label = current_actor()
    event = AuditEvent(
        actor_id=actor_id,
        actor_label=actor_label or label,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        action=action,
        before=_masked(before),
        after=_masked(after),
        note=note,
    )
    db.session.add(event)
    return event


def changes(obj, fields, new_values: dict[str, Any]) -> tuple[dict, dict]:
    """(before, after) for the fields whose value new_values changes."""
    before, after = {}, {}
    for name in fields:
        if name in new_values and getattr(obj, name) != new_values[name]:
            before[name] = getattr(obj, name)
            after[name] = new_values[name]
    return before, after


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Values as an audit row's JSON holds them: dates and datetimes in ISO form."""
    return {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in values.items()}
