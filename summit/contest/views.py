from __future__ import annotations

from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from summit.auth.models import User
from summit.auth.permissions import role_required
from summit.core.database import db_ids, db_int, json_id
from summit.core.models import AuditEvent, Summit
from summit.core.nav import NavItem
from summit.extensions import db
from summit.registration.models import FieldTag

from . import scoring, services, stage
from .forms import AdvanceForm, ApplicationForm, NoteForm, OverrideForm, RoundForm
from .models import Certificate, Conflict, Entry, Round, Track
from .services import ContestError

bp = Blueprint("contest", __name__)
NAV = [
    NavItem("contest.index", _l("Contest")),
    NavItem("contest.admin", _l("Contest admin"), ("organizer",)),
    NavItem("contest.judge_home", _l("Scoring"), ("judge",)),
]
HOME_LINKS = [NavItem("contest.index", _l("Apply to the contest"))]


def _locale() -> str:
    return str(get_locale())


def _contest(required: bool = True):
    contest = services.contest_for(Summit.current())
    if contest is None and required:
        abort(404)
    return contest


def _track(track_id: int) -> Track:
    track = db.session.get(Track, track_id)
    if track is None or track.contest_id != _contest().id:
        abort(404)
    return track


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    _track(round_.track_id)
    return round_


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        abort(404)
    _track(entry.track_id)
    return entry


def _field_choices(summit):
    tags = db.session.scalars(select(FieldTag).where(FieldTag.summit_id == summit.id).order_by(FieldTag.position))
    return [(t.code, t.name(_locale())) for t in tags] + [("other", _("Other"))]


def field_names(summit) -> dict:
    return dict(_field_choices(summit))


# ---------------------------------------------------------------- public pages

@bp.route("/contest/")
def index():
    contest = _contest(required=False)
    return render_template("contest/index.html", contest=contest)


def _application_form(contest, entry=None) -> ApplicationForm:
    form = ApplicationForm(obj=entry)
    form.track.choices = [(t.code, t.name(_locale())) for t in contest.tracks]
    form.field.choices = _field_choices(contest.summit)
    return form


def _plan_upload(form):
    upload = form.business_plan.data
    if upload is None or not getattr(upload, "filename", ""):
        return None, ""
    return upload.read(services.plan_max_bytes() + 1), upload.filename


@bp.route("/contest/apply", methods=["GET", "POST"])
def apply():
    contest = _contest()
    form = _application_form(contest)
    if request.method == "GET" and request.args.get("track"):
        form.track.data = request.args["track"]
    status = 200
    if form.validate_on_submit():
        track = services.track_by_code(contest, form.track.data)
        try:
            plan, filename = _plan_upload(form)
            entry, token = services.submit_application(track, form.data_for_service(), plan, filename,
                                                       language=_locale())
        except ContestError as exc:
            getattr(form, exc.field or "business_plan").errors.append(exc.message)
            status = exc.status if exc.status != 413 else 413
        else:
            link = url_for("contest.team", token=token, _external=True)
            return render_template("contest/applied.html", entry=entry, link=link), 201
    elif request.method == "POST":
        status = 422
    return render_template("contest/apply.html", form=form, contest=contest, entry=None), status


@bp.route("/contest/team/<token>", methods=["GET", "POST"])
def team(token: str):
    entry = services.entry_by_token(token)
    if entry is None:
        abort(404)
    contest = entry.track.contest
    form = _application_form(contest, entry)
    form.track.data = entry.track.code
    status = 200
    if request.method == "POST":
        form.track.data = entry.track.code  # the track is fixed once applied
        if form.validate_on_submit():
            try:
                plan, filename = _plan_upload(form)
                services.update_application(entry, form.data_for_service(), plan, filename)
            except ContestError as exc:
                db.session.rollback()
                if exc.field and hasattr(form, exc.field):
                    getattr(form, exc.field).errors.append(exc.message)
                else:
                    flash(exc.message, "error")
                status = exc.status
            else:
                flash(_("Your application is saved."), "success")
                return redirect(url_for("contest.team", token=token))
        else:
            status = 422
    reasons = [services.reason_text(c, p) for c, p in entry.eligibility_reasons or []]
    return render_template("contest/apply.html", form=form, contest=contest, entry=entry, reasons=reasons,
                           editable=services._applications_open(contest)), status


