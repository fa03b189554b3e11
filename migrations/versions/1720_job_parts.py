"""jobs on the task queue: parts (chunks) of a job, its heartbeat

Revision ID: 1720_job_parts
Revises: 1710_travel_invitations
"""
from alembic import op
import sqlalchemy as sa

revision = "1720_job_parts"
down_revision = "1710_travel_invitations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("sweeps", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "job_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_job_parts_job_id_jobs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_parts")),
        sa.UniqueConstraint("job_id", "number", name=op.f("uq_job_parts_job_id_number")),
    )
    op.create_index(op.f("ix_job_parts_job_id"), "job_parts", ["job_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_job_parts_job_id"), table_name="job_parts")
    op.drop_table("job_parts")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("sweeps")
        batch.drop_column("heartbeat_at")
        batch.drop_column("started_at")
