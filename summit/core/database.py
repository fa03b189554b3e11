"""Engine settings that the ORM cannot express: timeouts, SQLite's WAL mode and foreign keys."""
from __future__ import annotations

import math
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from summit.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling is off so that we can choose the BEGIN below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")  # (the busy timeout comes from engine_options)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with the connect and statement timeouts of the settings
    (DB_CONNECT_TIMEOUT, DB_STATEMENT_TIMEOUT), so that a database that refuses or hangs
    fails a request within seconds instead of holding the worker."""
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    connect = float(config.get("DB_CONNECT_TIMEOUT") or 3)
    statement = float(config.get("DB_STATEMENT_TIMEOUT") or 0)
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    if url.get_backend_name() == "sqlite":
        # SQLite has no server to connect to; its timeout is how long a statement waits for
        # another connection's write lock before "database is locked".
        connect_args.setdefault("timeout", statement or 30.0)
        options.pop("pool_pre_ping", None)  # a file does not drop connections
    elif url.get_backend_name() == "postgresql":
        # libpq counts the connect timeout in whole seconds, at least 2.
        connect_args.setdefault("connect_timeout", max(2, math.ceil(connect)))
        if statement:
            given = url.query.get("options", "")
            given = given if isinstance(given, str) else " ".join(given)
            connect_args.setdefault("options", f"-c statement_timeout={int(statement * 1000)} {given}".strip())
        options.setdefault("pool_timeout", connect)  # waiting for a free connection of the pool
    options["connect_args"] = connect_args
    return options


def configure_sqlite(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine: Engine = db.engine
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def for_update(stmt):
    """A row lock on PostgreSQL. On SQLite, begin_write() already holds the write lock."""
    return stmt.with_for_update() if is_postgres() else stmt


def begin_write() -> None:
    """Start the transaction of a deciding service (capacity, check-in, booking).

    On SQLite the transaction takes the write lock at BEGIN (BEGIN IMMEDIATE), so two
    concurrent deciders run one after the other instead of both reading the old state;
    on PostgreSQL the service locks its rows with for_update().
    """
    if is_postgres():
        return
    session = db.session()  # the Session itself: scoped_session has no in_transaction()
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write() must come before the service changes anything")
        session.rollback()  # end the read-only transaction (e.g. loading current_user)
    session.connection(execution_options={"sqlite_immediate": True})


@contextmanager
def transaction(*, lock: bool = False):
    """One write transaction of a service: committed when the block ends, rolled back when it
    raises (nothing half-written). lock=True for a deciding service: begin_write() first.

        with transaction(lock=True):
            category = db.session.scalar(for_update(...))
            ...
    """
    if lock:
        begin_write()
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


DB_INT_MAX = 2**31 - 1  # PostgreSQL's integer: ids and counts beyond it are no row, not an error


def db_int(value) -> int:
    """int() for a number from a request, refused beyond the database's integer range.
    Raises ValueError like int(), so `request.args.get(name, type=db_int)` gives None."""
    number = int(value)
    if not -DB_INT_MAX - 1 <= number <= DB_INT_MAX:
        raise ValueError(f"{value!r} is out of range")
    return number


def db_ids(values) -> list[int]:
    """The usable ids among form values (checkbox lists): digits within the integer range."""
    return [int(v) for v in values if v.isdigit() and int(v) <= DB_INT_MAX]


def json_id(value) -> int:
    """An id from a JSON body: a whole number (not true/false) within the range, else 0 (no row)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= DB_INT_MAX else 0
