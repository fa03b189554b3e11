"""The contest's figures for the organizer's dashboard: entries per track and round, scores in,
missing scores per judge."""
from __future__ import annotations

from flask_babel import get_locale, gettext as _
from sqlalchemy import func, select

from summit.extensions import db

from .judging import judge_entries
from .ledger import score_state
from .models import Entry
from .rounds import panel, round_entries
from .tracks import contest_for


def figures(summit) -> list[dict]:
    contest = contest_for(summit)
    if contest is None:
        return []
    locale = str(get_locale() or "zh_CN")  # names in the reader's language (English names exist)
    stats, per_track, rows, missing = [], [], [], []
    total_entries = scores_in = scores_due = 0
    for track in contest.tracks:
        count = db.session.scalar(select(func.count()).select_from(Entry).where(Entry.track_id == track.id)) or 0
        total_entries += count
        per_track.append([track.name(locale), count])
        for round_ in track.rounds:
            entries = round_entries(round_)
            state = score_state(round_)
            done = sum(1 for s in state.values() if s["locked"])
            due = 0
            for judge in panel(round_):
                mine = judge_entries(round_, judge)
                submitted = sum(1 for e in mine if state.get((e.id, judge.id), {}).get("locked"))
                due += len(mine)
                if round_.status == "open" and len(mine) > submitted:
                    missing.append([f"{track.name(locale)} · {round_.name(locale)}", judge.name or judge.email,
                                    len(mine) - submitted])
            scores_in += done
            scores_due += due
            rows.append([track.name(locale), round_.name(locale), len(entries), done, due])
    stats = [
        {"label": _("Contest entries"), "value": total_entries},
        {"label": _("Scores submitted"), "value": scores_in},
        {"label": _("Scores still missing"), "value": max(scores_due - scores_in, 0)},
    ]
    return [{
        "key": "contest",
        "title": contest.name(locale),
        "stats": stats,
        "charts": [{"title": _("Entries per track"), "kind": "bar", "points": per_track}],
        "tables": [
            {"title": _("Rounds"), "columns": [_("Track"), _("Round"), _("Entries"), _("Scores in"), _("Scores due")],
             "rows": rows},
            {"title": _("Missing scores per judge"), "columns": [_("Round"), _("Judge"), _("Missing")],
             "rows": missing},
        ],
    }]
