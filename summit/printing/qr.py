"""QR codes for print and mail: vector SVG for PDFs (badges, certificates), PNG for mail."""
from __future__ import annotations

import functools
import io

import qrcode


def qr_matrix(code: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(code)
    qr.make(fit=True)
    return qr.get_matrix()


@functools.lru_cache(maxsize=4096)
def qr_svg(code: str, size_mm: float) -> str:
    """The code as a vector QR code: an inline <svg> of the given size.

    The whole code is one stroked line that snakes through the rows (right along a row, down
    outside the code, left along the next); its dash pattern is the run lengths of dark and
    light modules. One path with one dash array is far cheaper for WeasyPrint to draw than
    hundreds of little squares, and every module is still an exact vector rectangle.
    """
    matrix = qr_matrix(code)
    n = len(matrix)
    dashes = [0]  # a dash pattern starts "on": an empty first dash when the line starts light
    dark_now = True

    def add(length: int, dark: bool) -> None:
        nonlocal dark_now
        if dark == dark_now:
            dashes[-1] += length
        else:
            dashes.append(length)
            dark_now = dark

    path = ["M-1 0.5"]
    for y, row in enumerate(matrix):
        cells = row if y % 2 == 0 else row[::-1]
        add(1, False)  # lead-in outside the code
        for cell in cells:
            add(1, bool(cell))
        add(1, False)
        path.append(f"H{n + 1 if y % 2 == 0 else -1}")
        if y < n - 1:
            path.append(f"V{y + 1.5}")
            add(1, False)
    if len(dashes) % 2:
        dashes.append(0)
    return (f'<svg class="qr" width="{size_mm}mm" height="{size_mm}mm" viewBox="0 0 {n} {n}" '
            f'xmlns="http://www.w3.org/2000/svg"><path d="{"".join(path)}" fill="none" stroke="#000" '
            f'stroke-width="1" stroke-dasharray="{" ".join(map(str, dashes))}"/></svg>')


def qr_png(code: str, box_size: int = 8) -> bytes:
    image = qrcode.make(code, box_size=box_size, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
