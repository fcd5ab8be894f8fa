"""Whether a project may be submitted (and so approved): each gap in Chinese with where it is fixed.

The workflow's 提交 and 审核通过 both ask here, so no entry point lets an empty evaluation through.
The rules of the scores are scoring.readiness. What only an app above projects can check (reports:
the report sections an officer must write) is registered here by that app's AppConfig.ready
(`gaps_register`), so projects imports none of them. A gap is data (its code and, for an indicator,
the row); the pages turn it into a link (projects.templatetags.labels.gap_url).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from projects.models import Project
from projects.scores import project_evaluate
from projects.selectors import projects_with_scoring_data
from scoring.readiness import NO_ACTUAL, evaluation_gaps, indicator_gaps

NO_INDICATORS = "尚未设置绩效指标"


@dataclass(frozen=True)
class Gap:
    """One reason the project cannot be submitted yet; `code` says where it is fixed."""

    code: str  # no_actual · missing_reason · weights_sum · low_execution · no_budget · narrative · no_indicators
    message: str
    project_id: int
    row_id: int | None = None  # the indicator row of no_actual and missing_reason


GapFinder = Callable[[Project, Any], list[Gap]]
# finders registered by the apps above (each with the relation it reads, loaded with the projects)
FINDERS: list[tuple[GapFinder, str]] = []


def gaps_register(finder: GapFinder, *, select_related: str) -> None:
    """Add `finder(project, evaluation) -> [Gap]`; `select_related` names the relation it reads."""
    if all(f is not finder for f, _ in FINDERS):
        FINDERS.append((finder, select_related))


def project_gaps(project: Project, evaluation: Any) -> list[Gap]:
    """Gaps of a project loaded with projects_with_scoring_data (and the registered relations), evaluated."""
    pk = project.pk
    out = [Gap("no_indicators", NO_INDICATORS, pk)] if not evaluation.indicators else []
    for row, score in zip(project.indicators.all(), evaluation.indicators, strict=True):
        for message in indicator_gaps(score):
            code = "no_actual" if message == NO_ACTUAL else "missing_reason"
            out.append(Gap(code, f"指标“{row.level3}”：{message}", pk, row.pk))
    for code, message in evaluation_gaps(evaluation, low_execution_reason=project.low_execution_reason):
        out.append(Gap(code, message, pk))
    for finder, _ in FINDERS:
        out += finder(project, evaluation)
    return out


def projects_gaps(projects: Iterable[Project]) -> dict[int, list[Gap]]:
    """Gaps of each project (by pk), read in a fixed number of queries however many there are."""
    pks = [p.pk for p in projects]
    loaded = projects_with_scoring_data(Project.objects.filter(pk__in=pks))
    related = [name for _, name in FINDERS if name]
    if related:
        loaded = loaded.select_related(*related)
    return {p.pk: project_gaps(p, project_evaluate(p)) for p in loaded}


def submission_gaps(project: Project) -> list[Gap]:
    return projects_gaps([project])[project.pk]
