"""Badge layouts as data, and the arithmetic that places badges on a sheet (names are fitted by
summit.printing.text).

Pure: no Flask, no database. Every length is in millimetres, font sizes in points.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    def text_width(self) -> float:
        """Room for the name in a row."""
        if self.style == "landscape":
            return self.badge_w - 3 * self.padding - self.qr_mm
        return self.badge_w - 2 * self.padding

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_zh


LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (
    Layout("a6", "A6 竖版", "A6 portrait", 105, 148, 105, 148, name_max_pt=60, qr_mm=42),
    Layout("lanyard", "挂绳胸卡 90×130", "Lanyard card 90×130 mm", 90, 130, 90, 130, name_max_pt=52, qr_mm=38),
    Layout("card", "证卡 86×54（卡片打印机）", "Card 86×54 mm (card printer)", 86, 54, 86, 54, style="landscape",
           name_max_pt=22, name_min_pt=9, qr_mm=26, padding=4),
    Layout("a4-4up", "A4 四联（A6，带裁切线）", "A4 sheet, 4 × A6 with cut marks", 210, 297, 98, 138, cols=2, rows=2,
           gap=6, cut_marks=True, name_max_pt=52, qr_mm=38),
    Layout("a4-8up", "A4 八联（2×4，带裁切线）", "A4 sheet, 2 × 4 with cut marks", 210, 297, 90, 60, cols=2, rows=4,
           gap=8, cut_marks=True, style="landscape", name_max_pt=22, name_min_pt=9, qr_mm=30, padding=4),
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
