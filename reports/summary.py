"""The 汇总表 of a project list: gather one frozen `Summary` (fixed number of queries), then render
it as a workbook (`render`, pure). Every list page exports through here with its own filters:
the project list, the review queue, and the same access rules (the caller passes the queryset
the user may see).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from projects.models import Project
from projects.scores import project_evaluate
from projects.selectors import projects_with_scoring_data
from scoring.labels import warning_label
from scoring.types import ZERO, Evaluation

UNSCORED = "未评分"
RATE_STEP = Decimal("0.0001")  # the rate as a fraction, shown 0.00%


@dataclass(frozen=True)
class SummaryRow:
    code: str
    name: str
    unit: str
    department: str
    status: str
    annual: Decimal  # 全年预算数, 万元
    executed: Decimal  # 全年执行数, 万元
    rate: Decimal | None  # executed / annual as a fraction; None without a budget
    total: Decimal | None  # None until the project has actuals (未评分)
    grade: str
    warnings: str  # the Chinese labels, 、-separated, each once


@dataclass(frozen=True)
class Summary:
    title: str
    scope: str  # the filters, as the page showed them
    rows: tuple[SummaryRow, ...]
    generated_on: datetime.date


def _warnings(evaluation: Evaluation) -> str:
    labels = dict.fromkeys(warning_label(w.code) for w in evaluation.warnings)
    return "、".join(labels)


def _row(project: Project) -> SummaryRow:
    evaluation = project_evaluate(project)
    funds = list(project.funds.all())
    annual = sum((f.annual for f in funds), ZERO)
    executed = sum((f.executed for f in funds), ZERO)
    department = project.unit.department
    return SummaryRow(
        code=project.code, name=project.name, unit=str(project.unit), department=department.name if department else "",
        status=project.get_status_display(), annual=annual, executed=executed,
        rate=(executed / annual).quantize(RATE_STEP) if annual > 0 else None,
        total=evaluation.total if project.scored else None, grade=evaluation.grade if project.scored else UNSCORED,
        warnings=_warnings(evaluation),
    )  # fmt: skip


def summary_for(projects: QuerySet[Project] | Iterable[Project], *, title: str, scope: str) -> Summary:
    """The 汇总表 of `projects` (in their order): three queries whatever their number."""
    ids = list(projects.values_list("pk", flat=True)) if isinstance(projects, QuerySet) else [p.pk for p in projects]
    loaded = {p.pk: p for p in projects_with_scoring_data(Project.objects.filter(pk__in=ids))}
    rows = tuple(_row(loaded[pk]) for pk in ids if pk in loaded)
    return Summary(title=title, scope=scope, rows=rows, generated_on=timezone.localdate())


# --- render ---------------------------------------------------------------------------------

HEADERS = ("项目编码", "项目名称", "实施单位", "主管部门", "状态", "全年预算数（万元）", "全年执行数（万元）", "执行率",
           "总分", "等级", "警告")  # fmt: skip
WIDTHS = (24, 36, 30, 26, 9, 16, 16, 10, 9, 8, 40)
AMOUNT, RATE, POINTS = "#,##0.00", "0.00%", "0.00"
# what a spreadsheet reads as a formula (OWASP CSV injection): such text is stored as text
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
FIRST_ROW = 4  # 1: title, 2: filters and date, 3: headers


def _text(cell: Cell, text: str) -> None:
    """A string cell, never a formula; text a spreadsheet would take for one gets the quote prefix."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _number(cell: Cell, value: Decimal | None, number_format: str) -> None:
    if value is not None:
        cell.value = value
        cell.number_format = number_format


def _write_row(ws: Worksheet, r: int, row: SummaryRow) -> None:
    for c, text in enumerate((row.code, row.name, row.unit, row.department, row.status), start=1):
        _text(ws.cell(r, c), text)
    _number(ws.cell(r, 6), row.annual, AMOUNT)
    _number(ws.cell(r, 7), row.executed, AMOUNT)
    _number(ws.cell(r, 8), row.rate, RATE)
    _number(ws.cell(r, 9), row.total, POINTS)
    _text(ws.cell(r, 10), row.grade)
    _text(ws.cell(r, 11), row.warnings)


def workbook(summary: Summary) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    _text(ws.cell(1, 1), summary.title)
    ws.cell(1, 1).font = Font(name="黑体", size=14, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    _text(
        ws.cell(2, 1),
        f"筛选：{summary.scope or '全部'}　共 {len(summary.rows)} 个项目　导出日期：{summary.generated_on:%Y-%m-%d}",
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    for c, header in enumerate(HEADERS, start=1):
        cell = ws.cell(3, c, header)
        cell.font, cell.fill, cell.border = Font(name=FONT, bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS[c - 1]
    for r, row in enumerate(summary.rows, start=FIRST_ROW):
        _write_row(ws, r, row)
        for c in range(1, len(HEADERS) + 1):
            ws.cell(r, c).border = BORDER
            ws.cell(r, c).font = Font(name=FONT)
    last = FIRST_ROW + len(summary.rows) - 1
    ws.freeze_panes = ws.cell(FIRST_ROW, 3)
    ws.auto_filter.ref = f"A3:{get_column_letter(len(HEADERS))}{max(last, 3)}"
    ws.page_setup.paperSize, ws.page_setup.orientation = ws.PAPERSIZE_A4, ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    return wb


def render(summary: Summary) -> bytes:
    """The 汇总表 as xlsx bytes."""
    out = BytesIO()
    workbook(summary).save(out)
    return out.getvalue()
