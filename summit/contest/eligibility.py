"""Eligibility of a contest application against its track's rules: pure, plain data.

Rules (a dict per track, every key optional):
  founded_within_years: N    founded no earlier than N years before the contest date
  no_prior_talent_award: true  has not yet received a talent-programme award
  requires_company: true     must be an incorporated company (registered capital given)
  max_team_size: N           at most N team members (leader included)
Returns a list of reasons (code, params); an empty list means eligible.
"""
from __future__ import annotations

import datetime as dt

RULE_KEYS = ("founded_within_years", "no_prior_talent_award", "requires_company", "max_team_size")

DEFAULT_RULES = {
    "startup": {"max_team_size": 15},
    "growth": {"founded_within_years": 4, "no_prior_talent_award": True, "requires_company": True},
}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def check(rules: dict, application: dict, contest_date: dt.date) -> list[tuple[str, dict]]:
    """application: {"founded_on": date|None, "prior_talent_award": bool, "is_company": bool,
    "team_size": int}."""
    reasons: list[tuple[str, dict]] = []
    rules = rules or {}
    years = rules.get("founded_within_years")
    if years:
        founded = application.get("founded_on")
        earliest = _years_before(contest_date, int(years))
        if founded is None:
            reasons.append(("founded_missing", {}))
        elif founded < earliest:
            reasons.append(("founded_too_early", {"years": int(years), "earliest": earliest, "founded": founded}))
        elif founded > contest_date:
            reasons.append(("founded_in_future", {"founded": founded}))
    if rules.get("no_prior_talent_award") and application.get("prior_talent_award"):
        reasons.append(("prior_award", {}))
    if rules.get("requires_company") and not application.get("is_company"):
        reasons.append(("not_a_company", {}))
    size = rules.get("max_team_size")
    if size and application.get("team_size", 0) > int(size):
        reasons.append(("team_too_large", {"max": int(size), "size": application.get("team_size", 0)}))
    return reasons


def validate_rules(rules: dict) -> dict:
    """Normalised rules; raises ValueError naming the bad key."""
    if not isinstance(rules, dict):
        raise ValueError("rules must be an object")
    out = {}
    for key, value in rules.items():
        if key not in RULE_KEYS:
            raise ValueError(key)
        if key in ("founded_within_years", "max_team_size"):
            if value in (None, "", 0):
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(key)
        else:
            value = bool(value)
        out[key] = value
    return out
