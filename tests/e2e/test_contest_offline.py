"""The judges' scoring page in a real browser, on the demo summit's startup final: scores given
while the venue Wi-Fi is down are kept on the tablet and reach the server exactly once, the page
opens again without network, and a sheet says plainly what state it is in.

Each test scores as a judge of its own (a new account on the final's panel), so that the shared
live server's ledger holds only that test's scores for that judge."""
from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.fixtures.ops import live_database as database

PASSWORD = "judge-password-e2e"
_numbers = itertools.count(1)


@dataclass
class Judge:
    id: int
    account: tuple[str, str]
    round_id: int
    entries: list[tuple[int, str]]  # (id, project name) in the page's order


@pytest.fixture
def new_judge(live_server):
    """new_judge() -> a judge of its own on the panel of the demo's startup final (open)."""
    from summit.auth import services as accounts
    from summit.contest import judging
    from summit.contest.models import PanelJudge, Round, Track

    def make() -> Judge:
        email = f"judge-e2e-{next(_numbers)}-{time.monotonic_ns()}@example.com"
        with database(live_server) as s:
            final = s.scalar(select(Round).join(Track).where(Track.code == "startup", Round.kind == "roadshow"))
            assert final.status == "open"
            user = accounts.create_user(email, PASSWORD, ["judge"], name="测试评委", organisation="e2e 评审中心")
            s.add(PanelJudge(round_id=final.id, user_id=user.id))
            s.commit()
            entries = [(e.id, e.project_name) for e in judging.judge_entries(final, user)]
            assert len(entries) >= 2
            return Judge(user.id, (email, PASSWORD), final.id, entries)

    return make


def submits(live_server, judge: Judge) -> list[dict]:
    from summit.contest.models import ScoreEvent

    with database(live_server) as s:
        return [{"entry": e.entry_id, "values": e.values, "client_id": e.client_id}
                for e in s.scalars(select(ScoreEvent).where(ScoreEvent.judge_id == judge.id,
                                                            ScoreEvent.kind == "submit").order_by(ScoreEvent.id))]


