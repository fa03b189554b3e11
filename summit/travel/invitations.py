"""Invitations and replies: inviting a selection of registrations, reminding those who have
not answered, the invitee's reply and travel through the private link, the letter's data and
PDF, and the figures of the dashboard. Each operation is one transaction."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext as _
from sqlalchemy import func, select

from summit.core import audit, links
from summit.core.database import for_update, transaction
from summit.core.mail import queue
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.printing.pdf import render_pdf
from summit.printing.qr import qr_svg
from summit.registration.models import Category, Registration

from . import rules
from .errors import TravelError
from .letters import QR_MM, LetterData, letter_html
from .messages import RULE_MESSAGES
from .models import DEFAULT_PLACES, INVITATION_STATUSES, PLACE_KINDS, ROOM_PREFERENCES, Invitation, Place, Travel

SHANGHAI = ZoneInfo("Asia/Shanghai")
INVITABLE = ("pending", "approved", "waitlisted")  # not a cancelled or rejected registration
MAX_PARTY = 9
MAX_STAY_DAYS = 31


# --- the private link ----------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)  # 256 bits; only its sha256 is stored
    return token, hash_token(token)


def reply_url(token: str) -> str:
    return links.url(f"/travel/i/{token}")


def verify_url(code: str) -> str:
    return links.external_url("travel.verify", code=code)


def invitation_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


# --- places --------------------------------------------------------------------------------------

def places(active_only: bool = True) -> list[Place]:
    """The airports and stations of the travel form, in the organizer's order (the defaults when
    the list is empty)."""
    stmt = select(Place).order_by(Place.position, Place.id)
    if active_only:
        stmt = stmt.where(Place.active.is_(True))
    found = list(db.session.scalars(stmt))
    if not found and not db.session.scalar(select(func.count(Place.id))):
        with transaction():
            for n, (code, kind, zh, en) in enumerate(DEFAULT_PLACES):
                db.session.add(Place(code=code, kind=kind, name_zh=zh, name_en=en, position=n))
        found = list(db.session.scalars(stmt))
    return found


PLACE_CODE = re.compile(r"[A-Z0-9]{2,10}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str | None) -> str:
    """Typed text without control characters (PostgreSQL refuses NUL in text), trimmed."""
    return _CONTROL.sub("", text or "").strip()


def add_place(code: str, kind: str, name_zh: str, name_en: str) -> Place:
    """A new airport or station on the travel form's list."""
    code = (code or "").strip().upper()
    name_zh, name_en = clean(name_zh), clean(name_en)
    if not PLACE_CODE.fullmatch(code):
        raise TravelError(_("A code is 2 to 10 letters or digits, e.g. TAO."), "code")
    if kind not in PLACE_KINDS:
        raise TravelError(_("Choose airport or station."), "kind")
    if not name_zh or len(name_zh) > 100 or len(name_en) > 100:
        raise TravelError(_("Give the Chinese name (at most 100 characters)."), "name_zh")
    places(active_only=False)  # the defaults first, so that they keep their place at the top
    if db.session.scalar(select(Place.id).where(Place.code == code)):
        raise TravelError(_("The code %(code)s is already on the list.", code=code), "code", status=409)
    with transaction():
        position = (db.session.scalar(select(func.max(Place.position))) or 0) + 1
        place = Place(code=code, kind=kind, name_zh=name_zh, name_en=name_en or name_zh, position=position)
        db.session.add(place)
        db.session.flush()
        audit.record(place, "place.added", None, {"code": code})
    return place


def set_place_active(place: Place, active: bool) -> None:
    """A place taken off the list stays on the travel already given; the form no longer offers it."""
    with transaction():
        place.active = bool(active)
        audit.record(place, "place.changed", None, {"active": place.active})


# --- the organizer's side ------------------------------------------------------------------------

@dataclass
class Row:
    registration: Registration
    invitation: Invitation | None


