"""Judge assignment for online rounds: a b-matching solved as a small integer program.

Every entry gets exactly k judges, every judge's load is within one of every other's
(floor(k·E/J) or one more), a recused (judge, entry) pair is never chosen, and among the
assignments that satisfy this the one with the most expertise matches wins. The constraint
matrix is that of a bipartite flow, so the LP relaxation is integral and HiGHS solves a
contest of a few hundred entries in well under a second.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix


class AssignmentError(ValueError):
    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def assign(entries: dict, judges: dict, k: int, recusals: set | frozenset = frozenset()) -> dict:
    """entries: {entry id: set of field tags}; judges: {judge id: set of expertise tags};
    recusals: {(judge id, entry id)}. Returns {entry id: [judge ids]} (judges sorted)."""
    entry_ids, judge_ids = list(entries), list(judges)
    if k < 1:
        raise AssignmentError("k", "every entry needs at least one judge", k=k)
    if not entry_ids:
        return {}
    if k > len(judge_ids):
        raise AssignmentError("too_few_judges", f"{k} judges per entry but the panel has {len(judge_ids)}",
                              k=k, judges=len(judge_ids))
    pairs = []
    for e in entry_ids:
        allowed = [j for j in judge_ids if (j, e) not in recusals]
        if len(allowed) < k:
            raise AssignmentError("recusals", f"entry {e!r} has only {len(allowed)} judges without a conflict",
                                  entry=e, available=len(allowed), k=k)
        pairs.extend((j, e) for j in allowed)

    n_e, n_j, n = len(entry_ids), len(judge_ids), len(pairs)
    e_index = {e: i for i, e in enumerate(entry_ids)}
    j_index = {j: i for i, j in enumerate(judge_ids)}
    low = (k * n_e) // n_j
    high = low if (k * n_e) % n_j == 0 else low + 1

    # Reward expertise matches; a tiny deterministic spread keeps the solution stable.
    cost = np.empty(n)
    for p, (j, e) in enumerate(pairs):
        overlap = len(set(judges[j] or ()) & set(entries[e] or ()))
        cost[p] = -(overlap if overlap else 0) - 1e-4 * ((j_index[j] * 7 + e_index[e] * 13) % 17) / 17

    rows, cols = [], []
    for p, (j, e) in enumerate(pairs):
        rows.append(e_index[e])
        cols.append(p)
        rows.append(n_e + j_index[j])
        cols.append(p)
    a = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_e + n_j, n)).tocsr()
    lb = np.concatenate([np.full(n_e, k), np.full(n_j, low)])
    ub = np.concatenate([np.full(n_e, k), np.full(n_j, high)])
    result = milp(cost, constraints=LinearConstraint(a, lb, ub), integrality=np.ones(n),
                  bounds=Bounds(0, 1))
    if result.status != 0 or result.x is None:
        raise AssignmentError("infeasible", "no assignment meets the loads with these conflicts of interest")
    chosen: dict = {e: [] for e in entry_ids}
    for p, value in enumerate(result.x):
        if value > 0.5:
            j, e = pairs[p]
            chosen[e].append(j)
    for e in chosen:
        chosen[e].sort(key=lambda j: j_index[j])
    return chosen


def loads(assignment: dict) -> dict:
    out: dict = {}
    for judges in assignment.values():
        for j in judges:
            out[j] = out.get(j, 0) + 1
    return out
