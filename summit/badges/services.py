"""A registration's badge: made when the registration is approved, reissued with a new code
(the old one then scans as revoked), its code in the registrations export, and the parts of
the confirmation mail that carry it (the QR code and the badge PDF).

The mail's parts are drawn when the mail goes out; queued mails name their render functions
("summit.badges.services:mail_qr_png"), so those two stay in this module.
"""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from summit import babel_locale
from summit.badges import layouts as layout_data
from summit.badges import tokens
from summit.badges.models import Badge
from summit.core import audit
from summit.core.database import transaction
from summit.core.errors import DomainError
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.printing.qr import qr_png
from summit.registration.models import Registration


class BadgeError(DomainError):
    """Bad input to a badge, printing or check-in operation; the message is translated."""


def active_badge(registration_id: int) -> Badge | None:
    return db.session.scalar(select(Badge).where(Badge.registration_id == registration_id,
                                                 Badge.status == "active").order_by(Badge.id.desc()).limit(1))


def _made_in_this_transaction() -> dict[int, Badge]:
    """Badges issue_badge() made in the current transaction, by registration id.

    The approval makes the badge and the confirmation mail asks for it again a moment later:
    the second ask needs no query. Only this transaction's own badges are kept (no other
    transaction can see or revoke them before the commit), and only until it ends.
    """
    transaction = db.session().get_transaction()  # the Session itself: scoped_session has no such method
    memo = g.get("badges_made")
    if memo is None or memo[0] is not transaction:
        memo = g.badges_made = (transaction, {})
    return memo[1]


def issue_badge(registration: Registration, new: bool = False) -> Badge:
    """The registration's active badge, made now if it has none (inside the caller's transaction).

    new: the registration was inserted in this transaction, so it has no badge to look up.
    """
    made = _made_in_this_transaction()
    badge = made.get(registration.id) if registration.id else None
    if badge is not None and badge.status == "active" and badge in db.session:
        return badge
    badge = active_badge(registration.id) if registration.id and not new else None
    if badge is None:
        if registration.id is None:
            db.session.flush()  # the registration's id
        badge = Badge(summit_id=registration.summit_id, registration_id=registration.id, code=tokens.new_code())
        db.session.add(badge)
        db.session.flush()
        made[registration.id] = badge
    return badge


def badge_codes(registration_ids: list[int]) -> dict[int, str]:
    """Active badge codes by registration id (for the registration export's badge code column)."""
    found: dict[int, str] = {}
    for start in range(0, len(registration_ids), 500):
        rows = db.session.execute(select(Badge.registration_id, Badge.code).where(
            Badge.registration_id.in_(registration_ids[start:start + 500]), Badge.status == "active"))
        found.update({rid: code for rid, code in rows})
    return found


def reissue_badge(registration_id: int) -> Badge:
    """A new badge with a new code; the old code scans as revoked from now on."""
    with transaction():
        registration = approved_registration(registration_id)
        old = active_badge(registration.id)
        if old is not None:
            old.status = "revoked"
            old.revoked_at = utcnow()
        badge = Badge(summit_id=registration.summit_id, registration_id=registration.id, code=tokens.new_code())
        db.session.add(badge)
        db.session.flush()
        audit.record(registration, "badge_reissued", {"badge": old.id if old else None}, {"badge": badge.id})
    return badge


def approved_registration(registration_id: int) -> Registration:
    """The registration a badge is asked for; only an approved one has a badge."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise BadgeError(_("No such registration."), status=404, code="not_found")
    if registration.status != "approved":
        raise BadgeError(_("Only approved registrations have badges."), code="not_approved")
    return registration


def on_registration_approved(registration, new=False, **_extra):
    """Receiver of registration_approved: the approved person gets a badge."""
    issue_badge(registration, new=new)


def on_registration_withdrawn(registration, reason="cancelled", **_extra) -> list:
    """Receiver of registration_withdrawn: the badge no longer admits its holder (it scans as
    revoked). Returns what was released."""
    badges = db.session.scalars(select(Badge).where(Badge.registration_id == registration.id,
                                                    Badge.status == "active")).all()
    now = utcnow()
    for badge in badges:
        badge.status = "revoked"
        badge.revoked_at = now
    _made_in_this_transaction().pop(registration.id, None)
    if not badges:
        return []
    audit.record(registration, "badge_revoked", before={"badges": [b.id for b in badges]}, note=reason,
                 actor_label="system")
    return [_l("Your badge: it no longer admits you at the door.")]


def export_badge_codes(registrations: list[Registration]) -> list[str]:
    """The registrations export's badge_code column: each one's active badge code, or empty."""
    codes = badge_codes([r.id for r in registrations])
    return [codes.get(r.id, "") for r in registrations]


def ensure_badges(summit: Summit) -> int:
    """Badges for approved registrations that have none (registrations approved before
    this feature existed, or imported). Returns how many were made."""
    have = select(Badge.registration_id).where(Badge.status == "active")
    missing = db.session.scalars(select(Registration).where(
        Registration.summit_id == summit.id, Registration.status == "approved",
        Registration.id.not_in(have))).all()
    with transaction():
        for registration in missing:
            db.session.add(Badge(summit_id=summit.id, registration_id=registration.id, code=tokens.new_code()))
    return len(missing)


def confirmation_mail_parts(registration, **_extra):
    """The QR code (inline image) and the badge PDF for an approved registration's mail."""
    if registration.status != "approved":
        return None
    return mail_parts(registration)


def mail_parts(registration: Registration) -> dict:
    from markupsafe import escape
    from flask_babel import force_locale, gettext

    badge = issue_badge(registration)
    cid = f"badge-qr-{badge.id}@qianshan-summit.local"
    with force_locale(babel_locale(registration.language or "zh_CN")):
        intro = gettext("Show this QR code at the entrance, on your phone or printed. Your badge is attached as a PDF.")
        code_line = gettext("Badge code: %(code)s", code=badge.code)
    html = (f'<p>{escape(intro)}</p><p><img src="cid:{cid}" alt="QR" width="200" height="200"></p>'
            f'<p style="font-family:monospace">{escape(code_line)}</p>')
    # Drawn when the mail goes out, not in the request that approved the registration.
    args = {"badge_id": badge.id}
    return {
        "attachments": [
            {"filename": "badge-qr.png", "mimetype": "image/png", "cid": cid,
             "render": "summit.badges.services:mail_qr_png", "args": args},
            {"filename": "badge.pdf", "mimetype": "application/pdf",
             "render": "summit.badges.services:mail_badge_pdf", "args": args},
        ],
        "html": html,
        "text": f"{intro}\n{code_line}\n",
    }


def mail_qr_png(badge_id: int) -> bytes:
    return qr_png(db.session.get(Badge, badge_id).code)


def mail_badge_pdf(badge_id: int) -> bytes:
    from summit.badges.sheets import render_badges  # sheets imports this module (issue_badge)

    badge = db.session.get(Badge, badge_id)
    return render_badges([(db.session.get(Registration, badge.registration_id), badge)], layout_data.DEFAULT_LAYOUT)
