"""Mixed traffic against gunicorn (2 workers) on loopback — registrations, check-in scans, judges'
scores and attendees' agenda views at the same time — then a check against the database that
nothing was lost or doubled.

    python benchmarks/load.py                      # SQLite, a scratch file
    python benchmarks/load.py --db postgres        # SUMMIT_BENCH_POSTGRES_URL, by default
                                                   # postgresql+psycopg://postgres@127.0.0.1:5432/test_load_bench
    python benchmarks/load.py --registrations 300 --scans 300 --judges 4 --views 300 --duration 20

Setup, through the app's own services and models: a fresh database built by the migrations (on
PostgreSQL the scratch database is dropped and created again), the demo summit (`summit demo`:
~300 registrations, an open final in both contest tracks, published booth meetings), and on top
of it approved attendees with badges nobody has scanned, check-in device tokens, judges on both
finals' panels and the private links of talents who have meetings.

Each kind comes from its own clients until its count is done or --duration has passed:
  register  POST /register, the form as a browser sends it (half to a category with a capacity)
  scan      POST /api/v1/checkin with a device token; some badges scanned again later, some by
            two doors at the same moment, a few unknown codes
  score     a tablet's outbox (POST /contest/judge/scores, each message with its client id): a
            draft, the submission, the submission sent again (its reply was lost) and now and
            then the old draft again
  agenda    GET /programme/me/<token> or /me/<token>/agenda through a talent's private link
Logins and the pages that hand out CSRF tokens are not counted. Rate limits are off: every
client comes from 127.0.0.1.

Prints throughput, p50 and p99 per kind and overall, the answers and the error count (answers a
real client would not expect), then the database checks:
  registrations  new rows == 303 answers (and as many new distinct phones and queued mails)
  scans          check-in rows == answered scans, with the same verdicts; each distinct badge
                 scanned has exactly one standing check-in and got exactly one "ok"
  scores         ledger rows per kind == 201 answers; every resend answered 200 "duplicate" with
                 the first one's id; each judge/entry/round has one current score, locked, with
                 the values submitted
Exits non-zero when anything was lost or doubled, or on a 5xx or a dropped connection.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.registration import (CSRF, PASSWORD, THREADS, bench_env, count_rows, free_port,  # noqa: E402
                                     fresh_schema, pct, person, start_gunicorn, stop, worker_cpu_seconds)

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test_load_bench"
META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
KINDS = ("register", "scan", "score", "agenda")
DEVICE_NAME = "load test door"


# ---------------------------------------------------------------- setup

def setup(args) -> dict:
    """The demo summit plus the people this run needs; returns what the clients must know."""
    from sqlalchemy import select

    from summit import create_app
    from summit.auth import services as auth
    from summit.badges.models import Badge
    from summit.badges.services import ensure_badges
    from summit.contest import rounds as contest_rounds
    from summit.contest.models import Round
    from summit.core.demo import load_demo
    from summit.core.models import Summit
    from summit.extensions import db
    from summit.matchmaking.models import Meeting
    from summit.registration.models import Category, Registration
    from summit.registration.links import new_token

    app = create_app()
    with app.app_context():
        for _line in load_demo():
            pass
        summit = Summit.current()
        categories = {c.code: c.id for c in db.session.scalars(select(Category).where(Category.summit_id == summit.id))}

        # People at the door with a badge each, none checked in yet.
        db.session.add_all(Registration(summit_id=summit.id, category_id=categories["guest"], name=f"到场嘉宾{i}",
                                        organisation="崂山区科技局", phone=f"137{i:08d}", email=f"door{i}@example.com",
                                        status="approved") for i in range(args.scans))
        db.session.commit()
        ensure_badges(summit)
        codes = list(db.session.scalars(select(Badge.code).join(Registration, Badge.registration_id == Registration.id)
                                        .where(Registration.email.like("door%@example.com"), Badge.status == "active")))
        devices = [auth.create_token("checkin", f"{DEVICE_NAME} {n + 1}")[1] for n in range(args.scanners)]

        # Judges of their own organisations (no recusal), on the panels of both open finals.
        judges = [auth.create_user(f"load-judge{n}@example.com", PASSWORD, ["judge"], name=f"压测评委{n}",
                                   organisation=f"压测评审机构{n}") for n in range(args.judges)]
        finals = list(db.session.scalars(select(Round).where(Round.kind == "roadshow", Round.status == "open")
                                         .order_by(Round.id)))
        for final in finals:
            contest_rounds.set_panel(final, [j.id for j in contest_rounds.panel(final)] + [j.id for j in judges])

        # Private links of talents with published meetings: their agendas have something in them.
        with_meetings = select(Meeting.registration_id).where(Meeting.published_at.is_not(None))
        talents = db.session.scalars(select(Registration).where(Registration.id.in_(with_meetings),
                                                                Registration.status == "approved")
                                     .order_by(Registration.id).limit(args.talents))
        links = []
        for talent in talents:
            token, digest = new_token()
            talent.manage_token_hash = digest
            links.append(token)
        db.session.commit()
        plan = {"categories": {"talent": categories["talent"], "enterprise": categories["enterprise"]},
                "codes": codes, "devices": devices, "judges": {j.email: j.id for j in judges},
                "rounds": [r.id for r in finals], "links": links}
        db.engine.dispose()  # the server gets the database to itself
    plan["app"] = app
    return plan


def scan_plan(codes: list[str], total: int, rng: random.Random) -> list[str]:
    """The order of scans at the doors. One in ten new badges is queued twice in a row, so that
    two scanners send it at the same moment; some come back later; a few codes are strangers'."""
    plan: list[str] = []
    fresh = iter(codes)
    while len(plan) < total:
        roll = rng.random()
        if roll < 0.03:
            plan.append("QS" + secrets.token_hex(13).upper())
        elif roll < 0.12 and plan:
            plan.append(rng.choice(plan[-300:]))
        else:
            code = next(fresh)
            plan += [code, code] if rng.random() < 0.10 else [code]
    return plan[:total]


