"""Browser tests: Playwright's sync API driving Debian's Chromium against the live server.

Every test here is marked e2e (`pytest -m e2e` runs them alone, `-m "not e2e"` skips them).
Screenshots go to artifacts/screenshots/ (git-ignored)."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SUMMIT_CHROMIUM", "/usr/bin/chromium")
# The fake camera plays whatever video the fake_camera fixture last wrote (Chromium opens the
# file when a page starts the camera), so one browser serves every test.
CAMERA_VIDEO = Path(tempfile.gettempdir()) / f"summit-e2e-camera-{os.getpid()}.y4m"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-video-capture={CAMERA_VIDEO}"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "tablet": {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
DEMO_PASSWORD = "qianshan2024"
DEMO_ACCOUNTS = {
    "organizer": "organizer@demo.qianshan.cn",
    "checkin": "checkin@demo.qianshan.cn",
    "judge": "judge1@demo.qianshan.cn",
    "host": "host@demo.qianshan.cn",
}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package chromium; `make system-deps`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def fake_camera():
    """fake_camera(text): the browser's camera shows a QR code of `text` from then on."""

    def show(text: str) -> None:
        import qrcode
        from PIL import Image

        frame = Image.new("L", (640, 480), 255)
        frame.paste(qrcode.make(text, box_size=10, border=4).convert("L").resize((360, 360)), (140, 60))
        y, u, v = frame.convert("RGB").convert("YCbCr").split()
        with open(CAMERA_VIDEO, "wb") as fh:
            fh.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
            for _ in range(10):
                fh.write(b"FRAME\n" + y.tobytes() + u.resize((320, 240)).tobytes() + v.resize((320, 240)).tobytes())

    yield show
    CAMERA_VIDEO.unlink(missing_ok=True)


def _page(browser, live_server, device: str, locale: str = "zh-CN", storage_state=None, bypass_csp: bool = False):
    context = browser.new_context(base_url=live_server.url, locale=locale, storage_state=storage_state,
                                  extra_http_headers={"Accept-Language": locale}, bypass_csp=bypass_csp,
                                  **DEVICES[device])
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.summit_errors = []  # script errors, CSP refusals and failed assets, checked by tests

    def console(msg):
        # Failed loads are reported below with their address instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            page.summit_errors.append(msg.text)

    def response(resp):
        if resp.status >= 400 and resp.request.resource_type != "document" and not resp.url.endswith("/favicon.ico"):
            page.summit_errors.append(f"{resp.status} {resp.url}")

    page.on("console", console)
    page.on("pageerror", lambda exc: page.summit_errors.append(str(exc)))
    page.on("response", response)
    return context, page


@pytest.fixture(scope="session")
def _staff_states():
    return {}


@pytest.fixture
def make_page(browser, live_server, _staff_states):
    """make_page("phone", locale="en") -> a fresh page (own cookies) at that size;
    make_page("tablet", role="judge") -> the same, logged in as the demo judge;
    make_page("tablet", account=(email, password)) -> logged in as that account (the login
    form is used once per account and session, then its cookies are reused);
    bypass_csp=True lets a test inject a script of its own (axe-core) into the page."""
    contexts = []

    def make(device: str = "desktop", locale: str = "zh-CN", role: str | None = None,
             account: tuple[str, str] | None = None, bypass_csp: bool = False):
        if role is not None:
            account = (DEMO_ACCOUNTS[role], DEMO_PASSWORD)
        state = None
        if account is not None:
            if account[0] not in _staff_states:
                context, page = _page(browser, live_server, "desktop")
                _login(page, *account)
                _staff_states[account[0]] = context.storage_state()
                context.close()
            state = _staff_states[account[0]]
        context, page = _page(browser, live_server, device, locale, storage_state=state, bypass_csp=bypass_csp)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(make_page):
    return make_page("phone")


@pytest.fixture
def tablet_page(make_page):
    return make_page("tablet")


@pytest.fixture
def desktop_page(make_page):
    return make_page("desktop")


@pytest.fixture
def screenshot(request):
    """screenshot(page, "name") saves artifacts/screenshots/<test>-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str, full_page: bool = True) -> Path:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{request.node.name}-{name}").strip("-")
        path = SCREENSHOTS / f"{stem}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return shoot


def open_menu(page) -> None:
    """Below Bootstrap's lg breakpoint the menu hides behind the toggler."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.wait_for_selector("#mainnav.show")


def _login(page, email: str, password: str = DEMO_PASSWORD):
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    return page


@pytest.fixture
def staff_login():
    """staff_login(page, "judge") logs a demo account in through the login form."""
    return lambda page, role: _login(page, DEMO_ACCOUNTS[role])


AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_check():
    """axe_check(page) -> the critical and serious violations axe-core finds on the page, as
    "rule: target" lines. The page needs make_page(..., bypass_csp=True): the script is
    injected as a tag, which the application's Content-Security-Policy would refuse."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make install-dev` (npm ci --prefix tests/e2e/node)")

    def check(page) -> list[str]:
        if not page.evaluate("() => !!window.axe"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.filter(v => v.impact === "critical" || v.impact === "serious")
                .map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }""")
        return result

    return check
