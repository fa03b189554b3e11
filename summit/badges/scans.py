"""When a scan was made. A door device that loses the network keeps its scans and sends them
later, each with how long ago it was made: a span measured on the device, so a device clock
that is wrong does not matter. Pure functions, no Flask, no database."""
from __future__ import annotations

import datetime as dt
import math

# A scan kept longer than a day is not from this day's door.
MAX_AGE_SECONDS = 24 * 3600


def scan_time(seconds_ago, now: dt.datetime) -> dt.datetime:
    """The moment of a scan made `seconds_ago` before `now` (now itself when None).
    Raises ValueError unless it is a number from 0 to MAX_AGE_SECONDS."""
    if seconds_ago is None:
        return now
    # bool is an int in Python, and JSON's true is not a span of time.
    if isinstance(seconds_ago, bool) or not isinstance(seconds_ago, (int, float)):
        raise ValueError("seconds_ago is not a number")
    if not math.isfinite(seconds_ago) or not 0 <= seconds_ago <= MAX_AGE_SECONDS:
        raise ValueError("seconds_ago is out of range")
    return now - dt.timedelta(seconds=seconds_ago)
