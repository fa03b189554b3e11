"""Demo part: badges for the approved registrations, and a morning of check-ins."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from summit.badges import services
from summit.badges.models import CheckIn
from summit.extensions import db
from summit.registration.models import Registration


def load(summit):
    made = services.ensure_badges(summit)
    yield f"{made} badges issued"
    if db.session.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.summit_id == summit.id)):
        return
    rng = random.Random(2024)
    approved = db.session.scalars(select(Registration).where(
        Registration.summit_id == summit.id, Registration.status == "approved").order_by(Registration.id)).all()
    opening = dt.datetime.combine(summit.starts_on, dt.time(0, 30))  # 08:30 in Shanghai
    chosen = rng.sample(approved, k=int(len(approved) * 0.6))
    for registration in chosen:
        badge = services.active_badge(registration.id)
        db.session.add(CheckIn(summit_id=summit.id, code=badge.code, status="ok", badge_id=badge.id,
                               registration_id=registration.id, device="demo: door 1",
                               at=opening + dt.timedelta(minutes=rng.triangular(0, 90, 25))))
    db.session.commit()
    yield f"check-ins: {len(chosen)} at the opening"
