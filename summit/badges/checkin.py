"""Check-in at the door (签到): one transactional decision per scan with a fixed set of
verdicts, undo, search for someone without a badge, and the registrations list's filter."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from summit.badges import tokens
from summit.badges.models import Badge, CheckIn
from summit.badges.services import BadgeError, active_badge
from summit.core.database import for_update, transaction
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.registration.models import Registration


def registration_json(registration: Registration | None, locale: str = "zh_CN") -> dict | None:
    if registration is None:
        return None
    category = registration.category
    return {"id": registration.id, "name": registration.name, "organisation": registration.organisation,
            "title": registration.title, "category": category.name(locale) if category else "",
            "category_code": category.code if category else "", "color": category.color if category else "",
            "status": registration.status}


def _standing_ok(registration_id: int) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(
        CheckIn.registration_id == registration_id, CheckIn.status == "ok", CheckIn.undone_at.is_(None)).limit(1))


def check_in(code: str, staff_id: int | None = None, api_token_id: int | None = None, device: str = "",
             registration_id: int | None = None, locale: str = "zh_CN", at: dt.datetime | None = None) -> dict:
    """Decide one scan (or a check-in found by search) and record it, whatever the verdict.

    The decision runs under the write lock (SQLite) or a row lock on the badge's registration
    (PostgreSQL), and a partial unique index keeps a single standing "ok": of concurrent scans
    of one code exactly one wins. `at` is when the scan was made, for a scan sent late by a
    device that was offline (see scans.scan_time); by default, now.
    """
    code = tokens.normalise(code) if registration_id is None else ""
    try:
        with transaction(lock=True):
            return _decide(code, staff_id, api_token_id, device, registration_id, locale, at)
    except IntegrityError:
        # Another scan of the same person won between our read and our write.
        return check_in(code, staff_id, api_token_id, device, registration_id, locale, at)


def _decide(code: str, staff_id, api_token_id, device: str, registration_id: int | None, locale: str,
            at: dt.datetime | None) -> dict:
    badge = None
    if registration_id is None:
        badge = db.session.scalar(select(Badge).where(Badge.code == code)) if code else None
        registration = None
        if badge is not None:
            registration = db.session.scalar(for_update(select(Registration).where(Registration.id == badge.registration_id)))
    else:
        registration = db.session.scalar(for_update(select(Registration).where(Registration.id == registration_id)))
        badge = active_badge(registration_id) if registration is not None else None
    previous = None
    if registration_id is None and badge is None:
        status = "unknown"
    elif registration is None:
        status = "unknown"
    elif badge is not None and badge.status == "revoked" and registration_id is None:
        status = "revoked"
    elif registration.status == "cancelled":
        status = "cancelled"
    elif registration.status != "approved":
        status = "not_approved"
    else:
        previous = _standing_ok(registration.id)
        status = "already_checked_in" if previous else "ok"
    summit_id = registration.summit_id if registration else (badge.summit_id if badge else None)
    if summit_id is None:  # an unknown code was still scanned at this summit's door
        current = Summit.current()
        summit_id = current.id if current else None
    row = CheckIn(summit_id=summit_id, code=code[:80], status=status, method="search" if registration_id else "scan",
                  badge_id=badge.id if badge else None, registration_id=registration.id if registration else None,
                  staff_id=staff_id, api_token_id=api_token_id, device=(device or "")[:200], at=at or utcnow())
    db.session.add(row)
    db.session.flush()
    # The answer is read before the commit, while everything is loaded: no reloads after.
    if status == "already_checked_in":
        checked_in_at = previous.at
    elif status == "ok":
        checked_in_at = row.at
    else:
        checked_in_at = None
    return {"status": status, "registration": registration_json(registration, locale),
            "checked_in_at": _iso(checked_in_at), "checkin_id": row.id}


def _iso(value: dt.datetime | None) -> str | None:
    return value.replace(tzinfo=dt.timezone.utc).isoformat() if value else None


def undo_checkin(checkin_id: int, actor_id: int | None) -> CheckIn:
    """Take back a mistaken check-in; the scan stays in the record, marked undone."""
    with transaction(lock=True):
        row = db.session.scalar(for_update(select(CheckIn).where(CheckIn.id == checkin_id)))
        # 409 for both, as the door's app has always been told: this scan cannot be undone.
        if row is None:
            raise BadgeError(_("No such check-in."), status=409, code="unknown")
        if row.status != "ok" or row.undone_at is not None:
            raise BadgeError(_("Only a standing check-in can be undone."), status=409, code="not_standing")
        row.undone_at = utcnow()
        row.undone_by_id = actor_id
    return row


def search(summit: Summit, query: str, limit: int = 20) -> list[dict]:
    """Approved and other registrations by name or phone, for someone without a badge."""
    from summit.core.normalise import code as fold_code
    from summit.registration.listing import name_conditions

    query = (query or "").strip()
    if len(query) < 1:
        return []
    digits = re.sub(r"[^0-9]", "", fold_code(query))  # a phone typed full-width too
    # The query is text, not a pattern: % and _ match themselves.
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # By characters, pinyin, initials or traditional characters (the stored search key).
    conditions = [Registration.name.ilike(f"%{escaped}%", escape="\\"), *name_conditions(query)]
    if len(digits) >= 4:
        conditions.append(Registration.phone.like(f"%{digits}%"))
    rows = db.session.scalars(select(Registration).where(Registration.summit_id == summit.id, or_(*conditions))
                              .order_by(Registration.name_sort_pinyin, Registration.id).limit(limit)).all()
    ok_ids = set(db.session.scalars(select(CheckIn.registration_id).where(
        CheckIn.registration_id.in_([r.id for r in rows]), CheckIn.status == "ok", CheckIn.undone_at.is_(None))))
    result = []
    for r in rows:
        data = registration_json(r)
        data["phone_tail"] = r.phone[-4:]
        data["checked_in"] = r.id in ok_ids
        result.append(data)
    return result


def checked_in_ids(summit: Summit):
    """The registrations list's "checked in" filter: ids with a standing "ok" scan."""
    return select(CheckIn.registration_id).where(
        CheckIn.summit_id == summit.id, CheckIn.status == "ok", CheckIn.undone_at.is_(None))
