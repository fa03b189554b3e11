"""The meeting scheduler: plain data in, plain data out (no Flask, no database).

    schedule({"slots": [...], "booths": [{"id", "capacity", "unavailable"}],
              "talents": [{"id", "unavailable"}], "requests": [{"talent", "booth", "weight"}],
              "keep": [{"talent", "booth", "slot"}]})   # "keep" is optional
    -> {"meetings": [{"talent", "booth", "slot"}], "objective", "bound", "seconds", "optimal", ...}

Rules: a request is met at most once; a talent has at most one meeting per slot and none in
an unavailable slot; a booth holds at most `capacity` meetings per slot and none in its
unavailable slots. Goal: the largest total weight, then meetings spread fairly (a concave
bonus per talent: a first meeting is worth more than a second, a second more than a third).

Method (exact where it matters, fast where it is big):
1. Selection. Which requests are met is a bipartite b-matching: a talent meets at most as
   many booths as it has usable slots, a booth at most capacity x usable slots. With the
   fairness bonus as parallel arcs of decreasing value the constraint matrix is a network
   matrix (totally unimodular), so HiGHS returns an integral optimum. Every timetable obeys
   these constraints, so that optimum is a proven upper bound.
2. Slot assignment. The selected requests get slots: most constrained first, then
   alternating-path repairs (the Kempe chains of Koenig's edge-colouring theorem, which
   always succeed when nobody is unavailable) for the ones left over.
3. If the timetable falls short of the bound, Hall's conditions per talent and per booth
   tighten the bound (a linear program). If some request could not be placed, the requests of the talents concerned are planned
   again by an exact integer program around everybody else's meetings (a large-neighbourhood
   repair), free places are filled from the other requests, and a small problem is solved
   once more as one exact integer program over (request, slot) so that it ends optimal; a
   big one reports its gap to the bound.
Same input, same output: every step runs in input order, HiGHS is deterministic.

Longer than 500 lines on purpose: the steps above share one indexing of the problem (requests,
slots, loads) and are one algorithm; apart, they would pass those arrays between modules.
"""
from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix


class ScheduleInputError(ValueError):
    """The input does not describe a scheduling problem (unknown ids, bad numbers). A ValueError,
    not a DomainError: this module imports neither Flask nor the database. `summit schedule FILE`
    prints it; timetable.run_scheduler builds its input from the tables and does not expect it."""


# Exact integer programs over (request, slot) pairs up to this many variables.
EXACT_LIMIT = 25_000


@dataclass
class _Problem:
    slots: list
    booth_ids: list
    capacity: list[int]
    talent_ids: list
    # Per request (after dropping the impossible ones): talent index, booth index, weight, usable slot indices.
    req_talent: list[int] = field(default_factory=list)
    req_booth: list[int] = field(default_factory=list)
    req_weight: list[float] = field(default_factory=list)
    req_slots: list[list[int]] = field(default_factory=list)
    req_source: list[int] = field(default_factory=list)  # index in the input's requests
    keep: dict[int, int] = field(default_factory=dict)  # request -> slot that must stay
    dropped_keep: list[dict] = field(default_factory=list)


def _ids(items, kind: str) -> list:
    ids = []
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            raise ScheduleInputError(f"every {kind} needs an id")
        ids.append(item["id"])
    if len(set(map(_key, ids))) != len(ids):
        raise ScheduleInputError(f"{kind} ids must be unique")
    return ids


def _key(value):
    # JSON ids may be numbers or strings; 1 and "1" are different ids.
    return (type(value).__name__, value)


