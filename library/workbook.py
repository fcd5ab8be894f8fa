"""The library as an xlsx workbook: export, and the all-or-nothing import (admin pages).

The import reads with evalsys.lib.xlsx.read_sheets (bounded against hostile files); every error
names the sheet, row and column and says the fix, and a workbook with any error writes nothing.
The export writes every text as a string cell, never a formula (text a spreadsheet would read as
one gets the quote prefix), so it reads back as it was written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from evalsys.lib.xlsx import WorkbookRefused, read_sheets
from library.models import EntryStatus, LibraryEntry

SHEET_TITLE = "指标库"
# (field, header) in the workbook's order; 状态 is optional on import (blank: 已收录)
COLUMNS = (
    ("sector", "行业"), ("department", "主管部门"), ("level1", "一级指标"), ("level2", "二级指标"),
    ("level3", "三级指标"), ("explanation", "指标解释"), ("nature", "指标性质"), ("unit", "度量单位"),
    ("typical_value", "指标值"), ("scoring_standard", "评分标准"), ("data_source", "数据来源"),
    ("source_title", "出处"), ("source_url", "出处网址"), ("status", "状态"),
)  # fmt: skip
HEADERS = {header: name for name, header in COLUMNS}
REQUIRED_HEADERS = ("行业", "三级指标")
KEY = ("sector", "department", "level1", "level2", "level3")
STATUS_BY_LABEL = {label: value for value, label in EntryStatus.choices}
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_IMPORT_ROWS = 20_000

NO_HEADER = "工作簿中没有找到表头行：第一个工作表须有一行写着“{headers}”等列名（可先导出指标库作为模板）"
MISSING_HEADER = "工作表“{sheet}”第{row}行的表头缺少“{header}”列，请补上该列"
DUPLICATE = "工作表“{sheet}”第{row}行与第{first}行的行业、主管部门、一级、二级、三级名称相同，请删除重复的一行"
BAD_STATUS = "状态须为：{labels}（或留空表示已收录）"
NO_ROWS = "工作表“{sheet}”表头下没有指标，请填写后再导入"


class ImportRefused(Exception):
    """The workbook's errors, each naming sheet, row and column; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int
    updated: int


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = Decimal(str(value)).normalize()
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _header_row(rows: Iterable[tuple[int, list[Any]]]) -> tuple[int, dict[int, str]] | None:
    for number, values in rows:
        columns = {i: HEADERS[_text(v)] for i, v in enumerate(values) if _text(v) in HEADERS}
        if "level3" in columns.values():
            return number, columns
    return None


def _cell(sheet: str, row: int, column: int, header: str, message: str) -> str:
    return f"工作表“{sheet}”第{row}行第{get_column_letter(column + 1)}列（{header}）：{message}"


def _fix(entry: LibraryEntry, name: str, header: str, problem: ValidationError) -> str:
    """The problem with what to write instead, in Chinese."""
    if problem.code in ("blank", "required"):
        return f"不能为空，请填写{header}"
    if problem.code == "invalid_choice":
        choices = "、".join(value for value, _ in LibraryEntry._meta.get_field(name).choices)
        return f"“{getattr(entry, name)}”不可用，{header}须为：{choices}（或留空）"
    if problem.code == "invalid" and name == "source_url":
        return "请填写以 http:// 或 https:// 开头的完整网址（或留空）"
    return " ".join(problem.messages)


def parse(source: str | IO[bytes]) -> list[tuple[int, LibraryEntry]]:
    """The first sheet's rows as unsaved entries, checked; ImportRefused with every error found."""
    try:
        sheets = read_sheets(source, max_rows=MAX_IMPORT_ROWS)
        title, rows = next(sheets)
    except StopIteration:
        raise ImportRefused([NO_HEADER.format(headers="”“".join(REQUIRED_HEADERS))]) from None
    except WorkbookRefused as exc:
        raise ImportRefused([str(exc)]) from exc
    try:
        return _parse_sheet(title, rows)
    except WorkbookRefused as exc:
        raise ImportRefused([str(exc)]) from exc


def _parse_sheet(title: str, rows: Iterable[tuple[int, list[Any]]]) -> list[tuple[int, LibraryEntry]]:
    rows = iter(rows)
    found = _header_row(rows)
    if found is None:
        raise ImportRefused([NO_HEADER.format(headers="”“".join(REQUIRED_HEADERS))])
    header_number, columns = found
    by_field = {name: i for i, name in columns.items()}
    errors = [
        MISSING_HEADER.format(sheet=title, row=header_number, header=header)
        for header in REQUIRED_HEADERS
        if HEADERS[header] not in by_field
    ]
    if errors:
        raise ImportRefused(errors)
    parsed: list[tuple[int, LibraryEntry]] = []
    first_row: dict[tuple[str, ...], int] = {}
    for number, values in rows:
        texts = {name: _text(values[i]) if i < len(values) else "" for name, i in by_field.items()}
        if not any(texts.values()):
            continue
        label = texts.pop("status", "")
        entry = LibraryEntry(**texts, status=STATUS_BY_LABEL.get(label, EntryStatus.ACCEPTED))
        if label and label not in STATUS_BY_LABEL:
            column = by_field["status"]
            errors.append(_cell(title, number, column, "状态", BAD_STATUS.format(labels="、".join(STATUS_BY_LABEL))))
        try:
            entry.full_clean(exclude=["proposed_by"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, problems in exc.error_dict.items():
                column = by_field.get(name, by_field["level3"])
                header = dict(COLUMNS).get(name, "三级指标")
                errors.extend(_cell(title, number, column, header, _fix(entry, name, header, p)) for p in problems)
        key = tuple(getattr(entry, name) for name in KEY)
        if key in first_row:
            errors.append(DUPLICATE.format(sheet=title, row=number, first=first_row[key]))
        first_row.setdefault(key, number)
        parsed.append((number, entry))
    if not parsed and not errors:
        errors.append(NO_ROWS.format(sheet=title))
    if errors:
        raise ImportRefused(errors)
    return parsed


def export(rows: Iterable[LibraryEntry]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    for column, (_, header) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, column, header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 30 if column in (5, 6, 10, 12) else 14
    for number, entry in enumerate(rows, start=2):
        for column, (name, _) in enumerate(COLUMNS, start=1):
            value = entry.get_status_display() if name == "status" else getattr(entry, name)
            if value:
                cell = sheet.cell(number, column)
                cell.value = value
                cell.data_type = "s"  # openpyxl would store "=…" as a live formula
                if value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
