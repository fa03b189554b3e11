"""The pickup planner: arrivals in, runs out (no Flask, no database).

    plan(arrivals, seats=C, max_wait=W) -> Plan(runs=[Run(place, departs, riders, seats)], ...)

Rules: every arrival rides in exactly one run at its own place (airport or station); a party is
never split; a run's parties need at most C seats; a run leaves no earlier than its last rider
arrives and no later than its first rider's arrival plus W minutes, so nobody waits longer than
W. Goal: as few runs as possible. A run leaves when its last rider arrives (the least waiting).

Method. A set of parties can share a run exactly when their times span at most W minutes and
their seats sum to at most C, so each place is planned alone, and within a place the arrivals
fall into clusters wherever two consecutive arrivals are more than W apart: no run crosses such
a gap. Per cluster:
1. Two quick plans (first-fit in time order; the earliest waiting party opens a run that it
   fills as full as possible), and a lower bound (blocks of arrivals more than W apart, each
   needing its seats / C runs). When the better plan meets the bound, it is optimal.
2. Otherwise an exact integer program (HiGHS). Two models, both exact, are strong in
   different cases:
   - arc-flow (Valerio de Carvalho's bin-packing model, one graph of vehicle loads per
     departure time): tight where seats bind, e.g. a burst of arrivals for small vehicles;
   - representatives (a run is named after its earliest rider, so runs are not interchangeable
     and there is no symmetry between them): tight where the waiting limit binds, e.g. large
     vehicles and spread-out arrivals.
   Both relaxations are solved; the integer program runs on the one with the higher bound,
   then, if it did not finish in half the time, on the other. Every bound found is kept, so
   Plan.optimal is a proof, not a hope.
Same input, same output: arrivals are taken in time order, then input order; HiGHS is
deterministic.
"""
from __future__ import annotations

import bisect
import math
import re
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

TIME_FORMAT = "%Y-%m-%dT%H:%M"
_TIME_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
TOP_FIELDS = ("max_wait_minutes", "seats", "arrivals")
ARRIVAL_FIELDS = ("id", "place", "time", "party")
MAX_SEATS = 99  # the largest coach has about 70; the arc-flow model grows with the seats


class PickupInputError(ValueError):
    """The input does not describe a pickup problem (unknown or missing fields, bad values)."""


@dataclass(frozen=True)
class Arrival:
    id: str
    place: str
    time: datetime  # Asia/Shanghai wall time, minute precision
    party: int  # seats the party needs (the person and companions)


@dataclass
class Run:
    place: str
    departs: datetime
    riders: list[str]  # arrival ids, in order of arrival
    seats: int


@dataclass
class Plan:
    runs: list[Run]
    seconds: float
    optimal: bool = True  # False only if the solver hit its time limit on a cluster
    lower_bound: int = 0  # a proven lower bound on the number of runs
    solver_clusters: int = 0  # clusters that needed the integer program


# --- input -------------------------------------------------------------------------------------

def _integer(value, where: str, minimum: int) -> int:
    # JSON true/false are ints in Python; 2.0 is accepted as 2, 2.5 is not.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PickupInputError(f"{where} must be a whole number, not {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise PickupInputError(f"{where} must be a whole number, not {value!r}")
        value = int(value)
    if value < minimum:
        raise PickupInputError(f"{where} must be at least {minimum}, not {value}")
    return value


def _fields(obj, expected: tuple[str, ...], where: str) -> None:
    if not isinstance(obj, dict):
        raise PickupInputError(f"{where} must be an object with {', '.join(expected)}")
    unknown = [k for k in obj if k not in expected]
    if unknown:
        raise PickupInputError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; "
                               f"expected {', '.join(expected)}")
    missing = [k for k in expected if k not in obj]
    if missing:
        raise PickupInputError(f"{where}: missing field(s) {', '.join(missing)}")


def parse_time(value, where: str = "time") -> datetime:
    if not isinstance(value, str) or not _TIME_SHAPE.fullmatch(value):
        raise PickupInputError(f"{where} must look like 2024-11-18T09:40 (Asia/Shanghai), not {value!r}")
    try:
        return datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        raise PickupInputError(f"{where} is not a real date and time: {value!r}") from None


def format_time(value: datetime) -> str:
    return value.strftime(TIME_FORMAT)


