"""Build unihan_readings.tsv: a reading for the CJK characters that pypinyin's dictionary lacks,
taken from Unicode's Unihan database (Debian's `unicode-data` package ships it).

A character gets its own kMandarin reading where Unihan has one, else the reading of the
character Unihan names as its variant (traditional/simplified, Z-, semantic, spoofing variant:
the rare forms people's names are written with, such as 𠮷 for 吉). Run it again when the
Unicode version or pypinyin changes:

    python -m summit.core.names_data.build_unihan_readings /usr/share/unicode > summit/core/names_data/unihan_readings.tsv
"""
from __future__ import annotations

import bz2
import re
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

VARIANT_FIELDS = ("kTraditionalVariant", "kSimplifiedVariant", "kZVariant", "kSemanticVariant",
                  "kSpecializedSemanticVariant", "kSpoofingVariant")


def _lines(folder: Path, name: str):
    path = folder / name
    opener = open if path.exists() else None
    if opener is None:
        path = folder / (name + ".bz2")
        opener = bz2.open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            cp, field, value = line.rstrip("\n").split("\t", 2)
            yield chr(int(cp[2:], 16)), field, value


def _reading(ch: str) -> str | None:
    value = lazy_pinyin(ch, style=Style.NORMAL, v_to_u=False)[0]
    return None if value == ch else value


def build(folder: Path) -> list[tuple[str, str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    for ch, field, value in _lines(folder, "Unihan_Readings.txt"):
        if field == "kMandarin" and _reading(ch) is None:
            plain = lazy_pinyin(value.split()[0], style=Style.NORMAL)[0]
            rows[ch] = (re.sub(r"[^a-zü]", "", plain).replace("ü", "v"), "kMandarin")
    variants: dict[str, list[tuple[int, str]]] = {}
    for ch, field, value in _lines(folder, "Unihan_Variants.txt"):
        if field in VARIANT_FIELDS and ch not in rows and _reading(ch) is None:
            for code in re.findall(r"U\+([0-9A-F]+)", value):
                variants.setdefault(ch, []).append((VARIANT_FIELDS.index(field), chr(int(code, 16))))
    for ch, found in variants.items():
        for rank, other in sorted(found):
            reading = _reading(other)
            if reading:
                rows[ch] = (reading, f"{VARIANT_FIELDS[rank]} U+{ord(other):04X}")
                break
    return [(f"U+{ord(ch):04X}", reading, source) for ch, (reading, source) in sorted(rows.items())]


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode")
    print("# Readings for CJK characters that pypinyin lacks, from the Unicode Character Database's")
    print("# Unihan files (kMandarin, or the reading of a variant named in Unihan_Variants).")
    print("# Unicode data: Copyright © 1991-2022 Unicode, Inc.; Unicode License Agreement, see LICENSE-UNICODE.")
    print("# Built by summit/core/names_data/build_unihan_readings.py; columns: code point, reading, source.")
    for row in build(folder):
        print("\t".join(row))


if __name__ == "__main__":
    main()
