"""The officer's own workbook back with its import errors marked: each bad cell filled red with
the Chinese error as its comment, and a first sheet 错误清单 listing them with links to the cells.

The upload is hostile: evalsys.lib.xlsx read it within its limits, but openpyxl's full mode
(needed to write) builds an object per cell and per merged cell, so the sheets' cells and merged
areas are counted from the raw XML first, and a workbook beyond the upload page's row limit is
not marked (the page lists the errors all the same).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import asdict, dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from evalsys.lib import ooxml
from evalsys.lib.xlsx import MAX_COLUMNS, MAX_UNPACKED_MB, WorkbookRefused, check_package

ERRORS_SHEET = "错误清单"
ERRORS_HEADER = ("工作表", "行", "列", "列名", "错误", "如何修改")
ERRORS_WIDTHS = (22, 7, 6, 18, 50, 50)
RED = PatternFill("solid", fgColor="FF8F8F")
HEADER_FILL = PatternFill("solid", fgColor="F4CCCC")
LINK_FONT = Font(color="0563C1", underline="single")
COMMENT_AUTHOR = "绩效自评管理系统"
TOO_LARGE = "工作簿超过 {rows} 行（或单元格、合并单元格过多），系统不为其标注错误；请按页面上的错误清单逐条修改"
UNREADABLE = "无法打开该工作簿标注错误（{error}），请按页面上的错误清单逐条修改"
FIX_DEFAULT = "按“错误”一栏的说明修改该单元格"
CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")


class AnnotationRefused(ValueError):
    """The workbook is not marked; the message says why, in Chinese."""


@dataclass(frozen=True)
class CellError:
    """One import error and its cell (indicators.importer.RowError, kept as plain data)."""

    sheet: str
    row: int
    column: int | None  # 0-based; None when the error names a row, not a cell
    label: str  # the column's header as the workbook writes it
    message: str

    @classmethod
    def of(cls, error: Any) -> CellError:
        """From a RowError (`sheet!第N行 label：message` with its cell), else the bare text."""
        if not hasattr(error, "sheet"):
            return cls("", 0, None, "", str(error))
        head = f"{error.sheet}!第{error.row}行 "
        label = str(error)[len(head) : len(str(error)) - len(error.message) - 1]
        return cls(error.sheet, error.row, error.column, label, error.message)

    @property
    def letter(self) -> str:
        return get_column_letter(self.column + 1) if self.column is not None else ""

    @property
    def cell(self) -> str:
        """Where the mark goes: the error's cell, or the row's first cell."""
        return f"{get_column_letter((self.column or 0) + 1)}{self.row}" if self.row else ""

    @property
    def problem(self) -> str:
        return self.message.split("，请", 1)[0] if "，请" in self.message else self.message

    @property
    def fix(self) -> str:
        return "请" + self.message.split("，请", 1)[1] if "，请" in self.message else FIX_DEFAULT

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def errors_annotate(*, path: Path, errors: list[CellError], max_rows: int) -> bytes:
    """The workbook at `path` with `errors` marked, as .xlsx bytes; AnnotationRefused when too large."""
    _check_size(path, max_rows)
    try:
        return _annotated(load_workbook(path, rich_text=True), errors)
    except Exception as exc:  # openpyxl raises many types for a file it cannot write back
        raise AnnotationRefused(UNREADABLE.format(error=type(exc).__name__)) from exc


def _annotated(book: Any, errors: list[CellError]) -> bytes:
    if ERRORS_SHEET in book.sheetnames:  # an annotated workbook uploaded again
        del book[ERRORS_SHEET]
    by_cell: dict[tuple[str, str], list[CellError]] = {}
    for error in errors:
        if error.sheet in book.sheetnames and error.row and isinstance(book[error.sheet], Worksheet):
            by_cell.setdefault((error.sheet, error.cell), []).append(error)
    for (sheet, ref), found in by_cell.items():
        _mark(book[sheet], ref, found)
    _list_sheet(book, errors, {key[0] for key in by_cell})
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _check_size(path: Path, max_rows: int) -> None:
    """Every XML part within the reader's bounds (so no part is parsed whole beyond them), then
    cells and merged cells counted in the sheets' XML (streamed) before openpyxl builds them."""
    limit = max_rows * MAX_COLUMNS
    try:
        check_package(path, max_elements=2 * limit)
    except WorkbookRefused:
        raise AnnotationRefused(TOO_LARGE.format(rows=max_rows)) from None
    cells = merged = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not SHEET_PART.fullmatch(name):
                continue
            tail = b""
            with archive.open(name) as raw:
                while chunk := raw.read(ooxml.CHUNK):
                    data, seen = tail + chunk, len(tail)  # a match ending in `tail` was counted before
                    cells += sum(1 for m in CELL.finditer(data) if m.end() > seen)
                    tail = data[-200:]
                    if cells > limit:
                        raise AnnotationRefused(TOO_LARGE.format(rows=max_rows))
            refused = TOO_LARGE.format(rows=max_rows)
            for ref in ooxml.merge_refs(archive, name, max_bytes=MAX_UNPACKED_MB << 20, max_tags=limit,
                                        refused=refused):  # fmt: skip
                merged += _area(ref)
                if merged > limit:
                    raise AnnotationRefused(refused)


def _area(ref: str) -> int:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return ((max_col or min_col) - min_col + 1) * ((max_row or min_row) - min_row + 1)


def _mark(sheet: Worksheet, ref: str, errors: list[CellError]) -> None:
    """Fill the cell (a merged range's top-left cell) red, with the errors as its comment."""
    for merged in sheet.merged_cells.ranges:
        if ref in merged:
            ref = merged.start_cell.coordinate
            break
    cell = sheet[ref]
    cell.fill = RED
    text = "\n".join(f"{e.label}：{e.message}" if e.label else e.message for e in errors)
    if cell.comment is not None:
        text = f"{text}\n（原批注）{cell.comment.text}"
    cell.comment = Comment(text, COMMENT_AUTHOR, width=300, height=120)


def _list_sheet(book: Any, errors: list[CellError], marked_sheets: set[str]) -> None:
    sheet = book.create_sheet(ERRORS_SHEET, 0)
    sheet.append(ERRORS_HEADER)
    for index, width in enumerate(ERRORS_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        head = sheet.cell(row=1, column=index)
        head.font, head.fill = Font(bold=True), HEADER_FILL
    for error in errors:
        sheet.append([error.sheet, error.row or None, error.letter, error.label, error.problem, error.fix])
        row = sheet.max_row
        for cell in sheet[row]:
            centred = cell.column in (2, 3)  # 行, 列
            cell.alignment = Alignment(horizontal="center" if centred else None, vertical="top", wrap_text=True)
        if error.sheet in marked_sheets and error.row:
            link = sheet.cell(row=row, column=1)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(error.sheet)}!{error.cell}",
                                       display=error.sheet)  # fmt: skip
            link.font = LINK_FONT
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
