"""Background jobs (badge and certificate batches) on the task queue, their progress in the
database so that every host can show it.

A job's work is a `Work`: plan() splits it into parts (chunks of ~50 badges), render() makes
one part's PDF, finish() records the outcome (badges marked printed). Each part is a task of
its own, so several workers render one batch at once and a worker that dies costs one part;
the task that finishes the last part hands out the join, which puts the parts' files together.

Every step may run twice (a task is handed to another worker when its worker died before
acknowledging it): parts done stay done, a planned job is not planned again, the join of a
finished job does nothing. A part delivered MAX_ATTEMPTS times without finishing (it kills its
worker every time) fails the job; an error fails it at once. A failed or cancelled job can be
retried: the parts already made are kept.

Job.error holds a code from ERRORS, translated when shown; the traceback goes to the log only.
"""
from __future__ import annotations

import datetime as dt
import importlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from summit.core import storage
from summit.core.database import for_update, transaction
from summit.core.models import Job, JobPart, utcnow
from summit.extensions import db

log = logging.getLogger("summit.jobs")

MAX_ATTEMPTS = 3
# A running job whose workers said nothing for this long is held by none: shown as waiting.
QUIET = dt.timedelta(seconds=60)
# A job quiet for this long is handed out again by the workers' sweep (its tasks were lost
# with a broker that keeps no unacknowledged tasks: the folder broker of `make run`) ...
SWEEP_AFTER = dt.timedelta(minutes=10)
# ... at most this often; then it fails, and the organizer may retry it.
MAX_SWEEPS = 3

ERRORS = {
    "failed": _l("The batch could not be made. Please try again; if it fails again, tell the technical staff."),
    "worker_lost": _l("The batch was interrupted several times (its worker stopped). Please try again; "
                      "if it fails again, tell the technical staff."),
    "cancelled": _l("The batch was cancelled."),
    "empty": _l("Nothing is left to print: everything selected was withdrawn meanwhile."),
}
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class Work:
    """What a kind of job does. Functions of the Job (its params), run in a worker."""

    plan: Callable[[Job], list[list]]            # the items of each part (JSON: ids)
    render: Callable[[Job, list], bytes | None]  # one part's PDF (None: nothing to print)
    finish: Callable[[Job], None] = lambda job: None     # after the join, in the join's transaction
    stopped: Callable[[Job], None] = lambda job: None    # failed or cancelled, in that transaction
    resumed: Callable[[Job], None] = lambda job: None    # retried
    empty: Optional[Callable[[Job], bytes]] = None       # the PDF of an empty selection


class JobError(ValueError):
    """A retry or cancel that the job's state does not allow; the message is translated."""


def _work(job: Job) -> Work:
    module_name, name = job.params["_target"].split(":")
    return getattr(importlib.import_module(module_name), name)


def params(job: Job) -> dict:
    return {k: v for k, v in (job.params or {}).items() if k != "_target"}


# ---------------------------------------------------------------- files

def _job_dir(job_id: int) -> str:
    return f"jobs/{job_id}"


def result_file(job: Job | None) -> Path | None:
    """The finished job's file, when it exists on this host's storage."""
    if job is None or job.status != "done" or not job.result_path:
        return None
    path = storage.path(job.result_path)
    return path if path.is_file() else None


def forget_files(job: Job, remove: Callable[[str], None]) -> None:
    """Hand every file the job keeps (its result, the parts of one that did not finish) to
    `remove` and forget them (shredding: the PDFs name people)."""
    for part in db.session.scalars(select(JobPart).where(JobPart.job_id == job.id, JobPart.path.is_not(None))):
        remove(part.path)
        part.path = None
    if job.result_path:
        remove(job.result_path)
        job.result_path = None


# ---------------------------------------------------------------- web side

def start(kind: str, target: str, params: dict, created_by_id: int | None = None) -> Job:
    """Record the job and hand it to the workers. target: "package.module:NAME" of its Work."""
    with transaction():
        job = Job(kind=kind, params={**params, "_target": target}, created_by_id=created_by_id)
        db.session.add(job)
    return send(job.id)


def send(job_id: int) -> Job:
    """Hand a recorded (committed) job to the workers. Should the broker be down, the job waits
    in the database and the workers' sweep hands it out later."""
    from summit.core import queue

    queue.send("summit.jobs.plan", job_id)
    db.session.rollback()  # a fresh snapshot: an eager run wrote in a session of its own
    return db.session.get(Job, job_id)


def cancel(job_id: int) -> Job:
    with transaction(lock=True):
        job = _locked(job_id)
        if job is None or job.status not in ACTIVE:
            raise JobError(_l("Only a batch that is still running can be cancelled."))
        _stop(job, "cancelled")
    return job


