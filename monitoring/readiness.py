"""Whether a project's 运行监控 may be submitted (the monitoring stage's readiness, registered with
projects.workflow by MonitoringConfig.ready): every indicator has its forecast and 完成目标可能性
(`missing_forecast`), every yellow or red indicator its 偏差原因 category and text (`missing_reason`),
and a red project its 纠偏措施 (`missing_measures`): scoring.monitoring.BLOCKING."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitoring.selectors import report_monitoring, reports_with_data
from projects.models import Project
from scoring.monitoring import blocking

NO_REPORT = "尚未填写运行监控"


@dataclass(frozen=True)
class Gap:
    code: str
    message: str


def monitoring_gaps(projects: Iterable[Project]) -> dict[int, list[Gap]]:
    """The gaps of each project's monitoring, in a fixed number of queries however many there are."""
    ids = [p.pk for p in projects]
    reports = reports_with_data().filter(project__in=ids)
    out: dict[int, list[Gap]] = {pk: [Gap("no_report", NO_REPORT)] for pk in ids}
    for report in reports:
        found = blocking(report_monitoring(report).warnings)
        out[report.project_id] = [Gap(w.code, f"{w.indicator}：{w.message}" if w.indicator else w.message)
                                  for w in found]  # fmt: skip
    return out
