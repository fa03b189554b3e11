"""Fitting text to printed space: estimated widths of characters (CJK full width, Latin
narrower) and the largest size at which a name fits, for badges and certificates.

Pure: no Flask, no database. Lengths in millimetres, font sizes in points.
"""
from __future__ import annotations

import unicodedata

PT_MM = 25.4 / 72


def char_em(ch: str) -> float:
    """Rough advance width of a character in em (CJK full width, Latin narrower)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch == " ":
        return 0.28
    if ch.isupper():
        return 0.66
    if ch in "il.,'j|!":
        return 0.28
    return 0.56


def text_em(text: str) -> float:
    return sum(char_em(c) for c in text)


def is_cjk_name(name: str) -> bool:
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in name)


def wrap_words(words: list[str], max_em: float) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and text_em(lines[-1] + " " + word) <= max_em:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def fit_name(name: str, width_mm: float, max_pt: float, min_pt: float, max_lines: int = 2) -> tuple[float, list[str]]:
    """The largest font size (points) at which the name fits, and its lines.

    Chinese names stay on one line (a name is not broken); names in Latin letters wrap at
    spaces onto up to max_lines lines. Below min_pt the name is set at min_pt and may overflow
    a little rather than become unreadable.
    """
    name = " ".join(name.split())
    pt = max_pt
    while pt >= min_pt:
        width_em = 0.94 * width_mm / (pt * PT_MM)  # a little room: the widths are estimates
        if is_cjk_name(name):
            if text_em(name) <= width_em:
                return pt, [name]
        else:
            lines = wrap_words(name.split(" "), width_em)
            if len(lines) <= max_lines and all(text_em(line) <= width_em for line in lines):
                return pt, lines
        pt -= 1
    if is_cjk_name(name):
        return min_pt, [name]
    return min_pt, wrap_words(name.split(" "), width_mm / (min_pt * PT_MM))
