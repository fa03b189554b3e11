"""Speed of the pickup planner on 300 arrivals; prints runs, the proven lower bound and seconds.

    python benchmarks/pickups.py

Target (issue: invited talents): 300 arrivals at several places, nobody waiting more than 40
minutes, vehicles of 6, 7 or 15 seats, planned optimally in under 2 s. The instances are random
but seeded and shaped like the summit's: two arrival days (18-19 Nov 2024), most people by air at
青岛胶东国际机场 (TAO), the rest by train at 青岛站 and 青岛北站; flights and trains bring several
talents at once, parties of one to four. A second, crowded shape (everybody within three
hours) shows the exact solver at work.
"""
from __future__ import annotations

import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summit.travel.pickups import check, parse, plan  # noqa: E402

PLACES = [("TAO", 0.6, 45), ("青岛站", 0.15, 20), ("青岛北站", 0.25, 30)]  # place, share, flights or trains a day


def instance(arrivals: int, seats: int, seed: int, max_wait: int = 40) -> dict:
    rng = random.Random(seed)
    services = []  # (place, time): each flight or train that brings talents
    for place, _share, per_day in PLACES:
        for day in (18, 19):
            for _ in range(per_day):
                start = datetime(2024, 11, day, 7, 0)
                services.append((place, start + timedelta(minutes=5 * rng.randrange(15 * 12))))
    weights = [next(share for p, share, _n in PLACES if p == place) for place, _t in services]
    items = []
    for k in range(arrivals):
        place, when = rng.choices(services, weights=weights)[0]
        when += timedelta(minutes=rng.choice([0, 0, 5, 10]))  # luggage, a late carriage
        party = min(seats, rng.choices([1, 2, 3, 4], weights=[60, 25, 10, 5])[0])
        items.append({"id": f"t{k:03d}", "place": place, "time": when.strftime("%Y-%m-%dT%H:%M"), "party": party})
    return {"max_wait_minutes": max_wait, "seats": seats, "arrivals": items}


def crowded(arrivals: int, seats: int, seed: int, max_wait: int = 40) -> dict:
    """A harder shape than the summit's: everybody within three hours at two places, parties of
    one to five, so that seats bind in long chains of overlapping waits."""
    rng = random.Random(seed)
    items = [{"id": f"c{k:03d}", "place": rng.choice(["TAO", "青岛北站"]),
              "time": (datetime(2024, 11, 18, 9, 0) + timedelta(minutes=rng.randrange(180))).strftime("%Y-%m-%dT%H:%M"),
              "party": rng.randint(1, min(5, seats))} for k in range(arrivals)]
    return {"max_wait_minutes": max_wait, "seats": seats, "arrivals": items}


def main() -> None:
    worst = {"summit": 0.0, "crowded": 0.0}
    cases = [("summit", seats, seed, instance(300, seats, seed)) for seats in (6, 7, 15) for seed in (1, 2, 3)]
    cases += [("crowded", seats, seed, crowded(300, seats, seed)) for seats in (6, 7, 15) for seed in (1, 2)]
    for shape, seats, seed, data in cases:
        arrivals, c, w = parse(data)
        cpu = time.process_time()
        result = plan(arrivals, c, w)
        cpu = time.process_time() - cpu
        assert not check(arrivals, c, w, result.runs)
        worst[shape] = max(worst[shape], result.seconds)
        print(f"{shape:7s} 300 arrivals, {len({a.place for a in arrivals})} places, W=40, C={seats:2d}, seed {seed}: "
              f"{len(result.runs):3d} runs, bound {result.lower_bound:3d}, "
              f"{'optimal' if result.optimal else 'NOT proven optimal'}, "
              f"{result.solver_clusters} groups solved exactly, {result.seconds:.3f} s ({cpu:.3f} s CPU)")
    # Wall time counts other programs' use of the processor too; the load says how busy it was.
    print(f"slowest: {worst['summit']:.3f} s summit-shaped (target: under 2 s), {worst['crowded']:.3f} s crowded; "
          f"load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} processors")


if __name__ == "__main__":
    main()
