"""Every write of a project's 运行监控 (domain.md §8). Each service takes the user and checks the role
and the unit itself (projects.guards), claims the project's version for the monitoring part (so the
one lock rule, projects.locks.is_locked(project, Part.MONITORING), refuses a locked project whatever
called), keeps the history (who, when, why) and stores the lights again (report_recompute).

Values to date and forecasts take the same tolerant reading as year-end actuals
(evalsys.lib.parsing.parse_actual: units, signs, 全角, 定性 words, dates)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evalsys.lib.bulk import bulk_update_columns
from evalsys.lib.parsing import CellError, Target, parse_actual
from indicators.models import Indicator
from monitoring.counts import COUNTED, report_counts
from monitoring.models import MonitoringFund, MonitoringReport, Observation
from monitoring.selectors import Loaded, monitoring_input_of, reports_with_data, year_settings
from projects.access import READ_ONLY, require_role, role_of
from projects.guards import WRITERS, project_guard
from projects.locks import is_locked, lock_message
from projects.models import FundSource, Project, Role, YearPlan
from projects.services import project_touch
from projects.stages import Part, StageKey
from projects.workflow import stage_open, year_uses
from scoring.monitoring import CAUSES, POSSIBILITY_WORDS, Monitoring, monitor, read_possibility
from scoring.types import QUALITATIVE

NOT_USED = "{year} 年度未启用运行监控（由管理员在“年度安排”中设置）"
NOT_STARTED = "该项目尚未开始运行监控"
NOT_THIS_PROJECT = "指标不属于该项目"
CAUSE_WORDS = "偏差原因类别须为：" + "、".join(CAUSES)
ROW_ERROR = "“{name}”的{what}：{error}"
NEGATIVE = "{source}的执行数不能为负数"
SAVED_REASON = "填写运行监控"
PARTS = (Part.MONITORING,)


@dataclass(frozen=True)
class Entry:
    """One indicator's monitoring as typed (a page row, an import row): texts, read by the service."""

    to_date: str = ""
    forecast: str = ""
    possibility: str = ""
    causes: tuple[str, ...] = ()
    reason: str = ""
    measures: str = ""


@dataclass
class _Read:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)


def _target(row: Indicator) -> Target:
    return Target(row.comparator, row.target, row.target_text, row.unit, row.deadline, row.sign_assumed)


def _value(row: Indicator, text: str, what: str, key: str, out: _Read, *, forecast: bool) -> dict[str, Any]:
    """A to-date or forecast cell: a number, or for a 定性 row a band (forecast) or text (to date),
    or for a deadline row a date (forecast) or text (to date)."""
    text = text.strip()
    empty = {"to_date": None, "to_date_text": text} if not forecast else {
        "forecast": None, "forecast_text": text, "forecast_label": "", "forecast_date": None}  # fmt: skip
    text_only = row.comparator == QUALITATIVE or row.deadline is not None
    if not text or (text_only and not forecast):
        return empty
    try:
        read = parse_actual(text, target=_target(row))
    except CellError as error:
        _error(out, key, row, what, str(error))
        return empty
    if not forecast:
        return {"to_date": read.value if read else None, "to_date_text": text}
    assert read is not None
    return {"forecast": read.value, "forecast_text": text, "forecast_label": read.label,
            "forecast_date": read.on_date}  # fmt: skip


def _error(out: _Read, key: str, row: Indicator, what: str, error: str) -> None:
    out.errors.setdefault(key, []).append(ROW_ERROR.format(name=row.level3, what=what, error=error))


def read_entry(row: Indicator, entry: Entry, out: _Read) -> dict[str, Any]:
    """The observation's fields from what was typed; errors go to `out.errors` by "<pk>-<field>"."""
    key = f"{row.pk}-"
    values = _value(row, entry.to_date, "1–M月执行情况", key + "to_date", out, forecast=False)
    values |= _value(row, entry.forecast, "全年预计完成值", key + "forecast", out, forecast=True)
    possibility = read_possibility(entry.possibility)
    if entry.possibility.strip() and not possibility:
        _error(
            out,
            key + "possibility",
            row,
            "完成目标可能性",
            f"“{entry.possibility.strip()}”不是可选项，{POSSIBILITY_WORDS}",
        )
    causes = [c.strip() for c in entry.causes if c.strip()]
    if any(c not in CAUSES for c in causes):
        _error(out, key + "causes", row, "偏差原因类别", CAUSE_WORDS)
    chosen = [c for c in CAUSES if c in causes]  # in the national form's order, once each
    return values | {"possibility": possibility, "causes": chosen, "reason": entry.reason.strip(),
                     "measures": entry.measures.strip()}  # fmt: skip


# --- the report ---------------------------------------------------------------------------------


def not_editable(user: Any, project: Project) -> str:
    """Why `user` cannot enter `project`'s monitoring now ("" when they can): the page's read-only
    view says it, and a POST is refused with it (the services check the same again)."""
    if role_of(user) not in WRITERS:
        return READ_ONLY
    if not year_uses(project.year, StageKey.MONITORING):
        return NOT_USED.format(year=project.year)
    return lock_message(project, PARTS) if is_locked(project, PARTS) else ""


