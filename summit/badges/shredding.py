"""The badges feature's shredder (summit/core/shredding.py): the printed badge PDFs that show
the people, and what staff typed to find someone at the door. Badge codes are random and stay,
so the check-in figures stay."""
from __future__ import annotations

from sqlalchemy import select

from summit.badges.models import Badge, CheckIn, PrintBatch
from summit.core import jobs
from summit.core.models import Job
from summit.extensions import db
from summit.registration.models import Registration


def shred(scope) -> None:
    summit_id = scope.summit.id
    batches = select(PrintBatch).where(PrintBatch.summit_id == summit_id)
    if not scope.everyone:
        reg_ids = select(Registration.id).where(Registration.summit_id == summit_id,
                                                Registration.id.in_(scope.subjects.get("registrations", ())))
        # Every sheet the person's badge was printed on: the file can be printed again.
        batches = batches.where(PrintBatch.id.in_(select(Badge.last_batch_id).where(Badge.registration_id.in_(reg_ids))))
    for batch in db.session.scalars(batches):
        if batch.file_path:
            scope.remove_file(batch.file_path)
            batch.file_path = None
            scope.rows["badge_print_batches"] += 1
        batch.selection = {k: v for k, v in (batch.selection or {}).items() if k != "q"}
        job = db.session.get(Job, batch.job_id) if batch.job_id else None
        if job is not None:
            jobs.forget_files(job, scope.remove_file)
    searches = select(CheckIn).where(CheckIn.summit_id == summit_id, CheckIn.method == "search")
    if not scope.everyone:
        searches = searches.where(CheckIn.registration_id.in_(scope.subjects.get("registrations", ())))
    for scan in db.session.scalars(searches):
        scan.code = ""
