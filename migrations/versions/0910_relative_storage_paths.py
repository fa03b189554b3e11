"""Stored files: paths relative to the storage root, so that every host finds them.

Badge batches, certificate batches (the job's result) and CVs recorded absolute paths. Those
under the storage root (SUMMIT_STORAGE_DIR, by default instance/uploads) become relative to it;
files elsewhere (the earlier instance/badges and instance/certificates folders) keep their
absolute path, which the application still reads.

Revision ID: 0910_relative_storage_paths
Revises: 0900_features_merged
"""
import os

import sqlalchemy as sa
from alembic import op

revision = "0910_relative_storage_paths"
down_revision = "0900_features_merged"
branch_labels = None
depends_on = None

COLUMNS = (("badge_print_batches", "file_path"), ("jobs", "result_path"), ("matchmaking_profiles", "cv_path"))


def _roots() -> list[str]:
    from flask import current_app

    root = current_app.config.get("UPLOAD_DIR")
    if not root:
        return []
    return sorted({os.path.abspath(root).rstrip("/") + "/", os.path.realpath(root).rstrip("/") + "/"})


def _rewrite(change) -> None:
    bind = op.get_bind()
    for table_name, column_name in COLUMNS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column_name, sa.String))
        column = table.c[column_name]
        for row_id, value in bind.execute(sa.select(table.c.id, column).where(column.is_not(None), column != "")):
            new = change(value)
            if new != value:
                bind.execute(table.update().where(table.c.id == row_id).values({column_name: new}))


def upgrade():
    roots = _roots()

    def relative(value: str) -> str:
        for root in roots:
            if value.startswith(root):
                return value[len(root):]
        return value

    _rewrite(relative)


def downgrade():
    roots = _roots()
    if roots:
        _rewrite(lambda value: value if value.startswith("/") else roots[0] + value)