def selection(summit: Summit, category: str | None = None, status: str | None = None,
              invitation: str | None = None) -> list[Row]:
    """Registrations of the summit with their invitation, filtered by category code,
    registration status and invitation state (none / invited / accepted / declined)."""
    stmt = (select(Registration, Invitation).outerjoin(Invitation, Invitation.registration_id == Registration.id)
            .join(Category, Category.id == Registration.category_id)
            .where(Registration.summit_id == summit.id).order_by(Registration.id))
    if category:
        stmt = stmt.where(Category.code == category)
    if status:
        stmt = stmt.where(Registration.status == status)
    if invitation == "none":
        stmt = stmt.where(Invitation.id.is_(None))
    elif invitation in INVITATION_STATUSES:
        stmt = stmt.where(Invitation.status == invitation)
    return [Row(reg, inv) for reg, inv in db.session.execute(stmt)]


def _lock_serials(summit: Summit) -> None:
    # One issuer at a time: the write lock on SQLite (transaction(lock=True)), the summit's row on PostgreSQL.
    db.session.scalar(for_update(select(Summit).where(Summit.id == summit.id)))


def _next_serial(summit: Summit) -> str:
    prefix = f"QS{summit.year}-Y-"
    last = db.session.scalar(select(func.max(Invitation.serial)).where(Invitation.serial.like(prefix + "%")))
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


def invite(summit: Summit, registration_ids: list[int], user_id: int | None = None) -> dict:
    """An invitation, with its serial, its private link and a mail with the letter, for each
    selected registration that has none yet. One transaction: all or nothing.
    Returns {"invited": n, "already": n, "tokens": {registration id: token}}."""
    wanted = sorted({int(i) for i in registration_ids})
    if not wanted:
        raise TravelError(_("Select at least one registration to invite."), "registration_ids", status=400)
    with transaction(lock=True):
        _lock_serials(summit)
        regs = list(db.session.scalars(select(Registration).where(Registration.id.in_(wanted),
                                                                  Registration.summit_id == summit.id)))
        if len(regs) != len(wanted):
            raise TravelError(_("Some of the selected registrations do not exist."), "registration_ids", status=404)
        closed = [r.name for r in regs if r.status not in INVITABLE]
        if closed:
            raise TravelError(_("A cancelled or rejected registration cannot be invited: %(names)s",
                                names="、".join(closed[:5])), "registration_ids", status=409)
        existing = set(db.session.scalars(select(Invitation.registration_id)
                                          .where(Invitation.registration_id.in_(wanted))))
        tokens = {}
        for reg in regs:
            if reg.id in existing:
                continue
            token, token_hash = _new_token()
            inv = Invitation(registration_id=reg.id, summit_id=summit.id, serial=_next_serial(summit),
                             verify_code=secrets.token_urlsafe(18), token_hash=token_hash, invited_by_id=user_id)
            db.session.add(inv)
            db.session.flush()
            audit.record(inv, "invitation.sent", None, {"serial": inv.serial, "registration": reg.id})
            _queue_mail(inv, reg, summit, token, "invite")
            tokens[reg.id] = token
    return {"invited": len(tokens), "already": len(existing), "tokens": tokens}


def not_answered(summit: Summit) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.summit_id == summit.id,
                                                            Invitation.status == "invited")
                                   .order_by(Invitation.id)))


def remind(summit: Summit, invitation_ids: list[int] | None = None) -> dict:
    """A reminder to each invitee who has not answered (of the given ones, or all), with a new
    private link (only its hash is kept, so the old one is replaced). Returns {"reminded", "tokens"}."""
    with transaction():
        pending = not_answered(summit)
        if invitation_ids is not None:
            chosen = {int(i) for i in invitation_ids}
            pending = [inv for inv in pending if inv.id in chosen]
        if not pending:
            raise TravelError(_("Nobody selected is waiting to answer."), "invitation_ids", status=409)
        tokens = {}
        for inv in pending:
            token, inv.token_hash = _new_token()
            inv.reminded_at = utcnow()
            inv.reminders += 1
            audit.record(inv, "invitation.reminded", None, {"reminders": inv.reminders})
            _queue_mail(inv, inv.registration, summit, token, "remind")
            tokens[inv.id] = token
    return {"reminded": len(tokens), "tokens": tokens}


