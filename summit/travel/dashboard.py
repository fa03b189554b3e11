"""The invitations' figures for the organizer's dashboard: replies, and arrivals per day and place."""
from __future__ import annotations

from flask_babel import get_locale, gettext as _

from summit.core.models import Summit

from . import invitations


def figures(summit: Summit) -> list[dict]:
    counts = invitations.counts(summit)
    locale = str(get_locale() or "zh_CN")
    names = {p.id: p.name(locale) for p in invitations.places(active_only=False)}
    arriving = invitations.arrivals(summit)
    days = sorted({day for day, _place in arriving})
    per_day = [[day.isoformat(), sum(n for (d, _p), n in arriving.items() if d == day)] for day in days]
    return [{
        "key": "travel",
        "title": _("Invitations and arrivals"),
        "stats": [
            {"label": _("Invited"), "value": counts["invited"]},
            {"label": _("Accepted"), "value": counts["accepted"]},
            {"label": _("Declined"), "value": counts["declined"]},
            {"label": _("Not answered"), "value": counts["not_answered"]},
        ],
        "charts": [{"title": _("Arrivals per day"), "kind": "bar", "points": per_day}],
        "tables": [{
            "title": _("Arrivals per day and place"),
            "columns": [_("Date"), _("Airport or station"), _("People")],
            "rows": [[day.isoformat(), names.get(place, "?"), n] for (day, place), n in sorted(arriving.items())],
        }],
    }]
