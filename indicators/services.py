"""Writes for indicators: the workbook import (contract.md, "Import")."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.importer import ImportFailed, ParsedIndicator, ParsedProject, parse_rows
from indicators.models import Indicator, direction_of
from indicators.workbook import read_workbook
from projects.models import Department, Fund, FundSource, Project, Unit
from scoring.rules import evaluate
from scoring.schemes import get_scheme
from scoring.services import projects_rescore
from scoring.types import QUALITATIVE, ZERO, BudgetInput, EvaluationInput, IndicatorInput, Scheme, Warning

__all__ = ["ImportFailed", "ImportReport", "workbook_import"]

IMPORT_REASON = "导入工作簿"
OTHER_UNIT = "{sheet}!第{row}行 单位名称：项目“{project}”属于单位“{unit}”，您只能导入本单位（{own}）的项目"
UNREADABLE = "无法读取工作簿“{path}”：{error}"
FUND_SOURCES = {"fiscal": FundSource.FISCAL, "carryover": FundSource.CARRYOVER, "other": FundSource.OTHER}


@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do)."""

    dry_run: bool
    projects_created: int = 0
    projects_updated: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    indicators_unchanged: int = 0
    warnings: list[tuple[str, Warning]] = field(default_factory=list)

    def summary(self) -> str:
        head = "试运行（未写入任何数据）" if self.dry_run else "导入完成"
        return (
            f"{head}：项目 新建 {self.projects_created} 个、更新 {self.projects_updated} 个；"
            f"指标 新建 {self.indicators_created} 条、更新 {self.indicators_updated} 条、"
            f"未变 {self.indicators_unchanged} 条；"
            f"警告 {len(self.warnings)} 条"
        )


def workbook_import(
    *,
    path: str | Path,
    year: int,
    scheme_key: str | None = None,
    dry_run: bool = False,
    default_unit: str = "",
    user: object = None,
    only_unit: object = None,
) -> ImportReport:
    """Import a workbook atomically: any invalid row raises ImportFailed and writes nothing."""
    scheme = get_scheme(scheme_key or "national")
    try:
        rows = list(read_workbook(path))
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ImportFailed([UNREADABLE.format(path=path, error=exc)]) from exc
    projects = parse_rows(rows, scheme, default_unit=default_unit)
    if only_unit is not None:
        _check_unit(projects, only_unit)
    report = ImportReport(dry_run=dry_run)
    report.warnings = [(p.label, w) for p in projects for w in project_warnings(p, scheme)]
    with transaction.atomic():
        ids = _Writer(year, scheme, scheme_key, report, user).write(projects)
        if dry_run:
            transaction.set_rollback(True)
        else:
            projects_rescore(project_ids=ids)
    return report


def _check_unit(projects: list[ParsedProject], unit: Unit) -> None:
    """An officer's upload may only hold their own unit's projects."""
    errors = [
        OTHER_UNIT.format(
            sheet=p.sheet, row=p.row, project=p.label, unit=f"{p.unit_code}-{p.unit_name}".strip("-"), own=unit
        )
        for p in projects
        if (p.unit_code and p.unit_code != unit.code) or (not p.unit_code and p.unit_name != unit.name)
    ]
    if errors:
        raise ImportFailed(errors)


# --- warnings from the workbook's own data ------------------------------------------------


def _indicator_input(i: ParsedIndicator) -> IndicatorInput:
    t, a = i.target, i.actual
    return IndicatorInput(
        level1=i.level1, level2=i.level2, level3=i.level3, comparator=t.comparator, weight=i.weight,
        target=t.value, target_text=t.text, unit=t.unit, deadline=t.deadline,
        actual=a.value if a else None, actual_text=a.text if a else "", actual_label=a.label if a else "",
        actual_date=a.on_date if a else None, actual_assumed=a.assumed if a else False,
        sign_assumed=t.sign_assumed, reason=i.reason or "",
    )  # fmt: skip


def project_warnings(p: ParsedProject, scheme: Scheme) -> tuple[Warning, ...]:
    """domain.md §3 warnings for what the workbook says about `p`."""
    annual, executed = p.money_value("annual"), p.money_value("executed")
    if p.funds:
        annual = sum((f.get("annual") or ZERO for f in _fund_rows(p).values()), ZERO)
        executed = sum((f.get("executed") or ZERO for f in _fund_rows(p).values()), ZERO)
    budget = BudgetInput(annual, executed) if annual is not None and executed is not None else None
    data = EvaluationInput(scheme, tuple(_indicator_input(i) for i in p.indicators.values()), budget,
                           tuple(p.name_variants))  # fmt: skip
    return evaluate(data).warnings


