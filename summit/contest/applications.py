"""Applications (参赛报名): the team's form and business plan, eligibility, and the organizer's
decisions on an entry (override, admit, reject). Each public function that writes is one transaction."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from summit.core import audit, pdfcheck, storage
from summit.core.database import transaction
from summit.core.models import utcnow
from summit.extensions import db

from . import eligibility
from .errors import ContestError
from .models import Contest, Entry, RoundEntry, Track
from .tracks import first_round


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A team replaces its plan a few times before the deadline; far more is abuse of the storage.
MAX_PLAN_UPLOADS = 20


def plan_max_bytes() -> int:
    return int(current_app.config.get("CONTEST_PLAN_MAX_MB", 10)) * 1024 * 1024


def check_pdf(data: bytes) -> None:
    """The upload must really be a PDF (by content, not by its name) and not too large."""
    try:
        pdfcheck.inspect_pdf(data, plan_max_bytes())
    except pdfcheck.PdfProblem as problem:
        if problem.kind == "too_large":
            raise ContestError(_("The business plan may be at most %(mb)d MB.", mb=plan_max_bytes() // (1024 * 1024)),
                               "business_plan", 413)
        if problem.kind == "not_pdf":
            raise ContestError(_("The business plan must be a PDF file."), "business_plan")
        if problem.kind == "no_pages":
            raise ContestError(_("The business plan PDF has no pages."), "business_plan")
        raise ContestError(_("The business plan could not be read as a PDF. Please export it again."),
                           "business_plan")


def store_plan(data: bytes) -> str:
    try:
        return storage.save("contest", f"{secrets.token_hex(16)}.pdf", data)
    except storage.StorageError:
        raise ContestError(str(storage.NOT_SAVED), "business_plan", 503) from None


def remove_plan(stored: str | None) -> None:
    storage.remove(stored)


def plan_file(entry: Entry) -> Path | None:
    if not entry.plan_path:
        return None
    path = storage.path(entry.plan_path)
    return path if path.exists() else None


ENTRY_FIELDS = ("project_name", "field", "organisation", "leader_name", "leader_phone", "leader_email", "members",
                "founded_on", "is_company", "registered_capital", "financing_stage", "prior_awards",
                "prior_talent_award", "summary", "video_url")


def check_eligibility(entry: Entry) -> None:
    contest = entry.track.contest
    reasons = eligibility.check(entry.track.eligibility_rules or {}, {
        "founded_on": entry.founded_on, "prior_talent_award": entry.prior_talent_award,
        "is_company": entry.is_company, "team_size": 1 + len(entry.members or [])}, contest.contest_date)
    entry.eligibility_reasons = [[code, {k: (v.isoformat() if isinstance(v, dt.date) else v)
                                         for k, v in params.items()}] for code, params in reasons]
    entry.eligible = not reasons


def reason_text(code: str, params: dict) -> str:
    texts = {
        "founded_missing": _("The founding date is missing."),
        "founded_too_early": _("Founded on %(founded)s: this track accepts companies founded within %(years)s "
                               "years of the contest (on or after %(earliest)s).", **{k: params.get(k, "") for k in
                                                                                    ("founded", "years", "earliest")}),
        "founded_in_future": _("The founding date lies after the contest."),
        "prior_award": _("The project has already received a talent-programme award."),
        "not_a_company": _("This track is for incorporated companies."),
        "team_too_large": _("The team has %(size)s members; this track allows at most %(max)s.",
                            size=params.get("size", ""), max=params.get("max", "")),
    }
    return texts.get(code, code)


def applications_open(contest: Contest) -> bool:
    deadline = contest.application_deadline
    return contest.applications_open and (deadline is None or utcnow() <= deadline)


def submit_application(track: Track, data: dict, plan: bytes | None, plan_filename: str = "",
                       language: str = "zh_CN") -> tuple[Entry, str]:
    """A new entry; returns it and the team's private-link token (shown once)."""
    if not applications_open(track.contest):
        raise ContestError(_("Applications are closed."), status=409)
    if not plan:
        raise ContestError(_("Please upload the business plan as a PDF."), "business_plan")
    check_pdf(plan)
    token = secrets.token_urlsafe(32)
    entry = Entry(track=track, team_token_hash=hash_token(token), language=language,
                  **{k: data[k] for k in ENTRY_FIELDS if k in data})
    entry.plan_path = store_plan(plan)
    entry.plan_size = len(plan)
    entry.plan_filename = (plan_filename or "business-plan.pdf")[-200:]
    entry.plan_uploads = 1
    check_eligibility(entry)
    try:
        with transaction():
            db.session.add(entry)
            db.session.flush()
            audit.record(entry, "entry.submitted",
                         after={"project_name": entry.project_name, "eligible": entry.eligible},
                         actor_label="team link")
    except Exception:
        remove_plan(entry.plan_path)  # no row names it
        raise
    return entry, token