# ---------------------------------------------------------------- traffic

class Traffic:
    """Latencies and answers per kind, and the answers a real client would not expect."""

    def __init__(self, seconds: float):
        self.deadline = time.perf_counter() + seconds
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.answers: dict[str, Counter] = defaultdict(Counter)
        self.span: dict[str, list[float]] = {}
        self.errors: Counter = Counter()
        self.fatal = 0  # 5xx and dropped connections

    def open(self) -> bool:
        return time.perf_counter() < self.deadline

    async def send(self, kind: str, request, expected: tuple[int, ...]) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await request
            answer = response.status_code
        except httpx.HTTPError as exc:
            response, answer = None, type(exc).__name__
        ended = time.perf_counter()
        self.latencies[kind].append(ended - started)
        self.span.setdefault(kind, [started, ended])[1] = ended
        self.answers[kind][answer] += 1
        if answer not in expected:
            self.errors[f"{kind} {answer}"] += 1
            if response is None or answer >= 500:
                self.fatal += 1
        return response


async def csrf_token(client: httpx.AsyncClient, path: str, pattern: re.Pattern = CSRF) -> str:
    match = pattern.search((await client.get(path)).text)
    if match is None:
        raise SystemExit(f"no CSRF token on {path}")
    return next(group for group in match.groups() if group)


async def registrant(base: str, numbers, categories: dict, traffic: Traffic) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        token = await csrf_token(client, "/register")  # the session cookie and its token, as a browser
        for i in numbers:
            if not traffic.open():
                break
            form = {**person(i, categories), "csrf_token": token}
            await traffic.send("register", client.post("/register", data=form), (303,))


async def scanner(base: str, device: str, queue, traffic: Traffic, verdicts: list) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60, headers={"Authorization": f"Bearer {device}"}) as client:
        for code in queue:
            if not traffic.open():
                break
            response = await traffic.send("scan", client.post("/api/v1/checkin", json={"code": code}), (200,))
            if response is not None and response.status_code == 200:
                verdicts.append((code, response.json()["status"]))


