"""The judges' pages: their rounds, the scoring page (works offline through the service worker
of core.views; its JSON below), and declaring a conflict of interest."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from summit.auth.permissions import role_required
from summit.core.database import db_int, json_id
from summit.core.errors import back_to
from summit.core.security import account_or_address, limited
from summit.extensions import db

from .. import judging, ledger, rounds
from ..errors import ContestError
from ..models import Entry, Round
from . import bp
from .lookups import field_names, locale, round_or_404


@bp.route("/contest/judge")
@role_required("judge")
def judge_home():
    mine_rounds = judging.judge_rounds(current_user)
    progress = {}
    for r in mine_rounds:
        mine = judging.judge_entries(r, current_user)
        state = ledger.score_state(r, current_user.id)
        progress[r.id] = (len(mine), sum(1 for e in mine if state.get((e.id, current_user.id), {}).get("locked")))
    return render_template("contest/judge/index.html", rounds=mine_rounds, progress=progress)


def _judge_round(round_id: int) -> Round:
    round_ = round_or_404(round_id)
    if current_user.id not in {j.id for j in rounds.panel(round_)}:
        abort(404)
    return round_


@bp.route("/contest/judge/rounds/<int:round_id>")
@role_required("judge")
def score_page(round_id: int):
    round_ = _judge_round(round_id)
    return render_template("contest/score.html", round_=round_)


@bp.route("/contest/judge/rounds/<int:round_id>/data.json")
@role_required("judge")
def score_data(round_id: int):
    """The judge's own entries and own scores only: never another judge's."""
    round_ = _judge_round(round_id)
    lang = locale()
    fields = field_names(round_.track.contest.summit)
    state = ledger.score_state(round_, current_user.id)
    entries = []
    for e in judging.judge_entries(round_, current_user):
        st = state.get((e.id, current_user.id), {})
        entries.append({"id": e.id, "name": e.project_name, "organisation": e.organisation,
                        "field": fields.get(e.field, e.field), "summary": e.summary,
                        "plan": url_for("contest.plan", entry_id=e.id) if e.plan_path else None,
                        "video": e.video_url, "values": st.get("values", {}), "comment": st.get("comment", ""),
                        "locked": bool(st.get("locked"))})
    return jsonify({"round": {"id": round_.id, "name": round_.name(lang), "kind": round_.kind,
                              "status": round_.status},
                    "criteria": [{"key": c["key"], "name": c["name_en"] if lang.startswith("en") else c["name_zh"],
                                  "description": c.get("description_en") if lang.startswith("en")
                                  else c.get("description_zh"), "max": c["max"], "weight": c.get("weight", 1)}
                                 for c in round_.rubric],
                    "entries": entries})


@bp.route("/contest/judge/scores", methods=["POST"])
@limited("scoring", key_func=account_or_address)
@role_required("judge")
def score_submit():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify({"error": _("The request could not be understood.")}), 400
    round_ = db.session.get(Round, json_id(payload.get("round")))
    if round_ is None:
        return jsonify({"error": _("Unknown round.")}), 404
    entry_id = json_id(payload.get("entry"))
    try:
        event, duplicate = ledger.record_score(round_, entry_id, current_user, payload.get("kind"),
                                               payload.get("values") or {}, payload.get("comment") or "",
                                               payload.get("client_id"))
    except ContestError as exc:
        # The scoring page's queue reads this JSON whatever it asked for (it keeps the upload
        # for a retry or shows the field's message), so this answer is JSON, not a page.
        return jsonify({"error": exc.message, "field": exc.field, "code": exc.code}), exc.status
    return jsonify({"ok": True, "duplicate": duplicate, "kind": event.kind, "id": event.id,
                    "locked": event.kind == "submit"}), (200 if duplicate else 201)


@bp.route("/contest/judge/rounds/<int:round_id>/conflict", methods=["POST"])
@limited("scoring", key_func=account_or_address)
@back_to("contest.score_page")
@role_required("judge")
def declare_conflict(round_id: int):
    round_ = _judge_round(round_id)
    entry = db.session.get(Entry, request.form.get("entry_id", type=db_int) or 0)
    if entry is None or entry.id not in {e.id for e in judging.judge_entries(round_, current_user)}:
        abort(404)
    judging.set_conflict(current_user, entry, "declared", request.form.get("note", ""))
    flash(_("Conflict of interest recorded: you will not score this entry."), "success")
    return redirect(url_for("contest.score_page", round_id=round_.id))

