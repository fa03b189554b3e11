"""Badge codes: pure functions, no Flask, no database.

A code is "QS" and 26 base32 characters: 130 random bits, no personal data. Upper-case
letters and digits only, so a QR code holds it in alphanumeric mode (small, robust) and
a keyboard-wedge scanner types it the same on any keyboard layout.
"""
from __future__ import annotations

import base64
import re
import secrets

from summit.core.normalise import code as fold_code

PREFIX = "QS"
_CODE = re.compile(r"QS[A-Z2-7]{26}")


def new_code() -> str:
    raw = secrets.token_bytes(17)  # 136 bits, 26 base32 characters after trimming
    return PREFIX + base64.b32encode(raw).decode("ascii")[:26]


def normalise(scanned: str) -> str:
    """What a scanner or a person typed, as a code: spaces and dashes dropped, upper case.

    A scanner may send a URL or the code with stray whitespace; only the code is kept.
    """
    # A phone's input method may send the code full-width: folded like every other code.
    text = fold_code(scanned).upper()
    found = _CODE.search(text)
    return found.group(0) if found else text[:80]


def looks_like_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text or ""))
