"""Enterprises' technology needs (企业点题), their matches with results (院所答题) and the figures."""
from __future__ import annotations

from flask_babel import force_locale, gettext as _
from sqlalchemy import func, select

from summit.core import audit, mail
from summit.core.database import transaction
from summit.core.models import Summit
from summit.extensions import db
from summit.programme import matching
from summit.programme.common import check_email, check_fields, hash_token, new_token, public_url
from summit.programme.errors import ProgrammeError
from summit.programme.models import BUDGET_RANGES, ProgrammeItem, ResearchResult, RoadshowSlot, TechNeed
from summit.programme.results import results_of
from summit.programme.roadshow import interests_of
from summit.registration.identity import normalise_phone


NEED_FIELDS = ("enterprise", "title", "fields", "description", "budget", "contact_name", "contact_phone",
               "contact_email", "status")


def _need_values(summit: Summit, data: dict) -> dict:
    values = {}
    values["enterprise"] = (data.get("enterprise") or "").strip()[:200]
    if not values["enterprise"]:
        raise ProgrammeError(_("Give the enterprise."), "enterprise")
    values["title"] = (data.get("title") or "").strip()[:200]
    values["description"] = (data.get("description") or "").strip()
    values["fields"] = check_fields(summit, list(data.get("fields") or []))
    budget = data.get("budget") or "negotiable"
    if budget not in BUDGET_RANGES:
        raise ProgrammeError(_("Choose a budget range."), "budget")
    values["budget"] = budget
    values["contact_name"] = (data.get("contact_name") or "").strip()[:120]
    values["contact_email"] = check_email(data.get("contact_email"), "contact_email")
    phone = (data.get("contact_phone") or "").strip()
    if phone:
        phone = normalise_phone(phone) or ""
        if not phone:
            raise ProgrammeError(_("Give a mobile number (11 digits) or an international number with +."),
                                 "contact_phone")
    values["contact_phone"] = phone
    status = data.get("status") or "open"
    if status not in ("draft", "open", "closed"):
        raise ProgrammeError(_("Unknown status."), "status")
    if status == "open":
        if not values["title"]:
            raise ProgrammeError(_("Fill in this field before publishing the need."), "title")
        if not values["description"]:
            raise ProgrammeError(_("Fill in this field before publishing the need."), "description")
    values["status"] = status
    return values


def create_need(summit: Summit, data: dict, send_link: bool = False) -> tuple[TechNeed, str]:
    """A need entered by an organizer; returns (need, token of the enterprise's private link)."""
    values = _need_values(summit, data)
    with transaction():
        token, token_hash = new_token()
        need = TechNeed(summit_id=summit.id, token_hash=token_hash, **values)
        db.session.add(need)
        db.session.flush()
        audit.record(need, "need_created", after=dict(values))
        if send_link:
            _mail_need_link(need, token, summit)
    return need, token


def _mail_need_link(need: TechNeed, token: str, summit: Summit) -> None:
    link = public_url("programme.need_edit", token=token)
    with force_locale("zh_CN"):
        mail.queue(need.contact_email, _("Your technology need at %(summit)s", summit=summit.name("zh_CN")),
                   "\n".join([_("Dear %(name)s,", name=need.contact_name or need.enterprise), "",
                              _("Use this private link to change your technology need and see the research "
                                "results that match it:"), link, "",
                              _("Keep it to yourself: anyone with the link can change the entry."), "",
                              _("The organizing committee")]))


def new_need_link(need: TechNeed) -> str:
    """A fresh private link for the enterprise (the old one stops working)."""
    with transaction():
        token, need.token_hash = new_token()
        audit.record(need, "need_link_issued")
        _mail_need_link(need, token, db.session.get(Summit, need.summit_id))
    return token


def update_need(need: TechNeed, data: dict, actor_label: str | None = None) -> TechNeed:
    values = _need_values(db.session.get(Summit, need.summit_id), data)
    with transaction():
        before, after = audit.changes(need, NEED_FIELDS, values)
        for name, value in values.items():
            setattr(need, name, value)
        audit.record(need, "need_changed", before=before, after=after, actor_label=actor_label)
    return need


def need_by_token(token: str) -> TechNeed | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(TechNeed).where(TechNeed.token_hash == hash_token(token)))


def needs_of(summit: Summit, status: str | None = None) -> list[TechNeed]:
    stmt = select(TechNeed).where(TechNeed.summit_id == summit.id)
    if status:
        stmt = stmt.where(TechNeed.status == status)
    return db.session.scalars(stmt.order_by(TechNeed.id)).all()


def result_text(r: ResearchResult) -> str:
    return "\n".join([r.title, r.title, r.summary])  # the title counts twice: it says the most


def need_text(n: TechNeed) -> str:
    return "\n".join([n.title, n.title, n.description])


def matches(summit: Summit, top: int = 5) -> dict:
    """matching.match over the submitted results and open needs of a summit."""
    results = results_of(summit, "submitted")
    needs = needs_of(summit, "open")
    found = matching.match([{"id": r.id, "fields": r.fields, "text": result_text(r)} for r in results],
                           [{"id": n.id, "fields": n.fields, "text": need_text(n)} for n in needs], top=top)
    found["results"] = {r.id: r for r in results}
    found["needs"] = {n.id: n for n in needs}
    return found


def counts(summit: Summit, found: dict | None = None) -> dict:
    found = found if found is not None else matches(summit)
    return {
        "results": len(results_of(summit, "submitted")),
        "results_on_stage": db.session.scalar(
            select(func.count(func.distinct(RoadshowSlot.result_id))).join(
                ProgrammeItem, RoadshowSlot.block_id == ProgrammeItem.id).where(ProgrammeItem.summit_id == summit.id)),
        "needs": len(needs_of(summit, "open")),
        "matches": len(found["pairs"]),
        "interests": len(interests_of(summit)),
    }
