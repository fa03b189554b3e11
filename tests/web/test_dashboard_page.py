from __future__ import annotations

import io
import types

import pytest
from openpyxl import load_workbook

import summit


def fake_module(figures):
    return types.SimpleNamespace(figures=figures, __name__="summit.fake.dashboard")


@pytest.fixture(autouse=True)
def inject(monkeypatch):
    """inject(feature, figures) adds a feature's dashboard module to the discovery.

    These tests are of the dashboard itself: the real features' sections are left out,
    so the page shows only the core section and what a test injects."""
    extra = []
    real = summit.feature_modules

    def feature_modules(name):
        if name == "dashboard":
            yield from ((f, m) for f, m in real(name) if f == "dashboard")
            yield from extra
        else:
            yield from real(name)

    monkeypatch.setattr(summit, "feature_modules", feature_modules)

    def add(feature, figures):
        extra.append((feature, fake_module(figures)))

    return add


def contest_figures(summit_):
    return [{
        "key": "contest", "title": "创新创业大赛",
        "stats": [{"label": "参赛项目", "value": 182}, {"label": "已评分", "value": 0.75}],
        "charts": [
            {"title": "各赛道项目数", "kind": "bar", "points": [["初创组", 120], ["成长组", 62]]},
            {"title": "每日评分", "kind": "line", "points": [["11-18", 3], ["11-19", 40], ["11-20", 12]]},
        ],
        "tables": [{"title": "评委缺评", "columns": ["评委", "缺评数"],
                    "rows": [["评委 陈立新", 2], ["<script>alert(1)</script>", 0], ["=HYPERLINK(\"x\")", 1]]}],
    }]


def test_dashboard_shows_core_and_feature_sections(client, login, dashboard_summit, inject):
    inject("contest", contest_figures)
    login("organizer")
    response = client.get(f"/dashboard/{dashboard_summit.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "报名概况（基础数据）" in page and "高层次人才" in page and "媒体" in page  # the core section
    assert "创新创业大赛" in page and "182" in page and "初创组" in page
    assert ">0.8</div>" in page  # numbers are formatted
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="summit-chart"') == 4
    assert "<path" in page  # the line chart
    assert "评委缺评" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert 'data-refresh-url="/dashboard/%d/sections"' % dashboard_summit.id in page
    assert "js/dashboard.js" in page


def test_the_index_opens_the_current_summit(client, login, dashboard_summit):
    login("organizer")
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dashboard/{dashboard_summit.id}")
    assert client.get("/dashboard/987654").status_code == 404


def test_dashboard_without_any_summit(client, login):
    login("organizer")
    response = client.get("/dashboard/")
    assert response.status_code == 200 and "summit demo" in response.get_data(as_text=True)


def test_core_figures_count_registrations_by_category_and_status(db, demo_summit, app):
    from sqlalchemy import func, select

    from summit.dashboard import services
    from summit.registration.models import Registration

    with app.test_request_context():
        section = services.core_section(demo_summit)
    total = db.session.scalar(select(func.count()).select_from(Registration).where(Registration.summit_id == demo_summit.id))
    approved = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.summit_id == demo_summit.id, Registration.status == "approved"))
    stats = {s["label"]: s["value"] for s in section["stats"]}
    assert stats["报名人数"] == total and stats["已通过"] == approved
    table = section["tables"][0]
    assert table["rows"][-1][-1] == total  # the total row
    assert sum(row[-1] for row in table["rows"][:-1]) == total
    over_time, by_category = section["charts"]
    assert sum(p[1] for p in by_category["points"]) == approved
    assert over_time["kind"] == "line" and over_time["points"][-1][1] == total
    values = [p[1] for p in over_time["points"]]
    assert values == sorted(values)


def test_a_registration_section_from_the_feature_replaces_the_core_one(client, login, dashboard_summit, inject):
    inject("registration", lambda s: [{"key": "registration", "title": "报名（功能模块）", "stats": [{"label": "x", "value": 1}]}])
    login("organizer")
    page = client.get(f"/dashboard/{dashboard_summit.id}").get_data(as_text=True)
    assert "报名（功能模块）" in page and "报名概况（基础数据）" not in page


def test_a_failing_feature_does_not_take_the_dashboard_down(client, login, dashboard_summit, inject):
    def broken(summit_):
        raise ZeroDivisionError("bug in a feature")

    inject("matchmaking", broken)
    inject("contest", contest_figures)
    login("organizer")
    response = client.get(f"/dashboard/{dashboard_summit.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "这部分数据暂时无法计算。" in page and "创新创业大赛" in page


def test_sections_fragment_for_the_refresh(client, login, dashboard_summit, inject):
    inject("contest", contest_figures)
    login("organizer")
    response = client.get(f"/dashboard/{dashboard_summit.id}/sections")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    fragment = response.get_data(as_text=True)
    assert "创新创业大赛" in fragment and "<html" not in fragment and "<nav" not in fragment


def test_english_dashboard(client, login, dashboard_summit):
    login("organizer")
    page = client.get(f"/dashboard/{dashboard_summit.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Registrations (core data)" in page and "High-level talent" in page and "Export to Excel" in page


def test_export_has_one_sheet_per_section(client, login, dashboard_summit, inject):
    inject("contest", contest_figures)
    inject("programme", lambda s: [{"key": "p", "title": "议程: 主论坛/分论坛 [2024]?", "stats": []}])
    login("organizer")
    response = client.get(f"/dashboard/{dashboard_summit.id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "dashboard-2024.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[:2] == ["报名概况（基础数据）", "创新创业大赛"]
    assert len(workbook.sheetnames) == 3 and all(c not in workbook.sheetnames[2] for c in "[]:*?/\\")
    contest = workbook["创新创业大赛"]
    cells = [[c.value for c in row] for row in contest.iter_rows()]
    assert ["参赛项目", 182] in cells and ["初创组", 120] in cells and ["11-19", 40] in cells
    assert ["评委 陈立新", 2] in cells
    formula_like = [c for row in contest.iter_rows() for c in row if c.value == '=HYPERLINK("x")'][0]
    assert formula_like.data_type == "s"  # kept as text, never run as a formula
    assert len(contest._charts) == 2  # native Excel charts beside the data
    core = workbook["报名概况（基础数据）"]
    assert any(row[0].value == "合计" for row in core.iter_rows())


def test_sheet_names_are_valid_and_unique():
    from summit.dashboard.export import sheet_name

    taken: set[str] = set()
    names = [sheet_name(t, taken) for t in ["a/b", "a/b", "x" * 40, "x" * 40, ""]]
    assert len(set(n.lower() for n in names)) == 5
    assert all(len(n) <= 31 and "/" not in n for n in names)


def test_dashboard_refuses_other_roles(client, login, dashboard_summit):
    login("judge")
    assert client.get(f"/dashboard/{dashboard_summit.id}").status_code == 403
    assert client.get(f"/dashboard/{dashboard_summit.id}/export.xlsx").status_code == 403
