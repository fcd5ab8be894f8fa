"""A 监控表 read by `import_workbook` (contract.md "Monitoring"): the import's step for the monitoring
stage (registered in MonitoringConfig.ready; indicators.services.IMPORT_STEPS says when it runs).

The import has written the projects, their budget and their indicator rows (the targets the table
prints); this step stores each project's monitoring through monitoring.services.monitoring_save, the
service the entry page uses (role and unit, the lock of the monitoring part, history, lights), so an
import and a page read the same values the same way. The cut-off month is `--month`, else the one
the header names (`1-7月执行情况`), else the year's calendar's.

A year whose calendar does not use the monitoring stage gets it from an import by the command line
or an admin (said in the import's notes); an officer's import is refused with the reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from indicators.importer import FIELD_LABELS, ImportFailed, ParsedProject
from monitoring.selectors import report_monitoring
from monitoring.services import Entry, monitoring_save
from projects.access import role_of
from projects.models import FundSource, Project, Role, YearPlan
from projects.stages import STAGES, StageKey
from projects.workflow import year_uses

ENABLED = "{year} 年度的年度安排原未启用运行监控，已按导入的监控表启用"
NOT_USED = "{year} 年度未启用运行监控，不能导入监控表；请管理员在“年度安排”中启用后再导入"
DONE = "运行监控：{n} 个项目（截至 {months} 月）"
IMPORT_REASON = "导入监控表"
# monitoring_save's error keys "<indicator pk>-<field>" -> the workbook column
FIELD_COLUMNS = {"to_date": "to_date", "forecast": "forecast", "possibility": "possibility", "causes": "cause"}


def monitoring_import(*, writer: Any, parsed: list[ParsedProject], user: Any, month: int | None, report: Any) -> None:
    """Store the monitoring of every 监控表 project of the import (see the module's docstring)."""
    monitored = [p for p in parsed if p.monitored]
    if not monitored:
        return
    _year_open(writer.year, user, report)
    versions = dict(Project.objects.filter(pk__in=[writer.pk_of(p) for p in monitored]).values_list("pk", "version"))
    errors: list[str] = []
    months = set()
    for p in monitored:
        pk = writer.pk_of(p)
        project = writer.project(pk)
        project.version = versions[pk]
        cut = month or (p.month[0] if p.month else None)
        try:
            saved = monitoring_save(project=project, user=user, version=project.version, entries=_entries(writer, p),
                                    executed=_executed(writer, p, pk), month=cut, system=user is None)  # fmt: skip
        except ValidationError as exc:
            errors += _lines(writer, p, exc)
            continue
        except (PermissionDenied, Http404) as exc:  # the import's own scope refuses these first
            errors.append(f"{p.sheet}!第{p.row}行 项目名称：{exc}")
            continue
        months.add(saved.month)
        writer.step_warnings[pk] = report_monitoring(saved).warnings
    if errors:
        raise ImportFailed(errors)
    report.notes.append(DONE.format(n=len(monitored), months="、".join(str(m) for m in sorted(months))))


def _year_open(year: int, user: Any, report: Any) -> None:
    """The year uses the monitoring stage, or an admin's (the command line's) import makes it so."""
    if year_uses(year, StageKey.MONITORING):
        return
    if user is not None and role_of(user) != Role.ADMIN:
        raise ImportFailed([NOT_USED.format(year=year)])
    plan = YearPlan.objects.select_for_update().filter(year=year).first() or YearPlan(year=year)
    order = {key: spec.order for key, spec in STAGES.items()}
    wanted = {*(plan.stages or []), StageKey.MONITORING, StageKey.SELF_EVALUATION}
    plan.stages = sorted(wanted, key=lambda key: order.get(key, 99))
    plan._history_user, plan._change_reason = user, IMPORT_REASON
    plan.save()
    report.notes.append(ENABLED.format(year=year))


def _entries(writer: Any, p: ParsedProject) -> dict[int, Entry]:
    """Each observed row's entry, by the indicator's pk (rows_of keeps the workbook's order)."""
    out = {}
    for item, row in zip(p.indicators.values(), writer.rows_of(p), strict=True):
        o = item.observation
        if o is not None:
            out[row.pk] = Entry(o.to_date, o.forecast, o.possibility, o.causes, o.reason, o.measures)
    return out


def _executed(writer: Any, p: ParsedProject, pk: int) -> dict[str, Any] | None:
    """The budget's 1-M月执行数 under the project's one fund source (未分来源 when it has several or none)."""
    amount = p.money_value("executed_to_date")
    if amount is None:
        return None
    sources = {f.source for f in writer.funds_of(pk)}
    return {sources.pop() if len(sources) == 1 else FundSource.UNSPLIT: amount}


def _lines(writer: Any, p: ParsedProject, exc: ValidationError) -> list[str]:
    """monitoring_save's errors as the import's: sheet, row, column and the fix."""
    if not hasattr(exc, "error_dict"):
        return [f"{p.sheet}!第{p.row}行 项目名称：{message}" for message in exc.messages]
    by_pk = {row.pk: item for item, row in zip(p.indicators.values(), writer.rows_of(p), strict=True)}
    out = []
    for key, errors in exc.message_dict.items():
        pk, _, name = key.partition("-")
        item = by_pk.get(int(pk)) if pk.isdigit() else None
        sheet, row = (item.sheet, item.row) if item else (p.sheet, p.row)
        column = FIELD_LABELS.get(FIELD_COLUMNS.get(name, ""), FIELD_LABELS["executed_to_date"] if item is None else "")
        out += [f"{sheet}!第{row}行 {column}：{message}" for message in errors]
    return out
