"""The organizers' round page: settings, rubric, panel, assignments, unlocking scores and
advancing entries, one route per action."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from summit.auth.models import User
from summit.auth.permissions import role_required
from summit.core.database import db_ids, db_int
from summit.core.errors import back_to, form_error
from summit.extensions import db

from .. import judging, ledger, ranking, rounds, scoring
from ..errors import ContestError
from ..forms import AdvanceForm, RoundForm
from ..models import Assignment, Entry, Round
from . import bp
from summit.core import names

from .lookups import locale, round_or_404


def _round_page(round_: Round, form: RoundForm | None = None, advance: AdvanceForm | None = None,
                proposal: list | None = None, status: int = 200):
    entries = rounds.round_entries(round_)
    # Judges by surname strokes, as official lists are; ?order=pinyin for pinyin order.
    order = "pinyin" if request.args.get("order") == "pinyin" else "stroke"
    judges = names.sorted_by(rounds.panel(round_), order, lambda u: u.name)
    all_judges = names.sorted_by([u for u in db.session.scalars(select(User).order_by(User.id)) if u.has_role("judge")],
                                 order, lambda u: u.name)
    assigned = {}
    for a in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)):
        assigned.setdefault(a.entry_id, []).append(a.judge_id)
    state = ledger.score_state(round_)
    criteria = rounds.criteria(round_)
    totals = {key: scoring.total(criteria, st["values"]) for key, st in state.items() if st["locked"]}
    conflicts = judging.conflict_rows([e.id for e in entries])
    recused = {(j.id, e.id): judging.recusal_reason(j, e, conflicts) for j in judges for e in entries}
    return render_template("contest/admin/round.html", round_=round_, form=form or RoundForm(obj=round_, prefix="r"),
                           advance=advance or AdvanceForm(prefix="a"), proposal=proposal, entries=entries,
                           judges=judges, all_judges=all_judges, assigned=assigned, state=state, recused=recused,
                           totals=totals, ranking=ranking.ranking(round_), sources=rounds.rubric_sources(round_),
                           counts=ledger.counts_by_judge(round_), users={u.id: u for u in all_judges},
                           next_round=rounds.next_round(round_)), status


def _saved(round_: Round):
    flash(_("Saved."), "success")
    return redirect(url_for("contest.admin_round", round_id=round_.id))


@bp.route("/contest/admin/rounds/<int:round_id>")
@role_required("organizer")
def admin_round(round_id: int):
    return _round_page(round_or_404(round_id))


@bp.route("/contest/admin/rounds/<int:round_id>/settings", methods=["POST"])
@role_required("organizer")
def admin_round_settings(round_id: int):
    round_ = round_or_404(round_id)
    form = RoundForm(prefix="r")
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields."), "error")
        return _round_page(round_, form=form, status=422)
    try:
        rounds.update_round(round_, {k: getattr(form, k).data for k in (
            "name_zh", "name_en", "kind", "status", "method", "judges_per_entry", "pitch_seconds",
            "questions_seconds")})
    except ContestError as exc:
        form_error(form, exc)
        return _round_page(round_, form=form, status=exc.status)
    return _saved(round_)


def _parse_rubric(form) -> list[dict]:
    out = []
    for i in range(20):
        key = (form.get(f"key_{i}") or "").strip()
        name = (form.get(f"name_zh_{i}") or "").strip()
        if not key and not name:
            continue

        def num(name, default=None):
            raw = (form.get(f"{name}_{i}") or "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                return raw  # rubric.validate names the bad field
            return int(value) if value.is_integer() else value
        out.append({"key": key, "name_zh": name, "name_en": form.get(f"name_en_{i}", ""),
                    "description_zh": form.get(f"description_zh_{i}", ""),
                    "description_en": form.get(f"description_en_{i}", ""),
                    "max": num("max"), "weight": num("weight", 1)})
    return out


@bp.route("/contest/admin/rounds/<int:round_id>/rubric", methods=["POST"])
@back_to("contest.admin_round")
@role_required("organizer")
def admin_round_rubric(round_id: int):
    round_ = round_or_404(round_id)
    tiebreak = [k.strip() for k in (request.form.get("tiebreak") or "").split(",") if k.strip()]
    rounds.set_rubric(round_, _parse_rubric(request.form), tiebreak)
    return _saved(round_)


@bp.route("/contest/admin/rounds/<int:round_id>/rubric/copy", methods=["POST"])
@back_to("contest.admin_round")
@role_required("organizer")
def admin_round_copy_rubric(round_id: int):
    round_ = round_or_404(round_id)
    source = db.session.get(Round, request.form.get("source_id", type=db_int) or 0)
    if source is None:
        raise ContestError(_("Choose a round to copy from."), "source")
    rounds.copy_rubric(round_, source)
    return _saved(round_)


@bp.route("/contest/admin/rounds/<int:round_id>/panel", methods=["POST"])
@back_to("contest.admin_round")
@role_required("organizer")
def admin_round_panel(round_id: int):
    round_ = round_or_404(round_id)
    rounds.set_panel(round_, db_ids(request.form.getlist("judge_ids")))
    return _saved(round_)


@bp.route("/contest/admin/rounds/<int:round_id>/assign", methods=["POST"])
@back_to("contest.admin_round")
@role_required("organizer")
def admin_round_assign(round_id: int):
    round_ = round_or_404(round_id)
    judging.auto_assign(round_)
    return _saved(round_)


@bp.route("/contest/admin/rounds/<int:round_id>/assignments/add", methods=["POST"])
@back_to("contest.admin_round")
@role_required("organizer")
def admin_round_add_assignment(round_id: int):
    round_ = round_or_404(round_id)
    judge = db.session.get(User, request.form.get("judge_id", type=db_int) or 0)
    entry = db.session.get(Entry, request.form.get("entry_id", type=db_int) or 0)
    if judge is None or entry is None:
        raise ContestError(_("Choose a judge and an entry."))
    judging.add_assignment(round_, judge, entry)
    return _saved(round_)


@bp.route("/contest/admin/rounds/<int:round_id>/assignments/remove", methods=["POST"])
@back_to("contest.admin_round")
@role_required("organizer")
def admin_round_remove_assignment(round_id: int):
    round_ = round_or_404(round_id)
    judging.remove_assignment(round_, request.form.get("judge_id", type=db_int) or 0,
                              request.form.get("entry_id", type=db_int) or 0)
    return _saved(round_)


@bp.route("/contest/admin/rounds/<int:round_id>/unlock", methods=["POST"])
@back_to("contest.admin_round")
@role_required("organizer")
def admin_round_unlock(round_id: int):
    round_ = round_or_404(round_id)
    ledger.unlock(round_, request.form.get("entry_id", type=db_int) or 0,
                  request.form.get("judge_id", type=db_int) or 0, request.form.get("note", ""))
    return _saved(round_)


def _advance(round_id: int, confirm: bool):
    """The proposal of entries that advance (the page shows it to confirm), or the confirmation."""
    round_ = round_or_404(round_id)
    advance = AdvanceForm(prefix="a")
    if not advance.validate_on_submit():
        flash(_("Please correct the marked fields."), "error")
        return _round_page(round_, advance=advance, status=422)
    proposal = None
    try:
        proposal = ranking.advance_proposal(round_, advance.top_n.data, advance.threshold.data)
        if confirm:
            chosen = db_ids(request.form.getlist("entry_ids"))
            target = ranking.confirm_advance(round_, chosen, advance.top_n.data, advance.threshold.data)
            flash(_("%(n)s entries advance to %(round)s.", n=len(chosen), round=target.name(locale())), "success")
            return redirect(url_for("contest.admin_round", round_id=round_.id))
    except ContestError as exc:
        form_error(advance, exc)
        return _round_page(round_, advance=advance, proposal=proposal, status=exc.status)
    return _round_page(round_, advance=advance, proposal=proposal)


@bp.route("/contest/admin/rounds/<int:round_id>/advance/preview", methods=["POST"])
@role_required("organizer")
def admin_round_advance_preview(round_id: int):
    return _advance(round_id, confirm=False)


@bp.route("/contest/admin/rounds/<int:round_id>/advance", methods=["POST"])
@role_required("organizer")
def admin_round_advance(round_id: int):
    return _advance(round_id, confirm=True)
