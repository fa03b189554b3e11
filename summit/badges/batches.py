"""A badge batch as a job on the task queue (summit.core.jobs): the selection is split into
chunks of whole sheets (about BATCH_CHUNK badges), each chunk rendered by a task of its own,
the chunks joined into one PDF; then the badges are marked printed."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from summit.badges import layouts as layout_data
from summit.badges import sheets
from summit.badges.models import Badge, PrintBatch
from summit.core import jobs
from summit.core.models import Job, JobPart, Summit, utcnow
from summit.extensions import db
from summit.registration.models import Registration


def _batch(job: Job) -> PrintBatch:
    return db.session.get(PrintBatch, jobs.params(job)["batch_id"])


def chunk_size(layout: layout_data.Layout, wanted: int) -> int:
    """About `wanted` badges, in whole sheets."""
    return max(layout.per_page, (wanted // layout.per_page) * layout.per_page)


def plan(job: Job) -> list[list]:
    batch = _batch(job)
    summit = db.session.get(Summit, batch.summit_id)
    entries = sheets.select_for_print(summit, batch.selection.get("category") or None,
                                      batch.selection.get("mode", "all"), order=batch.selection.get("order", "stroke"))
    pairs = [[registration.id, badge.id] for registration, badge in entries]
    size = chunk_size(sheets.get_layout(batch.layout, batch.selection.get("pinyin")),
                      int(current_app.config.get("BATCH_CHUNK") or 50))
    return [pairs[i:i + size] for i in range(0, len(pairs), size)]


def render(job: Job, items: list) -> bytes:
    batch = _batch(job)
    registrations = {r.id: r for r in db.session.scalars(
        select(Registration).where(Registration.id.in_([r for r, _b in items])))}
    badges = {b.id: b for b in db.session.scalars(select(Badge).where(Badge.id.in_([b for _r, b in items])))}
    entries = [(registrations[r], badges[b]) for r, b in items if r in registrations and b in badges]
    return sheets.render_badges_html(sheets.badges_html(entries, batch.layout, batch.selection.get("pinyin")), batch=True)


def empty(job: Job) -> bytes:
    batch = _batch(job)
    return sheets.render_badges_html(sheets.badges_html([], batch.layout, batch.selection.get("pinyin")))


def finish(job: Job) -> None:
    """In the join's transaction: the badges are printed, the batch is done."""
    batch = _batch(job)
    badge_ids = [b for items in db.session.scalars(select(JobPart.items).where(JobPart.job_id == job.id))
                 for _r, b in items]
    now = utcnow()
    for start in range(0, len(badge_ids), 500):
        db.session.execute(db.update(Badge).where(Badge.id.in_(badge_ids[start:start + 500])).values(
            printed_at=now, print_count=Badge.print_count + 1, last_batch_id=batch.id))
    batch.count, batch.status, batch.file_path, batch.error = len(badge_ids), "done", job.result_path, ""


def stopped(job: Job) -> None:
    batch = _batch(job)
    if batch is not None:
        batch.status, batch.error = job.status, job.error


def resumed(job: Job) -> None:
    batch = _batch(job)
    if batch is not None:
        batch.status, batch.error = "queued", ""


WORK = jobs.Work(plan=plan, render=render, finish=finish, stopped=stopped, resumed=resumed, empty=empty)
