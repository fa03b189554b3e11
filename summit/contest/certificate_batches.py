"""Certificate batches: a background job prints a selection of certificates into one PDF, in
chunks, with progress (as badge batches do)."""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

from flask_babel import gettext as _
from pypdf import PdfWriter
from sqlalchemy import select

from summit.core import jobs, links, storage
from summit.core.models import Summit
from summit.extensions import db
from summit.printing.pdf import render_pdf

from .certificate_records import certificate_data, certificate_list
from .certificates import document_html
from .errors import ContestError
from .models import Certificate


def start_certificate_batch(summit: Summit, kind: str | None, track_code: str | None, created_by_id: int | None,
                            order: str = "serial"):
    """A background job printing the selected valid certificates into one PDF (as badge batches do),
    in the order asked (serial, or the recipients' names by strokes or pinyin)."""
    ids = [c.id for c in certificate_list(summit, kind, track_code, include_revoked=False, order=order)]
    if not ids:
        raise ContestError(_("No valid certificate matches this selection."), status=409)
    # The QR codes point where the organizer who started the batch is (see summit.core.links).
    return jobs.start("certificates", "summit.contest.certificate_batches:run_certificate_batch",
                      {"summit_id": summit.id, "kind": kind or "", "track": track_code or "", "ids": ids,
                       "base_url": links.base_url()},
                      created_by_id)


CERT_CHUNK = 25  # certificates per WeasyPrint document in a batch


def certificate_batch_dir() -> Path:
    return storage.folder("certificates")


def run_certificate_batch(job_id: int, params: dict, progress) -> str:
    """The background job: render the certificates in chunks, record progress after each, and
    join the chunks into one PDF. Certificates revoked since the batch started are left out."""
    ids = [int(i) for i in params.get("ids") or []]
    by_id = {c.id: c for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(ids)))} if ids else {}
    certs = [by_id[i] for i in ids if i in by_id and by_id[i].revoked_at is None]
    total = len(certs)
    progress(0, total)
    writer = PdfWriter()
    for start in range(0, total, CERT_CHUNK):
        chunk = certs[start:start + CERT_CHUNK]
        # Many pages use many font slices: subset them rather than embed each slice whole.
        with links.based_on(params.get("base_url")):
            pages = [certificate_data(c) for c in chunk]
        pdf = render_pdf(document_html(pages), whole_slices=False)
        writer.append(io.BytesIO(pdf))
        progress(start + len(chunk), total)
    path = certificate_batch_dir() / f"certificates-{job_id}-{int(time.time())}.pdf"
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as fh:
        writer.write(fh)
    os.replace(tmp, path)
    return storage.relative(path)  # any host finds it under its own mount of the storage root