@bp.route("/contest/results/<code>")
def results(code: str):
    contest = _contest()
    track = services.track_by_code(contest, code)
    if track is None or track.results_published_at is None:
        abort(404)
    return render_template("contest/results.html", track=track, awards=services.awards(track),
                           levels={lv["key"]: lv for lv in track.award_levels or []})


@bp.route("/verify/<code>")
def verify(code: str):
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code)) if len(code) <= 64 else None
    if cert is None:
        return render_template("contest/verify.html", cert=None), 404
    return render_template("contest/verify.html", cert=cert)


@bp.route("/contest/plan/<int:entry_id>")
@role_required("judge")
def plan(entry_id: int):
    entry = _entry(entry_id)
    if not current_user.has_role("organizer"):
        rounds = services.judge_rounds(current_user)
        if not any(entry.id in {e.id for e in services.judge_entries(r, current_user)} for r in rounds):
            abort(404)
    path = services.plan_file(entry)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=entry.plan_filename or "plan.pdf")


# ---------------------------------------------------------------- organizer

@bp.route("/contest/admin")
@role_required("organizer")
def admin():
    contest = _contest(required=False)
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
    from .demo import _ensure_contest

    summit = Summit.current()
    if summit is None:
        abort(404)
    _contest_obj, made = _ensure_contest(summit, deadline=None)
    flash(_("The contest is set up with both tracks.") if made else _("The contest exists already."), "success")
    return redirect(url_for("contest.admin"))


@bp.route("/contest/admin/entries")
@role_required("organizer")
def admin_entries():
    contest = _contest()
    stmt = select(Entry).join(Track).where(Track.contest_id == contest.id).order_by(Entry.id)
    if request.args.get("track"):
        stmt = stmt.where(Track.code == request.args["track"])
    if request.args.get("status"):
        stmt = stmt.where(Entry.status == request.args["status"])
    return render_template("contest/admin/entries.html", contest=contest, entries=list(db.session.scalars(stmt)),
                           fields=field_names(contest.summit))


@bp.route("/contest/admin/entries/<int:entry_id>", methods=["GET", "POST"])
@role_required("organizer")
def admin_entry(entry_id: int):
    entry = _entry(entry_id)
    override, note_form = OverrideForm(prefix="ov"), NoteForm(prefix="n")
    status = 200
    action = request.form.get("action")
    if request.method == "POST":
        try:
            if action == "override":
                if not override.validate_on_submit():
                    raise ContestError(_("Please give the reason for the override."), "note")
                decision = {"eligible": True, "ineligible": False}.get(override.decision.data)
                services.override_eligibility(entry, decision, override.note.data)
            elif action == "admit":
                services.admit(entry, request.form.get("n-note", ""))
            elif action == "reject":
                services.reject(entry, request.form.get("n-note", ""))
            elif action == "conflict":
                judge = db.session.get(User, request.form.get("judge_id", type=db_int) or 0)
                if judge is None:
                    raise ContestError(_("Choose a judge."), "judge")
                services.set_conflict(judge, entry, "organizer", request.form.get("n-note", ""))
            elif action == "remove_conflict":
                row = db.session.get(Conflict, request.form.get("conflict_id", type=db_int) or 0)
                if row is None or row.entry_id != entry.id:
                    abort(404)
                services.remove_conflict(row, request.form.get("n-note", ""))
            else:
                abort(400)
        except ContestError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = exc.status
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("contest.admin_entry", entry_id=entry.id))
    judges = list(db.session.scalars(select(User).order_by(User.id)))
    judges = [j for j in judges if j.has_role("judge")]
    conflicts = list(db.session.scalars(select(Conflict).where(Conflict.entry_id == entry.id)))
    auto = [j for j in judges if services.recusal_reason(j, entry, {}) == "organisation"]
    history = list(db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "contest_entries",
                                                               AuditEvent.subject_id == entry.id)
                                      .order_by(AuditEvent.id)))
    reasons = [services.reason_text(c, p) for c, p in entry.eligibility_reasons or []]
    return render_template("contest/admin/entry.html", entry=entry, override=override, note_form=note_form,
                           judges=judges, conflicts=conflicts, auto=auto, history=history, reasons=reasons,
                           users={u.id: u for u in judges}, fields=field_names(entry.track.contest.summit)), status


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
    if len({lv["key"] for lv in levels}) != len(levels):
        raise ContestError(_("Each award level needs its own key."), "levels")
    return levels


