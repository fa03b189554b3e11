"""The sessions' figures for the organizer's dashboard (contract: figures(summit) -> sections)."""
from __future__ import annotations

from flask_babel import get_locale, gettext as _

from summit.matchmaking import lookups


def figures(summit) -> list[dict]:
    locale = str(get_locale())
    sessions = lookups.sessions_of(summit)
    per = [(s, lookups.figures_for(s)) for s in sessions]
    total = {k: sum(f[k] for _s, f in per) for k in ("meetings", "held", "no_show", "walk_ins", "requests")}
    outcomes = {k: sum(f["outcomes"][k] for _s, f in per) for k in ("interest", "in_depth", "intent_to_sign")}
    marked = total["held"] + total["no_show"]
    labels = {"interest": _("Interested"), "in_depth": _("In-depth talks"), "intent_to_sign": _("Intent to sign")}
    return [{
        "key": "matchmaking",
        "title": _("Recruitment sessions"),
        "stats": [
            {"label": _("Sessions"), "value": len(sessions)},
            {"label": _("Requests"), "value": total["requests"]},
            {"label": _("Meetings"), "value": total["meetings"]},
            {"label": _("Held"), "value": total["held"]},
            {"label": _("No-show rate"), "value": f"{100 * total['no_show'] / marked:.0f}%" if marked else "—"},
            {"label": _("Walk-ins"), "value": total["walk_ins"]},
            {"label": _("Intent to sign"), "value": outcomes["intent_to_sign"]},
        ],
        "charts": [
            {"title": _("Meetings per session"), "kind": "bar",
             "points": [[s.host_org(locale), f["meetings"]] for s, f in per]},
            {"title": _("Outcomes of the meetings held"), "kind": "bar",
             "points": [[labels[k], v] for k, v in outcomes.items()]},
        ],
        "tables": [{
            "title": _("Per session"),
            "columns": [_("Session"), _("Requests"), _("Meetings"), _("Held"), _("No-show"), _("No-show rate"),
                        labels["interest"], labels["in_depth"], labels["intent_to_sign"]],
            "rows": [[s.title(locale), f["requests"], f["meetings"], f["held"], f["no_show"],
                      f"{100 * f['no_show_rate']:.0f}%", f["outcomes"]["interest"], f["outcomes"]["in_depth"],
                      f["outcomes"]["intent_to_sign"]] for s, f in per],
        }],
    }]