def _parse(data: dict) -> _Problem:
    if not isinstance(data, dict):
        raise ScheduleInputError("the input must be an object with slots, booths, talents and requests")
    for name in ("slots", "booths", "talents", "requests"):
        if not isinstance(data.get(name), list):
            raise ScheduleInputError(f'"{name}" must be a list')
    slots = list(data["slots"])
    if len(set(map(_key, slots))) != len(slots):
        raise ScheduleInputError("slot ids must be unique")
    slot_index = {_key(s): i for i, s in enumerate(slots)}

    def slot_set(item, kind):
        unavailable = item.get("unavailable", []) or []
        if not isinstance(unavailable, list):
            raise ScheduleInputError(f'"unavailable" of {kind} {item["id"]!r} must be a list')
        out = set()
        for s in unavailable:
            if _key(s) not in slot_index:
                raise ScheduleInputError(f"{kind} {item['id']!r}: unknown slot {s!r}")
            out.add(slot_index[_key(s)])
        return out

    booth_ids = _ids(data["booths"], "booth")
    talent_ids = _ids(data["talents"], "talent")
    capacity, booth_free = [], []
    for b in data["booths"]:
        cap = b.get("capacity", 1)
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
            raise ScheduleInputError(f"booth {b['id']!r}: capacity must be a whole number, 0 or more")
        capacity.append(cap)
        blocked = slot_set(b, "booth")
        booth_free.append({i for i in range(len(slots)) if i not in blocked} if cap > 0 else set())
    talent_free = []
    for t in data["talents"]:
        blocked = slot_set(t, "talent")
        talent_free.append({i for i in range(len(slots)) if i not in blocked})
    booth_index = {_key(b): i for i, b in enumerate(booth_ids)}
    talent_index = {_key(t): i for i, t in enumerate(talent_ids)}

    problem = _Problem(slots=slots, booth_ids=booth_ids, capacity=capacity, talent_ids=talent_ids)
    pair_at: dict[tuple[int, int], int] = {}
    for n, r in enumerate(data["requests"]):
        if not isinstance(r, dict):
            raise ScheduleInputError(f"request {n}: must be an object")
        if _key(r.get("talent")) not in talent_index:
            raise ScheduleInputError(f"request {n}: unknown talent {r.get('talent')!r}")
        if _key(r.get("booth")) not in booth_index:
            raise ScheduleInputError(f"request {n}: unknown booth {r.get('booth')!r}")
        w = r.get("weight", 1)
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
            raise ScheduleInputError(f"request {n}: weight must be a number, 0 or more")
        t, b = talent_index[_key(r["talent"])], booth_index[_key(r["booth"])]
        usable = sorted(talent_free[t] & booth_free[b])
        if w <= 0 or not usable:
            continue
        if (t, b) in pair_at:
            # A talent meets a booth once: of two requests for the same pair the heavier counts.
            j = pair_at[(t, b)]
            if w > problem.req_weight[j]:
                problem.req_weight[j] = w
                problem.req_source[j] = n
            continue
        pair_at[(t, b)] = len(problem.req_talent)
        problem.req_talent.append(t)
        problem.req_booth.append(b)
        problem.req_weight.append(w)
        problem.req_slots.append(usable)
        problem.req_source.append(n)

    # Published meetings to keep, in the order given, while they stay feasible together.
    talent_busy: set[tuple[int, int]] = set()
    booth_load: dict[tuple[int, int], int] = {}
    for m in data.get("keep", []) or []:
        t = talent_index.get(_key(m.get("talent")))
        b = booth_index.get(_key(m.get("booth")))
        s = slot_index.get(_key(m.get("slot")))
        j = pair_at.get((t, b)) if t is not None and b is not None else None
        ok = (j is not None and s is not None and s in problem.req_slots[j] and j not in problem.keep
              and (t, s) not in talent_busy and booth_load.get((b, s), 0) < capacity[b])
        if not ok:
            problem.dropped_keep.append({"talent": m.get("talent"), "booth": m.get("booth"), "slot": m.get("slot")})
            continue
        problem.keep[j] = s
        talent_busy.add((t, s))
        booth_load[(b, s)] = booth_load.get((b, s), 0) + 1
    return problem


