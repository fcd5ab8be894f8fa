"""Reads of a project's 运行监控: the year's thresholds and month, the pure rules' input built from
the rows, and the `monitor --json` object (contract.md "Monitoring") that the pages, the command and
a later API share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from indicators.models import Indicator
from monitoring.models import MonitoringReport, Observation
from projects.models import FundSource, Project, YearPlan
from projects.scores import indicator_input
from scoring.monitoring import Monitoring, MonitoringInput, Thresholds, monitor
from scoring.monitoring import Observation as ObservationInput
from scoring.rules import fmt, pts
from scoring.schemes import get_scheme
from scoring.types import QUALITATIVE, ZERO, IndicatorInput

DEFAULT_MONTH = 7  # domain.md §8: 1–7月 unless the year's calendar says otherwise


def year_settings(year: int) -> tuple[int, Thresholds]:
    """The cut-off month and light bands of `year` (YearPlan), §8's defaults for a year without one."""
    plan = YearPlan.objects.filter(year=year).first()
    if plan is None:
        return DEFAULT_MONTH, Thresholds()
    lines = Thresholds(Decimal(plan.budget_green), Decimal(plan.budget_yellow), Decimal(plan.indicator_red),
                       Decimal(plan.over_run))  # fmt: skip
    return plan.monitoring_month, lines


def reports_with_data() -> QuerySet[MonitoringReport]:
    """Reports with their funds and observations, and their project's funds and indicators (in the
    tree's order), in a fixed number of queries however many reports."""
    indicators = Prefetch("project__indicators", queryset=Indicator.objects.order_by("position", "id"))
    return MonitoringReport.objects.select_related("project").prefetch_related(
        "funds", "observations", "project__funds", indicators
    )


def report_of(project: Project) -> MonitoringReport | None:
    """The project's report, read with reports_with_data, or None."""
    return reports_with_data().filter(project=project).first()


def observation_input(row: Any, found: Observation | None, target: IndicatorInput | None = None) -> ObservationInput:
    """An indicator row and its observation (None: nothing entered yet) as the rules read them;
    `target`: the row as the rules read it, when the caller has it (indicator_input(row))."""
    if target is None:
        target = indicator_input(row)
    if found is None:
        return ObservationInput(target)
    return ObservationInput(
        target, to_date=found.to_date, forecast=found.forecast, forecast_label=found.forecast_label,
        forecast_date=found.forecast_date, possibility=found.possibility, causes=tuple(found.causes or ()),
        reason=found.reason, measures=found.measures,
    )  # fmt: skip


def monitoring_input(report: MonitoringReport, thresholds: Thresholds | None = None) -> MonitoringInput:
    """The pure rules' input: every indicator of the project (with its observation, if any), the
    project's 全年预算数 (its funds) and the 1–M月执行数 of every source."""
    return monitoring_input_of(Loaded.of(report), thresholds)


@dataclass(frozen=True)
class Loaded:
    """A report with the rows its lights are computed from: its project, the project's indicators
    (in the tree's order) and funds, the report's observations and funds."""

    report: MonitoringReport
    project: Project
    rows: list[Any]
    project_funds: list[Any]
    observations: list[Observation]
    report_funds: list[Any]
    # `rows` as the rules read them (projects.scores.indicator_input), when the caller has them (the
    # import's writer scored the rows it wrote); None: made from `rows`
    targets: tuple[IndicatorInput, ...] | None = None

    @classmethod
    def of(cls, report: MonitoringReport) -> Loaded:
        """From a report read with reports_with_data (its prefetched rows)."""
        project = report.project
        return cls(report, project, list(project.indicators.all()), list(project.funds.all()),
                   list(report.observations.all()), list(report.funds.all()))  # fmt: skip


def monitoring_input_of(loaded: Loaded, thresholds: Thresholds | None = None) -> MonitoringInput:
    """monitoring_input from rows the caller holds (the 监控表 import: nothing read back)."""
    project, report = loaded.project, loaded.report
    found = {o.indicator_id: o for o in loaded.observations}
    targets = loaded.targets if loaded.targets is not None else (None,) * len(loaded.rows)
    rows = tuple(observation_input(row, found.get(row.pk), target)
                 for row, target in zip(loaded.rows, targets, strict=True))  # fmt: skip
    annual = sum((f.annual for f in loaded.project_funds), ZERO)
    executed = sum((f.executed for f in loaded.report_funds), ZERO)
    lines = thresholds if thresholds is not None else year_settings(project.year)[1]
    return MonitoringInput(get_scheme(project.scheme), report.month, annual, executed, rows, report.measures, lines)


def report_monitoring(report: MonitoringReport) -> Monitoring:
    return monitor(monitoring_input(report))


# --- monitor --json -----------------------------------------------------------------------------


def _as_entered(value: Decimal | None, text: str, *, text_like: bool) -> str:
    """A value as entered (as `score --json`): the text of a 定性 or deadline row, else the number."""
    return text if text_like or value is None else fmt(value)


def _row(row: Any, found: Observation | None, light: Any) -> dict[str, Any]:
    text_like = row.comparator == QUALITATIVE or row.deadline is not None
    o = found or Observation()
    return {
        "level1": row.level1, "level2": row.level2, "level3": row.level3,
        "target": _as_entered(row.target, row.target_text, text_like=text_like),
        "to_date": _as_entered(o.to_date, o.to_date_text, text_like=text_like),
        "forecast": _as_entered(o.forecast, o.forecast_text, text_like=text_like),
        "possibility": o.possibility, "forecast_score": pts(light.score.computed), "light": light.light,
        "reason_category": "、".join(o.causes or ()), "reason": o.reason,
    }  # fmt: skip


def monitor_json(project: Project) -> dict[str, Any] | None:
    """The `monitor --json` object of contract.md, or None when the project has no monitoring."""
    report = report_of(project)
    if report is None:
        return None
    result = report_monitoring(report)
    found = {o.indicator_id: o for o in report.observations.all()}
    b = result.budget
    return {
        "code": project.code, "year": project.year, "month": result.month, "time_progress": pts(result.time_progress),
        "budget": {"annual": pts(b.annual), "executed": pts(b.executed), "progress": pts(b.progress),
                   "value": pts(b.value), "light": b.light},
        "indicators": [_row(row, found.get(row.pk), light)
                       for row, light in zip(report.project.indicators.all(), result.indicators, strict=True)],
        "light": result.light,
        "warnings": [{"code": w.code, "indicator": w.indicator, "message": w.message} for w in result.warnings],
    }  # fmt: skip


# --- the page -----------------------------------------------------------------------------------


def entry_context(project: Project, report: MonitoringReport | None, form: Any) -> dict[str, Any]:
    """The 运行监控 page's context: each indicator row with its inputs and light, the budget by source
    with its 全年预算数, the lights and warnings as the rules give them now."""
    result, lights = None, {}
    if report is not None:
        result = report_monitoring(report)
        lights = {row.pk: item for row, item in zip(report.project.indicators.all(), result.indicators, strict=True)}
    annual = {f.source: f.annual for f in project.funds.all()}
    return {
        "project": project, "report": report, "result": result, "form": form,
        "month": report.month if report is not None else year_settings(project.year)[0],
        "rows": [(row, fields, lights.get(row.pk)) for row, fields in form.row_fields()],
        "sources": [(field, FundSource(source).label, annual.get(source)) for source, field in form.source_fields()],
    }  # fmt: skip
