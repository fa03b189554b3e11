"""Fair ranking of contest entries: pure functions, plain data in and out.

A judge's total for an entry is Σ points × weight (weight 1 when absent). The entry's score
is, by method:
  mean     the mean of its judges' totals
  median   the median of its judges' totals
  trimmed  the mean after dropping one highest and one lowest total (去掉一个最高分和一个最低分),
           the plain mean when fewer than 5 judges scored it
  zscore   each judge's totals become (total − that judge's mean) / that judge's population
           standard deviation (0 when it is 0); the entry's score is the mean of its z values.
Equal scores are broken by the criteria in the configured order (higher mean points first);
entries still equal share a rank (1, 1, 3).

The agreement figure per round is ICC(1) (Shrout & Fleiss one-way random effects, single
rater), which also works when judges score different subsets of entries (online rounds):
unequal group sizes use the usual n0 correction.
"""
from __future__ import annotations

import math
from collections import defaultdict
from numbers import Real

METHODS = ("mean", "trimmed", "median", "zscore")
TRIM_MIN_JUDGES = 5
# Decimal places at which two scores count as equal (floating-point noise is not a difference).
EQUAL_PLACES = 9


class ScoringError(ValueError):
    """Bad input. `code` and `params` let the application translate the message."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def _number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def validate_criteria(criteria: list[dict]) -> list[dict]:
    """Normalised criteria [{"id", "max", "weight"}]; raises ScoringError."""
    if not isinstance(criteria, list) or not criteria:
        raise ScoringError("no_criteria", "the rubric has no criteria")
    seen, out = set(), []
    for c in criteria:
        if not isinstance(c, dict) or "id" not in c:
            raise ScoringError("criterion_id", "every criterion needs an id")
        cid = c["id"]
        if cid in seen:
            raise ScoringError("duplicate_criterion", f"criterion {cid!r} is listed twice", criterion=cid)
        seen.add(cid)
        top = c.get("max")
        if not _number(top) or top <= 0:
            raise ScoringError("bad_max", f"criterion {cid!r}: max must be a positive number", criterion=cid)
        weight = c.get("weight", 1)
        if weight is None:
            weight = 1
        if not _number(weight) or weight < 0:
            raise ScoringError("bad_weight", f"criterion {cid!r}: weight must be a number ≥ 0", criterion=cid)
        out.append({"id": cid, "max": top, "weight": weight})
    return out


def _points_fine(bounds: dict, values) -> bool:
    """The fast path: a complete set of numbers within 0..max and nothing else."""
    if type(values) is not dict or len(values) != len(bounds):
        return False
    for cid, top in bounds.items():
        v = values.get(cid)
        if type(v) not in (int, float) or not 0 <= v <= top:
            return False
    return True


def check_points(criteria: list[dict], values: dict, *, complete: bool = True, where: str = "") -> None:
    """Refuse points outside 0..max, unknown criteria and (when complete) missing ones."""
    known = {c["id"]: c for c in criteria}
    if not isinstance(values, dict):
        raise ScoringError("values", f"{where}values must be an object of criterion id → points")
    for cid, points in values.items():
        if cid not in known:
            raise ScoringError("unknown_criterion", f"{where}unknown criterion {cid!r}", criterion=cid)
        if points is None:  # unscored: refused below when the sheet must be complete
            continue
        top = known[cid]["max"]
        if not _number(points):
            raise ScoringError("not_a_number", f"{where}criterion {cid!r}: points must be a number",
                               criterion=cid)
        if points < 0 or points > top:
            raise ScoringError("out_of_range", f"{where}criterion {cid!r}: {points} is outside 0..{top}",
                               criterion=cid, points=points, max=top)
    if complete:
        for cid in known:
            if values.get(cid) is None:
                raise ScoringError("missing_points", f"{where}criterion {cid!r} has no points", criterion=cid)


def total(criteria: list[dict], values: dict) -> float:
    return math.fsum(values[c["id"]] * c["weight"] for c in criteria)


def max_total(criteria: list[dict]) -> float:
    return math.fsum(c["max"] * c["weight"] for c in criteria)


def _mean(xs: list[float]) -> float:
    return math.fsum(xs) / len(xs)


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    n, mid = len(s), len(s) // 2
    return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2


def _pstdev(xs: list[float]) -> float:
    m = _mean(xs)
    return math.sqrt(math.fsum((x - m) ** 2 for x in xs) / len(xs))


def aggregate(method: str, values: list[float]) -> float:
    if method == "median":
        return _median(values)
    if method == "trimmed" and len(values) >= TRIM_MIN_JUDGES:
        s = sorted(values)[1:-1]
        return _mean(s)
    return _mean(values)


def rank(method: str, criteria: list[dict], scores: list[dict], *, tiebreak: list | None = None,
         disagreement: float = 0.2) -> list[dict]:
    """The ranking, best first: [{"entry", "rank", "score", "judges", "totals", "spread", "stdev",
    "disagree", "criteria_means"}].

    `tiebreak` is the criteria order for breaking ties (the listed order when absent).
    An entry is flagged `disagree` when its judges' totals span more than `disagreement`
    of the highest possible total.
    """
    if method not in METHODS:
        raise ScoringError("method", f"unknown method {method!r}; use one of {', '.join(METHODS)}", method=method)
    criteria = validate_criteria(criteria)
    order = list(tiebreak) if tiebreak else [c["id"] for c in criteria]
    if set(order) - {c["id"] for c in criteria}:
        raise ScoringError("tiebreak", "the tie-break order names an unknown criterion")
    if not isinstance(scores, list):
        raise ScoringError("scores", "scores must be a list")

    bounds = {c["id"]: c["max"] for c in criteria}
    weights = [(c["id"], c["weight"]) for c in criteria]
    by_entry: dict = defaultdict(dict)  # entry -> judge -> total
    points: dict = defaultdict(lambda: defaultdict(list))  # entry -> criterion -> points
    by_judge: dict = defaultdict(dict)  # judge -> entry -> total
    for i, s in enumerate(scores):
        if not isinstance(s, dict) or "judge" not in s or "entry" not in s:
            raise ScoringError("score_shape", f"score #{i + 1} needs judge, entry and values")
        judge, entry = s["judge"], s["entry"]
        values = s.get("values")
        if not _points_fine(bounds, values):  # the slow path names the problem
            check_points(criteria, values, where=f"score #{i + 1} (judge {judge!r}, entry {entry!r}): ")
        judges_of_entry = by_entry[entry]
        if judge in judges_of_entry:
            raise ScoringError("duplicate_score", f"score #{i + 1} (judge {judge!r}, entry {entry!r}): "
                               "this judge scored this entry twice", judge=judge, entry=entry)
        t = math.fsum([values[cid] * w for cid, w in weights])
        judges_of_entry[judge] = t
        by_judge[judge][entry] = t
        entry_points = points[entry]
        for cid, _w in weights:
            entry_points[cid].append(values[cid])

    if method == "zscore":
        z: dict = defaultdict(list)
        for judge, totals in by_judge.items():
            vals = list(totals.values())
            m, sd = _mean(vals), _pstdev(vals)
            for entry, t in totals.items():
                z[entry].append((t - m) / sd if sd > 0 else 0.0)
        entry_score = {e: _mean(v) for e, v in z.items()}
    else:
        entry_score = {e: aggregate(method, list(j.values())) for e, j in by_entry.items()}

    top = max_total(criteria)
    rows = []
    for entry, judges in by_entry.items():
        totals = list(judges.values())
        means = {cid: _mean(points[entry][cid]) for cid in order}
        spread = max(totals) - min(totals)
        rows.append({
            "entry": entry,
            "score": entry_score[entry],
            "judges": len(totals),
            "totals": judges,
            "spread": spread,
            "stdev": _pstdev(totals),
            "disagree": len(totals) > 1 and spread > disagreement * top,
            "criteria_means": means,
            "_key": tuple(round(v, EQUAL_PLACES) for v in [entry_score[entry]] + [means[c] for c in order]),
        })
    rows.sort(key=lambda r: tuple(-v for v in r["_key"]))
    previous, current_rank = None, 0
    for position, row in enumerate(rows, start=1):
        key = row.pop("_key")
        if key != previous:
            current_rank = position
            previous = key
        row["rank"] = current_rank
    return rows


def rank_document(doc: dict) -> dict:
    """The `summit rank` contract: {"method", "criteria", "scores"} → {"ranking": [{"entry", "rank", "score"}]}."""
    if not isinstance(doc, dict):
        raise ScoringError("document", "the input must be a JSON object with method, criteria and scores")
    for key in ("method", "criteria", "scores"):
        if key not in doc:
            raise ScoringError("document", f"the input has no {key!r}")
    rows = rank(doc["method"], doc["criteria"], doc["scores"])
    return {"ranking": [{"entry": r["entry"], "rank": r["rank"], "score": r["score"]} for r in rows]}


def icc1(by_entry: dict) -> float | None:
    """ICC(1) of the judges' totals: {entry: [totals]}. None when it cannot be estimated
    (fewer than two entries with at least two ratings, or no variance at all)."""
    groups = [list(v) for v in by_entry.values() if len(v) >= 2]
    k = len(groups)
    if k < 2:
        return None
    n_total = sum(len(g) for g in groups)
    grand = math.fsum(x for g in groups for x in g) / n_total
    ssb = math.fsum(len(g) * (_mean(g) - grand) ** 2 for g in groups)
    ssw = math.fsum((x - _mean(g)) ** 2 for g in groups for x in g)
    msb = ssb / (k - 1)
    dfw = n_total - k
    if dfw <= 0:
        return None
    msw = ssw / dfw
    n0 = (n_total - math.fsum(len(g) ** 2 for g in groups) / n_total) / (k - 1)
    denominator = msb + (n0 - 1) * msw
    if denominator == 0:
        return None
    return (msb - msw) / denominator


def agreement(ranking: list[dict]) -> float | None:
    """ICC(1) for a ranking produced by rank()."""
    return icc1({r["entry"]: list(r["totals"].values()) for r in ranking})
