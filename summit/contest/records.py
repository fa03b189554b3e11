"""The contest's records for the organizers: its audit trail and the scores workbook."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from summit.auth.models import User
from summit.core import spreadsheet
from summit.extensions import db

from . import scoring
from .ledger import score_state
from .models import Contest, Entry, ScoreEvent
from .ranking import ranking
from .rounds import criteria, round_entries


# What the organizers read for the codes kept in the audit trail and on entries.
ACTION_LABELS = {
    "assignment.added": _l("Judge assigned"),
    "assignment.removed": _l("Assignment removed"),
    "award.confirmed": _l("Award confirmed"),
    "award.removed": _l("Award removed"),
    "certificate.issued": _l("Certificate issued"),
    "certificate.revoked": _l("Certificate revoked"),
    "conflict.removed": _l("Recusal lifted"),
    "conflict.set": _l("Recusal set"),
    "entry.admitted": _l("Entry admitted"),
    "entry.eligibility_override": _l("Eligibility overridden"),
    "entry.rejected": _l("Entry rejected"),
    "entry.submitted": _l("Entry submitted"),
    "entry.updated": _l("Entry updated"),
    "results.published": _l("Results published"),
    "results.withdrawn": _l("Results withdrawn"),
    "round.advanced": _l("Entries advanced to the next round"),
    "round.assigned": _l("Judges assigned automatically"),
    "round.created": _l("Round created"),
    "round.panel": _l("Panel changed"),
    "round.rubric": _l("Rubric changed"),
    "round.updated": _l("Round updated"),
    "score.submitted": _l("Score submitted"),
    "score.unlocked": _l("Score unlocked"),
    "track.settings": _l("Track settings changed"),
}
ACTOR_LABELS = {"system": _l("System")}
ENTRY_STATUS_LABELS = {"submitted": _l("Submitted"), "admitted": _l("Admitted"), "rejected": _l("Rejected"),
                       "withdrawn": _l("Withdrawn")}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def actor_label(label: str | None) -> str:
    return str(ACTOR_LABELS.get(label or "", label or ""))


def entry_status_label(status: str) -> str:
    return str(ENTRY_STATUS_LABELS.get(status, status))


def audit_events(contest: Contest, limit: int = 300):
    from summit.core.models import AuditEvent

    tables = ("contest_entries", "contest_rounds", "contest_score_events", "contest_awards", "contest_tracks",
              "contest_conflicts")
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type.in_(tables))
                                   .order_by(AuditEvent.id.desc()).limit(limit)))


def export_xlsx(contest: Contest) -> bytes:
    """Every round's scores (current values and the full ledger) and rankings, one workbook."""
    from openpyxl.styles import Font

    wb = spreadsheet.new_workbook()
    users = {u.id: u for u in db.session.scalars(select(User))}
    for track in contest.tracks:
        for round_ in track.rounds:
            title = f"{track.name_zh}-{round_.name_zh}"[:28]
            ws = spreadsheet.add_sheet(wb, title)
            keys = [c["key"] for c in round_.rubric]
            spreadsheet.append(ws, ["项目 Project", "评委 Judge"] + [c["name_zh"] for c in round_.rubric] +
                               ["合计 Total", "已提交 Submitted", "评语 Comment"])
            entries = {e.id: e for e in round_entries(round_)}
            for (eid, jid), st in sorted(score_state(round_).items()):
                entry = entries.get(eid) or db.session.get(Entry, eid)
                vals = [st["values"].get(k) for k in keys]
                full = all(v is not None for v in vals)
                spreadsheet.append(ws, [entry.project_name, users[jid].name or users[jid].email] + vals +
                                   [scoring.total(criteria(round_), st["values"]) if full else None,
                                    "是" if st["locked"] else "否", st["comment"]])
            rank_ws = spreadsheet.add_sheet(wb, f"{title[:24]}-排名")
            spreadsheet.append(rank_ws, ["名次 Rank", "项目 Project", "得分 Score", "评委数 Judges", "极差 Spread",
                                         "分歧 Disagree"])
            for r in ranking(round_)["rows"]:
                spreadsheet.append(rank_ws, [r["rank"], r["entry_obj"].project_name, round(r["score"], 4),
                                             r["judges"], r["spread"], "是" if r["disagree"] else ""])
            for sheet in (ws, rank_ws):
                for cell in sheet[1]:
                    cell.font = Font(bold=True)
    ledger = spreadsheet.add_sheet(wb, "评分记录 Ledger")
    spreadsheet.append(ledger, ["id", "时间 UTC", "轮次 Round", "项目 Project", "评委 Judge", "动作 Kind",
                                "分值 Values", "评语 Comment", "操作人 By", "说明 Note"])
    round_ids = [r.id for t in contest.tracks for r in t.rounds]
    if round_ids:
        for ev in db.session.scalars(select(ScoreEvent).where(ScoreEvent.round_id.in_(round_ids))
                                     .order_by(ScoreEvent.id)):
            entry = db.session.get(Entry, ev.entry_id)
            spreadsheet.append(ledger, [ev.id, ev.at, ev.round_id, entry.project_name, users[ev.judge_id].email,
                                        ev.kind, ", ".join(f"{k}={v}" for k, v in (ev.values or {}).items()),
                                        ev.comment, users[ev.actor_id].email if ev.actor_id in users else "",
                                        ev.note])
    return spreadsheet.xlsx_bytes(wb)
