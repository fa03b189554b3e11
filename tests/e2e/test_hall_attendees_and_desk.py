"""What attendees, the door and organizers meet in the hall, in a real browser on the demo
summit: the form's errors take the person to the field to fix, the English form expects a
passport, the door's search does not offer to check in someone who cannot be, and axe-core
finds no critical or serious problem on the pages used most, in both languages."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from tests.fixtures.ops import live_database as database

LOCALES = ["zh-CN", "en"]


def _fill_person(page, n: int, passport: bool = False) -> None:
    page.fill("#name", f"测试{n}")
    page.check("#gender-0")
    page.fill("#phone", f"1370000{n:04d}")
    page.fill("#organisation", "青岛大学")
    page.select_option("#category_id", index=1)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_refused_form_takes_the_phone_to_the_first_field_to_fix(make_page, screenshot, locale):
    page = make_page("phone", locale=locale)
    page.goto("/register")
    n = time.monotonic_ns() % 10000
    page.fill("#name", f"测试{n}")
    page.fill("#email", "not-an-email")  # and no phone, category, organisation or consent
    with page.expect_navigation():
        page.locator("form.reg-form button[type=submit]").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    links = summary.locator("a[data-error-link]")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#email" in targets and "#consent" in targets
    # In the page's order: the phone (under the name) comes before the category.
    assert targets.index("#phone") < targets.index("#category_id") < targets.index("#consent")
    # The focus is on the first field in error, and that field is on the screen.
    assert page.evaluate("document.activeElement.id") == targets[0].lstrip("#")
    assert page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                         " return r.top >= 0 && r.bottom <= window.innerHeight; })()")
    screenshot(page, f"errors-{locale}", full_page=False)
    # The consent's link, 5,000 px further down, takes the person there.
    summary.locator("a[href='#consent']").click()
    assert page.evaluate("document.activeElement.id") == "consent"
    assert page.summit_errors == []


def test_the_english_form_expects_a_passport_and_says_when_one_is_typed_as_an_id_card(make_page, screenshot):
    page = make_page("phone", locale="en")
    page.goto("/register")
    assert page.is_checked("input[name=id_type][value=passport]")
    n = time.monotonic_ns() % 10000
    _fill_person(page, n)
    page.fill("#email", f"visitor{n}@example.com")
    page.check("input[name=id_type][value=resident_id]")
    page.fill("#id_number", "C01X00T47")
    page.check("#consent")
    with page.expect_navigation():
        page.locator("form.reg-form button[type=submit]").click()
    assert "This looks like a passport number: choose Passport" in page.locator("#error-summary").inner_text()
    assert page.evaluate("document.activeElement.id") == "id_number"
    screenshot(page, "passport-hint", full_page=False)


def test_the_door_search_shows_the_status_of_someone_who_cannot_be_checked_in(live_server, make_page, screenshot):
    from summit.registration import attendee
    from summit.registration.models import Registration

    with database(live_server) as s:
        reg = s.scalar(select(Registration).where(Registration.status == "approved").order_by(Registration.id.desc()))
        name = reg.name
        attendee.cancel(reg, by_attendee=False, reason="e2e")
    page = make_page("phone", role="checkin")
    page.goto("/checkin")
    page.locator("details summary").first.click()
    page.fill("#search-q", name)
    page.press("#search-q", "Enter")
    row = page.locator("#results li", has_text=name).first
    row.wait_for()
    assert row.locator("button").count() == 0, page.locator("#results").inner_html()
    assert "已取消" in row.inner_text()
    screenshot(page, "search-cancelled", full_page=False)


PAGES = [
    ("/register", None),
    ("/checkin", "checkin"),
    ("scoring", "judge"),
    ("/dashboard/", "organizer"),
    ("/organizer/registrations", "organizer"),
]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("path,role", PAGES, ids=[p[0].strip("/").replace("/", "-") or "home" for p in PAGES])
def test_axe_finds_no_critical_or_serious_problem(make_page, axe_check, screenshot, path, role, locale):
    page = make_page("desktop", locale=locale, role=role, bypass_csp=True)
    if path == "scoring":
        page.goto("/contest/judge")
        page.locator("a[href*='/contest/judge/rounds/']").first.click()
        page.wait_for_load_state()
        entry = page.locator("a[href*='/entries/']").first
        if entry.count():
            entry.click()
            page.wait_for_load_state()
    else:
        page.goto(path)
    if path == "/checkin":
        page.locator("details summary").first.click()
    page.wait_for_load_state("networkidle")
    problems = axe_check(page)
    assert problems == [], "\n".join(problems)
