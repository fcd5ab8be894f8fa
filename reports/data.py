"""Gather one frozen `ReportData` per project: the only report code that queries.

Every number in a report comes from here, and the scores come from the scoring engine, so
the narrative and the tables can never disagree (domain.md §6).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from projects.models import FundSource, Project
from projects.scores import project_evaluate
from projects.selectors import projects_with_scoring_data
from reports.text import CleanText
from scoring.display import actual_text, amount, target_text
from scoring.rules import pts
from scoring.types import ZERO, Evaluation, IndicatorScore
from targets.selectors import Adjustment, adjustment_sentences, adjustments_for, target_adjustments

SOURCE_ORDER = [FundSource.FISCAL, FundSource.CARRYOVER, FundSource.OTHER, FundSource.UNSPLIT]
DEFAULT_PURPOSE = (
    "为提高财政资源使用效益，按照预算绩效管理的要求，对项目总体绩效目标、各项绩效指标完成情况以及"
    "预算执行情况进行评价，全面了解项目实施情况，对未完成绩效目标或偏离绩效目标较大的指标分析原因、"
    "提出改进措施，为编制预算、完善政策和改进管理提供依据。"
)


@dataclass(frozen=True)
class FundLine(CleanText):
    """One row of the funds block, amounts in 万元 as two-decimal strings."""

    label: str
    initial: str
    annual: str
    executed: str
    rate: str


@dataclass(frozen=True)
class IndicatorLine(CleanText):
    level1: str
    level2: str
    level3: str
    comparator: str
    target: str
    actual: str
    unit: str
    weight: str
    computed: str
    score: str
    adjusted: bool
    adjust_reason: str
    reason: str
    explanation: str


@dataclass(frozen=True)
class Narrative(CleanText):
    introduction: str = ""
    purpose: str = DEFAULT_PURPOSE
    outputs: str = ""
    management: str = ""
    problems: str = ""
    plans: str = ""
    measures: str = ""
    experience: str = ""
    suggestions: str = ""


@dataclass(frozen=True)
class ReportData(CleanText):
    """Everything a renderer needs, as display-ready strings (万元 and points with two decimals);
    every string is XML-safe (`CleanText`), so each format can print it."""

    code: str
    name: str
    year: int
    unit: str
    department: str
    attribute: str
    overall_goal: str
    annual_goal: str
    actual_summary: str
    scheme_key: str
    scheme_label: str
    outline: str  # "unit" (national self-evaluation), "department" (部门评价) or "framework2013" (seed 004)
    funds: tuple[FundLine, ...]  # 年度资金总额 first, then each source
    budget_weight: str
    budget_score: str
    budget_rate: str
    indicators: tuple[IndicatorLine, ...]
    subtotals: tuple[tuple[str, str], ...]
    indicator_total: str
    total: str
    grade: str
    warnings: tuple[tuple[str, str, str], ...]  # (code, indicator, message)
    narrative: Narrative
    generated_on: datetime.date
    # (一级, points, weight, share "95.00%", grade) when the scheme grades each 一级 (framework2013)
    level1_grades: tuple[tuple[str, str, str, str, str], ...] = ()
    low_execution_reason: str = ""  # 执行率偏低原因, as the officer entered it
    # 调整绩效目标 approved during the year: 调整前 → 调整后 with the reason (targets.selectors)
    target_adjustments: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        kind = "绩效评价报告" if self.outline == "department" else "绩效自评报告"
        # “…服务项目” + “项目绩效自评报告” would say 项目 twice
        return f"{self.name}{kind}" if self.name.endswith("项目") else f"{self.name}项目{kind}"

    def level1_grade(self, level1: str) -> str:
        """The grade of one 一级 ("" when the scheme grades none or the 一级 has no weight)."""
        return next((g[4] for g in self.level1_grades if g[0] == level1), "")

    @property
    def funds_sentences(self) -> tuple[str, str, str]:
        """本年度资金年初预算数…万元，其中：财政拨款…万元… (seed 000 wording), for 年初/全年/执行."""
        total, parts = self.funds[0], self.funds[1:]
        out = []
        for word, attr in (("年初预算数", "initial"), ("全年预算数", "annual"), ("全年执行数", "executed")):
            if not getattr(total, attr):  # a table without 年初预算数 (most flat imports)
                out.append(f"本年度资金{word}未填写。")
                continue
            # a source without this amount says so ("其他资金未填写"), never "其他资金万元"
            detail = "，".join(f"{p.label}{getattr(p, attr)}万元" if getattr(p, attr) else f"{p.label}未填写"
                              for p in parts)  # fmt: skip
            out.append(f"本年度资金{word}{getattr(total, attr)}万元" + (f"，其中：{detail}。" if detail else "。"))
        return out[0], out[1], out[2]

    @property
    def budget_sentences(self) -> tuple[str, ...]:
        """The funds sentences and, when the officer gave one, the 执行率偏低原因 (the budget section)."""
        reason = self.low_execution_reason.strip()
        return (*self.funds_sentences, *([f"预算执行率偏低原因：{reason}"] if reason else []))

    def by_level1(self) -> tuple[tuple[str, tuple[IndicatorLine, ...]], ...]:
        names = [name for name, _ in self.subtotals]
        return tuple((n, tuple(i for i in self.indicators if i.level1 == n)) for n in names)


def _money(value: Decimal | None) -> str:
    """万元 with two decimals and thousands separators (1,230.50), as the 自评表 prints them."""
    return amount(value)


def _rate(executed: Decimal, annual: Decimal) -> str:
    return f"{pts(executed * 100 / annual)}%" if annual > 0 else "—"


def fund_lines(rows: list[tuple[str, Decimal | None, Decimal, Decimal]], *, split: bool = True) -> tuple[FundLine, ...]:
    """年度资金总额 and, when `split`, one line per source, from (label, initial, annual, executed)."""
    initial = sum((r[1] or ZERO for r in rows), ZERO) if any(r[1] is not None for r in rows) else None
    annual = sum((r[2] for r in rows), ZERO)
    executed = sum((r[3] for r in rows), ZERO)
    total = FundLine("年度资金总额", _money(initial), _money(annual), _money(executed), _rate(executed, annual))
    parts = tuple(FundLine(label, _money(i), _money(a), _money(e), _rate(e, a)) for label, i, a, e in rows)
    return (total, *parts) if split else (total,)


def _funds(project: Project) -> tuple[FundLine, ...]:
    rows = sorted(project.funds.all(), key=lambda f: SOURCE_ORDER.index(f.source))
    split = [(f.get_source_display(), f.initial, f.annual, f.executed) for f in rows if f.source != FundSource.UNSPLIT]
    unsplit = [
        (f.get_source_display(), f.initial, f.annual, f.executed) for f in rows if f.source == FundSource.UNSPLIT
    ]
    return fund_lines(split + unsplit, split=not unsplit)


def _indicator(s: IndicatorScore, adjust_reason: str) -> IndicatorLine:
    i = s.indicator
    return IndicatorLine(
        level1=i.level1, level2=i.level2, level3=i.level3, comparator=i.comparator,
        target=target_text(i), actual=actual_text(i), unit=i.unit,
        weight=pts(i.weight), computed=pts(s.computed), score=pts(s.score), adjusted=s.adjusted,
        adjust_reason=adjust_reason, reason=i.reason, explanation=s.explanation,
    )  # fmt: skip


def _narrative(project: Project) -> Narrative:
    stored = getattr(project, "narrative", None)
    if stored is None:
        return Narrative()
    fields = {f: getattr(stored, f) for f in Narrative.__dataclass_fields__}
    fields["purpose"] = fields["purpose"] or DEFAULT_PURPOSE
    return Narrative(**fields)


@dataclass(frozen=True)
class ProjectInfo:
    """The project's own words and names, as printed on the report."""

    code: str
    name: str
    year: int
    unit: str
    department: str = ""
    attribute: str = ""
    overall_goal: str = ""
    annual_goal: str = ""
    actual_summary: str = ""
    low_execution_reason: str = ""


