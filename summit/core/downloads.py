"""Files handed to the browser as downloads: one way to name them and set their headers."""
from __future__ import annotations

from flask import Response

from summit.core.spreadsheet import XLSX_MIMETYPE


def attachment(data: bytes, filename: str, mimetype: str = XLSX_MIMETYPE, *, no_store: bool = False) -> Response:
    """A download named `filename` (ASCII names: the files are named by code, year and id)."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if no_store:  # figures and personal data are not kept in shared caches
        headers["Cache-Control"] = "no-store"
    return Response(data, mimetype=mimetype, headers=headers)