def retry(job_id: int) -> Job:
    """Start a failed or cancelled job again; the parts already made are kept."""
    from summit.core import queue

    with transaction(lock=True):
        job = _locked(job_id)
        if job is None or job.status not in ("failed", "cancelled"):
            raise JobError(_l("Only a failed or cancelled batch can be tried again."))
        job.status, job.error, job.finished_at, job.sweeps, job.heartbeat_at = "queued", "", None, 0, None
        db.session.execute(db.update(JobPart).where(JobPart.job_id == job_id, JobPart.status != "done")
                           .values(attempts=0))
        _work(job).resumed(job)
    queue.send("summit.jobs.plan", job_id)
    db.session.rollback()
    return db.session.get(Job, job_id)


def shown_status(job: Job) -> str:
    """queued | running | done | failed, as the API and the pages say it: a cancelled job has
    failed (its error says so), and a running job that no worker holds is waiting again."""
    if job.status == "cancelled":
        return "failed"
    quiet = dt.timedelta(seconds=current_app.config.get("JOB_QUIET_SECONDS") or QUIET.total_seconds())
    if job.status == "running" and (job.heartbeat_at is None or utcnow() - job.heartbeat_at > quiet):
        return "queued"
    return job.status if job.status in ("queued", "running", "done", "failed") else "failed"


def error_message(job: Job) -> str | None:
    if job.status not in ("failed", "cancelled"):
        return None
    return str(ERRORS.get(job.error or "failed", ERRORS["failed"]))


# ---------------------------------------------------------------- worker side

def _locked(job_id: int) -> Job | None:
    """The job row under a lock (PostgreSQL; on SQLite begin_write() holds the write lock), so
    that concurrent parts see each other's completion."""
    return db.session.scalar(for_update(select(Job).where(Job.id == job_id)).execution_options(populate_existing=True))


def _stop(job: Job, code: str) -> None:
    job.status, job.error, job.finished_at = ("cancelled" if code == "cancelled" else "failed"), code, utcnow()
    _work(job).stopped(job)


def _fail(job_id: int, code: str) -> None:
    db.session.rollback()  # whatever the failed step left half-done
    with transaction(lock=True):
        job = _locked(job_id)
        if job is not None and job.status in ACTIVE:
            _stop(job, code)


def _take(job_id: int) -> Job | None:
    """The job, marked running, when it is still to be worked on."""
    with transaction(lock=True):
        job = _locked(job_id)
        if job is None or job.status not in ACTIVE:
            return None
        now = utcnow()
        job.status, job.heartbeat_at = "running", now
        job.started_at = job.started_at or now
    return job


def _worker_name() -> str:
    from celery import current_task

    return str(getattr(getattr(current_task, "request", None), "hostname", None) or "")[:200]


def plan(job_id: int) -> None:
    """Split the job into parts (once) and hand out every part not yet done."""
    from summit.core import queue

    job = _take(job_id)
    if job is None:
        return
    if not _has_parts(job_id):
        try:
            chunks = _work(job).plan(job)  # may commit (badges made for the selection)
        except Exception:
            log.exception("job failed while planning", extra={"fields": {"job": job_id}})
            _fail(job_id, "failed")
            return
        db.session.rollback()
        with transaction(lock=True):
            job = _locked(job_id)
            if job.status in ACTIVE and not _has_parts(job_id):  # not planned meanwhile by a second delivery
                for number, items in enumerate(chunks):
                    db.session.add(JobPart(job_id=job_id, number=number, items=items, count=len(items)))
                job.total, job.done = sum(len(c) for c in chunks), 0
    waiting = db.session.scalars(select(JobPart.number).where(JobPart.job_id == job_id, JobPart.status != "done")
                                 .order_by(JobPart.number)).all()
    db.session.rollback()
    if not waiting:
        queue.send("summit.jobs.join", job_id)
    for number in waiting:
        queue.send("summit.jobs.part", job_id, number)


def _has_parts(job_id: int) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(JobPart).where(JobPart.job_id == job_id)))


def _part(job_id: int, number: int) -> JobPart | None:
    return db.session.scalar(select(JobPart).where(JobPart.job_id == job_id, JobPart.number == number)
                             .execution_options(populate_existing=True))


def _start_part(job_id: int, number: int) -> tuple[Job, list] | None:
    """Count the delivery of a part; None when there is nothing (more) to do."""
    with transaction(lock=True):
        job = _locked(job_id)
        part = _part(job_id, number)
        if job is None or part is None or job.status not in ACTIVE or part.status == "done":
            return None
        if part.attempts >= MAX_ATTEMPTS:
            log.error("job part kept failing to finish", extra={"fields": {"job": job_id, "part": number}})
            _stop(job, "worker_lost")
            return None
        part.attempts += 1
        part.worker = _worker_name()
        job.heartbeat_at = utcnow()
        return job, list(part.items)


