"""Live check-in figures: for the check-in page and the organizer's dashboard."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from flask_babel import get_locale, gettext as _
from sqlalchemy import func, select

from summit.badges.models import Badge, CheckIn
from summit.extensions import db
from summit.registration.models import Category, Registration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _locale() -> str:
    try:
        return str(get_locale())
    except Exception:  # outside a request (CLI): Chinese
        return "zh_CN"


def counts(summit) -> dict:
    """Checked in / approved, by category, and check-ins per quarter hour (Asia/Shanghai)."""
    locale = _locale()
    approved = dict(db.session.execute(
        select(Registration.category_id, func.count()).where(
            Registration.summit_id == summit.id, Registration.status == "approved").group_by(Registration.category_id)).all())
    standing = (CheckIn.summit_id == summit.id) & (CheckIn.status == "ok") & CheckIn.undone_at.is_(None)
    checked = dict(db.session.execute(
        select(Registration.category_id, func.count()).join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(standing).group_by(Registration.category_id)).all())
    categories = db.session.scalars(select(Category).where(Category.summit_id == summit.id)
                                    .order_by(Category.position)).all()
    by_category = [{"code": c.code, "name": c.name(locale), "color": c.color,
                    "checked_in": checked.get(c.id, 0), "approved": approved.get(c.id, 0)} for c in categories]
    times = db.session.scalars(select(CheckIn.at).where(standing)).all()
    buckets: Counter = Counter()
    for at in times:
        local = at.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI)
        buckets[local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)] += 1
    timeline = [[t.strftime("%m-%d %H:%M"), n] for t, n in sorted(buckets.items())]
    scans = db.session.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.summit_id == summit.id))
    failed = db.session.scalar(select(func.count()).select_from(CheckIn).where(
        CheckIn.summit_id == summit.id, CheckIn.status.not_in(("ok", "already_checked_in"))))
    printed = db.session.scalar(select(func.count()).select_from(Badge).where(
        Badge.summit_id == summit.id, Badge.status == "active", Badge.printed_at.is_not(None)))
    return {"checked_in": sum(checked.values()), "approved": sum(approved.values()), "scans": scans,
            "failed_scans": failed, "badges_printed": printed, "by_category": by_category, "timeline": timeline}


def figures(summit) -> list[dict]:
    data = counts(summit)
    return [{
        "key": "checkin",
        "title": _("Badges and check-in"),
        "stats": [
            {"label": _("Checked in"), "value": data["checked_in"]},
            {"label": _("Approved"), "value": data["approved"]},
            {"label": _("Badges printed"), "value": data["badges_printed"]},
            {"label": _("Failed scans"), "value": data["failed_scans"]},
        ],
        "charts": [
            {"title": _("Checked in by category"), "kind": "bar",
             "points": [[c["name"], c["checked_in"]] for c in data["by_category"]]},
            {"title": _("Check-ins per quarter hour"), "kind": "line", "points": data["timeline"]},
        ],
        "tables": [{
            "title": _("Check-in by category"),
            "columns": [_("Category"), _("Checked in"), _("Approved")],
            "rows": [[c["name"], c["checked_in"], c["approved"]] for c in data["by_category"]],
        }],
    }]
