"""What a workbook import will store, for the officer to read before 确认导入 (the upload page).

Built inside the import's own transaction (indicators.services.workbook_import, dry run): the
stored projects, indicators and funds are read once for all projects before anything is written,
then each admitted project is merged exactly as the writer merges it (the writer's own helpers)
and scored by the engine. Frozen dataclasses out, strings ready to print; no per-project query.
"""

from __future__ import annotations

import copy
import operator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from evalsys.lib.bulk import Blanks
from indicators.importer import ParsedIndicator, ParsedProject
from indicators.models import Indicator
from projects.models import Fund, FundSource, Project, Unit
from projects.scores import indicator_input
from scoring import display
from scoring.labels import WARNING_LABELS
from scoring.rules import evaluate, fmt, pts
from scoring.schemes import get_scheme
from scoring.targets import LABELS as TARGET_LABELS
from scoring.types import (
    QUALITATIVE,
    ZERO,
    BudgetInput,
    Evaluation,
    EvaluationInput,
    IndicatorInput,
    IndicatorScore,
    Warning,
)

NEW, CHANGED, SAME, KEPT = "new", "changed", "same", "kept"
STATE_LABELS = {NEW: "新增", CHANGED: "更新", SAME: "未变", KEPT: "保留"}
PROJECT_STATE_LABELS = {NEW: "新建", CHANGED: "更新", SAME: "未变"}
KEPT_NOTE = "工作簿中没有此行；导入不删除指标，保留原值"
FUND_FIELDS = (("initial", "年初预算数"), ("annual", "全年预算数"), ("executed", "全年执行数"))


@dataclass(frozen=True)
class Change:
    """One stored value the import replaces: `label`: `old` → `new`."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class WarningLine:
    code: str
    label: str
    message: str
    indicator: str = ""


@dataclass(frozen=True)
class RowPreview:
    """One indicator as it will be stored, its score and what the import changes in it. The printed
    values are made when a page shows them (a preview of 1,000 projects shows 50 row by row)."""

    state: str  # NEW, CHANGED, SAME, or KEPT (stored, not in the workbook)
    scored: IndicatorScore  # the engine's input and score of the row
    sheet: str = ""
    row: int | None = None
    changes: tuple[Change, ...] = ()
    warnings: tuple[WarningLine, ...] = ()

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def level1(self) -> str:
        return self.scored.indicator.level1

    @property
    def level2(self) -> str:
        return self.scored.indicator.level2

    @property
    def level3(self) -> str:
        return self.scored.indicator.level3

    @property
    def comparator(self) -> str:
        return self.scored.indicator.comparator

    @property
    def unit(self) -> str:
        return self.scored.indicator.unit

    @property
    def target(self) -> str:
        return _target(self.scored.indicator)

    @property
    def weight(self) -> str:
        return pts(self.scored.indicator.weight)

    @property
    def actual(self) -> str:
        return _actual(self.scored.indicator)

    @property
    def score(self) -> str:
        return pts(self.scored.score)

    @property
    def explanation(self) -> str:
        why = self.scored.explanation
        return f"{KEPT_NOTE}；{why}" if self.state == KEPT else why


@dataclass(frozen=True)
class BudgetPreview:
    annual: str
    executed: str
    rate: str
    weight: str
    score: str
    explanation: str


@dataclass(frozen=True)
class ProjectPreview:
    """One admitted project of the workbook: rows, scores, warnings and changes."""

    label: str
    unit: str
    sheet: str
    row: int
    state: str  # NEW, CHANGED or SAME
    scheme: str
    total: str
    grade: str
    budget: BudgetPreview | None
    rows: tuple[RowPreview, ...]
    changes: tuple[Change, ...] = ()  # project fields and funds
    warnings: tuple[WarningLine, ...] = ()  # the project's own (not an indicator's)
    subtotals: tuple[tuple[str, str], ...] = ()
    # nothing achieved yet (targets only): 未评分, as the lists will say, not 0.00 差 (display.has_actuals)
    scored: bool = True

    @property
    def state_label(self) -> str:
        return PROJECT_STATE_LABELS[self.state]

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + sum(len(r.warnings) for r in self.rows)

    @property
    def changed_rows(self) -> int:
        return sum(r.state in (NEW, CHANGED) for r in self.rows)


@dataclass
class Stored:
    """What the database holds for the workbook's projects, read before the import writes."""

    units: dict[str, Unit]
    projects: dict[int, Project | None]  # id(parsed) -> the stored project
    indicators: dict[int, list[Indicator]] = field(default_factory=dict)  # project pk -> rows
    funds: dict[int, list[Fund]] = field(default_factory=dict)  # project pk -> funds


