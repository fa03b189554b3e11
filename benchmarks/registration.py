"""Registration submissions against gunicorn (2 workers) on loopback from 50 concurrent
clients, on SQLite and on PostgreSQL; then the organizer's list at 5,000 rows.

Prints throughput, p50 and p99 of the submissions, and checks that the database holds
exactly as many registrations as there were successful responses (none lost, none doubled).
Half the submissions go to a category with a capacity (the deciding transaction with its
row lock and the waitlist), half to one without.

    python benchmarks/registration.py                 # both databases
    python benchmarks/registration.py --db sqlite --requests 2000
    SUMMIT_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_reg_bench \
        python benchmarks/registration.py --db postgres

Target on PostgreSQL (2 cores): at least 200 registrations/s, p99 under 300 ms.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test_reg_bench"
PASSWORD = "bench-password-123"
THREADS = int(os.environ.get("SUMMIT_BENCH_THREADS", "4"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resident_id(i: int) -> str:
    from summit.registration.identity import resident_id_check_char

    body = f"370212{1960 + (i // 336000) % 40}{1 + (i // 28000) % 12:02d}{1 + (i // 1000) % 28:02d}{i % 1000:03d}"
    return body + resident_id_check_char(body)


def person(i: int, categories: dict[str, int]) -> dict:
    code = "talent" if i % 2 else "enterprise"
    return {"name": f"压测{i}", "gender": "female" if i % 3 else "male", "category_id": str(categories[code]),
            "organisation": "青岛千山创新科技有限公司", "title": "工程师", "phone": f"139{i:08d}",
            "email": f"bench{i}@example.com", "id_type": "resident_id", "id_number": resident_id(i),
            "birth_year": "", "degree": "phd", "overseas": "yes" if i % 4 == 0 else "no",
            "fields": ["ai", "vr"], "programme_parts": ["opening", "recruitment"], "dietary": "",
            "consent": "y"}


def bench_env(url: str, folder: Path) -> dict:
    """The server's environment: a scratch database and instance folder, no rate limits (every
    client comes from 127.0.0.1), no mail server."""
    env = {**os.environ, "SUMMIT_DATABASE_URL": url, "SUMMIT_INSTANCE_DIR": str(folder),
           "SUMMIT_SECRET_KEY": "benchmark-secret", "SUMMIT_RATELIMIT": "0", "SUMMIT_LOG_FORMAT": "json",
           "SUMMIT_LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
    env.pop("SUMMIT_MAIL_SERVER", None)
    return env


def fresh_schema(url: str, env: dict) -> None:
    """An empty database built by the migrations (on PostgreSQL the database is dropped and
    created again, so it need not exist yet)."""
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        base, name = url.rsplit("/", 1)
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    subprocess.run([PYTHON, "-m", "summit.cli", "init-db"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def prepare_database(url: str, env: dict) -> dict[str, int]:
    """A fresh schema through the migrations, one open summit, two categories, an organizer."""
    fresh_schema(url, env)
    script = f"""
import datetime as dt
from summit import create_app
from summit.extensions import db
from summit.core.models import Summit
from summit.registration.models import Category, FieldTag
from summit.auth import services
app = create_app()
with app.app_context():
    s = Summit(year=2031, name_zh="压测峰会", name_en="Benchmark Summit", starts_on=dt.date(2031, 11, 19),
               ends_on=dt.date(2031, 11, 20), is_current=True, registration_opens_at=dt.datetime(2020, 1, 1),
               registration_closes_at=dt.datetime(2099, 1, 1), privacy_policy_zh="仅用于本届峰会。")
    db.session.add(s); db.session.flush()
    t = Category(summit_id=s.id, code="talent", name_zh="高层次人才", name_en="High-level talent",
                 needs_approval=True, capacity=150, position=0)
    e = Category(summit_id=s.id, code="enterprise", name_zh="企业代表", name_en="Enterprise", position=1)
    db.session.add_all([t, e, FieldTag(summit_id=s.id, code="ai", name_zh="人工智能", name_en="AI"),
                        FieldTag(summit_id=s.id, code="vr", name_zh="虚拟现实", name_en="VR")])
    db.session.commit()
    services.create_user("bench-organizer@example.com", "{PASSWORD}", ["organizer"], name="压测组委会")
    print(t.id, e.id)
