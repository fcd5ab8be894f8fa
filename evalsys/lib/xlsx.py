"""Read .xlsx sheets as rows of values, in bounded time and memory, with merged cells filled.

openpyxl's full mode builds an object for every cell of every merged range (a 3 KB file whose
one range covers 200,000 rows needs gigabytes), and its reader parses the content types, the
workbook and the whole stylesheet at once (a million style entries took 1.5 GB). Here every part
is read by evalsys.lib.ooxml's bounded streaming parser (each element counted when it starts,
depth, bytes and kept subtrees bounded) and only what the values need is kept: the sheets'
names and parts, the shared strings, and the number format of each cell style; the content
types are not read at all. A sheet's cells are streamed and dropped once read; merged ranges
are read beforehand by a linear scan of the sheet's bytes for `<mergeCell ref=…>` (they stand
after the cell data), and a range's top-left value is copied only into the rows that are read.
Limits on the unpacked size, the elements, the rows, the columns and the merged area turn a
bomb into a clear Chinese error in bounded time and memory.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from evalsys.lib import ooxml
from evalsys.lib.ooxml import Budget, PackageRefused

MAX_ROWS = 50_000  # data rows read in one workbook, all sheets together
MAX_COLUMNS = 60
MAX_MERGED_CELLS = MAX_ROWS * MAX_COLUMNS  # cells covered by merged ranges, all sheets together
MAX_MERGED_RANGES = 100_000
MAX_ELEMENTS = 2_000_000  # XML elements of all sheets (cells, rows, ...): bounds the time spent
MAX_UNPACKED_MB = 200  # the workbook's parts once unzipped (xlsx packs about 10:1)
MAX_STRINGS_MB = 40  # the shared-string table, held in memory whole
MAX_STRINGS = 1_000_000  # its entries
MAX_PART_MB = 10  # the workbook, its relationships and its stylesheet, each
MAX_PART_ELEMENTS = 300_000  # elements of each of those parts
MAX_SHEETS = 500
MAX_STYLES = 65_536  # cell formats (Excel allows 64,000)

TOO_MANY_ROWS = "工作簿的数据行超过 {limit} 行（工作表“{sheet}”第{row}行），请拆分为多个工作簿分别导入"
TOO_MANY_COLUMNS = "工作表“{sheet}”第{row}行第{column}列有内容：表格最多 {limit} 列，请删除右侧多余的列"
MERGE_TOO_LARGE = "工作表“{sheet}”的合并单元格 {ref} 过大（超过 {rows} 行或 {columns} 列），请取消合并后再导入"
MERGES_TOO_LARGE = "工作簿的合并单元格合计超过 {limit} 个单元格，请取消多余的合并后再导入"
TOO_MANY_MERGES = "工作表“{sheet}”的合并单元格超过 {limit} 处，请取消多余的合并后再导入"
TOO_MANY_ELEMENTS = "工作表“{sheet}”的单元格过多（各表合计超过 {limit} 个），请删除多余的行、列和格式后再导入"
TOO_MANY_STRINGS = "工作簿的文字表超过 {limit} 条，请删除多余的内容后另存再导入"
TOO_MANY_STYLES = "工作簿的单元格格式超过 {limit} 种，请在 Excel 中清除多余的格式后另存再导入"
TOO_MANY_SHEETS = "工作簿的工作表超过 {limit} 个，请拆分为多个工作簿分别导入"
UNPACKED_TOO_LARGE = "工作簿解压后超过 {mb} MB，可能已损坏或含有大量空白格式；请删除多余内容后另存再导入"
NOT_XLSX = "无法读取工作簿（{error}）：请确认它是未加密、未损坏的 .xlsx 文件（.xls 请先另存为 .xlsx）"

WorkbookRefused = PackageRefused  # the file is not a workbook this reader will read; the message says why


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
    elements: Budget
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
    budget = _Budget(rows=limit, merged=MAX_MERGED_CELLS, elements=Budget(MAX_ELEMENTS, MAX_ELEMENTS), limit=limit)
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


ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?row(?=[\s/>])")


def count_rows(source: str | Path | IO[bytes], *, stop_after: int) -> int:
    """How many rows the worksheets hold, all together, up to the first 64 KB chunk that passes
    `stop_after`: a linear scan of the sheets' unpacked bytes for `<row` tags, nothing parsed.
    Rows that hold only formatting count too, so the figure is an upper bound of the data rows.
    WorkbookRefused for a file `read_sheets` would refuse at the same checks."""
    _check_archive(source)
    counted = 0
    try:
        with zipfile.ZipFile(source) as archive:
            part = _office_document(archive)
            sheets, _ = _workbook(archive, part)
            rels, names = _relationships(archive, part), set(archive.namelist())
            for _title, rid in sheets:
                if rid not in rels or rels[rid][0] not in names or "chartsheet" in rels[rid][1]:
                    continue
                tail = b""  # the end of the previous chunk: a tag split between two chunks is counted once
                for chunk in ooxml._chunks(archive, rels[rid][0], MAX_UNPACKED_MB << 20,
                                           UNPACKED_TOO_LARGE.format(mb=MAX_UNPACKED_MB)):  # fmt: skip
                    text = tail + chunk
                    counted += sum(1 for m in ROW_TAG.finditer(text) if m.end() >= len(tail))
                    if counted > stop_after:
                        return counted
                    tail = text[-40:]
    except KeyError as exc:
        raise WorkbookRefused(NOT_XLSX.format(error="KeyError")) from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    return counted


def check_package(path: str | Path | IO[bytes], *, max_elements: int = MAX_ELEMENTS) -> None:
    """Refuse a workbook any of whose XML parts is beyond the bounds (WorkbookRefused): run before
    a library that parses every part whole opens it (openpyxl's full mode, to write it back)."""
    _check_archive(path)
    try:
        with zipfile.ZipFile(path) as archive:
            budget = Budget(max_elements, max_elements)
            ooxml.check_parts(archive, budget=budget, max_part_bytes=MAX_STRINGS_MB << 20)
    finally:
        if hasattr(path, "seek"):
            path.seek(0)


@dataclass
class _Book:
    """What every sheet needs: the archive, shared strings, cell formats and the sheets' parts."""

    archive: zipfile.ZipFile
    strings: list[str]
    formats: list[str]  # cell style id -> its number format code
    sheets: list[tuple[str, str]]  # (title, part name) of the worksheets, in order
    epoch: Any = WINDOWS_EPOCH
    percent: dict[int, bool] = field(default_factory=dict)  # style id -> the number format shows a percentage
    dates: dict[int, bool] = field(default_factory=dict)  # style id -> the number format shows a date


def _open(path: str | Path | IO[bytes]) -> _Book:
    _check_archive(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(NOT_XLSX.format(error=type(exc).__name__)) from exc
    try:
        part = _office_document(archive)
        sheets, epoch = _workbook(archive, part)
        rels = _relationships(archive, part)
        strings_part = next((t for t, kind in rels.values() if kind.endswith("/sharedStrings")), "xl/sharedStrings.xml")
        names = set(archive.namelist())
        sheets = [(title, rels[rid][0]) for title, rid in sheets
                  if rid in rels and rels[rid][0] in names and "chartsheet" not in rels[rid][1]]  # fmt: skip
        strings = _strings(archive, strings_part) if strings_part in names else []
        formats = _formats(archive) if "xl/styles.xml" in names else []
    except KeyError as exc:  # a part the workbook names is missing
        archive.close()
        raise WorkbookRefused(NOT_XLSX.format(error="KeyError")) from exc
    except BaseException:
        archive.close()
        raise
    return _Book(archive, strings, formats, sheets, epoch)


def _check_archive(path: str | Path | IO[bytes]) -> None:
    ooxml.check_directory(path)
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


# --- the workbook's parts: read streamed, only what the values need ---------------------------

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _part(archive: zipfile.ZipFile, name: str, what: str, keep: frozenset[str] = frozenset()) -> Iterator[Any]:
    """The elements of a small part (workbook, relationships) as they start, bounded."""
    budget = Budget(MAX_PART_ELEMENTS, MAX_PART_ELEMENTS)
    for event, element in ooxml.stream(archive, name, what=what, budget=budget, max_bytes=MAX_PART_MB << 20,
                                       keep=keep):  # fmt: skip
        if event == "start":
            yield element


def _office_document(archive: zipfile.ZipFile) -> str:
    """The workbook part named by the package's relationships (xl/workbook.xml when they are missing)."""
    if "_rels/.rels" not in archive.namelist():
        return "xl/workbook.xml"
    for element in _part(archive, "_rels/.rels", "文件目录"):
        if _local(element.tag) == "Relationship" and element.get("Type", "").endswith("/officeDocument"):
            return element.get("Target", "").lstrip("/")
    return "xl/workbook.xml"


def _workbook(archive: zipfile.ZipFile, part: str) -> tuple[list[tuple[str, str]], Any]:
    """The sheets (title, relationship id) in order, and the date system."""
    sheets, epoch = [], WINDOWS_EPOCH
    for tag, element in _named(archive, part, "工作簿目录", ("sheet", "workbookPr")):
        if tag == "workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
            epoch = MAC_EPOCH
        elif tag == "sheet" and element.get(_REL):
            sheets.append((element.get("name", ""), element.get(_REL)))
            if len(sheets) > MAX_SHEETS:
                raise WorkbookRefused(TOO_MANY_SHEETS.format(limit=MAX_SHEETS))
    return sheets, epoch


def _named(archive: zipfile.ZipFile, part: str, what: str, tags: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    for element in _part(archive, part, what):
        tag = _local(element.tag)
        if tag in tags:
            yield tag, element


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (part name, type) of the workbook, targets resolved as openpyxl does."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_part not in archive.namelist():
        return {}
    found = {}
    for _, element in _named(archive, rels_part, "工作簿的关系表", ("Relationship",)):
        target = element.get("Target", "")
        if element.get("TargetMode") == "External" or not target:
            continue
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[element.get("Id", "")] = (target, element.get("Type", ""))
    return found


def _formats(archive: zipfile.ZipFile) -> list[str]:
    """The number format code of each cell style (cellXfs), in order; nothing else of the stylesheet."""
    custom: dict[int, str] = {}
    ids: list[int] = []
    in_cell_styles = False
    budget = Budget(MAX_PART_ELEMENTS, MAX_PART_ELEMENTS)
    for event, element in ooxml.stream(archive, "xl/styles.xml", what="样式表", budget=budget,
                                       max_bytes=MAX_PART_MB << 20):  # fmt: skip
        tag = _local(element.tag)
        if tag == "cellXfs":
            in_cell_styles = event == "start"
        elif event == "start" and tag == "numFmt":
            custom[_int(element.get("numFmtId"))] = element.get("formatCode", "")
        elif event == "start" and tag == "xf" and in_cell_styles:
            ids.append(_int(element.get("numFmtId")))
            if len(ids) > MAX_STYLES:
                raise WorkbookRefused(TOO_MANY_STYLES.format(limit=MAX_STYLES))
    return [custom[i] if i in custom else BUILTIN_FORMATS.get(i, "General") for i in ids]


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


_SI = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}si"


def _strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The shared-string table as openpyxl reads it: each entry's text and rich-text runs, no phonetics."""
    strings: list[str] = []
    budget = Budget(MAX_ELEMENTS, MAX_ELEMENTS)
    for event, element in ooxml.stream(archive, part, what="文字表", budget=budget, max_bytes=MAX_STRINGS_MB << 20,
                                       keep=frozenset({_SI})):  # fmt: skip
        if event == "end" and element.tag == _SI:
            strings.append(_text(element).replace("x005F_", ""))
            if len(strings) > MAX_STRINGS:
                raise WorkbookRefused(TOO_MANY_STRINGS.format(limit=MAX_STRINGS))
    return strings


def _text(si: Any) -> str:
    parts = []
    for child in si:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


# --- the sheets --------------------------------------------------------------------------------


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
_ROW, _CELL, _VALUE, _INLINE = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}is"
_KEEP = frozenset({_CELL})


def _sheet_rows(book: _Book, title: str, part: str, budget: _Budget) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values by column) of the rows holding a value, parsed one element at a time.

    Every element counts against the budget when it starts, and each is dropped once read (a
    cell's subtree is kept until the cell ends), so neither a million empty rows, nor one row of
    a million cells, nor a million nested elements costs more than the budget allows.
    """
    number, column, values = 0, 0, []
    too_many = TOO_MANY_ELEMENTS.format(sheet=title, limit=MAX_ELEMENTS)
    for event, element in ooxml.stream(book.archive, part, what=f"工作表“{title}”", budget=budget.elements,
                                       max_bytes=MAX_UNPACKED_MB << 20, keep=_KEEP, too_many=too_many):  # fmt: skip
        tag = element.tag
        if event == "start":
            if tag == _ROW:
                number, column, values = _row_number(element, number), 0, []
        elif tag == _CELL:
            column = _column(element, column)
            value = _cell_value(book, element)
            if value is not None and value != "":
                _place(values, column, _shown(book, element, value), title, number)
        elif tag == _ROW and values:
            yield number, values


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
    if style not in book.dates:
        code = book.formats[style] if 0 <= style < len(book.formats) else "General"
        book.dates[style], book.percent[style] = is_date_format(code), "%" in code
    if book.dates[style]:
        try:
            return from_excel(value, book.epoch)
        except (OverflowError, ValueError):
            return value
    if not book.percent[style]:
        return value
    try:
        text = format(Decimal(str(value)) * 100, "f")
    except InvalidOperation:  # inf, nan
        return value
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _merges(archive: zipfile.ZipFile, title: str, part: str, budget: _Budget) -> list[_Merge]:
    """Merged ranges of the sheet, read from its XML bytes (linearly) without parsing the cells."""
    refused = TOO_MANY_MERGES.format(sheet=title, limit=MAX_MERGED_RANGES)
    refs = ooxml.merge_refs(archive, part, max_bytes=MAX_UNPACKED_MB << 20, max_tags=MAX_MERGED_RANGES,
                            refused=refused)  # fmt: skip
    found = [_merge(title, ref, budget) for ref in refs]
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
