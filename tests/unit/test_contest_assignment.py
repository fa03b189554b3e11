import datetime as dt

import pytest

from summit.contest import assignment, eligibility, rubric
from summit.contest.assignment import AssignmentError


def test_every_entry_gets_k_judges_and_loads_within_one():
    entries = {f"e{i}": {"ai" if i % 3 else "vr"} for i in range(23)}
    judges = {f"j{i}": {"ai"} if i < 4 else {"vr"} for i in range(7)}
    recusals = {("j0", "e1"), ("j1", "e1"), ("j5", "e3")}
    out = assignment.assign(entries, judges, 3, recusals)
    assert all(len(set(js)) == 3 for js in out.values())
    loads = assignment.loads(out)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert sum(loads.values()) == 69
    assert not any((j, e) in recusals for e, js in out.items() for j in js)


def test_expertise_matched_where_possible():
    entries = {"a1": {"ai"}, "a2": {"ai"}, "v1": {"vr"}, "v2": {"vr"}}
    judges = {"ja": {"ai"}, "jv": {"vr"}}
    out = assignment.assign(entries, judges, 1)
    assert out == {"a1": ["ja"], "a2": ["ja"], "v1": ["jv"], "v2": ["jv"]}


def test_impossible_assignments_explained():
    with pytest.raises(AssignmentError) as info:
        assignment.assign({"e": set()}, {"j1": set(), "j2": set()}, 2, {("j1", "e")})
    assert info.value.code == "recusals"
    with pytest.raises(AssignmentError) as info:
        assignment.assign({"e": set()}, {"j1": set()}, 2)
    assert info.value.code == "too_few_judges"
    assert assignment.assign({}, {"j": set()}, 1) == {}


def test_growth_track_rules():
    rules = eligibility.DEFAULT_RULES["growth"]
    day = dt.date(2024, 11, 19)
    ok = {"founded_on": dt.date(2021, 3, 1), "prior_talent_award": False, "is_company": True, "team_size": 3}
    assert eligibility.check(rules, ok, day) == []
    old = dict(ok, founded_on=dt.date(2020, 11, 18))
    assert [c for c, _ in eligibility.check(rules, old, day)] == ["founded_too_early"]
    assert eligibility.check(rules, dict(ok, founded_on=dt.date(2020, 11, 19)), day) == []
    bad = dict(ok, prior_talent_award=True, is_company=False, founded_on=None)
    assert [c for c, _ in eligibility.check(rules, bad, day)] == ["founded_missing", "prior_award", "not_a_company"]
    assert eligibility.check({}, bad, day) == []


def test_rules_validated():
    assert eligibility.validate_rules({"founded_within_years": 4, "requires_company": 1}) == {
        "founded_within_years": 4, "requires_company": True}
    for bad in ({"founded_within_years": -1}, {"nonsense": 1}, {"max_team_size": "3"}):
        with pytest.raises(ValueError):
            eligibility.validate_rules(bad)


def test_rubric_validation():
    assert sum(c["max"] for c in rubric.validate(rubric.DEMO_RUBRIC)) == 100
    with pytest.raises(rubric.RubricError) as info:
        rubric.validate([{"key": "a", "name_zh": "甲", "max": 10}, {"key": "a", "name_zh": "乙", "max": 5}])
    assert info.value.code == "duplicate" and info.value.position == 2
    for bad, code in [([], "empty"), ([{"key": "a", "name_zh": "甲", "max": 0}], "max"),
                      ([{"key": "A b", "name_zh": "甲", "max": 3}], "key"),
                      ([{"key": "a", "name_zh": " ", "max": 3}], "name"),
                      ([{"key": "a", "name_zh": "甲", "max": 3, "weight": -1}], "weight")]:
        with pytest.raises(rubric.RubricError) as info:
            rubric.validate(bad)
        assert info.value.code == code
