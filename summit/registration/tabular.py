"""Spreadsheets in and out: .xlsx and .csv (UTF-8 or GBK in, UTF-8 with BOM out). Pure.

Excel in China saves CSV as GBK; a UTF-8 file may carry a BOM. Headers may be the
column's code, its Chinese or English name, or both as in the template ("姓名 Name").
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# key, Chinese header, English header, example value, required
IMPORT_COLUMNS = [
    ("name", "姓名", "Name", "张学莹", True),
    ("gender", "性别", "Gender", "女", False),
    ("category", "参会类别", "Category", "高层次人才", True),
    ("organisation", "单位", "Organisation", "致真精密仪器(青岛)有限公司", True),
    ("title", "职务职称", "Title", "总经理", False),
    ("phone", "手机", "Mobile phone", "13800000000", True),
    ("email", "邮箱", "Email", "zhang@example.com", True),
    ("id_type", "证件类型", "ID type", "居民身份证", False),
    ("id_number", "证件号码", "ID number", "11010119900307803X", False),
    ("birth_year", "出生年份", "Birth year", "1990", False),
    ("degree", "最高学历", "Highest degree", "博士", False),
    ("overseas", "海外经历", "Overseas experience", "是", False),
    ("fields", "研究/产业领域", "Fields", "人工智能、虚拟现实", False),
    ("programme_parts", "参加环节", "Programme parts", "开幕式、引才专场对接会", False),
    ("dietary", "饮食要求", "Dietary needs", "", False),
    ("language", "语言", "Language", "zh_CN", False),
    ("status", "状态", "Status", "approved", False),
]

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads every GBK file


class TableError(ValueError):
    """The file cannot be read at all (not a spreadsheet, no header row)."""


def _norm(header: Any) -> str:
    return re.sub(r"[\s*＊:：()（）_/]+", "", str(header or "")).lower()


def header_map() -> dict[str, str]:
    mapping = {}
    for key, zh, en, _example, _required in IMPORT_COLUMNS:
        for spelling in (key, zh, en, f"{zh} {en}", f"{zh}{en}"):
            mapping[_norm(spelling)] = key
    return mapping


def decode_csv(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("encoding")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores phone numbers and years as floats
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_rows(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(unknown headers, [(row number as the user sees it, {key: text})]); blank rows skipped."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise TableError("xlsx") from exc
        sheet = book.worksheets[0]
        raw_rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        text = decode_csv(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        raw_rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    else:
        raise TableError("type")
    # The header is the first non-blank row.
    while raw_rows and not any(c.strip() for c in raw_rows[0]):
        raw_rows.pop(0)
    if not raw_rows:
        raise TableError("empty")
    mapping = header_map()
    header = raw_rows[0]
    keys = [mapping.get(_norm(h)) for h in header]
    unknown = [h for h, k in zip(header, keys) if k is None and str(h).strip()]
    if "name" not in keys:
        raise TableError("header")
    rows = []
    for number, values in enumerate(raw_rows[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        row = {}
        for key, value in zip(keys, values):
            if key:
                row[key] = str(value).strip()
        rows.append((number, row))
    return unknown, rows


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "报名 Registrations"
    sheet.append([f"{zh} {en}" for _k, zh, en, _e, _r in IMPORT_COLUMNS])
    sheet.append([example for _k, _zh, _en, example, _r in IMPORT_COLUMNS])
    bold = Font(bold=True)
    need = PatternFill("solid", fgColor="FDE9E7")
    for index, (_k, _zh, _en, _e, required) in enumerate(IMPORT_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if required:
            cell.fill = need
        sheet.column_dimensions[get_column_letter(index)].width = 18
    # Phone and ID numbers are text: Excel would turn them into 1.38E+10 otherwise.
    for column in ("F", "I"):
        for row in range(2, 1002):
            sheet[f"{column}{row}"].number_format = "@"
    notes = book.create_sheet("说明 Notes")
    notes.append(["列 Column", "说明 Notes"])
    notes.append(["参会类别 Category", "高层次人才/企业代表/高校院所代表/政府部门/媒体/嘉宾 (or codes: talent, enterprise, ...)"])
    notes.append(["证件类型 ID type", "居民身份证 / 护照 (resident_id / passport)"])
    notes.append(["研究/产业领域 Fields", "多个用顿号分隔 · separate several with 、 or ,"])
    notes.append(["状态 Status", "留空为已通过 · empty means approved; pending = 待审核"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(headers: list[str], rows: Iterable[list[Any]], title: str = "Registrations") -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_csv(headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def _safe_cell(value: Any) -> Any:
    """Attendee text that starts like a formula is written as text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"[+-]?\d[\d\s]*", value):
        return "'" + value
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value