def _granularity(weights: list[float]) -> float:
    """The smallest step between two totals of weights: 1 for whole numbers, the common
    divisor for decimals (0.5, 0.25 ...); for anything finer a tiny step."""
    scaled = [w * 10**6 for w in weights]
    if all(abs(v - round(v)) < 1e-6 for v in scaled):
        step = 0
        for v in scaled:
            step = math.gcd(step, int(round(v)))
        return step / 10**6 if step else 1.0
    return 1e-9


def _fair_values(max_meetings: int, talents: int, budget: float) -> list[float]:
    """Concave bonus for a talent's 1st, 2nd, ... meeting, all bonuses together below `budget`,
    so that the bonus never outweighs a unit of weight (weight stays the first goal)."""
    if max_meetings <= 0:
        return []
    raw = [2.0 ** (-k) for k in range(max_meetings)]  # 1, 1/2, 1/4, ...: strictly concave
    scale = budget / (2.0 * max(talents, 1))
    return [scale * v for v in raw]


def _selection(p: _Problem, fair: list[float]):
    """The b-matching relaxation. Returns (chosen request indices, upper bound, value)."""
    R = len(p.req_talent)
    T = len(p.talent_ids)
    B = len(p.booth_ids)
    by_talent: list[list[int]] = [[] for _ in range(T)]
    by_booth: list[list[int]] = [[] for _ in range(B)]
    for j in range(R):
        by_talent[p.req_talent[j]].append(j)
        by_booth[p.req_booth[j]].append(j)
    # A talent's usable slots: the union over its requests; a booth's likewise.
    t_cap = [min(len(js), len(set().union(*(p.req_slots[j] for j in js)))) if js else 0 for js in by_talent]
    b_cap = [p.capacity[b] * len(set().union(*(p.req_slots[j] for j in js))) if js else 0
             for b, js in enumerate(by_booth)]
    # Variables: x_j (requests), then u_{t,k} (talent t's k-th meeting).
    u_start = R
    u_index = []
    n = R
    for t in range(T):
        u_index.append(n)
        n += t_cap[t]
    c = np.zeros(n)
    c[:R] = -np.asarray(p.req_weight, dtype=float)
    for t in range(T):
        for k in range(t_cap[t]):
            c[u_index[t] + k] = -fair[k]
    rows, cols, vals = [], [], []
    # Talent rows: sum x - sum u = 0.
    for t in range(T):
        for j in by_talent[t]:
            rows.append(t); cols.append(j); vals.append(1.0)
        for k in range(t_cap[t]):
            rows.append(t); cols.append(u_index[t] + k); vals.append(-1.0)
    # Booth rows: sum x <= capacity x usable slots.
    for b in range(B):
        for j in by_booth[b]:
            rows.append(T + b); cols.append(j); vals.append(1.0)
    A = coo_matrix((vals, (rows, cols)), shape=(T + B, n)).tocsr()
    lo = np.concatenate([np.zeros(T), np.full(B, -np.inf)])
    hi = np.concatenate([np.zeros(T), np.asarray(b_cap, dtype=float)])
    lb = np.zeros(n)
    for j in p.keep:
        lb[j] = 1.0
    ub = np.ones(n)
    del u_start
    res = milp(c, constraints=LinearConstraint(A, lo, hi), integrality=np.ones(n),
               bounds=Bounds(lb, ub), options={"mip_rel_gap": 0.0, "presolve": True})
    if res.x is None:  # only when kept meetings contradict each other, which _parse prevents
        raise RuntimeError(f"selection failed: {res.message}")
    x = np.round(res.x[:R]).astype(int)
    chosen = [j for j in range(R) if x[j] == 1]
    dual = getattr(res, "mip_dual_bound", None)
    bound_value = -(dual if dual is not None and math.isfinite(dual) else res.fun)
    return chosen, bound_value, t_cap


