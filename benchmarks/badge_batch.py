"""The 1,000-badge batch on the task queue: one worker, then two (their chunks rendered in
parallel, then joined), as `summit worker` processes with a real Redis.

    python benchmarks/badge_batch.py [--people 1000] [--layout a6] [--workers 1,2] [--concurrency 1]

SUMMIT_BENCH_REDIS_URL names a Redis database the script may empty (default
redis://127.0.0.1:6379/15); the database is a scratch SQLite file, or PostgreSQL from
SUMMIT_BENCH_POSTGRES_URL (its tables are dropped and made anew). For each number of workers
it prints the wall time from the start of the batch to its PDF being ready, the peak memory
(resident) of all the workers' processes together and of the largest worker, and the chunks
each worker rendered. The load average is printed too: other work on the machine slows it.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="summit-bench-batch-"))
os.environ["SUMMIT_INSTANCE_DIR"] = str(TMP / "setup")
os.environ.setdefault("SUMMIT_SECRET_KEY", "bench")
os.environ.setdefault("SUMMIT_LOG_LEVEL", "WARNING")
os.environ.setdefault("SUMMIT_LOG_FORMAT", "text")
REDIS_URL = os.environ.get("SUMMIT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
DB_URL = os.environ.get("SUMMIT_BENCH_POSTGRES_URL") or f"sqlite:///{TMP / 'bench.db'}"
STORAGE = TMP / "storage"

from _people import demo_summit_with_people  # noqa: E402  (the same people as benchmarks/badges.py)


def setup(count: int):
    from summit import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": DB_URL, "BROKER_URL": REDIS_URL, "UPLOAD_DIR": str(STORAGE),
                      "MAIL_DISPATCH": "off"})
    with app.app_context():
        summit = demo_summit_with_people(count, fresh=DB_URL.startswith("postgresql"))
        from summit.badges import services

        services.ensure_badges(summit)
    return app


def tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Peak(threading.Thread):
    """Peak resident memory of each worker's process tree and of all together, every 50 ms."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.each, self.total, self.running = pids, [0] * len(pids), 0, True

    def run(self):
        while self.running:
            sizes = [sum(rss(p) for p in tree(pid)) for pid in self.pids]
            self.each = [max(a, b) for a, b in zip(self.each, sizes)]
            self.total = max(self.total, sum(sizes))
            time.sleep(0.05)


def start_workers(count: int, concurrency: int) -> list[subprocess.Popen]:
    workers = []
    for n in range(count):
        folder = TMP / f"worker-{count}-{n}"
        folder.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SUMMIT_DATABASE_URL": DB_URL, "SUMMIT_REDIS_URL": REDIS_URL,
               "SUMMIT_INSTANCE_DIR": str(folder / "instance"), "SUMMIT_STORAGE_DIR": str(STORAGE),
               "SUMMIT_LOG_LEVEL": "INFO"}
        log = (folder / "worker.log").open("wb")
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "summit.cli", "worker", "--concurrency", str(concurrency), "--hostname", f"w{n}@%h"],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        workers[-1].log_path = folder / "worker.log"
    for worker in workers:
        deadline = time.monotonic() + 120
        while "ready." not in worker.log_path.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker did not start:\n{worker.log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
    return workers


def run(app, workers: int, concurrency: int, layout: str) -> None:
    from pypdf import PdfReader
    from sqlalchemy import func, select

    from summit.badges import sheets
    from summit.core import jobs
    from summit.core.models import Job, JobPart, Summit
    from summit.extensions import db

    started = start_workers(workers, concurrency)
    time.sleep(1)  # the pool processes are up
    monitor = Peak([w.pid for w in started])
    monitor.start()
    load = os.getloadavg()[0]
    try:
        with app.app_context():
            begin = time.perf_counter()
            job_id = sheets.start_batch(Summit.current(), layout, None, "all", None).job_id
            while True:
                db.session.rollback()
                job = db.session.get(Job, job_id)
                if job.status in ("done", "failed", "cancelled"):
                    break
                time.sleep(0.05)
            elapsed = time.perf_counter() - begin
            monitor.running = False
            monitor.join()
            assert job.status == "done", job.error
            path = jobs.result_file(job)
            pages = len(PdfReader(path).pages)
            by_worker = dict(db.session.execute(select(JobPart.worker, func.count()).where(JobPart.job_id == job_id)
                                                .group_by(JobPart.worker)).all())
            parts = sum(by_worker.values())
            print(f"{workers} worker(s) x {concurrency} process(es): {job.total} badges ({layout}, {parts} chunks) in "
                  f"{elapsed:.1f} s; peak memory {monitor.total / 2**20:.0f} MB for all workers, "
                  f"{max(monitor.each) / 2**20:.0f} MB the largest; {pages} pages, {path.stat().st_size / 2**20:.1f} MB "
                  f"PDF; chunks per worker {sorted(by_worker.values(), reverse=True)}; load average before {load:.1f}")
    finally:
        for worker in started:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in started:
            worker.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--layout", default="a6")
    parser.add_argument("--workers", default="1,2", help="comma-separated: a run for each number of workers")
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes per worker")
    args = parser.parse_args()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    app = setup(args.people)
    print(f"{os.cpu_count()} CPUs; database {'PostgreSQL' if DB_URL.startswith('postgresql') else 'SQLite'}; "
          f"Redis {REDIS_URL.rsplit('/', 1)[0]}/…")
    for count in [int(n) for n in args.workers.split(",")]:
        run(app, count, args.concurrency, args.layout)


if __name__ == "__main__":
    main()