"""
    out = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    talent, enterprise = out.stdout.split()[-2:]
    return {"talent": int(talent), "enterprise": int(enterprise)}


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    # Two workers, each with a few threads so that one request's database round trips
    # overlap another's Python work.
    proc = subprocess.Popen([GUNICORN, "-w", "2", "--threads", str(THREADS), "-b", f"127.0.0.1:{port}", "--backlog", "512",
                             "summit:create_app()"], cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"gunicorn did not start; see {log}")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class Connection:
    """An HTTP/1.1 client with its cookies, as light as a browser's network stack, so that on
    a 2-core machine the client does not take the CPU the server is being measured on (httpx
    took 4.4 ms of CPU a request, this about 1 ms). Each request opens its own connection,
    as a phone does when it sends a form that took longer to fill than gunicorn's 2-second
    keep-alive: connections kept open would stay with whichever worker accepted them first,
    and one worker could hold most of the 50 while the other idles."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Language: zh-CN",
                    "Connection: close"]
            if self.cookies:
                head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if method == "POST":
                head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            status = int((await reader.readuntil(b"\r\n")).split()[1])
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "set-cookie":
                    key, _, rest = value.strip().partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return status, await reader.read()
        finally:
            writer.close()


async def submissions(base: str, total: int, clients: int, categories: dict) -> tuple[list[float], dict, float]:
    from urllib.parse import urlencode

    host, port = base.rsplit("/", 1)[1].rsplit(":", 1)
    counter = iter(range(total))
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def client_loop():
        conn = Connection(host, int(port))
        # The session cookie and its CSRF token, as a browser would have them.
        _status, page = await conn.request("GET", "/register")
        match = CSRF.search(page.decode())
        token = match.group(1) or match.group(2)
        for i in counter:
            body = urlencode({**person(i, categories), "csrf_token": token}, doseq=True).encode()
            started = time.perf_counter()
            status, _body = await conn.request("POST", "/register", body)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(clients)))
    return latencies, statuses, time.perf_counter() - started


def count_rows(env: dict) -> tuple[int, int, int]:
    script = """
from sqlalchemy import func, select
from summit import create_app
from summit.extensions import db
from summit.registration.models import Registration
from summit.core.models import OutboundMail
app = create_app()
with app.app_context():
    rows = db.session.scalar(select(func.count()).select_from(Registration))
    distinct = db.session.scalar(select(func.count(func.distinct(Registration.phone))))
    mails = db.session.scalar(select(func.count()).select_from(OutboundMail))
    print(rows, distinct, mails)
"""
    out = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return tuple(int(x) for x in out.stdout.split()[-3:])


def top_up(env: dict, target: int, categories: dict) -> None:
    """Bring the table to `target` rows with a bulk insert (the list's speed, not the form's)."""
    script = f"""
import datetime as dt, hashlib, sys
sys.path.insert(0, {str(ROOT)!r})
from sqlalchemy import func, insert, select
from summit import create_app
from summit.extensions import db
from summit.core.models import Summit
from summit.registration.models import Registration
from benchmarks.registration import person
app = create_app()
cats = {categories!r}
with app.app_context():
    summit = Summit.current()
    have = db.session.scalar(select(func.count()).select_from(Registration))
    rows = []
    statuses = ["approved", "approved", "approved", "pending", "waitlisted", "cancelled", "rejected"]
    for i in range(1_000_000, 1_000_000 + max(0, {target} - have)):
        p = person(i, cats)
        rows.append(dict(summit_id=summit.id, category_id=int(p["category_id"]), name=p["name"], gender=p["gender"],
                         organisation=["海尔集团", "海信集团", "中国海洋大学", "青岛大学"][i % 4], title=p["title"],
                         phone=p["phone"], email=p["email"], id_type="resident_id", id_number=p["id_number"],
                         birth_year=1960 + i % 40, degree="phd", overseas=i % 3 == 0, fields=["ai"],
                         programme_parts=["opening"], dietary="", answers={{}}, language="zh_CN",
                         status=statuses[i % len(statuses)], status_reason="", source="import",
                         manage_token_hash=hashlib.sha256(str(i).encode()).hexdigest(),
                         created_at=dt.datetime(2031, 9, 1) + dt.timedelta(minutes=i % 50000),
                         updated_at=dt.datetime(2031, 9, 1)))
    if rows:
        db.session.execute(insert(Registration), rows)
        db.session.commit()
    print(db.session.scalar(select(func.count()).select_from(Registration)))
"""
    subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def list_timings(base: str, categories: dict) -> dict[str, tuple[float, float]]:
    queries = {
        "first page": {},
        "search name": {"q": "压测12"},
        "search phone": {"q": "13900000777"},
        "filter category+status": {"category": categories["talent"], "status": "pending"},
        "sort by organisation": {"sort": "organisation", "dir": "asc"},
        "page 60": {"page": 60},
    }
    results = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login")
        match = CSRF.search(page.text)
        token = match.group(1) or match.group(2)
        response = client.post("/login", data={"email": "bench-organizer@example.com", "password": PASSWORD,
                                               "csrf_token": token})
        if response.status_code != 302:
            raise SystemExit("organizer login failed")
        for label, params in queries.items():
            times = []
            for _ in range(25):
                started = time.perf_counter()
                r = client.get("/organizer/registrations", params=params)
                times.append(time.perf_counter() - started)
                assert r.status_code == 200, (label, r.status_code)
            times.sort()
            results[label] = (statistics.median(times) * 1000, times[-1] * 1000)
    return results


