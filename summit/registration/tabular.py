"""The registrations' spreadsheets: the import template, its columns, the export. Pure.

Reading and writing (limits, text kept as text) is summit.core.spreadsheet's; this module
knows the columns. Headers may be the column's code, its Chinese or English name, or both
as in the template ("姓名 Name").
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from summit.core import spreadsheet

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

class TableError(ValueError):
    """The file cannot be read at all (not a spreadsheet, no header row) or is beyond the
    reader's limits; `code` says which, `row` and `column` where (see core.spreadsheet)."""

    def __init__(self, code: str, row: int | None = None, column: str | None = None, limit: int | None = None):
        super().__init__(code)
        self.code, self.row, self.column, self.limit = code, row, column, limit


def _norm(header: Any) -> str:
    return re.sub(r"[\s*＊:：()（）_/]+", "", str(header or "")).lower()


def header_map() -> dict[str, str]:
    mapping = {}
    for key, zh, en, _example, _required in IMPORT_COLUMNS:
        for spelling in (key, zh, en, f"{zh} {en}", f"{zh}{en}"):
            mapping[_norm(spelling)] = key
    return mapping


def read_rows(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(unknown headers, [(row number as the user sees it, {key: text})]); blank rows skipped."""
    try:
        raw_rows = spreadsheet.read_table(filename, data)
    except spreadsheet.SpreadsheetError as exc:
        column = spreadsheet.column_letter(exc.column) if exc.column else None
        raise TableError(exc.code, exc.row, column, exc.limit) from exc
    # The header is the first non-blank row.
    skipped = 0
    while raw_rows and not any(c.strip() for c in raw_rows[0]):
        raw_rows.pop(0)
        skipped += 1
    if not raw_rows:
        raise TableError("empty")
    mapping = header_map()
    header = raw_rows[0]
    keys = [mapping.get(_norm(h)) for h in header]
    unknown = [h for h, k in zip(header, keys) if k is None and str(h).strip()]
    if "name" not in keys:
        raise TableError("header")
    rows = []
    for number, values in enumerate(raw_rows[1:], start=2 + skipped):
        if not any(str(v).strip() for v in values):
            continue
        row = {}
        for key, value in zip(keys, values):
            if key:
                row[key] = str(value).strip()
        rows.append((number, row))
    return unknown, rows


def template_xlsx() -> bytes:
    book = spreadsheet.new_workbook()
    sheet = spreadsheet.add_sheet(book, "报名 Registrations")
    spreadsheet.append(sheet, [f"{zh} {en}" for _k, zh, en, _e, _r in IMPORT_COLUMNS])
    spreadsheet.append(sheet, [example for _k, _zh, _en, example, _r in IMPORT_COLUMNS])
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
    notes = spreadsheet.add_sheet(book, "说明 Notes")
    for row in (["列 Column", "说明 Notes"],
                ["参会类别 Category", "高层次人才/企业代表/高校院所代表/政府部门/媒体/嘉宾 (or codes: talent, enterprise, ...)"],
                ["证件类型 ID type", "居民身份证 / 护照 (resident_id / passport)"],
                ["研究/产业领域 Fields", "多个用顿号分隔 · separate several with 、 or ,"],
                ["状态 Status", "留空为已通过 · empty means approved; pending = 待审核"]):
        spreadsheet.append(notes, row)
    return spreadsheet.xlsx_bytes(book)


def _export_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def write_xlsx(headers: list[str], rows: Iterable[list[Any]], title: str = "Registrations") -> bytes:
    return spreadsheet.table_xlsx(headers, ([_export_value(v) for v in row] for row in rows), title)


def write_csv(headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    return spreadsheet.table_csv(headers, ([_export_value(v) for v in row] for row in rows))
