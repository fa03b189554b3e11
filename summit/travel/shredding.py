"""The travel feature's shredder (summit/core/shredding.py): the invitee's private link stops
working, and what they typed about their journey (flight and train numbers, dietary needs) is
blanked. Times, places and party sizes stay, so the arrival figures stay."""
from __future__ import annotations

from sqlalchemy import select

from summit.core.shredding import random_hash
from summit.extensions import db

from .models import Invitation


def shred(scope) -> None:
    invitations = select(Invitation).where(Invitation.summit_id == scope.summit.id).order_by(Invitation.id)
    if not scope.everyone:
        invitations = invitations.where(Invitation.registration_id.in_(scope.subjects.get("registrations", ())))
    for inv in db.session.scalars(invitations):
        inv.token_hash = random_hash()
        scope.audit_of("invitations", [inv.id])
        scope.rows["invitations"] += 1
        travel = inv.travel
        if travel is not None:
            scope.forget(travel.dietary, travel.arrival_number, travel.departure_number)
            travel.dietary = travel.arrival_number = travel.departure_number = ""
            scope.rows["travels"] += 1
