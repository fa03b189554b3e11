"""The pages that exist in every installation, in a real browser at three sizes."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import open_menu

SIZES = ["phone", "tablet", "desktop"]


def _no_errors(page):
    # CSP refusals and script errors show up as console errors.
    assert page.summit_errors == []


@pytest.mark.parametrize("device", SIZES)
@pytest.mark.parametrize("locale,expected,absent", [("zh-CN", "工作人员登录", "Staff login"),
                                                    ("en", "Staff login", "工作人员登录")], ids=["zh", "en"])
def test_home_in_both_languages(make_page, screenshot, device, locale, expected, absent):
    page = make_page(device, locale)
    response = page.goto("/")
    assert response.status == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    open_menu(page)
    body = page.locator("body").inner_text()
    assert expected in body and absent not in body
    assert page.evaluate("document.documentElement.lang") == ("zh-CN" if locale == "zh-CN" else "en")
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "home")
    _no_errors(page)


def test_language_switch_on_a_phone(phone_page, screenshot):
    """On a phone the switch is in the header itself, not folded into the menu."""
    page = phone_page
    page.goto("/")
    switch = page.locator("nav .lang-switch button")
    assert switch.is_visible() and not page.locator("#mainnav").is_visible()
    with page.expect_navigation():
        switch.click()
    assert page.evaluate("document.documentElement.lang") == "en"
    open_menu(page)
    assert "Staff login" in page.locator("#mainnav").text_content()
    page.goto("/login")  # the choice is remembered
    assert page.locator("h1").inner_text() == "Staff login"
    with page.expect_navigation():
        page.click("nav .lang-switch button:has-text('中文')")
    assert page.locator("h1").inner_text() == "工作人员登录"
    screenshot(page, "back-to-chinese")
    _no_errors(page)


@pytest.mark.parametrize("role,device", [("organizer", "desktop"), ("checkin", "phone"),
                                         ("judge", "tablet"), ("host", "phone")])
def test_staff_login_per_role(make_page, staff_login, screenshot, role, device):
    page = make_page(device)
    staff_login(page, role)
    assert "/login" not in page.url
    assert page.locator(".alert-success").count() == 1  # the welcome message
    open_menu(page)
    assert page.locator("#mainnav button:has-text('退出登录')").is_visible()
    dashboard_links = page.locator("#mainnav a[href='/dashboard/']")
    assert dashboard_links.count() == (1 if role == "organizer" else 0)
    screenshot(page, "after-login")
    _no_errors(page)


def test_wrong_password_stays_on_login(desktop_page):
    page = desktop_page
    page.goto("/login")
    page.fill("input[name=email]", "organizer@demo.qianshan.cn")
    page.fill("input[name=password]", "not-the-password")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_selector(".invalid-feedback, .text-danger")
    assert "邮箱或密码错误" in page.locator("main").inner_text()
