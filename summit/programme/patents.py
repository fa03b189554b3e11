"""Patent numbers: pure checks, no Flask, no database.

Accepted, after removing spaces and a leading 专利号/ZL:
- a Chinese application number (申请号) of 12 digits, a dot and its check digit, e.g.
  CN202310123456.7 or ZL202310123456.7; the check digit is verified;
- a Chinese publication or grant number, e.g. CN115123456A, CN218765432U, CN112233445B;
- a PCT application, e.g. PCT/CN2023/123456;
- a US, EP, JP, KR or WO publication, e.g. US11234567B2, EP3456789A1, WO2023123456A1.
"""
from __future__ import annotations

import re

_CN_APPLICATION = re.compile(r"(?:CN|ZL)?(\d{12})\.?([\dX])")
_CN_PUBLICATION = re.compile(r"CN\d{9}[ABUSCY]\d?")
_PCT = re.compile(r"PCT/[A-Z]{2}\d{4}/\d{6}")
_FOREIGN = re.compile(r"(?:US\d{7,11}|EP\d{7}|JP\d{7,10}|KR\d{7,13}|WO\d{4}\d{6})[A-Z]\d?")
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def cn_check_digit(digits12: str) -> str:
    """The check digit of a 12-digit Chinese patent application number (weights 2–9, mod 11)."""
    total = sum(int(d) * w for d, w in zip(digits12, _WEIGHTS))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def normalise_patent(raw: str) -> str | None:
    """The canonical spelling of a patent number, or None when it is not one."""
    cleaned = re.sub(r"[\s\u3000]", "", raw or "").upper()
    cleaned = cleaned.replace("专利号", "").replace("：", ":").lstrip(":")
    cleaned = cleaned.replace("．", ".")
    if not cleaned:
        return None
    found = _CN_APPLICATION.fullmatch(cleaned)
    if found:
        digits, check = found.groups()
        if cn_check_digit(digits) != check:
            return None
        return f"CN{digits}.{check}"
    for pattern in (_CN_PUBLICATION, _PCT, _FOREIGN):
        if pattern.fullmatch(cleaned):
            return cleaned
    return None


def parse_patents(text: str) -> tuple[list[str], list[str]]:
    """(normalised numbers, rejected entries) from text with one number per line, or
    separated by commas / semicolons / 、. Duplicates are kept once, in order."""
    good: list[str] = []
    bad: list[str] = []
    for entry in re.split(r"[\n,，;；、]+", text or ""):
        entry = entry.strip()
        if not entry:
            continue
        number = normalise_patent(entry)
        if number is None:
            bad.append(entry)
        elif number not in good:
            good.append(number)
    return good, bad
