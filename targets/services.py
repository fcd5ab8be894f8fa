"""The targets review (财预〔2015〕88号): the reviewer's result is the stage's step.

优 approves (and opens the self-evaluation on these targets), 良 sends the targets back for the
listed changes, which the reviewer then approves without a new round, 中 returns them for revision
and resubmission, 差 rejects them (an admin reopens). The step goes through the engine
(projects.workflow.transition: role, unit, state, reason, readiness), and the review is kept with
its round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import Project, StageState
from projects.stages import Action, StageKey
from projects.workflow import transition
from targets.models import CRITERIA, TargetResult, TargetReview

RESULT_ACTIONS = {
    TargetResult.EXCELLENT: Action.APPROVE,
    TargetResult.GOOD: Action.REVISE,
    TargetResult.FAIR: Action.RETURN,
    TargetResult.POOR: Action.REJECT,
}
CRITERION_NEEDED = "请填写“{label}”的审核意见"


@transaction.atomic
def targets_review(*, project: Project, user: Any, result: str, criteria: Mapping[str, str],
                   opinion: str = "") -> TargetReview:  # fmt: skip
    """Record a review of `project`'s targets and take the step its result means, or do neither."""
    missing = [label for name, label in CRITERIA if not (criteria.get(name) or "").strip()]
    if missing:
        raise ValidationError([CRITERION_NEEDED.format(label=label) for label in missing], code="criteria")
    transition(projects=[project], stage=StageKey.TARGETS, action=RESULT_ACTIONS[result], user=user,
               reason=opinion)  # fmt: skip
    number = StageState.objects.filter(project=project, stage=StageKey.TARGETS).values_list("round", flat=True).get()
    return TargetReview.objects.create(project=project, round=number, reviewer=user, result=result,
                                       opinion=opinion.strip(),
                                       **{name: criteria[name].strip() for name, _ in CRITERIA})  # fmt: skip
