"""The invitation letter (邀请函 / Letter of Invitation) as HTML for the shared PDF engine
(summit.printing): portrait A4, Chinese first with the English below, a serial and a QR code
that opens the public verify page.

For a passport holder the letter is in English only and names the passport number and the
dates of stay, as visa offices ask; everywhere else the number is masked.

Pure: no Flask, no database. Every text is escaped here (names come from attendees); only
`qr_svg`, drawn by the caller from the verify URL, is markup.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from summit.contest.certificates import date_en, date_zh

QR_MM = 24.0
# Who pays for what, when the summit has no text of its own.
COSTS_ZH = "您在会议期间的往返城际交通、食宿及市内接送费用由组委会承担。"
COSTS_EN = ("The Organizing Committee covers your round-trip intercity travel, board and lodging, and local "
            "transfers during the summit.")


@dataclass
class LetterData:
    name: str
    serial: str
    verify_url: str
    summit_zh: str
    summit_en: str
    starts_on: dt.date
    ends_on: dt.date
    venue_zh: str = ""
    venue_en: str = ""
    organizer_zh: str = ""
    organizer_en: str = ""
    organisation: str = ""
    title: str = ""
    costs_zh: str = COSTS_ZH
    costs_en: str = COSTS_EN
    passport: str = ""  # set only for a passport holder: the English letter with the number
    nationality: str = ""
    stay_from: dt.date | None = None  # the dates of stay (default: the summit's days)
    stay_to: dt.date | None = None
    issued_on: dt.date | None = None
    qr_svg: str = field(default="", repr=False)


def _e(text: str) -> str:
    return escape(text or "", quote=True)


def _range_zh(a: dt.date, b: dt.date) -> str:
    return date_zh(a) if a == b else f"{date_zh(a)}至{date_zh(b)}"


def _range_en(a: dt.date, b: dt.date) -> str:
    return date_en(a) if a == b else f"{date_en(a)} to {date_en(b)}"


def _footer(d: LetterData) -> str:
    issued = d.issued_on or dt.date.today()
    return f"""<footer>
    <a class="qr-link" href="{_e(d.verify_url)}">{d.qr_svg}</a>
    <div class="check">
      <div>邀请函编号 <span lang="en">Letter No.</span></div>
      <div class="serial">{_e(d.serial)}</div>
      <div>扫码验证真伪 <span lang="en">Scan the code to verify</span></div>
      <div class="url" lang="en">{_e(d.verify_url)}</div>
    </div>
    <div class="issuer">
      <div class="issuer-zh" lang="zh-CN">{_e(d.summit_zh)}组委会</div>
      <div class="issuer-en" lang="en">Organizing Committee, {_e(d.summit_en)}</div>
      <div lang="zh-CN">{date_zh(issued)}</div>
      <div lang="en">{date_en(issued)}</div>
    </div>
  </footer>"""


def _bilingual(d: LetterData) -> str:
    dates_zh, dates_en = _range_zh(d.starts_on, d.ends_on), _range_en(d.starts_on, d.ends_on)
    where_zh = f"在{_e(d.venue_zh)}" if d.venue_zh else ""
    where_en = f" at {_e(d.venue_en)}" if d.venue_en else ""
    host_zh = f"由{_e(d.organizer_zh)}承办的" if d.organizer_zh else ""
    whom = " · ".join(_e(x) for x in (d.organisation, d.title) if x)
    return f"""<section class="letter">
  <header><h1 lang="zh-CN">邀 请 函</h1><div class="title-en" lang="en">Letter of Invitation</div></header>
  <div class="to" lang="zh-CN">尊敬的 <b class="name">{_e(d.name)}</b>：</div>
  {f'<div class="whom">{whom}</div>' if whom else ''}
  <p lang="zh-CN">{host_zh}{_e(d.summit_zh)}将于{dates_zh}{where_zh}举行。诚挚邀请您拨冗出席。</p>
  <p lang="zh-CN">{_e(d.costs_zh)}</p>
  <p lang="zh-CN">请通过邮件中的专属链接回复是否出席，并填写行程信息，以便我们安排接站与住宿。</p>
  <div class="en" lang="en">
    <p>Dear <b>{_e(d.name)}</b>,</p>
    <p>It is our pleasure to invite you to the {_e(d.summit_en)}, to be held{where_en} from {dates_en}.</p>
    <p>{_e(d.costs_en)}</p>
    <p>Please reply through the private link in our mail and tell us your travel plans, so that we can arrange
       your pickup and accommodation.</p>
  </div>
  {_footer(d)}