class _Timetable:
    """Slot assignment with alternating-path repairs."""

    def __init__(self, p: _Problem):
        self.p = p
        self.talent_at: list[dict[int, int]] = [dict() for _ in p.talent_ids]
        self.booth_at: list[dict[int, list[int]]] = [dict() for _ in p.booth_ids]
        self.slot_of: dict[int, int] = {}
        self.locked: set[int] = set(p.keep)

    def place(self, j: int, s: int) -> None:
        self.slot_of[j] = s
        self.talent_at[self.p.req_talent[j]][s] = j
        self.booth_at[self.p.req_booth[j]].setdefault(s, []).append(j)

    def remove(self, j: int) -> int:
        s = self.slot_of.pop(j)
        del self.talent_at[self.p.req_talent[j]][s]
        self.booth_at[self.p.req_booth[j]][s].remove(j)
        return s

    def free_slots(self, j: int) -> list[int]:
        t, b = self.p.req_talent[j], self.p.req_booth[j]
        cap = self.p.capacity[b]
        return [s for s in self.p.req_slots[j]
                if s not in self.talent_at[t] and len(self.booth_at[b].get(s, ())) < cap]

    def greedy(self, j: int) -> bool:
        free = self.free_slots(j)
        if not free:
            return False
        b = self.p.req_booth[j]
        # The least loaded slot of the booth keeps room for the others.
        s = min(free, key=lambda s: (len(self.booth_at[b].get(s, ())), s))
        self.place(j, s)
        return True

    def augment(self, j0: int, max_nodes: int = 4000) -> bool:
        """Place j0 by moving others along an alternating path: each move displaces at most one
        meeting (a talent's own meeting in that slot, or one meeting of the full booth)."""
        p = self.p
        parent: dict[int, tuple[int, int] | None] = {j0: None}  # edge -> (edge that displaced it, slot)
        queue = deque([j0])
        while queue and len(parent) < max_nodes:
            j = queue.popleft()
            t, b = p.req_talent[j], p.req_booth[j]
            current = self.slot_of.get(j)
            for s in p.req_slots[j]:
                if s == current:
                    continue
                other = self.talent_at[t].get(s)
                load = self.booth_at[b].get(s, [])
                full = len(load) >= p.capacity[b]
                if other is not None and full:
                    continue
                if other is None and not full:
                    if self._apply(parent, j, s):
                        return True
                    continue
                bumped = [other] if other is not None else load
                for k in bumped:
                    if k in parent or k in self.locked:
                        continue
                    parent[k] = (j, s)
                    queue.append(k)
        return False

    def _apply(self, parent, last: int, last_slot: int) -> bool:
        moves = [(last, last_slot)]
        j = last
        while parent[j] is not None:
            j, s = parent[j]
            moves.append((j, s))
        # moves: from the end of the path back to j0; apply them from the end so each frees its place.
        saved = {j: self.slot_of.get(j) for j, _ in moves}
        for j, _ in moves:
            if j in self.slot_of:
                self.remove(j)
        ok = True
        placed = []
        for j, s in moves:
            t, b = self.p.req_talent[j], self.p.req_booth[j]
            if s in self.talent_at[t] or len(self.booth_at[b].get(s, ())) >= self.p.capacity[b]:
                ok = False
                break
            self.place(j, s)
            placed.append(j)
        if ok:
            return True
        for j in placed:
            self.remove(j)
        for j, s in saved.items():
            if s is not None:
                self.place(j, s)
        return False


def _assign(p: _Problem, chosen: list[int]) -> tuple[_Timetable, list[int]]:
    table = _Timetable(p)
    for j, s in p.keep.items():
        table.place(j, s)
    todo = [j for j in chosen if j not in p.keep]
    todo.sort(key=lambda j: (len(p.req_slots[j]), -p.req_weight[j], j))
    left = []
    for j in todo:
        if not table.greedy(j):
            left.append(j)
    unplaced = []
    for j in left:
        if not table.augment(j):
            unplaced.append(j)
    return table, unplaced


def _fill(p: _Problem, table: _Timetable, skip: set[int]) -> None:
    """Put other requests into the places that stay free: heavier first, talents with fewer meetings first."""
    count = [len(d) for d in table.talent_at]
    rest = [j for j in range(len(p.req_talent)) if j not in table.slot_of and j not in skip]
    rest.sort(key=lambda j: (-p.req_weight[j], count[p.req_talent[j]], j))
    for j in rest:
        if table.greedy(j) or table.augment(j, max_nodes=500):
            count[p.req_talent[j]] += 1