def render_part(job_id: int, number: int) -> None:
    from summit.core import queue

    started = _start_part(job_id, number)
    if started is None:
        return
    job, items = started
    relative = None
    try:
        data = _work(job).render(job, items)
        if data:  # whole or not at all, also when a part is made twice
            relative = storage.save(_job_dir(job_id), f"part-{number:05d}.pdf", data)
    except Exception:
        log.exception("job part failed", extra={"fields": {"job": job_id, "part": number}})
        _fail(job_id, "failed")
        return
    db.session.rollback()
    with transaction(lock=True):
        job = _locked(job_id)
        if job.status not in ACTIVE:
            return
        part = _part(job_id, number)
        if part.status != "done":
            part.status, part.path, part.finished_at = "done", relative, utcnow()
            db.session.flush()
        job.done = db.session.scalar(select(func.coalesce(func.sum(JobPart.count), 0))
                                     .where(JobPart.job_id == job_id, JobPart.status == "done"))
        job.heartbeat_at = utcnow()
        left = db.session.scalar(select(func.count()).select_from(JobPart).where(
            JobPart.job_id == job_id, JobPart.status != "done"))
    if left == 0:
        queue.send("summit.jobs.join", job_id)


def join(job_id: int) -> None:
    """Put the parts' files together into the job's result, then let the work record it."""
    from pypdf import PdfWriter

    job = db.session.get(Job, job_id)
    if job is None or job.status not in ACTIVE:
        db.session.rollback()
        return
    parts = db.session.scalars(select(JobPart).where(JobPart.job_id == job_id).order_by(JobPart.number)).all()
    if any(p.status != "done" for p in parts):
        db.session.rollback()
        return  # a part's task will hand out the join again when it finishes
    work, kind = _work(job), job.kind
    files = [storage.path(p.path) for p in parts if p.path]
    db.session.rollback()
    try:
        if files:
            writer = PdfWriter()
            for path in files:
                writer.append(io.BytesIO(path.read_bytes()))
            out = io.BytesIO()
            writer.write(out)
            data = out.getvalue()
        elif work.empty is not None:
            data = work.empty(db.session.get(Job, job_id))
        else:
            _fail(job_id, "empty")
            return
        # Results beside their kind's other files (badges/, certificates/); parts under jobs/<id>/.
        relative = storage.save(kind, f"{kind}-{job_id}.pdf", data)
        db.session.rollback()
        with transaction(lock=True):
            job = _locked(job_id)
            if job is None or job.status not in ACTIVE:
                return
            job.status, job.result_path, job.finished_at, job.done = "done", relative, utcnow(), job.total
            work.finish(job)  # in the same transaction: the badges are printed if the batch is done
    except Exception:
        log.exception("job failed while joining", extra={"fields": {"job": job_id}})
        _fail(job_id, "failed")
        return
    for path in files:  # the parts are in the result now
        path.unlink(missing_ok=True)
    if files:
        try:
            files[0].parent.rmdir()
        except OSError:  # not empty (a part made twice meanwhile) or gone: left as it is
            pass


def sweep(now: dt.datetime | None = None) -> int:
    """Hand out again the jobs that went quiet for SWEEP_AFTER (their tasks were lost); fail
    those swept MAX_SWEEPS times already. Returns how many it touched."""
    from summit.core import queue

    now = now or utcnow()
    quiet = db.session.scalars(select(Job.id).where(
        Job.status.in_(ACTIVE), func.coalesce(Job.heartbeat_at, Job.created_at) < now - SWEEP_AFTER)).all()
    db.session.rollback()
    for job_id in quiet:
        with transaction(lock=True):
            job = _locked(job_id)
            if job is None or job.status not in ACTIVE:
                continue
            if job.sweeps >= MAX_SWEEPS:
                log.error("job went quiet too often", extra={"fields": {"job": job_id}})
                _stop(job, "worker_lost")
                continue
            job.sweeps += 1
            job.heartbeat_at = now
        log.warning("quiet job handed out again", extra={"fields": {"job": job_id}})
        queue.send("summit.jobs.plan", job_id)
    return len(quiet)


def api_json(job: Job, result_url: str | None) -> dict[str, Any]:
    status = shown_status(job)
    return {"id": job.id, "kind": job.kind, "status": status, "done": job.done, "total": job.total,
            "result_url": result_url if status == "done" else None, "error": error_message(job)}
