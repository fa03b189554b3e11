"""Uploaded PDFs (business plans, CVs, decks) are checked by content, not by name.

Pure: bytes in, a page count or a PdfProblem out; each feature words the message.
"""
from __future__ import annotations

import io

MAGIC = b"%PDF-"


class PdfProblem(ValueError):
    """kind: too_large, not_pdf, encrypted, unreadable or no_pages."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def inspect_pdf(data: bytes, max_bytes: int) -> int:
    """The page count of a PDF a person may open without a password."""
    if len(data) > max_bytes:
        raise PdfProblem("too_large")
    if data.lstrip()[:5] != MAGIC:
        raise PdfProblem("not_pdf")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfProblem("encrypted")
        pages = len(reader.pages)
    except PdfProblem:
        raise
    # A damaged file can fail in any of pypdf's parsers: every such failure means "unreadable".
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise PdfProblem("unreadable") from None
    if pages < 1:
        raise PdfProblem("no_pages")
    return pages
