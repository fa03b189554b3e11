"""Codes as people type them on a phone with a Chinese input method: pure, no Flask, no database.

A full-width keyboard gives `１３９００００１１１１`, `ｚｈａｎｇ＠ｅｘａｍｐｌｅ。ｃｏｍ` or an identity
number with a full-width `Ｘ`. Codes (phone, identity and passport numbers, email, numbers,
badge codes) are folded to their plain form before they are checked; names and free text are
never passed through here and stay exactly as typed.
"""
from __future__ import annotations

import re
import unicodedata

# Spaces of every width, and the dashes people put between groups of digits. NFKC already
# turns the full-width space and hyphen-minus into ASCII; these are what it leaves.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70]+")
# NFKC leaves the ideographic full stop (。) and its half-width form (｡ becomes 。) alone:
# in an email address they can only be a dot typed on a Chinese keyboard.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def fold(text: object) -> str:
    """Unicode NFKC (full-width letters, digits and signs become ASCII), trimmed."""
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()


def code(text: object) -> str:
    """A code where spaces and hyphens carry no meaning (phone, identity, passport, badge)."""
    return _SEPARATORS.sub("", fold(text))


def email(text: object) -> str:
    """An email address: folded, `。` typed for `.`, and no spaces (an address has none)."""
    return re.sub(r"\s+", "", fold(text).translate(_DOTS))


def number(text: object) -> str:
    """A number someone typed (`１２３`, `１，０００．５`): folded, spaces dropped."""
    return re.sub(r"\s+", "", fold(text).translate(_DOTS).replace("\uff0c", ","))
