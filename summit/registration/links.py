"""The attendee's private management link: its token (only the sha256 is stored), its URL,
the one lookup every feature's private page uses, and sending a new link."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import and_, bindparam, or_, select

from summit.core import audit, links
from summit.core.database import transaction
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.registration.models import Registration

CLOSED_STATUSES = ("cancelled", "rejected")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)  # 256 bits
    return token, hash_token(token)


def manage_url(token: str) -> str:
    return links.url(f"/r/{token}")


_BY_TOKEN_HASH = select(Registration).where(Registration.manage_token_hash == bindparam("token_hash"))


def registration_by_token(token: str, *, allow_closed: bool = True) -> Registration | None:
    """The registration whose private link carries this token, or None.

    allow_closed=False also refuses a cancelled or rejected registration: pages that only an
    attendee who is coming needs (the personal agenda) do not open for them, while the
    registration's own page does (it shows the cancellation), and so do the recruitment
    sessions' pages (they offer nothing to anyone but the approved)."""
    if not token or len(token) > 200:
        return None
    reg = db.session.scalar(_BY_TOKEN_HASH, {"token_hash": hash_token(token)})
    if reg is not None and not allow_closed and reg.status in CLOSED_STATUSES:
        return None
    return reg


def resend_link(summit: Summit, contact: str) -> bool:
    """A new private link to the registered address of whoever has this email or phone.

    The answer to the visitor is the same either way, so it reveals nobody."""
    from summit.core import normalise
    from summit.registration.identity import normalise_phone

    contact = (contact or "").strip()
    if not contact or len(contact) > 320:
        return False
    phone = normalise_phone(contact)
    condition = Registration.email == normalise.email(contact).lower()
    if phone:
        condition = or_(condition, Registration.phone == phone)
    reg = db.session.scalar(select(Registration).where(Registration.summit_id == summit.id, condition).limit(1))
    if reg is None:
        return False
    reissue_link(reg, actor_label="attendee request")
    return True


def reissue_link(reg: Registration, actor_label: str | None = None, kind: str = "link") -> str:
    """A new private link: the old one stops working at once."""
    from summit.registration.mail import queue_status_mail

    with transaction():
        token, token_hash = new_token()
        reg.manage_token_hash = token_hash
        reg.link_issued_at = utcnow()
        audit.record(reg, "link_reissued", actor_label=actor_label)
        queue_status_mail(reg, kind, token)
    return token


# A registration whose link went out this recently is not sent another: the second click of a
# double-click would otherwise make the link in the first mail stop working.
RECENT_LINK = dt.timedelta(minutes=10)


def remind_registered(summit: Summit, clean: dict) -> int:
    """Someone registered again with the phone, email or identity number of a registration:
    its owner gets a new private link at the address on file (the visitor sees the same page
    as for a new registration, so the answer reveals nobody). Returns the mails queued."""
    condition = [Registration.phone == clean.get("phone"), Registration.email == clean.get("email")]
    if clean.get("id_number"):
        condition.append(and_(Registration.id_type == clean.get("id_type"),
                              Registration.id_number == clean["id_number"]))
    found = db.session.scalars(select(Registration).where(Registration.summit_id == summit.id, or_(*condition))
                               .order_by(Registration.id).limit(3)).all()
    sent = 0
    for reg in found:
        if reg.status in CLOSED_STATUSES or not reg.email:
            continue
        if reg.link_issued_at is not None and utcnow() - reg.link_issued_at < RECENT_LINK:
            continue
        reissue_link(reg, actor_label="registered again", kind="again")
        sent += 1
    return sent
