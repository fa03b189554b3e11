"""Honest failure: a database that hangs, refuses or stays locked, and storage that cannot be
written, give a translated 503 (or the form again with the message) within seconds, never a
500, a traceback, a host, a port or a server path; /healthz says which part fails."""
from __future__ import annotations

import io
import os
import re
import socket
import sqlite3
import subprocess
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from summit import create_app
from tests.conftest import BASE_CONFIG

PUBLIC = "https://summit.example.cn"
LEAKS = ("Traceback", "psycopg", "sqlite3", "OperationalError", "Errno", "File \"")


def _clean(body: str, *secrets: str) -> None:
    for word in LEAKS + secrets:
        assert word not in body, f"{word!r} shown to the public:\n{body[:2000]}"


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.fixture
def silent_server():
    """A loopback port that accepts connections and never says a word (a hung database)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(32)
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except socket.timeout:
                continue
            except OSError:
                break

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def refused_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


def _app_on(url: str, tmp_path, **settings):
    # As in production: not TESTING, CSRF off only so that the POSTs below need no token.
    return create_app({**BASE_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": url, "PUBLIC_BASE_URL": PUBLIC,
                       "UPLOAD_DIR": str(tmp_path / "uploads"), "MAIL_DISPATCH": "off", **settings})


def _assert_unavailable_pages(app, *secrets: str, limit: float):
    client = app.test_client()
    zh, took = _timed(lambda: client.get("/", headers={"Accept-Language": "zh-CN,zh"}))
    assert zh.status_code == 503 and took < limit, (zh.status_code, took)
    assert "数据库暂时没有响应" in zh.text and zh.headers["Retry-After"]
    _clean(zh.text, *secrets)
    en, took = _timed(lambda: client.get("/register", headers={"Accept-Language": "en"}))
    assert en.status_code == 503 and took < limit
    assert "The database is not answering" in en.text
    _clean(en.text, *secrets)
    api, took = _timed(lambda: client.get("/api/v1/checkin/stats", headers={"Authorization": "Bearer abc"}))
    assert api.status_code == 503 and api.json == {"error": "数据库暂时没有响应，请稍后再试。", "status": 503}
    _clean(api.text, *secrets)
    health, took = _timed(lambda: client.get("/healthz"))
    assert health.status_code == 503 and took < 5, took
    assert health.json == {"status": "error", "database": "unavailable", "storage": "ok"}


def test_a_database_that_accepts_and_never_answers(silent_server, tmp_path):
    url = f"postgresql+psycopg://summit:secret@127.0.0.1:{silent_server}/summit"
    app = _app_on(url, tmp_path, DB_CONNECT_TIMEOUT=2)
    _assert_unavailable_pages(app, str(silent_server), "127.0.0.1", "secret", limit=4.5)


def test_healthz_answers_within_five_seconds_whatever_the_connect_timeout(silent_server, tmp_path):
    url = f"postgresql+psycopg://summit@127.0.0.1:{silent_server}/summit"
    app = _app_on(url, tmp_path, DB_CONNECT_TIMEOUT=30)
    health, took = _timed(lambda: app.test_client().get("/healthz"))
    assert health.status_code == 503 and took < 5, took
    _clean(health.text, str(silent_server), "127.0.0.1")


def test_a_database_that_refuses(refused_port, tmp_path):
    url = f"postgresql+psycopg://summit@127.0.0.1:{refused_port}/summit"
    _assert_unavailable_pages(_app_on(url, tmp_path), str(refused_port), "127.0.0.1", "refused", limit=2)


def test_a_sqlite_file_that_cannot_be_opened(tmp_path):
    missing = tmp_path / "no-such-folder" / "summit.db"
    _assert_unavailable_pages(_app_on(f"sqlite:///{missing}", tmp_path), str(tmp_path), "no-such-folder",
                              "unable to open", limit=2)


def test_connect_and_statement_timeouts_reach_the_driver(app):
    with app.app_context():
        from summit.extensions import db

        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "10s"
            assert db.engine.pool.timeout() == 3
        else:
            raw = db.engine.raw_connection()
            try:
                assert raw.driver_connection.execute("PRAGMA busy_timeout").fetchone()[0] == 10000
            finally:
                raw.close()


@pytest.mark.parametrize("app_config", [{"DB_STATEMENT_TIMEOUT": 1, "TESTING": False}])
def test_a_locked_database_answers_503_after_the_statement_timeout(app, database_url, reg_summit, person):
    """Another connection holds what the registration must write: the request gives up after the
    statement timeout (SQLite's busy timeout, PostgreSQL's statement_timeout) with a 503."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        release = holder.rollback
    else:
        engine = create_engine(database_url)
        holder = engine.connect()
        holder.execute(text("LOCK TABLE registrations IN ACCESS EXCLUSIVE MODE"))
        release = holder.rollback
    try:
        response, took = _timed(lambda: app.test_client().post("/register", data=person()))
    finally:
        release()
        holder.close()
    assert response.status_code == 503 and took < 4, (response.status_code, took)
    assert "数据库暂时没有响应" in response.text
    _clean(response.text, database_url)
    from summit.extensions import db
    from summit.registration.models import Registration

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    # And once the lock is gone, the same form goes through.
    assert app.test_client().post("/register", data=person()).status_code == 303


