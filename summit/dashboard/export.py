"""The dashboard's sections as an .xlsx workbook: one sheet per section."""
from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from summit.core import spreadsheet

HEADER_FILL = PatternFill("solid", fgColor="12355B")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=13)


def sheet_name(title: str, taken: set[str]) -> str:
    name = spreadsheet.sheet_title(title, taken)
    taken.add(name.lower())
    return name


def _append(ws, values) -> None:
    spreadsheet.append(ws, values)


def workbook(sections: list[dict], *, heading: str, labels: dict[str, str]) -> bytes:
    """labels: translated "figure", "value", "label" captions."""
    wb = spreadsheet.new_workbook()
    taken: set[str] = set()
    for section in sections:
        ws = wb.create_sheet(sheet_name(section["title"], taken))
        _append(ws, [heading])
        _append(ws, [section["title"]])
        ws["A1"].font = Font(italic=True, color="666666")
        ws["A2"].font = TITLE_FONT
        widths: dict[int, int] = {}

        def header(values):
            _append(ws, values)
            for cell in ws[ws.max_row]:
                cell.fill, cell.font = HEADER_FILL, HEADER_FONT

        def row(values):
            _append(ws, values)
            for i, v in enumerate(values, start=1):
                widths[i] = max(widths.get(i, 8), min(60, len(str(v)) * 2 + 2))

        if section.get("error"):
            _append(ws, [])
            row([section["error"]])
        if section["stats"]:
            _append(ws, [])
            header([labels["figure"], labels["value"]])
            for stat in section["stats"]:
                row([stat["label"], stat["value"]])
        for chart in section["charts"]:
            _append(ws, [])
            _append(ws, [chart["title"]])
            ws.cell(ws.max_row, 1).font = TITLE_FONT
            header([labels["label"], labels["value"]])
            first = ws.max_row + 1
            for label, value in chart["points"]:
                row([label, value])
            last = ws.max_row
            if last >= first:
                drawing = LineChart() if chart["kind"] == "line" else BarChart()
                if chart["kind"] != "line":
                    drawing.type = "bar"
                drawing.title = chart["title"]
                drawing.legend = None
                drawing.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
                drawing.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
                drawing.height, drawing.width = 7, 14
                ws.add_chart(drawing, f"E{first - 1}")
        for table in section["tables"]:
            _append(ws, [])
            _append(ws, [table["title"]])
            ws.cell(ws.max_row, 1).font = TITLE_FONT
            header(table["columns"])
            for values in table["rows"]:
                row(values)
        for i, width in widths.items():
            ws.column_dimensions[get_column_letter(i)].width = width
        ws["A2"].alignment = Alignment(wrap_text=False)
    if not wb.sheetnames:
        _append(wb.create_sheet("Dashboard"), [heading])
    return spreadsheet.xlsx_bytes(wb)
