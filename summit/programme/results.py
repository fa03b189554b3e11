"""Research results (繁星计划): the call's private links, the team's form and deck, the organizers' status."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from summit.core import audit, mail, pdfcheck, storage
from summit.core.database import transaction
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.programme.common import check_email, check_fields, hash_token, new_token, public_url
from summit.programme.errors import ProgrammeError
from summit.programme.models import COOPERATION_KINDS, MATURITIES, ResearchResult
from summit.programme.patents import parse_patents
from summit.registration.identity import normalise_phone


def issue_result_link(summit: Summit, institution: str, contact_name: str, contact_email: str,
                      actor_label: str | None = None) -> tuple[ResearchResult, str]:
    """A draft result and its team's private link (mailed to the contact). Returns (result, token)."""
    institution = (institution or "").strip()
    if not institution:
        raise ProgrammeError(_("Give the university or institute."), "institution")
    email = check_email(contact_email, "contact_email")
    with transaction():
        token, token_hash = new_token()
        result = ResearchResult(summit_id=summit.id, institution=institution[:200],
                                contact_name=(contact_name or "").strip()[:120], contact_email=email,
                                token_hash=token_hash)
        db.session.add(result)
        db.session.flush()
        audit.record(result, "result_link_issued", after={"institution": institution, "contact_email": email},
                     actor_label=actor_label)
        link = public_url("programme.result_edit", token=token)
        with force_locale("zh_CN"):
            mail.queue(email, _("Your link to submit a research result to %(summit)s", summit=summit.name("zh_CN")),
                       "\n".join([_("Dear %(name)s,", name=result.contact_name or institution), "",
                                  _("Use this private link to enter and change your research result:"), link, "",
                                  _("Keep it to yourself: anyone with the link can change the entry."), "",
                                  _("The organizing committee")]))
    return result, token


def result_by_token(token: str) -> ResearchResult | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(ResearchResult).where(ResearchResult.token_hash == hash_token(token)))


def deck_limit_bytes() -> int:
    return int(current_app.config.get("PROGRAMME_DECK_MAX_MB", 15)) * 1024 * 1024


def check_deck(data: bytes) -> int:
    """The page count of a deck, or ProgrammeError when it is too large or not a readable PDF."""
    try:
        return pdfcheck.inspect_pdf(data, deck_limit_bytes())
    except pdfcheck.PdfProblem as problem:
        messages = {
            "not_pdf": _("The deck must be a PDF file."),
            "encrypted": _("The PDF is password-protected; upload one that opens without a password."),
            "no_pages": _("This PDF has no pages."),
        }
        if problem.kind == "too_large":
            raise ProgrammeError(_("The deck is larger than %(mb)d MB.", mb=deck_limit_bytes() // (1024 * 1024)),
                                 "deck", status=413)
        raise ProgrammeError(messages.get(problem.kind) or _("This PDF cannot be read. Export it again and upload it."),
                             "deck")


RESULT_FIELDS = ("title", "team", "fields", "maturity", "patents_text", "cooperation", "summary",
                 "contact_name", "contact_phone", "contact_email")


def save_result(result: ResearchResult, data: dict, deck: tuple[str, bytes] | None = None,
                submit: bool = False, actor_label: str | None = None) -> ResearchResult:
    """Saves the team's entry; submit=True also checks that it is complete and marks it submitted.

    deck: (filename, bytes) of a new deck PDF."""
    summit = db.session.get(Summit, result.summit_id)
    if result.status == "withdrawn":
        raise ProgrammeError(_("This result was withdrawn."), status=409)
    values = {}
    values["title"] = (data.get("title") or "").strip()[:200]
    values["team"] = (data.get("team") or "").strip()
    values["summary"] = (data.get("summary") or "").strip()
    values["fields"] = check_fields(summit, list(data.get("fields") or []))
    maturity = data.get("maturity") or "lab"
    if maturity not in MATURITIES:
        raise ProgrammeError(_("Choose the maturity."), "maturity")
    values["maturity"] = maturity
    cooperation = list(data.get("cooperation") or [])
    if any(c not in COOPERATION_KINDS for c in cooperation):
        raise ProgrammeError(_("Choose the kinds of cooperation from the list."), "cooperation")
    values["cooperation"] = [c for c in COOPERATION_KINDS if c in cooperation]
    patents, bad = parse_patents(data.get("patents_text") or "")
    if bad:
        raise ProgrammeError(_("Not a patent number: %(bad)s. Write e.g. CN202310123456.7 or CN115123456A.",
                               bad="、".join(bad[:3])), "patents_text")
    values["patents"] = patents
    values["contact_name"] = (data.get("contact_name") or "").strip()[:120]
    values["contact_email"] = check_email(data.get("contact_email"), "contact_email")
    phone = (data.get("contact_phone") or "").strip()
    if phone:
        normal = normalise_phone(phone)
        if normal is None:
            raise ProgrammeError(_("Give a mobile number (11 digits) or an international number with +."),
                                 "contact_phone")
        phone = normal
    values["contact_phone"] = phone
    pages = check_deck(deck[1]) if deck else None
    if submit:
        missing = [name for name, label in (("title", _("Title")), ("team", _("Team")), ("summary", _("Summary")))
                   if not values[name]]
        if missing:
            raise ProgrammeError(_("Fill in this field before submitting."), missing[0])
        if not values["fields"]:
            raise ProgrammeError(_("Choose at least one field."), "fields")
        if not values["cooperation"]:
            raise ProgrammeError(_("Choose at least one kind of cooperation."), "cooperation")
        if not (deck or result.deck_path):
            raise ProgrammeError(_("Upload the roadshow deck (PDF) before submitting."), "deck")
    old_deck = new_deck = None
    try:
        with transaction():
            before, after = audit.changes(result, values.keys(), values)
            for name, value in values.items():
                setattr(result, name, value)
            if deck:
                try:
                    relative = storage.save("programme/decks", f"{result.id}-{secrets.token_hex(8)}.pdf", deck[1])
                except storage.StorageError:
                    raise ProgrammeError(str(storage.NOT_SAVED), "deck", 503) from None
                new_deck = relative
                old_deck, result.deck_path = result.deck_path, relative
                result.deck_filename = Path(deck[0] or "deck.pdf").name[:200]
                result.deck_pages = pages
                after["deck"] = result.deck_filename
            if submit and result.status != "submitted":
                result.status = "submitted"
                result.submitted_at = utcnow()
                after["status"] = "submitted"
            audit.record(result, "result_saved", before=before, after=after, actor_label=actor_label)
    except Exception:
        if new_deck is not None:
            storage.remove(new_deck)  # the row still names the deck it had
        raise
    if old_deck:
        storage.remove(old_deck)
    return result


def deck_file(result: ResearchResult) -> Path | None:
    if not result.deck_path:
        return None
    path = storage.path(result.deck_path)
    return path if path.is_file() else None


def set_result_status(result: ResearchResult, status: str) -> None:
    if status not in ("submitted", "withdrawn", "draft"):
        raise ProgrammeError(_("Unknown status."), "status")
    with transaction():
        before = {"status": result.status}
        result.status = status
        audit.record(result, "result_status", before=before, after={"status": status})


def results_of(summit: Summit, status: str | None = None) -> list[ResearchResult]:
    stmt = select(ResearchResult).where(ResearchResult.summit_id == summit.id)
    if status:
        stmt = stmt.where(ResearchResult.status == status)
    return db.session.scalars(stmt.order_by(ResearchResult.id)).all()
