"""The check-in's two guards on PostgreSQL, each shown holding on its own: the row lock on the
registration (with the partial unique index dropped) and the partial unique index on standing
"ok" scans (with the service's row lock bypassed). The competing decider is a second real
transaction that has just recorded an "ok" and not yet committed; the service runs in a thread
against it."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from summit.badges import checkin
from summit.badges.models import CheckIn
from summit.core.models import utcnow
from summit.registration.models import Registration

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

INDEX = "uq_checkins_one_ok"


def _standing_oks(db, registration_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CheckIn).where(
        CheckIn.registration_id == registration_id, CheckIn.status == "ok", CheckIn.undone_at.is_(None)))


def _ok_row(registration_id: int, summit_id: int) -> dict:
    return {"summit_id": summit_id, "registration_id": registration_id, "status": "ok", "code": "competing",
            "method": "scan", "device": "competing decider", "at": utcnow()}


def _scan_in_thread(app, db, code: str) -> tuple[threading.Thread, list]:
    out: list = []

    def scan():
        with app.app_context():
            try:
                out.append(checkin.check_in(code, device="door 2")["status"])
            except Exception as exc:  # shown by the assertions below
                out.append(f"error: {exc!r}")
            finally:
                db.session.remove()

    thread = threading.Thread(target=scan, daemon=True)
    thread.start()
    return thread, out


@pytest.fixture
def without_index(db):
    """The partial unique index dropped for one test (committed, so every connection sees it),
    and put back as the migrations made it afterwards."""
    db.session.rollback()
    with db.engine.begin() as conn:
        definition = conn.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"), {"name": INDEX})
        conn.execute(text(f"DROP INDEX {INDEX}"))
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            # A failed test may have left two standing "ok" rows; the database is emptied after it anyway.
            conn.execute(text("DELETE FROM checkins"))
            conn.execute(text(definition))


def test_the_row_lock_alone_keeps_one_ok(app, db, make_registration, badge_code, without_index):
    reg_id = make_registration("刘䶮")
    code = badge_code(reg_id)
    summit_id = db.session.get(Registration, reg_id).summit_id
    db.session.rollback()
    with db.engine.connect() as rival:
        # A decider that locked the registration and recorded its "ok", not yet committed.
        tx = rival.begin()
        rival.execute(select(Registration.id).where(Registration.id == reg_id).with_for_update())
        rival.execute(insert(CheckIn).values(**_ok_row(reg_id, summit_id)))
        thread, statuses = _scan_in_thread(app, db, code)
        thread.join(timeout=1.5)
        assert thread.is_alive(), f"the scan did not wait for the registration's row lock: {statuses}"
        tx.commit()
    thread.join(timeout=30)
    assert statuses == ["already_checked_in"]
    assert _standing_oks(db, reg_id) == 1


def test_the_index_alone_refuses_a_second_ok(app, db, make_registration, badge_code, monkeypatch):
    reg_id = make_registration("王㛃")
    code = badge_code(reg_id)
    summit_id = db.session.get(Registration, reg_id).summit_id
    db.session.rollback()
    # The row lock bypassed: the service reads the registration without FOR UPDATE.
    monkeypatch.setattr(checkin, "for_update", lambda stmt: stmt)
    with db.engine.connect() as rival:
        # A decider that recorded its "ok", not yet committed: the service's read does not see the
        # row, so it records an "ok" of its own; only the index holds that insert back.
        tx = rival.begin()
        rival.execute(insert(CheckIn).values(**_ok_row(reg_id, summit_id)))
        thread, statuses = _scan_in_thread(app, db, code)
        thread.join(timeout=1.5)
        assert thread.is_alive(), f"the scan's own 'ok' was not held back by the unique index: {statuses}"
        tx.commit()
    thread.join(timeout=30)
    assert statuses == ["already_checked_in"]  # refused at the index, then decided again
    assert _standing_oks(db, reg_id) == 1
    # Directly too: a second standing "ok" is refused, an undone one or another verdict is not.
    with db.engine.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(insert(CheckIn).values(**_ok_row(reg_id, summit_id)))
    with db.engine.begin() as conn:
        conn.execute(insert(CheckIn).values(**{**_ok_row(reg_id, summit_id), "status": "already_checked_in"}))
        conn.execute(insert(CheckIn).values(**{**_ok_row(reg_id, summit_id), "undone_at": utcnow()}))
