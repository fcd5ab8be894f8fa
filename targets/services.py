"""The targets review (财预〔2015〕88号): the reviewer's result is the stage's step.

优 approves (and opens the self-evaluation on these targets), 良 sends the targets back for the
listed changes, which the reviewer then approves without a new round, 中 returns them for revision
and resubmission, 差 rejects them (an admin reopens). The step goes through the engine
(projects.workflow.transition: role, unit, state, reason, readiness), and the review is kept with
its round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.guards import REVIEWERS, REVIEWERS_ONLY, projects_guard
from projects.models import Project, StageState
from projects.stages import STAGES, Action, StageKey, status_label
from projects.workflow import transition
from targets.models import CRITERIA, TargetResult, TargetReview
from targets.readiness import targets_gaps

RESULT_ACTIONS = {
    TargetResult.EXCELLENT: Action.APPROVE,
    TargetResult.GOOD: Action.REVISE,
    TargetResult.FAIR: Action.RETURN,
    TargetResult.POOR: Action.REJECT,
}
CRITERION_NEEDED = "请填写“{label}”的审核意见"


def _criteria_check(criteria: Mapping[str, str]) -> None:
    missing = [label for name, label in CRITERIA if not (criteria.get(name) or "").strip()]
    if missing:
        raise ValidationError([CRITERION_NEEDED.format(label=label) for label in missing], code="criteria")


def _record(*, projects: list[Project], user: Any, result: str, criteria: Mapping[str, str],
            opinion: str) -> list[TargetReview]:  # fmt: skip
    """The step of `result` for every project (one transition: role, unit, state, reason, readiness,
    row locks, rounds), then each project's review with its round: a fixed number of queries."""
    transition(projects=projects, stage=StageKey.TARGETS, action=RESULT_ACTIONS[result], user=user,
               reason=opinion)  # fmt: skip
    rounds = dict(StageState.objects.filter(project__in=[p.pk for p in projects], stage=StageKey.TARGETS)
                  .values_list("project", "round"))  # fmt: skip
    notes = {name: criteria[name].strip() for name, _ in CRITERIA}
    return TargetReview.objects.bulk_create(
        [TargetReview(project=p, round=rounds[p.pk], reviewer=user, result=result, opinion=opinion.strip(), **notes)
         for p in projects]
    )  # fmt: skip


@transaction.atomic
def targets_review(*, project: Project, user: Any, result: str, criteria: Mapping[str, str],
                   opinion: str = "") -> TargetReview:  # fmt: skip
    """Record a review of `project`'s targets and take the step its result means, or do neither."""
    _criteria_check(criteria)
    return _record(projects=[project], user=user, result=result, criteria=criteria, opinion=opinion)[0]


# --- many projects at once (the /targets/ list) ---------------------------------------------------

# 良 lists the changes each project must make: reviewed one project at a time on its review page
BULK_RESULTS = (TargetResult.EXCELLENT, TargetResult.FAIR, TargetResult.POOR)
NO_BULK_GOOD = "“良”须逐个项目列明须修改的内容，请在项目的审核页面逐个审核"
NOTHING_CHOSEN = "请至少选择一个项目"
STATE_NOW = "绩效目标当前状态为“{status}”"


@dataclass(frozen=True)
class BulkReview:
    """What a bulk review did (or, before it, would do): the projects reviewed and those refused,
    each with why in Chinese (a state that changed meanwhile, a gap that stops approval)."""

    reviewed: tuple[Project, ...]
    refused: tuple[tuple[Project, tuple[str, ...]], ...]


def bulk_candidates(projects: Sequence[Project], result: str, *, lock: bool = False) -> BulkReview:
    """Which of `projects` `result` can be given to now, and why not for the others; a fixed number
    of queries. With `lock`, the projects' and their targets rows' locks are taken first (in the
    order projects.workflow.transition takes them), so what is found stays so until the commit."""
    step = STAGES[StageKey.TARGETS].transition(RESULT_ACTIONS[result])
    ids = sorted(p.pk for p in projects)
    rows = StageState.objects.filter(project__in=ids, stage=StageKey.TARGETS)
    if lock:
        list(Project.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        rows = rows.select_for_update().order_by("project")
    states = dict(rows.values_list("project", "status"))
    refused: dict[int, tuple[str, ...]] = {}
    for p in projects:
        if states.get(p.pk) not in step.sources:
            refused[p.pk] = (STATE_NOW.format(status=status_label(states.get(p.pk) or "") or "未开始"),)
    if step.ready:
        gaps = targets_gaps([p for p in projects if p.pk not in refused])
        refused |= {pk: tuple(g.message for g in found) for pk, found in gaps.items() if found}
    return BulkReview(tuple(p for p in projects if p.pk not in refused),
                      tuple((p, refused[p.pk]) for p in projects if p.pk in refused))  # fmt: skip


@transaction.atomic
def targets_review_many(*, projects: Sequence[Project], user: Any, result: str, criteria: Mapping[str, str],
                        opinion: str = "") -> BulkReview:  # fmt: skip
    """The single review's result for many projects, with one shared note per criterion of 88号 and
    one opinion: every project the user reviews (another unit's is a 404 for the whole request);
    those whose targets are no longer waiting for this result (withdrawn, reviewed by someone else
    meanwhile) or not ready for approval are refused and named, the others reviewed, each under its
    own row lock, in a fixed number of queries however many there are."""
    if not projects:
        raise ValidationError(NOTHING_CHOSEN, code="empty")
    if result not in BULK_RESULTS:
        raise ValidationError(NO_BULK_GOOD, code="result")
    _criteria_check(criteria)
    projects_guard(user, [p.pk for p in projects], roles=REVIEWERS, denied=REVIEWERS_ONLY)
    found = bulk_candidates(projects, result, lock=True)
    if found.reviewed:
        _record(projects=list(found.reviewed), user=user, result=result, criteria=criteria, opinion=opinion)
    return found
