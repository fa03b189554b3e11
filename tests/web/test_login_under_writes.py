"""Logging in while other requests write (found by benchmarks/load.py): SQLite refuses to turn a
read snapshot into a write once another connection has committed, so a login that read the
account and then wrote its last-login time answered 500 "database is locked"."""
import sqlite3
import threading
import time

import pytest
from sqlalchemy import event

from summit.extensions import db as _db


def test_login_while_another_writer_commits(app, client, make_user, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("a SQLite snapshot matter: PostgreSQL's UPDATE waits for the row and proceeds")
    _uid, email, password = make_user("judge")
    other_id, _email, _password = make_user("judge")
    account_read = threading.Event()

    def after_execute(_conn, _cursor, statement, *_args):
        if "FROM users" in statement and "lower(users.email)" in statement:
            account_read.set()

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "after_cursor_execute", after_execute)
    # Another request in the middle of its write (a registration, a scan) ...
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None, timeout=30)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE users SET name = '另一位评委' WHERE id = ?", (other_id,))
    outcome = {}

    def log_in():
        try:
            outcome["status"] = client.post("/login", data={"email": email, "password": password}).status_code
        except Exception as exc:  # TESTING propagates the error instead of a 500 page
            outcome["error"] = exc

    thread = threading.Thread(target=log_in)
    thread.start()
    try:
        # ... commits after the login has read the account.
        assert account_read.wait(20)
        time.sleep(0.3)
        writer.execute("COMMIT")
        thread.join(40)
    finally:
        writer.close()
        event.remove(engine, "after_cursor_execute", after_execute)
    assert outcome == {"status": 302}
