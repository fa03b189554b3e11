"""Collect the dashboard's sections: the figures(summit) that each feature registers in its
init_feature (features.dashboard_sections)."""
from __future__ import annotations

import logging
import numbers

from flask_babel import gettext as _

from summit.core.features import features
from summit.core.models import Summit
from summit.extensions import db

log = logging.getLogger("summit.dashboard")


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


def collect(summit: Summit) -> list[dict]:
    """Every feature's sections, in FEATURES order. A feature whose figures fail shows a short
    notice instead; the rest of the dashboard still works."""
    sections: list[dict] = []
    for feature, figures in features().dashboard_sections:
        try:
            produced = list(figures(summit) or [])
            sections.extend(_normalise(section, feature) for section in produced)
        except Exception:
            log.exception("dashboard figures of %s failed", feature)
            db.session.rollback()
            sections.append(_normalise({"key": feature, "title": feature,
                                        "error": _("These figures could not be computed.")}, feature))
    return sections
