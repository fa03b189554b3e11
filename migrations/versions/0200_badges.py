"""badges: badges with their QR codes, print batches, check-ins

Revision ID: 0200_badges
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

revision = "0200_badges"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "badge_print_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("layout", sa.String(length=40), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("file_path", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_badge_print_batches_created_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_badge_print_batches_job_id_jobs"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["summit_id"], ["summits.id"], name=op.f("fk_badge_print_batches_summit_id_summits"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_print_batches")),
    )
    with op.batch_alter_table("badge_print_batches") as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_print_batches_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "badges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.Column("print_count", sa.Integer(), nullable=False),
        sa.Column("last_batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["last_batch_id"], ["badge_print_batches.id"], name=op.f("fk_badges_last_batch_id_badge_print_batches"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"], name=op.f("fk_badges_registration_id_registrations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["summit_id"], ["summits.id"], name=op.f("fk_badges_summit_id_summits"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badges")),
        sa.UniqueConstraint("code", name=op.f("uq_badges_code")),
    )
    with op.batch_alter_table("badges") as batch_op:
        batch_op.create_index(batch_op.f("ix_badges_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_badges_summit_id"), ["summit_id"], unique=False)

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summit_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("badge_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("api_token_id", sa.Integer(), nullable=True),
        sa.Column("device", sa.String(length=200), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["api_token_id"], ["api_tokens.id"], name=op.f("fk_checkins_api_token_id_api_tokens"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["badge_id"], ["badges.id"], name=op.f("fk_checkins_badge_id_badges"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"], name=op.f("fk_checkins_registration_id_registrations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["users.id"], name=op.f("fk_checkins_staff_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["summit_id"], ["summits.id"], name=op.f("fk_checkins_summit_id_summits"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["undone_by_id"], ["users.id"], name=op.f("fk_checkins_undone_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    with op.batch_alter_table("checkins") as batch_op:
        batch_op.create_index(batch_op.f("ix_checkins_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_summit_id"), ["summit_id"], unique=False)
        batch_op.create_index("uq_checkins_one_ok", ["registration_id"], unique=True,
                              sqlite_where=sa.text("status = 'ok' AND undone_at IS NULL"),
                              postgresql_where=sa.text("status = 'ok' AND undone_at IS NULL"))


def downgrade():
    with op.batch_alter_table("checkins") as batch_op:
        batch_op.drop_index("uq_checkins_one_ok")
        batch_op.drop_index(batch_op.f("ix_checkins_summit_id"))
        batch_op.drop_index(batch_op.f("ix_checkins_registration_id"))
        batch_op.drop_index(batch_op.f("ix_checkins_at"))
    op.drop_table("checkins")
    with op.batch_alter_table("badges") as batch_op:
        batch_op.drop_index(batch_op.f("ix_badges_summit_id"))
        batch_op.drop_index(batch_op.f("ix_badges_registration_id"))
    op.drop_table("badges")
    with op.batch_alter_table("badge_print_batches") as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_print_batches_summit_id"))
    op.drop_table("badge_print_batches")
