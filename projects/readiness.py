"""Whether a project may be submitted (and so approved): each gap in Chinese with where it is fixed.

The workflow's 提交 and 审核通过 both ask here (projects.services), so no entry point lets an empty
evaluation through. The rules of the scores are scoring.readiness; the report sections an officer
must write are reports.outline.REQUIRED_SECTIONS. This module looks up the chain of apps
(projects <- indicators <- scoring <- reports) with imports inside its functions, as
projects.services does for scoring.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from projects.models import Project

NO_INDICATORS = "尚未设置绩效指标"
NO_SECTION = "自评报告“{label}”尚未填写"


@dataclass(frozen=True)
class Gap:
    """One reason the project cannot be submitted yet, and the page (with anchor) where it is fixed."""

    code: str  # no_actual · missing_reason · weights_sum · low_execution · no_budget · narrative · no_indicators
    message: str
    url: str


def project_gaps(project: Project, evaluation: Any) -> list[Gap]:
    """Gaps of a project loaded with projects_with_scoring_data (and its narrative), evaluated."""
    from reports.models import Narrative
    from reports.outline import REQUIRED_SECTIONS
    from scoring.readiness import NO_ACTUAL, evaluation_gaps, indicator_gaps

    editor = reverse("indicators:editor", args=[project.pk])
    out = [Gap("no_indicators", NO_INDICATORS, editor)] if not evaluation.indicators else []
    for row, score in zip(project.indicators.all(), evaluation.indicators, strict=True):
        for message in indicator_gaps(score):
            code = "no_actual" if message == NO_ACTUAL else "missing_reason"
            out.append(Gap(code, f"指标“{row.level3}”：{message}", f"{editor}#actual-row-{row.pk}"))
    for code, message in evaluation_gaps(evaluation, low_execution_reason=project.low_execution_reason):
        where = {"low_execution": "#id_low_execution_reason", "no_budget": "#funds"}.get(code, "")
        page = "projects:edit" if code in ("low_execution", "no_budget") else "indicators:editor"
        out.append(Gap(code, message, reverse(page, args=[project.pk]) + where))
    narrative = getattr(project, "narrative", None)
    detail = reverse("projects:detail", args=[project.pk]) + "#narrative"
    for name in REQUIRED_SECTIONS.get(evaluation.scheme.report_outline, ()):
        if not getattr(narrative, name, "").strip():
            label = Narrative._meta.get_field(name).verbose_name
            out.append(Gap("narrative", NO_SECTION.format(label=label), detail))
    return out


def projects_gaps(projects: Iterable[Project]) -> dict[int, list[Gap]]:
    """Gaps of each project (by pk), read in a fixed number of queries however many there are."""
    from projects.selectors import projects_with_scoring_data
    from scoring.services import project_evaluate

    pks = [p.pk for p in projects]
    loaded = projects_with_scoring_data(Project.objects.filter(pk__in=pks)).select_related("narrative")
    return {p.pk: project_gaps(p, project_evaluate(p)) for p in loaded}


def submission_gaps(project: Project) -> list[Gap]:
    return projects_gaps([project])[project.pk]
