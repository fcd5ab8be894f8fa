"""Read .xlsx sheets as rows of values, in bounded time and memory, with merged cells filled.

openpyxl's full mode builds an object for every cell of every merged range (a 3 KB file whose
one range covers 200,000 rows needs gigabytes), and loads a sheet whole. Here each sheet is
streamed with openpyxl's read-only parser; merged ranges are read beforehand by scanning the
sheet's XML bytes for `<mergeCell ref=…>` (they stand after the cell data in the file), and a
merged range's top-left value is copied only into the rows that are read. Limits on the
unpacked size, the rows, the columns and the merged area turn a bomb into a clear error.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

MAX_ROWS = 50_000  # data rows read in one workbook, all sheets together
MAX_COLUMNS = 60
MAX_MERGED_CELLS = MAX_ROWS * MAX_COLUMNS  # cells covered by merged ranges, all sheets together
MAX_MERGED_RANGES = 100_000
MAX_UNPACKED_MB = 300  # the workbook's XML once unzipped (xlsx packs about 10:1)

TOO_MANY_ROWS = "工作簿的数据行超过 {limit} 行（工作表“{sheet}”第{row}行），请拆分为多个工作簿分别导入"
TOO_MANY_COLUMNS = "工作表“{sheet}”第{row}行第{column}列有内容：表格最多 {limit} 列，请删除右侧多余的列"
MERGE_TOO_LARGE = "工作表“{sheet}”的合并单元格 {ref} 过大（超过 {rows} 行或 {columns} 列），请取消合并后再导入"
MERGES_TOO_LARGE = "工作簿的合并单元格合计超过 {limit} 个单元格，请取消多余的合并后再导入"
UNPACKED_TOO_LARGE = "工作簿解压后超过 {mb} MB，可能已损坏或含有大量空白格式；请删除多余内容后另存再导入"
NOT_XLSX = "无法读取工作簿（{error}）：请确认它是未加密、未损坏的 .xlsx 文件（.xls 请先另存为 .xlsx）"

MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\"")
CHUNK = 1 << 20


class WorkbookRefused(ValueError):
    """The file is not a workbook this reader will read; the message says why, in Chinese."""


@dataclass(frozen=True)
class _Merge:
    ref: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int


@dataclass
class _Budget:
    """What is left of the workbook-wide limits while its sheets are read."""

    rows: int
    merged: int


def read_sheets(path: str | Path | IO[bytes]) -> Iterator[tuple[str, Iterator[tuple[int, list[Any]]]]]:
    """(sheet title, rows) for every worksheet; rows are (row number, values), merged cells filled.

    A value is what the sheet shows: a number formatted as a percentage (0.95) reads "95%";
    formulas give their cached results (never evaluated here). Raises WorkbookRefused.
    """
    _check_archive(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise WorkbookRefused(NOT_XLSX.format(error=type(exc).__name__)) from exc
    budget = _Budget(rows=MAX_ROWS, merged=MAX_MERGED_CELLS)
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "_worksheet_path"):  # chartsheets hold no cells
                continue
            yield ws.title, _rows(wb, ws, budget)
    finally:
        wb.close()


def check_workbook(source: str | Path | IO[bytes]) -> None:
    """Refuse a file that is not a readable .xlsx or unpacks beyond the limit (WorkbookRefused)."""
    _check_archive(source)
    try:
        load_workbook(source, read_only=True).close()
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise WorkbookRefused(NOT_XLSX.format(error=type(exc).__name__)) from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def _check_archive(path: str | Path | IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(NOT_XLSX.format(error=type(exc).__name__)) from exc
    finally:
        if hasattr(path, "seek"):
            path.seek(0)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise WorkbookRefused(UNPACKED_TOO_LARGE.format(mb=MAX_UNPACKED_MB))


def _rows(wb: Any, ws: Any, budget: _Budget) -> Iterator[tuple[int, list[Any]]]:
    merges = _merges(wb, ws, budget)
    formats: dict[int, bool] = {}
    with ws._get_source() as source:
        parser = WorkSheetParser(source, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)  # fmt: skip
        merged = _MergeFiller(merges)
        for number, cells in parser.parse():
            values = _values(ws, number, cells, formats)
            if values is None:
                continue
            yield from merged.rows_before(number)
            budget.rows -= 1
            if budget.rows < 0:
                raise WorkbookRefused(TOO_MANY_ROWS.format(limit=MAX_ROWS, sheet=ws.title, row=number))
            yield number, merged.fill(number, values)
        yield from merged.rows_before(None)


def _values(ws: Any, number: int, cells: list[dict[str, Any]], formats: dict[int, bool]) -> list[Any] | None:
    """The row's values by column (None when it holds no value at all)."""
    values: list[Any] = []
    for cell in cells:
        value = cell["value"]
        if value is None or value == "":
            continue
        column = cell["column"]
        if column > MAX_COLUMNS:
            raise WorkbookRefused(TOO_MANY_COLUMNS.format(sheet=ws.title, row=number, column=column,
                                                          limit=MAX_COLUMNS))  # fmt: skip
        if len(values) < column:
            values.extend([None] * (column - len(values)))
        values[column - 1] = _shown(ws, cell, formats)
    return values or None