async def judge(base: str, email: str, rounds: list[int], traffic: Traffic, sent: list) -> None:
    """One tablet: log in, load each final's entries, then send each entry's outbox in order."""
    rng = random.Random(email)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        token = await csrf_token(client, "/login")
        response = await client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        if response.status_code != 302:
            raise SystemExit(f"login of {email} failed ({response.status_code})")
        for round_id in rounds:
            headers = {"X-CSRFToken": await csrf_token(client, f"/contest/judge/rounds/{round_id}", META_CSRF),
                       "Accept": "application/json"}
            data = (await client.get(f"/contest/judge/rounds/{round_id}/data.json")).json()
            for entry in data["entries"]:
                if not traffic.open():
                    return
                values = {c["key"]: rng.randint(0, c["max"]) for c in data["criteria"]}
                draft = {"kind": "draft", "values": dict(list(values.items())[:2]), "client_id": secrets.token_hex(16)}
                submit = {"kind": "submit", "values": values, "client_id": secrets.token_hex(16)}
                outbox = [draft, submit, submit] + ([draft] if rng.random() < 0.25 else [])
                for n, message in enumerate(outbox):
                    body = {**message, "round": round_id, "entry": entry["id"], "comment": "压测"}
                    response = await traffic.send("score", client.post("/contest/judge/scores", json=body,
                                                                       headers=headers), (201,) if n < 2 else (200,))
                    reply = response.json() if response is not None and response.status_code < 500 else {}
                    sent.append({**body, "judge": email, "status": getattr(response, "status_code", None),
                                 "resend": n >= 2, "id": reply.get("id"), "duplicate": reply.get("duplicate")})


async def attendee(base: str, views, links: list[str], traffic: Traffic) -> None:
    if not links:
        return
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for n in views:
            if not traffic.open():
                break
            token = links[n % len(links)]
            path = f"/programme/me/{token}" if n % 2 else f"/me/{token}/agenda"
            await traffic.send("agenda", client.get(path), (200,))


async def drive(base: str, plan: dict, args) -> tuple[Traffic, list, list, float]:
    traffic = Traffic(args.duration)
    verdicts: list = []
    sent: list = []
    numbers, views = iter(range(args.registrations)), iter(range(args.views))
    queue = iter(scan_plan(plan["codes"], args.scans, random.Random(11)))
    clients = ([registrant(base, numbers, plan["categories"], traffic) for _ in range(args.registrants)]
               + [scanner(base, device, queue, traffic, verdicts) for device in plan["devices"]]
               + [judge(base, email, plan["rounds"], traffic, sent) for email in plan["judges"]]
               + [attendee(base, views, plan["links"], traffic) for _ in range(args.attendees)])
    started = time.perf_counter()
    await asyncio.gather(*clients)
    return traffic, verdicts, sent, time.perf_counter() - started


