"""Badge PDF speed: the naive reprint beside ours, a warm server's reprint, and a batch of 1,000.

    python benchmarks/badges.py [--batch 1000] [--layout a6] [--reprints 30]

Prints:
1. One badge page, naive: WeasyPrint with the system's Noto Sans CJK (one 16 MB font per
   weight), measured twice: with the HarfBuzz subsetter this machine has, and with the
   fontTools subsetter WeasyPrint falls back to where libharfbuzz-subset is missing (the
   figure of ~4 s). Then ours (the package's font slices) with both subsetters.
2. The reprint through a warm gunicorn on loopback: GET /api/v1/registrations/<id>/badge.pdf.
3. A batch of 1,000 badges as the background job does it: time and peak memory of the
   process tree (the job's process and its render workers).
Everything runs on a scratch SQLite database in a temporary folder.
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

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "晨",
         "海燕", "志强", "子涵", "浩然", "梓萱", "一诺", "思远", "雨桐", "俊杰", "欣怡", "博文", "晓东", "䶮", "㛃", "𠮷", "龑"]
ENGLISH = ["Emily Carter", "David Müller", "Sophie Laurent", "Rajesh Kumar", "Anna Kowalska", "Michael O'Brien",
           "Maximilian Alexander von Hohenberg-Schwarzenstein"]
ORGS = ["中国海洋大学", "青岛大学", "青岛科技大学", "中国科学院青岛生物能源与过程研究所", "海尔集团", "海信集团", "歌尔股份",
        "青岛虚拟现实研究院", "致真精密仪器(青岛)有限公司", "University of Toronto", "崂山区科技局", "青岛日报"]
TITLES = ["教授", "研究员", "博士后", "总经理", "技术总监", "院长", "处长", "记者", "Professor"]


def setup(count: int):
    from flask_migrate import upgrade

    from summit import create_app
    from summit.core import demo
    from summit.extensions import db
    from summit.registration.models import Category, Registration

    app = create_app({"JOBS_INLINE": True})
    with app.app_context():
        upgrade(revision="heads")
        demo._ensure_users()
        summit = demo._ensure_summits()
        demo._ensure_reference_data(summit)
        db.session.commit()
        categories = db.session.scalars(db.select(Category).where(Category.summit_id == summit.id)).all()
        rng = random.Random(7)
        for i in range(count):
            name = rng.choice(ENGLISH) if i % 15 == 0 else rng.choice(SURNAMES) + rng.choice(GIVEN)
            db.session.add(Registration(summit_id=summit.id, category_id=rng.choice(categories).id, name=name,
                                        organisation=rng.choice(ORGS), title=rng.choice(TITLES), phone=f"139{i:08d}",
                                        email=f"b{i}@example.com", status="approved",
                                        language="en" if i % 15 == 0 else "zh_CN"))
        db.session.commit()
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
    from summit.badges.models import Badge
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


class TreeMemory(threading.Thread):
    """Peak resident memory of this process and all its descendants, sampled every 100 ms."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.running = True

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    @classmethod
    def tree_rss(cls) -> int:
        total, todo = 0, [os.getpid()]
        while todo:
            pid = todo.pop()
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
            todo += cls._children(pid)
        return total

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.tree_rss())
            time.sleep(0.1)


def batch(app, layout: str) -> None:
    from pypdf import PdfReader

    from summit.badges import sheets
    from summit.badges.models import PrintBatch
    from summit.core.models import Job, Summit
    from summit.extensions import db

    with app.app_context():
        summit = Summit.current()
        count = len(sheets.select_for_print(summit))
        load_before = os.getloadavg()[0]
        monitor = TreeMemory()
        monitor.start()
        cpu_before = os.times()
        start = time.perf_counter()
        with app.test_request_context():
            made = sheets.start_batch(summit, layout, None, "all", None)
        elapsed = time.perf_counter() - start
        cpu_after = os.times()
        cpu = sum(cpu_after[i] - cpu_before[i] for i in range(4))  # user+system, this process and its workers
        monitor.running = False
        monitor.join()
        made = db.session.get(PrintBatch, made.id)
        job = db.session.get(Job, made.job_id)
        pages = len(PdfReader(made.file_path).pages)
        size = Path(made.file_path).stat().st_size
        print(f"3. batch job, {count} badges, layout {layout}: {elapsed:.1f} s, peak memory of the process tree "
              f"{monitor.peak / 2**20:.0f} MB, {pages} pages, {size / 2**20:.1f} MB PDF, job {job.status} "
              f"{job.done}/{job.total}; CPU time {cpu:.1f} s on {os.cpu_count()} CPUs, load average before "
              f"{load_before:.1f} (target <= 20 s and <= 1 GB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--layout", default="a6")
    parser.add_argument("--reprints", type=int, default=30)
    parser.add_argument("--only-batch", action="store_true")
    args = parser.parse_args()
    app = setup(args.batch)
    if not args.only_batch:
        single_page(app)
        warm_server_reprint(app, args.reprints)
    batch(app, args.layout)


if __name__ == "__main__":
    main()