@bp.route("/contest/admin/tracks/<int:track_id>", methods=["GET", "POST"])
@role_required("organizer")
def admin_track(track_id: int):
    from summit.core import audit

    from . import eligibility

    track = _track(track_id)
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "settings":
                rules = {"founded_within_years": request.form.get("founded_within_years", type=db_int),
                         "no_prior_talent_award": bool(request.form.get("no_prior_talent_award")),
                         "requires_company": bool(request.form.get("requires_company")),
                         "max_team_size": request.form.get("max_team_size", type=db_int)}
                try:
                    rules = eligibility.validate_rules(rules)
                except ValueError:
                    raise ContestError(_("The eligibility rules are not valid: numbers must be whole and positive."),
                                       "rules")
                levels = _parse_levels(request.form)
                audit.record(track, "track.settings", {"rules": track.eligibility_rules, "levels": track.award_levels},
                             {"rules": rules, "levels": levels})
                track.eligibility_rules, track.award_levels = rules, levels
                db.session.commit()
            elif action == "new_round":
                position = len(track.rounds)
                r = Round(track_id=track.id, position=position, kind=request.form.get("kind", "online"),
                          name_zh=(request.form.get("name_zh") or "").strip()[:100] or f"第{position + 1}轮",
                          name_en=(request.form.get("name_en") or "").strip()[:100] or f"Round {position + 1}")
                if r.kind not in ("online", "roadshow"):
                    raise ContestError(_("Choose a kind."), "kind")
                db.session.add(r)
                db.session.flush()
                audit.record(r, "round.created", None, {"name": r.name_zh, "kind": r.kind})
                db.session.commit()
                return redirect(url_for("contest.admin_round", round_id=r.id))
            else:
                abort(400)
        except ContestError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = exc.status
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("contest.admin_track", track_id=track.id))
    return render_template("contest/admin/track.html", track=track), status


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


@bp.route("/contest/admin/rounds/<int:round_id>", methods=["GET", "POST"])
@role_required("organizer")
def admin_round(round_id: int):
    round_ = _round(round_id)
    form = RoundForm(obj=round_, prefix="r")
    advance = AdvanceForm(prefix="a")
    status, proposal = 200, None
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "settings":
                if not form.validate_on_submit():
                    raise ContestError(_("Please correct the marked fields."))
                services.update_round(round_, {k: getattr(form, k).data for k in (
                    "name_zh", "name_en", "kind", "status", "method", "judges_per_entry", "pitch_seconds",
                    "questions_seconds")})
            elif action == "rubric":
                tiebreak = [k.strip() for k in (request.form.get("tiebreak") or "").split(",") if k.strip()]
                services.set_rubric(round_, _parse_rubric(request.form), tiebreak)
            elif action == "copy_rubric":
                source = db.session.get(Round, request.form.get("source_id", type=db_int) or 0)
                if source is None:
                    raise ContestError(_("Choose a round to copy from."), "source")
                services.copy_rubric(round_, source)
            elif action == "panel":
                services.set_panel(round_, db_ids(request.form.getlist("judge_ids")))
            elif action == "assign":
                services.auto_assign(round_)
            elif action == "add_assignment":
                judge = db.session.get(User, request.form.get("judge_id", type=db_int) or 0)
                entry = db.session.get(Entry, request.form.get("entry_id", type=db_int) or 0)
                if judge is None or entry is None:
                    raise ContestError(_("Choose a judge and an entry."))
                services.add_assignment(round_, judge, entry)
            elif action == "remove_assignment":
                services.remove_assignment(round_, request.form.get("judge_id", type=db_int) or 0,
                                           request.form.get("entry_id", type=db_int) or 0)
            elif action == "unlock":
                services.unlock(round_, request.form.get("entry_id", type=db_int) or 0,
                                request.form.get("judge_id", type=db_int) or 0, request.form.get("note", ""))
            elif action in ("advance_preview", "advance_confirm"):
                if not advance.validate_on_submit():
                    raise ContestError(_("Please correct the marked fields."))
                proposal = services.advance_proposal(round_, advance.top_n.data, advance.threshold.data)
                if action == "advance_confirm":
                    chosen = db_ids(request.form.getlist("entry_ids"))
                    target = services.confirm_advance(round_, chosen, advance.top_n.data, advance.threshold.data)
                    flash(_("%(n)s entries advance to %(round)s.", n=len(chosen), round=target.name(_locale())),
                          "success")
                    return redirect(url_for("contest.admin_round", round_id=round_.id))
            else:
                abort(400)
        except ContestError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = exc.status
        else:
            if proposal is None:
                flash(_("Saved."), "success")
                return redirect(url_for("contest.admin_round", round_id=round_.id))
    entries = services.round_entries(round_)
    judges = services.panel(round_)
    all_judges = [u for u in db.session.scalars(select(User).order_by(User.id)) if u.has_role("judge")]
    from .models import Assignment

    assigned = {}
    for a in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)):
        assigned.setdefault(a.entry_id, []).append(a.judge_id)
    state = services.score_state(round_)
    criteria = services._criteria(round_)
    totals = {key: scoring.total(criteria, st["values"]) for key, st in state.items() if st["locked"]}
    conflicts = services.conflict_rows([e.id for e in entries])
    recused = {(j.id, e.id): services.recusal_reason(j, e, conflicts) for j in judges for e in entries}
    return render_template("contest/admin/round.html", round_=round_, form=form, advance=advance, proposal=proposal,
                           entries=entries, judges=judges, all_judges=all_judges, assigned=assigned, state=state,
                           recused=recused, totals=totals, ranking=services.ranking(round_), sources=services.rubric_sources(round_),
                           counts=services.counts_by_judge(round_), users={u.id: u for u in all_judges},
                           next_round=services.next_round(round_)), status


