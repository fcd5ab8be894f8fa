"""Reads for the indicator pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects

from indicators.models import Indicator
from projects.models import Project
from scoring.rules import expected_level1_points
from scoring.types import ZERO, Scheme


@dataclass(frozen=True)
class WeightSum:
    """Sum of leaf weights under one 一级 (or all of them) against what the scheme expects."""

    name: str
    total: Decimal
    expected: Decimal

    @property
    def ok(self) -> bool:
        return self.total == self.expected


def weight_sums(scheme: Scheme, rows: list[Indicator]) -> tuple[list[WeightSum], WeightSum]:
    """Per-一级 sums (产出 x/50 …) and the total (x/90); 满意度's points move to 效益 when absent."""
    present = {row.level1 for row in rows}
    expected = expected_level1_points(scheme, present)
    parts = [
        WeightSum(name, sum((r.weight for r in rows if r.level1 == name), ZERO), expected.get(name, ZERO))
        for name in scheme.level1_names
        if name in expected or name in present
    ]
    total = WeightSum("合计", sum((r.weight for r in rows), ZERO), scheme.indicator_points)
    return parts, total


def with_scoring_data(project: Project) -> Project:
    """Load funds and indicators (in tree order) onto a project already in hand, in two queries:
    what projects.selectors.projects_with_scoring_data prefetches, without reading the project again."""
    indicators = Prefetch("indicators", queryset=Indicator.objects.order_by("position", "id"))
    prefetch_related_objects([project], "funds", indicators)
    return project
