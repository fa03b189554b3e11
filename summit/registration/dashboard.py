"""The registration section of the organizer's dashboard."""
from __future__ import annotations

import datetime as dt

from flask_babel import get_locale, gettext as _, pgettext
from sqlalchemy import func, select

from summit.extensions import db
from summit.registration.choices import STATUS_LABELS
from summit.registration.models import Category, Registration


def figures(summit) -> list[dict]:
    locale = str(get_locale() or "zh_CN")
    regs = Registration.__table__.c
    status_counts = dict(db.session.execute(select(regs.status, func.count()).where(regs.summit_id == summit.id)
                                            .group_by(regs.status)).all())
    total = sum(status_counts.values())
    active = status_counts.get("pending", 0) + status_counts.get("approved", 0)

    cats = db.session.scalars(select(Category).where(Category.summit_id == summit.id)
                              .order_by(Category.position, Category.id)).all()
    by_cat = dict(db.session.execute(select(regs.category_id, func.count()).where(
        regs.summit_id == summit.id, regs.status.in_(("pending", "approved"))).group_by(regs.category_id)).all())

    # Registrations per day (in Asia/Shanghai, UTC+8 all year).
    created = db.session.scalars(select(regs.created_at).where(regs.summit_id == summit.id)).all()
    per_day: dict[dt.date, int] = {}
    for at in created:
        day = (at + dt.timedelta(hours=8)).date()
        per_day[day] = per_day.get(day, 0) + 1
    running, over_time = 0, []
    for day in sorted(per_day):
        running += per_day[day]
        over_time.append([day.isoformat(), running])

    talent = next((c for c in cats if c.code == "talent"), None)
    talents = []
    if talent is not None:
        talents = db.session.execute(select(regs.birth_year, regs.overseas).where(
            regs.category_id == talent.id, regs.status.in_(("pending", "approved")))).all()
    with_age = [by for by, _o in talents if by]
    under_40 = sum(1 for by in with_age if summit.year - by < 40)
    overseas = sum(1 for _by, o in talents if o)

    queue = db.session.execute(select(regs.id, regs.name, regs.organisation, regs.category_id, regs.created_at)
                               .where(regs.summit_id == summit.id, regs.status == "pending")
                               .order_by(regs.created_at).limit(10)).all()
    cat_names = {c.id: c.name(locale) for c in cats}
    return [{
        "key": "registration",
        "title": _("Registration"),
        "stats": [
            {"label": pgettext("count", "Registrations"), "value": total},
            {"label": _("Coming (approved or awaiting approval)"), "value": active},
            {"label": _("Awaiting approval"), "value": status_counts.get("pending", 0)},
            {"label": _("On the waitlist"), "value": status_counts.get("waitlisted", 0)},
            {"label": _("High-level talents under 40"), "value": f"{round(100 * under_40 / len(with_age))}%" if with_age else "—"},
            {"label": _("High-level talents with overseas experience"), "value": f"{round(100 * overseas / len(talents))}%" if talents else "—"},
        ],
        "charts": [
            {"title": _("Registrations over time"), "kind": "line", "points": over_time},
            {"title": _("Coming, by category"), "kind": "bar",
             "points": [[c.name(locale), by_cat.get(c.id, 0)] for c in cats]},
            {"title": _("By status"), "kind": "bar",
             "points": [[str(label), status_counts.get(code, 0)] for code, label in STATUS_LABELS.items()]},
        ],
        "tables": [{
            "title": _("Approval queue (oldest first)"),
            "columns": [_("ID"), _("Name"), _("Organisation"), _("Category"), _("Registered")],
            "rows": [[r.id, r.name, r.organisation, cat_names.get(r.category_id, ""),
                      (r.created_at + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")] for r in queue],
        }],
    }]
