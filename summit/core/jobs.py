"""Background jobs with their progress in the database.

start() records a Job and runs the work in a thread of this worker, so the request
returns at once; the page polls /jobs/<id>, which any worker can answer because the
progress lives in the jobs table. The work is a function `work(job_id, params, progress)`
that returns the result file's path; progress(done, total) records how far it is.
"""
from __future__ import annotations

import importlib
import logging
import threading
import traceback

from flask import current_app

from summit.core.database import transaction
from summit.core.models import Job, utcnow
from summit.extensions import db

log = logging.getLogger("summit.jobs")


def start(kind: str, target: str, params: dict, created_by_id: int | None = None) -> Job:
    """target is "package.module:function" so that the work can be found by name."""
    with transaction():
        job = Job(kind=kind, params={**params, "_target": target}, created_by_id=created_by_id)
        db.session.add(job)
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        run(app, job.id)
    else:
        threading.Thread(target=run, args=(app, job.id), daemon=True, name=f"job-{job.id}").start()
    return job


def run(app, job_id: int) -> None:
    with app.app_context():
        job = db.session.get(Job, job_id)
        module_name, func_name = job.params["_target"].split(":")
        work = getattr(importlib.import_module(module_name), func_name)
        with transaction():
            job.status = "running"

        def progress(done: int, total: int) -> None:
            # A separate short transaction so that readers see it while the work goes on.
            with transaction():
                db.session.execute(db.update(Job).where(Job.id == job_id).values(done=done, total=total))

        params = {k: v for k, v in job.params.items() if k != "_target"}
        try:
            result = work(job_id, params, progress)
        except Exception:  # the job fails, the worker lives on
            db.session.rollback()  # whatever the work left half-done
            log.exception("job failed", extra={"fields": {"job": job_id}})
            outcome = {"status": "failed", "error": traceback.format_exc(limit=3)[-2000:]}
        else:
            outcome = {"status": "done", "result_path": result}
        with transaction():
            db.session.execute(db.update(Job).where(Job.id == job_id).values(finished_at=utcnow(), **outcome))
        db.session.remove()
