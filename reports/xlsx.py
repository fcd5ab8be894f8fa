"""The 项目支出绩效自评表 as an Excel workbook, from `annex_grid(data)` (domain.md §6).

The layout is the national form, so `manage.py import_workbook` reads it back: the title row,
the caption row, then the grid with its merges. Amounts, weights and scores are numeric cells
written from their two-decimal strings via Decimal (never float) with number format 0.00 (amounts
#,##0.00), 执行率 a number with a percent format (0.8941 shown as 89.41%); targets and texts stay
text: every text cell is a string cell, never a formula, whatever the user typed (`=HYPERLINK(…)`
is shown, not run).
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.data import ReportData
from reports.outline import Grid, annex_grid

SHEET_TITLE = "项目支出绩效自评表"
NUMERIC_HEADERS = frozenset({"年初预算数", "全年预算数", "全年执行数", "分值", "得分"})
NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")  # 1,230.50 as the report prints amounts
RATE = re.compile(r"-?\d+(\.\d+)?%")
RATE_HEADERS = frozenset({"执行率"})
AMOUNT_HEADERS = frozenset({"年初预算数", "全年预算数", "全年执行数"})
FIRST_GRID_ROW = 3  # row 1: title, row 2: caption
FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LONG_TEXT = 12
FORMULA_STARTS = ("=", "+", "-", "@")
CELL_MAX = 32_767  # Excel holds at most this many characters in a cell (more: it "repairs" the file)
CUT = "……（超出 Excel 单元格长度，以下从略）"


def _with_code(grid: Grid, data: ReportData) -> Grid:
    """Put the project code into the 项目名称 cell (`CODE-NAME`) so the importer finds the project."""
    rows = [list(r) for r in grid.rows]
    if data.code and rows and rows[0][0] == "项目名称" and rows[0][1] == data.name:
        rows[0][1] = f"{data.code}-{data.name}"
    return Grid(grid.title, tuple(tuple(r) for r in rows), grid.merges, grid.bold_rows, grid.widths, grid.caption)


def _is_header(cells: tuple[str, ...]) -> bool:
    """A bold row that labels columns (no numbers in it), as opposed to the bold 总分 row."""
    texts = [c for c in cells if c]
    return len(texts) >= 2 and not any(NUMBER.fullmatch(t) for t in texts)


def _numeric_cells(grid: Grid, numeric: frozenset[str], amounts: frozenset[str]) -> dict[tuple[int, int], str]:
    """(row, col) -> number format of amounts, weights, scores and rates: data rows under a
    `numeric` header (年初预算数/分值/得分 for the 自评表) or a 执行率 header."""
    found: dict[tuple[int, int], str] = {}
    columns: dict[int, str] = {}
    for r, cells in enumerate(grid.rows):
        if r in grid.bold_rows and _is_header(cells):
            columns = {c: text for c, text in enumerate(cells) if text in numeric | RATE_HEADERS}
            continue
        for c, header in columns.items():
            if header in RATE_HEADERS and RATE.fullmatch(cells[c]):
                found[(r, c)] = "0.00%"
            elif header not in RATE_HEADERS and NUMBER.fullmatch(cells[c]):
                found[(r, c)] = "#,##0.00" if header in amounts else "0.00"
    return found


def _text(cell: Cell, text: str) -> Cell:
    """Write `text` as a string cell: openpyxl would store "=…" as a live formula. Text that a
    spreadsheet would read as a formula when edited (= + - @) also gets the quote prefix; text past
    Excel's CELL_MAX characters is cut (with CUT saying so), or Excel would refuse the cell."""
    if len(text) > CELL_MAX:
        text = text[: CELL_MAX - len(CUT)] + CUT
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _title_rows(ws: Worksheet, grid: Grid, width: int) -> None:
    _text(ws.cell(1, 1), grid.title).font = Font(name="黑体", size=16, bold=True)
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 30
    year, _, unit = grid.caption.partition("　")
    split = max(width - 2, 1)
    _text(ws.cell(2, 1), year.strip()).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=split)
    if unit.strip():
        _text(ws.cell(2, split + 1), unit.strip()).alignment = Alignment(horizontal="right", vertical="center")
        if width > split + 1:
            ws.merge_cells(start_row=2, start_column=split + 1, end_row=2, end_column=width)
    for c in range(1, width + 1):
        ws.cell(2, c).font = Font(name=FONT, size=10)


def _grid_rows(ws: Worksheet, grid: Grid, numeric: dict[tuple[int, int], str]) -> None:
    for r, cells in enumerate(grid.rows):
        bold = r in grid.bold_rows
        for c, text in enumerate(cells):
            cell = ws.cell(FIRST_GRID_ROW + r, c + 1)
            if (r, c) in numeric:
                cell.number_format = numeric[(r, c)]
                number = Decimal(text.replace(",", "").removesuffix("%"))
                cell.value = number / 100 if text.endswith("%") else number
            elif text:
                _text(cell, text)
            cell.font = Font(name=FONT, size=10, bold=bold)
            cell.border = BORDER
            cell.alignment = LEFT if len(text) > LONG_TEXT and not bold else CENTER
    for r0, c0, r1, c1 in grid.merges:
        ws.merge_cells(
            start_row=FIRST_GRID_ROW + r0, start_column=c0 + 1, end_row=FIRST_GRID_ROW + r1, end_column=c1 + 1
        )


def _page_setup(ws: Worksheet, grid: Grid, width: int) -> None:
    widths = grid.widths if len(grid.widths) == width else (10,) * width
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w * 4 // 3 + 2
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{get_column_letter(width)}{FIRST_GRID_ROW + len(grid.rows) - 1}"


def grid_workbook(grid: Grid, *, numeric: frozenset[str] = NUMERIC_HEADERS,
                  amounts: frozenset[str] = AMOUNT_HEADERS) -> Workbook:  # fmt: skip
    """A national form's `Grid` as a one-sheet workbook: title and caption rows, the grid with its
    merges, numbers under its `numeric` headers (`amounts` with thousands separators)."""
    width = len(grid.rows[0])
    wb = Workbook()
    ws = wb.active
    ws.title = grid.title or SHEET_TITLE
    _title_rows(ws, grid, width)
    _grid_rows(ws, grid, _numeric_cells(grid, numeric, amounts))
    _page_setup(ws, grid, width)
    return wb


def workbook(data: ReportData) -> Workbook:
    return grid_workbook(_with_code(annex_grid(data), data))


def render(data: ReportData) -> bytes:
    """The 项目支出绩效自评表 of `data` as xlsx bytes."""
    out = BytesIO()
    workbook(data).save(out)
    return out.getvalue()
