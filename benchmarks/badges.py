"""Badge PDF speed: the naive reprint beside ours, and a warm server's reprint.
(The 1,000-badge batch on the task queue's workers: benchmarks/badge_batch.py.)

    python benchmarks/badges.py [--people 1000] [--reprints 30]

Prints:
1. One badge page, naive: WeasyPrint with the system's Noto Sans CJK (one 16 MB font per
   weight), measured twice: with the HarfBuzz subsetter this machine has, and with the
   fontTools subsetter WeasyPrint falls back to where libharfbuzz-subset is missing (the
   figure of ~4 s). Then ours (the package's font slices) with both subsetters.
2. The reprint through a warm gunicorn on loopback: GET /api/v1/registrations/<id>/badge.pdf.
Everything runs on a scratch SQLite database in a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="summit-bench-badges-"))
os.environ["SUMMIT_INSTANCE_DIR"] = str(TMP)
os.environ.setdefault("SUMMIT_SECRET_KEY", "bench")
os.environ.setdefault("SUMMIT_LOG_LEVEL", "WARNING")
os.environ.setdefault("SUMMIT_LOG_FORMAT", "text")
DB_URL = f"sqlite:///{TMP / 'bench.db'}"
os.environ["SUMMIT_DATABASE_URL"] = DB_URL

from _people import demo_summit_with_people  # noqa: E402  (shared with badge_batch.py)


def setup(count: int):
    from summit import create_app

    app = create_app({"TASKS_EAGER": True})
    with app.app_context():
        summit = demo_summit_with_people(count)
        from summit.badges import services

        services.ensure_badges(summit)
    return app


def naive_html(name: str) -> str:
    return f"""<html><head><style>@page {{ size: 105mm 148mm; margin: 0 }}
    body {{ font-family: 'Noto Sans CJK SC'; text-align: center }} h1 {{ font-size: 44pt }}</style></head>
    <body><div style="background:#c0392b;color:#fff;font-weight:700">高层次人才</div><p>2024千山峰会</p>
    <h1>{name}</h1><p>中国科学院青岛生物能源与过程研究所<br>研究员</p></body></html>"""


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def fmt(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return f"p50 {statistics.median(samples):.3f} s, p95 {p95:.3f} s, n={len(samples)}"


def single_page(app) -> None:
    import weasyprint
    import weasyprint.pdf.fonts as wp_fonts

    from summit.badges import services, sheets
    from summit.extensions import db
    from summit.registration.models import Registration

    with app.app_context():
        registration = db.session.scalar(db.select(Registration).where(Registration.name.like("%䶮%")).limit(1)) \
            or db.session.scalar(db.select(Registration).limit(1))
        badge = services.active_badge(registration.id)
        ours_html = sheets.badges_html([(registration, badge)], "a6")
    from summit.printing.pdf import render_pdf

    hb = wp_fonts.harfbuzz_subset
    print("1. one badge page (rendered in this process, warm)")
    for label, subsetter in (("HarfBuzz subsetter", hb), ("fontTools subsetter (no libharfbuzz-subset)", None)):
        wp_fonts.harfbuzz_subset = subsetter
        import logging

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        weasyprint.HTML(string=naive_html(registration.name)).write_pdf()  # warm up
        naive = timed(lambda: weasyprint.HTML(string=naive_html(registration.name)).write_pdf(), 3 if subsetter is None else 10)
        render_pdf(ours_html)
        ours = timed(lambda: render_pdf(ours_html), 10)
        print(f"   {label}:")
        print(f"     naive (system Noto Sans CJK SC): {fmt(naive)}")
        print(f"     ours  (package font slices):     {fmt(ours)}")
    wp_fonts.harfbuzz_subset = hb


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def warm_server_reprint(app, reprints: int) -> None:
    import requests

    from summit.auth import services as auth
    from summit.extensions import db
    from summit.registration.models import Registration

    with app.app_context():
        _, token = auth.create_token("organizer", "bench badge printer")
        ids = db.session.scalars(db.select(Registration.id).order_by(Registration.id).limit(reprints)).all()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "summit:create_app()"], env=env, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        for rid in ids[:4]:  # warm both workers
            session.get(f"{base}/api/v1/registrations/{rid}/badge.pdf", headers=headers).raise_for_status()
        samples = []
        for rid in ids:
            start = time.perf_counter()
            response = session.get(f"{base}/api/v1/registrations/{rid}/badge.pdf", headers=headers)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200 and response.content[:5] == b"%PDF-", response.status_code
        print(f"2. reprint through a warm gunicorn (2 workers, loopback), GET .../badge.pdf: {fmt(samples)}"
              f" (target p50 <= 0.3 s)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--reprints", type=int, default=30)
    args = parser.parse_args()
    app = setup(args.people)
    single_page(app)
    warm_server_reprint(app, args.reprints)


if __name__ == "__main__":
    main()
