"""The PDF engine of the project, used by badges and certificates: HTML in, PDF bytes out.

- Fonts are the package's own (fonts/, Noto Sans CJK SC under the SIL OFL), so Chinese,
  and rare characters such as 䶮 㛃 𠮷 龑, print on a machine with no CJK font installed.
- The font is shipped in slices; a document loads only the slices its text needs
  (font_css), so WeasyPrint embeds a few small fonts instead of subsetting one of 16 MB.
- The URL fetcher serves the package's fonts and images and data: URLs, nothing else:
  no file:// and no network, whatever the HTML built from attendee input says.

Callers escape attendee input (Jinja autoescaping) and size pages with CSS @page.
"""
from __future__ import annotations

import functools
import html as html_lib
import json
import mimetypes
import re
import threading
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

PACKAGE_DIR = Path(__file__).resolve().parent
FONTS_DIR = PACKAGE_DIR / "fonts"
IMAGES_DIR = PACKAGE_DIR / "images"
SCHEME = "summit-asset"
BASE_URL = f"{SCHEME}:///"
FAMILY = "Summit Sans SC"


class AssetFetcher(URLFetcher):
    """Serves summit-asset:///fonts/<file> and summit-asset:///images/<file> from the package,
    and data: URLs; refuses everything else (file://, http(s)://, paths outside the folders)."""

    def __init__(self):
        super().__init__(allowed_protocols=(SCHEME, "data"))

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        match = re.fullmatch(rf"{SCHEME}:///(fonts|images)/([A-Za-z0-9_.-]+)", url)
        if not match or ".." in match.group(2):
            raise ValueError(f"not a package asset: {url[:80]}")
        folder = FONTS_DIR if match.group(1) == "fonts" else IMAGES_DIR
        body = _asset_bytes(str(folder / match.group(2)))
        mimetype = mimetypes.guess_type(match.group(2))[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mimetype})


@functools.lru_cache(maxsize=512)
def _asset_bytes(path: str) -> bytes:
    # Kept in memory: a warm server reads each font slice from disk once.
    return Path(path).read_bytes()


@functools.lru_cache(maxsize=1)
def manifest() -> dict:
    data = json.loads((FONTS_DIR / "manifest.json").read_text())
    starts, slices = [], []
    for n, ranges in enumerate(data["slices"]):
        for a, b in ranges:
            starts.append(a)
            slices.append((a, b, n))
    order = sorted(range(len(starts)), key=starts.__getitem__)
    data["_index"] = [slices[i] for i in order]
    data["_starts"] = [slices[i][0] for i in order]
    return data


def slice_of(codepoint: int) -> int | None:
    """Which font slice holds the character, or None when the shipped font lacks it."""
    import bisect

    data = manifest()
    i = bisect.bisect_right(data["_starts"], codepoint) - 1
    if i >= 0:
        a, b, n = data["_index"][i]
        if a <= codepoint <= b:
            return n
    return None


def covered(text: str) -> bool:
    """True when the shipped font has every visible character of the text."""
    return all(slice_of(ord(c)) is not None for c in text if not c.isspace())


def slices_for(text: str) -> list[int]:
    wanted = {0}  # Latin, digits and punctuation: always
    for ch in set(text):
        n = slice_of(ord(ch))
        if n is not None:
            wanted.add(n)
    return sorted(wanted)


def font_css(text: str) -> str:
    """@font-face rules for the slices the text needs, and the font-family list that uses them.

    The family list is set on the root element; documents inherit it.
    """
    data = manifest()
    families, rules = [], []
    for n in slices_for(text):
        family = f"{FAMILY} {n:03d}"
        families.append(f'"{family}"')
        for weight, files in data["weights"].items():
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {700 if weight == "bold" else 400}; '
                f'src: url("{BASE_URL}fonts/{files[n]}"); }}')
    # After the package's own slices, whatever the machine has (e.g. HanaMinB from
    # fonts-hanazono) for the rare characters of CJK Extension B and beyond that Noto lacks.
    stack = ", ".join(families + ['"HanaMinB"', '"Noto Sans CJK SC"', "sans-serif"])
    return "\n".join(rules) + f"\nhtml {{ font-family: {stack}; }}\n"


def visible_text(html: str) -> str:
    """The characters a document may show: its markup with entities decoded (the tags' own
    Latin letters are harmless: slice 0 is always loaded)."""
    return html_lib.unescape(html)


_lock = threading.Lock()


def harfbuzz_subsetter() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (slow)."""
    from weasyprint.pdf import fonts as pdf_fonts

    return bool(pdf_fonts.harfbuzz_subset and pdf_fonts.harfbuzz.hb_version_atleast(4, 1, 0))


def render_pdf(html: str, stylesheets: list[str] | None = None, whole_slices: bool | None = None) -> bytes:
    """Render HTML to PDF with the package's fonts. Page size and margins come from the
    document's own CSS (@page { size: ... }), so badges, sheets and certificates share it.

    whole_slices embeds the font slices as they are instead of subsetting them: a somewhat
    larger PDF, no subsetting at all. By default it is used where WeasyPrint would have to
    subset with fontTools (no libharfbuzz-subset), which costs a second per badge."""
    if whole_slices is None:
        whole_slices = not harfbuzz_subsetter()
    text = visible_text(html) + "".join(stylesheets or [])
    font_config = FontConfiguration()
    css = [CSS(string=font_css(text), font_config=font_config, url_fetcher=AssetFetcher(), base_url=BASE_URL)]
    css += [CSS(string=s, font_config=font_config, url_fetcher=AssetFetcher(), base_url=BASE_URL)
            for s in stylesheets or []]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=AssetFetcher())
    # Fontconfig is not thread-safe; two renders in one process (a job thread and a
    # request) take turns.
    with _lock:
        return document.write_pdf(stylesheets=css, font_config=font_config, full_fonts=whole_slices)
