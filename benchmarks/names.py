"""Search and sort by name at 5,000 registrations, on SQLite and on PostgreSQL.

    python benchmarks/names.py [--rows 5000] [--db sqlite|postgres|both]
    SUMMIT_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_names_bench python benchmarks/names.py

Prints, for each database: the time to write the rows (sort and search keys computed on
write), the registrations list's search (first page and its count, as the page runs it) for
full pinyin, initials, spaced pinyin with tones, traditional characters, a phone and an
organisation; the door's search at check-in; and the list's first page and the full export
order in stroke and pinyin order. p50 and p95 of repeated runs.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="summit-bench-names-"))
os.environ["SUMMIT_INSTANCE_DIR"] = str(TMP)
os.environ.setdefault("SUMMIT_SECRET_KEY", "bench")
os.environ.setdefault("SUMMIT_LOG_LEVEL", "WARNING")
os.environ.setdefault("SUMMIT_LOG_FORMAT", "text")

from _people import demo_summit  # noqa: E402  (the schema and the demo's edition)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test_names_bench"

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
            "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧", "田", "董", "潘", "袁",
            "单", "欧阳", "司马", "诸葛", "上官", "吕", "丁", "白", "龚"]
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "海燕", "志强", "子涵", "浩然", "梓萱", "一诺", "思远", "雨桐", "俊杰", "欣怡", "博文", "晓东", "䶮", "㛃", "𠮷", "龑"]
ENGLISH = ["Emily Carter", "David Müller", "Sophie Laurent", "Rajesh Kumar", "Anna Kowalska", "Michael O'Brien"]
ORGS = ["中国海洋大学", "青岛大学", "青岛科技大学", "海尔集团", "海信集团", "歌尔股份", "University of Toronto"]
QUERIES = {"full pinyin": "liuyan", "initials": "ly", "spaced, tones": "Liú Yǎn", "traditional": "劉䶮",
           "characters": "刘䶮", "phone": "13900004321", "organisation": "海信"}


def make_app(url: str, rows: int):
    from summit import create_app
    from summit.extensions import db
    from summit.registration.models import Category, Registration

    os.environ["SUMMIT_DATABASE_URL"] = url
    app = create_app({"TASKS_EAGER": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        summit = demo_summit(fresh=url.startswith("postgresql"))
        categories = db.session.scalars(db.select(Category).where(Category.summit_id == summit.id)).all()
        rng = random.Random(17)
        start = time.perf_counter()
        for i in range(rows):
            name = rng.choice(ENGLISH) if i % 15 == 0 else rng.choice(SURNAMES) + rng.choice(GIVEN)
            db.session.add(Registration(summit_id=summit.id, category_id=rng.choice(categories).id, name=name,
                                        organisation=rng.choice(ORGS), phone=f"139{i:08d}",
                                        email=f"n{i}@example.com", status="approved"))
        db.session.commit()
        written = time.perf_counter() - start
        summit_id = summit.id
    return app, summit_id, written


def timed(fn, repeat: int = 30) -> str:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return f"p50 {statistics.median(samples):6.1f} ms, p95 {p95:6.1f} ms"


def run(kind: str, url: str, rows: int) -> None:
    from summit.badges import checkin
    from summit.core.models import Summit
    from summit.extensions import db
    from summit.registration import listing

    app, summit_id, written = make_app(url, rows)
    print(f"== {kind}: {rows} registrations written in {written:.1f} s "
          f"({written / rows * 1000:.2f} ms a row, keys computed on write)")
    with app.app_context():
        summit = db.session.get(Summit, summit_id)
        for label, query in QUERIES.items():
            stmt = listing.list_query(summit, q=query)
            hits = listing.page(stmt, 1)[1]
            print(f"  list search   {label:14} {query!r:16} {hits:5} found  "
                  f"{timed(lambda: listing.page(listing.list_query(summit, q=query), 1))}")
        for label in ("full pinyin", "initials", "traditional", "phone"):
            query = QUERIES[label]
            found = len(checkin.search(summit, query))
            print(f"  door search   {label:14} {query!r:16} {found:5} shown  {timed(lambda: checkin.search(summit, query))}")
        for order in ("stroke", "pinyin", "created"):
            print(f"  list page 1   {order:8} order                         "
                  f"{timed(lambda: listing.page(listing.list_query(summit, sort=order, direction='asc'), 1))}")
            print(f"  all rows      {order:8} order (the export's query)    "
                  f"{timed(lambda: db.session.scalars(listing.list_query(summit, sort=order, direction='asc')).all(), 5)}")
            db.session.expunge_all()
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        run("SQLite", f"sqlite:///{TMP / 'names.db'}", args.rows)
    if args.db in ("postgres", "both"):
        url = os.environ.get("SUMMIT_BENCH_POSTGRES_URL", DEFAULT_PG)
        from sqlalchemy import create_engine, text

        base, name = url.rsplit("/", 1)
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        run("PostgreSQL", url, args.rows)


if __name__ == "__main__":
    main()
