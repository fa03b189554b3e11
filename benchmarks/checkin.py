"""Check-in API latency: gunicorn on loopback, 20 scanners at once.

    python benchmarks/checkin.py [--scanners 20] [--scans 50] [--interval 0.5] [--database-url URL]

Each scanner is a device with its own API token that scans its own queue of badges with
`interval` seconds between scans (a busy door; 0 = flat out), and now and then scans a badge
twice or an unknown code. Prints latency percentiles of POST /api/v1/checkin and the verdicts.
The default database is a scratch SQLite file; pass --database-url for PostgreSQL (the
database is migrated and filled: use a scratch one).
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="summit-bench-checkin-"))
os.environ["SUMMIT_INSTANCE_DIR"] = str(TMP)
os.environ.setdefault("SUMMIT_SECRET_KEY", "bench")
os.environ.setdefault("SUMMIT_LOG_LEVEL", "WARNING")
os.environ.setdefault("SUMMIT_LOG_FORMAT", "text")

from _people import demo_summit  # noqa: E402  (the schema and the demo's edition)


def setup(url: str, people: int, scanners: int) -> tuple[list[str], list[str]]:
    from summit import create_app
    from summit.auth import services as auth
    from summit.badges import services
    from summit.extensions import db
    from summit.registration.models import Category, Registration

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        summit = demo_summit(fresh=url.startswith("postgresql"))
        categories = db.session.scalars(db.select(Category).where(Category.summit_id == summit.id)).all()
        for i in range(people):
            db.session.add(Registration(summit_id=summit.id, category_id=categories[i % len(categories)].id,
                                        name=f"参会人{i:04d}", organisation="青岛大学", phone=f"139{i:08d}",
                                        email=f"c{i}@example.com", status="approved"))
        db.session.commit()
        services.ensure_badges(summit)
        codes = [b.code for b in db.session.scalars(db.select(services.Badge).order_by(services.Badge.id))]
        tokens = [auth.create_token("checkin", f"door scanner {n + 1}")[1] for n in range(scanners)]
        db.engine.dispose()
    return codes, tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(base: str, codes: list[str], tokens: list[str], scans: int, interval: float, label: str) -> None:
    import requests

    rng = random.Random(4)
    per_scanner = [codes[i::len(tokens)][:scans] for i in range(len(tokens))]
    latencies: list[float] = []
    verdicts: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens))

    def scanner(n: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {tokens[n]}"}
        queue = list(per_scanner[n])
        barrier.wait()
        if interval:  # doors do not start in lockstep: each scanner's first scan comes at its own moment
            time.sleep(rng.uniform(0, interval))
        previous = None
        for code in queue:
            roll = rng.random()
            if previous and roll < 0.08:
                code = previous  # the same badge twice
            elif roll < 0.10:
                code = "QS" + "X" * 26  # a stranger's code
            start = time.perf_counter()
            response = session.post(f"{base}/api/v1/checkin", json={"code": code}, headers=headers)
            took = time.perf_counter() - start
            status = response.json().get("status") if response.status_code == 200 else f"HTTP {response.status_code}"
            with lock:
                latencies.append(took)
                verdicts[status] += 1
            previous = code
            if interval:
                time.sleep(rng.uniform(0.5, 1.5) * interval)

    threads = [threading.Thread(target=scanner, args=(n,)) for n in range(len(tokens))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    ms = [x * 1000 for x in latencies]
    print(f"{label}: {len(ms)} scans by {len(tokens)} scanners in {wall:.1f} s ({len(ms) / wall:.0f}/s): "
          f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
          f"max {max(ms):.1f} ms; verdicts {dict(verdicts)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scanners", type=int, default=20)
    parser.add_argument("--scans", type=int, default=50, help="scans per scanner")
    parser.add_argument("--interval", type=float, default=0.5, help="mean seconds between one scanner's scans")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread workers when > 1)")
    parser.add_argument("--database-url", default=f"sqlite:///{TMP / 'checkin.db'}")
    parser.add_argument("--flat-out", action="store_true", help="also run with no pause between scans")
    args = parser.parse_args()
    people = args.scanners * args.scans * (3 if args.flat_out else 1) + args.workers * max(args.threads, 1) * 4
    codes, tokens = setup(args.database_url, people, args.scanners)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUMMIT_DATABASE_URL": args.database_url,
           # Flat out is 20 devices each far beyond a person's pace: lift the per-device limit.
           "SUMMIT_RATE_LIMIT_CHECKIN": "100000 per minute" if args.flat_out else "120 per minute"}
    threads = ["-k", "gthread", "--threads", str(args.threads)] if args.threads > 1 else []
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", str(args.workers),
                               *threads, "-b", f"127.0.0.1:{port}", "--log-level", "warning", "summit:create_app()"],
                              env=env, start_new_session=True)
    import requests

    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        # A warm server: every worker has answered scans (imports, compiled statements).
        warm = codes[-args.workers * max(args.threads, 1) * 4:]
        codes = codes[:len(codes) - len(warm)]
        for code in warm:
            requests.post(f"{base}/api/v1/checkin", json={"code": code},
                          headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=5)
        kind = args.database_url.split(":", 1)[0].split("+")[0]
        workers = f"{args.workers} gthread workers x {args.threads} threads" if args.threads > 1 else f"{args.workers} sync workers"
        print(f"gunicorn {workers} on loopback, {kind}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}")
        run(base, codes[:len(codes) // (3 if args.flat_out else 1)], tokens, args.scans, args.interval,
            f"scanners every ~{args.interval} s")
        if args.flat_out:
            run(base, codes[len(codes) // 3:], tokens, args.scans * 2, 0, "flat out (no pause)")
        print("target: p99 <= 50 ms at 20 concurrent scanners")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)


if __name__ == "__main__":
    main()