def _check_open(project: Project) -> None:
    if not year_uses(project.year, StageKey.MONITORING):
        raise ValidationError(NOT_USED.format(year=project.year), code="not_used")
    if is_locked(project, PARTS):
        raise ValidationError(lock_message(project, PARTS), code="locked")


@transaction.atomic
def monitoring_open_year(*, year: int, user: Any) -> int:
    """The calendar opens the year's monitoring (an admin, 年度安排): every project of `year` without a
    monitoring stage gets it in 草稿, so its page shows the stage's panel; the number opened. A project
    made later gets it when it is made (the plan's monitoring_opened_at; projects.workflow.stages_start)."""
    if user is not None:
        require_role(user, Role.ADMIN)
    if not year_uses(year, StageKey.MONITORING):
        raise ValidationError(NOT_USED.format(year=year), code="not_used")
    waiting = Project.objects.filter(year=year).exclude(stages__stage=StageKey.MONITORING)
    waiting = list(waiting.only("pk", "year", "unit"))
    stage_open(projects=waiting, stage=StageKey.MONITORING)
    # a project made from now on gets the stage with its others (projects.workflow.stages_start)
    YearPlan.objects.filter(year=year, monitoring_opened_at__isnull=True).update(monitoring_opened_at=timezone.now())
    return len(waiting)


@transaction.atomic
def monitoring_start(*, project: Project, user: Any, system: bool = False) -> MonitoringReport:
    """The project's report (made at the year's cut-off month when it has none), and its monitoring
    stage opened (草稿). Only in a year whose calendar uses the monitoring stage."""
    project_guard(user, project, system=system)
    found = MonitoringReport.objects.filter(project=project).first()
    if found is not None:
        return found
    _check_open(project)
    month, _ = year_settings(project.year)
    report = MonitoringReport(project=project, year=project.year, unit_id=project.unit_id, month=month)
    report.full_clean()
    report._history_user, report._change_reason = user, "开始运行监控"
    report.save()
    stage_open(projects=[project], stage=StageKey.MONITORING)
    report_recompute(report)
    return report


@transaction.atomic
def monitoring_save(
    *,
    project: Project,
    user: Any,
    version: int,
    measures: str | None = None,
    entries: Mapping[int, Entry] | None = None,
    executed: Mapping[str, Decimal | None] | None = None,
    month: int | None = None,
    system: bool = False,
) -> MonitoringReport:
    """Save what the officer entered: the report's 纠偏措施, each indicator's entry (by indicator pk)
    and the 1–M月执行数 by fund source (None removes a source's row). All or nothing: every row's
    errors are raised together (ValidationError by "<pk>-<field>"), and nothing is written. `month`
    overrides the calendar's cut-off month (an import's header), else the calendar's is taken.
    `system`: `user` None is the command line's import (monitoring.importing), every unit."""
    project_guard(user, project, system=system)
    report = monitoring_start(project=project, user=user, system=system)
    rows = {row.pk: row for row in Indicator.objects.filter(project=project)}
    if set(entries or {}) - set(rows):
        raise ValidationError(NOT_THIS_PROJECT, code="indicator")
    read = _Read()
    values = {pk: read_entry(rows[pk], entry, read) for pk, entry in (entries or {}).items()}
    for source, amount in (executed or {}).items():
        if amount is not None and amount < 0:
            read.errors.setdefault(f"executed-{source}", []).append(NEGATIVE.format(source=FundSource(source).label))
    if read.errors:
        raise ValidationError(read.errors, code="invalid")
    project_touch(project=project, version=version, parts=PARTS)
    _save_report(report, user, measures=measures, month=month)
    for pk, fields in values.items():
        _save_observation(report, rows[pk], fields, user)
    for source, amount in (executed or {}).items():
        _save_fund(report, source, amount, user)
    report_recompute(report)
    return report


def _save_report(report: MonitoringReport, user: Any, *, measures: str | None, month: int | None) -> None:
    changes = {"month": month or year_settings(report.year)[0]}
    if measures is not None:
        changes["measures"] = measures.strip()
    changed = [name for name, value in changes.items() if getattr(report, name) != value]
    if not changed:
        return
    for name in changed:
        setattr(report, name, changes[name])
    report.full_clean()
    report._history_user, report._change_reason = user, SAVED_REASON
    report.save(update_fields=[*changed, "updated_at"])


def _save_observation(report: MonitoringReport, row: Indicator, fields: dict[str, Any], user: Any) -> None:
    found = Observation.objects.filter(report=report, indicator=row).first() or Observation(
        report=report, indicator=row
    )
    if found.pk and all(getattr(found, name) == value for name, value in fields.items()):
        return
    for name, value in fields.items():
        setattr(found, name, value)
    found.full_clean()
    found._history_user, found._change_reason = user, SAVED_REASON
    found.save()


