"""The certificate pages' HTML (pure: plain data in, HTML out)."""
import datetime as dt
import re

import pytest

from summit.contest import certificates
from summit.contest.certificates import MAIN_H, CertificateData, document_html, fit_sizes

BASE = dict(serial="QS2024-A-0001", verify_url="https://summit.example/verify/abc_DEF-123",
            summit_zh="2024千山峰会", summit_en="Qianshan Summit 2024", contest_zh="千创汇·智崂山创新创业大赛",
            contest_en="Qianchuanghui contest", track_zh="初创组", track_en="Startup group",
            date=dt.date(2024, 11, 20), qr_svg='<svg class="qr"></svg>')


def make(kind="award", **kwargs) -> CertificateData:
    values = {**BASE, "recipient": "海洋遥感影像智能解译", "level_zh": "一等奖", "level_en": "First prize", **kwargs}
    return CertificateData(kind=kind, **values)


def test_landscape_a4_and_one_page_each():
    html = document_html([make(), make("member_award", recipient="刘䶮", entry_name="项目")])
    assert "size: A4 landscape" in html
    assert html.count('<section class="cert ') == 2
    assert "page-break-after: always" in html


@pytest.mark.parametrize("kind,zh,en", [
    ("award", "荣誉证书", "Certificate of Award"),
    ("member_award", "荣誉证书", "Certificate of Award"),
    ("participation", "参赛证明", "Certificate of Participation"),
    ("judge", "聘　书", "Letter of Appointment"),
])
def test_every_kind_chinese_first(kind, zh, en):
    html = document_html([make(kind, recipient="刘䶮", entry_name="海洋遥感")])
    assert zh in html and en in html and html.index(zh) < html.index(en)
    assert "QS2024-A-0001" in html and "刘䶮" in html
    assert "2024年11月20日" in html and "20 November 2024" in html
    assert "2024千山峰会组委会" in html
    assert "初创组" in html and "Startup group" in html


def test_award_wording():
    html = document_html([make("member_award", recipient="刘䶮", entry_name="海洋遥感")])
    assert "作为「海洋遥感」项目团队成员" in html and "荣获" in html and ">一等奖<" in html
    assert "<b>First prize</b>" in html
    team = document_html([make()])
    assert "「海洋遥感影像智能解译」" in team and "项目团队" in team
    assert 'class="level"' in team and 'class="level"' not in document_html([make("participation")])


def test_everything_from_applicants_is_escaped():
    evil = '<img src="file:///etc/passwd">&amp;'
    html = document_html([make("member_award", recipient=evil, entry_name='<link rel=stylesheet href="x">',
                               level_zh="<b>", level_en="<i>", organisation="<script>",
                               verify_url='https://x/verify/"><script>')])
    body = html.split("<body>")[1]
    assert "<img" not in body and "<link" not in body and "<script>" not in body and "<i>" not in body
    assert "&lt;img" in body and "src=&quot;file:///etc/passwd&quot;&gt;&amp;amp;" in body
    assert 'href="https://x/verify/&quot;&gt;&lt;script&gt;"' in body


def test_the_qr_code_and_the_url():
    html = document_html([make()])
    assert '<a class="qr-link" href="https://summit.example/verify/abc_DEF-123"><svg class="qr"></svg></a>' in html
    assert html.count("https://summit.example/verify/abc_DEF-123") == 2  # the link and the printed address


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        document_html([make("poster")])


def test_names_and_sentences_shrink_to_fit():
    short = fit_sizes(make("member_award", recipient="刘䶮", entry_name="项目"), "作为「项目」项目团队成员", "as a member", True)
    assert short.name_pt == 46 and short.name_lines == ["刘䶮"] and short.body_pt == 15
    latin = fit_sizes(make("member_award", recipient="Maximilian Alexander von Hohenberg-Schwarzenstein"),
                      "作为", "as", True)
    assert len(latin.name_lines) == 2 and latin.name_pt < 46
    # A 200-character project name: everything smaller, and the estimate fits the page.
    long = make("member_award", recipient="欧阳䶮", entry_name="海" * 200)
    zh, _level, en = certificates._sentences(long)
    sizes = fit_sizes(long, zh, re.sub(r"<[^>]+>", "", en), True)
    assert sizes.body_pt < 15 and sizes.en_pt < 10.5
    team = make(recipient="长" * 200)
    sizes = fit_sizes(team, "在大赛中荣获", "The team", True)
    assert sizes.name_pt < 20


def test_dates():
    assert certificates.date_zh(dt.date(2024, 1, 5)) == "2024年1月5日"
    assert certificates.date_en(dt.date(2024, 1, 5)) == "5 January 2024"
    assert MAIN_H > 0
