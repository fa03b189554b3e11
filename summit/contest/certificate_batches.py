"""Certificate batches: a job on the task queue (summit.core.jobs) prints a selection of
certificates into one PDF, in chunks of CHUNK certificates, each rendered by a task of its own
and then joined, with progress (as badge batches do). Certificates revoked since the batch was
started are left out."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from summit.core import jobs, links
from summit.core.models import Job, Summit
from summit.extensions import db
from summit.printing.pdf import render_pdf

from .certificate_records import certificate_data, certificate_list
from .certificates import document_html
from .errors import ContestError
from .models import Certificate

CHUNK = 25  # landscape pages with many font slices: fewer per task than badges


def start_certificate_batch(summit: Summit, kind: str | None, track_code: str | None, created_by_id: int | None,
                            order: str = "serial"):
    """Record the job printing the selected valid certificates into one PDF, in the order asked
    (serial, or the recipients' names by strokes or pinyin), and hand it to the workers."""
    ids = [c.id for c in certificate_list(summit, kind, track_code, include_revoked=False, order=order)]
    if not ids:
        raise ContestError(_("No valid certificate matches this selection."), status=409)
    # The QR codes point where the organizer who started the batch is (see summit.core.links).
    return jobs.start("certificates", "summit.contest.certificate_batches:WORK",
                      {"summit_id": summit.id, "kind": kind or "", "track": track_code or "", "ids": ids,
                       "base_url": links.base_url()},
                      created_by_id)


def _valid(ids: list[int]) -> list[Certificate]:
    by_id = {c.id: c for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(ids)))} if ids else {}
    return [by_id[i] for i in ids if i in by_id and by_id[i].revoked_at is None]


def plan(job: Job) -> list[list]:
    ids = [c.id for c in _valid([int(i) for i in jobs.params(job).get("ids") or []])]
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def render(job: Job, items: list) -> bytes | None:
    certs = _valid([int(i) for i in items])
    if not certs:
        return None
    with links.based_on(jobs.params(job).get("base_url")):
        pages = [certificate_data(c) for c in certs]
    # Many pages use many font slices: subset them rather than embed each slice whole.
    return render_pdf(document_html(pages), whole_slices=False)


WORK = jobs.Work(plan=plan, render=render)
