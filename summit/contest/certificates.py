"""Certificate pages as HTML for the PDF engine: award certificates (获奖证书) for an entry and
for each team member, participation certificates (参赛证明) and judge appointment letters
(评委聘书). Landscape A4, Chinese first with the English below.

Pure: no Flask, no database. The callers pass plain data; every text in it is escaped here
(names and project names come from applicants). Only `qr_svg`, drawn by the caller from the
verification URL, is markup.
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field
from html import escape

from summit.printing.text import PT_MM, fit_name, text_em

KINDS = ("award", "member_award", "participation", "judge")
PAGE_W, PAGE_H = 297.0, 210.0  # mm, A4 landscape
TEXT_W = 225.0  # mm: the width of the name and the sentences inside the frame
QR_MM = 26.0

TITLES = {
    "award": ("荣誉证书", "Certificate of Award"),
    "member_award": ("荣誉证书", "Certificate of Award"),
    "participation": ("参赛证明", "Certificate of Participation"),
    "judge": ("聘　书", "Letter of Appointment"),
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass
class CertificateData:
    kind: str
    recipient: str  # a person (member_award, judge) or the project (award, participation)
    serial: str
    verify_url: str
    summit_zh: str
    summit_en: str
    contest_zh: str = ""
    contest_en: str = ""
    track_zh: str = ""
    track_en: str = ""
    entry_name: str = ""  # the project, for a team member's certificate
    level_zh: str = ""  # 一等奖
    level_en: str = ""  # First prize
    organisation: str = ""  # shown under a judge's or a team's name
    date: dt.date | None = None
    issuer_zh: str = ""  # default: the summit's organizing committee
    issuer_en: str = ""
    qr_svg: str = field(default="", repr=False)  # markup from the caller, not escaped


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def date_en(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def fit_block(text: str, width_mm: float, max_pt: float, min_pt: float, max_lines: int) -> float:
    """The largest size (points) at which the text takes at most max_lines lines of the width
    (CJK breaks between any two characters; the widths are estimates, so a little room is kept)."""
    em = max(text_em(" ".join(text.split())), 1.0)
    pt = max_pt
    while pt > min_pt:
        per_line = 0.92 * width_mm / (pt * PT_MM)
        if math.ceil(em / per_line) <= max_lines:
            return pt
        pt -= 0.5
    return min_pt


def _e(text: str) -> str:
    return escape(text or "", quote=True)


def _track(d: CertificateData, en: bool) -> str:
    if en:
        return f" ({d.track_en})" if d.track_en else ""
    return f"（{d.track_zh}）" if d.track_zh else ""


def _event_zh(d: CertificateData) -> str:
    return (d.contest_zh or d.summit_zh) + _track(d, False)


def _event_en(d: CertificateData) -> str:
    return (d.contest_en or d.summit_en) + _track(d, True)


def _lines(text: str, width_mm: float, pt: float) -> int:
    per_line = 0.9 * width_mm / (pt * PT_MM)
    return max(1, math.ceil(text_em(text) / per_line))


@dataclass
class Sizes:
    name_pt: float
    name_lines: list[str]
    body_pt: float
    en_pt: float


MAIN_H = 100.0  # mm between the title and the footer


def fit_sizes(d: CertificateData, body_zh: str, body_en: str, has_level: bool) -> Sizes:
    """Font sizes at which the name, the Chinese and the English sentences fit the page between
    the title and the footer: each as large as its own room allows, then all smaller together
    until the estimated height fits (long project names must not push into the footer)."""
    person = d.kind in ("member_award", "judge")
    if person:
        name_pt, lines = fit_name(d.recipient, TEXT_W, 46, 20, max_lines=2)
    else:
        lines = [f"「{d.recipient}」"]
        name_pt = fit_block(lines[0], TEXT_W, 30, 12, 3)
    body_pt = fit_block(body_zh, TEXT_W, 15, 9, 2)
    en_pt = fit_block(body_en, TEXT_W, 10.5, 7, 3)
    fixed = 4 + 3 + (14 if has_level else 0) + (6 if d.kind in ("award", "member_award") else 0) + \
        (5 if (d.kind in ("award", "participation") or d.organisation) else 0)

    def height(scale: float) -> float:
        n_pt, b_pt, e_pt = name_pt * scale, body_pt * scale, en_pt * scale
        name_lines = len(lines) if person else _lines(lines[0], TEXT_W, n_pt)
        return fixed + PT_MM * (name_lines * n_pt * 1.2 + _lines(body_zh, TEXT_W, b_pt) * b_pt * 1.5
                                + _lines(body_en, TEXT_W, e_pt) * e_pt * 1.4)

    scale = 1.0
    while height(scale) > MAIN_H and scale > 0.4:
        scale -= 0.04
    return Sizes(round(name_pt * scale, 1), lines, round(body_pt * scale, 1), round(en_pt * scale, 1))


def _name_block(d: CertificateData, sizes: Sizes) -> str:
    """The recipient, as large as fits: a person's name on one line (a Latin name on two at
    most), a project's name wrapping."""
    if d.kind in ("member_award", "judge"):
        inner = "<br>".join(_e(line) for line in sizes.name_lines)
        cls = "name person"
    else:
        inner = _e(sizes.name_lines[0])
        cls = "name project"
    note = ""
    if d.kind in ("award", "participation"):
        note = '<div class="note" lang="zh-CN">项目团队 <span lang="en">Project team</span></div>'
    elif d.organisation:
        note = f'<div class="note">{_e(d.organisation)}</div>'
    return f'<div class="{cls}" style="font-size: {sizes.name_pt:g}pt">{inner}</div>{note}'


