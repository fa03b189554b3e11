"""The schema comes from the migrations only: they go up, down and up again on both databases."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from summit import create_app
from summit.extensions import db
from tests.conftest import BASE_CONFIG, POSTGRES_URL, drop_everything

@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_upgrade_downgrade_upgrade(kind, tmp_path):
    if kind == "postgres":
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL half skipped: set SUMMIT_TEST_POSTGRES_URL to run it")

        # Its own database, so that the shared test schema stays in place for other tests.
        from sqlalchemy import create_engine, text

        base, name = POSTGRES_URL.rsplit("/", 1)
        scratch = f"{name}_migrations"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        admin.dispose()
        url = f"{base}/{scratch}"
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision="heads")
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()
