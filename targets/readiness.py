"""Whether a project's targets may be submitted (the targets stage's readiness, registered with
projects.workflow by TargetsConfig.ready): only `weights_sum` blocks (domain.md §8); the other
checks are warnings the reviewer sees."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from indicators.models import Indicator
from projects.models import Project
from scoring.rules import fmt
from scoring.schemes import get_scheme

NO_INDICATORS = "尚未设置绩效指标"
WEIGHTS_SUM = "指标权重合计 {total}，应为 {points}"


@dataclass(frozen=True)
class Gap:
    code: str
    message: str


def targets_gaps(projects: Iterable[Project]) -> dict[int, list[Gap]]:
    """The gaps of each project's targets, in two queries however many projects there are."""
    items = list(projects)
    sums = {row["project"]: row for row in Indicator.objects.filter(project__in=items).values("project")
            .annotate(n=Count("pk"), weight=Sum("weight"))}  # fmt: skip
    out: dict[int, list[Gap]] = {}
    for project in items:
        row = sums.get(project.pk)
        gaps = []
        if row is None or not row["n"]:
            gaps.append(Gap("no_indicators", NO_INDICATORS))
        else:
            points = get_scheme(project.scheme).indicator_points
            total = row["weight"] or Decimal(0)
            if total != points:  # weights not given at all are weights_missing: the same refusal
                gaps.append(Gap("weights_sum", WEIGHTS_SUM.format(total=fmt(total), points=fmt(points))))
        out[project.pk] = gaps
    return out