def _hall_bound(p: _Problem, max_subsets: int = 512) -> float | None:
    """A tighter proven bound: the b-matching plus Hall's conditions. For a talent, the requests
    whose usable slots all lie in a set U of slots meet in distinct slots of U, so at most |U| of
    them are met; for a booth, at most capacity x |U|. Every timetable obeys these, so the LP
    optimum bounds the weight. U runs over unions of a talent's requests' slot sets (up to
    `max_subsets` per talent) and, per booth, over each request's slots and their union."""
    R = len(p.req_talent)
    if not R:
        return None
    by_talent: dict[int, list[int]] = {}
    by_booth: dict[int, list[int]] = {}
    for j in range(R):
        by_talent.setdefault(p.req_talent[j], []).append(j)
        by_booth.setdefault(p.req_booth[j], []).append(j)
    rows, cols, hi = [], [], []

    def add(inside: list[int], limit: int) -> None:
        if len(inside) > limit:
            r = len(hi)
            rows.extend([r] * len(inside))
            cols.extend(inside)
            hi.append(float(limit))

    for js in by_talent.values():
        sets = [frozenset(p.req_slots[j]) for j in js]
        unions: set[frozenset] = set()
        frontier = set(sets)
        while frontier and len(unions) < max_subsets:
            unions |= frontier
            frontier = {u | f for u in frontier for f in sets if not f <= u} - unions
        for u in unions:
            add([js[i] for i, f in enumerate(sets) if f <= u], len(u))
    for b, js in by_booth.items():
        sets = [frozenset(p.req_slots[j]) for j in js]
        for u in set(sets) | {frozenset().union(*sets)}:
            add([js[i] for i, f in enumerate(sets) if f <= u], p.capacity[b] * len(u))
    if not hi:
        return sum(p.req_weight)
    A = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(hi), R)).tocsr()
    res = linprog(-np.asarray(p.req_weight, dtype=float), A_ub=A, b_ub=np.asarray(hi), bounds=(0, 1),
                  method="highs")
    return -res.fun if res.status == 0 else None