def stored_read(*, writer: Any, parsed: list[ParsedProject]) -> Stored:
    """The stored side of every parsed project, in a fixed number of queries (the writer's reads)."""
    units = writer._existing_units(parsed)
    found = writer._existing_projects(parsed, units)
    ids = [p.pk for p in found.values() if p is not None]
    stored = Stored(units, found)
    for row in Indicator.objects.filter(project_id__in=ids).order_by("position", "pk"):
        stored.indicators.setdefault(row.project_id, []).append(row)
    for fund in Fund.objects.filter(project_id__in=ids):
        stored.funds.setdefault(fund.project_id, []).append(fund)
    return stored


def project_previews(*, writer: Any, parsed: list[ParsedProject], stored: Stored, year: int) -> list[ProjectPreview]:
    """The previews of `parsed` (the admitted projects), in workbook order."""
    blanks = _Blanks(Blanks(Project), Blanks(Fund), Blanks(Unit))
    return [_project_preview(writer, p, stored, year, blanks) for p in parsed]


@dataclass(frozen=True)
class _Blanks:
    """New unsaved instances, made as Model(...) makes them but a thousand times over (evalsys.lib.bulk)."""

    project: Blanks
    fund: Blanks
    unit: Blanks


# --- one project ----------------------------------------------------------------------------


def _project_preview(writer: Any, p: ParsedProject, stored: Stored, year: int, blanks: _Blanks) -> ProjectPreview:
    before = stored.projects.get(id(p))
    unit = stored.units.get(p.unit_code or p.unit_name) or blanks.unit.new(code=p.unit_code, name=p.unit_name)
    after = copy.copy(before) if before else blanks.project.new({"unit": unit}, year=year, code=p.code, name=p.name,
                                                                scheme=writer.scheme.key)  # fmt: skip
    writer._apply_project(after, p, unit)
    old_rows = stored.indicators.get(before.pk, []) if before else []
    old_funds = stored.funds.get(before.pk, []) if before else []
    pairs = _merged_rows(p, old_rows, writer.rows_of(p))
    funds = _merged_funds(writer, p, old_funds, blanks.fund)
    ev = _evaluation(writer, writer.pk_of(p), after, [new for _, new, _ in pairs], funds)
    # a declaration (绩效目标申报表) is read for §8's target checks, as the import reports it
    warnings = writer.declaration_checks(writer.pk_of(p)) if p.declaration else ev.warnings
    by_name = _warnings_by_indicator(warnings)
    rows = tuple(_row(writer, old, new, item, score, by_name) for (old, new, item), score in zip(pairs, ev.indicators,
                                                                                        strict=True))  # fmt: skip
    changes = (*_project_changes(before, after), *_fund_changes(old_funds, funds)) if before else ()
    state = NEW if before is None else (CHANGED if changes or any(r.state != SAME for r in rows) else SAME)
    head = tuple(_line(w) for w in warnings if not w.indicator or w.indicator not in {r.level3 for r in rows})
    return ProjectPreview(
        label=p.label, unit=str(unit), sheet=p.sheet, row=p.row, state=state, scheme=ev.scheme.label,
        total=pts(ev.total), grade=ev.grade, budget=_budget(ev), rows=rows, changes=changes, warnings=head,
        subtotals=tuple((name, pts(value)) for name, value in ev.subtotals), scored=display.has_actuals(ev),
    )  # fmt: skip


def _merged_rows(
    p: ParsedProject, old_rows: list[Indicator], written: list[Indicator]
) -> list[tuple[Indicator | None, Indicator, ParsedIndicator | None]]:
    """(stored row, row as it will be stored, workbook row) for every indicator after the import;
    stored rows the workbook does not name stay as they are (the import never deletes). The rows
    as they will be stored are the writer's own (`written`, in workbook order), read before rollback."""
    by_key = {(i.level1, i.level2, i.level3): i for i in old_rows}
    out: list[tuple[Indicator | None, Indicator, ParsedIndicator | None]] = [
        (by_key.pop(key, None), new, item) for (key, item), new in zip(p.indicators.items(), written, strict=True)
    ]
    return out + [(old, old, None) for old in by_key.values()]


def _merged_funds(writer: Any, p: ParsedProject, old: list[Fund], blank: Blanks) -> list[Fund]:
    rows = writer._wanted_funds(p, old)
    if rows is None:
        return old
    return [blank.new(source=source, **values) for source, values in rows.items()]


def _evaluation_input(
    project: Project, rows: list[Indicator], funds: list[Fund], inputs: tuple[IndicatorInput, ...] | None = None
) -> EvaluationInput:
    """As projects.scores.evaluation_input reads the stored project after the import (`inputs`: the
    rows' own, when already made)."""
    budget = None
    if funds:
        annual = sum((f.annual for f in funds), ZERO)
        executed = sum((f.executed for f in funds), ZERO)
        budget = BudgetInput(annual, executed, any(getattr(f, "annual_assumed", False) for f in funds))
    variants = tuple(project.name_variants or ())
    inputs = tuple(indicator_input(r) for r in rows) if inputs is None else inputs
    return EvaluationInput(get_scheme(project.scheme), inputs, budget, variants, project.code, project.year)


