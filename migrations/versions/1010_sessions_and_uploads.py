"""Accounts carry a session version (logout, a new password or a disabled account ends every
session); contest entries count their business-plan uploads; identity numbers already in the
audit trail are masked as new entries are.

Revision ID: 1010_sessions_and_uploads
Revises: 0910_relative_storage_paths
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


revision = "1010_sessions_and_uploads"
down_revision = "0910_relative_storage_paths"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("contest_entries") as batch:
        batch.add_column(sa.Column("plan_uploads", sa.Integer(), nullable=False, server_default="0"))
    _mask_audit_trail()


def _mask(value):
    if not isinstance(value, str) or not value:
        return value
    return "*" * max(len(value) - 4, 0) + value[-4:]


def _mask_audit_trail():
    events = sa.table("audit_events", sa.column("id", sa.Integer), sa.column("subject_type", sa.String),
                      sa.column("before", sa.JSON), sa.column("after", sa.JSON))
    conn = op.get_bind()
    rows = conn.execute(sa.select(events.c.id, events.c.before, events.c.after)
                        .where(events.c.subject_type == "registrations")).fetchall()
    for row in rows:
        changed = {}
        for name in ("before", "after"):
            values = getattr(row, name)
            if isinstance(values, dict) and isinstance(values.get("id_number"), str) \
                    and values["id_number"] != _mask(values["id_number"]):
                changed[name] = {**values, "id_number": _mask(values["id_number"])}
        if changed:
            conn.execute(events.update().where(events.c.id == row.id).values(**changed))


def downgrade():
    with op.batch_alter_table("contest_entries") as batch:
        batch.drop_column("plan_uploads")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