def _exact(p: _Problem, fair: list[float], time_limit: float, free: set[int] | None = None,
           fixed: "_Timetable | None" = None):
    """An integer program over (request, slot) pairs: for every request when `free` is None,
    else only for the requests in `free` while the meetings in `fixed` (other than those) stay
    where they are. Returns (slot_of for the free requests, dual bound) or None."""
    R = len(p.req_talent)
    free_list = sorted(free) if free is not None else list(range(R))
    free_set = set(free_list)
    # What the fixed meetings already use.
    t_busy: set[tuple[int, int]] = set()
    b_load: dict[tuple[int, int], int] = {}
    t_fixed_count: dict[int, int] = {}
    if fixed is not None:
        for j, s in fixed.slot_of.items():
            if j in free_set:
                continue
            t, b = p.req_talent[j], p.req_booth[j]
            t_busy.add((t, s))
            b_load[(b, s)] = b_load.get((b, s), 0) + 1
            t_fixed_count[t] = t_fixed_count.get(t, 0) + 1
    pairs = []
    for j in free_list:
        t, b, cap = p.req_talent[j], p.req_booth[j], p.capacity[p.req_booth[j]]
        for s in p.req_slots[j]:
            if (t, s) not in t_busy and b_load.get((b, s), 0) < cap:
                pairs.append((j, s))
    if not pairs:
        return {}, None
    n_pairs = len(pairs)
    talents = sorted({p.req_talent[j] for j, _s in pairs})
    # Fairness bonus per talent for its (fixed + free) k-th meeting.
    u_index: dict[int, tuple[int, int, int]] = {}
    n = n_pairs
    for t in talents:
        first = t_fixed_count.get(t, 0)
        count = len({s for j, s in pairs if p.req_talent[j] == t})
        u_index[t] = (n, first, count)
        n += count
    c = np.zeros(n)
    for v, (j, _s) in enumerate(pairs):
        c[v] = -p.req_weight[j]
    for t, (at, first, count) in u_index.items():
        for k in range(count):
            c[at + k] = -fair[first + k] if first + k < len(fair) else 0.0
    rows, cols, vals, lo, hi = [], [], [], [], []
    row_of: dict[tuple, int] = {}

    def row(key, low, high):
        if key not in row_of:
            row_of[key] = len(lo)
            lo.append(low)
            hi.append(high)
        return row_of[key]

    for v, (j, s) in enumerate(pairs):
        t, b = p.req_talent[j], p.req_booth[j]
        for r in (row(("r", j), 0.0, 1.0), row(("ts", t, s), 0.0, 1.0),
                  row(("bs", b, s), 0.0, float(p.capacity[b] - b_load.get((b, s), 0))),
                  row(("t", t), 0.0, 0.0)):
            rows.append(r); cols.append(v); vals.append(1.0)
    for t, (at, _first, count) in u_index.items():
        r = row(("t", t), 0.0, 0.0)
        for k in range(count):
            rows.append(r); cols.append(at + k); vals.append(-1.0)
    A = coo_matrix((vals, (rows, cols)), shape=(len(lo), n)).tocsr()
    lb = np.zeros(n)
    ub = np.ones(n)
    for v, (j, s) in enumerate(pairs):
        if j in p.keep:
            if s == p.keep[j]:
                lb[v] = 1.0
            else:
                ub[v] = 0.0
    res = milp(c, constraints=LinearConstraint(A, np.asarray(lo), np.asarray(hi)), integrality=np.ones(n),
               bounds=Bounds(lb, ub), options={"mip_rel_gap": 0.0, "time_limit": max(time_limit, 0.1)})
    if res.x is None:
        return None
    x = np.round(res.x[:n_pairs]).astype(int)
    slot_of = {pairs[v][0]: pairs[v][1] for v in range(n_pairs) if x[v] == 1}
    dual = getattr(res, "mip_dual_bound", None)
    bound = -dual if dual is not None and math.isfinite(dual) else None
    return slot_of, bound


def _repair(p: _Problem, fair: list[float], table: "_Timetable", unplaced: list[int], time_limit: float) -> None:
    """Large-neighbourhood repair: every request of the talents left short is re-planned exactly
    (an integer program) around the meetings of everybody else, which stay put."""
    talents = {p.req_talent[j] for j in unplaced}
    free = {j for j in range(len(p.req_talent)) if p.req_talent[j] in talents and j not in p.keep}
    if not free:
        return
    before = sum(p.req_weight[j] for j in free if j in table.slot_of)
    found = _exact(p, fair, time_limit, free=free, fixed=table)
    if not found:
        return
    slot_of, _bound = found
    if sum(p.req_weight[j] for j in slot_of) < before:
        return  # only on a time-out without a better answer
    for j in free:
        if j in table.slot_of:
            table.remove(j)
    for j, s in slot_of.items():
        table.place(j, s)


