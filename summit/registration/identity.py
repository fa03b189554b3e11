"""Identity documents and phone numbers: pure checks, no Flask, no database."""
from __future__ import annotations

import datetime as dt
import re

from summit.core import normalise

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    """The 18th character of a 居民身份证 number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def is_valid_resident_id(number: str) -> bool:
    number = normalise.code(number).upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return resident_id_check_char(number[:17]) == number[17]


def is_valid_passport(number: str) -> bool:
    return bool(re.fullmatch(r"[A-Z0-9]{5,20}", normalise.code(number).upper()))


def looks_like_passport(number: str) -> bool:
    """Clearly no resident identity card number: letters where the card has only digits
    (E12345678, 123456789 is not clear; C01X00T47 and most foreign passports are)."""
    number = number.strip().upper()
    return is_valid_passport(number) and bool(re.search(r"[A-Z]", number[:-1] or number)) \
        and not is_valid_resident_id(number)


def normalise_phone(raw: str) -> str | None:
    """Mainland mobiles as 11 digits (1[3-9]xxxxxxxxx), others as E.164 (+ and 8–15 digits).

    Returns None when the number is neither.
    """
    # Full-width digits, ＋ and （） fold to ASCII first.
    cleaned = re.sub(r"[()]", "", normalise.code(raw))
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    if re.fullmatch(r"1[3-9][0-9]{9}", cleaned):
        return cleaned
    if re.fullmatch(r"\+[1-9][0-9]{7,14}", cleaned):
        return cleaned
    return None