def worker_cpu_seconds(master: int) -> float:
    """CPU time (user + system) of the gunicorn workers so far: the machine may be shared,
    so the cost per registration tells more than the rate alone."""
    return _cpu_seconds(lambda name, ppid: ppid == master)


def postgres_cpu_seconds() -> float:
    """CPU time of the PostgreSQL server's processes on this machine (its share of the cores)."""
    return _cpu_seconds(lambda name, ppid: name.startswith("postgres"))


def _cpu_seconds(wanted) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        if wanted(head.split("(", 1)[1], int(fields[1])):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] * 1000


def run(kind: str, url: str, total: int, clients: int, list_rows: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix=f"summit-bench-{kind}-"))
    env = bench_env(url, folder)
    categories = prepare_database(url, env)
    port = free_port()
    proc = start_gunicorn(env, port, folder / "gunicorn.log")
    try:
        base = f"http://127.0.0.1:{port}"
        cpu_before, pg_before, client_before = worker_cpu_seconds(proc.pid), postgres_cpu_seconds(), time.process_time()
        latencies, statuses, elapsed = asyncio.run(submissions(base, total, clients, categories))
        cpu = worker_cpu_seconds(proc.pid) - cpu_before
        client_cpu, pg_cpu = time.process_time() - client_before, postgres_cpu_seconds() - pg_before
        ok = statuses.get(303, 0)
        time.sleep(1.0)  # the mail pump's last round
        rows, distinct, mails = count_rows(env)
        print(f"[{kind}] {total} submissions from {clients} clients in {elapsed:.1f} s: "
              f"{ok / elapsed:.0f} registrations/s; p50 {pct(latencies, 0.50):.0f} ms, "
              f"p99 {pct(latencies, 0.99):.0f} ms, max {max(latencies) * 1000:.0f} ms")
        load = os.getloadavg()[0]
        print(f"[{kind}] gunicorn workers' CPU per registration {1000 * cpu / max(ok, 1):.1f} ms "
              f"(load average during the run {load:.1f} on {os.cpu_count()} cores); this client "
              f"{1000 * client_cpu / max(ok, 1):.1f} ms"
              + (f", PostgreSQL {1000 * pg_cpu / max(ok, 1):.1f} ms" if kind == "postgres" else ""))
        # What the cores allow: the CPU of the whole path (server, database, client) per
        # registration caps the rate; with closed-loop clients a request's wait is clients / rate.
        per = (cpu + client_cpu + (pg_cpu if kind == "postgres" else 0)) / max(ok, 1)
        print(f"[{kind}] the whole path costs {1000 * per:.1f} ms of CPU per registration: {os.cpu_count()} cores "
              f"allow at most {os.cpu_count() / per:.0f}/s, at which {clients} clients wait "
              f"{1000 * clients * per / os.cpu_count():.0f} ms on average")
        print(f"[{kind}] responses {dict(sorted(statuses.items()))}; rows {rows} (distinct phones {distinct}), "
              f"mails queued {mails}")
        consistent = rows == ok == distinct == mails
        print(f"[{kind}] rows == successful responses: {'yes' if consistent else 'NO'}")
        top_up(env, list_rows, categories)
        timings = list_timings(base, categories)
        for label, (p50, worst) in timings.items():
            print(f"[{kind}] organizer list at {list_rows} rows, {label}: p50 {p50:.0f} ms, max {worst:.0f} ms")
        if kind == "postgres":
            rate, p99 = ok / elapsed, pct(latencies, 0.99)
            print(f"[{kind}] target ≥200/s and p99 <300 ms: {'met' if rate >= 200 and p99 < 300 else 'NOT met'}")
        return consistent
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--list-rows", type=int, default=5000)
    args = parser.parse_args()
    ok = True
    if args.db in ("sqlite", "both"):
        url = f"sqlite:///{tempfile.mkdtemp(prefix='summit-bench-db-')}/bench.db"
        ok &= run("sqlite", url, args.requests, args.clients, args.list_rows)
    if args.db in ("postgres", "both"):
        url = os.environ.get("SUMMIT_BENCH_POSTGRES_URL", DEFAULT_PG)
        try:
            from sqlalchemy import create_engine, text

            probe = create_engine(url.rsplit("/", 1)[0] + "/postgres")
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
            probe.dispose()
        except Exception as exc:  # no server: say so rather than fail the other half
            print(f"[postgres] skipped: no PostgreSQL at {url} ({type(exc).__name__})")
        else:
            ok &= run("postgres", url, args.requests, args.clients, args.list_rows)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
