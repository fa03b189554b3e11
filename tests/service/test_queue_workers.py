"""The task queue's guarantees, on real `summit worker` processes and a real Redis: a worker
killed with kill -9 in the middle of a batch loses nothing (another worker gets its task again
after the visibility timeout, set short here as a deployment may set it), its render processes
die with it, and a job that no worker holds is not shown as running."""
from __future__ import annotations

import io
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from summit.badges.models import Badge
from summit.core import jobs
from summit.core.models import Job, JobPart, Summit
from tests.fixtures.processes import alive, base_env

VISIBILITY_TIMEOUT = 4  # seconds (production: 240)
PEOPLE = 24
CHUNK = 3  # badges per part: eight parts


@pytest.fixture
def app_config(redis_url, tmp_path):
    return {"TASKS_EAGER": False, "BROKER_URL": redis_url, "TASK_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT,
            "UPLOAD_DIR": str(tmp_path / "shared"), "JOB_QUIET_SECONDS": 2, "BATCH_CHUNK": CHUNK}


@pytest.fixture
def worker_env(database_url, redis_url, tmp_path):
    def env(name: str) -> dict[str, str]:
        return base_env(SUMMIT_DATABASE_URL=database_url, SUMMIT_REDIS_URL=redis_url,
                        SUMMIT_INSTANCE_DIR=str(tmp_path / name / "instance"),
                        SUMMIT_STORAGE_DIR=str(tmp_path / "shared"),
                        SUMMIT_TASK_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT), SUMMIT_BATCH_CHUNK=str(CHUNK))

    return env


@pytest.fixture
def people(make_registration):
    return [make_registration(f"参会者{i}") for i in range(PEOPLE)]


def holds_a_part(db, job_id: int, worker: str) -> int | None:
    """The part the worker took and has not finished: it is rendering it."""
    db.session.rollback()
    return db.session.scalar(select(JobPart.number).where(
        JobPart.job_id == job_id, JobPart.status == "queued", JobPart.worker.startswith(f"{worker}@")))


def start_batch(app) -> int:
    from summit.badges import sheets

    with app.app_context():
        return sheets.start_batch(Summit.current(), "a6", None, "all", None).job_id


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value is not None and value is not False:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} within {timeout} s")
        time.sleep(0.05)


def job_row(db, job_id: int) -> Job:
    db.session.rollback()  # a fresh snapshot: the workers write
    return db.session.get(Job, job_id)


def test_a_worker_killed_mid_batch_loses_nothing(app, db, people, processes, worker_env, tmp_path):
    first = processes.worker("first", tmp_path / "first", worker_env("first"))
    second = processes.worker("second", tmp_path / "second", worker_env("second"))
    job_id = start_batch(app)
    held = wait_until(lambda: holds_a_part(db, job_id, "first"), 60, "rendering on the first worker")
    pool = first.kill9()
    killed_at = time.monotonic()
    assert pool
    wait_until(lambda: not any(alive(pid) for pid in pool) or None, 10, "its render processes gone")
    job = wait_until(lambda: (j := job_row(db, job_id)).status in ("done", "failed") and j or None, 90, "finished")
    took = time.monotonic() - killed_at
    assert job.status == "done", job.error
    assert job.done == job.total == PEOPLE
    # The part the first worker was rendering was delivered again (to the second) and finished.
    parts = db.session.scalars(select(JobPart).where(JobPart.job_id == job_id)).all()
    assert len(parts) == PEOPLE // CHUNK and all(p.status == "done" for p in parts)
    redelivered = next(p for p in parts if p.number == held)
    assert redelivered.attempts == 2 and redelivered.worker.startswith("second@")
    assert took < VISIBILITY_TIMEOUT + 30
    with app.app_context():
        pdf = jobs.result_file(db.session.get(Job, job_id)).read_bytes()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == PEOPLE
    # Each badge printed once, however often a part ran.
    assert db.session.scalars(select(func.max(Badge.print_count))).one() == 1
    assert "summit.jobs.part" in second.log()


def test_a_job_no_worker_holds_waits_and_the_next_worker_finishes_it(app, db, people, processes, worker_env,
                                                                     tmp_path, client, login):
    login("organizer")
    only = processes.worker("only", tmp_path / "only", worker_env("only"))
    job_id = start_batch(app)
    wait_until(lambda: holds_a_part(db, job_id, "only"), 60, "rendering")
    only.kill9()
    # Still "running" in its row, but no worker holds it: shown as waiting, not as running.
    time.sleep(2.5)
    assert job_row(db, job_id).status == "running"
    assert client.get(f"/api/v1/jobs/{job_id}").json["status"] == "queued"
    processes.worker("next", tmp_path / "next", worker_env("next"))
    wait_until(lambda: job_row(db, job_id).status == "done" or None, 90, "done")
    state = client.get(f"/api/v1/jobs/{job_id}").json
    assert state["status"] == "done" and state["done"] == PEOPLE and state["error"] is None
    assert client.get(state["result_url"]).status_code == 200
