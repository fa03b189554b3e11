"""Every spreadsheet the application writes or reads goes through here. Pure: no Flask, no database.

Writing. Names, organisations, notes and comments typed by the public, attendees and judges
reach the organizers' workbooks, so text must stay text:
- .xlsx: openpyxl turns any string that starts with "=" into a live formula. Every value is
  stored as a text cell, and text that starts like a formula (=, +, -, @, tab, CR) also gets
  the cell's quote prefix, as Excel does when a person types '=1+1: shown and edited as text,
  the value itself unchanged. `xlsx_bytes` sweeps every cell once more before saving, so a
  cell written around `append` cannot slip through either.
- .csv: a spreadsheet evaluates a field that starts with =, +, -, @, tab or CR, so such text gets
  a leading apostrophe (OWASP's advice). Digit strings, with or without a leading + (identity
  and phone numbers), get a leading tab instead: LibreOffice and Excel then keep them as text,
  not 3.70212196106096E+17 (the ="..." form would itself be a formula; a leading apostrophe
  would stay visible in the cell).

Reading. Uploaded workbooks are read in streaming mode (openpyxl read_only) with the sheet's
declared dimension ignored (a file declaring A1:XFD10000 made openpyxl pad every row to 16,384
cells: 1.66 GB), the zip's unpacked size checked first, and limits on rows, columns and cell
size, so a hostile file is refused with a reason in bounded memory.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.compat.numbers import NUMERIC_TYPES

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's own limit on a cell; openpyxl would write more, which Excel then calls damaged.
MAX_CELL = 32_767
MAX_ROWS = 10_000
MAX_COLUMNS = 200
# Unpacked size of an uploaded .xlsx: a 10,000-row list is a few MB of XML.
MAX_UNPACKED = 64 * 1024 * 1024
_NUMBER_TEXT = re.compile(r"\+?\d+", re.ASCII)  # identity and phone numbers
_SHEET_NAME_INVALID = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------- writing

def plain(value: Any) -> Any:
    """A value a spreadsheet cell can hold: numbers, dates and booleans as they are, lists
    joined, everything else as text without the control characters .xlsx cannot hold."""
    if value is None or isinstance(value, (bool, *NUMERIC_TYPES)):  # numpy's numbers too
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value  # openpyxl refuses aware ones
    if isinstance(value, (dt.date, dt.time)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        value = "、".join(str(v) for v in value if v is not None)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text[:MAX_CELL]


def starts_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _as_text(cell) -> None:
    """A text cell; quote-prefixed when it starts like a formula."""
    cell.data_type = "s"
    if starts_like_formula(cell.value):
        cell.quotePrefix = True


def new_workbook() -> Workbook:
    """An empty workbook (no sheet): add sheets with `add_sheet`."""
    book = Workbook()
    book.remove(book.active)
    return book


def sheet_title(title: Any, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters."""
    base = _SHEET_NAME_INVALID.sub(" ", str(plain(title) or "")).strip().strip("'") or "Sheet"
    base = base[:31]
    used = {t.lower() for t in taken}
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    return name


def add_sheet(book: Workbook, title: Any):
    return book.create_sheet(sheet_title(title, book.sheetnames))


def append(sheet, values: Iterable[Any]) -> list:
    """Appends a row of plain values with text kept as text; returns its cells."""
    cells = []
    for value in values:
        cell = Cell(sheet, value=plain(value))
        if isinstance(cell.value, str):
            _as_text(cell)
        cells.append(cell)
    sheet.append(cells)
    return cells


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook's file. Any cell still holding a formula is turned into text first."""
    if not book.sheetnames:
        book.create_sheet("Sheet")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type != "s"):
                    cell.value = plain(cell.value)
                    _as_text(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_xlsx(headers: list[Any], rows: Iterable[Iterable[Any]], title: str = "Sheet") -> bytes:
    """One sheet: a bold header row and the rows."""
    from openpyxl.styles import Font

    book = new_workbook()
    sheet = add_sheet(book, title)
    append(sheet, headers)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        append(sheet, row)
    sheet.freeze_panes = "A2"
    return xlsx_bytes(book)


def csv_value(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if _NUMBER_TEXT.fullmatch(value):
            # Kept as text, not a number that loses digits or its "+"; were a program to drop
            # the tab, digits alone are no formula.
            return "\t" + value
        if starts_like_formula(value):
            return "'" + value
    return value


def table_csv(headers: list[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with a BOM, which makes Excel read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_value(v) for v in headers])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- reading

class SpreadsheetError(ValueError):
    """The file cannot be read, or is beyond the limits. `code` says which:
    "type", "encoding", "xlsx", "size", "rows", "columns", "cell" (with row and column)."""

    def __init__(self, code: str, row: int | None = None, column: int | None = None, limit: int | None = None):
        super().__init__(code)
        self.code, self.row, self.column, self.limit = code, row, column, limit


CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads every GBK file


def decode_csv(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("encoding")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores phone numbers and years as floats
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _checked(rows: Iterable[Iterable[Any]], max_rows: int, max_columns: int, max_cell: int) -> list[list[str]]:
    """Rows of text, trailing empty cells dropped, refused at the first value beyond a limit."""
    out: list[list[str]] = []
    for number, values in enumerate(rows, start=1):
        texts = [cell_text(v) for v in values]
        while texts and not texts[-1].strip():
            texts.pop()
        if not texts:
            out.append([])
            continue
        if number > max_rows + 1:  # + the header row
            raise SpreadsheetError("rows", row=number, limit=max_rows)
        if len(texts) > max_columns:
            raise SpreadsheetError("columns", row=number, column=len(texts), limit=max_columns)
        for column, text in enumerate(texts, start=1):
            if len(text) > max_cell:
                raise SpreadsheetError("cell", row=number, column=column, limit=max_cell)
        out.append(texts)
    while out and not out[-1]:
        out.pop()
    return out


def _xlsx_rows(data: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SpreadsheetError("xlsx") from exc
    if unpacked > MAX_UNPACKED:
        raise SpreadsheetError("size", limit=MAX_UNPACKED)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError("xlsx") from exc
    # The declared dimension is only a claim; without it each row is as long as its last cell.
    sheet.reset_dimensions()
    try:
        yield from sheet.iter_rows(values_only=True)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError("xlsx") from exc
    finally:
        book.close()


def _csv_rows(data: bytes):
    text = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # "field larger than field limit (131072)"
            raise SpreadsheetError("cell", row=reader.line_num, limit=MAX_CELL) from exc


def read_table(filename: str, data: bytes, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS,
               max_cell: int = MAX_CELL) -> list[list[str]]:
    """The first sheet of an .xlsx, or a .csv (UTF-8 or GBK, comma, semicolon or tab), as rows
    of text. Raises SpreadsheetError for what cannot be read or is beyond the limits."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = _csv_rows(data)
    else:
        raise SpreadsheetError("type")
    return _checked(rows, max_rows, max_columns, max_cell)