def wait_until(condition, timeout: float = 20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def open_round(make_page, judge: Judge, device: str = "tablet", locale: str = "zh-CN"):
    page = make_page(device, locale=locale, account=judge.account)
    page.goto(f"/contest/judge/rounds/{judge.round_id}")
    page.wait_for_selector(".crit")
    # A test scores the entry it chooses, whatever another test put on the roadshow stage.
    page.evaluate("document.getElementById('follow').checked = false")
    return page


def select_entry(page, entry_id: int):
    page.click(f"#list button[data-entry='{entry_id}']")
    expect(page.locator(f"#list button[data-entry='{entry_id}']")).to_have_attribute("aria-current", "true")


def score_all(page, taps: int = 0):
    """Gives every criterion points with its "+" button: the first tap gives the middle of the
    range, each further one a point more."""
    for plus in page.locator(".ctl .plus").all():
        for _ in range(1 + taps):
            plus.click()


def queue_items(page, judge: Judge) -> list[dict]:
    return json.loads(page.evaluate(f"localStorage.getItem('summit-queue:scores:{judge.id}')") or "[]")


def submit_and_confirm(page):
    page.click(".submit")
    dialog = page.locator("#confirm-submit")
    expect(dialog).to_be_visible()
    dialog.locator("button[value=submit]").click()
    expect(dialog).to_be_hidden()


def test_offline_submission_is_kept_then_arrives_once(live_server, make_page, new_judge, screenshot):
    judge = new_judge()
    page = open_round(make_page, judge)
    page.wait_for_selector("html[data-offline=ready]")
    first_id, first_name = judge.entries[0]
    select_entry(page, first_id)

    page.context.set_offline(True)
    score_all(page)  # 15, 13, 10, 8, 5 (the middle of each range)
    page.locator(".ctl .minus").nth(0).click()  # 14 of 30
    assert page.locator(".sum").inner_text() == "50"
    submit_and_confirm(page)
    page.wait_for_timeout(1500)
    assert submits(live_server, judge) == []
    # The status line counts the one submission waiting on the tablet, in words.
    net = page.locator("#net")
    assert net.get_attribute("data-pending") == "1"
    assert net.inner_text() == "离线——评分已保存在本机 · 1 条待发送"
    kept = [i for i in queue_items(page, judge) if i["payload"]["kind"] == "submit"]
    assert [(i["payload"]["entry"], i["payload"]["values"]["innovation"]) for i in kept] == [(first_id, 14)]
    item = page.locator(f"#list button[data-entry='{first_id}']")
    expect(item).to_have_attribute("data-status", "kept")
    assert "已存本平板，待发送" in item.inner_text()
    assert "联系组委会" in page.locator(".state").inner_text()
    screenshot(page, "kept-on-tablet")

    page.context.set_offline(False)
    assert wait_until(lambda: len(submits(live_server, judge)) == 1)
    expect(item).to_have_attribute("data-status", "received")
    assert "服务器已收到" in item.inner_text()
    expect(page.locator(".state")).to_have_text("服务器已收到并锁定。如需修改，请联系组委会解锁。")
    assert net.get_attribute("data-pending") == "0"
    assert queue_items(page, judge) == []

    # Reloaded, online then offline: the server's locked score, and nothing is sent twice.
    page.reload()
    page.wait_for_selector(".crit")
    select_entry(page, first_id)
    expect(page.locator(".submit")).to_be_disabled()
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector(".crit")
    select_entry(page, first_id)
    assert first_name in page.locator(".title").inner_text()
    expect(page.locator(".submit")).to_be_disabled()
    page.context.set_offline(False)
    page.wait_for_timeout(1000)
    (event,) = submits(live_server, judge)
    assert event["entry"] == first_id and event["values"]["innovation"] == 14 and event["client_id"]
    assert page.summit_errors == [], page.summit_errors


def test_page_reloaded_offline_opens_and_sends_what_was_kept(live_server, make_page, new_judge, screenshot):
    """Opened online once, then the Wi-Fi drops: a submission kept on the tablet survives a reload
    without network (the service worker opens the page with the judge's entries) and is sent
    when the network returns, its result shown."""
    judge = new_judge()
    page = open_round(make_page, judge)
    page.wait_for_selector("html[data-offline=ready]")
    second_id, second_name = judge.entries[1]
    page.context.set_offline(True)
    select_entry(page, second_id)
    score_all(page, taps=1)  # 16, 14, 11, 9, 6
    submit_and_confirm(page)

    page.reload()  # still offline
    page.wait_for_selector(".crit")
    item = page.locator(f"#list button[data-entry='{second_id}']")
    expect(item).to_have_attribute("data-status", "kept")
    assert page.locator("#net").get_attribute("data-pending") == "1"
    select_entry(page, second_id)
    assert second_name in page.locator(".title").inner_text()
    assert page.locator(".sum").inner_text() == "56"
    screenshot(page, "reloaded-offline")
    assert submits(live_server, judge) == []

    page.context.set_offline(False)
    assert wait_until(lambda: len(submits(live_server, judge)) == 1)
    expect(item).to_have_attribute("data-status", "received")
    (event,) = submits(live_server, judge)
    assert event["entry"] == second_id and sum(event["values"].values()) == 56


def test_unscored_criteria_look_unscored_and_the_first_tap_starts_in_the_middle(make_page, new_judge):
    judge = new_judge()
    page = open_round(make_page, judge)
    ranges = page.locator(".ctl input[type=range]")
    for i in range(ranges.count()):
        slider = ranges.nth(i)
        top = int(slider.get_attribute("max"))
        expect(slider).to_have_class("unscored")
        assert slider.get_attribute("aria-valuetext") == "未评分"
        assert int(slider.input_value()) == (top + 1) // 2 != 0  # the middle, not 0, while it shows "–"
        assert page.locator(".val").nth(i).inner_text() == "–"

    page.locator(".ctl .plus").nth(0).click()  # innovation, 0–30
    assert page.locator(".val").nth(0).inner_text() == "15"
    page.locator(".ctl .plus").nth(0).click()
    assert page.locator(".val").nth(0).inner_text() == "16"
    page.locator(".ctl .minus").nth(1).click()  # market, 0–25
    assert page.locator(".val").nth(1).inner_text() == "13"
    # A tap on the middle of an unscored slider scores it there, though no value moved.
    team = ranges.nth(2)
    team.click()
    assert page.locator(".val").nth(2).inner_text() == "10"
    expect(team).not_to_have_class("unscored")
    assert team.get_attribute("aria-valuetext") is None
    assert page.locator(".sum").inner_text() == "39"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_slider_and_button_has_an_accessible_name(make_page, new_judge, locale):
    judge = new_judge()
    page = open_round(make_page, judge, locale=locale)
    names = (["技术创新性", "市场前景", "团队能力", "商业模式", "落地可行性"] if locale == "zh-CN"
             else ["Technical innovation", "Market prospects", "Team", "Business model", "Feasibility in Laoshan"])
    assert page.get_by_role("slider").count() == len(names)
    for name in names:
        expect(page.get_by_role("slider", name=name, exact=True)).to_have_count(1)
        more = f"加 1 分：{name}" if locale == "zh-CN" else f"One point more: {name}"
        expect(page.get_by_role("button", name=more, exact=True)).to_have_count(1)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_submitting_with_an_unscored_criterion_is_refused_naming_it(live_server, make_page, new_judge, locale):
    judge = new_judge()
    page = open_round(make_page, judge, locale=locale)
    for i in range(3):
        page.locator(".ctl .plus").nth(i).click()
    page.click(".submit")
    expect(page.locator("#confirm-submit")).to_be_hidden()
    state = page.locator(".state")
    expect(state).to_have_class("state err")
    expected = ("未提交：请先为商业模式和落地可行性打分。" if locale == "zh-CN"
                else "Not submitted: give points for Business model and Feasibility in Laoshan first.")
    assert state.inner_text() == expected
    assert page.locator(".crit.missing").count() == 2
    assert page.evaluate("document.activeElement.id") == "crit-business"
    page.wait_for_timeout(1500)
    assert [i for i in queue_items(page, judge) if i["payload"]["kind"] == "submit"] == []
    assert submits(live_server, judge) == []


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_submit_shows_the_totals_asks_and_then_says_changes_go_through_the_organizer(
        live_server, make_page, new_judge, screenshot, locale):
    judge = new_judge()
    page = open_round(make_page, judge, locale=locale)
    score_all(page)  # 15 + 13 + 10 + 8 + 5
    page.click(".submit")
    dialog = page.locator("#confirm-submit")
    expect(dialog).to_be_visible()
    rows = dialog.locator("tbody tr")
    assert rows.count() == 5
    assert rows.nth(0).locator("td").inner_text() == "15 / 30"
    assert dialog.locator(".confirm-total").inner_text() == "51 / 100"
    assert judge.entries[0][1] in dialog.locator(".confirm-entry").inner_text()
    screenshot(page, f"confirm-{locale}")
    # "Back" sends nothing and leaves the sheet open.
    dialog.locator("button[value=back]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".submit")).to_be_enabled()
    page.wait_for_timeout(500)
    assert submits(live_server, judge) == []

    submit_and_confirm(page)
    assert wait_until(lambda: len(submits(live_server, judge)) == 1)
    received = ("服务器已收到并锁定。如需修改，请联系组委会解锁。" if locale == "zh-CN"
                else "Received and locked. To change this score, ask an organizer to unlock it.")
    expect(page.locator(".state")).to_have_text(received)
    expect(page.locator(".submit")).to_be_disabled()
    assert submits(live_server, judge)[0]["values"] == {"innovation": 15, "market": 13, "team": 10, "business": 8,
                                                        "feasibility": 5}


def test_the_judges_lists_tell_kept_from_received(live_server, make_page, new_judge, screenshot):
    judge = new_judge()
    page = make_page("tablet", account=judge.account)
    page.goto("/contest/judge")
    page.wait_for_selector("html[data-offline=ready]")
    (first_id, _), (second_id, _) = judge.entries[:2]
    page.goto(f"/contest/judge/rounds/{judge.round_id}")
    page.wait_for_selector(".crit")
    page.evaluate("document.getElementById('follow').checked = false")
    select_entry(page, first_id)
    score_all(page)
    submit_and_confirm(page)
    assert wait_until(lambda: len(submits(live_server, judge)) == 1)

    page.context.set_offline(True)
    select_entry(page, second_id)
    score_all(page)
    submit_and_confirm(page)
    received = page.locator(f"#list button[data-entry='{first_id}']")
    kept = page.locator(f"#list button[data-entry='{second_id}']")
    expect(received).to_have_attribute("data-status", "received")
    expect(kept).to_have_attribute("data-status", "kept")
    assert received.locator(".st").inner_text() == "服务器已收到"
    assert kept.locator(".st").inner_text() == "已存本平板，待发送"
    screenshot(page, "list-kept-and-received")

    # The list of rounds, opened without network, says what waits on the tablet, beside what
    # the server had received when the network was last there.
    page.goto("/contest/judge")
    line = page.locator(f"a[data-round='{judge.round_id}'] .kept")
    expect(line).to_have_text("1 份已存本平板，待发送")
    count = page.locator(f"a[data-round='{judge.round_id}'] .received")
    expect(count).to_have_text(f"已收到 1 / {len(judge.entries)}")
    screenshot(page, "rounds-offline")
    page.context.set_offline(False)  # the list sends it
    assert wait_until(lambda: len(submits(live_server, judge)) == 2)
    expect(line).to_be_hidden()
    expect(count).to_have_text(f"已收到 2 / {len(judge.entries)}")


def test_changes_are_never_dropped_by_moving_on_quickly(live_server, make_page, new_judge):
    """A judge who moves to the next entry, or reloads, within the pause before a draft is sent
    loses nothing: each sheet's draft reaches the server."""
    from summit.contest.models import ScoreEvent

    judge = new_judge()
    page = open_round(make_page, judge)
    (first_id, _), (second_id, _) = judge.entries[:2]
    select_entry(page, first_id)
    page.locator(".ctl .plus").nth(0).click()  # 15
    select_entry(page, second_id)  # at once
    page.locator(".ctl .plus").nth(1).click()  # 13
    page.reload()  # at once
    page.wait_for_selector(".crit")

    def drafts():
        with database(live_server) as s:
            return {e.entry_id: e.values for e in s.scalars(select(ScoreEvent).where(
                ScoreEvent.judge_id == judge.id, ScoreEvent.kind == "draft").order_by(ScoreEvent.id))}

    assert wait_until(lambda: len(drafts()) == 2)
    assert drafts() == {first_id: {"innovation": 15}, second_id: {"market": 13}}
    # The reload may have read the sheets while the last draft was still on its way (it is sent
    # as the page goes); opened again, the page shows what the server kept.
    page.reload()
    page.wait_for_selector(".crit")
    select_entry(page, second_id)
    expect(page.locator(".val").nth(1)).to_have_text("13")
