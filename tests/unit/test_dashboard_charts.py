from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from summit.dashboard import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_bar_chart_draws_one_bar_per_point_scaled_to_the_largest():
    root = parse(charts.bar_chart([("高层次人才", 120), ("企业代表", 60), ("媒体", 0)], title="各类别"))
    bars = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert len(bars) == 3
    assert bars[0] == pytest.approx(2 * bars[1]) and bars[2] == 0
    assert "高层次人才" in texts(root) and "120" in texts(root)
    assert root.find(f"{SVG}title").text == "各类别"
    assert root.get("role") == "img"


def test_labels_are_escaped():
    svg = charts.bar_chart([('<script>alert("x")</script>', 1)], title="a & b <c>")
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "a & b <c>"
    assert any("<script>" in (t or "") for t in texts(root))  # shown as text, not markup


def test_no_inline_style_so_the_csp_allows_it():
    for svg in (charts.bar_chart([("a", 1)]), charts.line_chart([("a", 1), ("b", 2)])):
        assert "style=" not in svg and "<style" not in svg and "<script" not in svg


def test_long_labels_are_shortened_with_the_full_label_in_the_tooltip():
    long = "智能制造及工业互联网与海洋生物医药交叉领域" * 2
    root = parse(charts.bar_chart([(long, 5)], width=400))
    shown = [t for t in texts(root) if t and t.startswith("智能")][0]
    assert shown.endswith("…") and len(shown) < len(long)
    assert any(long in (t.text or "") for t in root.iter(f"{SVG}title"))


def test_line_chart_points_and_round_axis():
    points = [(f"11-{d:02d}", d * 3) for d in range(1, 31)]
    root = parse(charts.line_chart(points, title="每日报名"))
    assert len(list(root.iter(f"{SVG}circle"))) == 30
    labels = texts(root)
    assert "11-01" in labels and "11-30" in labels  # first and last date always shown
    assert sum(1 for t in labels if t and t.startswith("11-")) < 30  # thinned to fit
    assert "100" in labels  # the axis goes to a round number above 90
    path = root.find(f"{SVG}path").get("d")
    assert path.startswith("M") and path.count("L") == 29


def test_higher_values_are_drawn_higher():
    root = parse(charts.line_chart([("a", 1), ("b", 10)]))
    low, high = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert high < low


@pytest.mark.parametrize("draw", [charts.bar_chart, charts.line_chart])
def test_empty_and_odd_data(draw):
    assert "暂无" in draw([], empty_text="暂无数据")
    root = parse(draw([("x", None), ("y", "abc"), ("z", float("nan")), ("w", -3), (None, 2)]))
    assert "nan" not in ET.tostring(root, encoding="unicode").lower()


def test_single_point_line_and_all_zero_bars():
    parse(charts.line_chart([("only", 4)]))
    root = parse(charts.bar_chart([("a", 0), ("b", 0)]))
    assert all(float(r.get("width")) == 0 for r in root.iter(f"{SVG}rect"))


@pytest.mark.parametrize("maximum,expected", [(37, [0, 10, 20, 30, 40]), (1000, [0, 200, 400, 600, 800, 1000]),
                                              (0.3, [0, 0.1, 0.2, 0.3]), (0, [0, 1]), (7, [0, 2, 4, 6, 8])])
def test_nice_ticks(maximum, expected):
    assert charts.nice_ticks(maximum) == expected


def test_text_width_counts_chinese_as_wide():
    assert charts.text_width("中文") > charts.text_width("ab") * 1.5
    assert charts.format_number(1234) == "1,234" and charts.format_number(2.25) == "2.2"


def test_render_picks_the_kind():
    assert "<path" in charts.render({"kind": "line", "points": [["a", 1], ["b", 2]]}, chart_id="c1")
    assert "<rect" in charts.render({"kind": "bar", "points": [["a", 1]]}, chart_id="c2")
    assert 'id="c2-title"' in charts.render({"kind": "bar", "points": [["a", 1]]}, chart_id="c2")
