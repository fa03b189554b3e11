"""The recruitment sessions' shredder (summit/core/shredding.py): the talents' CVs, the hosts'
notes on meetings and the talents' messages to booths. Meetings, outcomes and requests stay as
figures (they point to the anonymised registration)."""
from __future__ import annotations

from sqlalchemy import select

from summit.extensions import db
from summit.matchmaking.models import Meeting, MeetingRequest, TalentProfile
from summit.registration.models import Registration


def shred(scope) -> None:
    regs = select(Registration.id).where(Registration.summit_id == scope.summit.id)
    if not scope.everyone:
        regs = regs.where(Registration.id.in_(scope.subjects.get("registrations", ())))
    for profile in db.session.scalars(select(TalentProfile).where(TalentProfile.registration_id.in_(regs))):
        if profile.cv_path:
            scope.remove_file(profile.cv_path)
            scope.rows["matchmaking_profiles"] += 1
        profile.cv_path, profile.cv_filename = "", ""
    for meeting in db.session.scalars(select(Meeting).where(Meeting.registration_id.in_(regs), Meeting.note != "")):
        meeting.note = ""
    for request in db.session.scalars(select(MeetingRequest).where(MeetingRequest.registration_id.in_(regs),
                                                                   MeetingRequest.message != "")):
        request.message = ""
