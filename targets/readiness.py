"""Whether a project's targets may be submitted (the targets stage's readiness, registered with
projects.workflow by TargetsConfig.ready): a declaration needs indicators, and of the §8 checks
(scoring.targets) only those in BLOCKING (`weights_sum`) stop it; the others are warnings the
reviewer sees beside the rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from projects.models import Project
from projects.selectors import projects_with_scoring_data
from scoring.targets import blocking, check_targets
from targets.selectors import targets_input

NO_INDICATORS = "尚未设置绩效指标"


@dataclass(frozen=True)
class Gap:
    code: str
    message: str


def targets_gaps(projects: Iterable[Project]) -> dict[int, list[Gap]]:
    """The gaps of each project's targets, in a fixed number of queries however many there are."""
    loaded = projects_with_scoring_data().filter(pk__in=[p.pk for p in projects])
    out: dict[int, list[Gap]] = {}
    for project in loaded:
        if not project.indicators.all():
            out[project.pk] = [Gap("no_indicators", NO_INDICATORS)]
            continue
        out[project.pk] = [Gap(w.code, w.message) for w in blocking(check_targets(targets_input(project)))]
    return out
