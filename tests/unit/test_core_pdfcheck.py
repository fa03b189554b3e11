import io

import pytest
from pypdf import PdfWriter

from summit.core.pdfcheck import PdfProblem, inspect_pdf


def _pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_real_pdf_gives_its_page_count():
    assert inspect_pdf(_pdf(3), 10_000_000) == 3


@pytest.mark.parametrize("data, limit, kind", [
    (b"x" * 100, 50, "too_large"),
    (b"PK\x03\x04 a zip file renamed .pdf", 10_000, "not_pdf"),
    (b"%PDF-1.7\n garbage that is no PDF", 10_000, "unreadable"),
])
def test_problems_are_named(data, limit, kind):
    with pytest.raises(PdfProblem) as caught:
        inspect_pdf(data, limit)
    assert caught.value.kind == kind


def test_a_locked_pdf_is_refused():
    with pytest.raises(PdfProblem) as caught:
        inspect_pdf(_pdf(1, password="secret"), 10_000_000)
    assert caught.value.kind == "encrypted"
