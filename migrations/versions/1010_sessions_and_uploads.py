"""Accounts carry a session version (logout, a new password or a disabled account ends every
session); contest entries count their business-plan uploads.

Revision ID: 1010_sessions_and_uploads
Revises: 0900_features_merged
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


revision = "1010_sessions_and_uploads"
down_revision = "0900_features_merged"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("contest_entries") as batch:
        batch.add_column(sa.Column("plan_uploads", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("contest_entries") as batch:
        batch.drop_column("plan_uploads")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