def _shown(ws: Any, cell: dict[str, Any], formats: dict[int, bool]) -> Any:
    value = cell["value"]
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    style = cell["style_id"]
    if style not in formats:
        formats[style] = "%" in (ReadOnlyCell(ws, cell["row"], cell["column"], value, "n", style).number_format or "")
    if not formats[style]:
        return value
    try:
        text = format(Decimal(str(value)) * 100, "f")
    except InvalidOperation:  # inf, nan
        return value
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _merges(wb: Any, ws: Any, budget: _Budget) -> list[_Merge]:
    """Merged ranges of the sheet, read from its XML bytes without parsing the cells."""
    found: list[_Merge] = []
    tail = b""
    with wb._archive.open(ws._worksheet_path) as raw:
        while chunk := raw.read(CHUNK):
            data = tail + chunk
            last = 0
            for match in MERGE_REF.finditer(data):
                found.append(_merge(ws.title, match.group(1).decode(), budget))
                last = match.end()
                if len(found) > MAX_MERGED_RANGES:
                    raise WorkbookRefused(MERGES_TOO_LARGE.format(limit=MAX_MERGED_CELLS))
            tail = data[max(last, len(data) - 200) :]
    return sorted(found, key=lambda m: (m.min_row, m.min_col))


def _merge(sheet: str, ref: str, budget: _Budget) -> _Merge:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    merge = _Merge(ref, min_col, min_row, max_col or min_col, max_row or min_row)
    rows, cols = merge.max_row - merge.min_row + 1, merge.max_col - merge.min_col + 1
    if rows > MAX_ROWS or merge.max_col > MAX_COLUMNS:
        raise WorkbookRefused(MERGE_TOO_LARGE.format(sheet=sheet, ref=ref, rows=MAX_ROWS, columns=MAX_COLUMNS))
    budget.merged -= rows * cols
    if budget.merged < 0:
        raise WorkbookRefused(MERGES_TOO_LARGE.format(limit=MAX_MERGED_CELLS))
    return merge


class _MergeFiller:
    """Copies each merged range's top-left value into the rest of the range as rows are read.

    Rows inside a range that the file leaves out (no cell at all) are produced too, as a sheet
    shows them: the merged value and nothing else.
    """

    def __init__(self, merges: list[_Merge]) -> None:
        self.pending = merges  # sorted by first row
        self.next = 0
        self.active: list[tuple[_Merge, Any]] = []
        self.last = 0  # the last row produced

    def rows_before(self, number: int | None) -> Iterator[tuple[int, list[Any]]]:
        """Rows covered by a range between the last row produced and `number` (None: the end)."""
        row = self.last + 1
        while self.active or self._starts_before(number):
            if number is not None and row >= number:
                return
            if not self.active:  # jump over rows no range covers
                row = max(row, self.pending[self.next].min_row)
                if number is not None and row >= number:
                    return
            values = self.fill(row, [])
            if any(v is not None for v in values):
                yield row, values
            row += 1

    def _starts_before(self, number: int | None) -> bool:
        return self.next < len(self.pending) and (number is None or self.pending[self.next].min_row < number)

    def fill(self, number: int, values: list[Any]) -> list[Any]:
        self.last = number
        self.active = [(m, v) for m, v in self.active if m.max_row >= number]
        while self.next < len(self.pending) and self.pending[self.next].min_row <= number:
            merge = self.pending[self.next]
            self.next += 1
            if merge.min_row == number:  # the anchor row: its top-left value is the range's
                anchor = values[merge.min_col - 1] if merge.min_col <= len(values) else None
                self.active.append((merge, anchor))
            # a range whose anchor row was never produced holds no value: nothing to fill
        for merge, anchor in self.active:
            if anchor is None:
                continue
            if len(values) < merge.max_col:
                values.extend([None] * (merge.max_col - len(values)))
            for column in range(merge.min_col, merge.max_col + 1):
                values[column - 1] = anchor
        return values
