"""The QR code on every badge layout keeps its quiet zone: at least 4 modules of light paper on
every side (ISO/IEC 18004), up to the text, the band, the footer or the edge where the badge is
cut. Computed from the layout's geometry, and measured on the rendered page (pdftoppm)."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest
from PIL import Image

from summit.badges import layouts, sheets, tokens
from summit.registration.models import Registration
from summit.printing.qr import qr_matrix

DPI = 300
LIGHT = 200  # a grey level below this is ink (antialiased text edges included)
QUIET = 4  # modules, ISO/IEC 18004
LONG_ORG = ("中国科学院青岛生物能源与过程研究所海洋生物技术与智能装备联合实验室（崂山实验室）"
            "海洋药物与生物制品功能实验室青岛分部")
LONG_TITLE = ("研究员、博士生导师、国家杰出青年科学基金获得者、泰山学者攀登计划专家、"
              "山东省海洋生物医药产业技术创新战略联盟理事长、青岛市政协委员")


def test_a_badge_code_is_the_symbol_size_the_layouts_assume():
    assert len(qr_matrix(tokens.new_code())) == layouts.QR_MODULES


@pytest.mark.parametrize("name", list(layouts.LAYOUTS))
def test_layout_geometry_keeps_four_modules(name):
    zone = layouts.LAYOUTS[name].quiet_zone()
    assert min(zone.values()) >= layouts.QUIET_MODULES, zone


def _px(mm: float) -> float:
    return mm / 25.4 * DPI


def _margins(ink: np.ndarray, badge: tuple[int, int, int, int], qr: tuple[int, int, int, int]) -> dict:
    """Light pixels between the QR code and the first ink (or the badge's edge) on each side, over
    the code's whole width or height widened by the margin being measured (the corners count)."""
    bx0, by0, bx1, by1 = badge
    x0, y0, x1, y1 = qr
    out = {}
    for side in ("top", "bottom", "left", "right"):
        d = 0
        while True:
            d += 1
            if side == "top":
                y = y0 - d
                strip = ink[y, max(x0 - d, bx0):min(x1 + d, bx1) + 1] if y >= by0 else None
            elif side == "bottom":
                y = y1 + d
                strip = ink[y, max(x0 - d, bx0):min(x1 + d, bx1) + 1] if y <= by1 else None
            elif side == "left":
                x = x0 - d
                strip = ink[max(y0 - d, by0):min(y1 + d, by1) + 1, x] if x >= bx0 else None
            else:
                x = x1 + d
                strip = ink[max(y0 - d, by0):min(y1 + d, by1) + 1, x] if x <= bx1 else None
            if strip is None or strip.any():
                out[side] = d - 1
                break
    return out


@pytest.mark.parametrize("name", list(layouts.LAYOUTS))
def test_rendered_badges_keep_four_light_modules_around_the_qr(db, make_registration, tmp_path, name):
    import zxingcpp

    layout = layouts.LAYOUTS[name]
    people = ["Maximilian Alexander von Hohenberg-Schwarzenstein", "欧阳䶮晨", "Sophie Martin-Delacroix", "吉𠮷"]
    ids = [make_registration(people[i % len(people)], organisation=LONG_ORG, title=LONG_TITLE,
                             language="en" if i % 2 == 0 else "zh_CN") for i in range(layout.per_page)]
    summit = db.session.get(Registration, ids[0]).summit
    entries = sheets.select_for_print(summit)
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(sheets.render_badges(entries, name))
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(DPI), "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                   check=True)
    image = Image.open(next(tmp_path.glob("p*.png")))
    pixels = np.asarray(image.convert("L"))
    ink = pixels < LIGHT
    found = zxingcpp.read_barcodes(image)
    assert sorted(f.text for f in found) == sorted(b.code for _r, b in entries)  # every code still scans
    worst = {}
    for symbol in found:
        # The symbol where the reader found it, then its exact ink (a module of tolerance).
        corners = [symbol.position.top_left, symbol.position.top_right, symbol.position.bottom_left,
                   symbol.position.bottom_right]
        modules = len(qr_matrix(symbol.text))
        pad = round(_px(layout.qr_mm / modules))
        gx0, gy0 = min(c.x for c in corners) - pad, min(c.y for c in corners) - pad
        gx1, gy1 = max(c.x for c in corners) + pad, max(c.y for c in corners) + pad
        ys, xs = np.nonzero(ink[gy0:gy1, gx0:gx1])
        qr = (gx0 + xs.min(), gy0 + ys.min(), gx0 + xs.max(), gy0 + ys.max())
        module_px = (qr[2] - qr[0] + 1) / modules
        assert module_px == pytest.approx(_px(layout.qr_mm / modules), rel=0.03)
        # The badge it is printed on: the card is cut along its edges.
        cx, cy = (qr[0] + qr[2]) / 2, (qr[1] + qr[3]) / 2
        for index in range(layout.per_page):
            _page, left, top = layouts.place(layout, index)
            badge = (round(_px(left)), round(_px(top)), round(_px(left + layout.badge_w)) - 1,
                     round(_px(top + layout.badge_h)) - 1)
            if badge[0] <= cx <= badge[2] and badge[1] <= cy <= badge[3]:
                break
        for side, px in _margins(ink, badge, qr).items():
            worst[side] = min(worst.get(side, 99.0), px / module_px)
    worst = {side: round(float(v), 2) for side, v in worst.items()}
    # One pixel of rounding on each side of the measure.
    assert min(worst.values()) >= QUIET - 1.5 / module_px, worst