def schedule(data: dict, time_limit: float = 25.0) -> dict:
    started = time.perf_counter()
    p = _parse(data)
    R = len(p.req_talent)
    weights = p.req_weight
    step = _granularity(weights) if R else 1.0
    whole = all(float(w).is_integer() for w in weights)
    fair = _fair_values(max(len(p.slots), 1), len(p.talent_ids), budget=0.25 * step)

    def weight_bound(value: float) -> float:
        # value bounds weight + fairness bonus; the bonus is >= 0, so it bounds the weight too.
        # Totals of weights are multiples of `step`: round down to the next one.
        if step >= 1e-6:
            return math.floor(value / step + 1e-6) * step
        return value

    if R:
        chosen, value, _t_cap = _selection(p, fair)
        bound = weight_bound(value)
        table, unplaced = _assign(p, chosen)
        method = "b-matching + alternating paths"
        if unplaced:
            _repair(p, fair, table, unplaced, min(10.0, time_limit / 2))
            _fill(p, table, skip=set())
            method += " + exact repair"
        slot_of = dict(table.slot_of)
        objective = sum(weights[j] for j in slot_of)
        if objective < bound - 1e-9 and sum(len(s) for s in p.req_slots) > EXACT_LIMIT:
            hall = _hall_bound(p)
            if hall is not None:
                bound = min(bound, weight_bound(hall + 1e-6 * max(1.0, abs(hall))))
        if objective < bound - 1e-9 and sum(len(s) for s in p.req_slots) <= EXACT_LIMIT:
            left = time_limit - (time.perf_counter() - started)
            exact = _exact(p, fair, left)
            if exact is not None:
                exact_slots, exact_bound = exact
                exact_objective = sum(weights[j] for j in exact_slots)
                if exact_bound is not None:
                    bound = min(bound, weight_bound(exact_bound))
                if exact_objective >= objective:
                    slot_of, objective = exact_slots, exact_objective
                    method = "integer program over (request, slot)"
        bound = max(bound, objective)  # the bound is rounded; never report it below what is met
    else:
        slot_of, objective, bound, method = {}, 0.0, 0.0, "nothing to schedule"
    meetings = sorted(
        ({"talent": p.talent_ids[p.req_talent[j]], "booth": p.booth_ids[p.req_booth[j]], "slot": p.slots[s],
          "_order": (s, p.req_booth[j], p.req_talent[j])} for j, s in slot_of.items()),
        key=lambda m: m["_order"])
    for m in meetings:
        del m["_order"]
    if whole:
        objective, bound = int(round(objective)), int(round(bound))
    return {
        "meetings": meetings,
        "objective": objective,
        "bound": bound,
        "seconds": round(time.perf_counter() - started, 3),
        "optimal": objective >= bound - 1e-9,
        "gap": 0.0 if not bound else round((bound - objective) / bound, 6),
        "method": method,
        "dropped_keep": p.dropped_keep,
    }


def check(data: dict, result: dict) -> list[str]:
    """Every rule the timetable breaks (empty when it is valid): used by the tests and the CLI."""
    problems = []
    slots = {_key(s) for s in data["slots"]}
    cap = {_key(b["id"]): b.get("capacity", 1) for b in data["booths"]}
    b_off = {_key(b["id"]): {_key(s) for s in b.get("unavailable", [])} for b in data["booths"]}
    t_off = {_key(t["id"]): {_key(s) for s in t.get("unavailable", [])} for t in data["talents"]}
    wanted: dict[tuple, float] = {}
    for r in data["requests"]:
        k = (_key(r["talent"]), _key(r["booth"]))
        wanted[k] = max(wanted.get(k, 0), r.get("weight", 1))
    seen_pairs, talent_slot, booth_slot = set(), set(), {}
    total = 0.0
    for m in result["meetings"]:
        t, b, s = _key(m["talent"]), _key(m["booth"]), _key(m["slot"])
        if s not in slots:
            problems.append(f"unknown slot {m}")
        if (t, b) not in wanted:
            problems.append(f"not requested {m}")
            continue
        if (t, b) in seen_pairs:
            problems.append(f"request met twice {m}")
        seen_pairs.add((t, b))
        total += wanted[(t, b)]
        if s in t_off[t] or s in b_off[b]:
            problems.append(f"unavailable {m}")
        if (t, s) in talent_slot:
            problems.append(f"talent twice in a slot {m}")
        talent_slot.add((t, s))
        booth_slot[(b, s)] = booth_slot.get((b, s), 0) + 1
        if booth_slot[(b, s)] > cap[b]:
            problems.append(f"booth over capacity {m}")
    if abs(total - result["objective"]) > 1e-6 * max(1.0, abs(total)):
        problems.append(f"objective {result['objective']} is not the met weight {total}")
    if result["bound"] < result["objective"] - 1e-9:
        problems.append("bound below objective")
    return problems