def _fund_rows(p: ParsedProject) -> dict[str, dict[str, Decimal | None]]:
    """Form-layout funds by source; the 年度资金总额 row alone when no source row is given."""
    split = {FUND_SOURCES[k]: v for k, v in p.funds.items() if k in FUND_SOURCES}
    total = p.funds.get("total")
    split_annual = sum((v.get("annual") or ZERO for v in split.values()), ZERO)
    if split and (total is None or total.get("annual") == split_annual):
        return split
    return {FundSource.UNSPLIT: total} if total else {}


# --- writing ------------------------------------------------------------------------------


class _Writer:
    """Bulk writes: a fixed number of queries per import, whatever the number of rows."""

    def __init__(self, year: int, scheme: Scheme, scheme_key: str | None, report: ImportReport, user: object) -> None:
        self.year, self.scheme, self.scheme_key, self.report = year, scheme, scheme_key, report
        self.user, self.reason = user, IMPORT_REASON

    def write(self, parsed: list[ParsedProject]) -> list[int]:
        """Write everything; returns the ids of the projects written."""
        departments = self._departments({p.department for p in parsed if p.department})
        units = self._units(parsed, departments)
        projects = self._projects(parsed, units)
        self._funds(parsed, projects)
        self._indicators(parsed, projects)
        return [p.pk for p in projects.values()]

    def _departments(self, names: set[str]) -> dict[str, Department]:
        found = {d.name: d for d in Department.objects.filter(name__in=names)}
        new = [Department(name=n) for n in sorted(names - found.keys())]
        Department.objects.bulk_create(new)
        return found | {d.name: d for d in new}

    def _units(self, parsed: list[ParsedProject], departments: dict[str, Department]) -> dict[str, Unit]:
        wanted = {p.unit_code or p.unit_name: p for p in parsed}
        codes = {p.unit_code for p in parsed if p.unit_code}
        names = {p.unit_name for p in parsed if not p.unit_code}
        found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        found |= {u.name: u for u in Unit.objects.filter(code="", name__in=names)}
        new = [
            Unit(code=p.unit_code, name=p.unit_name, department=departments.get(p.department))
            for key, p in wanted.items()
            if key not in found
        ]
        Unit.objects.bulk_create(new)
        return found | {u.code or u.name: u for u in new}

    def _projects(self, parsed: list[ParsedProject], units: dict[str, Unit]) -> dict[int, Project]:
        coded = {p.code for p in parsed if p.code}
        uncoded = {p.name for p in parsed if not p.code}
        base = Project.objects.filter(year=self.year)
        found = {("code", x.code): x for x in base.filter(code__in=coded)}
        found |= {("name", x.unit_id, x.name): x for x in base.filter(code="", name__in=uncoded)}
        result: dict[int, Project] = {}
        new, changed = [], []
        for p in parsed:
            unit = units[p.unit_code or p.unit_name]
            key = ("code", p.code) if p.code else ("name", unit.pk, p.name)
            project = found.get(key)
            if project is None:
                project = Project(unit=unit, year=self.year, code=p.code, name=p.name, scheme=self.scheme.key)
                new.append(project)
            else:
                changed.append(project)
            self._apply_project(project, p, unit)
            result[id(p)] = project
        bulk_create_with_history(new, Project, default_change_reason=self.reason, default_user=self.user)
        fields = ["unit", "annual_goal", "scheme", "name_variants", "updated_at"]
        bulk_update_with_history(changed, Project, fields, batch_size=UPDATE_BATCH, default_change_reason=self.reason,
                                 default_user=self.user)  # fmt: skip
        self.report.projects_created += len(new)
        self.report.projects_updated += len(changed)
        return result

    def _apply_project(self, project: Project, p: ParsedProject, unit: Unit) -> None:
        project.unit = unit
        project.annual_goal = p.goal or project.annual_goal
        if self.scheme_key:
            project.scheme = self.scheme.key
        variants = [v for v in [*(project.name_variants or []), *p.name_variants, p.name] if v != project.name]
        project.name_variants = list(dict.fromkeys(variants))

    def _funds(self, parsed: list[ParsedProject], projects: dict[int, Project]) -> None:
        ids = [projects[id(p)].pk for p in parsed]
        existing: dict[int, list[Fund]] = {}
        for fund in Fund.objects.filter(project_id__in=ids):
            existing.setdefault(fund.project_id, []).append(fund)
        replace, new = [], []
        for p in parsed:
            project = projects[id(p)]
            rows = self._wanted_funds(p, existing.get(project.pk, []))
            if rows is None:
                continue
            replace.append(project.pk)
            new += [Fund(project=project, source=s, **values) for s, values in rows.items()]
        Fund.objects.filter(project_id__in=replace).delete()
        bulk_create_with_history(new, Fund, default_change_reason=self.reason, default_user=self.user)

    @staticmethod
    def _wanted_funds(p: ParsedProject, current: list[Fund]) -> dict[str, dict[str, Decimal]] | None:
        """Fund rows to write for `p`, or None to keep what is stored."""
        if p.funds:
            rows = _fund_rows(p)
            return {s: {"initial": v.get("initial"), "annual": v["annual"], "executed": v.get("executed") or ZERO}
                    for s, v in rows.items()}  # fmt: skip
        annual = p.money_value("annual")
        if annual is None:
            return None
        initial, executed = p.money_value("initial"), p.money_value("executed")
        have_annual = sum((f.annual for f in current), ZERO)
        have_executed = sum((f.executed for f in current), ZERO)
        have_initial = (
            sum((f.initial or ZERO for f in current), ZERO) if any(f.initial is not None for f in current) else None
        )
        same = (
            current and have_annual == annual and initial in (None, have_initial) and executed in (None, have_executed)
        )
        if same:
            return None
        values = {"annual": annual, "initial": initial if initial is not None else have_initial,
                  "executed": executed if executed is not None else have_executed}  # fmt: skip
        return {FundSource.UNSPLIT: values}

    def _indicators(self, parsed: list[ParsedProject], projects: dict[int, Project]) -> None:
        ids = [projects[id(p)].pk for p in parsed]
        found = {(i.project_id, i.level1, i.level2, i.level3): i for i in Indicator.objects.filter(project_id__in=ids)}
        new, changed = [], []
        for p in parsed:
            project = projects[id(p)]
            for position, item in enumerate(p.indicators.values(), start=1):
                row = found.get((project.pk, item.level1, item.level2, item.level3))
                if row is None:
                    row = Indicator(project=project, level1=item.level1, level2=item.level2, level3=item.level3)
                    _apply_indicator(row, item, position)
                    new.append(row)
                    continue
                before = _values(row)
                _apply_indicator(row, item, position)
                if _values(row) != before:
                    changed.append(row)
                else:
                    self.report.indicators_unchanged += 1
        bulk_create_with_history(new, Indicator, default_change_reason=self.reason, default_user=self.user)
        bulk_update_with_history(changed, Indicator, INDICATOR_FIELDS, batch_size=UPDATE_BATCH,
                                 default_change_reason=self.reason, default_user=self.user)  # fmt: skip
        self.report.indicators_created += len(new)
        self.report.indicators_updated += len(changed)


