"""What the 运行监控 carries into the year-end self-evaluation (issue 17, "Into the self-evaluation").

At year end the officer starts from the August text instead of a blank box: each indicator's 偏差原因
and 纠偏措施 are offered as the starting text of its 偏差原因分析及改进措施, and the yellow and red rows'
causes and the measures as the starting text of the report's 存在问题 and 改进措施. The reviewer sees
the August forecast beside the December actual. Offered, never written by itself: the text lands in
the form's box, and only the officer's save stores it. Read in one query per project.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitoring.models import MonitoringReport, Observation
from projects.locks import states_of
from projects.models import Project
from projects.stages import StageKey
from scoring.monitoring import LIGHT_LABELS, RED, YELLOW

STARTING_TEXT = "{reason}{gap}{measures}"


@dataclass(frozen=True)
class MidYear:
    """One indicator as the monitoring left it at the cut-off month."""

    month: int
    to_date: str
    forecast: str
    possibility: str
    light: str
    causes: tuple[str, ...]
    reason: str
    measures: str

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS.get(self.light, "")

    @property
    def starting_reason(self) -> str:
        """The 偏差原因分析及改进措施 offered at year end: the causes and analysis, then the measures
        ("" when the monitoring gave neither)."""
        reason = self.reason
        if self.causes and reason:
            reason = f"{'、'.join(self.causes)}方面：{reason}"
        measures = f"纠偏措施：{self.measures}" if self.measures else ""
        return STARTING_TEXT.format(reason=reason, gap="；" if reason and measures else "", measures=measures)


def mid_year_of(project: Project) -> dict[int, MidYear]:
    """Each monitored indicator of `project` (by indicator pk) as the monitoring left it; {} without one."""
    if not monitored(project):
        return {}
    rows = Observation.objects.filter(report__project=project).select_related("report")
    return {o.indicator_id: _mid_year(o) for o in rows}


def monitored(project: Project) -> bool:
    """The project has a monitoring stage (a report comes with it): its stage rows, read once per
    instance (projects.locks.states_of), so a page of a project without monitoring asks nothing more."""
    return StageKey.MONITORING in states_of(project)


def _mid_year(o: Observation) -> MidYear:
    return MidYear(o.report.month, o.to_date_text, o.forecast_text, o.possibility, o.light, tuple(o.causes or ()),
                   o.reason, o.measures)  # fmt: skip


def narrative_start(project: Project) -> dict[str, str]:
    """The report's 存在问题 and 改进措施 offered at year end: the yellow and red indicators' causes and
    analyses, and the measures (the project's, then the rows'); {} when the monitoring gave none."""
    report = MonitoringReport.objects.filter(project=project).first() if monitored(project) else None
    if report is None:
        return {}
    rows = report.observations.filter(light__in=(YELLOW, RED)).select_related("indicator")
    rows = sorted(rows, key=lambda o: (o.indicator.position, o.indicator_id))
    problems = [f"{o.indicator.level3}（1–{report.month}月监控{LIGHT_LABELS[o.light]}）：{_said(o)}" for o in rows
                if o.reason or o.causes]  # fmt: skip
    measures = [report.measures] if report.measures else []
    measures += [f"{o.indicator.level3}：{o.measures}" for o in rows if o.measures]
    out = {}
    if problems:
        out["problems"] = "\n".join(problems)
    if measures:
        out["measures"] = "\n".join(measures)
    return out


def _said(o: Observation) -> str:
    causes = "、".join(o.causes or ())
    if causes and o.reason:
        return f"{causes}方面，{o.reason}"
    return o.reason or causes
