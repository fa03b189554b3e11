"""The moment of a scan sent late by a device that was offline."""
from __future__ import annotations

import datetime as dt

import pytest

from summit.badges.scans import MAX_AGE_SECONDS, scan_time

NOW = dt.datetime(2024, 11, 19, 1, 30)


def test_now_unless_told_otherwise():
    assert scan_time(None, NOW) == NOW
    assert scan_time(0, NOW) == NOW


def test_seconds_ago_moves_the_moment_back():
    assert scan_time(90, NOW) == NOW - dt.timedelta(seconds=90)
    assert scan_time(2.5, NOW) == NOW - dt.timedelta(seconds=2.5)
    assert scan_time(MAX_AGE_SECONDS, NOW) == NOW - dt.timedelta(days=1)


@pytest.mark.parametrize("bad", [-1, -0.001, MAX_AGE_SECONDS + 1, 10**30, float("nan"), float("inf"), True, False,
                                 "60", [60], {"s": 60}])
def test_anything_else_is_refused(bad):
    with pytest.raises(ValueError):
        scan_time(bad, NOW)
