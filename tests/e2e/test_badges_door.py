"""The door in a real browser: a keyboard-wedge scanner, and the camera decoding a QR code
(Chromium's fake camera plays a video of a badge's QR code; jsQR decodes it where the browser
has no BarcodeDetector). Each test runs its own server on its own database, in the shared
browser of conftest.py."""
from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def server(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the browser half runs once, on SQLite")
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture
def phone(browser, server):
    """phone(**options) -> (context, page): a phone-sized page of its own in the shared browser."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", **options)
        contexts.append(context)
        return context, context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _login(page, base, email, password):
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()


def test_wedge_scanner_camera_and_undo(server, phone, fake_camera, make_user, make_registration, badge_code):
    wedge = badge_code(make_registration("刘䶮", organisation="中国海洋大学"))
    camera = badge_code(make_registration("王㛃", organisation="青岛大学"))
    _, email, password = make_user("checkin")
    fake_camera(camera)
    _context, page = phone(permissions=["camera"])
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    _login(page, server, email, password)
    page.goto(server + "/checkin")
    # The scanner types into whatever has focus: the code field must have it.
    page.keyboard.type(wedge)
    page.keyboard.press("Enter")
    page.wait_for_selector(".verdict.ok")
    assert "签到成功" in page.inner_text("#verdict") and "刘䶮" in page.inner_text("#verdict")
    page.keyboard.type(wedge)
    page.keyboard.press("Enter")
    page.wait_for_selector(".verdict.bad")
    assert "已签到过" in page.inner_text("#verdict")
    page.keyboard.type("QSNOTAREALCODE")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#verdict').innerText.includes('无效二维码')")

    page.click("#camera-btn")
    page.wait_for_function("() => document.querySelector('#verdict').innerText.includes('王㛃')", timeout=20000)
    assert "签到成功" in page.inner_text("#verdict")
    page.click("#undo-btn")
    page.wait_for_function("() => document.querySelector('#verdict').innerText.includes('已撤销签到')")
    assert outside == []


def test_scans_kept_offline_are_sent_when_the_network_is_back(server, phone, make_user, make_registration, badge_code,
                                                              db, screenshot):
    """Venue Wi-Fi drops: the scan is kept on the phone, survives nothing being answered, and is
    sent and recorded at the moment it was made once the network is back."""
    import datetime as dt

    from sqlalchemy import select

    from summit.badges.models import CheckIn
    from summit.core.models import utcnow

    first = badge_code(make_registration("刘䶮", organisation="中国海洋大学"))
    second = badge_code(make_registration("吉𠮷", organisation="青岛大学"))
    stale = badge_code(make_registration("王㛃", organisation="青岛科技大学"))
    _, email, password = make_user("checkin")
    context, page = phone()
    _login(page, server, email, password)
    page.goto(server + "/checkin")
    context.set_offline(True)
    for code in (first, second):
        page.keyboard.type(code)
        page.keyboard.press("Enter")
        page.wait_for_selector(".verdict.warn")
        page.wait_for_function("() => document.querySelector('#code').value === ''")
    assert "已暂存在本机" in page.inner_text("#verdict")
    assert page.locator("#pending div").first.inner_text() == "等待网络补发的扫码：2 条"
    assert page.locator("#pending li").count() == 2
    screenshot(page, "offline-phone")
    db.session.rollback()
    assert db.session.scalars(select(CheckIn)).all() == []  # nothing reached the server
    page.wait_for_timeout(3000)
    back_online = utcnow()
    context.set_offline(False)
    page.wait_for_function("() => document.querySelectorAll('#sent-later li').length === 2", timeout=20000)
    sent = page.inner_text("#sent-later")
    assert "刘䶮" in sent and "吉𠮷" in sent and sent.count("签到成功") == 2
    assert page.is_hidden("#pending")
    page.wait_for_selector(".verdict.idle")
    assert "请扫码" in page.inner_text("#verdict")
    screenshot(page, "back-online-phone")
    # A reload finds nothing left to send: each scan went exactly once.
    page.reload()
    page.wait_for_timeout(1500)
    assert page.evaluate("() => localStorage.getItem('summit-queue:checkin')") == "[]"
    # A scan kept for more than a day is not sent at all, and the staff see it refused.
    page.evaluate("code => localStorage.setItem('summit-queue:checkin', JSON.stringify("
                  "[{id: 'stale-1', at: Date.now() - 2 * 86400 * 1000, group: null, payload: {code: code}}]))",
                  stale)
    page.reload()
    page.wait_for_function("() => document.querySelector('#sent-later').innerText.includes('已拒收')")
    assert page.evaluate("() => localStorage.getItem('summit-queue:checkin')") == "[]"
    db.session.rollback()
    rows = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    assert [r.status for r in rows] == ["ok", "ok"]  # the stale scan never reached the server
    # Recorded when they were scanned, seconds before the network came back.
    assert all(r.at < back_online - dt.timedelta(seconds=2) for r in rows)


def test_door_page_reloaded_offline_opens_and_sends_the_kept_scans(server, phone, make_registration, badge_code,
                                                                    make_user, db, screenshot):
    """The phone at the door was opened online once; the Wi-Fi drops, scans are kept, and the
    page is reloaded without network: it opens (the service worker's copy), lists the kept
    scans, and sends them once the network is back, each result shown."""
    from sqlalchemy import select

    from summit.badges.models import CheckIn

    codes = [badge_code(make_registration(name, organisation="中国海洋大学")) for name in ("刘䶮", "吉𠮷")]
    _, email, password = make_user("checkin")
    context, page = phone()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, server, email, password)
    page.goto(server + "/checkin")
    page.wait_for_selector("html[data-offline=ready]")

    context.set_offline(True)
    for code in codes:
        page.keyboard.type(code)
        page.keyboard.press("Enter")
        page.wait_for_selector(".verdict.warn")
        page.wait_for_function("() => document.querySelector('#code').value === ''")
    page.reload()  # without network
    page.wait_for_selector("#scan-form")
    assert page.locator("#pending div").first.inner_text() == "等待网络补发的扫码：2 条"
    kept = page.locator("#pending li")
    assert kept.count() == 2 and all(f"…{c[-6:]}" in kept.nth(i).inner_text() for i, c in enumerate(reversed(codes)))
    screenshot(page, "reloaded-offline-phone")
    db.session.rollback()
    assert db.session.scalars(select(CheckIn)).all() == []

    context.set_offline(False)
    page.wait_for_function("() => document.querySelectorAll('#sent-later li').length === 2", timeout=20000)
    sent = page.inner_text("#sent-later")
    assert "刘䶮" in sent and "吉𠮷" in sent and sent.count("签到成功") == 2
    assert page.is_hidden("#pending")
    assert errors == []
    db.session.rollback()
    assert [r.status for r in db.session.scalars(select(CheckIn))] == ["ok", "ok"]


def test_a_scan_made_after_the_login_expired_is_kept_until_staff_log_in_again(server, phone, make_registration,
                                                                             badge_code, make_user, db):
    """The session ran out while the page stayed open: the scan gets no verdict, so it is kept
    (not lost), the page asks to log in again, and the scan is sent once staff have."""
    from sqlalchemy import select

    from summit.badges.models import CheckIn

    code = badge_code(make_registration("刘䶮", organisation="中国海洋大学"))
    _, email, password = make_user("checkin")
    context, page = phone()
    _login(page, server, email, password)
    page.goto(server + "/checkin")
    context.clear_cookies()  # the session is gone
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector(".verdict.warn")
    page.wait_for_function("() => document.querySelector('#pending').innerText.includes('请重新登录')")
    assert page.locator("#pending div").first.inner_text() == "等待网络补发的扫码：1 条"
    db.session.rollback()
    assert db.session.scalars(select(CheckIn)).all() == []

    _login(page, server, email, password)  # check-in staff land on the check-in page
    assert page.url == server + "/checkin"
    page.wait_for_function("() => document.querySelectorAll('#sent-later li').length === 1", timeout=20000)
    assert "签到成功" in page.inner_text("#sent-later")
    db.session.rollback()
    assert [r.status for r in db.session.scalars(select(CheckIn))] == ["ok"]