def entry_by_token(token: str) -> Entry | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Entry).where(Entry.team_token_hash == hash_token(token)))


def update_application(entry: Entry, data: dict, plan: bytes | None, plan_filename: str = "") -> Entry:
    if not applications_open(entry.track.contest):
        raise ContestError(_("The application deadline has passed; the application can no longer be changed."),
                           status=409)
    if entry.status in ("rejected", "withdrawn"):
        raise ContestError(_("This application is closed."), status=409)
    new = {k: data[k] for k in ENTRY_FIELDS if k in data}
    if plan:
        if (entry.plan_uploads or 0) >= MAX_PLAN_UPLOADS:
            raise ContestError(_("The business plan has been replaced %(count)d times, the most allowed. Please "
                                 "ask the organizers if you need to change it again.", count=MAX_PLAN_UPLOADS),
                               "business_plan", 429)
        check_pdf(plan)
    old_plan = new_plan = None
    try:
        with transaction():
            before, after = audit.changes(entry, list(new), new)
            if plan:
                before["plan"], after["plan"] = entry.plan_filename, plan_filename
                new_plan = store_plan(plan)
                old_plan, entry.plan_path, entry.plan_size = entry.plan_path, new_plan, len(plan)
                entry.plan_filename = (plan_filename or "business-plan.pdf")[-200:]
                entry.plan_uploads = (entry.plan_uploads or 0) + 1
            for k, v in new.items():
                setattr(entry, k, v)
            check_eligibility(entry)
            entry.updated_at = utcnow()
            if after:
                audit.record(entry, "entry.updated", audit.jsonable(before), audit.jsonable(after),
                             actor_label="team link")
    except Exception:
        remove_plan(new_plan)  # the row still names the plan it had
        raise
    remove_plan(old_plan)  # a replaced plan is not kept: judges read the current one
    return entry


def override_eligibility(entry: Entry, eligible: bool | None, note: str) -> None:
    note = (note or "").strip()
    if not note:
        raise ContestError(_("Please give the reason for the override."), "note")
    with transaction():
        before = {"override": entry.eligibility_override, "note": entry.eligibility_note}
        entry.eligibility_override = eligible
        entry.eligibility_note = note
        audit.record(entry, "entry.eligibility_override", before, {"override": eligible, "note": note}, note=note)


def admit(entry: Entry, note: str = "") -> None:
    """Admit the entry to its track's first round."""
    if not entry.is_eligible:
        raise ContestError(_("This entry is not eligible. Override the eligibility check first, with a note."),
                           status=409)
    round_ = first_round(entry.track)
    if round_ is None:
        raise ContestError(_("The track has no round yet."), status=409)
    with transaction():
        before = entry.status
        entry.status = "admitted"
        if db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == round_.id,
                                                      RoundEntry.entry_id == entry.id)) is None:
            db.session.add(RoundEntry(round_id=round_.id, entry_id=entry.id))
        audit.record(entry, "entry.admitted", {"status": before}, {"status": "admitted", "round": round_.id},
                     note=note)


def reject(entry: Entry, note: str) -> None:
    if not (note or "").strip():
        raise ContestError(_("Please give the reason."), "note")
    with transaction():
        before = entry.status
        entry.status = "rejected"
        db.session.execute(RoundEntry.__table__.delete().where(RoundEntry.entry_id == entry.id))
        audit.record(entry, "entry.rejected", {"status": before}, {"status": "rejected"}, note=note.strip())


def find_entries(entries, query: str = "", order: str = "") -> list[Entry]:
    """Entries whose project, organisation, leader or member is found by the query (characters,
    traditional characters, full pinyin or initials of a name, phone, email), in the order asked:
    the leader's name by strokes or pinyin, else as given."""
    from summit.core import names, normalise

    entries = list(entries)
    query = (query or "").strip()[:100]
    if query:
        text = query.lower()
        digits = normalise.code(query)

        def found(entry: Entry) -> bool:
            people = [entry.leader_name] + [(m or {}).get("name") or "" for m in entry.members or []]
            return (any(names.matches(person, query) for person in people if person)
                    or text in (entry.project_name or "").lower() or text in (entry.organisation or "").lower()
                    or text in (entry.leader_email or "").lower()
                    or (digits.isdigit() and len(digits) >= 4 and digits in (entry.leader_phone or "")))

        entries = [e for e in entries if found(e)]
    return names.sorted_by(entries, order, lambda e: e.leader_name)
