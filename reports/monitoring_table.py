"""The 项目支出绩效目标执行监控表 (财预〔2019〕136号's form; domain.md §8, issue 17 "Import and export").

Gather one frozen `MonitoringSheet` per project (`monitoring_sheets`: a fixed number of queries for
many), lay it out as the national form's `Grid` (`monitoring_grid`): the title with the year and
1–M月, 项目名称 / 主管部门 / 实施单位, the budget block (年初预算数, 全年预算数, 1–M月执行数, 执行率 by
source, with the time progress, 执行进度/时间进度 and the budget's light), 年度总体目标 and the project's
纠偏措施, then the indicator table: 年度指标值, 1–M月执行情况, 全年预计完成情况, the five 偏差原因 as √
under a merged 偏差原因, 完成目标可能性, 偏差原因分析, 纠偏措施 and each row's light. The xlsx renderer
is the 自评表's (`reports.xlsx.grid_workbook`: text cells never formulas, merges, numbers).

The workbook imports back (`import_workbook`, contract.md "Monitoring"): 项目名称 (`CODE-NAME`),
实施单位 (`CODE-NAME`), the funds block under its 全年预算数 header, the indicator table's 一级指标 /
二级指标 / 三级指标 / 指标性质 / 年度指标值 / 度量单位 / 权重 and its monitoring columns with the tick row
under 偏差原因, the project's 纠偏措施, and 主管部门及代码 (`CODE-NAME`). The budget's 1–M月执行数 is read
from the funds block, by source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl.styles import Font, PatternFill

from monitoring.models import MonitoringReport, Observation
from monitoring.selectors import monitoring_input, reports_with_data, year_settings
from projects.models import FundSource
from reports.declaration import SOURCES, declared_target
from reports.outline import Grid
from reports.text import CleanText
from reports.xlsx import FIRST_GRID_ROW, grid_workbook
from scoring.display import amount
from scoring.monitoring import (
    BLUE,
    CAUSES,
    GREEN,
    LIGHT_LABELS,
    RED,
    YELLOW,
    IndicatorLight,
    Monitoring,
    Thresholds,
    monitor,
)
from scoring.rules import fmt, pts
from scoring.types import HUNDRED, ZERO

TITLE = "项目支出绩效目标执行监控表"
KIND = "监控表"  # in file names: CODE-名称-监控表.xlsx
TICK = "√"
NO_INDICATORS = "（尚未设置绩效指标）"
NOTE = (
    "说明：偏差原因在对应类别下打“√”；时间进度 = 监控截至月份 ÷ 12，"
    "执行进度/时间进度 ≥ {green} 为绿灯、≥ {yellow} 为黄灯，低于为红灯。"
)
FILLS = {RED: "F4B6B6", YELLOW: "FBE3A1", GREEN: "C6E9C9", BLUE: "BFD8F5"}


@dataclass(frozen=True)
class WatchLine(CleanText):
    """One indicator at the cut-off, as display strings; `light` a key of LIGHT_LABELS."""

    level1: str
    level2: str
    level3: str
    comparator: str
    target: str
    unit: str
    weight: str  # "" when the project prints no weights
    to_date: str
    forecast: str
    causes: tuple[str, ...]
    possibility: str
    reason: str
    measures: str
    light: str
    score: str  # the forecast's points by the year-end rule, 2 dp

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]


@dataclass(frozen=True)
class FundLine(CleanText):
    """年度资金总额 or one source: 年初预算数, 全年预算数, 1–M月执行数 (万元, 2 dp) and 执行率 ("" when unknown)."""

    label: str
    initial: str
    annual: str
    executed: str
    rate: str


@dataclass(frozen=True)
class MonitoringSheet(CleanText):
    """Everything the 监控表 and the 监控报告 print, as strings; XML-safe (`CleanText`)."""

    code: str
    name: str
    year: int
    unit: str  # CODE-NAME
    unit_name: str
    department: str
    month: int
    time_progress: str  # τ in percent, 2 dp
    budget_annual: str
    budget_executed: str
    budget_progress: str  # percent, 2 dp
    budget_value: str
    budget_light: str
    light: str
    funds: tuple[FundLine, ...]
    goal: str
    measures: str  # the project's 纠偏措施
    lines: tuple[WatchLine, ...]
    warnings: tuple[str, ...]  # the rules' messages (what still blocks 提交)
    bands: tuple[str, str] = ("80", "60")  # the year's budget green and yellow bands
    department_label: str = ""  # 主管部门及代码: CODE-NAME (the name alone when it has no code)

    @property
    def label(self) -> str:
        """`CODE-NAME`, as the importer identifies a project."""
        return f"{self.code}-{self.name}" if self.code else self.name

    @property
    def period(self) -> str:
        return f"1-{self.month}月"

    def count(self, light: str) -> int:
        return sum(1 for line in self.lines if line.light == light)

    @property
    def flagged(self) -> tuple[WatchLine, ...]:
        """The red and yellow rows, red first (the tree's order within each)."""
        return tuple(line for light in (RED, YELLOW) for line in self.lines if line.light == light)


# --- gather -------------------------------------------------------------------------------------


def _rate(executed: Decimal | None, annual: Decimal | None) -> str:
    if executed is None or not annual or annual <= 0:
        return ""
    return f"{pts(executed * HUNDRED / annual)}%"


def _funds(report: MonitoringReport) -> tuple[FundLine, ...]:
    """年度资金总额 and, unless the budget is unsplit, each source (the 1–M月执行数 of a source kept
    only 未分来源 is blank on the source's line and counted in the total)."""
    funds = {f.source: f for f in report.project.funds.all()}
    executed = {f.source: f.executed for f in report.funds.all()}
    annual = sum((f.annual for f in funds.values()), ZERO)
    initial = [f.initial for f in funds.values() if f.initial is not None]
    done = sum(executed.values(), ZERO)
    total = FundLine("年度资金总额", amount(sum(initial, ZERO)) if initial else "", amount(annual), amount(done),
                     _rate(done, annual))  # fmt: skip
    split = FundSource.UNSPLIT not in funds
    lines = [total]
    for label, source in SOURCES:
        fund = funds.get(source) if split else None
        ran, budget = executed.get(source), fund.annual if fund else None
        lines.append(FundLine(label, amount(fund.initial if fund else None), amount(budget), amount(ran),
                              _rate(ran, budget)))  # fmt: skip
    return tuple(lines)


def _line(row: Any, found: Observation | None, item: IndicatorLight, weighted: bool) -> WatchLine:
    """An indicator row, its observation (None: nothing entered) and its light; values as entered."""
    comparator, target = declared_target(row)
    o = found or Observation()
    return WatchLine(
        row.level1, row.level2, row.level3, comparator, target, row.unit, pts(row.weight or ZERO) if weighted else "",
        o.to_date_text or fmt(o.to_date), o.forecast_text or fmt(o.forecast), tuple(o.causes or ()), o.possibility,
        o.reason, o.measures, item.light, pts(item.score.computed),
    )  # fmt: skip


def sheet_of(report: MonitoringReport, result: Monitoring, thresholds: Thresholds) -> MonitoringSheet:
    """The sheet of `report` (read with its project's unit and department) and its rules' `result`."""
    project = report.project
    unit = project.unit
    rows = list(project.indicators.all())
    found = {o.indicator_id: o for o in report.observations.all()}
    weighted = any(r.weight for r in rows)
    lines = tuple(_line(r, found.get(r.pk), item, weighted) for r, item in zip(rows, result.indicators, strict=True))
    b = result.budget
    return MonitoringSheet(
        code=project.code, name=project.name, year=project.year, unit=str(unit), unit_name=unit.name,
        department=unit.department.name if unit.department else "", month=result.month,
        department_label=str(unit.department) if unit.department else "",
        time_progress=pts(result.time_progress), budget_annual=amount(b.annual), budget_executed=amount(b.executed),
        budget_progress=pts(b.progress), budget_value=pts(b.value), budget_light=b.light, light=result.light,
        funds=_funds(report), goal=project.annual_goal, measures=report.measures, lines=lines,
        warnings=tuple(w.message for w in result.warnings),
        bands=(fmt(thresholds.budget_green), fmt(thresholds.budget_yellow)),
    )  # fmt: skip


def monitoring_sheets(project_ids: Iterable[int]) -> list[MonitoringSheet]:
    """The 监控表 of the projects that have a monitoring, in the order of `project_ids`: a fixed
    number of queries however many (one more per distinct year for its bands)."""
    ids = list(project_ids)
    reports = reports_with_data().select_related("project__unit__department").filter(project__in=ids)
    loaded = {r.project_id: r for r in reports}
    bands: dict[int, Thresholds] = {}
    out = []
    for pk in ids:
        report = loaded.get(pk)
        if report is None:
            continue
        if report.year not in bands:
            bands[report.year] = year_settings(report.year)[1]
        result = monitor(monitoring_input(report, bands[report.year]))
        out.append(sheet_of(report, result, bands[report.year]))
    return out


# --- the national form --------------------------------------------------------------------------

CAUSE_COLUMN = 10  # the first of the five tick columns


def indicator_header(month: int) -> tuple[str, ...]:
    period = f"1-{month}月"
    return ("绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位", "权重",
            f"{period}执行情况", "全年预计完成情况", *["偏差原因"] * len(CAUSES), "完成目标可能性", "偏差原因分析",
            "纠偏措施", "监控结果")  # fmt: skip


WIDTH = len(indicator_header(7))
WIDTHS = (6, 8, 9, 16, 5, 9, 6, 5, 10, 10, 4, 4, 4, 5, 4, 8, 16, 16, 8)


class _Rows:
    """Rows of WIDTH cells with their merges; a merge's covered cells hold ""."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.bold: list[int] = []

    def add(self, cells: dict[tuple[int, int], str], *, bold: bool = False) -> int:
        """A row from {(first, last): text}: each span merged, its text in the first column."""
        r = len(self.rows)
        row = [""] * WIDTH
        for (first, last), text in cells.items():
            row[first] = text
            if last > first:
                self.merges.append((r, first, r, last))
        self.rows.append(row)
        if bold:
            self.bold.append(r)
        return r

    def down(self, first_col: int, last_col: int, first: int, last: int) -> None:
        """Merge columns first_col..last_col from row `first` to `last` (replacing merges inside)."""
        if last <= first:
            return
        inside = lambda m: first <= m[0] and m[2] <= last and first_col <= m[1] and m[3] <= last_col  # noqa: E731
        self.merges = [m for m in self.merges if not inside(m)]
        self.merges.append((first, first_col, last, last_col))
        for r in range(first + 1, last + 1):
            for c in range(first_col, last_col + 1):
                self.rows[r][c] = ""


BUDGET_SPANS = ((4, 5), (6, 7), (8, 9), (10, 11), (12, 13), (14, 15), (16, 16), (17, WIDTH - 1))


def _budget(g: _Rows, s: MonitoringSheet) -> None:
    heads = ("年初预算数", "全年预算数", f"{s.period}执行数", f"{s.period}执行率", "全年预计执行数", "时间进度",
             "执行进度/时间进度", "预算执行结果")  # fmt: skip
    first = g.add({(0, 0): "项目资金（万元）", (1, 3): "资金来源", **dict(zip(BUDGET_SPANS, heads, strict=True))},
                  bold=True)  # fmt: skip
    for i, f in enumerate(s.funds):
        extra = (f"{s.time_progress}%", s.budget_value, LIGHT_LABELS[s.budget_light]) if i == 0 else ("", "", "")
        values = (f.initial, f.annual, f.executed, f.rate, "", *extra)
        g.add({(1, 3): f.label, **dict(zip(BUDGET_SPANS, values, strict=True))})
    last = len(g.rows) - 1
    g.down(0, 0, first, last)
    for span in BUDGET_SPANS[5:]:
        g.down(*span, first + 1, last)


def _indicators(g: _Rows, s: MonitoringSheet) -> None:
    header = indicator_header(s.month)
    top = g.add({(i, i): text for i, text in enumerate(header) if not CAUSE_COLUMN <= i < CAUSE_COLUMN + len(CAUSES)}
                | {(CAUSE_COLUMN, CAUSE_COLUMN + len(CAUSES) - 1): "偏差原因"}, bold=True)  # fmt: skip
    g.add({(CAUSE_COLUMN + i, CAUSE_COLUMN + i): cause for i, cause in enumerate(CAUSES)})  # the tick row
    for c in (*range(CAUSE_COLUMN), *range(CAUSE_COLUMN + len(CAUSES), WIDTH)):
        g.down(c, c, top, top + 1)
    start1 = start2 = top + 2
    for i, line in enumerate(s.lines):
        ticks = tuple(TICK if cause in line.causes else "" for cause in CAUSES)
        cells = ("", line.level1, line.level2, line.level3, line.comparator, line.target, line.unit, line.weight,
                 line.to_date, line.forecast, *ticks, line.possibility, line.reason, line.measures,
                 line.light_label)  # fmt: skip
        r = g.add({(c, c): text for c, text in enumerate(cells)})
        last = i == len(s.lines) - 1
        if last or s.lines[i + 1].level1 != line.level1:
            g.down(1, 1, start1, r)
            g.down(2, 2, start2, r)
            start1 = start2 = r + 1
        elif s.lines[i + 1].level2 != line.level2:
            g.down(2, 2, start2, r)
            start2 = r + 1
    if not s.lines:
        g.add({(1, WIDTH - 1): NO_INDICATORS})
    g.down(0, 0, top, len(g.rows) - 1)


def monitoring_grid(s: MonitoringSheet) -> Grid:
    """The 监控表 as a bordered table with its merges (title and caption printed above it)."""
    g = _Rows()
    g.add({(0, 0): "项目名称", (1, WIDTH - 1): s.label})
    g.add(
        {
            (0, 0): "主管部门及代码",
            (1, 8): s.department_label or s.department,
            (9, 10): "实施单位",
            (11, WIDTH - 1): s.unit,
        }
    )
    _budget(g, s)
    g.add({(0, 0): "年度总体目标", (1, WIDTH - 1): s.goal})
    g.add({(0, 0): "项目纠偏措施", (1, WIDTH - 1): s.measures})
    _indicators(g, s)
    g.add({(0, WIDTH - 1): NOTE.format(green=s.bands[0], yellow=s.bands[1])})
    return Grid(title=TITLE, rows=tuple(tuple(r) for r in g.rows), merges=tuple(g.merges), bold_rows=tuple(g.bold),
                widths=WIDTHS, caption=f"（{s.year}年度 {s.period}）　金额单位：万元")  # fmt: skip


# --- render -------------------------------------------------------------------------------------


def _light_fills(ws: Any) -> None:
    """Each light's cell shaded in its colour; the tick row's names bold as the header above them."""
    fills = {LIGHT_LABELS[k]: PatternFill("solid", fgColor=color) for k, color in FILLS.items()}
    for row in ws.iter_rows(min_row=FIRST_GRID_ROW):
        for cell in row:
            if cell.value in fills:
                cell.fill = fills[cell.value]
            elif cell.value in CAUSES and cell.column > CAUSE_COLUMN:
                cell.font = Font(name=cell.font.name, size=cell.font.size, bold=True)


def render_xlsx(s: MonitoringSheet) -> bytes:
    """The 监控表 of `s` as .xlsx bytes (landscape A4, fit to the page's width)."""
    grid = monitoring_grid(s)
    period = f"{s.period}执行数"
    amounts = frozenset({"年初预算数", "全年预算数", period})
    book = grid_workbook(grid, numeric=amounts | {"权重", "执行进度/时间进度"}, amounts=amounts)
    ws = book.active
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    _light_fills(ws)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