def _queue_mail(inv: Invitation, reg: Registration, summit: Summit, token: str, kind: str) -> None:
    language = reg.language or "zh_CN"
    with force_locale(language):
        name = summit.name(language)
        if kind == "invite":
            subject = _("Invitation to the %(summit)s", summit=name)
            opening = _("You are invited to the %(summit)s, %(dates)s. The letter of invitation is attached.",
                        summit=name, dates=_dates(summit))
        else:
            subject = _("Reminder: your invitation to the %(summit)s", summit=name)
            opening = _("We have not yet had your answer to our invitation to the %(summit)s, %(dates)s.",
                        summit=name, dates=_dates(summit))
        body = "\n\n".join([
            _("Dear %(name)s,", name=reg.name), opening,
            _("Please tell us whether you will come, and your travel, through your private link "
              "(do not share it):"), reply_url(token),
            _("Organizing Committee, %(summit)s", summit=name)])
    queue(reg.email, subject, body, language=language, attachments=[{
        "filename": f"invitation-{inv.serial}.pdf", "mimetype": "application/pdf",
        "render": "summit.travel.invitations:letter_pdf_for", "args": {"invitation_id": inv.id}}])


def _dates(summit: Summit) -> str:
    a, b = summit.starts_on, summit.ends_on
    return a.isoformat() if a == b else f"{a.isoformat()} – {b.isoformat()}"


# --- the invitee's side --------------------------------------------------------------------------

def reply(inv: Invitation, answer: str) -> None:
    """Accept or decline. Declining drops the travel given before."""
    if answer not in ("accept", "decline"):
        raise TravelError(_("Answer with accept or decline."), "answer", status=400)
    with transaction():
        before = inv.status
        inv.status = "accepted" if answer == "accept" else "declined"
        inv.replied_at = utcnow()
        if inv.status == "declined" and inv.travel is not None:
            db.session.delete(inv.travel)
        audit.record(inv, "invitation.replied", {"status": before}, {"status": inv.status},
                     actor_label="invitee")


@dataclass
class TravelInput:
    """The travel form's values, as parsed by the form (times are Asia/Shanghai wall times)."""

    arrival_mode: str
    arrival_number: str
    arrival_at: dt.datetime | None
    arrival_place_id: int | None
    departure_mode: str
    departure_number: str
    departure_at: dt.datetime | None
    departure_place_id: int | None
    party_size: int | None
    pickup_wanted: bool
    check_in_on: dt.date | None
    check_out_on: dt.date | None
    room_preference: str
    dietary: str


def travel_problems(data: TravelInput, summit: Summit) -> list[tuple[str, str]]:
    """Every problem of the travel form: (field, translated message)."""
    found = [(p.field, str(RULE_MESSAGES[p.code])) for p in rules.travel_problems(
        rules.Leg(data.arrival_mode, data.arrival_number, data.arrival_at),
        rules.Leg(data.departure_mode, data.departure_number, data.departure_at))]
    known = {p.id for p in places()}
    for name in ("arrival_place_id", "departure_place_id"):
        if getattr(data, name) not in known:
            found.append((name, _("Choose an airport or station from the list.")))
    if data.party_size is None or not 1 <= data.party_size <= MAX_PARTY:
        found.append(("party_size", _("The party is 1 to %(n)d people, you included.", n=MAX_PARTY)))
    if data.room_preference not in ROOM_PREFERENCES:
        found.append(("room_preference", _("Choose a single or a shared room.")))
    if (data.check_in_on is None) != (data.check_out_on is None):
        found.append(("check_out_on", _("Give both the check-in and the check-out date, or neither.")))
    elif data.check_in_on and data.check_out_on:
        if data.check_out_on <= data.check_in_on:
            found.append(("check_out_on", _("The check-out date must be after the check-in date.")))
        elif (data.check_out_on - data.check_in_on).days > MAX_STAY_DAYS:
            found.append(("check_out_on", _("A stay is at most %(n)d nights.", n=MAX_STAY_DAYS)))
    if len(clean(data.dietary)) > 500:
        found.append(("dietary", _("At most 500 characters.")))
    return found


def to_utc(local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def to_local(utc: dt.datetime) -> dt.datetime:
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI).replace(tzinfo=None)


