"""Writes of the review pages: a bulk approval that names every project it refuses, and the
审核意见 an evaluator writes beside an indicator during a round."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.models import Indicator
from projects.guards import REVIEWERS, REVIEWERS_ONLY, projects_guard
from projects.models import Project, ReviewAction, Status
from projects.services import evaluation_approve
from review.models import ReviewNote

NOT_SUBMITTED = "以下项目不是“已提交”状态，不能审核通过（均未审核）：{items}"
NOTHING_CHOSEN = "请至少选择一个项目"


@transaction.atomic
def projects_approve(*, projects: Sequence[Project], user: Any) -> int:
    """Approve every project or none; the error lists each one that is not 已提交."""
    if not projects:
        raise ValidationError(NOTHING_CHOSEN, code="empty")
    projects_guard(user, [p.pk for p in projects], roles=REVIEWERS, denied=REVIEWERS_ONLY)  # every one reviewable
    fresh = list(Project.objects.select_for_update().filter(pk__in=[p.pk for p in projects]).order_by("code", "pk"))
    wrong = [p for p in fresh if p.status != Status.SUBMITTED]
    if wrong:
        items = "、".join(f"{p.code or p.name}（{p.get_status_display()}）" for p in wrong)
        raise ValidationError(NOT_SUBMITTED.format(items=items), code="state")
    return evaluation_approve(projects=fresh, user=user)


NOTE_STATE = "只有已提交、待审核的项目可以填写审核意见"
NOTE_TOO_LONG = "审核意见最多 {n} 个字"
NOTE_MAX = 2000


@transaction.atomic
def review_note_save(*, indicator: Indicator, text: str, user: Any) -> ReviewNote | None:
    """Write (or, with empty text, remove) the evaluator's 审核意见 on `indicator` in the current round.

    The note belongs to the round's 提交 step, so it stays with that round after the project is
    returned and resubmitted. Takes the project's row lock, as 撤回 does: a withdrawal and the first
    note cannot cross (projects.services.review_started).
    """
    projects_guard(user, [indicator.project_id], roles=REVIEWERS, denied=REVIEWERS_ONLY)
    project = Project.objects.select_for_update().get(pk=indicator.project_id)
    if project.status != Status.SUBMITTED:
        raise ValidationError(NOTE_STATE, code="state")
    text = text.strip()
    if len(text) > NOTE_MAX:
        raise ValidationError({"text": NOTE_TOO_LONG.format(n=NOTE_MAX)})
    current = project.rounds.filter(action=ReviewAction.SUBMIT).order_by("-created_at", "-pk").first()
    if current is None:  # submitted outside the workflow (demo data, a hand edit): open its round now
        from projects.services import _round  # lead: workflow rewrite (rounds move to projects.workflow)

        current = _round(project, ReviewAction.SUBMIT, user)
    note = ReviewNote.objects.filter(round=current, indicator=indicator).first()
    if not text:
        if note is not None:
            note.delete()
        return None
    note = note or ReviewNote(round=current, indicator=indicator)
    note.text, note.author, note.indicator_name = text, user, indicator.level3
    note.full_clean()
    note.save()
    return note
