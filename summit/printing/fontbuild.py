"""Build the print fonts shipped in summit/printing/fonts/ from Noto Sans CJK SC.

    python -m summit.printing.fontbuild /usr/share/fonts/opentype/noto   (Debian's fonts-noto-cjk)

The font is cut into small slices (a few hundred glyphs each, the most frequent Chinese
characters first) listed in fonts/manifest.json. A document then loads only the slices its
text needs, so WeasyPrint embeds and subsets a few small fonts instead of one of 16 MB:
that subsetting is what made a single badge take seconds.
"""
from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
WEIGHTS = {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}
SLICE_SIZE = 300
# Everything but Han that a badge or certificate may show: Latin with accents, punctuation,
# symbols, full-width forms, CJK punctuation. (Hangul and kana are left out to stay small.)
LATIN_AND_PUNCTUATION = [(0x20, 0x24F), (0x2B0, 0x2FF), (0x370, 0x3FF), (0x400, 0x4FF), (0x1E00, 0x1EFF),
                         (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x218F), (0x2190, 0x21FF),
                         (0x2460, 0x24FF), (0x2500, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F),
                         (0x3200, 0x33FF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]
# Characters every slice also carries: Pango keeps a run's font for the spaces and
# punctuation after a Chinese character, so a slice without them shows a missing-glyph box
# between "刘䶮" and "Müller". (The manifest lists them under slice 0 only.)
SHARED = [0x20, 0xA0, 0x3000, 0xB7, 0x30FB, 0x2D, 0x2E, 0x27, 0x28, 0x29, 0x2C, 0x3A, 0x2F, 0xFF08, 0xFF09,
          0xFF0C, 0x3001, 0x3002, 0xFF1A, 0x2014, 0x2026]
HAN = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x323AF), (0xF900, 0xFAFF),
       (0x2F00, 0x2FDF), (0x2E80, 0x2EFF), (0x31C0, 0x31EF)]


def _in(ranges, cp):
    return any(a <= cp <= b for a, b in ranges)


def char_frequencies() -> collections.Counter:
    """How often each character appears in jieba's dictionary of Chinese words."""
    import jieba

    counts: collections.Counter = collections.Counter()
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            for ch in parts[0]:
                counts[ch] += int(parts[1])
    return counts


def plan_slices(cmap: dict[int, str]) -> list[list[int]]:
    latin = sorted(cp for cp in cmap if _in(LATIN_AND_PUNCTUATION, cp))
    han = [cp for cp in cmap if _in(HAN, cp)]
    freq = char_frequencies()
    # Frequent characters first, then the rest in code point order: a name of common
    # characters touches few slices.
    han.sort(key=lambda cp: (-freq.get(chr(cp), 0), cp))
    slices = [latin]
    for i in range(0, len(han), SLICE_SIZE):
        slices.append(sorted(han[i:i + SLICE_SIZE]))
    return slices


def build(source_dir: Path) -> None:
    FONTS_DIR.mkdir(exist_ok=True)
    for old in FONTS_DIR.glob("*.otf"):
        old.unlink()
    manifest: dict = {"family": "Summit Sans SC", "source": "Noto Sans CJK SC 2.004 (SIL OFL 1.1)",
                      "weights": {}, "slices": []}
    slices = None
    for weight, filename in WEIGHTS.items():
        collection = TTCollection(str(source_dir / filename))
        font_index = next(i for i, f in enumerate(collection.fonts) if f["name"].getDebugName(4).startswith("Noto Sans CJK SC"))
        if slices is None:
            slices = plan_slices(collection.fonts[font_index].getBestCmap())
            manifest["slices"] = [_ranges(s) for s in slices]
        files = []
        for n, codepoints in enumerate(slices):
            options = subset.Options(font_number=font_index, layout_features=["*"], name_IDs=["*"],
                                     name_languages=["*"], notdef_outline=True, glyph_names=False,
                                     hinting=False)
            font = subset.load_font(str(source_dir / filename), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=sorted(set(codepoints) | set(SHARED)))
            subsetter.subset(font)
            rename(font, weight, n)
            out = f"summit-sans-sc-{weight}-{n:03d}.otf"
            subset.save_font(font, str(FONTS_DIR / out), options)
            files.append(out)
            print(out, len(codepoints), (FONTS_DIR / out).stat().st_size, file=sys.stderr)
        manifest["weights"][weight] = files
    (FONTS_DIR / "manifest.json").write_text(json.dumps(manifest, separators=(",", ":")))


def rename(font, weight: str, n: int) -> None:
    """Name each slice apart from the Noto font it comes from (the OFL allows it: Noto has no
    Reserved Font Name), so a PDF shows which fonts are the package's own."""
    family = f"Summit Sans SC {n:03d}"
    style = "Bold" if weight == "bold" else "Regular"
    postscript = f"SummitSansSC{n:03d}-{style}"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, family), (2, style), (3, postscript), (4, f"{family} {style}"), (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FamilyName, top.FullName = family, f"{family} {style}"


def _ranges(codepoints: list[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for cp in codepoints:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ranges


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto"))
