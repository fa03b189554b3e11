"""Collect the dashboard's sections: every feature's dashboard.figures(summit), plus a small
core section from the foundation's registration table for as long as no feature covers it."""
from __future__ import annotations

import logging
import numbers

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import get_locale, gettext as _, pgettext
from sqlalchemy import func, select

from summit.core.models import Summit
from summit.extensions import db
from summit.registration.models import STATUSES, Category, Registration

log = logging.getLogger("summit.dashboard")

# A feature section with this key covers registrations; the core section then steps aside.
REGISTRATION_KEY = "registration"


def status_label(status: str) -> str:
    return {
        "pending": _("Pending"),
        "approved": _("Approved"),
        "rejected": _("Rejected"),
        "waitlisted": _("Waitlisted"),
        "cancelled": _("Cancelled"),
    }.get(status, status)


def core_section(summit: Summit) -> dict:
    """Registrations by category and status, straight from the registrations table."""
    locale = str(get_locale())
    categories = db.session.scalars(
        select(Category).where(Category.summit_id == summit.id).order_by(Category.position, Category.id)).all()
    counts: dict[tuple[int, str], int] = {}
    for category_id, status, count in db.session.execute(
            select(Registration.category_id, Registration.status, func.count())
            .where(Registration.summit_id == summit.id)
            .group_by(Registration.category_id, Registration.status)):
        counts[(category_id, status)] = count
    by_status = {s: sum(c for (_cat, st), c in counts.items() if st == s) for s in STATUSES}
    total = sum(by_status.values())
    rows = []
    for category in categories:
        row = [counts.get((category.id, s), 0) for s in STATUSES]
        rows.append([category.name(locale), *row, sum(row)])
    rows.append([_("Total"), *[by_status[s] for s in STATUSES], total])
    # Registrations received per day (Asia/Shanghai), added up: how the summit filled.
    shanghai = ZoneInfo("Asia/Shanghai")
    per_day: dict[dt.date, int] = {}
    for created in db.session.scalars(select(Registration.created_at).where(Registration.summit_id == summit.id)):
        day = created.replace(tzinfo=dt.timezone.utc).astimezone(shanghai).date()
        per_day[day] = per_day.get(day, 0) + 1
    running, over_time = 0, []
    for day in sorted(per_day):
        running += per_day[day]
        over_time.append([day.strftime("%m-%d"), running])
    return {
        "key": "core_registrations",
        "title": _("Registrations (core data)"),
        "stats": [
            {"label": pgettext("count", "Registrations"), "value": total},
            {"label": _("Approved"), "value": by_status["approved"]},
            {"label": _("Awaiting approval"), "value": by_status["pending"]},
            {"label": _("Waitlisted"), "value": by_status["waitlisted"]},
        ],
        "charts": [
            {"title": _("Registrations received (cumulative)"), "kind": "line", "points": over_time},
            {"title": _("Approved registrations by category"), "kind": "bar",
             "points": [[row[0], row[1 + STATUSES.index("approved")]] for row in rows[:-1]]},
        ],
        "tables": [
            {"title": _("Registrations by category and status"),
             "columns": [_("Category"), *[status_label(s) for s in STATUSES], _("Total")],
             "rows": rows},
        ],
    }


def _normalise(section: dict, feature: str) -> dict:
    """Fill in what a feature left out, so the page and the workbook never trip on it."""
    def scalar(value):
        if isinstance(value, (numbers.Number, str)) or value is None:
            return value
        return str(value)

    return {
        "key": str(section.get("key") or feature),
        "title": str(section.get("title") or feature),
        "feature": feature,
        "stats": [{"label": str(s.get("label", "")), "value": scalar(s.get("value"))}
                  for s in section.get("stats") or []],
        "charts": [{"title": str(c.get("title", "")), "kind": "line" if c.get("kind") == "line" else "bar",
                    "points": [[str(p[0]), p[1]] for p in c.get("points") or []]}
                   for c in section.get("charts") or []],
        "tables": [{"title": str(t.get("title", "")), "columns": [str(c) for c in t.get("columns") or []],
                    "rows": [[scalar(v) for v in row] for row in t.get("rows") or []]}
                   for t in section.get("tables") or []],
        "error": section.get("error", ""),
    }


def feature_figures():
    """(feature, figures function) of every feature with a dashboard module but this one."""
    from summit import feature_modules

    for feature, module in feature_modules("dashboard"):
        if feature == "dashboard":
            continue
        figures = getattr(module, "figures", None)
        if callable(figures):
            yield feature, figures


def collect(summit: Summit) -> list[dict]:
    """Every section, in FEATURES order. A feature whose figures fail shows a short notice
    instead; the rest of the dashboard still works."""
    sections: list[dict] = []
    for feature, figures in feature_figures():
        try:
            produced = list(figures(summit) or [])
            sections.extend(_normalise(section, feature) for section in produced)
        except Exception:
            log.exception("dashboard figures of %s failed", feature)
            db.session.rollback()
            sections.append(_normalise({"key": feature, "title": feature,
                                        "error": _("These figures could not be computed.")}, feature))
    if not any(section["key"] == REGISTRATION_KEY for section in sections):
        sections.insert(0, _normalise(core_section(summit), "dashboard"))
    return sections