</section>"""


def _visa(d: LetterData) -> str:
    stay_from, stay_to = d.stay_from or d.starts_on, d.stay_to or d.ends_on
    nationality = f", a citizen of {_e(d.nationality)}," if d.nationality else ","
    return f"""<section class="letter visa" lang="en">
  <header><h1 class="latin">Letter of Invitation</h1><div class="title-en">邀请函</div></header>
  <p>To the Visa Office concerned,</p>
  <p>The Organizing Committee of the {_e(d.summit_en)} hereby invites <b class="name">{_e(d.name)}</b>{nationality}
     holder of passport No. <b class="passport">{_e(d.passport)}</b>, to attend the {_e(d.summit_en)},
     held{f" at {_e(d.venue_en)}" if d.venue_en else ""} in Qingdao, China, from {_range_en(d.starts_on, d.ends_on)}.</p>
  <p>Dates of stay in China: from <b>{date_en(stay_from)}</b> to <b>{date_en(stay_to)}</b>.</p>
  {f'<p>Organisation: {_e(d.organisation)}{", " + _e(d.title) if d.title else ""}</p>' if d.organisation else ''}
  <p>{_e(d.costs_en)}</p>
  <p>We kindly ask you to grant the invitee a visa for the dates above.</p>
  {_footer(d)}
</section>"""


RED = "#9b1c1c"
STYLE = f"""
@page {{ size: A4; margin: 0; }}
html, body {{ margin: 0; padding: 0; color: #1d1d1d; }}
.letter {{ position: relative; width: 210mm; height: 297mm; box-sizing: border-box; padding: 28mm 24mm 0;
           page-break-after: always; background: #fffdf8; font-size: 12pt; line-height: 1.7; }}
.letter:last-child {{ page-break-after: auto; }}
header {{ text-align: center; margin-bottom: 10mm; border-bottom: 0.6mm solid {RED}; padding-bottom: 4mm; }}
h1 {{ margin: 0; font-size: 30pt; color: {RED}; letter-spacing: 0.3em; }}
h1.latin {{ letter-spacing: 0.05em; font-size: 24pt; }}
.title-en {{ color: {RED}; font-size: 10pt; letter-spacing: 0.2em; text-transform: uppercase; }}
.to {{ font-size: 14pt; }}
.whom {{ font-size: 9.5pt; color: #555; }}
p {{ text-indent: 2em; margin: 2mm 0; overflow-wrap: anywhere; }}
.en p, .visa p {{ text-indent: 0; font-size: 10.5pt; line-height: 1.5; }}
.en {{ margin-top: 6mm; color: #333; }}
footer {{ position: absolute; left: 24mm; right: 24mm; bottom: 24mm; height: {QR_MM}mm; font-size: 8pt; }}
.qr-link {{ position: absolute; left: 0; bottom: 0; width: {QR_MM}mm; height: {QR_MM}mm; display: block; }}
.check {{ position: absolute; left: {QR_MM + 4}mm; bottom: 0; width: 70mm; color: #555; line-height: 1.45; }}
.serial {{ font-size: 11pt; font-weight: 700; color: #111; }}
.url {{ font-size: 6pt; color: #888; overflow-wrap: anywhere; }}
.issuer {{ position: absolute; right: 0; bottom: 0; width: 80mm; text-align: right; line-height: 1.45; }}
.issuer-zh {{ font-size: 12pt; font-weight: 700; }}
"""


def letter_html(letters: list[LetterData]) -> str:
    """Letters as one HTML document, one portrait A4 page each."""
    sections = "\n".join(_visa(d) if d.passport else _bilingual(d) for d in letters)
    return (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><style>{STYLE}</style></head>'
            f"<body>\n{sections}\n</body></html>")