def report(label: str, traffic: Traffic, elapsed: float, cpu: float) -> None:
    everything = [x for kind in KINDS for x in traffic.latencies[kind]]
    if not everything:
        raise SystemExit("no request was sent")
    print(f"[{label}] {len(everything)} requests in {elapsed:.1f} s: {len(everything) / elapsed:.0f} requests/s; "
          f"p50 {pct(everything, 0.50):.0f} ms, p99 {pct(everything, 0.99):.0f} ms; "
          f"errors {sum(traffic.errors.values())} (5xx or dropped: {traffic.fatal})")
    for kind in KINDS:
        times = traffic.latencies[kind]
        if not times:
            print(f"[{label}]   {kind:8s} none sent")
            continue
        first, last = traffic.span[kind]
        last = max(last, first + 1e-6)
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(traffic.answers[kind].items(), key=str))
        print(f"[{label}]   {kind:8s} {len(times):5d} in {last - first:5.1f} s: {len(times) / (last - first):4.0f}/s; "
              f"p50 {pct(times, 0.50):4.0f} ms, p99 {pct(times, 0.99):5.0f} ms, max {max(times) * 1000:5.0f} ms; "
              f"answers {{{answers}}}")
    if traffic.errors:
        print(f"[{label}] unexpected answers: {dict(traffic.errors)}")
    print(f"[{label}] gunicorn workers' CPU per request {1000 * cpu / len(everything):.1f} ms; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


# ---------------------------------------------------------------- the database afterwards

def check_scans(plan: dict, verdicts: list) -> tuple[bool, str]:
    from sqlalchemy import func, select

    from summit.auth.models import ApiToken
    from summit.badges.models import Badge, CheckIn
    from summit.extensions import db

    devices = select(ApiToken.id).where(ApiToken.name.like(f"{DEVICE_NAME} %"))
    rows = Counter(db.session.scalars(select(CheckIn.status).where(CheckIn.api_token_id.in_(devices))))
    answered = Counter(status for _code, status in verdicts)
    known = set(plan["codes"])
    scanned = {code for code, _status in verdicts if code in known}
    oks = Counter(code for code, status in verdicts if status == "ok")
    standing = dict(db.session.execute(
        select(Badge.code, func.count(CheckIn.id)).join(CheckIn, CheckIn.badge_id == Badge.id)
        .where(Badge.code.in_(known), CheckIn.status == "ok", CheckIn.undone_at.is_(None)).group_by(Badge.code)).all())
    good = (rows == answered and set(standing) == scanned == set(oks)
            and set(standing.values()) <= {1} and set(oks.values()) <= {1})
    return good, (f"{sum(rows.values())} check-in rows for {len(verdicts)} answered scans (verdicts {dict(answered)}); "
                  f"{len(scanned)} distinct badges scanned, {len(standing)} with a standing check-in "
                  f"(at most {max(standing.values(), default=0)} each), {sum(oks.values())} 'ok' answers")


def check_scores(plan: dict, sent: list) -> tuple[bool, str]:
    from sqlalchemy import select

    from summit.contest.models import ScoreEvent
    from summit.contest.ledger import fold
    from summit.extensions import db

    judges = plan["judges"]
    events = list(db.session.scalars(select(ScoreEvent).where(ScoreEvent.round_id.in_(plan["rounds"]),
                                                              ScoreEvent.judge_id.in_(judges.values()))
                                     .order_by(ScoreEvent.id)))
    created = [m for m in sent if not m["resend"] and m["status"] == 201]
    first_id = {m["client_id"]: m["id"] for m in created}
    resends = [m for m in sent if m["resend"]]
    resends_ok = all(m["status"] == 200 and m["duplicate"] and m["id"] == first_id.get(m["client_id"]) for m in resends)
    ledger_ok = (Counter(e.kind for e in events) == Counter(m["kind"] for m in created)
                 and sorted(e.client_id for e in events) == sorted(first_id))
    # The current score of each judge/entry/round, folded from the ledger, against what was sent.
    current_ok, pairs = True, 0
    for round_id in plan["rounds"]:
        state = fold(e for e in events if e.round_id == round_id)
        submitted = {(m["entry"], judges[m["judge"]]): m["values"] for m in created
                     if m["round"] == round_id and m["kind"] == "submit"}
        submits = Counter((e.entry_id, e.judge_id) for e in events if e.round_id == round_id and e.kind == "submit")
        pairs += len(submitted)
        current_ok &= (set(submits.values()) <= {1} and set(submits) == set(submitted)
                       and all(state[key]["locked"] and state[key]["values"] == values
                               for key, values in submitted.items()))
    return resends_ok and ledger_ok and current_ok, (
        f"{len(events)} ledger rows for {len(created)} created answers ({dict(Counter(e.kind for e in events))}); "
        f"{len(resends)} resends answered as duplicates of the first: {'yes' if resends_ok else 'NO'}; "
        f"{pairs} judge/entry/round scores, each submitted once, locked, with the values sent: "
        f"{'yes' if current_ok else 'NO'}")


def run(label: str, url: str, args) -> bool:
    folder = Path(tempfile.mkdtemp(prefix=f"summit-load-{label}-"))
    env = bench_env(url, folder)
    os.environ.update({k: env[k] for k in ("SUMMIT_DATABASE_URL", "SUMMIT_INSTANCE_DIR", "SUMMIT_SECRET_KEY",
                                           "SUMMIT_RATELIMIT")})
    os.environ["SUMMIT_LOG_LEVEL"] = "WARNING"  # the setup's own log, not the server's
    started = time.perf_counter()
    fresh_schema(url, env)
    plan = setup(args)
    before = count_rows(env)
    print(f"[{label}] setup {time.perf_counter() - started:.0f} s: demo summit, {len(plan['codes'])} badges to scan "
          f"by {len(plan['devices'])} devices, {len(plan['judges'])} judges on {len(plan['rounds'])} finals, "
          f"{len(plan['links'])} talents' links; load average {os.getloadavg()[0]:.1f}", flush=True)
    port = free_port()
    proc = start_gunicorn(env, port, folder / "gunicorn.log")
    print(f"[{label}] gunicorn 2 workers x {THREADS} threads; clients: {args.registrants} registering, "
          f"{args.scanners} scanners, {args.judges} judges' tablets, {args.attendees} reading agendas; "
          f"at most {args.duration:.0f} s", flush=True)
    try:
        cpu = worker_cpu_seconds(proc.pid)
        traffic, verdicts, sent, elapsed = asyncio.run(drive(f"http://127.0.0.1:{port}", plan, args))
        cpu = worker_cpu_seconds(proc.pid) - cpu
    finally:
        stop(proc)
    report(label, traffic, elapsed, cpu)

    rows, phones, mails = (after - b for after, b in zip(count_rows(env), before))
    ok = traffic.answers["register"][303]
    good = rows == phones == mails == ok
    print(f"[{label}] registrations: {rows} new rows, {phones} new distinct phones, {mails} mails queued "
          f"for {ok} answered 303: {'yes' if good else 'NO'}")
    with plan["app"].app_context():
        scans_good, text = check_scans(plan, verdicts)
        print(f"[{label}] scans: {text}: {'yes' if scans_good else 'NO'}")
        scores_good, text = check_scores(plan, sent)
        print(f"[{label}] scores: {text}")
        from summit.extensions import db

        db.engine.dispose()
    good &= scans_good and scores_good
    print(f"[{label}] {'nothing lost or doubled' if good else 'LOST OR DOUBLED ROWS'}; "
          f"{'no 5xx or dropped connection' if not traffic.fatal else f'{traffic.fatal} 5xx or dropped connections'}"
          f" (server log: {folder / 'gunicorn.log'})")
    return good and not traffic.fatal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=45, help="seconds of traffic at most (default 45)")
    parser.add_argument("--registrations", type=int, default=600, help="registration submissions (default 600)")
    parser.add_argument("--scans", type=int, default=600, help="check-in scans (default 600)")
    parser.add_argument("--judges", type=int, default=12,
                        help="judges, each scoring every entry of both finals (default 12)")
    parser.add_argument("--views", type=int, default=800, help="agenda page views (default 800)")
    parser.add_argument("--registrants", type=int, default=16, help="clients registering at once (default 16)")
    parser.add_argument("--scanners", type=int, default=10, help="check-in devices (default 10)")
    parser.add_argument("--attendees", type=int, default=10, help="clients reading agendas at once (default 10)")
    parser.add_argument("--talents", type=int, default=50, help="talents whose agendas are read (default 50)")
    args = parser.parse_args()
    if args.db == "postgres":
        url = os.environ.get("SUMMIT_BENCH_POSTGRES_URL", DEFAULT_PG)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='summit-load-db-')}/load.db"
    sys.exit(0 if run(args.db, url, args) else 1)


if __name__ == "__main__":
    main()