def _sentences(d: CertificateData) -> tuple[str, str, str]:
    """(Chinese sentence, the level shown large or "", English sentence), escaped."""
    event_zh, event_en = _e(_event_zh(d)), _e(_event_en(d))
    level_zh, level_en = _e(d.level_zh), _e(d.level_en or d.level_zh)
    if d.kind == "award":
        return (f"在{event_zh}中荣获", level_zh,
                f"The team of the project above has been awarded <b>{level_en}</b> in the {event_en}.")
    if d.kind == "member_award":
        project = _e(d.entry_name)
        return (f"作为「{project}」项目团队成员，在{event_zh}中荣获", level_zh,
                f"as a member of the team of “{project}”, has been awarded <b>{level_en}</b> in the {event_en}.")
    if d.kind == "participation":
        return (f"参加{event_zh}，特发此证。", "",
                f"The team of the project above took part in the {event_en}.")
    if d.kind == "judge":
        return (f"兹聘请您担任{event_zh}评委。", "",
                f"is hereby appointed a judge of the {event_en}.")
    raise ValueError(f"unknown certificate kind: {d.kind}")


def certificate_section(d: CertificateData) -> str:
    """One certificate: one landscape page."""
    title_zh, title_en = TITLES[d.kind]
    zh, level, en = _sentences(d)
    sizes = fit_sizes(d, html.unescape(zh), html.unescape(re.sub(r"<[^>]+>", "", en)), bool(level))
    issuer_zh = d.issuer_zh or f"{d.summit_zh}组委会"
    issuer_en = d.issuer_en or f"Organizing Committee, {d.summit_en}"
    day = d.date or dt.date.today()
    level_html = f'<div class="level" lang="zh-CN">{level}</div>' if level else ""
    closing = '<div class="closing" lang="zh-CN">特发此证，以资鼓励。</div>' if d.kind in ("award", "member_award") else ""
    return f"""<section class="cert {d.kind}">
  <div class="frame"></div><div class="frame inner"></div>
  <div class="corner tl"></div><div class="corner tr"></div><div class="corner bl"></div><div class="corner br"></div>
  <header>
    <div class="event" lang="zh-CN">{_e(d.summit_zh)}{" · " + _e(d.contest_zh) if d.contest_zh else ""}</div>
    <div class="event-en" lang="en">{_e(d.summit_en)}{" · " + _e(d.contest_en) if d.contest_en else ""}</div>
    <h1 lang="zh-CN">{title_zh}</h1>
    <div class="title-en" lang="en">{title_en}</div>
  </header>
  <table class="main"><tr><td>
    {_name_block(d, sizes)}
    <div class="body" lang="zh-CN" style="font-size: {sizes.body_pt:g}pt">{zh}</div>
    {level_html}
    {closing}
    <div class="body-en" lang="en" style="font-size: {sizes.en_pt:g}pt">{en}</div>
  </td></tr></table>
  <footer>
    <a class="qr-link" href="{_e(d.verify_url)}">{d.qr_svg}</a>
    <div class="check">
      <div>证书编号 <span lang="en">Serial No.</span></div>
      <div class="serial">{_e(d.serial)}</div>
      <div class="scan">扫码验证真伪 <span lang="en">Scan the code to verify</span></div>
      <div class="url" lang="en">{_e(d.verify_url)}</div>
    </div>
    <div class="issuer">
      <div class="issuer-zh" lang="zh-CN">{_e(issuer_zh)}</div>
      <div class="issuer-en" lang="en">{_e(issuer_en)}</div>
      <div class="date" lang="zh-CN">{date_zh(day)}</div>
      <div class="date-en" lang="en">{date_en(day)}</div>
    </div>
  </footer>
</section>"""


