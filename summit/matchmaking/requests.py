"""The talent's side: the wish list of booths, the times away and the CV."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask_babel import gettext as _

from summit.core import audit, pdfcheck, storage
from summit.core.database import transaction
from summit.core.models import utcnow
from summit.extensions import db
from summit.matchmaking.errors import MatchmakingError
from summit.matchmaking.lookups import check_attendee, profile_of, requests_of
from summit.matchmaking.models import MeetingRequest, RecruitmentSession, TalentProfile
from summit.registration.models import Registration

CV_MAX_BYTES = 10 * 1024 * 1024


def set_requests(registration: Registration, session: RecruitmentSession, booth_ids: list[int],
                 unavailable_slot_ids: list[int]) -> list[MeetingRequest]:
    """The talent's wish list in order of preference (replaces the previous one) and the
    session's slots they cannot come."""
    check_attendee(registration)
    if not session.requests_open:
        raise MatchmakingError(_("Requests for this session are closed."), field="booths", status=409)
    seen = []
    for b in booth_ids:
        if b not in seen:
            seen.append(b)
    if len(seen) > session.max_requests:
        raise MatchmakingError(_("Choose at most %(k)s booths.", k=session.max_requests), field="booths")
    valid = {b.id for b in session.booths}
    if any(b not in valid for b in seen):
        raise MatchmakingError(_("One of the chosen booths is not in this session."), field="booths")
    slot_ids = {s.id for s in session.slots}
    wrong = [s for s in unavailable_slot_ids if s not in slot_ids]
    if wrong:
        raise MatchmakingError(_("One of the chosen times is not in this session."), field="unavailable")
    with transaction():
        existing = {r.booth_id: r for r in requests_of(registration, session)}
        before = {"booths": [r.booth_id for r in sorted(existing.values(), key=lambda r: r.rank)]}
        for booth_id, req in existing.items():
            if booth_id not in seen:
                db.session.delete(req)
        db.session.flush()
        out = []
        for rank, booth_id in enumerate(seen, start=1):
            req = existing.get(booth_id)
            if req is None:
                req = MeetingRequest(session_id=session.id, booth_id=booth_id, registration_id=registration.id)
                db.session.add(req)
            req.rank = rank
            out.append(req)
        profile = profile_of(registration, create=True)
        others = [s for s in (profile.unavailable_slot_ids or []) if s not in slot_ids]
        profile.unavailable_slot_ids = others + sorted(set(unavailable_slot_ids))
        db.session.flush()
        audit.record(registration, "meeting_requests_set", before=before,
                     after={"booths": seen, "unavailable": sorted(set(unavailable_slot_ids))},
                     actor_label="attendee link")
    return out


def save_cv(registration: Registration, filename: str, data: bytes) -> TalentProfile:
    check_attendee(registration)
    if not data:
        raise MatchmakingError(_("Choose a PDF file."), field="cv")
    try:
        pdfcheck.inspect_pdf(data, CV_MAX_BYTES)
    except pdfcheck.PdfProblem as problem:
        if problem.kind == "too_large":
            raise MatchmakingError(_("The CV may be at most 10 MB."), field="cv", status=413)
        # Hosts must be able to open it: a damaged or locked file is as useless as another format.
        raise MatchmakingError(_("The CV must be a PDF file."), field="cv")
    # A random file name: the upload's own name is shown, never used as a path.
    try:
        stored = storage.save("cv", f"{registration.id}-{secrets.token_hex(8)}.pdf", data)
    except storage.StorageError:
        raise MatchmakingError(str(storage.NOT_SAVED), field="cv", status=503) from None
    with transaction():
        profile = profile_of(registration, create=True)
        old = profile.cv_path
        profile.cv_path = stored
        profile.cv_filename = (Path(filename or "cv.pdf").name or "cv.pdf")[:200]
        profile.cv_uploaded_at = utcnow()
        db.session.flush()
        audit.record(registration, "cv_uploaded", after={"filename": profile.cv_filename}, actor_label="attendee link")
    if old and old != stored:
        storage.remove(old)
    return profile