def parse(data) -> tuple[list[Arrival], int, int]:
    """Check the JSON problem and return (arrivals, seats, max_wait); PickupInputError names the
    first thing wrong."""
    _fields(data, TOP_FIELDS, "the input")
    max_wait = _integer(data["max_wait_minutes"], "max_wait_minutes", 0)
    seats = _integer(data["seats"], "seats", 1)
    if seats > MAX_SEATS:
        raise PickupInputError(f"seats must be at most {MAX_SEATS} (one vehicle), not {seats}")
    if not isinstance(data["arrivals"], list):
        raise PickupInputError("arrivals must be a list")
    arrivals, seen = [], set()
    for n, item in enumerate(data["arrivals"]):
        where = f"arrivals[{n}]"
        _fields(item, ARRIVAL_FIELDS, where)
        ident, place = item["id"], item["place"]
        if not isinstance(ident, str) or not ident.strip():
            raise PickupInputError(f"{where}.id must be a non-empty string, not {ident!r}")
        if ident in seen:
            raise PickupInputError(f"{where}.id {ident!r} is used twice")
        seen.add(ident)
        if not isinstance(place, str) or not place.strip():
            raise PickupInputError(f"{where}.place must be a non-empty string, not {place!r}")
        when = parse_time(item["time"], f"{where}.time")
        party = _integer(item["party"], f"{where}.party", 1)
        if party > seats:
            raise PickupInputError(f"{where}.party: a party of {party} does not fit in a vehicle of "
                                   f"{seats} seats (a party is never split)")
        arrivals.append(Arrival(ident, place, when, party))
    return arrivals, seats, max_wait


# --- planning ----------------------------------------------------------------------------------

def _minutes(value: datetime) -> int:
    return (value - datetime(2000, 1, 1)) // timedelta(minutes=1)


def _clusters(ordered: list[Arrival], max_wait: int) -> list[list[Arrival]]:
    clusters: list[list[Arrival]] = []
    for a in ordered:
        if clusters and _minutes(a.time) - _minutes(clusters[-1][-1].time) <= max_wait:
            clusters[-1].append(a)
        else:
            clusters.append([a])
    return clusters


def _first_fit(cluster: list[Arrival], seats: int, max_wait: int) -> list[list[int]]:
    """A quick feasible plan: each party in time order takes the fullest open run it fits in."""
    runs: list[list[int]] = []
    first, free = [], []
    for i, a in enumerate(cluster):
        t = _minutes(a.time)
        best = None
        for r in range(len(runs)):
            if t - first[r] <= max_wait and free[r] >= a.party and (best is None or free[r] < free[best]):
                best = r
        if best is None:
            runs.append([i])
            first.append(t)
            free.append(seats - a.party)
        else:
            runs[best].append(i)
            free[best] -= a.party
    return runs


def _sweep(cluster: list[Arrival], seats: int, max_wait: int) -> list[list[int]]:
    """Another quick plan: the earliest party still waiting opens a run and fills it as full as
    possible from the parties arriving within W after it (a subset-sum), with as few parties as
    possible (small ones fill the gaps of later runs), the earlier ones first (their time runs out
    first)."""
    t = [_minutes(a.time) for a in cluster]
    waiting = list(range(len(cluster)))
    runs: list[list[int]] = []
    while waiting:
        first, rest = waiting[0], waiting[1:]
        candidates = [j for j in rest if t[j] - t[first] <= max_wait]
        room = seats - cluster[first].party
        # best[c] = (seats filled, -parties, -sum of ranks) within capacity c; keep[k][c]: k taken.
        best = [(0, 0, 0)] * (room + 1)
        keep = []
        for rank, j in enumerate(candidates):
            size = cluster[j].party
            taken = [False] * (room + 1)
            for c in range(room, size - 1, -1):
                filled, parties, ranks = best[c - size]
                option = (filled + size, parties - 1, ranks - rank)
                if option > best[c]:
                    best[c] = option
                    taken[c] = True
            keep.append(taken)
        run, c = [first], room
        for k in range(len(candidates) - 1, -1, -1):
            if keep[k][c]:
                run.append(candidates[k])
                c -= cluster[candidates[k]].party
        runs.append(sorted(run))
        chosen = set(run)
        waiting = [j for j in waiting if j not in chosen]
    return runs


