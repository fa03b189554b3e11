"""Retention: a past edition's personal data is shredded, its statistics stay."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from summit.core import audit
from summit.core.database import transaction
from summit.core.models import AuditEvent, OutboundMail, Summit, utcnow
from summit.extensions import db
from summit.registration.errors import ShredError
from summit.registration.models import Registration


def shred(summit: Summit, today: dt.date | None = None) -> int:
    """Anonymise one past edition: names, contacts, identity numbers, answers and the
    audit trail's copies of them go; category, organisation, status, age, degree,
    fields and overseas experience stay for the statistics. Returns the rows changed."""
    today = today or dt.date.today()
    if summit.is_current or summit.ends_on >= today:
        raise ShredError(_("Only a past edition can be shredded."), status=409)
    with transaction():
        regs = db.session.scalars(select(Registration).where(Registration.summit_id == summit.id)).all()
        emails = [r.email for r in regs if r.email]
        for reg in regs:
            reg.name = f"#{reg.id}"
            reg.phone = f"shredded-{reg.id}"
            reg.email = f"shredded-{reg.id}@invalid"
            reg.id_type = ""
            reg.id_number = ""
            reg.title = ""
            reg.dietary = ""
            reg.answers = {}
            reg.status_reason = ""
            reg.manage_token_hash = None
        ids = [r.id for r in regs]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            db.session.execute(db.update(AuditEvent).where(AuditEvent.subject_type == "registrations",
                                                           AuditEvent.subject_id.in_(chunk))
                               .values(before=None, after=None, note=""))
        for start in range(0, len(emails), 500):
            db.session.execute(db.delete(OutboundMail).where(OutboundMail.to_addr.in_(emails[start:start + 500])))
        summit.shredded_at = utcnow()
        audit.record(summit, "shredded", after={"registrations": len(regs)})
    from summit.registration.imports import sweep_previews

    sweep_previews(max_age=0)  # checked import files never confirmed: whichever edition they were for
    return len(regs)
