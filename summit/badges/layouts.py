"""Badge layouts as data, and the arithmetic that places badges on a sheet (names are fitted by
summit.printing.text).

Pure: no Flask, no database. Every length is in millimetres, font sizes in points.
"""
from __future__ import annotations

from dataclasses import dataclass

# A badge code ("QS" + 26 base32 characters, alphanumeric mode, level M) is a version 2 symbol:
# 25 × 25 modules. ISO/IEC 18004 asks for a light margin of 4 modules on every side of it.
QR_MODULES = 25
QUIET_MODULES = 4
BAND_PORTRAIT = 14.0  # the coloured category band at the top, mm
BAND_LANDSCAPE = 7.0
TEXT_TOP_PORTRAIT = 25.0
TEXT_TOP_LANDSCAPE = 9.5
FOOTER_LANDSCAPE = 5.0  # the summit's name along the bottom edge of a landscape badge
SLACK = 0.5  # mm beyond the quiet zone: a printer places text and code that much apart at worst


@dataclass(frozen=True)
class Layout:
    name: str
    label_zh: str
    label_en: str
    page_w: float
    page_h: float
    badge_w: float
    badge_h: float
    cols: int = 1
    rows: int = 1
    gap: float = 0.0  # between badges on a sheet
    cut_marks: bool = False
    # "portrait": band, name, organisation, QR below; "landscape": QR beside the text.
    style: str = "portrait"
    name_max_pt: float = 40
    name_min_pt: float = 14
    qr_mm: float = 40
    padding: float = 6
    # The QR code's distance from the badge's bottom edge (portrait) or right edge (landscape);
    # never less than its quiet zone.
    qr_edge: float = 8
    # The name's pinyin under a Chinese name (`LIU Yan`) for summits with overseas guests.
    name_pinyin: bool = False

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    @property
    def margin_x(self) -> float:
        return (self.page_w - self.cols * self.badge_w - (self.cols - 1) * self.gap) / 2

    @property
    def margin_y(self) -> float:
        return (self.page_h - self.rows * self.badge_h - (self.rows - 1) * self.gap) / 2

    @property
    def module_mm(self) -> float:
        return self.qr_mm / QR_MODULES

    @property
    def quiet_mm(self) -> float:
        return QUIET_MODULES * self.module_mm

    @property
    def qr_left(self) -> float:
        """The QR code's left edge in the badge, mm."""
        if self.style == "landscape":
            return self.badge_w - max(self.qr_edge, self.quiet_mm + SLACK) - self.qr_mm
        return (self.badge_w - self.qr_mm) / 2

    @property
    def qr_top(self) -> float:
        if self.style == "landscape":
            return BAND_LANDSCAPE + (self.badge_h - BAND_LANDSCAPE - FOOTER_LANDSCAPE - self.qr_mm) / 2
        return self.badge_h - max(self.qr_edge, self.quiet_mm + SLACK) - self.qr_mm

    @property
    def text_top(self) -> float:
        return TEXT_TOP_LANDSCAPE if self.style == "landscape" else TEXT_TOP_PORTRAIT

    @property
    def text_height(self) -> float:
        """The text block's height: in portrait it stops a quiet zone above the QR code (what
        does not fit is cut, never printed into the quiet zone)."""
        if self.style == "landscape":
            return self.badge_h - FOOTER_LANDSCAPE - self.text_top
        return self.qr_top - self.quiet_mm - SLACK - self.text_top

    @property
    def text_width(self) -> float:
        """Room for the name in a row: in landscape it stops a quiet zone left of the QR code."""
        if self.style == "landscape":
            return self.qr_left - self.quiet_mm - SLACK - self.padding
        return self.badge_w - 2 * self.padding

    def quiet_zone(self) -> dict[str, float]:
        """The light margin around the QR code on each side, in modules, up to the nearest
        printed thing (text block, band, footer) or the badge's edge, where the card is cut."""
        m, q = self.module_mm, self.qr_mm
        right_space = self.badge_w - self.qr_left - q
        bottom_space = self.badge_h - self.qr_top - q
        if self.style == "landscape":
            return {"top": (self.qr_top - BAND_LANDSCAPE) / m,
                    "bottom": (bottom_space - FOOTER_LANDSCAPE) / m,
                    "left": (self.qr_left - self.padding - self.text_width) / m,
                    "right": right_space / m}
        return {"top": (self.qr_top - self.text_top - self.text_height) / m, "bottom": bottom_space / m,
                "left": self.qr_left / m, "right": right_space / m}

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_zh


LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (
    Layout("a6", "A6 竖版", "A6 portrait", 105, 148, 105, 148, name_max_pt=60, qr_mm=42),
    Layout("lanyard", "挂绳胸卡 90×130", "Lanyard card 90×130 mm", 90, 130, 90, 130, name_max_pt=52, qr_mm=38),
    Layout("card", "证卡 86×54（卡片打印机）", "Card 86×54 mm (card printer)", 86, 54, 86, 54, style="landscape",
           name_max_pt=22, name_min_pt=9, qr_mm=26, padding=4, qr_edge=4.7),
    Layout("a4-4up", "A4 四联（A6，带裁切线）", "A4 sheet, 4 × A6 with cut marks", 210, 297, 98, 138, cols=2, rows=2,
           gap=6, cut_marks=True, name_max_pt=52, qr_mm=38),
    Layout("a4-8up", "A4 八联（2×4，带裁切线）", "A4 sheet, 2 × 4 with cut marks", 210, 297, 90, 60, cols=2, rows=4,
           gap=8, cut_marks=True, style="landscape", name_max_pt=22, name_min_pt=9, qr_mm=30, padding=4,
           qr_edge=5.3),
)}
DEFAULT_LAYOUT = "a6"


def place(layout: Layout, index: int) -> tuple[int, float, float]:
    """(page number, left, top) of the index-th badge."""
    page, slot = divmod(index, layout.per_page)
    row, col = divmod(slot, layout.cols)
    return (page, layout.margin_x + col * (layout.badge_w + layout.gap),
            layout.margin_y + row * (layout.badge_h + layout.gap))


def cut_marks(layout: Layout, length: float = 3.0, offset: float = 1.0) -> list[tuple[float, float, float, float]]:
    """Crop marks of one sheet as (x1, y1, x2, y2) lines in the margins and gaps, outside every badge."""
    if not layout.cut_marks:
        return []
    xs = sorted({layout.margin_x + c * (layout.badge_w + layout.gap) + d
                 for c in range(layout.cols) for d in (0, layout.badge_w)})
    ys = sorted({layout.margin_y + r * (layout.badge_h + layout.gap) + d
                 for r in range(layout.rows) for d in (0, layout.badge_h)})
    room = min(layout.gap / 2 if layout.gap else length + offset, layout.margin_x, layout.margin_y)
    length = max(min(length, room - offset), 0.5)
    lines = []
    for x in xs:
        for y in ys:
            # A short stroke beside each corner, pointing away from the badges.
            for dy in (-1, 1):
                lines.append((x, y + dy * offset, x, y + dy * (offset + length)))
            for dx in (-1, 1):
                lines.append((x + dx * offset, y, x + dx * (offset + length), y))
    return [ln for ln in lines if not _inside_badge(layout, ln)]


def _inside_badge(layout: Layout, line) -> bool:
    x1, y1, x2, y2 = line
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    for i in range(layout.per_page):
        _, left, top = place(layout, i)
        if left < mx < left + layout.badge_w and top < my < top + layout.badge_h:
            return True
    return False