def _lower_bound(cluster: list[Arrival], seats: int, max_wait: int) -> int:
    """Runs needed at least: take blocks of consecutive arrivals, each block more than W after
    the one before, so that no run can carry people of two blocks; each block needs its seats / C
    runs. The best choice of blocks by dynamic programming (it covers both simple bounds: the whole
    cluster as one block, and arrivals pairwise more than W apart as blocks of one)."""
    t = [_minutes(a.time) for a in cluster]
    before = [0]  # seats of the first i arrivals
    for a in cluster:
        before.append(before[-1] + a.party)
    earlier = [bisect.bisect_left(t, x - max_wait) for x in t]  # arrivals more than W before each
    best = [0] * (len(cluster) + 1)  # best[j]: the bound from the first j arrivals
    for j in range(1, len(cluster) + 1):
        best[j] = best[j - 1]
        for i in range(j):  # the last block is arrivals i..j-1
            best[j] = max(best[j], best[earlier[i]] + -(-(before[j] - before[i]) // seats))
    return best[-1]


class _Model(ABC):
    """One integer program for a cluster: minimise cost @ x subject to lower <= A x <= upper,
    0 <= x <= high, x integral; decode(x) turns a solution into runs (lists of party indices)."""

    def __init__(self, name: str):
        self.name = name
        self.cost: list[float] = []
        self.high: list[float] = []
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def variable(self, high: float, cost: float = 0.0) -> int:
        self.high.append(high)
        self.cost.append(cost)
        return len(self.cost) - 1

    def constraint(self, terms, lower: float, upper: float) -> None:
        row = len(self.lower)
        for k, value in terms:
            self.rows.append(row)
            self.cols.append(k)
            self.vals.append(value)
        self.lower.append(lower)
        self.upper.append(upper)

    def solve(self, integral: bool, time_limit: float):
        matrix = coo_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.lower), len(self.cost))).tocsr()
        return milp(np.array(self.cost), constraints=LinearConstraint(matrix, self.lower, self.upper),
                    integrality=np.full(len(self.cost), 1 if integral else 0),
                    bounds=Bounds(0, np.array(self.high, dtype=float)), options={"time_limit": time_limit})

    @abstractmethod
    def decode(self, x) -> list[list[int]]:
        """The runs (lists of party indexes) of a solution vector."""


class _Representatives(_Model):
    """A run is named after its earliest rider (ties by order): x[i, j] = 1 when party i rides in
    the run party j opens (j no later than i, t_i - t_j <= W); x[j, j] = 1 when j opens a run.
    Its relaxation is tight where the waiting limit binds (large vehicles)."""

    def __init__(self, cluster: list[Arrival], seats: int, max_wait: int):
        super().__init__("representatives")
        t = [_minutes(a.time) for a in cluster]
        n = len(cluster)
        self.pairs = [(i, j) for i in range(n) for j in range(i + 1) if t[i] - t[j] <= max_wait]
        index = {pair: self.variable(1.0, 1.0 if pair[0] == pair[1] else 0.0) for pair in self.pairs}
        rides: list[list[int]] = [[] for _ in range(n)]
        carries: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        for (i, j), k in index.items():
            rides[i].append(k)
            carries[j].append((k, float(cluster[i].party - (seats if i == j else 0))))
            if i != j:  # only in an opened run
                self.constraint([(k, 1.0), (index[j, j], -1.0)], -np.inf, 0.0)
        for i in range(n):  # every party rides once
            self.constraint([(k, 1.0) for k in rides[i]], 1.0, 1.0)
        for j in range(n):  # an opened run holds at most C seats
            self.constraint(carries[j], -np.inf, 0.0)

    def decode(self, x) -> list[list[int]]:
        runs: dict[int, list[int]] = {}
        for k in np.flatnonzero(x > 0.5):
            i, j = self.pairs[k]
            runs.setdefault(j, []).append(i)
        return [sorted(r) for r in runs.values()]


def _departure_times(times: list[int], max_wait: int) -> list[int]:
    """The departure times worth offering: a time whose window [tau - W, tau] lies inside the
    next time's window is dominated (a run leaving then can leave at the next time instead)."""
    keep = []
    for n, tau in enumerate(times):
        # Someone arriving in [tau - W, next - W) can leave at tau but no longer at the next time.
        if n + 1 == len(times) or (bisect.bisect_left(times, tau - max_wait)
                                   < bisect.bisect_left(times, times[n + 1] - max_wait)):
            keep.append(tau)
    return keep


