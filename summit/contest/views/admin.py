"""The organizers' contest pages: the overview, entries and their review, tracks, awards, the
audit trail and the scores export. Every POST is one action with its own route."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from summit.auth.models import User
from summit.auth.permissions import role_required
from summit.core.database import db_int
from summit.core.errors import back_to
from summit.core.downloads import attachment
from summit.core.models import AuditEvent, Summit
from summit.extensions import db

from .. import applications, awards, judging, ranking, records, rounds, tracks
from ..errors import ContestError
from ..forms import NoteForm, OverrideForm
from ..models import Conflict, Entry, Track
from . import bp
from .lookups import current_contest, entry_or_404, field_names, track_or_404


@bp.route("/contest/admin")
@role_required("organizer")
def admin():
    contest = current_contest(required=False)
    counts = {}
    if contest:
        for track in contest.tracks:
            rows = db.session.execute(select(Entry.status, func.count()).where(Entry.track_id == track.id)
                                      .group_by(Entry.status)).all()
            counts[track.id] = dict(rows)
    return render_template("contest/admin/overview.html", contest=contest, counts=counts)


@bp.route("/contest/admin/setup", methods=["POST"])
@role_required("organizer")
def admin_setup():
    """The contest of the current edition, with both tracks, their rounds and the usual rubric."""
    summit = Summit.current()
    if summit is None:
        abort(404)
    _contest, made = tracks.set_up_contest(summit)
    flash(_("The contest is set up with both tracks.") if made else _("The contest exists already."), "success")
    return redirect(url_for("contest.admin"))


@bp.route("/contest/admin/entries")
@role_required("organizer")
def admin_entries():
    contest = current_contest()
    stmt = select(Entry).join(Track).where(Track.contest_id == contest.id).order_by(Entry.id)
    if request.args.get("track"):
        stmt = stmt.where(Track.code == request.args["track"])
    if request.args.get("status"):
        stmt = stmt.where(Entry.status == request.args["status"])
    entries = applications.find_entries(db.session.scalars(stmt), request.args.get("q", ""),
                                        request.args.get("order", ""))
    return render_template("contest/admin/entries.html", contest=contest, entries=entries,
                           fields=field_names(contest.summit))


# ---------------------------------------------------------------- one entry

@bp.route("/contest/admin/entries/<int:entry_id>")
@role_required("organizer")
def admin_entry(entry_id: int):
    entry = entry_or_404(entry_id)
    judges = [j for j in db.session.scalars(select(User).order_by(User.id)) if j.has_role("judge")]
    conflicts = list(db.session.scalars(select(Conflict).where(Conflict.entry_id == entry.id)))
    auto = [j for j in judges if judging.recusal_reason(j, entry, {}) == "organisation"]
    history = list(db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "contest_entries",
                                                               AuditEvent.subject_id == entry.id)
                                      .order_by(AuditEvent.id)))
    reasons = [applications.reason_text(c, p) for c, p in entry.eligibility_reasons or []]
    return render_template("contest/admin/entry.html", entry=entry, override=OverrideForm(prefix="ov"),
                           note_form=NoteForm(prefix="n"), judges=judges, conflicts=conflicts, auto=auto,
                           history=history, reasons=reasons, users={u.id: u for u in judges},
                           fields=field_names(entry.track.contest.summit))


def _saved_entry(entry: Entry):
    flash(_("Saved."), "success")
    return redirect(url_for("contest.admin_entry", entry_id=entry.id))


@bp.route("/contest/admin/entries/<int:entry_id>/override", methods=["POST"])
@back_to("contest.admin_entry")
@role_required("organizer")
def admin_entry_override(entry_id: int):
    entry = entry_or_404(entry_id)
    form = OverrideForm(prefix="ov")
    if not form.validate_on_submit():
        raise ContestError(_("Please give the reason for the override."), "note")
    decision = {"eligible": True, "ineligible": False}.get(form.decision.data)
    applications.override_eligibility(entry, decision, form.note.data)
    return _saved_entry(entry)


@bp.route("/contest/admin/entries/<int:entry_id>/admit", methods=["POST"])
@back_to("contest.admin_entry")
@role_required("organizer")
def admin_entry_admit(entry_id: int):
    entry = entry_or_404(entry_id)
    applications.admit(entry, request.form.get("n-note", ""))
    return _saved_entry(entry)


@bp.route("/contest/admin/entries/<int:entry_id>/reject", methods=["POST"])
@back_to("contest.admin_entry")
@role_required("organizer")
def admin_entry_reject(entry_id: int):
    entry = entry_or_404(entry_id)
    applications.reject(entry, request.form.get("n-note", ""))
    return _saved_entry(entry)


@bp.route("/contest/admin/entries/<int:entry_id>/conflicts", methods=["POST"])
@back_to("contest.admin_entry")
@role_required("organizer")
def admin_entry_conflict(entry_id: int):
    entry = entry_or_404(entry_id)
    judge = db.session.get(User, request.form.get("judge_id", type=db_int) or 0)
    if judge is None:
        raise ContestError(_("Choose a judge."), "judge")
    judging.set_conflict(judge, entry, "organizer", request.form.get("n-note", ""))
    return _saved_entry(entry)


@bp.route("/contest/admin/entries/<int:entry_id>/conflicts/<int:conflict_id>/remove", methods=["POST"])
@back_to("contest.admin_entry")
@role_required("organizer")
def admin_entry_conflict_remove(entry_id: int, conflict_id: int):
    entry = entry_or_404(entry_id)
    row = db.session.get(Conflict, conflict_id)
    if row is None or row.entry_id != entry.id:
        abort(404)
    judging.remove_conflict(row, request.form.get("n-note", ""))
    return _saved_entry(entry)


# ---------------------------------------------------------------- tracks

@bp.route("/contest/admin/tracks/<int:track_id>")
@role_required("organizer")
def admin_track(track_id: int):
    return render_template("contest/admin/track.html", track=track_or_404(track_id))


def _parse_levels(form) -> list[dict]:
    levels = []
    for i in range(8):
        key = (form.get(f"level_key_{i}") or "").strip()
        if not key:
            continue
        count = (form.get(f"level_count_{i}") or "").strip()
        if count and (not count.isdigit() or int(count) < 1):
            raise ContestError(_("Award count must be a whole number, or empty for any number."), "levels")
        levels.append({"key": key[:40], "name_zh": (form.get(f"level_zh_{i}") or key).strip()[:100],
                       "name_en": (form.get(f"level_en_{i}") or key).strip()[:100],
                       "count": int(count) if count else None})
    return levels


@bp.route("/contest/admin/tracks/<int:track_id>/settings", methods=["POST"])
@back_to("contest.admin_track")
@role_required("organizer")
def admin_track_settings(track_id: int):
    track = track_or_404(track_id)
    rules = {"founded_within_years": request.form.get("founded_within_years", type=db_int),
             "no_prior_talent_award": bool(request.form.get("no_prior_talent_award")),
             "requires_company": bool(request.form.get("requires_company")),
             "max_team_size": request.form.get("max_team_size", type=db_int)}
    tracks.update_settings(track, rules, _parse_levels(request.form))
    flash(_("Saved."), "success")
    return redirect(url_for("contest.admin_track", track_id=track.id))


@bp.route("/contest/admin/tracks/<int:track_id>/rounds", methods=["POST"])
@back_to("contest.admin_track")
@role_required("organizer")
def admin_track_new_round(track_id: int):
    track = track_or_404(track_id)
    round_ = rounds.create_round(track, request.form.get("kind", "online"), request.form.get("name_zh", ""),
                                 request.form.get("name_en", ""))
    return redirect(url_for("contest.admin_round", round_id=round_.id))


# ---------------------------------------------------------------- awards

@bp.route("/contest/admin/tracks/<int:track_id>/awards")
@role_required("organizer")
def admin_awards(track_id: int):
    track = track_or_404(track_id)
    round_ = awards.award_round(track)
    current = {a.entry_id: a for a in awards.awards(track)}
    proposed = {p["entry"].id: p["level"] for p in awards.propose_awards(track)}
    return render_template("contest/admin/awards.html", track=track, round_=round_, proposed=proposed, current=current,
                           ranking=ranking.ranking(round_)["rows"] if round_ else [])


def _saved_awards(track: Track):
    flash(_("Saved."), "success")
    return redirect(url_for("contest.admin_awards", track_id=track.id))


def _decisions() -> dict[int, str]:
    return {int(key[6:]): value for key, value in request.form.items()
            if key.startswith("level_") and key[6:].isdigit() and len(key) < 20}


@bp.route("/contest/admin/tracks/<int:track_id>/awards/confirm", methods=["POST"])
@back_to("contest.admin_awards")
@role_required("organizer")
def admin_awards_confirm(track_id: int):
    """Two steps: the first post shows what would be confirmed (round, entries, places); the
    organizer's confirmation of that review, which names its round, saves it."""
    track = track_or_404(track_id)
    decisions = _decisions()
    if request.form.get("confirmed") != "1":
        return render_template("contest/admin/awards_review.html", track=track,
                               review=awards.review_awards(track, decisions), decisions=decisions)
    awards.confirm_awards(track, decisions, round_id=request.form.get("round_id", type=db_int),
                          earlier_round_ok=request.form.get("earlier_round_ok") == "1")
    return _saved_awards(track)


