"""SQLite backup and restore through sqlite3's online backup API.

The backup API copies a consistent snapshot while other connections keep reading and
writing (WAL mode), so a backup may run while the application serves requests.
Pure: file paths in, facts out; no Flask, no SQLAlchemy.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables the foundation's first migration creates: a file without them is not ours.
CORE_TABLES = ("alembic_version", "summits", "users", "registrations", "categories")


class BackupError(Exception):
    pass


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite:/// URL; None for other databases or an in-memory one."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix):].split("?", 1)[0]
            if rest in ("", ":memory:"):
                return None
            return Path(rest)
    return None


def backup(source: Path, target: Path) -> dict:
    """Copy the live database `source` to the new file `target` (written beside it, then
    renamed, so a half-written backup never carries the final name)."""
    if not source.exists():
        raise BackupError(f"no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".backup-", suffix=".db", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            # One step (pages=-1): a writer that commits meanwhile cannot force a restart.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            dst.close()
            src.close()
        facts = inspect(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return facts


def inspect(path: Path) -> dict:
    """Check that `path` is an intact SQLite database with this application's schema;
    returns {"revisions": [...], "tables": n, "registrations": n}."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    if header != SQLITE_MAGIC:
        raise BackupError(f"{path} is not a SQLite database")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{path} is damaged: {check}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in CORE_TABLES if t not in tables]
        if missing:
            raise BackupError(f"{path} is not a Qianshan Summit database (missing tables: {', '.join(missing)})")
        revisions = sorted(row[0] for row in conn.execute("SELECT version_num FROM alembic_version"))
        registrations = conn.execute("SELECT count(*) FROM registrations").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}") from exc
    finally:
        conn.close()
    return {"revisions": revisions, "tables": len(tables), "registrations": registrations}


def restore(backup_file: Path, target: Path) -> dict:
    """Replace the contents of `target` with `backup_file` (checked first). Through the
    backup API, so connections that hold `target` open see the restored data."""
    facts = inspect(backup_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()
    return facts


def has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] > 0
    except sqlite3.DatabaseError:
        return True  # something is there; do not overwrite it silently
    finally:
        conn.close()
