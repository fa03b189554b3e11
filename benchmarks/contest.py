"""Contest figures: ranking 200 entries × 15 judges × 6 criteria with each method (target ≤ 0.2 s
each), and the bytes a tablet transfers to load the scoring page (target ≤ 150 KB, all local).

    python benchmarks/contest.py
"""
from __future__ import annotations

import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summit.contest import scoring  # noqa: E402


def bench_ranking() -> bool:
    rng = random.Random(7)
    criteria = [{"id": f"c{i}", "max": m, "weight": w} for i, (m, w) in
                enumerate([(30, 1), (25, 1), (20, 1), (15, 1), (10, 1), (10, 0.5)])]
    scores = [{"judge": f"j{j}", "entry": f"e{e}", "values": {c["id"]: rng.randint(0, c["max"]) for c in criteria}}
              for e in range(200) for j in range(15)]
    ok = True
    for method in scoring.METHODS:
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            scoring.rank(method, criteria, scores)
            runs.append(time.perf_counter() - t0)
        worst = max(runs)
        ok &= worst <= 0.2
        print(f"rank {method:8s} 200 entries x 15 judges x 6 criteria: median {statistics.median(runs):.3f} s, "
              f"worst {worst:.3f} s (target <= 0.2 s)")
    return ok


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_page() -> bool:
    folder = tempfile.mkdtemp(prefix="summit-bench-")
    os.environ["SUMMIT_INSTANCE_DIR"] = folder
    os.environ.setdefault("SUMMIT_LOG_LEVEL", "WARNING")
    os.environ["SUMMIT_RATELIMIT"] = "0"
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from summit import create_app
    from summit.core.demo import load_demo
    from summit.extensions import db

    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
    with app.app_context():
        upgrade(revision="heads")
        for _line in load_demo():
            pass
        from sqlalchemy import select

        from summit.contest.models import Round
        round_id = db.session.scalar(select(Round.id).where(Round.kind == "roadshow").order_by(Round.id))
    port = _free_port()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"

    from playwright.sync_api import sync_playwright

    total, foreign, by_url = 0, [], {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(base + "/login")
        page.fill("input[name=email]", "judge1@demo.qianshan.cn")
        page.fill("input[name=password]", "qianshan2024")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # a tablet's first visit
        sizes: dict = {}
        urls: dict = {}
        cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        page.goto(f"{base}/contest/judge/rounds/{round_id}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(2500)  # the first stage poll and data load
        for rid, size in sizes.items():
            url = urls.get(rid, "?")
            if not url.startswith(base):
                foreign.append(url)
            if "/stage/state.json" in url and url in by_url:
                continue  # count the stage poll once: it repeats every 2 s while the page is open
            by_url[url] = by_url.get(url, 0) + size
        total = sum(by_url.values())
        browser.close()
    server.shutdown()
    for url, size in sorted(by_url.items(), key=lambda kv: -kv[1]):
        print(f"  {size / 1024:7.1f} KB  {url.replace(base, '')}")
    print(f"scoring page, first load on a tablet: {total / 1024:.1f} KB transferred in {len(by_url)} responses "
          f"(target <= 150 KB); requests outside the server: {len(foreign)}")
    return total <= 150 * 1024 and not foreign


if __name__ == "__main__":
    ok = bench_ranking()
    ok = bench_page() and ok
    sys.exit(0 if ok else 1)
