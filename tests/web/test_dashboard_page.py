from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook



@pytest.fixture(autouse=True)
def inject(app):
    """inject(feature, figures) adds a dashboard section to the running app's registry.

    These tests are of the dashboard itself: of the real features' sections only the
    registration feature's is kept, and a test adds what it needs."""
    from summit.core.features import EXTENSION

    registry = app.extensions[EXTENSION]
    registry.dashboard_sections[:] = [(f, figures) for f, figures in registry.dashboard_sections
                                      if f == "registration"]

    def add(feature, figures):
        registry.dashboard_sections.append((feature, figures))

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


def test_dashboard_shows_the_features_sections(client, login, dashboard_summit, inject):
    inject("contest", contest_figures)
    login("organizer")
    response = client.get(f"/dashboard/{dashboard_summit.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "待审核名单（最早的在前）" in page and "高层次人才" in page and "媒体" in page  # registration's
    assert "创新创业大赛" in page and "182" in page and "初创组" in page
    assert ">0.8</div>" in page  # numbers are formatted
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="summit-chart"') == 3 + 2
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


def test_registration_figures_count_registrations_by_category_and_status(db, dashboard_summit, app):
    from sqlalchemy import func, select

    from summit.registration.dashboard import figures
    from summit.registration.models import Registration

    with app.test_request_context():
        (section,) = figures(dashboard_summit)
    total = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.summit_id == dashboard_summit.id))
    coming = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.summit_id == dashboard_summit.id, Registration.status.in_(("approved", "pending"))))
    stats = {s["label"]: s["value"] for s in section["stats"]}
    assert stats["报名人数"] == total == 5 and stats["待审核"] == 1 and coming == 4
    over_time, by_category, by_status = section["charts"]
    assert sum(p[1] for p in by_category["points"]) == coming
    assert sum(p[1] for p in by_status["points"]) == total
    assert over_time["kind"] == "line" and over_time["points"][-1][1] == total
    values = [p[1] for p in over_time["points"]]
    assert values == sorted(values)


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
    assert "Approval queue (oldest first)" in page and "High-level talent" in page and "Export to Excel" in page


def test_export_has_one_sheet_per_section(client, login, dashboard_summit, inject):
    inject("contest", contest_figures)
    inject("programme", lambda s: [{"key": "p", "title": "议程: 主论坛/分论坛 [2024]?", "stats": []}])
    login("organizer")
    response = client.get(f"/dashboard/{dashboard_summit.id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "dashboard-2024.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[:2] == ["报名", "创新创业大赛"]
    assert len(workbook.sheetnames) == 3 and all(c not in workbook.sheetnames[2] for c in "[]:*?/\\")
    contest = workbook["创新创业大赛"]
    cells = [[c.value for c in row] for row in contest.iter_rows()]
    assert ["参赛项目", 182] in cells and ["初创组", 120] in cells and ["11-19", 40] in cells
    assert ["评委 陈立新", 2] in cells
    formula_like = [c for row in contest.iter_rows() for c in row if c.value == '=HYPERLINK("x")'][0]
    assert formula_like.data_type == "s"  # kept as text, never run as a formula
    assert len(contest._charts) == 2  # native Excel charts beside the data
    registration = workbook["报名"]
    assert any(row[0].value == "报名人数" and row[1].value == 5 for row in registration.iter_rows())


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
