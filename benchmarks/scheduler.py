"""Speed of the meeting scheduler on two generated summits; prints objective, bound and seconds.

    python benchmarks/scheduler.py

Targets (issue: recruitment sessions): 100 talents x 30 booths x 12 slots x 5 requests optimal
in at most 2 s; 2,000 talents x 200 booths x 16 slots x 8 requests within 1% of the bound in at
most 30 s. The instances are random but seeded, with realistic frictions: popular booths, some
talents away for a few slots (the contest final), a booth closed for a break.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summit.matchmaking.scheduler import check, schedule  # noqa: E402


def instance(talents: int, booths: int, slots: int, requests: int, seed: int) -> dict:
    rng = random.Random(seed)
    slot_ids = [f"s{i:02d}" for i in range(slots)]
    booth_list = []
    for b in range(booths):
        unavailable = []
        if rng.random() < 0.2:  # a break at the booth
            unavailable = [slot_ids[rng.randrange(slots)]]
        booth_list.append({"id": f"b{b}", "capacity": rng.choice([1, 1, 2, 2, 3]), "unavailable": unavailable})
    talent_list, request_list = [], []
    # Popularity: a few booths are wanted by many (a Zipf-like pull).
    popularity = [1.0 / (1 + b) ** 0.6 for b in range(booths)]
    for t in range(talents):
        unavailable = []
        if rng.random() < 0.3:  # away for a stretch, e.g. the contest final
            start = rng.randrange(slots - 2)
            unavailable = slot_ids[start:start + rng.randint(1, 3)]
        talent_list.append({"id": f"t{t}", "unavailable": unavailable})
        chosen = set()
        while len(chosen) < requests:
            chosen.add(rng.choices(range(booths), weights=popularity)[0])
        for rank, b in enumerate(sorted(chosen, key=lambda _b: rng.random())):
            weight = requests - rank + (3 if rng.random() < 0.1 else 0)  # preference order, host priority
            request_list.append({"talent": f"t{t}", "booth": f"b{b}", "weight": weight})
    return {"slots": slot_ids, "booths": booth_list, "talents": talent_list, "requests": request_list}


def crowded(seed: int) -> dict:
    """The large size made hard: big booths closed half the session, talents away 6 to 12 of
    16 slots, so that many selected requests find no common free slot at first."""
    data = instance(2000, 200, 16, 8, seed)
    rng = random.Random(seed)
    for b in data["booths"]:
        b["capacity"] = 6
        b["unavailable"] = rng.sample(data["slots"], 8)
    for t in data["talents"]:
        t["unavailable"] = rng.sample(data["slots"], rng.randint(6, 12))
    return data


def main() -> int:
    ok = True
    for name, size, limit, target in [("small", (100, 30, 12, 5), 2.0, "optimal"),
                                      ("large", (2000, 200, 16, 8), 30.0, "within 1%"),
                                      ("crowded", (2000, 200, 16, 8), 30.0, "within 1%")]:
        data = crowded(2024) if name == "crowded" else instance(*size, seed=2024)
        result = schedule(data)
        errors = check(data, result)
        gap = result["gap"] * 100
        meets = len(result["meetings"])
        print(f"{name}: {size[0]} talents x {size[1]} booths x {size[2]} slots x {size[3]} requests: "
              f"meetings {meets}, objective {result['objective']}, bound {result['bound']}, "
              f"gap {gap:.3f}%, seconds {result['seconds']:.2f} (target: {target} in {limit:.0f} s; "
              f"method: {result['method']})")
        if errors:
            print("  INVALID:", errors[:5])
        good = not errors and result["seconds"] <= limit and (
            result["optimal"] if target == "optimal" else result["gap"] <= 0.01)
        print("  ", "ok" if good else "MISSED")
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
