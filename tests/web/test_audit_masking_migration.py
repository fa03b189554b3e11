"""Identity numbers written to the audit trail before masking existed are masked by the migration."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from summit import create_app
from summit.core.models import AuditEvent, utcnow
from summit.extensions import db
from tests.conftest import BASE_CONFIG


def test_the_migration_masks_identity_numbers_already_in_the_trail(database_url):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    table = AuditEvent.__table__
    with app.app_context():
        downgrade(revision="0910_relative_storage_paths")
        with db.engine.begin() as conn:
            conn.execute(table.insert().values(
                actor_label="organizer@example.com", subject_type="registrations", subject_id=1, action="edited",
                before={"id_number": "370212196106095595", "name": "张三"},
                after={"id_number": "370212196101013861"}, note="", at=utcnow()))
            conn.execute(table.insert().values(
                actor_label="system", subject_type="contest_entries", subject_id=1, action="entry.updated",
                before={"project_name": "a"}, after={"project_name": "b"}, note="", at=utcnow()))
        upgrade(revision="heads")
        rows = {row.subject_type: row for row in db.session.scalars(select(AuditEvent))}
        edited = rows["registrations"]
        assert edited.before == {"id_number": "**************5595", "name": "张三"}
        assert edited.after == {"id_number": "**************3861"}
        assert rows["contest_entries"].after == {"project_name": "b"}
        db.session.remove()
        db.engine.dispose()