# ---------------------------------------------------------------- storage that cannot be written

@pytest.fixture
def read_only_dir(tmp_path):
    """A directory no one may write to: permissions for a normal user; for root (whom permissions do
    not stop) a read-only tmpfs mounted there."""
    target = tmp_path / "read-only"
    target.mkdir()
    if os.geteuid() != 0:
        target.chmod(0o555)
        yield target
        target.chmod(0o755)
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(target)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"root without mount rights cannot make a read-only directory: {done.stderr.strip()}")
    try:
        with pytest.raises(OSError):
            (target / "probe").write_bytes(b"x")
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@pytest.fixture
def storage_read_only(app, read_only_dir):
    app.config["UPLOAD_DIR"] = str(read_only_dir)
    return read_only_dir


def test_healthz_reports_storage_that_cannot_be_written(client, storage_read_only):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["storage"] == "failing" and response.json["database"] in ("sqlite", "postgresql")
    _clean(response.text, str(storage_read_only))


def test_contest_application_keeps_the_form_when_the_plan_cannot_be_stored(client, db, contest, storage_read_only):
    from summit.contest.models import Entry
    from tests.fixtures.contest import pdf_bytes
    from tests.web.test_contest_applications import FORM, post

    response = post(client, FORM, pdf_bytes(2))
    assert response.status_code == 503
    page = response.text
    assert "上传的文件没有保存" in page
    assert 'value="海洋多糖敷料"' in page and 'value="13912345678"' in page  # what the team typed is kept
    _clean(page, str(storage_read_only))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_registration_import_says_the_file_was_not_saved(client, db, login, reg_summit, storage_read_only):
    from tests.web.test_registration_import_export import csv_bytes, rows_ok

    login("organizer")
    response = client.post("/organizer/registrations/import",
                               data={"file": (io.BytesIO(csv_bytes(rows_ok())), "invitees.csv"), "send_mail": "y"},
                               content_type="multipart/form-data")
    assert response.status_code == 503
    page = response.text
    assert "上传的文件没有保存" in page and 'name="upload"' not in page
    assert re.search(r'<input[^>]*\bchecked\b[^>]*name="send_mail"|<input[^>]*name="send_mail"[^>]*\bchecked\b',
                     page)  # the choice is kept
    _clean(page, str(storage_read_only))


def test_cv_upload_says_it_was_not_saved(client, db, mm, storage_read_only, pdf_bytes):
    from summit.matchmaking.models import TalentProfile

    reg, token = mm["talents"][0]
    response = client.post(f"/me/{token}/cv", data={"cv": (io.BytesIO(pdf_bytes(1)), "cv.pdf"),
                                                    "back_session": str(mm["session"].id)},
                           content_type="multipart/form-data")
    assert response.status_code == 303  # back to the session page, as every refused CV
    page = client.get(response.headers["Location"]).text
    assert "上传的文件没有保存" in page
    _clean(page, str(storage_read_only))
    api = client.post(f"/me/{token}/cv", data={"cv": (io.BytesIO(pdf_bytes(1)), "cv.pdf")},
                      content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert api.status_code == 503 and "没有保存" in api.json["error"]
    db.session.rollback()
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.registration_id == reg.id))
    assert profile is None or not profile.cv_path


def test_stored_paths_stay_under_the_storage_root(app):
    from summit.core import storage

    with app.app_context():
        assert storage.path("cv/1.pdf") == storage.root() / "cv" / "1.pdf"
        with pytest.raises(ValueError):
            storage.path("../secret_key")
        assert storage.relative(storage.root() / "badges" / "b.pdf") == "badges/b.pdf"
