"""Read .xlsx sheets as rows of values, in bounded time and memory, with merged cells filled.

openpyxl's full mode builds an object for every cell of every merged range (a 3 KB file whose
one range covers 200,000 rows needs gigabytes), and even its read-only mode parses a sheet
without a <dimension> whole before reading it and builds every cell of a row at once. Here
openpyxl reads the workbook's parts (sheets, shared strings, styles) and each sheet's cells are
streamed by a small parser that counts every XML element it meets; merged ranges are read
beforehand by scanning the sheet's bytes for `<mergeCell ref=…>` (they stand after the cell
data), and a range's top-left value is copied only into the rows that are read. Limits on the
unpacked size, the elements, the rows, the columns and the merged area turn a bomb into a
clear error in bounded time and memory.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.functions import iterparse

MAX_ROWS = 50_000  # data rows read in one workbook, all sheets together
MAX_COLUMNS = 60
MAX_MERGED_CELLS = MAX_ROWS * MAX_COLUMNS  # cells covered by merged ranges, all sheets together
MAX_MERGED_RANGES = 100_000
MAX_ELEMENTS = 2_000_000  # XML elements of all sheets (cells, rows, ...): bounds the time spent
MAX_UNPACKED_MB = 200  # the workbook's parts once unzipped (xlsx packs about 10:1)
MAX_STRINGS_MB = 40  # the shared-string table, held in memory whole

TOO_MANY_ROWS = "工作簿的数据行超过 {limit} 行（工作表“{sheet}”第{row}行），请拆分为多个工作簿分别导入"
TOO_MANY_COLUMNS = "工作表“{sheet}”第{row}行第{column}列有内容：表格最多 {limit} 列，请删除右侧多余的列"
MERGE_TOO_LARGE = "工作表“{sheet}”的合并单元格 {ref} 过大（超过 {rows} 行或 {columns} 列），请取消合并后再导入"
MERGES_TOO_LARGE = "工作簿的合并单元格合计超过 {limit} 个单元格，请取消多余的合并后再导入"
TOO_MANY_ELEMENTS = "工作表“{sheet}”的单元格过多（各表合计超过 {limit} 个），请删除多余的行、列和格式后再导入"
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
    elements: int
    limit: int  # the row limit, for the message


def read_sheets(
    path: str | Path | IO[bytes], *, max_rows: int | None = None
) -> Iterator[tuple[str, Iterator[tuple[int, list[Any]]]]]:
    """(sheet title, rows) for every worksheet; rows are (row number, values), merged cells filled.

    A value is what the sheet shows: a number formatted as a percentage (0.95) reads "95%";
    formulas give their cached results (never evaluated here). Raises WorkbookRefused beyond
    the limits; `max_rows` lowers the row limit (a web request's, say).
    """
    book = _open(path)
    limit = min(max_rows or MAX_ROWS, MAX_ROWS)
    budget = _Budget(rows=limit, merged=MAX_MERGED_CELLS, elements=MAX_ELEMENTS, limit=limit)
    try:
        for title, part in book.sheets:
            yield title, _rows(book, title, part, budget)
    finally:
        book.archive.close()


def check_workbook(source: str | Path | IO[bytes]) -> None:
    """Refuse a file that is not a readable .xlsx or unpacks beyond the limits (WorkbookRefused)."""
    try:
        _open(source).archive.close()
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


@dataclass
class _Book:
    """What every sheet needs: the archive, shared strings, styles and the sheets' parts."""

    archive: zipfile.ZipFile
    strings: list[str]
    wb: Any
    sheets: list[tuple[str, str]]  # (title, part name) of the worksheets, in order
    percent: dict[int, bool]  # style id -> the number format shows a percentage
    dates: set[int]


def _open(path: str | Path | IO[bytes]) -> _Book:
    _check_archive(path)
    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type]  # fmt: skip
    except WorkbookRefused:
        raise
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise WorkbookRefused(NOT_XLSX.format(error=type(exc).__name__)) from exc
    wb = reader.wb
    return _Book(reader.archive, reader.shared_strings, wb, sheets, {}, set(wb._date_formats))