def assemble(
    *,
    info: ProjectInfo,
    funds: tuple[FundLine, ...],
    ev: Evaluation,
    adjust_reasons: list[str],
    narrative: Narrative,
    target_adjustments: tuple[str, ...] = (),
) -> ReportData:
    """ReportData from plain parts (no database): the scores are the engine's."""
    budget = ev.budget
    return ReportData(
        **{f: getattr(info, f) for f in ProjectInfo.__dataclass_fields__},
        scheme_key=ev.scheme.key, scheme_label=ev.scheme.label,
        outline=ev.scheme.report_outline,
        funds=funds, budget_weight=pts(budget.weight) if budget else "",
        budget_score=pts(budget.score) if budget else "", budget_rate=f"{budget.rate}%" if budget else "",
        indicators=tuple(_indicator(s, r) for s, r in zip(ev.indicators, adjust_reasons, strict=True)),
        subtotals=tuple((n, pts(v)) for n, v in ev.subtotals), indicator_total=pts(ev.indicator_total),
        total=pts(ev.total), grade=ev.grade,
        warnings=tuple((w.code, w.indicator, w.message) for w in ev.warnings),
        narrative=narrative, generated_on=timezone.localdate(), target_adjustments=target_adjustments,
        level1_grades=tuple(
            (g.level1, pts(g.points), pts(g.weight), f"{pts(g.share)}%" if g.share is not None else "", g.grade)
            for g in ev.level1_grades
        ),
    )  # fmt: skip


def build(project: Project, ev: Evaluation, adjustments: list[Adjustment] | None = None) -> ReportData:
    """The report of `project` scored as `ev` (project with funds, indicators, narrative loaded);
    `adjustments` its 调整绩效目标 when the caller read them for many (None: read here)."""
    unit = project.unit
    info = ProjectInfo(
        code=project.code, name=project.name, year=project.year, unit=str(unit),
        department=unit.department.name if unit.department else "", attribute=project.attribute,
        overall_goal=project.overall_goal, annual_goal=project.annual_goal, actual_summary=project.actual_summary,
        low_execution_reason=project.low_execution_reason,
    )  # fmt: skip
    reasons = [row.adjust_reason for row in project.indicators.all()]
    adjustments = target_adjustments(project) if adjustments is None else adjustments
    return assemble(info=info, funds=_funds(project), ev=ev, adjust_reasons=reasons, narrative=_narrative(project),
                    target_adjustments=adjustment_sentences(adjustments))  # fmt: skip


def report_queryset(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    return projects_with_scoring_data(queryset).select_related("narrative")


def reports_for(projects: Iterable[Project] | QuerySet[Project]) -> list[ReportData]:
    """ReportData for many projects in a fixed number of queries (materialised before rendering)."""
    queryset = projects if isinstance(projects, QuerySet) else Project.objects.filter(pk__in=[p.pk for p in projects])
    loaded = list(report_queryset(queryset))
    adjusted = adjustments_for(loaded)
    return [build(p, project_evaluate(p), adjusted.get(p.pk, [])) for p in loaded]


def report_for(project: Project) -> ReportData:
    return reports_for(Project.objects.filter(pk=project.pk))[0]
