"""The 项目支出绩效目标申报表 (财预〔2015〕88号's form; domain.md §8, issue 16 §2 "Exports").

Gather one frozen `Declaration` per project (a fixed number of queries for many), lay it out as the
national form's `Grid` (`declaration_grid`): the title and （年度）, 项目名称, 主管部门及代码 and 实施单位,
项目属性 and 项目期, the 项目资金 by source, 总体目标 (中期 / 年度), then the indicator table. The
xlsx and docx renderers are the 自评表's and the 自评报告's (`reports.xlsx.grid_workbook`,
`reports.docx.render_document`), so the cleaning of text (`CleanText`), formula-escaping and merges
are theirs.

The workbook imports back (`manage.py import_workbook`, contract.md "Import"): the form's labels
项目名称 (`CODE-NAME`) and 实施单位 (`CODE-NAME`), the funds block under its 预算数 header, and the
indicator table's header 一级指标 / 二级指标 / 三级指标 / 指标性质 / 指标值 / 度量单位 / 权重 are what
`indicators.workbook` reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from projects.models import FundSource, Project
from projects.selectors import projects_with_scoring_data
from reports.outline import Document, Grid
from reports.text import CleanText
from reports.xlsx import grid_workbook
from scoring.display import amount, chinese_date
from scoring.rules import fmt, pts
from scoring.targets import declared_sign
from scoring.types import QUALITATIVE, ZERO

TITLE = "项目支出绩效目标申报表"
KIND = "绩效目标申报表"  # in file names: CODE-名称-绩效目标申报表.xlsx
FORMATS = ("docx", "xlsx")
WIDTH = 8
INDICATOR_HEADER = ("绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重")
FUNDS_HEADER = "预算数"  # the importer's name of a funds block's amount column (全年预算数)
SOURCES = (("其中：当年财政拨款", FundSource.FISCAL), ("上年结转资金", FundSource.CARRYOVER),
           ("其他资金", FundSource.OTHER))  # fmt: skip
NO_INDICATORS = "（尚未设置绩效指标）"
UNKNOWN_FORMAT = "绩效目标申报表不支持格式“{fmt}”，可选：docx、xlsx"


@dataclass(frozen=True)
class TargetLine(CleanText):
    """One indicator as declared: display strings (weight "" when the project prints none)."""

    level1: str
    level2: str
    level3: str
    comparator: str
    target: str
    unit: str
    weight: str


@dataclass(frozen=True)
class Declaration(CleanText):
    """Everything the 申报表 prints, as strings (万元 with two decimals); XML-safe (`CleanText`)."""

    code: str
    name: str
    year: int
    unit: str  # CODE-NAME
    department: str  # CODE-NAME of the 主管部门
    attribute: str  # 项目属性 (新增/延续 ...) as entered, or ""
    period: str  # 项目期: no field holds it yet
    funds: tuple[tuple[str, str], ...]  # (年度资金总额 and each source, amount or "")
    medium_goal: str  # 总体目标 of a project running several years (Project.overall_goal)
    annual_goal: str
    indicators: tuple[TargetLine, ...]

    @property
    def label(self) -> str:
        """`CODE-NAME`, as the importer identifies a project."""
        return f"{self.code}-{self.name}" if self.code else self.name


# --- gather -------------------------------------------------------------------------------------


def declared_target(row: Any) -> tuple[str, str]:
    """(指标性质, 指标值) as the table declared them: the text of a 定性 or deadline target, else the
    number; a 定性 target that kept its sign (`≥**`) shows the sign again (as `targets --json`)."""
    if row.comparator == QUALITATIVE or row.deadline is not None or row.target is None:
        text = row.target_text or (f"{chinese_date(row.deadline)}前" if row.deadline is not None else "")
        return declared_sign(row.comparator, text)
    return row.comparator, fmt(row.target)


def _funds(project: Project) -> tuple[tuple[str, str], ...]:
    """年度资金总额 (the funds' 全年预算数) and, unless the budget is unsplit, each source's."""
    funds = {f.source: f.annual for f in project.funds.all()}
    total = sum(funds.values(), ZERO) if funds else None
    split = FundSource.UNSPLIT not in funds
    return (("年度资金总额", amount(total)),
            *((label, amount(funds.get(source)) if split else "") for label, source in SOURCES))  # fmt: skip


def _lines(project: Project) -> tuple[TargetLine, ...]:
    rows = list(project.indicators.all())
    weighted = any(r.weight for r in rows)  # none at all: weights_missing, the column stays blank
    lines = []
    for r in rows:
        weight = pts(r.weight or Decimal(0)) if weighted else ""
        lines.append(TargetLine(r.level1, r.level2, r.level3, *declared_target(r), r.unit, weight))
    return tuple(lines)


def declaration(project: Project) -> Declaration:
    """The 申报表 of `project` (with unit, department, funds and indicators loaded)."""
    unit = project.unit
    return Declaration(
        code=project.code, name=project.name, year=project.year, unit=str(unit),
        department=str(unit.department) if unit.department else "", attribute=project.attribute, period="",
        funds=_funds(project), medium_goal=project.overall_goal, annual_goal=project.annual_goal,
        indicators=_lines(project),
    )  # fmt: skip


def declarations_for(project_ids: Iterable[int]) -> list[Declaration]:
    """The 申报表 of many projects in three queries, in the order of their ids as given."""
    ids = list(project_ids)
    loaded = {p.pk: p for p in projects_with_scoring_data(Project.objects.filter(pk__in=ids))}
    return [declaration(loaded[pk]) for pk in ids if pk in loaded]


# --- the national form --------------------------------------------------------------------------


class _Rows:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.bold: list[int] = []

    def add(self, *cells: str, spans: tuple[tuple[int, int], ...] = (), bold: bool = False) -> int:
        """A row of WIDTH cells; `spans` merge (first, last) columns; a span's cells after its first hold ""."""
        row = [*cells, *[""] * WIDTH][:WIDTH]
        r = len(self.rows)
        for first, last in spans:
            row[first + 1 : last + 1] = [""] * (last - first)
            self.merges.append((r, first, r, last))
        self.rows.append(tuple(row))
        if bold:
            self.bold.append(r)
        return r

    def down(self, col: int, first: int, last: int) -> None:
        """Merge column `col` from row `first` to `last`: the cells below the first hold ""."""
        if last <= first:
            return
        self.merges.append((first, col, last, col))
        for r in range(first + 1, last + 1):
            self.rows[r] = (*self.rows[r][:col], "", *self.rows[r][col + 1 :])


def _indicator_rows(g: _Rows, lines: tuple[TargetLine, ...]) -> None:
    """The table, 一级 and 二级 merged down over their runs as the national form prints them."""
    header = g.add(*INDICATOR_HEADER, bold=True)
    start1 = start2 = header + 1
    for i, line in enumerate(lines):
        r = g.add("", line.level1, line.level2, line.level3, line.comparator, line.target, line.unit, line.weight)
        last = i == len(lines) - 1
        if last or lines[i + 1].level1 != line.level1:
            g.down(1, start1, r)
            g.down(2, start2, r)
            start1 = start2 = r + 1
        elif lines[i + 1].level2 != line.level2:
            g.down(2, start2, r)
            start2 = r + 1
    if not lines:
        g.add("", NO_INDICATORS, spans=((1, WIDTH - 1),))
    g.down(0, header, len(g.rows) - 1)


def declaration_grid(d: Declaration) -> Grid:
    """The 申报表 as a bordered table with its merges (title and caption printed above it)."""
    g = _Rows()
    left, right = (1, 3), (5, WIDTH - 1)
    g.add("项目名称", d.label, spans=((1, WIDTH - 1),))
    g.add("主管部门及代码", d.department, "", "", "实施单位", d.unit, spans=(left, right))
    g.add("项目属性", d.attribute, "", "", "项目期", d.period, spans=(left, right))
    funds = g.add("项目资金（万元）", "资金来源", "", "", FUNDS_HEADER, spans=(left, (4, WIDTH - 1)), bold=True)
    for label, value in d.funds:
        g.add("", label, "", "", value, spans=(left, (4, WIDTH - 1)))
    g.down(0, funds, len(g.rows) - 1)
    goals = g.add("总体目标", "中期目标", "", "", "年度目标", spans=(left, (4, WIDTH - 1)), bold=True)
    g.add("", d.medium_goal, "", "", d.annual_goal, spans=(left, (4, WIDTH - 1)))
    g.down(0, goals, goals + 1)
    _indicator_rows(g, d.indicators)
    return Grid(title=TITLE, rows=tuple(g.rows), merges=tuple(g.merges), bold_rows=tuple(g.bold),
                widths=(9, 10, 12, 22, 8, 12, 8, 7), caption=f"（{d.year}年度）　金额单位：万元")  # fmt: skip


# --- render -------------------------------------------------------------------------------------

NUMERIC = frozenset({FUNDS_HEADER, "权重"})  # numbers in the workbook: amounts and weights


def render(d: Declaration, fmt: str) -> bytes:
    """The 申报表 of `d` as .xlsx or .docx bytes (renderers loaded with the first file of a format)."""
    grid = declaration_grid(d)
    if fmt == "xlsx":
        out = BytesIO()
        grid_workbook(grid, numeric=NUMERIC, amounts=frozenset({FUNDS_HEADER})).save(out)
        return out.getvalue()
    if fmt == "docx":
        from reports.docx import render_document  # python-docx: with the first Word file, as the reports

        title, _, unit = grid.caption.partition("　")
        page = Grid(title="", rows=grid.rows, merges=grid.merges, bold_rows=grid.bold_rows, widths=grid.widths,
                    caption=unit)  # fmt: skip
        return render_document(Document(title=TITLE, subtitle=title, blocks=(page,)))
    raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt))