def _save_fund(report: MonitoringReport, source: str, amount: Decimal | None, user: Any) -> None:
    found = MonitoringFund.objects.filter(report=report, source=source).first()
    if amount is None:
        if found is not None:
            found._history_user, found._change_reason = user, SAVED_REASON
            found.delete()
        return
    if found is not None and found.executed == amount:
        return
    found = found or MonitoringFund(report=report, source=source)
    found.executed = amount
    found.full_clean()
    found._history_user, found._change_reason = user, SAVED_REASON
    found.save()


# --- the stored lights --------------------------------------------------------------------------


def report_recompute(report: MonitoringReport) -> Monitoring:
    """Compute the lights from the rows and store them on the report and its observations."""
    (result,) = reports_recompute(report_ids=[report.pk]).values()
    report.light, report.budget_light = result.light, result.budget.light
    return result


STORED = ["light", "budget_light", "budget_annual", "budget_executed", "budget_progress", "budget_value",
          "warning_codes", *COUNTED]  # fmt: skip


def reports_recompute(*, report_ids: Iterable[int]) -> dict[int, Monitoring]:
    """Compute the lights of these reports from their rows (the project's targets and budget, the
    year's thresholds, the entries) and store them, with the counts the overview adds up, on each
    report and its observations: a fixed number of queries per 200 reports. Each report's result."""
    ids = sorted(set(report_ids))
    out: dict[int, Monitoring] = {}
    for start in range(0, len(ids), 200):
        batch = reports_with_data().filter(pk__in=ids[start : start + 200])
        out |= reports_light(loaded=[Loaded.of(report) for report in batch])
    return out


def reports_light(*, loaded: list[Loaded]) -> dict[int, Monitoring]:
    """reports_recompute for reports whose rows the caller holds: compute and store the lights,
    nothing read back. Each report's result."""
    out, observations = reports_lit(loaded=loaded)
    # COPY and one UPDATE on PostgreSQL, one prepared UPDATE on SQLite (Django's CASE WHEN per row
    # and field was two thirds of a 1,000-project 监控表's import)
    bulk_update_columns([item.report for item in loaded], MonitoringReport, STORED)
    bulk_update_columns(observations, Observation, ["light", "forecast_score"])
    return out


def reports_lit(
    *, loaded: list[Loaded], thresholds: dict[int, Any] | None = None
) -> tuple[dict[int, Monitoring], list[Observation]]:
    """The lights of reports whose rows the caller holds, set on the reports (STORED) and their
    observations, nothing written: a 监控表 import inserts its new rows lit (monitoring.importing).
    Each report's result, and the observations whose light or score changed. `thresholds`: the light
    bands by year (year_settings) the caller has read, and no query is made for those years (the
    import computes lights while its inserts run in a worker thread)."""
    out: dict[int, Monitoring] = {}
    years: dict[int, Any] = dict(thresholds or {})
    observations: list[Observation] = []
    for item in loaded:
        year = item.project.year
        if year not in years:
            years[year] = year_settings(year)[1]
        result = out[item.report.pk] = monitor(monitoring_input_of(item, years[year]))
        observations += _store(item, result)
    return out, observations


def _store(item: Loaded, result: Monitoring) -> list[Observation]:
    """Set the report's stored columns from `result`; its observations whose light or score changed."""
    report, b = item.report, result.budget
    codes = sorted({w.code for w in result.warnings})
    report.light, report.budget_light, report.budget_annual, report.budget_executed = (
        result.light, b.light, b.annual, b.executed)  # fmt: skip
    report.budget_progress, report.budget_value = b.progress, b.value
    report.warning_codes = f",{','.join(codes)}," if codes else ""
    found = {o.indicator_id: o for o in item.observations}
    lights, changed = [], []
    for light, row in zip(result.indicators, item.rows, strict=True):
        o = found.get(row.pk)
        if o is None:
            continue
        lights.append((light.light, o.causes))
        if (o.light, o.forecast_score) != (light.light, light.score.computed):
            o.light, o.forecast_score = light.light, light.score.computed
            changed.append(o)
    for name, value in report_counts(lights).items():
        setattr(report, name, value)
    return changed


# --- keeping the stored lights with what they are computed from ----------------------------------


def projects_lights_refresh(*, project_ids: Iterable[int]) -> int:
    """Store again the lights of these projects' reports: their targets or budget changed (called by
    projects.scores.projects_rescore after every such edit, in its transaction). The reports refreshed."""
    ids = list(MonitoringReport.objects.filter(project__in=list(project_ids)).values_list("pk", flat=True))
    return len(reports_recompute(report_ids=ids)) if ids else 0


def import_lights_refresh(*, writer: Any, parsed: list[Any], user: Any, month: int | None, report: Any) -> None:
    """The import's step after the 监控表's (indicators.services.IMPORT_STEPS): the reports of the
    projects it wrote without monitoring columns (a 自评表 or 申报表 may change their targets and budget)
    are stored again; a 监控表's own were, by monitoring_save."""
    projects_lights_refresh(project_ids=[writer.pk_of(p) for p in parsed if not getattr(p, "monitored", False)])
