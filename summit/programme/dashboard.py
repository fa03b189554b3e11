"""The roadshow's figures for the organizer's dashboard."""
from __future__ import annotations

from collections import Counter

from flask_babel import get_locale, gettext as _

from summit.core.models import Summit
from summit.programme import labels
from summit.programme.common import field_codes
from summit.programme.needs import counts as roadshow_counts, matches, needs_of
from summit.programme.results import results_of
from summit.programme.roadshow import interests_of


def figures(summit: Summit) -> list[dict]:
    locale = str(get_locale() or "zh_CN")
    found = matches(summit)
    counts = roadshow_counts(summit, found)
    tags = field_codes(summit)
    results = results_of(summit, "submitted")
    needs = needs_of(summit, "open")
    interests = interests_of(summit)
    by_field = Counter(code for r in results for code in r.fields)
    needs_by_field = Counter(code for n in needs for code in n.fields)
    per_result = Counter(i.result_id for i in interests)
    titles = {r.id: r for r in results}
    follow = Counter(i.follow_up for i in interests)
    return [{
        "key": "programme",
        "title": _("Results roadshow and technology needs"),
        "stats": [
            {"label": _("Results submitted"), "value": counts["results"]},
            {"label": _("Results on the roadshow"), "value": counts["results_on_stage"]},
            {"label": _("Open technology needs"), "value": counts["needs"]},
            {"label": _("Matches"), "value": counts["matches"]},
            {"label": _("Interests"), "value": counts["interests"]},
        ],
        "charts": [
            {"title": _("Results by field"), "kind": "bar",
             "points": [[tags[c].name(locale), by_field[c]] for c in tags if by_field[c]]},
            {"title": _("Technology needs by field"), "kind": "bar",
             "points": [[tags[c].name(locale), needs_by_field[c]] for c in tags if needs_by_field[c]]},
            {"title": _("Interests by follow-up"), "kind": "bar",
             "points": [[str(labels.FOLLOW_UP[s]), follow[s]] for s in labels.FOLLOW_UP]},
        ],
        "tables": [{
            "title": _("Results with the most interest"),
            "columns": [_("Result"), _("University or institute"), _("Interests")],
            "rows": [[titles[rid].title, titles[rid].institution, n]
                     for rid, n in sorted(per_result.items(), key=lambda kv: (-kv[1], kv[0]))[:10] if rid in titles],
        }],
    }]
