"""Agendas as files: a talent's .ics calendar and a session's .xlsx workbook."""
from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from summit.core import spreadsheet
from summit.matchmaking import rules


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc)


def ics_for(registration, meetings, locale: str) -> bytes:
    """One VEVENT per meeting, times in UTC so every calendar shows them in its own zone."""
    en = str(locale).startswith("en")
    cal = Calendar()
    cal.add("prodid", "-//Qianshan Summit//matchmaking//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Qianshan Summit meetings" if en else "千山峰会 洽谈日程")
    for m in meetings:
        session, booth, slot = m.session, m.booth, m.slot
        event = Event()
        event.add("uid", f"meeting-{m.id}@qianshan-summit")
        event.add("dtstamp", _utc(m.updated_at or m.created_at))
        event.add("dtstart", _utc(slot.starts_at))
        event.add("dtend", _utc(slot.ends_at))
        table = f"Table {booth.table_no}" if en else f"{booth.table_no}号台"
        event.add("summary", f"{booth.name(locale)} · {session.host_org(locale)}")
        event.add("location", " · ".join(x for x in (session.room(locale), table) if x))
        event.add("description", session.title(locale))
        cal.add_component(event)
    return cal.to_ical()


OUTCOME_LABELS = {"zh": {"interest": "有意向", "in_depth": "深入洽谈", "intent_to_sign": "达成签约意向"},
                  "en": {"interest": "Interested", "in_depth": "In-depth talks", "intent_to_sign": "Intent to sign"}}


def session_workbook(session, meetings, figures: dict, labels: dict) -> bytes:
    """Sheet 1: every meeting; sheet 2: the figures. `labels` holds the translated headings."""
    wb = spreadsheet.new_workbook()
    ws = spreadsheet.add_sheet(wb, labels["sheet_meetings"])
    spreadsheet.append(ws, labels["columns"])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F5FA8")
        cell.alignment = Alignment(vertical="center")
    for m in meetings:
        start = rules.to_local(m.slot.starts_at)
        end = rules.to_local(m.slot.ends_at)
        reg = m.registration
        spreadsheet.append(ws, [start.strftime("%Y-%m-%d"), f"{start:%H:%M}–{end:%H:%M}", m.booth.table_no,
                                m.booth.name_zh, reg.name, reg.organisation, reg.title, labels["status"].get(m.status, m.status),
                                labels["outcome"].get(m.outcome, ""), labels["source"].get(m.source, m.source),
                                m.note])
    widths = [12, 14, 8, 24, 14, 28, 14, 10, 14, 10, 40]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    fs = spreadsheet.add_sheet(wb, labels["sheet_figures"])
    for label, value in labels["figure_rows"](figures):
        spreadsheet.append(fs, [label, value])
    fs.column_dimensions["A"].width = 28
    fs.column_dimensions["B"].width = 14
    return spreadsheet.xlsx_bytes(wb)
