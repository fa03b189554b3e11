"""The tablet scoring page in a real browser: scores given while the venue Wi-Fi is down are
kept on the tablet and reach the server exactly once when the network returns."""
from __future__ import annotations

import logging
import shutil
import socket
import threading
import time

import pytest
from sqlalchemy import func, select

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


@pytest.fixture
def live_server(app):
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_offline_submission_arrives_once(live_server, db, contest, add_entry, panel):
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not CHROMIUM.startswith("/"):
        pytest.skip("no chromium")
    from summit.contest.models import Round, ScoreEvent, Track

    entry = add_entry()
    final = db.session.scalar(select(Round).join(Track).where(Track.code == "startup", Round.kind == "roadshow"))
    final_id = final.id

    def submits():
        db.session.rollback()
        return db.session.scalar(select(func.count()).select_from(ScoreEvent).where(
            ScoreEvent.kind == "submit", ScoreEvent.entry_id == entry.id))

    _uid, email, password = panel[0]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768})
        page = context.new_page()
        page.on("dialog", lambda d: d.accept())
        page.goto(live_server + "/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{live_server}/contest/judge/rounds/{final_id}")
        page.wait_for_selector(".crit")

        context.set_offline(True)
        for i in range(page.locator(".ctl .plus").count()):
            page.locator(".ctl .plus").nth(i).click()  # the first tap gives the criterion's maximum
        page.locator(".ctl .minus").nth(0).click()  # 29 of 30
        assert page.locator(".sum").inner_text() == "99"
        page.click(".submit")
        page.wait_for_timeout(1500)
        assert submits() == 0
        assert "1" in page.locator("#net").inner_text()  # one submission waiting on the tablet
        stored = page.evaluate(f"localStorage.getItem('contest-r{final_id}:outbox')")
        assert '"kind":"submit"' in stored

        context.set_offline(False)
        deadline = time.time() + 20
        while submits() == 0 and time.time() < deadline:
            page.wait_for_timeout(300)
        assert submits() == 1
        page.wait_for_timeout(1000)
        assert page.evaluate(f"localStorage.getItem('contest-r{final_id}:outbox')") == "[]"
        # A reload shows the locked score from the server; nothing is sent twice.
        page.reload()
        page.wait_for_selector(".crit")
        assert page.locator(".submit").is_disabled()
        # The tablet reloads the page while the Wi-Fi is down: the service worker's copy serves it.
        page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(500)
        context.set_offline(True)
        page.reload()
        page.wait_for_selector(".crit")
        assert entry.project_name in page.locator(".title").inner_text()
        assert page.locator(".submit").is_disabled()
        context.set_offline(False)
        browser.close()
    assert submits() == 1
    db.session.rollback()
    event = db.session.scalar(select(ScoreEvent).where(ScoreEvent.kind == "submit"))
    assert event.values["innovation"] == 29 and event.client_id