@bp.route("/contest/admin/tracks/<int:track_id>/results/publish", methods=["POST"])
@back_to("contest.admin_awards")
@role_required("organizer")
def admin_results_publish(track_id: int):
    """Two steps as well: what the public results page will show, then the confirmation."""
    track = track_or_404(track_id)
    if request.form.get("confirmed") != "1":
        return render_template("contest/admin/results_review.html", track=track, current=awards.awards(track),
                               round_=awards.award_round(track), last=awards.last_round(track))
    awards.publish_results(track, True)
    return _saved_awards(track)


@bp.route("/contest/admin/tracks/<int:track_id>/results/withdraw", methods=["POST"])
@back_to("contest.admin_awards")
@role_required("organizer")
def admin_results_withdraw(track_id: int):
    track = track_or_404(track_id)
    awards.publish_results(track, False)
    return _saved_awards(track)


# ---------------------------------------------------------------- records

@bp.route("/contest/admin/audit")
@role_required("organizer")
def admin_audit():
    events = records.audit_events(current_contest())
    users = {u.id: u for u in db.session.scalars(select(User))}
    return render_template("contest/admin/audit.html", events=events, users=users)


@bp.route("/contest/admin/scores.xlsx")
@role_required("organizer")
def admin_export():
    data = records.export_xlsx(current_contest())
    return attachment(data, "contest-scores.xlsx")