# bulk_update writes CASE WHEN per field and row: SQLite counts two parameters for each.
UPDATE_BATCH = 500
INDICATOR_FIELDS = [
    "position", "comparator", "target", "target_text", "unit", "deadline", "sign_assumed", "weight", "direction",
    "actual", "actual_text", "actual_label", "actual_date", "actual_assumed", "reason",
]  # fmt: skip


def _values(row: Indicator) -> tuple:
    return tuple(getattr(row, name) for name in INDICATOR_FIELDS)


def _apply_indicator(row: Indicator, item: ParsedIndicator, position: int) -> None:
    t = item.target
    row.position = position
    row.comparator, row.target, row.target_text, row.unit = t.comparator, t.value, t.text, t.unit
    row.deadline, row.sign_assumed, row.weight = t.deadline, t.sign_assumed, item.weight
    row.direction = direction_of(t.comparator)
    if t.comparator != QUALITATIVE and t.deadline is None:
        row.target_text = ""  # a plain number: `target` holds it
    if item.actual is not None:
        a = item.actual
        row.actual, row.actual_text, row.actual_label = a.value, a.text, a.label
        row.actual_date, row.actual_assumed = a.on_date, a.assumed
    if item.reason:
        row.reason = item.reason


# --- evaluator adjustments ----------------------------------------------------------------

ADJUST_STATE = "只有已提交、待审核的项目可以调整得分"
ADJUST_REASON = "请填写调整理由"


@transaction.atomic
def indicator_adjust(*, indicator: Indicator, value: Decimal | None, reason: str, user: object) -> Indicator:
    """An evaluator replaces the computed score (value None clears it); the computed one is kept.

    The value must lie in [0, w] and, for a 定性 indicator of a band-locked scheme, inside its
    band (domain.md §2); who and when are recorded, and the history keeps every change.
    """
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from projects.models import Status
    from scoring.rules import adjustment_error
    from scoring.services import indicator_input

    project = indicator.project
    if project.status != Status.SUBMITTED:
        raise ValidationError(ADJUST_STATE, code="state")
    if value is not None:
        if not reason.strip():
            raise ValidationError({"reason": ADJUST_REASON})
        error = adjustment_error(indicator_input(indicator), value, get_scheme(project.scheme))
        if error:
            raise ValidationError({"value": error})
    indicator.adjusted_score = value
    indicator.adjust_reason = reason.strip() if value is not None else ""
    indicator.adjusted_by = user if value is not None else None
    indicator.adjusted_at = timezone.now() if value is not None else None
    indicator._change_reason = f"审核调整：{reason.strip()}" if value is not None else "撤销审核调整"
    indicator.save(update_fields=["adjusted_score", "adjust_reason", "adjusted_by", "adjusted_at"])
    projects_rescore(project_ids=[project.pk])
    return indicator
