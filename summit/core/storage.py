"""Files that any host may serve: uploads (CVs, business plans, decks), import files, generated
PDFs (badge and certificate batches) and mail attachments.

They live under one storage root, SUMMIT_STORAGE_DIR (default: instance/uploads), and the
database keeps their paths relative to it ("cv/12-ab34.pdf"), so every web server and worker
that mounts the same shared volume, wherever it mounts it, finds them.
"""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import lazy_gettext as _l

from summit.core.errors import DomainError

log = logging.getLogger("summit.storage")

NOT_SAVED = _l("The upload was not saved: the server cannot store files at the moment. Please try again later.")


class StorageError(DomainError):
    """A file could not be written (a read-only or full volume): nothing was saved. Services
    that own a form field raise their own error with NOT_SAVED beside it; one that reaches the
    application's handler is a 503 with the same message."""

    status = 503
    code = "storage_unavailable"


def root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path(stored: str) -> Path:
    """The file behind a stored path. Paths recorded before the storage root existed were
    absolute: they are used as they are."""
    if os.path.isabs(stored):
        return Path(stored)
    if ".." in PurePosixPath(stored).parts:
        raise ValueError(f"stored path leaves the storage root: {stored!r}")
    return root() / stored


def relative(full: Path) -> str:
    """What the database keeps for a file under the storage root."""
    return Path(full).resolve().relative_to(root().resolve()).as_posix()


def folder(name: str) -> Path:
    """root/name, made if missing (0700: only the application's account enters); StorageError
    when it cannot be."""
    target = root() / name
    try:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        _failed("mkdir", target, exc)
    return target


def save(where: str, name: str, data: bytes) -> str:
    """Write `data` as root/where/name, whole or not at all, readable by the application's own
    account only (0600: uploads carry identity numbers and phones); the stored (relative) path."""
    target = folder(where) / name
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            fh.write(data)
        os.replace(part, target)
    except OSError as exc:
        try:
            part.unlink(missing_ok=True)
        except OSError:
            pass
        _failed("write", target, exc)
    return f"{where}/{name}"


def remove(stored: str | None) -> None:
    """Delete a stored file if it is there; a failure is only logged (the file is an orphan)."""
    if not stored:
        return
    try:
        path(stored).unlink(missing_ok=True)
    except (OSError, ValueError) as exc:
        log.warning("could not delete a stored file", extra={"fields": {"path": stored, "error": str(exc)}})


def writable() -> bool:
    """Whether a file can be written under the root now (for /healthz)."""
    try:
        probe = folder(".health") / f"{secrets.token_hex(6)}.probe"
        probe.write_bytes(b"ok")
        probe.unlink()
    except (OSError, StorageError) as exc:
        log.error("storage is not writable", extra={"fields": {"root": str(root()), "error": str(exc)}})
        return False
    return True


def _failed(action: str, target: Path, exc: OSError):
    # The server path and the system's error go to the log only; the user gets NOT_SAVED.
    log.error("could not store a file", extra={"fields": {"action": action, "path": str(target), "error": str(exc)}})
    raise StorageError(NOT_SAVED) from exc
