import pytest

from summit.badges import layouts
from summit.badges.layouts import LAYOUTS, cut_marks, place
from summit.printing import text
from summit.printing.text import fit_name


def test_every_layout_fits_its_page():
    for layout in LAYOUTS.values():
        assert layout.margin_x >= 0 and layout.margin_y >= 0, layout.name
        for i in range(layout.per_page):
            page, left, top = place(layout, i)
            assert page == 0
            assert left + layout.badge_w <= layout.page_w + 1e-9 and top + layout.badge_h <= layout.page_h + 1e-9


def test_required_layouts_exist():
    assert {"a6", "lanyard", "card", "a4-4up", "a4-8up"} <= set(LAYOUTS)
    assert (LAYOUTS["a6"].badge_w, LAYOUTS["a6"].badge_h) == (105, 148)
    assert (LAYOUTS["lanyard"].badge_w, LAYOUTS["lanyard"].badge_h) == (90, 130)
    assert (LAYOUTS["card"].badge_w, LAYOUTS["card"].badge_h) == (86, 54)
    assert LAYOUTS["a4-4up"].per_page == 4 and LAYOUTS["a4-8up"].per_page == 8


def test_sheets_flow_onto_new_pages():
    sheet = LAYOUTS["a4-4up"]
    assert [place(sheet, i)[0] for i in range(9)] == [0, 0, 0, 0, 1, 1, 1, 1, 2]
    assert place(sheet, 0)[1:] == place(sheet, 4)[1:]
    assert place(sheet, 1)[1] > place(sheet, 0)[1]


def test_cut_marks_only_on_sheets_and_never_on_a_badge():
    assert cut_marks(LAYOUTS["a6"]) == []
    for name in ("a4-4up", "a4-8up"):
        layout = LAYOUTS[name]
        marks = cut_marks(layout)
        assert marks
        for x1, y1, x2, y2 in marks:
            assert 0 <= min(x1, x2) and max(x1, x2) <= layout.page_w
            assert 0 <= min(y1, y2) and max(y1, y2) <= layout.page_h
            assert not layouts._inside_badge(layout, (x1, y1, x2, y2))


def test_chinese_names_stay_on_one_line_and_shrink_when_long():
    short_pt, lines = fit_name("刘䶮", 93, 60, 14)
    assert lines == ["刘䶮"] and short_pt == 60
    long_pt, lines = fit_name("中国科学院青岛生物能源与过程研究所", 93, 60, 14)
    assert lines == ["中国科学院青岛生物能源与过程研究所"] and long_pt < short_pt
    assert long_pt * text.PT_MM * 17 <= 93


def test_english_names_wrap_at_spaces():
    pt, lines = fit_name("Maximilian Alexander von Hohenberg-Schwarzenstein", 93, 60, 14)
    assert len(lines) == 2 and " ".join(lines) == "Maximilian Alexander von Hohenberg-Schwarzenstein"
    assert 14 <= pt < 60
    pt, lines = fit_name("  Emily   Carter ", 48, 22, 9)
    assert " ".join(lines) == "Emily Carter"


@pytest.mark.parametrize("name", ["W" * 80, "王" * 60])
def test_hopeless_names_get_the_smallest_size(name):
    pt, lines = fit_name(name, 40, 20, 9)
    assert pt == 9 and "".join(lines).replace(" ", "") == name
