"""The organizer's dashboard in a real browser."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_dashboard_renders_charts_and_refreshes(make_page, screenshot, device):
    page = make_page(device, role="organizer")
    response = page.goto("/dashboard/")
    assert response.status == 200 and "/dashboard/" in page.url
    chart = page.locator("figure:has-text('各类别拟参会人数') svg.summit-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 40
    assert "高层次人才" in chart.inner_html()  # Chinese labels are text in the SVG
    # The table fallback opens.
    figure = page.locator("figure:has-text('各类别拟参会人数')")
    figure.locator("details summary").click()
    assert figure.locator("details[open] table tbody tr").count() == 6  # one row per category
    assert page.locator("figure:has-text('报名人数累计') svg.summit-chart path").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "dashboard")
    if device == "desktop":  # the sections are fetched again (every 2 s on the test server)
        page.wait_for_function("() => !!document.getElementById('dashboard-sections').dataset.refreshed", timeout=8000)
    assert page.locator("svg.summit-chart").count() >= 1
    assert page.summit_errors == []


def test_dashboard_export_downloads_a_workbook(make_page):
    page = make_page("desktop", role="organizer")
    page.goto("/dashboard/")
    with page.expect_download() as info:
        page.click("a:has-text('导出 Excel')")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert workbook.sheetnames and workbook.worksheets[0]["A2"].value


def test_dashboard_is_for_organizers_only(make_page):
    page = make_page("tablet", role="judge")
    assert page.goto("/dashboard/").status == 403
    anonymous = make_page("phone")
    anonymous.goto("/dashboard/")
    assert "/login" in anonymous.url
