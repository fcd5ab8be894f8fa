"""The 汇总表 of a project list: gather one frozen `Summary` (fixed number of queries), then render
it as a workbook (`render`, pure). Every list page exports through here with its own filters:
the project list, the review queue, the 绩效目标 list (`TargetsSummary`: the targets stage's rows),
and the same access rules (the caller passes the queryset the user may see).
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

from projects.models import Project, StageState
from projects.scores import project_evaluate
from projects.selectors import projects_with_scoring_data
from projects.stages import StageStatus
from scoring.labels import warning_label
from scoring.targets import LABELS as CHECK_LABELS
from scoring.targets import check_targets
from scoring.types import ZERO, Evaluation
from targets.models import TargetReview
from targets.selectors import targets_input

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


def _cells(row: SummaryRow) -> tuple[Cellish, ...]:
    return (row.code, row.name, row.unit, row.department, row.status, (row.annual, AMOUNT),
            (row.executed, AMOUNT), (row.rate, RATE), (row.total, POINTS), row.grade, row.warnings)  # fmt: skip


# a cell: text (a string cell), or (a number or None, its number format)
Cellish = str | tuple[Decimal | int | None, str]


def _write(cell: Cell, value: Cellish) -> None:
    if isinstance(value, str):
        _text(cell, value)
    else:
        _number(cell, *value)


def table_workbook(*, title: str, info: str, headers: tuple[str, ...], widths: tuple[int, ...],
                   rows: Iterable[tuple[Cellish, ...]]) -> Workbook:  # fmt: skip
    """A list as a 汇总表 sheet: the title, a line of filters and date, the headers, one row each."""
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    _text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(name="黑体", size=14, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    _text(ws.cell(2, 1), info)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    for c, header in enumerate(headers, start=1):
        cell = ws.cell(3, c, header)
        cell.font, cell.fill, cell.border = Font(name=FONT, bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1]
    r = FIRST_ROW - 1
    for r, row in enumerate(rows, start=FIRST_ROW):
        for c, value in enumerate(row, start=1):
            _write(ws.cell(r, c), value)
            ws.cell(r, c).border = BORDER
            ws.cell(r, c).font = Font(name=FONT)
    ws.freeze_panes = ws.cell(FIRST_ROW, 3)
    ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{max(r, 3)}"
    ws.page_setup.paperSize, ws.page_setup.orientation = ws.PAPERSIZE_A4, ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    return wb


def _info(scope: str, count: int, generated_on: datetime.date) -> str:
    return f"筛选：{scope or '全部'}　共 {count} 个项目　导出日期：{generated_on:%Y-%m-%d}"


def workbook(summary: Summary) -> Workbook:
    return table_workbook(title=summary.title, info=_info(summary.scope, len(summary.rows), summary.generated_on),
                          headers=HEADERS, widths=WIDTHS, rows=(_cells(row) for row in summary.rows))  # fmt: skip


def render(summary: Summary) -> bytes:
    """The 汇总表 as xlsx bytes."""
    out = BytesIO()
    workbook(summary).save(out)
    return out.getvalue()


# --- the 绩效目标 list (/targets/): the targets stage's rows ---------------------------------------


@dataclass(frozen=True)
class TargetsRow:
    code: str
    name: str
    unit: str
    department: str
    status: str  # the targets stage's state
    budget: Decimal | None  # 年度资金总额 (万元); None without funds
    indicators: int
    weight: Decimal | None  # the weights' sum; None when no indicator carries one (weights_missing)
    review: str  # the latest 绩效目标审核's result (优/良/中/差), or ""
    checks: str  # domain.md §8's checks by their Chinese labels, each once


@dataclass(frozen=True)
class TargetsSummary:
    title: str
    scope: str
    rows: tuple[TargetsRow, ...]
    generated_on: datetime.date


def _targets_row(state: StageState, project: Project, review: str) -> TargetsRow:
    funds = list(project.funds.all())
    rows = list(project.indicators.all())
    checks = dict.fromkeys(CHECK_LABELS.get(w.code, w.code) for w in check_targets(targets_input(project)))
    department = project.unit.department
    return TargetsRow(
        code=project.code, name=project.name, unit=str(project.unit), department=department.name if department else "",
        status=StageStatus.LABELS.get(state.status, state.status),
        budget=sum((f.annual for f in funds), ZERO) if funds else None, indicators=len(rows),
        weight=sum((r.weight for r in rows), ZERO) if any(r.weight for r in rows) else None, review=review,
        checks="、".join(checks),
    )  # fmt: skip


def targets_summary_for(states: Iterable[StageState], *, title: str, scope: str) -> TargetsSummary:
    """The 汇总表 of targets-stage rows (in their order): four queries whatever their number."""
    states = list(states)
    ids = [s.project_id for s in states]
    loaded = {p.pk: p for p in projects_with_scoring_data(Project.objects.filter(pk__in=ids))}
    reviews: dict[int, str] = {}
    for pk, result in (TargetReview.objects.filter(project__in=ids).order_by("project", "-created_at", "-pk")
                       .values_list("project", "result")):  # fmt: skip
        reviews.setdefault(pk, result)
    rows = tuple(_targets_row(s, loaded[s.project_id], reviews.get(s.project_id, "")) for s in states
                 if s.project_id in loaded)  # fmt: skip
    return TargetsSummary(title=title, scope=scope, rows=rows, generated_on=timezone.localdate())


TARGETS_HEADERS = ("项目编码", "项目名称", "实施单位", "主管部门", "绩效目标状态", "年度资金总额（万元）", "指标数",
                   "权重合计", "最近审核结果", "审核提示")  # fmt: skip
TARGETS_WIDTHS = (24, 36, 30, 26, 12, 18, 8, 10, 12, 48)


def _targets_cells(row: TargetsRow) -> tuple[Cellish, ...]:
    return (row.code, row.name, row.unit, row.department, row.status, (row.budget, AMOUNT), (row.indicators, "0"),
            (row.weight, POINTS), row.review, row.checks)  # fmt: skip


def render_targets(summary: TargetsSummary) -> bytes:
    """The 绩效目标 list's 汇总表 as xlsx bytes."""
    out = BytesIO()
    table_workbook(title=summary.title, info=_info(summary.scope, len(summary.rows), summary.generated_on),
                   headers=TARGETS_HEADERS, widths=TARGETS_WIDTHS,
                   rows=(_targets_cells(row) for row in summary.rows)).save(out)  # fmt: skip
    return out.getvalue()