class _ArcFlow(_Model):
    """Runs as paths through the loads 0..C of a vehicle (Valerio de Carvalho's arc-flow model
    of bin packing), one graph per departure time tau; parties of equal time and size are
    counted together, ride[g, tau] of them leave at tau. Its relaxation is as strong as the
    classic bin-packing bound, tight where seats bind (small vehicles, bursts of arrivals)."""

    def __init__(self, cluster: list[Arrival], seats: int, max_wait: int):
        super().__init__("arc-flow")
        self.seats = seats
        t = [_minutes(a.time) for a in cluster]
        self.groups: dict[tuple[int, int], list[int]] = {}  # (time, party size) -> party indices
        for i, a in enumerate(cluster):
            self.groups.setdefault((t[i], a.party), []).append(i)
        keys = sorted(self.groups)
        taus = _departure_times(sorted(set(t)), max_wait)
        self.ride = {(g, tau): self.variable(len(self.groups[g]))
                     for g in keys for tau in taus if g[0] <= tau <= g[0] + max_wait}
        self.graphs = {}
        for tau in taus:
            sizes = sorted({g[1] for g in keys if (g, tau) in self.ride}, reverse=True)
            # A run's load grows largest party first: a size-s arc starts only at a load made
            # of sizes >= s (one order per run instead of all of them).
            loads, arcs = {0}, []
            for size in sizes:
                grown = set(loads)
                for u in loads:
                    v = u + size
                    while v <= seats:
                        grown.add(v)
                        v += size
                arcs += [(u, u + size, size, self.variable(np.inf, 1.0 if u == 0 else 0.0))
                         for u in sorted(grown) if u + size <= seats]
                loads = grown
            # Empty seats: from any load straight to a full vehicle.
            arcs += [(u, seats, 0, self.variable(np.inf)) for u in sorted(loads) if 0 < u < seats]
            self.graphs[tau] = arcs
            for node in sorted(loads - {0, seats}):  # a load flows through
                self.constraint([(k, 1.0) for _u, v, _s, k in arcs if v == node]
                                + [(k, -1.0) for u, _v, _s, k in arcs if u == node], 0.0, 0.0)
            for size in sizes:  # the places of each size are the parties of that size leaving then
                self.constraint([(k, 1.0) for _u, _v, s, k in arcs if s == size]
                                + [(self.ride[g, tau], -1.0) for g in keys if g[1] == size and (g, tau) in self.ride],
                                0.0, 0.0)
        for g in keys:  # every party rides once
            count = float(len(self.groups[g]))
            self.constraint([(self.ride[g, tau], 1.0) for tau in taus if (g, tau) in self.ride], count, count)

    def decode(self, x) -> list[list[int]]:
        x = np.rint(x).astype(int)
        waiting = {g: list(members) for g, members in self.groups.items()}
        runs: list[list[int]] = []
        for tau, arcs in self.graphs.items():
            leaving: dict[int, list[int]] = {}  # size -> the parties that leave at tau
            for (g, when), k in self.ride.items():
                if when == tau and x[k]:
                    leaving.setdefault(g[1], []).extend(waiting[g][:x[k]])
                    waiting[g] = waiting[g][x[k]:]
            flow = {k: x[k] for _u, _v, _s, k in arcs}
            outgoing: dict[int, list[tuple[int, int, int]]] = {}
            for u, v, size, k in arcs:
                outgoing.setdefault(u, []).append((v, size, k))
            # Each unit of flow from an empty vehicle to a full one is one run.
            node = 0
            run: list[int] = []
            while True:
                step = next(((v, size, k) for v, size, k in outgoing.get(node, []) if flow[k] > 0), None)
                if step is None:
                    break
                v, size, k = step
                flow[k] -= 1
                if size:
                    run.append(leaving[size].pop())
                node = v
                if node == self.seats:
                    runs.append(sorted(run))
                    node, run = 0, []
        return runs


# The representatives model is built only up to this many (rider, opener) pairs: beyond it the
# arrivals come in bursts, where seats bind and the arc-flow model is the strong one.
REPRESENTATIVES_LIMIT = 10_000