@bp.route("/contest/admin/tracks/<int:track_id>/awards", methods=["GET", "POST"])
@role_required("organizer")
def admin_awards(track_id: int):
    track = _track(track_id)
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "confirm":
                decisions = {}
                for key, value in request.form.items():
                    if key.startswith("level_") and key[6:].isdigit():
                        decisions[int(key[6:])] = value
                services.confirm_awards(track, decisions)
            elif action in ("publish", "unpublish"):
                services.publish_results(track, action == "publish")
            else:
                abort(400)
        except ContestError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = exc.status
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("contest.admin_awards", track_id=track.id))
    round_ = services.award_round(track)
    current = {a.entry_id: a for a in services.awards(track)}
    proposed = {p["entry"].id: p["level"] for p in services.propose_awards(track)}
    return render_template("contest/admin/awards.html", track=track, round_=round_, proposed=proposed, current=current,
                           ranking=services.ranking(round_)["rows"] if round_ else []), status


@bp.route("/contest/admin/audit")
@role_required("organizer")
def admin_audit():
    contest = _contest()
    events = services.audit_events(contest)
    users = {u.id: u for u in db.session.scalars(select(User))}
    return render_template("contest/admin/audit.html", events=events, users=users)


@bp.route("/contest/admin/scores.xlsx")
@role_required("organizer")
def admin_export():
    contest = _contest()
    data = services.export_xlsx(contest)
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=contest-scores.xlsx"})


# ---------------------------------------------------------------- certificates

CERT_KIND_LABELS = {
    "award": _l("Award (team)"),
    "member_award": _l("Award (team member)"),
    "participation": _l("Participation"),
    "judge": _l("Judge appointment"),
}


def _certificate(cert_id: int) -> Certificate:
    contest = _contest()
    cert = db.session.get(Certificate, cert_id)
    if cert is None or cert.summit_id != contest.summit_id:
        abort(404)
    return cert


def _certificate_filters() -> tuple[str, str]:
    kind = request.values.get("kind", "")
    track = request.values.get("track", "")
    return (kind if kind in services.CERT_KINDS else ""), (track if track in ("startup", "growth") else "")


def _certificates_page(status: int = 200):
    contest = _contest()
    kind, track = _certificate_filters()
    certs = services.certificate_list(contest.summit, kind or None, track or None)
    entries = {e.id: e for e in db.session.scalars(select(Entry).where(
        Entry.id.in_({c.entry_id for c in certs if c.entry_id})))} if certs else {}
    confirmed = {t.id: sum(1 for a in services.awards(t) if a.confirmed_at) for t in contest.tracks}
    return render_template("contest/admin/certificates.html", contest=contest, certs=certs, entries=entries,
                           kind=kind, track=track, kinds=CERT_KIND_LABELS, confirmed=confirmed,
                           judges=len(services.summit_judges(contest.summit)),
                           valid=sum(1 for c in certs if c.revoked_at is None)), status


@bp.route("/contest/admin/certificates")
@role_required("organizer")
def admin_certificates():
    return _certificates_page()


