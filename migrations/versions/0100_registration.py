"""registration: review and link columns, list indexes, retired extra questions

Revision ID: 0100_registration
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

revision = "0100_registration"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("link_issued_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_registrations_reviewed_by_id_users"), "users",
                                    ["reviewed_by_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_registrations_summit_created", ["summit_id", "created_at"], unique=False)
        batch_op.create_index("ix_registrations_category_status", ["category_id", "status"], unique=False)
    with op.batch_alter_table("extra_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table("extra_questions", schema=None) as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_registrations_category_status")
        batch_op.drop_index("ix_registrations_summit_created")
        batch_op.drop_constraint(batch_op.f("fk_registrations_reviewed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("link_issued_at")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("reviewed_at")