def save_travel(inv: Invitation, data: TravelInput) -> Travel:
    """The accepted invitee's travel, checked whole; nothing is written when anything is wrong
    (the first problem is raised, next to its field)."""
    if inv.status != "accepted":
        raise TravelError(_("Accept the invitation before giving your travel."), status=409)
    problems = travel_problems(data, db.session.get(Summit, inv.summit_id))
    if problems:
        field, message = problems[0]
        raise TravelError(message, field, status=422)
    with transaction():
        travel = inv.travel or Travel(invitation_id=inv.id)
        travel.arrival_mode = data.arrival_mode
        travel.arrival_number = rules.normalize_number(data.arrival_number)
        travel.arrival_at = to_utc(data.arrival_at)
        travel.arrival_place_id = data.arrival_place_id
        travel.departure_mode = data.departure_mode
        travel.departure_number = rules.normalize_number(data.departure_number)
        travel.departure_at = to_utc(data.departure_at)
        travel.departure_place_id = data.departure_place_id
        travel.party_size = data.party_size
        travel.pickup_wanted = bool(data.pickup_wanted)
        travel.check_in_on = data.check_in_on
        travel.check_out_on = data.check_out_on
        travel.room_preference = data.room_preference
        travel.dietary = clean(data.dietary)
        db.session.add(travel)
        db.session.flush()
        audit.record(inv, "invitation.travel", None, {"arrival": travel.arrival_number,
                                                      "departure": travel.departure_number},
                     actor_label="invitee")
    return travel


# --- the letter ----------------------------------------------------------------------------------

def letter_data(inv: Invitation, qr: bool = True) -> LetterData:
    reg = inv.registration
    summit = db.session.get(Summit, inv.summit_id)
    url = verify_url(inv.verify_code)
    issued = inv.invited_at.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI).date()
    data = LetterData(name=reg.name, serial=inv.serial, verify_url=url, summit_zh=summit.name_zh,
                      summit_en=summit.name_en, starts_on=summit.starts_on, ends_on=summit.ends_on,
                      venue_zh=summit.venue_zh, venue_en=summit.venue_en, organizer_zh=summit.organizer_zh,
                      organizer_en=summit.organizer_en, organisation=reg.organisation, title=reg.title,
                      issued_on=issued, qr_svg=qr_svg(url, QR_MM) if qr else "")
    if reg.id_type == "passport" and reg.id_number:
        data.passport = reg.id_number
        travel = inv.travel
        if travel is not None:  # the dates of stay: the journey the invitee gave, else the summit's days
            data.stay_from = travel.check_in_on or to_local(travel.arrival_at).date()
            data.stay_to = travel.check_out_on or to_local(travel.departure_at).date()
    return data


def letter_pdf(inv: Invitation) -> bytes:
    return render_pdf(letter_html([letter_data(inv)]))


def letter_pdf_for(invitation_id: int) -> bytes:
    """The mail attachment's renderer: the letter as it is when the mail is sent."""
    inv = db.session.get(Invitation, invitation_id)
    if inv is None:
        raise LookupError(f"invitation {invitation_id} is gone")
    return letter_pdf(inv)


def by_verify_code(code: str) -> Invitation | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.verify_code == code))


# --- figures -------------------------------------------------------------------------------------

def counts(summit: Summit) -> dict:
    by_status = dict(db.session.execute(select(Invitation.status, func.count(Invitation.id))
                                        .where(Invitation.summit_id == summit.id).group_by(Invitation.status)).all())
    total = sum(by_status.values())
    return {"invited": total, "accepted": by_status.get("accepted", 0),
            "declined": by_status.get("declined", 0), "not_answered": by_status.get("invited", 0)}


def arrivals(summit: Summit) -> Counter:
    """(local date, place id) -> people arriving (parties counted in full), of accepted invitations."""
    rows = db.session.execute(select(Travel.arrival_at, Travel.arrival_place_id, Travel.party_size)
                              .join(Invitation, Invitation.id == Travel.invitation_id)
                              .where(Invitation.summit_id == summit.id, Invitation.status == "accepted"))
    found: Counter = Counter()
    for at, place_id, party in rows:
        found[(to_local(at).date(), place_id)] += party
    return found
