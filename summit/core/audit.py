"""The audit trail: record() adds one AuditEvent to the caller's transaction; describe() puts
an event into words (the labels each feature registers, see features.AuditLabels)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _, lazy_gettext as _l

from summit.core.models import AuditEvent
from summit.extensions import db

# Who acted, when it was nobody's account (current_actor and the callers' actor_label).
ACTOR_LABELS = {
    "system": _l("System"),
    "anonymous": _l("Visitor (not logged in)"),
    "attendee link": _l("The attendee (private link)"),
    "attendee request": _l("The attendee (asked for a new link)"),
}


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


@dataclass
class Described:
    action: str
    actor: str
    changes: list[tuple[str, str | None, str]]  # (field label, before or None, after)


def _value_text(value: Any, codes: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(_value_text(v, codes) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value_text(v, codes)}" for k, v in value.items())
    return str(codes.get(value, value)) if isinstance(value, str) else str(value)


def actor_text(label: str | None) -> str:
    label = label or "system"
    if label.startswith("token:"):
        return _("API token %(name)s", name=label[len("token:"):])
    return str(ACTOR_LABELS.get(label, label))


def describe(event: AuditEvent) -> Described:
    """The event in the reader's language: its action, who did it, and each changed field."""
    from summit.core.features import AuditLabels, features

    labels = features().audit_labels.get(event.subject_type) or AuditLabels()
    before, after = event.before or {}, event.after or {}
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        codes = labels.values.get(key, {})
        changes.append((str(labels.fields.get(key, key)),
                        _value_text(before[key], codes) if key in before else None,
                        _value_text(after.get(key), codes) if key in after else "—"))
    return Described(str(labels.actions.get(event.action, event.action)), actor_text(event.actor_label), changes)