@bp.route("/contest/admin/certificates/issue", methods=["POST"])
@role_required("organizer")
def admin_certificates_issue():
    contest = _contest()
    action = request.form.get("action", "")
    try:
        if action == "award":
            track = services.track_by_code(contest, request.form.get("track", ""))
            if track is None:
                raise ContestError(_("Unknown track."), "track", 400)
            counts = services.issue_award_certificates(track)
        elif action == "participation":
            counts = services.issue_participation_certificates(contest)
        elif action == "judge":
            counts = services.issue_judge_certificates(contest.summit)
        else:
            raise ContestError(_("Unknown certificate kind."), "kind", 400)
    except ContestError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _certificates_page(exc.status)
    message = _("%(issued)s certificates issued, %(kept)s already issued.", issued=counts["issued"],
                kept=counts["kept"])
    if counts.get("replaced"):
        message += " " + _("%(n)s certificates of changed awards were revoked and issued anew.", n=counts["replaced"])
    flash(message, "success")
    return redirect(url_for("contest.admin_certificates"), 303)


@bp.route("/contest/admin/certificates/<int:cert_id>/certificate.pdf")
@role_required("organizer")
def admin_certificate_pdf(cert_id: int):
    cert = _certificate(cert_id)
    if cert.revoked_at is not None:
        abort(410)
    response = current_app.response_class(services.certificate_pdf(cert), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{cert.serial}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/contest/admin/certificates/<int:cert_id>/revoke", methods=["POST"])
@role_required("organizer")
def admin_certificate_revoke(cert_id: int):
    cert = _certificate(cert_id)
    try:
        services.revoke_certificate(cert, request.form.get("note", ""))
    except ContestError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _certificates_page(exc.status)
    flash(_("Certificate %(serial)s is revoked: its QR code now shows it as revoked.", serial=cert.serial), "success")
    return redirect(url_for("contest.admin_certificates"), 303)


@bp.route("/contest/admin/certificates/batch", methods=["POST"])
@role_required("organizer")
def admin_certificates_batch():
    contest = _contest()
    kind, track = _certificate_filters()
    try:
        job = services.start_certificate_batch(contest.summit, kind or None, track or None, current_user.id)
    except ContestError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _certificates_page(exc.status)
    return redirect(url_for("contest.admin_certificate_batch", job_id=job.id), 303)


def _certificate_job(job_id: int):
    from summit.core.models import Job

    contest = _contest()
    job = db.session.get(Job, job_id)
    if job is None or job.kind != "certificates" or job.params.get("summit_id") != contest.summit_id:
        abort(404)
    return job


@bp.route("/contest/admin/certificates/batches/<int:job_id>")
@role_required("organizer")
def admin_certificate_batch(job_id: int):
    job = _certificate_job(job_id)
    return render_template("contest/admin/certificate_batch.html", job=job, kinds=CERT_KIND_LABELS)


@bp.route("/contest/admin/certificates/batches/<int:job_id>/download")
@role_required("organizer")
def admin_certificate_batch_download(job_id: int):
    job = _certificate_job(job_id)
    if job.status != "done" or not job.result_path or not Path(job.result_path).exists():
        abort(404)
    return send_file(job.result_path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"certificates-{job.id}.pdf")


# ---------------------------------------------------------------- judges

@bp.route("/contest/judge")
@role_required("judge")
def judge_home():
    rounds = services.judge_rounds(current_user)
    progress = {}
    for r in rounds:
        mine = services.judge_entries(r, current_user)
        state = services.score_state(r, current_user.id)
        progress[r.id] = (len(mine), sum(1 for e in mine if state.get((e.id, current_user.id), {}).get("locked")))
    return render_template("contest/judge/index.html", rounds=rounds, progress=progress)


def _judge_round(round_id: int) -> Round:
    round_ = _round(round_id)
    if current_user.id not in {j.id for j in services.panel(round_)}:
        abort(404)
    return round_


@bp.route("/contest/judge/rounds/<int:round_id>")
@role_required("judge")
def score_page(round_id: int):
    round_ = _judge_round(round_id)
    return render_template("contest/score.html", round_=round_)


@bp.route("/contest/judge/sw.js")
def service_worker():
    """Served under /contest/judge/ so that its scope covers the scoring pages."""
    response = send_file(Path(current_app.static_folder) / "contest" / "sw.js", mimetype="text/javascript",
                         max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/contest/judge/rounds/<int:round_id>/data.json")
@role_required("judge")
def score_data(round_id: int):
    """The judge's own entries and own scores only: never another judge's."""
    round_ = _judge_round(round_id)
    locale = _locale()
    fields = field_names(round_.track.contest.summit)
    state = services.score_state(round_, current_user.id)
    entries = []
    for e in services.judge_entries(round_, current_user):
        st = state.get((e.id, current_user.id), {})
        entries.append({"id": e.id, "name": e.project_name, "organisation": e.organisation,
                        "field": fields.get(e.field, e.field), "summary": e.summary,
                        "plan": url_for("contest.plan", entry_id=e.id) if e.plan_path else None,
                        "video": e.video_url, "values": st.get("values", {}), "comment": st.get("comment", ""),
                        "locked": bool(st.get("locked"))})
    return jsonify({"round": {"id": round_.id, "name": round_.name(locale), "kind": round_.kind,
                              "status": round_.status},
                    "criteria": [{"key": c["key"], "name": c["name_en"] if locale.startswith("en") else c["name_zh"],
                                  "description": c.get("description_en") if locale.startswith("en")
                                  else c.get("description_zh"), "max": c["max"], "weight": c.get("weight", 1)}
                                 for c in round_.rubric],
                    "entries": entries})


@bp.route("/contest/judge/scores", methods=["POST"])
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
        event, duplicate = services.record_score(round_, entry_id, current_user, payload.get("kind"),
                                                 payload.get("values") or {}, payload.get("comment") or "",
                                                 payload.get("client_id"))
    except ContestError as exc:
        db.session.rollback()
        return jsonify({"error": exc.message, "field": exc.field, "code": exc.code}), exc.status
    return jsonify({"ok": True, "duplicate": duplicate, "kind": event.kind, "id": event.id,
                    "locked": event.kind == "submit"}), (200 if duplicate else 201)


@bp.route("/contest/judge/rounds/<int:round_id>/conflict", methods=["POST"])
@role_required("judge")
def declare_conflict(round_id: int):
    round_ = _judge_round(round_id)
    entry = db.session.get(Entry, request.form.get("entry_id", type=db_int) or 0)
    if entry is None or entry.id not in {e.id for e in services.judge_entries(round_, current_user)}:
        abort(404)
    services.set_conflict(current_user, entry, "declared", request.form.get("note", ""))
    flash(_("Conflict of interest recorded: you will not score this entry."), "success")
    return redirect(url_for("contest.score_page", round_id=round_.id))


# ---------------------------------------------------------------- stage

@bp.route("/stage/state.json")
def stage_state():
    summit = Summit.current()
    if summit is None:
        abort(404)
    hall = request.args.get("hall", "main")[:40]
    response = jsonify(stage.state_json(summit, _locale(), hall))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/stage/screen")
def stage_screen():
    return render_template("contest/stage_screen.html", hall=request.args.get("hall", "main")[:40])


@bp.route("/stage/control", methods=["GET", "POST"])
@role_required("organizer")
def stage_control():
    summit = Summit.current()
    if summit is None:
        abort(404)
    hall = request.values.get("hall", "main")[:40]
    choices = {}
    for kind in stage.kinds().values():
        for item_id, label, context, *extra in kind.choices(summit, _locale()):
            choices[f"{kind.name}:{item_id}:{context.get('round_id', '')}"] = (kind.name, item_id, label, context,
                                                                               extra[0] if extra else None)
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "")
        params = {}
        if action == "show":
            choice = choices.get(request.form.get("item", ""))
            if choice is None:
                flash(_("Choose what goes on stage."), "error")
                return redirect(url_for("contest.stage_control", hall=hall))
            kind, item_id, _label, context, round_ = choice
            phases = []
            if round_ is not None:
                phases = [["pitch", round_.pitch_seconds]]
                if round_.questions_seconds:
                    phases.append(["questions", round_.questions_seconds])
            params = {"kind": kind, "item_id": item_id, "context": context, "phases": phases}
        try:
            stage.control(summit, action, hall, **params)
        except stage.StageError as exc:
            db.session.rollback()
            flash(_("That is not possible now."), "error")
            status = exc.status
        if request.accept_mimetypes.best == "application/json":
            return jsonify(stage.state_json(summit, _locale(), hall)), status
        if status == 200:
            return redirect(url_for("contest.stage_control", hall=hall))
    return render_template("contest/stage_control.html", hall=hall, choices=choices,
                           state=stage.state_json(summit, _locale(), hall)), status


@bp.app_template_filter("contest_dt")
def contest_dt(value) -> str:
    from flask_babel import format_datetime

    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""
