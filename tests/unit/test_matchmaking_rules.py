from __future__ import annotations

import datetime as dt

import pytest

from summit.matchmaking import rules


def test_slots_skip_breaks_and_stop_at_the_end():
    day = dt.date(2024, 11, 20)
    slots = rules.build_slots(dt.datetime.combine(day, dt.time(9, 0)), dt.datetime.combine(day, dt.time(10, 20)), 15,
                              [["09:30", "09:40"]])
    starts = [a.strftime("%H:%M") for a, _b in slots]
    # 09:00, 09:15 | break 09:30-09:40 | 09:40, 09:55 (10:10 would end after 10:20)
    assert starts == ["09:00", "09:15", "09:40", "09:55"]
    assert all(b - a == dt.timedelta(minutes=15) for a, b in slots)


def test_parse_breaks():
    assert rules.parse_breaks("12:00-12:30，15:00～15:10") == [["12:00", "12:30"], ["15:00", "15:10"]]
    assert rules.parse_breaks("") == []
    for bad in ("12:00", "12:30-12:00", "noon-1"):
        with pytest.raises(ValueError):
            rules.parse_breaks(bad)


def test_local_and_utc_round_trip():
    local = dt.datetime(2024, 11, 20, 9, 0)
    assert rules.to_utc(local) == dt.datetime(2024, 11, 20, 1, 0)
    assert rules.to_local(rules.to_utc(local)) == local


def test_weights_follow_preference_and_host():
    assert [rules.request_weight(r, 5, "pending", False) for r in range(1, 6)] == [5, 4, 3, 2, 1]
    assert rules.request_weight(5, 5, "accepted", False) == 3
    assert rules.request_weight(5, 5, "pending", True) == 6  # priority lifts a last choice above a first
    assert rules.request_weight(1, 5, "declined", True) == 0


def test_recommendations_by_fields_and_needs():
    booths = [{"id": 1, "fields": ["finance"], "needs": []},
              {"id": 2, "fields": ["ai"], "needs": [{"field": "ai", "degree": "phd"}]},
              {"id": 3, "fields": ["ai"], "needs": []},
              {"id": 4, "fields": ["vr"], "needs": [{"field": "vr", "degree": "master"}]}]
    assert rules.recommend(["ai"], "phd", booths) == [2, 3]
    # A master's degree does not meet a PhD need.
    assert rules.booth_score(["ai"], "master", ["ai"], [{"field": "ai", "degree": "phd"}]) == 2
    assert rules.recommend([], "", booths) == []


def test_figures():
    f = rules.session_figures([
        {"status": "held", "outcome": "interest", "source": "scheduled"},
        {"status": "held", "outcome": "intent_to_sign", "source": "walk_in"},
        {"status": "no_show", "outcome": "", "source": "scheduled"},
        {"status": "planned", "outcome": "", "source": "manual"},
    ])
    assert (f["meetings"], f["held"], f["no_show"], f["planned"], f["walk_ins"]) == (4, 2, 1, 1, 1)
    assert f["no_show_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert f["outcomes"] == {"interest": 1, "in_depth": 0, "intent_to_sign": 1}
    assert rules.session_figures([])["no_show_rate"] == 0.0