def _solve(cluster: list[Arrival], seats: int, max_wait: int, incumbent: list[list[int]], time_limit: float):
    """The fewest runs for one cluster, given a feasible plan: (runs, proven optimal, lower bound).

    Both models are exact; which one proves optimality fast depends on whether seats or the
    waiting limit bind. So both relaxations are solved (cheap), the integer program runs first on
    the model whose bound is higher (arc-flow on a tie) with half the time, then on the other."""
    started = time.perf_counter()
    best, bound = incumbent, 0
    candidates = [_ArcFlow(cluster, seats, max_wait)]
    if _pair_count(cluster, max_wait) <= REPRESENTATIVES_LIMIT:
        candidates.append(_Representatives(cluster, seats, max_wait))
    ranked = []
    for n, model in enumerate(candidates):
        relaxed = model.solve(False, time_limit)
        value = math.ceil(relaxed.fun - 1e-6) if relaxed.status == 0 else 0
        bound = max(bound, value)
        ranked.append((-value, n, model))
    ranked.sort(key=lambda item: item[:2])
    for turn, (_value, _n, model) in enumerate(ranked):
        left = time_limit - (time.perf_counter() - started)
        if bound >= len(best) or left <= 0:
            break
        result = model.solve(True, left / 2 if turn + 1 < len(ranked) else left)
        if result.x is not None:
            runs = model.decode(result.x)
            if len(runs) < len(best):
                best = runs
        if result.status == 0:
            bound = len(best)
        elif getattr(result, "mip_dual_bound", None) is not None and np.isfinite(result.mip_dual_bound):
            bound = max(bound, math.ceil(result.mip_dual_bound - 1e-6))
    return best, bound >= len(best), min(bound, len(best))


def _pair_count(cluster: list[Arrival], max_wait: int) -> int:
    count, start = 0, 0
    for i, a in enumerate(cluster):
        while _minutes(a.time) - _minutes(cluster[start].time) > max_wait:
            start += 1
        count += i - start + 1
    return count


def plan(arrivals: list[Arrival], seats: int, max_wait: int, time_limit: float = 60.0) -> Plan:
    """The fewest runs for these arrivals (see the module's docstring). time_limit (seconds)
    bounds the integer programs all together; a cluster reached after it keeps its quick
    plan. Plan.optimal says whether every cluster was proven optimal."""
    started = time.perf_counter()
    order = {a.id: n for n, a in enumerate(arrivals)}
    by_place: dict[str, list[Arrival]] = {}
    for a in arrivals:
        by_place.setdefault(a.place, []).append(a)
    runs: list[Run] = []
    optimal, bound, solved = True, 0, 0
    for place in sorted(by_place):
        ordered = sorted(by_place[place], key=lambda a: (a.time, order[a.id]))
        for cluster in _clusters(ordered, max_wait):
            low = _lower_bound(cluster, seats, max_wait)
            groups = min(_first_fit(cluster, seats, max_wait), _sweep(cluster, seats, max_wait), key=len)
            if len(groups) > low:
                left = time_limit - (time.perf_counter() - started)
                if left > 0:
                    solved += 1
                    groups, proven, low = _solve(cluster, seats, max_wait, groups, left)
                    optimal = optimal and proven
                else:
                    optimal = False
            bound += low
            for group in groups:
                members = [cluster[i] for i in sorted(group)]
                runs.append(Run(place, max(a.time for a in members), [a.id for a in members],
                                sum(a.party for a in members)))
    runs.sort(key=lambda r: (r.place, r.departs, order[r.riders[0]]))
    return Plan(runs, round(time.perf_counter() - started, 3), optimal, bound, solved)


def check(arrivals: list[Arrival], seats: int, max_wait: int, runs: list[Run]) -> list[str]:
    """Every rule a plan must keep, checked on its own; the problems found (none for a good plan)."""
    problems = []
    by_id = {a.id: a for a in arrivals}
    seen: dict[str, int] = {}
    for n, run in enumerate(runs):
        members = []
        for rider in run.riders:
            if rider not in by_id:
                problems.append(f"run {n}: unknown rider {rider!r}")
                continue
            seen[rider] = seen.get(rider, 0) + 1
            members.append(by_id[rider])
        if not members:
            problems.append(f"run {n}: no riders")
            continue
        if any(a.place != run.place for a in members):
            problems.append(f"run {n}: a rider arrives at another place than {run.place}")
        if sum(a.party for a in members) > seats:
            problems.append(f"run {n}: {sum(a.party for a in members)} seats needed, {seats} available")
        if run.departs < max(a.time for a in members):
            problems.append(f"run {n}: departs before its last rider arrives")
        if run.departs > min(a.time for a in members) + timedelta(minutes=max_wait):
            problems.append(f"run {n}: its first rider waits longer than {max_wait} minutes")
    for a in arrivals:
        if seen.get(a.id, 0) != 1:
            problems.append(f"arrival {a.id!r} rides in {seen.get(a.id, 0)} runs")
    return problems


def as_json(result: Plan) -> dict:
    """The output of `summit plan-pickups`: {"runs": [{"place", "departs", "riders"}], "seconds"}."""
    return {"runs": [{"place": r.place, "departs": format_time(r.departs), "riders": r.riders} for r in result.runs],
            "seconds": result.seconds}