def _check_archive(path: str | Path | IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(NOT_XLSX.format(error=type(exc).__name__)) from exc
    finally:
        if hasattr(path, "seek"):
            path.seek(0)
    if sum(info.file_size for info in infos) > MAX_UNPACKED_MB * 1024 * 1024:
        raise WorkbookRefused(UNPACKED_TOO_LARGE.format(mb=MAX_UNPACKED_MB))
    strings = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if strings > MAX_STRINGS_MB * 1024 * 1024:
        raise WorkbookRefused(UNPACKED_TOO_LARGE.format(mb=MAX_STRINGS_MB).replace("工作簿", "工作簿的文字表"))


def _rows(book: _Book, title: str, part: str, budget: _Budget) -> Iterator[tuple[int, list[Any]]]:
    merged = _MergeFiller(_merges(book.archive, title, part, budget))
    for number, values in _sheet_rows(book, title, part, budget):
        yield from merged.rows_before(number)
        budget.rows -= 1
        if budget.rows < 0:
            raise WorkbookRefused(TOO_MANY_ROWS.format(limit=budget.limit, sheet=title, row=number))
        yield number, merged.fill(number, values)
    yield from merged.rows_before(None)


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _INLINE, _DATA = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}is", f"{_NS}sheetData"


def _sheet_rows(book: _Book, title: str, part: str, budget: _Budget) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values by column) of the rows holding a value, parsed one element at a time.

    Every element counts against the budget, and each is dropped once read, so neither a
    million empty rows nor one row of a million cells costs more than the budget allows.
    """
    with book.archive.open(part) as source:
        number, column, values = 0, 0, []
        data = row = None
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _ROW:
                    number, column, values, row = _row_number(element, number), 0, [], element
                elif tag == _DATA:
                    data = element
                continue
            budget.elements -= 1
            if budget.elements < 0:
                raise WorkbookRefused(TOO_MANY_ELEMENTS.format(sheet=title, limit=MAX_ELEMENTS))
            if tag == _CELL:
                column = _column(element, column)
                value = _cell_value(book, element)
                if value is not None and value != "":
                    _place(values, column, _shown(book, element, value), title, number)
                if row is not None:
                    row.clear()  # the cell is read: keep the row's memory flat
            elif tag == _ROW:
                if values:
                    yield number, values
                if data is not None:
                    data.clear()
                row = None


def _row_number(element: Any, previous: int) -> int:
    try:
        return int(element.get("r"))
    except (TypeError, ValueError):
        return previous + 1


def _column(element: Any, previous: int) -> int:
    ref = element.get("r")
    if not ref:
        return previous + 1
    letters = ref.rstrip("0123456789")
    try:
        return column_index_from_string(letters)
    except ValueError:
        return previous + 1


def _place(values: list[Any], column: int, value: Any, title: str, number: int) -> None:
    if column > MAX_COLUMNS:
        raise WorkbookRefused(TOO_MANY_COLUMNS.format(sheet=title, row=number, column=column, limit=MAX_COLUMNS))
    if len(values) < column:
        values.extend([None] * (column - len(values)))
    values[column - 1] = value


def _cell_value(book: _Book, element: Any) -> Any:
    """The cell's value as openpyxl's read-only mode gives it with data_only."""
    kind = element.get("t", "n")
    if kind == "inlineStr":
        inline = element.find(_INLINE)
        return "".join(inline.itertext()) if inline is not None else None
    text = element.findtext(_VALUE)
    if text is None or text == "":
        return None
    if kind == "s":
        try:
            return book.strings[int(text)]
        except (ValueError, IndexError):
            return None
    if kind == "b":
        return text.strip() == "1"
    if kind == "d":
        try:
            return from_ISO8601(text)
        except ValueError:
            return text
    if kind in ("str", "e"):
        return text
    try:
        return float(text) if any(c in text for c in ".eEnN") else int(text)
    except ValueError:
        return text


def _style(element: Any) -> int:
    try:
        return int(element.get("s", 0))
    except ValueError:
        return 0


def _shown(book: _Book, element: Any, value: Any) -> Any:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    style = _style(element)
    if style in book.dates:
        try:
            return from_excel(value, book.wb.epoch)
        except (OverflowError, ValueError):
            return value
    if style not in book.percent:
        book.percent[style] = "%" in _number_format(book.wb, style)
    if not book.percent[style]:
        return value
    try:
        text = format(Decimal(str(value)) * 100, "f")
    except InvalidOperation:  # inf, nan
        return value
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _number_format(wb: Any, style: int) -> str:
    try:
        fmt_id = wb._cell_styles[style].numFmtId
    except IndexError:
        return "General"
    if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(fmt_id, "General")
    try:
        return wb._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE]
    except IndexError:
        return "General"


def _merges(archive: zipfile.ZipFile, title: str, part: str, budget: _Budget) -> list[_Merge]:
    """Merged ranges of the sheet, read from its XML bytes without parsing the cells."""
    found: list[_Merge] = []
    tail = b""
    with archive.open(part) as raw:
        while chunk := raw.read(CHUNK):
            data = tail + chunk
            last = 0
            for match in MERGE_REF.finditer(data):
                found.append(_merge(title, match.group(1).decode(), budget))
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
