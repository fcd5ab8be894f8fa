"""A 监控表 read by `import_workbook` (contract.md "Monitoring"): the import's step for the monitoring
stage (registered in MonitoringConfig.ready; indicators.services.IMPORT_STEPS says when it runs).

The import has written the projects, their budget and their indicator rows (the targets the table
prints); this step stores each project's monitoring as monitoring.services.monitoring_save, the
service the entry page uses, stores one project's (the role and unit, the lock of the monitoring part,
each entry read by the same read_entry, history, lights), for every project of the workbook at once: a
fixed number of queries per table (the bench: bench/import_monitoring.py). The cut-off month is
`--month`, else the one the header names (`1-7月执行情况`, or the funds block's `1-7月执行数`), else
the year's calendar's. The whole project's 纠偏措施 is the form's label row (`项目纠偏措施`, `纠偏措施`).

A year whose calendar does not use the monitoring stage gets it from an import by the command line
or an admin (said in the import's notes); an officer's import is refused with the reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from evalsys.lib.bulk import Blanks, Pending, assign_keys, bulk_create_logged, bulk_update_columns, wait_all
from evalsys.lib.fieldchecks import Checks
from indicators.importer import FIELD_LABELS, ImportFailed, ParsedProject
from indicators.services import FUND_SOURCES
from monitoring.models import MonitoringFund, MonitoringReport, Observation
from monitoring.selectors import Loaded, year_settings
from monitoring.services import NEGATIVE, PARTS, SAVED_REASON, STORED, Entry, _Read, read_entry, reports_lit
from projects.access import role_of
from projects.guards import projects_guard
from projects.locks import lock_message, states_load, unlocked
from projects.models import FundSource, Project, Role, YearPlan
from projects.stages import STAGES, StageKey
from projects.workflow import stage_open, year_uses

ENABLED = "{year} 年度的年度安排原未启用运行监控，已按导入的监控表启用"
NOT_USED = "{year} 年度未启用运行监控，不能导入监控表；请管理员在“年度安排”中启用后再导入"
DONE = "运行监控：{n} 个项目（截至 {months} 月）"
IMPORT_REASON = "导入监控表"
STARTED = "开始运行监控"
UPDATE_BATCH = 500
# the new rows are inserted in this many parts of the projects by engine, each while the next part's lights
# are computed (_lit_and_inserted); a fixed number: the import's queries do not grow with its projects.
# PostgreSQL's COPYs run on the server's core; SQLite inserts the rows in the caller's thread and measured
# no faster in parts (the monitoring step of a create, min of 8 interleaved pairs: 0.91 s in one, 0.94 s in
# two), so it writes in one, with no worker thread, as before
PARTS_OF_WRITE = {"postgresql": 2}
# monitoring_save's error keys "<indicator pk>-<field>" -> the workbook column
FIELD_COLUMNS = {"to_date": "to_date", "to_date_text": "to_date", "forecast": "forecast", "forecast_text": "forecast",
                 "forecast_label": "forecast", "forecast_date": "forecast", "possibility": "possibility",
                 "causes": "cause"}  # fmt: skip
# an observation's Model.clean_fields (the entry page's full_clean, but its keys, set by the import)
# by plain tests, clean_fields itself only for a row they do not pass: the same errors, a tenth of the time
OBSERVATION_CHECKS = Checks(Observation, exclude=["report", "indicator"])
New = list[Any]  # rows to insert, or to update
ByReport = dict[int, list[Any]]  # a table's rows by report pk, as they are after the import


def monitoring_import(*, writer: Any, parsed: list[ParsedProject], user: Any, month: int | None, report: Any) -> None:
    """Store the monitoring of every 监控表 project of the import (see the module's docstring): what the
    entry page's monitoring_save does for one project, for all of them in a fixed number of queries per
    table (the lights: reports_lit, from the rows in memory, before the new rows are inserted with them)."""
    monitored = [p for p in parsed if p.monitored]
    if not monitored:
        return
    _year_open(writer.year, user, report)
    pks = [writer.pk_of(p) for p in monitored]
    try:  # the import's own scope refuses these first
        projects_guard(user, pks, system=user is None)
    except (PermissionDenied, Http404) as exc:
        raise ImportFailed([f"{monitored[0].sheet}!第{monitored[0].row}行 项目名称：{exc}"]) from exc
    wanted = _read_all(writer, monitored, pks)
    _claim(writer, monitored, pks)
    reports, new_reports, changed_reports = _reports(writer, wanted, month)
    observations, new_observations, changed_observations, names = _observations(writer, wanted, reports)
    funds, new_funds, changed_funds = _funds(wanted, reports)
    # the keys of every new row, the stage rows and the light bands before any insert: from here to the
    # end of _lit_and_inserted nothing queries, so each part's inserts run beside the next part's lights
    assign_keys(Observation, new_observations)
    assign_keys(MonitoringFund, new_funds)
    stage_open(projects=[writer.project(r.project_id) for r in new_reports], stage=StageKey.MONITORING)
    bands = {year: year_settings(year)[1] for year in {writer.project(pk).year for pk in reports}}
    lights, relit = _lit_and_inserted(writer, reports, observations, funds, (new_reports, new_observations, new_funds),
                                      bands, user)  # fmt: skip
    _update(writer, changed_reports, MonitoringReport, ["month", "measures", "updated_at"], user)
    _update(writer, changed_observations, Observation, sorted(names), user)
    _update(writer, changed_funds, MonitoringFund, ["executed"], user)
    inserted = {id(row) for row in (*new_reports, *new_observations)}
    bulk_update_columns([r for r in reports.values() if id(r) not in inserted], MonitoringReport, STORED)
    bulk_update_columns([o for o in relit if id(o) not in inserted], Observation, ["light", "forecast_score"])
    for pk, saved in reports.items():
        writer.step_warnings[pk] = lights[saved.pk].warnings
    months = sorted({r.month for r in reports.values()})
    report.notes.append(DONE.format(n=len(monitored), months="、".join(str(m) for m in months)))


def _lit_and_inserted(writer: Any, reports: dict[int, MonitoringReport], observations: ByReport, funds: ByReport,
                      new: tuple[New, New, New], bands: dict[int, Any],
                      user: Any) -> tuple[dict[int, Any], New]:  # fmt: skip
    """The lights of every report (reports_lit, from the rows in memory: the writer's indicators and
    funds, as its scoring read them, and the rows about to be stored), and the new rows inserted lit
    with their history rows: in PARTS_OF_WRITE parts of the projects (by engine), each part's inserts
    sent by a worker thread (evalsys.lib.bulk's overlap: PostgreSQL's COPYs, SQLite's history INSERT …
    SELECT) while the next part's lights are computed. The same rows as one insert of each table after every
    light (tests/monitoring/test_import_parts.py). Each report's result and the stored observations relit."""
    new_reports, new_observations, new_funds = new
    keys = list(reports)
    parts = PARTS_OF_WRITE.get(connection.vendor, 1)
    size = max(1, -(-len(keys) // parts))
    lights: dict[int, Any] = {}
    relit: New = []
    pending: list[Pending] = []
    try:
        for start in range(0, len(keys), size):
            part = keys[start : start + size]
            lit, changed = reports_lit(loaded=[
                Loaded(saved, writer.project(pk), writer.stored_rows(pk), writer.funds_of(pk),
                       observations.get(saved.pk, []), funds.get(saved.pk, []), writer.written_input(pk).indicators)
                for pk, saved in ((pk, reports[pk]) for pk in part)
            ], thresholds=bands)  # fmt: skip
            lights |= lit
            relit += changed
            projects = set(part)
            ids = {reports[pk].pk for pk in part}
            # the observations last: the largest insert runs while the next part's lights are computed
            for rows, model, reason in (
                ([r for r in new_reports if r.project_id in projects], MonitoringReport, STARTED),
                ([f for f in new_funds if f.report_id in ids], MonitoringFund, SAVED_REASON),
                ([o for o in new_observations if o.report_id in ids], Observation, SAVED_REASON),
            ):
                pending.append(bulk_create_logged(rows, model, reason=reason, user=user, history=writer.history,
                                                  overlap=parts > 1))  # fmt: skip
    finally:
        wait_all(pending)
    return lights, relit


def _read_all(writer: Any, monitored: list[ParsedProject], pks: list[int]) -> dict[int, tuple]:
    """Each project's (parsed, observation fields by indicator pk, 1-M月执行数 by source), read as the
    entry page reads them (monitoring.services.read_entry); every row's errors raised together."""
    errors: list[str] = []
    wanted = {}
    for p, pk in zip(monitored, pks, strict=True):
        rows = {row.pk: row for row in writer.rows_of(p)}
        read = _Read()
        values = {row_pk: read_entry(rows[row_pk], entry, read) for row_pk, entry in _entries(writer, p).items()}
        executed = _executed(writer, p, pk) or {}
        for source, amount in executed.items():
            if amount is not None and amount < 0:
                read.errors.setdefault(f"executed-{source}", []).append(
                    NEGATIVE.format(source=FundSource(source).label)
                )
        if read.errors:
            errors += _lines(writer, p, ValidationError(read.errors))
        wanted[pk] = (p, values, executed)
    if errors:
        raise ImportFailed(errors)
    return wanted


def _claim(writer: Any, monitored: list[ParsedProject], pks: list[int]) -> None:
    """Claim the next version of every project for the monitoring part (projects.services.project_touch
    for all of them): a project whose monitoring a stage locks is the row's error."""
    free = Project.objects.filter(unlocked(PARTS), pk__in=pks)
    versions = dict(free.values_list("pk", "version"))
    refused = [(p, pk) for p, pk in zip(monitored, pks, strict=True) if pk not in versions]
    if refused:
        states_load([writer.project(pk) for _, pk in refused])
        raise ImportFailed([f"{p.sheet}!第{p.row}行 项目名称：{lock_message(writer.project(pk), PARTS)}"
                            for p, pk in refused])  # fmt: skip
    free.update(version=F("version") + 1)
    for pk, version in versions.items():
        writer.project(pk).version = version + 1


def _reports(writer: Any, wanted: dict[int, tuple], month: int | None) -> tuple[dict[int, MonitoringReport], New, New]:
    """Each project's report (by project pk), and the new ones (their keys taken) and those whose month
    or 纠偏措施 changed: nothing written yet."""
    found = {r.project_id: r for r in MonitoringReport.objects.filter(project__in=list(wanted))}
    default = year_settings(writer.year)[0]
    new, changed, now = [], [], timezone.now()
    for pk, (p, _, _) in wanted.items():
        changes = {"month": month or (p.month[0] if p.month else None) or default}
        if p.measures:
            changes["measures"] = p.measures
        report = found.get(pk)
        if report is None:
            project = writer.project(pk)
            report = found[pk] = MonitoringReport(project=project, year=project.year, unit_id=project.unit_id,
                                                  **changes)  # fmt: skip
            new.append(report)
        elif any(getattr(report, name) != value for name, value in changes.items()):
            for name, value in changes.items():
                setattr(report, name, value)
            report.updated_at = now
            changed.append(report)
    assign_keys(MonitoringReport, new)  # the observations and fund rows refer to them before they are inserted
    return found, new, changed


def _observations(writer: Any, wanted: dict[int, tuple],
                  reports: dict[int, MonitoringReport]) -> tuple[ByReport, New, New, set[str]]:  # fmt: skip
    """Each entry as the entry page stores it (new, changed, or left when the same), checked as its
    full_clean checks it (OBSERVATION_CHECKS); nothing written yet. Every observation of each report
    after the write (by report pk), the new ones, the changed ones and the fields set."""
    stored = [r.pk for r in reports.values() if not r._state.adding]  # a new report has none
    found = {(o.report_id, o.indicator_id): o for o in Observation.objects.filter(report__in=stored)}
    new, changed, names, errors = [], [], set(), []
    blank, checks = Blanks(Observation), OBSERVATION_CHECKS
    for pk, (p, values, _) in wanted.items():
        report = reports[pk]
        for row_pk, fields in values.items():
            o = found.get((report.pk, row_pk))
            if o is None:
                o = blank.new({"report": report}, indicator_id=row_pk, **fields)
                new.append(o)
            elif any(getattr(o, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(o, name, value)
                changed.append(o)
            else:
                continue
            names |= fields.keys()
            try:
                checks.clean(o)
            except ValidationError as exc:
                errors += _lines(writer, p, ValidationError({f"{row_pk}-{k}": v for k, v in exc.message_dict.items()}))
    if errors:
        raise ImportFailed(errors)
    return _by_report([*found.values(), *new]), new, changed, names


def _funds(wanted: dict[int, tuple], reports: dict[int, MonitoringReport]) -> tuple[ByReport, New, New]:
    """The 1-M月执行数 by source (a source the workbook leaves out keeps what is stored): every fund row
    of each report after the write (by report pk), the new ones and the changed ones; nothing written."""
    stored = [r.pk for r in reports.values() if not r._state.adding]
    found = {(f.report_id, f.source): f for f in MonitoringFund.objects.filter(report__in=stored)}
    new, changed = [], []
    for pk, (_, _, executed) in wanted.items():
        report = reports[pk]
        for source, amount in executed.items():
            fund = found.get((report.pk, source))
            if fund is None:
                new.append(MonitoringFund(report=report, source=source, executed=amount))
            elif fund.executed != amount:
                fund.executed = amount
                changed.append(fund)
    return _by_report([*found.values(), *new]), new, changed


def _by_report(rows: list[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for row in rows:
        out.setdefault(row.report_id, []).append(row)
    return out


def _update(writer: Any, rows: list[Any], model: Any, names: list[str], user: Any) -> None:
    """bulk_update of changed rows with their history rows (none in a dry run, which is rolled back)."""
    if not rows:
        return
    if not writer.history:
        model.objects.bulk_update(rows, names, batch_size=UPDATE_BATCH)
        return
    bulk_update_with_history(rows, model, names, batch_size=UPDATE_BATCH, default_change_reason=SAVED_REASON,
                             default_user=user)  # fmt: skip


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
    """The budget's 1-M月执行数: by source when the form's funds block gives it for sources the project
    keeps, else the total (the 年度资金总额 row's, the sources' sum or the flat column's) under the
    project's one fund source (未分来源 when it has several or none)."""
    stored = {f.source for f in writer.funds_of(pk)}
    split = {FUND_SOURCES[k]: v["executed_to_date"] for k, v in p.funds.items()
             if k in FUND_SOURCES and v.get("executed_to_date") is not None}  # fmt: skip
    if split and set(split) <= stored:
        return split
    total = (p.funds.get("total") or {}).get("executed_to_date")
    if total is None:
        total = sum(split.values()) if split else p.money_value("executed_to_date")
    if total is None:
        return None
    return {stored.pop() if len(stored) == 1 else FundSource.UNSPLIT: total}


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
