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
    """Sum of leaf weights under one 一级 (or all of them) against what the scheme expects.

    `merged` names the 一级 whose points this one carries as well (效益 takes 满意度's 10 when there
    is no 满意度 row); `merged_into` the 一级 that carries this one's points (满意度, with no row)."""

    name: str
    total: Decimal
    expected: Decimal
    merged: tuple[str, Decimal] | None = None
    merged_into: tuple[str, Decimal] | None = None

    @property
    def ok(self) -> bool:
        return self.total == self.expected


def weight_sums(scheme: Scheme, rows: list[Indicator]) -> tuple[list[WeightSum], WeightSum]:
    """Per-一级 sums (产出 x/50 …) and the total (x/90); 满意度's points move to 效益 when absent,
    and both badges say so, so that the parts shown add up to the total shown."""
    present = {row.level1 for row in rows}
    expected = expected_level1_points(scheme, present)
    standard = dict(scheme.level1_points)
    moved = scheme.satisfaction_level1 if scheme.satisfaction_level1 not in expected else ""
    into = scheme.satisfaction_moves_to if moved else ""
    parts = []
    for name in scheme.level1_names:
        total = sum((r.weight for r in rows if r.level1 == name), ZERO)
        if name == moved:
            parts.append(WeightSum(name, total, ZERO, merged_into=(into, standard[name])))
        elif name in expected or name in present:
            merged = (moved, standard[moved]) if name == into else None
            parts.append(WeightSum(name, total, expected.get(name, ZERO), merged=merged))
    total = WeightSum("合计", sum((r.weight for r in rows), ZERO), scheme.indicator_points)
    return parts, total


def with_scoring_data(project: Project) -> Project:
    """Load funds and indicators (in tree order) onto a project already in hand, in two queries:
    what projects.selectors.projects_with_scoring_data prefetches, without reading the project again."""
    indicators = Prefetch("indicators", queryset=Indicator.objects.order_by("position", "id"))
    prefetch_related_objects([project], "funds", indicators)
    return project
