"""Bar and line charts as SVG strings, drawn on the server: no chart library, no internet.

Pure: labels and numbers in, markup out. Every label is escaped. The SVG uses presentation
attributes only (no style=""), so the Content-Security-Policy allows it inline.
"""
from __future__ import annotations

import math
import unicodedata
from html import escape
from typing import Sequence

FONT = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif'
BAR = "#1f5fa8"
LINE = "#c0392b"
GRID = "#e3e6ea"
TEXT = "#333"
FONT_SIZE = 13


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Rough width in pixels: wide (CJK) characters take a full em, others about half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.58 for ch in text)


def shorten(text: str, max_width: float, size: float = FONT_SIZE) -> str:
    if text_width(text, size) <= max_width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > max_width:
            break
        out += ch
    return out + "…"


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `maximum`."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(round(len(ticks) * step, 10))
    return ticks


def format_number(value: float) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _clean(points: Sequence) -> list[tuple[str, float]]:
    cleaned = []
    for point in points:
        label, value = point[0], point[1]
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = 0.0
        if not math.isfinite(number):
            number = 0.0
        cleaned.append(("" if label is None else str(label), number))
    return cleaned


def _open(width: float, height: float, title: str, chart_id: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="summit-chart" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title" font-family=\'{FONT}\' '
        f'font-size="{FONT_SIZE}" fill="{TEXT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]


def _empty(width: float, title: str, chart_id: str, empty_text: str) -> str:
    parts = _open(width, 60, title, chart_id)
    parts.append(f'<text x="{width / 2:.0f}" y="35" text-anchor="middle" fill="#888">{escape(empty_text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(points: Sequence, *, title: str = "", chart_id: str = "chart", width: int = 420,
              empty_text: str = "No data") -> str:
    """Horizontal bars, one row per label: long Chinese category names stay readable."""
    data = _clean(points)
    if not data:
        return _empty(width, title, chart_id, empty_text)
    row, gap, top = 26, 8, 8
    label_width = min(max(text_width(label) for label, _ in data) + 12, width * 0.4)
    value_width = max(text_width(format_number(v)) for _, v in data) + 10
    plot_width = max(width - label_width - value_width - 8, 40)
    maximum = max((v for _, v in data), default=0)
    scale = plot_width / maximum if maximum > 0 else 0
    height = top * 2 + len(data) * (row + gap)
    parts = _open(width, height, title, chart_id)
    for i, (label, value) in enumerate(data):
        y = top + i * (row + gap)
        bar = max(value, 0) * scale
        shown = shorten(label, label_width - 12)
        parts.append("<g>")
        parts.append(f"<title>{escape(label)}: {escape(format_number(value))}</title>")
        parts.append(f'<text x="{label_width - 8:.1f}" y="{y + row / 2 + 4.5:.1f}" text-anchor="end">{escape(shown)}</text>')
        parts.append(f'<rect x="{label_width:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{row}" rx="3" fill="{BAR}"/>')
        parts.append(f'<text x="{label_width + bar + 6:.1f}" y="{y + row / 2 + 4.5:.1f}">{escape(format_number(value))}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: Sequence, *, title: str = "", chart_id: str = "chart", width: int = 480,
               height: int = 260, empty_text: str = "No data") -> str:
    """A line over ordered labels (dates, rounds) with a y axis of round numbers."""
    data = _clean(points)
    if not data:
        return _empty(width, title, chart_id, empty_text)
    ticks = nice_ticks(max(max(v for _, v in data), 0))
    left = max(text_width(format_number(t)) for t in ticks) + 14
    right, top, bottom = 16, 18, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = ticks[-1] or 1
    n = len(data)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * max(v, 0) / top_value

    parts = _open(width, height, title, chart_id)
    for tick in ticks:
        ty = y(tick)
        parts.append(f'<line x1="{left:.1f}" y1="{ty:.1f}" x2="{width - right:.1f}" y2="{ty:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6:.1f}" y="{ty + 4:.1f}" text-anchor="end" fill="#666">{escape(format_number(tick))}</text>')
    # As many x labels as fit without overlapping, always the first and the last.
    widest = max(text_width(label, 12) for label, _ in data) + 10
    every = max(1, math.ceil(n * widest / plot_w))
    shown = list(range(0, n, every))
    if shown[-1] != n - 1:
        shown[-1 if len(shown) > 1 else len(shown):] = [n - 1]
    for i in shown:
        # The last label ends at its point, so that it stays inside the drawing.
        anchor = "end" if i == n - 1 and n > 1 else "middle"
        parts.append(f'<text x="{x(i):.1f}" y="{height - 12:.1f}" text-anchor="{anchor}" font-size="12" '
                     f'fill="#666">{escape(data[i][0])}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_l, v) in enumerate(data))
    parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2.5" stroke-linejoin="round"/>')
    radius = 3.5 if n <= 30 else 2  # many points: small dots, the line carries the shape
    for i, (label, value) in enumerate(data):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="{radius}" fill="{LINE}">'
                     f"<title>{escape(label)}: {escape(format_number(value))}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def render(chart: dict, *, chart_id: str, empty_text: str = "No data") -> str:
    """A chart of the dashboard contract: {"title", "kind": "bar"|"line", "points"}."""
    draw = line_chart if chart.get("kind") == "line" else bar_chart
    return draw(chart.get("points") or [], title=str(chart.get("title", "")), chart_id=chart_id,
                empty_text=empty_text)
