"""Fixtures: every database test runs on SQLite and, when SUMMIT_TEST_POSTGRES_URL is set,
on PostgreSQL. The schema comes from the migrations, built once per run and database."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_session_dir = Path(tempfile.mkdtemp(prefix="summit-tests-"))
os.environ.setdefault("SUMMIT_INSTANCE_DIR", str(_session_dir / "instance"))
os.environ.setdefault("SUMMIT_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("SUMMIT_LOG_FORMAT", "text")
os.environ.setdefault("SUMMIT_LOG_LEVEL", "WARNING")
# Cheap password hashes for the accounts tests make (subprocesses such as `summit demo` too);
# production keeps scrypt (test_foundation checks the default).
os.environ.setdefault("SUMMIT_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")

import contextvars  # noqa: E402

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from summit import create_app  # noqa: E402
from summit.extensions import db as _db  # noqa: E402

# Each feature's own fixtures live in tests/fixtures/<name>.py.
pytest_plugins = sorted(f"tests.fixtures.{p.stem}" for p in (Path(__file__).parent / "fixtures").glob("*.py")
                        if p.stem != "__init__")

POSTGRES_URL = os.environ.get("SUMMIT_TEST_POSTGRES_URL")
DATABASES = ["sqlite", "postgres"]
BASE_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "TASKS_EAGER": True,
    "SERVER_NAME": None,
    "MAIL_SERVER": None,
}


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")
        _db.engine.dispose()


def drop_everything(url: str) -> None:
    """An empty PostgreSQL database (what a fresh server has)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template() -> Path:
    path = _session_dir / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL half skipped: set SUMMIT_TEST_POSTGRES_URL to run it")
    drop_everything(POSTGRES_URL)
    _migrate(POSTGRES_URL)
    return POSTGRES_URL


_cleanup_engines: dict[str, object] = {}


def _truncate_all(url: str) -> None:
    """Back to an empty database with ids from 1, as a fresh one. Not with TRUNCATE: it makes
    new files for every table and index (0.2 s a test); DELETE of the few rows a test wrote,
    children first, and setval() on the sequences that moved cost a few milliseconds."""
    engine = _cleanup_engines.get(url) or _cleanup_engines.setdefault(url, create_engine(url))
    names = [t.name for t in _db.metadata.sorted_tables]
    has_rows = text(" UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names))
    with engine.begin() as conn:
        filled = set(conn.scalars(has_rows))
        for name in reversed(names):  # sorted_tables lists parents first
            if name in filled:
                conn.execute(text(f'DELETE FROM "{name}"'))
        conn.execute(text("SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) FROM pg_sequences "
                          "WHERE schemaname = 'public' AND last_value IS NOT NULL"))


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path) -> str:
    """A migrated, empty database of each kind for one test."""
    if request.param == "sqlite":
        path = tmp_path / "summit.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_ready")
        yield url
        _truncate_all(url)


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Override in a test module to change settings."""
    return {}


class IsolatedClient(FlaskClient):
    """Each request in a fresh application context, as in production, even while the test
    holds one open for its own database work (Flask would otherwise reuse the test's)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, app_config, tmp_path):
    application = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                              "UPLOAD_DIR": str(tmp_path / "uploads"), **app_config})
    application.test_client_class = IsolatedClient
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database session inside an application context."""
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    from summit.auth import services

    counter = {"n": 0}

    def make(*roles: str, email: str | None = None, password: str = "correct-horse", **kwargs):
        counter["n"] += 1
        email = email or f"{'-'.join(roles) or 'user'}{counter['n']}@example.com"
        with app.app_context():
            user = services.create_user(email, password, list(roles), **kwargs)
            return user.id, email, password

    return make


@pytest.fixture
def login(client, make_user):
    """login("organizer") makes an account with that role and logs the client in."""

    def do(*roles: str, **kwargs):
        _uid, email, password = make_user(*roles, **kwargs)
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return _uid

    return do


@pytest.fixture
def demo_summit(db):
    """The demo summit's core data (editions, categories, fields, ~300 registrations, accounts)."""
    from summit.core import demo

    demo._ensure_users()
    summit = demo._ensure_summits()
    demo._ensure_reference_data(summit)
    demo._ensure_registrations(summit)
    db.session.commit()
    return summit
