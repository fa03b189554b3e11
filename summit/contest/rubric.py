"""Rubric validation (评分细则): pure. A criterion is {"key", "name_zh", "name_en",
"description_zh", "description_en", "max", "weight"}."""
from __future__ import annotations

import re

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class RubricError(ValueError):
    def __init__(self, code: str, message: str, position: int | None = None, **params):
        super().__init__(message)
        self.code = code
        self.position = position
        self.params = params


def validate(criteria: list[dict]) -> list[dict]:
    if not criteria:
        raise RubricError("empty", "a rubric needs at least one criterion")
    if len(criteria) > 20:
        raise RubricError("too_many", "a rubric has at most 20 criteria")
    keys, out = set(), []
    for i, c in enumerate(criteria, start=1):
        key = (c.get("key") or "").strip()
        if not KEY.match(key):
            raise RubricError("key", f"criterion {i}: key must be lower-case letters, digits and _", i)
        if key in keys:
            raise RubricError("duplicate", f"criterion {i}: key {key!r} is used twice", i, key=key)
        keys.add(key)
        name_zh = (c.get("name_zh") or "").strip()
        if not name_zh:
            raise RubricError("name", f"criterion {i}: the name is missing", i)
        top = c.get("max")
        if isinstance(top, bool) or not isinstance(top, (int, float)) or not (0 < top <= 1000):
            raise RubricError("max", f"criterion {i}: maximum points must be between 1 and 1000", i)
        weight = c.get("weight", 1)
        weight = 1 if weight in (None, "") else weight
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not (0 < weight <= 100):
            raise RubricError("weight", f"criterion {i}: weight must be above 0 and at most 100", i)
        out.append({"key": key, "name_zh": name_zh, "name_en": (c.get("name_en") or "").strip() or name_zh,
                    "description_zh": (c.get("description_zh") or "").strip(),
                    "description_en": (c.get("description_en") or "").strip(),
                    "max": top, "weight": weight})
    return out


DEMO_RUBRIC = [
    {"key": "innovation", "name_zh": "技术创新性", "name_en": "Technical innovation", "max": 30, "weight": 1,
     "description_zh": "核心技术的先进性、原创性与知识产权", "description_en": "How advanced and original the core technology is; IP"},
    {"key": "market", "name_zh": "市场前景", "name_en": "Market prospects", "max": 25, "weight": 1,
     "description_zh": "市场规模、需求与竞争格局", "description_en": "Market size, demand and competition"},
    {"key": "team", "name_zh": "团队能力", "name_en": "Team", "max": 20, "weight": 1,
     "description_zh": "团队结构、经验与执行力", "description_en": "Team make-up, experience and execution"},
    {"key": "business", "name_zh": "商业模式", "name_en": "Business model", "max": 15, "weight": 1,
     "description_zh": "盈利模式与可持续性", "description_en": "How it earns money, and whether that lasts"},
    {"key": "feasibility", "name_zh": "落地可行性", "name_en": "Feasibility in Laoshan", "max": 10, "weight": 1,
     "description_zh": "在崂山区落地的计划与条件", "description_en": "Plan and conditions for settling in Laoshan"},
]
