"""Registrations keep their name's sort keys (stroke and pinyin order) and search key.

Revision ID: 1700_name_keys
Revises: 1010_sessions_and_uploads
"""
import sqlalchemy as sa
from alembic import op

revision = "1700_name_keys"
down_revision = "1010_sessions_and_uploads"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_sort_stroke", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("name_sort_pinyin", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("name_search", sa.Text(), nullable=False, server_default=""))
        batch_op.create_index("ix_registrations_summit_sort_stroke", ["summit_id", "name_sort_stroke"])
        batch_op.create_index("ix_registrations_summit_sort_pinyin", ["summit_id", "name_sort_pinyin"])
    backfill(op.get_bind())


def backfill(connection) -> int:
    """Compute the keys of every registration (also `summit names-reindex` after an ICU upgrade)."""
    from summit.core import names

    table = sa.table("registrations", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("name_sort_stroke", sa.LargeBinary), sa.column("name_sort_pinyin", sa.LargeBinary),
                     sa.column("name_search", sa.Text))
    rows = connection.execute(sa.select(table.c.id, table.c.name)).all()
    for start in range(0, len(rows), 500):
        params = []
        for row_id, name in rows[start:start + 500]:
            keys = names.sort_keys(name or "")
            params.append({"rid": row_id, "stroke": keys["stroke"], "pinyin": keys["pinyin"],
                           "search": names.search_key(name or "")})
        if params:
            connection.execute(table.update().where(table.c.id == sa.bindparam("rid")).values(
                name_sort_stroke=sa.bindparam("stroke"), name_sort_pinyin=sa.bindparam("pinyin"),
                name_search=sa.bindparam("search")), params)
    return len(rows)


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_registrations_summit_sort_pinyin")
        batch_op.drop_index("ix_registrations_summit_sort_stroke")
        batch_op.drop_column("name_search")
        batch_op.drop_column("name_sort_pinyin")
        batch_op.drop_column("name_sort_stroke")
