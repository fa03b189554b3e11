"""The travel form's rules (no Flask, no database): the shape of a flight or train number and
the order of arrival and departure. Problems come back as codes; messages.py gives each code
its translated message, which the views show next to the field.

    normalize_number(" sc 4651 ")            -> "SC4651"
    number_problem("G202", "train")          -> None
    number_problem("G202X1", "train")        -> "train_number_shape"
    order_problem(arrives_at, leaves_at)     -> "departure_before_arrival" or None
    travel_problems(Leg(...), Leg(...))      -> [Problem(field, code), ...]
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

MODES = ("flight", "train")

# An IATA flight number: the airline's two-character designator (two letters, or a letter and a
# digit either way round, as 3U, 9C, G5), one to four digits, sometimes an operational suffix
# letter. ICAO's three-letter form (CSC8888) is not what tickets and boarding passes show.
FLIGHT_SHAPE = re.compile(r"(?:[A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}[A-Z]?")
# A train number on the China Railway timetable: a class letter (G 高铁, D 动车, C 城际, Z 直达,
# T 特快, K 快速, Y 旅游, S 市郊, L 临客) and one to four digits, or four digits (普快, 普客).
TRAIN_SHAPE = re.compile(r"[GDCZTKYSL][0-9]{1,4}|[0-9]{4}")

CODES = (
    "mode_unknown",  # neither flight nor train
    "number_missing",
    "flight_number_shape",
    "train_number_shape",
    "time_missing",
    "departure_before_arrival",  # also when both are the same minute
)


def normalize_number(value: str | None) -> str:
    """The number as printed on a ticket: full-width characters typed with a Chinese input method
    made half-width (ＳＣ４６５１ -> SC4651), upper case, no spaces or hyphens."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-_.]+", "", text).upper()


def number_problem(value: str | None, mode: str) -> str | None:
    """The code of what is wrong with a flight or train number, None if its shape is right."""
    if mode not in MODES:
        return "mode_unknown"
    number = normalize_number(value)
    if not number:
        return "number_missing"
    shape = FLIGHT_SHAPE if mode == "flight" else TRAIN_SHAPE
    if not shape.fullmatch(number):
        return f"{mode}_number_shape"
    return None


def order_problem(arrives_at: datetime | None, leaves_at: datetime | None) -> str | None:
    """A departure must come after the arrival (both Asia/Shanghai wall times, or both aware).
    Either one missing is not this rule's business."""
    if arrives_at is None or leaves_at is None:
        return None
    if (arrives_at.tzinfo is None) != (leaves_at.tzinfo is None):
        raise ValueError("compare two wall times or two aware times, not one of each")
    if leaves_at <= arrives_at:
        return "departure_before_arrival"
    return None


@dataclass(frozen=True)
class Leg:
    """One way of the journey: how (flight or train), which number, when (arrival time for the
    arrival leg, departure time for the departure leg)."""

    mode: str
    number: str | None
    at: datetime | None


@dataclass(frozen=True)
class Problem:
    field: str  # the form field to show the message next to
    code: str


def travel_problems(arrival: Leg | None, departure: Leg | None) -> list[Problem]:
    """Every problem of a reply's travel, each with its form field (arrival_* / departure_*)."""
    problems = []
    for name, leg in (("arrival", arrival), ("departure", departure)):
        if leg is None:
            continue
        code = number_problem(leg.number, leg.mode)
        if code:
            problems.append(Problem(f"{name}_mode" if code == "mode_unknown" else f"{name}_number", code))
        if leg.at is None:
            problems.append(Problem(f"{name}_at", "time_missing"))
    if arrival is not None and departure is not None:
        code = order_problem(arrival.at, departure.at)
        if code:
            problems.append(Problem("departure_at", code))
    return problems
