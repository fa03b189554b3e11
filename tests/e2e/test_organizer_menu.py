"""The organizer's menu at a laptop's and a tablet's width, in both languages: it folds behind
the menu button until the screen is wide enough for every item on one line, so the page never
scrolls sideways, no item breaks one character per line and the language and log-out buttons
can be reached. Measured in Chromium, not assumed from the CSS."""
from __future__ import annotations

import pytest

# How many lines each text takes, as the browser laid it out (one client rect per line box).
LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
  return new Set([...r.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top))).size; }"""


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")


def _within_screen(page, locator):
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5, box


@pytest.mark.parametrize("width", [768, 1024, 1440])
@pytest.mark.parametrize("locale,language,logout", [("zh-CN", "English", "退出登录"), ("en", "中文", "Log out")],
                         ids=["zh", "en"])
def test_the_menu_fits_and_every_item_is_one_line(make_page, screenshot, width, locale, language, logout):
    page = make_page("desktop", locale=locale, role="organizer")
    page.set_viewport_size({"width": width, "height": 900})
    for path in ("/dashboard/", "/badges"):
        assert page.goto(path).status == 200
        _fits(page)
        nav_height = page.locator("nav.navbar").bounding_box()["height"]
        assert nav_height < 80, nav_height  # one row: the brand and the items or the menu button
        toggler = page.locator("button.navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            page.wait_for_selector("#mainnav.show")
            page.wait_for_function("!document.querySelector('#mainnav').classList.contains('collapsing')")
        links = page.locator("#mainnav .nav-link")
        assert links.count() >= 8
        for i in range(links.count()):
            link = links.nth(i)
            assert link.is_visible()
            assert link.evaluate(LINES) == 1, (link.inner_text(), width, locale)
            _within_screen(page, link)
        # While the menu is folded the language switch stays in the header, beside the menu button.
        for name in (language, logout):
            buttons = page.locator(f"nav.navbar button:has-text('{name}')")
            visible = [buttons.nth(i) for i in range(buttons.count()) if buttons.nth(i).is_visible()]
            assert len(visible) == 1, (name, width, locale)
            assert visible[0].evaluate(LINES) == 1
            _within_screen(page, visible[0])
        _fits(page)
        if path == "/badges":
            search = page.locator("main form[role=search] button[type=submit]")
            assert search.evaluate(LINES) == 1, search.inner_text()
        screenshot(page, f"{path.strip('/')}-{width}", full_page=False)
    assert page.summit_errors == []