def _evaluation(writer: Any, pk: int, project: Project, rows: list[Indicator], funds: list[Fund]) -> Evaluation:
    """The engine's evaluation of the project after the import: the writer's own when the input is
    the one the writer scores (a new project's always is), so nothing is scored twice."""
    written = writer.written_input(pk)
    same_rows = len(rows) == len(stored := writer.stored_rows(pk)) and all(map(operator.is_, rows, stored))
    data = _evaluation_input(project, rows, funds, written.indicators if same_rows else None)
    return writer.evaluation(pk) if data == written else evaluate(data)


def _budget(ev: Evaluation) -> BudgetPreview | None:
    b = ev.budget
    if b is None:
        return None
    return BudgetPreview(pts(b.annual), pts(b.executed), pts(b.rate), pts(b.weight), pts(b.score), b.explanation)


# --- rows -----------------------------------------------------------------------------------


def _row(writer: Any, old: Indicator | None, new: Indicator, item: ParsedIndicator | None, score: Any,
         by_name: dict[str, list]) -> RowPreview:  # fmt: skip
    i = score.indicator
    changes = _indicator_changes(old, new) if old is not None and item is not None else ()
    values = writer.indicator_values
    state = KEPT if item is None else NEW if old is None else CHANGED if values(old) != values(new) else SAME
    return RowPreview(state=state, scored=score, sheet=item.sheet if item else "", row=item.row if item else None,
                      changes=changes, warnings=tuple(by_name.get(i.level3, ())))  # fmt: skip


SHOWN = (("顺序", lambda i, r: str(r.position)), ("指标性质", lambda i, r: i.comparator),
         ("指标值", lambda i, r: _target(i)), ("度量单位", lambda i, r: i.unit),
         ("权重", lambda i, r: pts(i.weight)), ("实际完成值", lambda i, r: _actual(i)),
         ("偏差原因分析及改进措施", lambda i, r: i.reason),
         ("审核调整得分", lambda i, r: pts(i.adjusted) if i.adjusted is not None else ""))  # fmt: skip


def _indicator_changes(old: Indicator, new: Indicator) -> tuple[Change, ...]:
    a, b = indicator_input(old), indicator_input(new)
    pairs = ((label, show(a, old), show(b, new)) for label, show in SHOWN)
    return tuple(Change(label, x, y) for label, x, y in pairs if x != y)


def _target(i: IndicatorInput) -> str:
    if i.deadline is not None:  # 2022年12月31日前, not the date cell's 2022-12-31
        return display.target_text(i)
    if i.comparator == QUALITATIVE:
        return i.target_text
    return fmt(i.target)


def _actual(i: IndicatorInput) -> str:
    if i.deadline is not None:
        return display.actual_text(i)
    if i.comparator == QUALITATIVE:
        return i.actual_text or i.actual_label
    return fmt(i.actual) if i.actual is not None else ""


def _line(w: Warning) -> WarningLine:
    return WarningLine(w.code, WARNING_LABELS.get(w.code) or TARGET_LABELS.get(w.code, w.code), w.message, w.indicator)


def _warnings_by_indicator(warnings: tuple[Warning, ...]) -> dict[str, list[WarningLine]]:
    out: dict[str, list[WarningLine]] = {}
    for w in warnings:
        if w.indicator:
            out.setdefault(w.indicator, []).append(_line(w))
    return out


# --- project fields and funds ---------------------------------------------------------------


def _project_changes(before: Project, after: Project) -> tuple[Change, ...]:
    out = []
    if before.annual_goal != after.annual_goal:
        out.append(Change("年度目标", before.annual_goal, after.annual_goal))
    if before.scheme != after.scheme:
        out.append(Change("评分方案", get_scheme(before.scheme).label, get_scheme(after.scheme).label))
    if before.unit_id != after.unit_id:
        out.append(Change("单位", str(before.unit), str(after.unit)))
    if list(before.name_variants or []) != list(after.name_variants or []):
        out.append(Change("名称变体", "、".join(before.name_variants or []), "、".join(after.name_variants or [])))
    return tuple(out)


def _fund_changes(old: list[Fund], new: list[Fund]) -> tuple[Change, ...]:
    """Funds are replaced per project: each source's amounts, old → new ("" where there is none)."""
    if new is old:
        return ()
    before, after = {f.source: f for f in old}, {f.source: f for f in new}
    out = []
    for source in dict.fromkeys([*before, *after]):
        label = FundSource(source).label
        for name, title in FUND_FIELDS:
            x, y = _amount(before.get(source), name), _amount(after.get(source), name)
            if x != y:
                out.append(Change(f"资金（{label}）{title}", x, y))
    return tuple(out)


def _amount(fund: Fund | None, name: str) -> str:
    value: Decimal | None = getattr(fund, name, None) if fund is not None else None
    return pts(value) if value is not None else ""
