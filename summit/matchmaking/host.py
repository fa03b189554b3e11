"""The booth host's side: decisions on requests and the day's marks."""
from __future__ import annotations

from flask_babel import gettext as _

from summit.core import audit
from summit.core.database import transaction
from summit.matchmaking.errors import MatchmakingError
from summit.matchmaking.models import MEETING_STATUSES, OUTCOMES, Meeting, MeetingRequest


def decide(request: MeetingRequest, action: str) -> MeetingRequest:
    before = {"status": request.status, "priority": request.priority}
    if action == "accept":
        request.status = "accepted"
    elif action == "decline":
        request.status = "declined"
        request.priority = False
    elif action == "priority":
        if request.status == "declined":
            request.status = "pending"
        request.priority = True
    elif action == "unpriority":
        request.priority = False
    elif action == "reset":
        request.status, request.priority = "pending", False
    else:
        raise MatchmakingError(_("Unknown action."), status=400)
    with transaction():
        audit.record(request, f"request_{action}", before=before, after={"status": request.status, "priority": request.priority})
    return request


def mark(meeting: Meeting, status: str, outcome: str = "", note: str = "") -> Meeting:
    if status not in MEETING_STATUSES:
        raise MatchmakingError(_("Choose held, no-show or planned."), field="status")
    if outcome and outcome not in OUTCOMES:
        raise MatchmakingError(_("Unknown outcome."), field="outcome")
    if outcome and status != "held":
        raise MatchmakingError(_("Only a meeting that was held has an outcome."), field="outcome")
    if len(note) > 2000:
        raise MatchmakingError(_("The note may be at most 2000 characters."), field="note")
    with transaction():
        before = {"status": meeting.status, "outcome": meeting.outcome, "note": meeting.note}
        meeting.status, meeting.outcome, meeting.note = status, outcome, note.strip()
        audit.record(meeting, "meeting_marked", before=before, after={"status": status, "outcome": outcome, "note": meeting.note})
    return meeting
