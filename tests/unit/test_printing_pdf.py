"""The PDF engine alone (no database): fonts, coverage, the URL fetcher."""
import io

import pytest
from pypdf import PdfReader

from summit.printing import pdf
from tests.fixtures.pdfcheck import extracted_text, glyph_problems

RARE = "䶮㛃𠮷龑"


def test_shipped_font_covers_rare_names_and_common_text():
    assert pdf.covered(RARE)
    assert pdf.covered("刘䶮 王㛃 吉𠮷 龑明 欧阳䶮 张学莹 David Müller Anna Kowalska Michael O'Brien")
    assert pdf.covered("中国科学院青岛生物能源与过程研究所（青岛）·、，。")
    assert not pdf.covered("\U0010FFFD")


def test_only_the_slices_a_text_needs_are_loaded():
    css = pdf.font_css("<p>王</p>")
    assert css.count("@font-face") == 2 * len(pdf.slices_for("<p>王</p>"))
    assert len(pdf.slices_for("<p>王</p>")) == 2  # Latin and the slice of 王
    assert len(pdf.slices_for(RARE)) > 2


@pytest.mark.parametrize("text", ["刘䶮", "王㛃", "吉𠮷", "龑明", "欧阳䶮", "Müller",
                                  # Spaces and punctuation right after a rare character:
                                  "刘䶮 Müller", "䶮 (Qingdao)", "阿依古丽·䶮", "吉𠮷，龑明。"])
def test_rare_characters_print_real_glyphs(text):
    data = pdf.render_pdf(f"<html><body><p style='font-size:30pt'>{text}</p></body></html>")
    assert glyph_problems(data) == []
    assert extracted_text(data).strip() == text


def test_the_check_finds_a_missing_glyph():
    data = pdf.render_pdf("<p>a\U0010FFFDb</p>")
    assert any("missing glyph" in p for p in glyph_problems(data))


def test_page_size_comes_from_the_document():
    data = pdf.render_pdf("<style>@page { size: 86mm 54mm; margin: 0 }</style><p>卡</p>")
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 86 and round(float(box.height) * 25.4 / 72) == 54


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:1/x.png", "https://example.com/a.css",
                                 "summit-asset:///fonts/../../config.py", "summit-asset:///other/x.png",
                                 "summit-asset:///fonts/%2e%2e/x"])
def test_fetcher_refuses_everything_but_package_assets(url):
    with pytest.raises(ValueError):
        pdf.AssetFetcher().fetch(url)


def test_fetcher_serves_package_fonts():
    name = pdf.manifest()["weights"]["regular"][0]
    response = pdf.AssetFetcher().fetch(f"summit-asset:///fonts/{name}")
    assert response.read()[:4] == b"OTTO"


def test_documents_cannot_reach_files_or_network(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    html = (f'<link rel="stylesheet" href="file://{secret}"><img src="file://{secret}">'
            f'<iframe src="file://{secret}"></iframe><object data="file://{secret}"></object><p>ok</p>')
    data = pdf.render_pdf(html)
    assert "TOPSECRET" not in extracted_text(data)
    assert b"TOPSECRET" not in data


@pytest.mark.parametrize("whole_slices", [True, False])
def test_whole_or_subset_slices_read_back_alike(whole_slices):
    data = pdf.render_pdf("<p>欧阳䶮 Müller</p>", whole_slices=whole_slices)
    assert glyph_problems(data) == []
    assert extracted_text(data).strip() == "欧阳䶮 Müller"