RED = "#9b1c1c"
GOLD = "#b48a3c"

STYLE = f"""
@page {{ size: A4 landscape; margin: 0; }}
html, body {{ margin: 0; padding: 0; color: #1d1d1d; }}
.cert {{ position: relative; width: {PAGE_W}mm; height: {PAGE_H}mm; overflow: hidden; page-break-after: always;
         background: #fffdf8; }}
.cert:last-child {{ page-break-after: auto; }}
.frame {{ position: absolute; left: 8mm; top: 8mm; right: 8mm; bottom: 8mm; border: 2.2mm solid {RED}; }}
.frame.inner {{ left: 12.5mm; top: 12.5mm; right: 12.5mm; bottom: 12.5mm; border: 0.5mm solid {GOLD}; }}
.corner {{ position: absolute; width: 5mm; height: 5mm; background: {GOLD}; transform: rotate(45deg); }}
.corner.tl {{ left: 10.2mm; top: 10.2mm; }}
.corner.tr {{ right: 10.2mm; top: 10.2mm; }}
.corner.bl {{ left: 10.2mm; bottom: 10.2mm; }}
.corner.br {{ right: 10.2mm; bottom: 10.2mm; }}
header {{ position: absolute; left: 30mm; right: 30mm; top: 20mm; text-align: center; }}
.event {{ font-size: 10.5pt; color: #6b5320; letter-spacing: 0.05em; }}
.event-en {{ font-size: 7.5pt; color: #8a7a5a; margin-top: 0.6mm; }}
h1 {{ margin: 4mm 0 0; font-size: 34pt; font-weight: 700; color: {RED}; letter-spacing: 0.35em;
      text-indent: 0.35em; line-height: 1.1; }}
.title-en {{ font-size: 10pt; color: {RED}; letter-spacing: 0.25em; text-transform: uppercase; margin-top: 1mm; }}
table.main {{ position: absolute; left: {(PAGE_W - TEXT_W) / 2}mm; width: {TEXT_W}mm; top: 57mm; height: {MAIN_H}mm;
              border-collapse: collapse; table-layout: fixed; }}
table.main td {{ vertical-align: middle; text-align: center; padding: 0; }}
.name {{ font-weight: 700; color: #111; line-height: 1.2; overflow-wrap: anywhere; }}
.name.person {{ white-space: nowrap; }}
.note {{ font-size: 9pt; color: #6b6b6b; margin-top: 1mm; }}
.body {{ margin-top: 4mm; line-height: 1.5; overflow-wrap: anywhere; }}
.level {{ margin-top: 1.5mm; font-size: 26pt; font-weight: 700; color: {RED}; }}
.closing {{ margin-top: 2mm; font-size: 11pt; color: #333; }}
.body-en {{ margin-top: 3mm; color: #555; line-height: 1.4; overflow-wrap: anywhere; }}
footer {{ position: absolute; left: 24mm; right: 24mm; bottom: 20mm; height: {QR_MM}mm; }}
.qr-link {{ position: absolute; left: 0; bottom: 0; width: {QR_MM}mm; height: {QR_MM}mm; display: block; }}
.qr-link svg {{ display: block; }}
.check {{ position: absolute; left: {QR_MM + 4}mm; bottom: 0; width: 100mm; font-size: 7.5pt; color: #555;
          line-height: 1.45; }}
.serial {{ font-size: 11pt; font-weight: 700; color: #111; letter-spacing: 0.04em; }}
.url {{ font-size: 6pt; color: #888; overflow-wrap: anywhere; }}
.issuer {{ position: absolute; right: 0; bottom: 0; width: 110mm; text-align: right; line-height: 1.45; }}
.issuer-zh {{ font-size: 12pt; font-weight: 700; }}
.issuer-en {{ font-size: 7.5pt; color: #555; }}
.date {{ font-size: 10.5pt; margin-top: 1.5mm; }}
.date-en {{ font-size: 7.5pt; color: #555; }}
"""


def document_html(certificates: list[CertificateData]) -> str:
    """Certificates as one HTML document, one landscape A4 page each."""
    for d in certificates:
        if d.kind not in KINDS:
            raise ValueError(f"unknown certificate kind: {d.kind}")
    sections = "\n".join(certificate_section(d) for d in certificates)
    return (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><style>{STYLE}</style></head>'
            f"<body>\n{sections}\n</body></html>")
