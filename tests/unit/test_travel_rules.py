"""The travel form's rules: flight and train numbers by shape, departure after arrival."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from summit.travel.rules import (CODES, Leg, Problem, normalize_number, number_problem, order_problem,
                                 travel_problems)


@pytest.mark.parametrize("value", ["SC4651", "MU5101", "CA1", "3U8881", "9C8888", "G52665", "HU7089", "S4651",
                                   "ca 1501", "mu-5101", " sc4651 ", "ＳＣ４６５１", "MU5101A"])
def test_flight_numbers_of_the_right_shape(value):
    # Shape only: "S4651" (designator S4) passes, whether the airline flies it is not checked.
    assert number_problem(value, "flight") is None


@pytest.mark.parametrize("value", ["SC46512", "SCA4651", "12345", "SC", "4651", "SC46-51X1", "G2",
                                   "GGG202", "航班4651", "SC4651!", "ＳＣ", "SC4651AB"])
def test_flight_numbers_of_the_wrong_shape(value):
    assert number_problem(value, "flight") == "flight_number_shape"


@pytest.mark.parametrize("value", ["G202", "D6001", "C5101", "Z1", "T110", "K1163", "Y501", "S201", "1461",
                                   "g 202", "Ｇ２０２"])
def test_train_numbers_of_the_right_shape(value):
    assert number_problem(value, "train") is None


@pytest.mark.parametrize("value", ["G20202", "X202", "SC4651", "GD202", "461", "14611", "G", "高铁G202"])
def test_train_numbers_of_the_wrong_shape(value):
    assert number_problem(value, "train") == "train_number_shape"


def test_missing_numbers_and_unknown_modes():
    assert number_problem("", "flight") == "number_missing"
    assert number_problem(None, "train") == "number_missing"
    assert number_problem(" - ", "train") == "number_missing"
    assert number_problem("SC4651", "ship") == "mode_unknown"
    assert number_problem("SC4651", "") == "mode_unknown"


def test_numbers_are_normalized_as_a_ticket_prints_them():
    assert normalize_number(" sc 4651 ") == "SC4651"
    assert normalize_number("ＭＵ５１０１") == "MU5101"
    assert normalize_number("g-202") == "G202"
    assert normalize_number(None) == ""


def test_a_departure_must_come_after_the_arrival():
    arrives = datetime(2024, 11, 18, 9, 40)
    assert order_problem(arrives, arrives + timedelta(days=2)) is None
    assert order_problem(arrives, arrives + timedelta(minutes=1)) is None
    assert order_problem(arrives, arrives) == "departure_before_arrival"
    assert order_problem(arrives, arrives - timedelta(hours=3)) == "departure_before_arrival"
    assert order_problem(None, arrives) is None and order_problem(arrives, None) is None
    shanghai = timezone(timedelta(hours=8))
    # 09:40 in Shanghai is 01:40 UTC: a departure at 02:00 UTC is after it.
    assert order_problem(datetime(2024, 11, 18, 9, 40, tzinfo=shanghai),
                         datetime(2024, 11, 18, 2, 0, tzinfo=timezone.utc)) is None
    with pytest.raises(ValueError):
        order_problem(arrives, datetime(2024, 11, 19, tzinfo=shanghai))


def test_travel_problems_name_each_field():
    arrival = Leg("flight", "SC4651", datetime(2024, 11, 18, 9, 40))
    assert travel_problems(arrival, Leg("train", "G202", datetime(2024, 11, 20, 14, 5))) == []
    assert travel_problems(arrival, None) == []
    assert travel_problems(None, None) == []
    assert travel_problems(arrival, Leg("train", "G202", datetime(2024, 11, 17, 14, 5))) == [
        Problem("departure_at", "departure_before_arrival")]
    assert travel_problems(Leg("flight", "GGG202", None), Leg("bus", "K1", datetime(2024, 11, 20))) == [
        Problem("arrival_number", "flight_number_shape"), Problem("arrival_at", "time_missing"),
        Problem("departure_mode", "mode_unknown")]
    assert travel_problems(Leg("train", "", datetime(2024, 11, 18)), None) == [
        Problem("arrival_number", "number_missing")]


def test_every_code_the_rules_return_is_listed():
    returned = {number_problem("x", "boat"), number_problem("", "flight"), number_problem("x", "flight"),
                number_problem("x", "train"), order_problem(datetime(2024, 1, 2), datetime(2024, 1, 1)),
                travel_problems(Leg("train", "G1", None), None)[0].code}
    assert returned == set(CODES)
