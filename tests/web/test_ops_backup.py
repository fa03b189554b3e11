from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from summit.ops import backup as backup_module


def _sqlite_file(app):
    path = backup_module.sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    if path is None:
        pytest.skip("SQLite only; the PostgreSQL command is tested below")
    return path


def _add_rows(path, count: int, start: int = 0) -> None:
    conn = sqlite3.connect(path, timeout=30)
    for i in range(count):
        conn.execute("INSERT INTO audit_events (at, actor_label, subject_type, subject_id, action, note) "
                     "VALUES (CURRENT_TIMESTAMP, 'writer', 'probe', ?, 'write', '')", (start + i,))
        conn.commit()
    conn.close()


def test_backup_while_another_connection_writes(app, tmp_path):
    source = _sqlite_file(app)
    _add_rows(source, 200)
    stop = threading.Event()
    written = {"n": 0}

    def writer():
        conn = sqlite3.connect(source, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        while not stop.is_set():
            conn.execute("INSERT INTO audit_events (at, actor_label, subject_type, subject_id, action, note) "
                         "VALUES (CURRENT_TIMESTAMP, 'writer', 'probe', ?, 'write', '')", (1000 + written["n"],))
            conn.commit()
            written["n"] += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written["n"] < 20:  # the writer is busy before the backup starts
            time.sleep(0.01)
        results = [app.test_cli_runner().invoke(args=["backup", "-o", str(tmp_path / f"b{i}.db")]) for i in range(3)]
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    for i, result in enumerate(results):
        assert result.exit_code == 0, result.output
        assert "backup written" in result.output
        copy = sqlite3.connect(tmp_path / f"b{i}.db")
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [row[0] for row in copy.execute("SELECT subject_id FROM audit_events WHERE subject_type='probe' "
                                               "AND subject_id >= 1000 ORDER BY id")]
        copy.close()
        # A consistent snapshot: the writer's rows up to some moment, in order, none missing.
        assert ids == list(range(1000, 1000 + len(ids)))
        assert 20 <= len(ids) <= written["n"]
    assert written["n"] > 20  # the writer kept going during the backups
    assert not list(tmp_path.glob(".backup-*"))  # no temporary files left


def test_backup_refuses_to_overwrite_without_yes(app, tmp_path):
    _sqlite_file(app)
    target = tmp_path / "b.db"
    target.write_text("precious")
    result = app.test_cli_runner().invoke(args=["backup", "-o", str(target)])
    assert result.exit_code != 0 and "--yes" in result.output
    assert target.read_text() == "precious"
    assert app.test_cli_runner().invoke(args=["backup", "-o", str(target), "--yes"]).exit_code == 0
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


def test_restore_brings_the_data_back(app, db, demo_summit, tmp_path):
    from summit.registration.models import Registration

    _sqlite_file(app)
    runner = app.test_cli_runner()
    before = db.session.scalar(select(func.count()).select_from(Registration))
    assert runner.invoke(args=["backup", "-o", str(tmp_path / "b.db")]).exit_code == 0
    db.session.execute(Registration.__table__.delete())
    db.session.commit()
    db.session.remove()
    refused = runner.invoke(args=["restore", str(tmp_path / "b.db")])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    db.session.remove()
    result = runner.invoke(args=["restore", str(tmp_path / "b.db"), "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Registration)) == before


def test_restore_into_an_empty_file_needs_no_yes(app, tmp_path, sqlite_template):
    source = _sqlite_file(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "-o", str(tmp_path / "b.db")]).exit_code == 0
    from summit.extensions import db

    with app.app_context():
        db.engine.dispose()
    source.unlink()
    for suffix in ("-wal", "-shm"):
        source.with_name(source.name + suffix).unlink(missing_ok=True)
    result = runner.invoke(args=["restore", str(tmp_path / "b.db")])
    assert result.exit_code == 0, result.output


def test_restore_refuses_what_is_not_a_backup_of_this_schema(app, tmp_path):
    source = _sqlite_file(app)
    runner = app.test_cli_runner()
    original = source.read_bytes()
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, but long enough to have a header")
    result = runner.invoke(args=["restore", str(text), "--yes"])
    assert result.exit_code != 0 and "not a SQLite database" in result.output
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    result = runner.invoke(args=["restore", str(other), "--yes"])
    assert result.exit_code != 0 and "not a Qianshan Summit database" in result.output
    future = tmp_path / "future.db"
    assert runner.invoke(args=["backup", "-o", str(future)]).exit_code == 0
    conn = sqlite3.connect(future)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    result = runner.invoke(args=["restore", str(future), "--yes"])
    assert result.exit_code != 0 and "9999_from_the_future" in result.output
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(future.read_bytes()[:5000])
    result = runner.invoke(args=["restore", str(truncated), "--yes"])
    assert result.exit_code != 0
    assert source.read_bytes()[:100] == original[:100]  # the database was not touched


def test_postgres_prints_its_own_tools(app, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "x.dump")])
    assert result.exit_code == 2 and "pg_dump --format=custom" in result.output
    assert not (tmp_path / "x.dump").exists()
    dump = tmp_path / "y.dump"
    dump.write_bytes(b"PGDMP")
    result = runner.invoke(args=["restore", str(dump)])
    assert result.exit_code == 2 and "pg_restore" in result.output
    assert "postgresql://" in result.output


def test_sqlite_path():
    assert str(backup_module.sqlite_path("sqlite:////srv/summit.db")) == "/srv/summit.db"
    assert str(backup_module.sqlite_path("sqlite:///instance/x.db?timeout=3")) == "instance/x.db"
    assert backup_module.sqlite_path("sqlite://") is None
    assert backup_module.sqlite_path("postgresql+psycopg://u@h/db") is None
