"""Jobs on the task queue, run eagerly here (tests/service runs them on real workers and Redis):
the printing services' API, failures that end as "failed" with a translated message and a retry,
cancelling, the sweep of jobs whose tasks were lost, and mail from every feature sent on commit."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from summit.auth import services as auth_services
from summit.badges.models import Badge, PrintBatch
from summit.core import jobs
from summit.core.models import Job, JobPart, OutboundMail, utcnow


@pytest.fixture
def app_config(tmp_path):
    return {"UPLOAD_DIR": str(tmp_path / "storage"), "BATCH_CHUNK": 2}


@pytest.fixture
def token(app):
    with app.app_context():
        _row, secret = auth_services.create_token("organizer", "printing service")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def people(db, make_registration):
    ids = [make_registration(f"人员{i}", category="talent" if i % 2 else "enterprise") for i in range(7)]
    make_registration("未审核", status="pending")
    return ids


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_printing_service_starts_a_batch_and_fetches_the_pdf(client, db, people, token):
    response = client.post("/api/v1/badge-batches", json={"layout": "a6", "mode": "all"}, headers=token)
    assert response.status_code == 202, response.json
    job_id = response.json["job"]
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{job_id}")
    job = client.get(f"/api/v1/jobs/{job_id}", headers=token).json
    assert job == {"id": job_id, "kind": "badges", "status": "done", "done": 7, "total": 7,
                   "result_url": f"http://localhost/api/v1/jobs/{job_id}/result", "error": None}
    pdf = client.get(job["result_url"], headers=token)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pages(pdf.data) == 7
    # Rendered as chunks of two badges (four parts), joined; the parts' files are gone.
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(JobPart).where(JobPart.job_id == job_id)) == 4
    storage = Path(client.application.config["UPLOAD_DIR"])
    assert not (storage / "jobs" / str(job_id)).exists() and (storage / f"badges/badges-{job_id}.pdf").is_file()
    assert db.session.scalar(select(func.count()).select_from(Badge).where(Badge.printed_at.is_not(None))) == 7
    # Not printed yet, one category: nothing left; an empty body means every badge.
    response = client.post("/api/v1/badge-batches", json={"mode": "not_printed", "category": "talent"}, headers=token)
    assert client.get(f"/api/v1/jobs/{response.json['job']}", headers=token).json["total"] == 0
    response = client.post("/api/v1/badge-batches", headers=token)
    assert response.status_code == 202
    assert client.get(f"/api/v1/jobs/{response.json['job']}", headers=token).json["total"] == 7


def test_batch_api_refuses_bad_input_and_strangers(client, db, people, token, make_user):
    bad = [({"layout": "poster"}, 422), ({"layout": 5}, 422), ({"category": "nobody"}, 404),
           ({"category": ["talent"]}, 422), ({"mode": "new"}, 422), ({"mode": "everything"}, 422)]
    for body, status in bad:
        response = client.post("/api/v1/badge-batches", json=body, headers=token)
        assert response.status_code == status, body
        assert response.json["error"] and "Traceback" not in response.json["error"]
    for raw in (b"[1, 2]", b"{not json", b'"a6"'):
        response = client.post("/api/v1/badge-batches", data=raw, headers={**token, "Content-Type": "application/json"})
        assert response.status_code == 400, raw
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    assert db.session.scalar(select(func.count()).select_from(PrintBatch)) == 0
    # No token, a wrong one, a check-in device's token.
    assert client.post("/api/v1/badge-batches", json={}).status_code == 401
    assert client.post("/api/v1/badge-batches", json={}, headers={"Authorization": "Bearer nope"}).status_code == 401
    with client.application.app_context():
        _row, secret = auth_services.create_token("checkin", "door")
    door = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/badge-batches", json={}, headers=door).status_code == 403
    job_id = client.post("/api/v1/badge-batches", json={}, headers=token).json["job"]
    assert client.get(f"/api/v1/jobs/{job_id}", headers=door).status_code == 403
    assert client.get(f"/api/v1/jobs/{job_id}/result", headers=door).status_code == 403
    assert client.get("/api/v1/jobs/999999", headers=token).status_code == 404
    assert client.get("/api/v1/jobs/999999/result", headers=token).status_code == 404


def test_a_batch_that_fails_says_why_in_words_and_can_be_retried(app, client, db, login, people, tmp_path):
    # The storage directory is unusable (a file stands where it should be): rendering fails for real.
    blocker = tmp_path / "storage"
    blocker.write_text("not a directory")
    login("organizer")
    response = client.post("/badges/print", data={"layout": "a6", "category": "", "mode": "all"})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    batch_url = response.headers["Location"]
    batch = db.session.scalar(select(PrintBatch))
    state = client.get(f"/jobs/{batch.job_id}", headers={"Accept-Language": "en"}).json
    assert state["status"] == "failed" and state["error"].startswith("The batch could not be made.")
    page = client.get(batch_url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "批次未能生成" in page and "Traceback" not in page and "NotADirectoryError" not in page
    assert f'action="/jobs/{batch.job_id}/retry"' in page
    db.session.rollback()
    assert db.session.get(PrintBatch, batch.id).status == "failed"
    # Fixed, then retried from the page: done, the same batch.
    blocker.unlink()
    response = client.post(f"/jobs/{batch.job_id}/retry", data={"next": batch_url})
    assert response.status_code == 303 and response.headers["Location"] == batch_url
    assert client.get(f"/jobs/{batch.job_id}").json["status"] == "done"
    db.session.rollback()
    assert db.session.get(PrintBatch, batch.id).status == "done" and db.session.get(PrintBatch, batch.id).count == 7
    assert pages(client.get(f"/badges/batches/{batch.id}/download").data) == 7
    # A finished batch is neither retried nor cancelled.
    client.post(f"/jobs/{batch.job_id}/retry", data={"next": batch_url})
    client.post(f"/jobs/{batch.job_id}/cancel", data={"next": batch_url})
    assert "只有" in client.get(batch_url).get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Job, batch.job_id).status == "done"


@contextlib.contextmanager
def no_worker(app):
    """Tasks go to the broker (a folder here) and no worker takes them, as on a busy queue."""
    celery = app.extensions["celery"]
    celery.conf.task_always_eager = False
    try:
        yield
    finally:
        celery.conf.task_always_eager = True


def _start(app) -> tuple[int, int]:
    from summit.badges import sheets
    from summit.core.models import Summit

    with app.app_context():
        batch = sheets.start_batch(Summit.current(), "a6", None, "all", None)
        return batch.id, batch.job_id


def test_cancel_stops_the_parts_left_and_retry_finishes_them(app, client, db, login, people):
    login("organizer")
    with no_worker(app):
        batch_id, job_id = _start(app)
        assert client.get(f"/jobs/{job_id}").json["status"] == "queued"
        page = client.get(f"/badges/batches/{batch_id}").get_data(as_text=True)
        assert f'action="/jobs/{job_id}/cancel"' in page and "等待" in page
        response = client.post(f"/jobs/{job_id}/cancel", data={"next": f"/badges/batches/{batch_id}"})
        assert response.status_code == 303 and response.headers["Location"] == f"/badges/batches/{batch_id}"
    state = client.get(f"/jobs/{job_id}", headers={"Accept-Language": "en"}).json
    assert state["status"] == "failed" and state["error"] == "The batch was cancelled."
    # Its task, delivered after the cancel, does nothing.
    with app.app_context():
        jobs.plan(job_id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(JobPart)) == 0
    assert db.session.get(PrintBatch, batch_id).status == "cancelled"
    assert "已取消" in client.get("/badges").get_data(as_text=True)
    client.post(f"/jobs/{job_id}/retry", data={"next": "/"})
    assert client.get(f"/jobs/{job_id}").json["status"] == "done"
    db.session.rollback()
    assert db.session.get(PrintBatch, batch_id).status == "done"


def test_a_job_no_worker_holds_is_not_shown_running_and_the_sweep_hands_it_out(app, db, client, login, people):
    from summit.badges import batches

    login("organizer")
    # A job whose tasks were lost (a broker that keeps no unacknowledged tasks, killed worker):
    # planned, two of four parts done, then silence.
    with app.app_context():
        from summit.core.models import Summit
        from summit.extensions import db as _db

        batch = PrintBatch(summit_id=Summit.current().id, layout="a6", selection={"mode": "all"})
        _db.session.add(batch)
        _db.session.flush()
        job = Job(kind="badges", params={"batch_id": batch.id, "_target": "summit.badges.batches:WORK"},
                  status="running", heartbeat_at=utcnow() - dt.timedelta(minutes=11))
        _db.session.add(job)
        _db.session.flush()
        batch.job_id = job.id
        chunks = batches.plan(job)
        for number, items in enumerate(chunks):
            _db.session.add(JobPart(job_id=job.id, number=number, items=items, count=len(items),
                                    status="done" if number < 2 else "queued", attempts=1 if number < 2 else 0))
        job.total, job.done = 7, 4
        _db.session.commit()
        job_id, batch_id = job.id, batch.id
    state = client.get(f"/api/v1/jobs/{job_id}").json
    assert state["status"] == "queued" and state["done"] == 4  # not "running": no worker holds it
    with app.app_context():
        assert jobs.sweep() == 1
    # Handed out again: the two parts left were rendered, the parts already made were not.
    state = client.get(f"/api/v1/jobs/{job_id}").json
    assert state["status"] == "done" and state["done"] == 7
    db.session.rollback()
    assert sorted(db.session.scalars(select(JobPart.attempts).where(JobPart.job_id == job_id))) == [1, 1, 1, 1]
    # Quiet too often: failed, with the reason in words.
    with app.app_context():
        from summit.extensions import db as _db

        again = Job(kind="badges", params={"batch_id": batch_id, "_target": "summit.badges.batches:WORK"},
                    status="running", sweeps=jobs.MAX_SWEEPS, heartbeat_at=utcnow() - dt.timedelta(hours=1))
        _db.session.add(again)
        _db.session.commit()
        again_id = again.id
        jobs.sweep()
    state = client.get(f"/api/v1/jobs/{again_id}", headers={"Accept-Language": "en"}).json
    assert state["status"] == "failed" and "worker stopped" in state["error"]


def test_a_part_that_kills_its_worker_every_time_fails_the_job(app, client, db, login, people):
    login("organizer")
    with no_worker(app):
        _batch_id, job_id = _start(app)
        with app.app_context():
            jobs.plan(job_id)  # what a worker does first: the parts' tasks wait in the broker
    db.session.rollback()
    part = db.session.scalar(select(JobPart).where(JobPart.job_id == job_id, JobPart.number == 0))
    # Delivered MAX_ATTEMPTS times, and each time its worker died before it finished.
    part.attempts = jobs.MAX_ATTEMPTS
    db.session.commit()
    with app.app_context():
        jobs.render_part(job_id, 0)
    state = client.get(f"/api/v1/jobs/{job_id}", headers={"Accept-Language": "en"}).json
    assert state["status"] == "failed" and "worker stopped" in state["error"]


def test_certificate_and_badge_jobs_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/api/v1/badge-batches"]["post"]
    assert set(post["responses"]) >= {"202", "400", "401", "403", "422"}
    assert spec["paths"]["/api/v1/jobs/{job_id}"]["get"]["responses"]["200"]
    job = spec["components"]["schemas"]["Job"]
    assert job["properties"]["status"]["enum"] == ["queued", "running", "done", "failed"]
    assert "/api/v1/jobs/{job_id}/result" in spec["paths"]


def test_mail_queued_by_any_feature_is_sent_when_its_transaction_commits(app, db, smtp_server):
    """Not only registration: a mail queued by a command, a task or another feature goes out."""
    from summit.core import mail

    app.config.update({**smtp_server.app_config, "MAIL_DISPATCH": "task"})
    with app.app_context():
        from summit.extensions import db as _db

        mail.queue("talent@example.com", "会议取消", "您的洽谈已取消。")
        _db.session.commit()
    # The application context ended: the mail went to the queue (eagerly here) and out.
    assert [m["Subject"] for m in smtp_server.to("talent@example.com")] == ["会议取消"]
    db.session.rollback()
    assert db.session.scalar(select(OutboundMail.status)) == "sent"
    # Rolled back: nothing is sent.
    with app.app_context():
        from summit.extensions import db as _db

        mail.queue("other@example.com", "作废", "…")
        _db.session.flush()
        _db.session.rollback()
    assert smtp_server.to("other@example.com") == []
