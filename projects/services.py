"""Writes for projects: the review workflow and the check against lost updates.

草稿/已退回 → 已提交 (officer) → 已审核 (evaluator; locked) or 已退回 (with a reason);
only an admin reopens an approved evaluation, with a reason. Every step is a ReviewRound.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from projects.models import Project, ReviewAction, ReviewRound, Status

BLOCKING_WARNINGS = ("weights_sum", "missing_reason")
SUBMIT_BLOCKED = "存在须先处理的问题，暂不能提交："
WRONG_STATE = "项目当前状态为“{status}”，不能{action}"
REASON_REQUIRED = "请填写{what}"
STALE = "该项目已被他人修改，您的输入已保留在表单中；请先查看最新内容（刷新页面）再保存"
EDITABLE = (Status.DRAFT, Status.RETURNED)
LOCKED = "项目当前状态为“{status}”，不能修改（已提交的项目须先退回，已审核的须由管理员重新打开）"


def project_touch(*, project: Project, version: int) -> Project:
    """Claim the next version of `project`; refuses when someone saved since `version` was read.

    Every edit form carries the version it was rendered with, so the second of two people
    editing the same project is told instead of silently overwriting the first.
    It is also where every edit meets the workflow's lock: a project that is no longer 草稿 or
    已退回 is refused, whatever page or path the edit came from.
    """
    claimed = Project.objects.filter(pk=project.pk, version=version, status__in=EDITABLE)
    if not claimed.update(version=F("version") + 1):
        status = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
        if status not in EDITABLE:
            raise ValidationError(LOCKED.format(status=Status(status).label if status else "已删除"), code="locked")
        raise ValidationError(STALE, code="stale")
    project.version = version + 1
    return project


def _round(project: Project, action: str, user: Any, reason: str = "") -> ReviewRound:
    number = project.rounds.aggregate(n=Max("number"))["n"] or 0
    if action == ReviewAction.SUBMIT:
        number += 1
    return ReviewRound.objects.create(project=project, number=max(number, 1), action=action, actor=user,
                                      reason=reason)  # fmt: skip


def _move(project: Project, allowed: Iterable[str], new: str, action: str, user: Any, reason: str) -> Project:
    """Take one step of the workflow: the row is locked and its state checked inside the
    transaction, so of two people acting at once the second sees the first one's result."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.status not in allowed:
        label = ReviewAction(action).label
        raise ValidationError(WRONG_STATE.format(status=current.get_status_display(), action=label), code="state")
    current.status = new
    current._change_reason = f"{ReviewAction(action).label}" + (f"：{reason}" if reason else "")
    current._history_user = user
    current.save(update_fields=["status", "updated_at"])
    Project.objects.filter(pk=project.pk).update(version=F("version") + 1)
    project.status, project.version = new, current.version + 1
    _round(project, action, user, reason)
    return project


def submission_problems(project: Project) -> list[str]:
    """Why `project` cannot be submitted yet: the blocking warnings of domain.md §3."""
    from projects.selectors import projects_with_scoring_data
    from scoring.services import project_evaluate  # scoring builds on projects

    fresh = projects_with_scoring_data().get(pk=project.pk)
    warnings = project_evaluate(fresh).warnings
    return [
        f"{w.indicator}：{w.message}" if w.indicator else w.message for w in warnings if w.code in BLOCKING_WARNINGS
    ]


@transaction.atomic
def evaluation_submit(*, project: Project, user: Any) -> Project:
    problems = submission_problems(project)
    if problems:
        raise ValidationError([SUBMIT_BLOCKED, *problems], code="blocked")
    return _move(project, EDITABLE, Status.SUBMITTED, ReviewAction.SUBMIT, user, "")


@transaction.atomic
def evaluation_return(*, project: Project, user: Any, reason: str) -> Project:
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED.format(what="退回理由"), code="reason")
    return _move(project, (Status.SUBMITTED,), Status.RETURNED, ReviewAction.RETURN, user, reason.strip())


@transaction.atomic
def evaluation_approve(*, projects: Iterable[Project], user: Any) -> int:
    """Approve one or many submitted projects; refuses the whole batch if one is not submitted."""
    items = list(projects)
    for project in items:
        _move(project, (Status.SUBMITTED,), Status.APPROVED, ReviewAction.APPROVE, user, "")
    return len(items)


@transaction.atomic
def evaluation_reopen(*, project: Project, user: Any, reason: str) -> Project:
    """Admin only (the view checks the role): an approved evaluation goes back to the officer."""
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED.format(what="重新打开的理由"), code="reason")
    return _move(project, (Status.APPROVED,), Status.RETURNED, ReviewAction.REOPEN, user, reason.strip())


COPY_EXISTS = "{year} 年度已有项目“{name}”，不能重复复制"
COPIED_FIELDS = ("unit", "code", "name", "attribute", "overall_goal", "annual_goal", "scheme")
TREE_FIELDS = ("position", "level1", "level2", "level3", "comparator", "target", "target_text", "unit", "deadline",
               "sign_assumed", "weight", "direction")  # fmt: skip


@transaction.atomic
def project_copy_to_year(*, source: Project, year: int, user: Any) -> Project:
    """Start `year` from `source`: basics, goals and the indicator tree with its targets and
    weights; no funds, actuals, reasons, scores or review history (they belong to a year)."""
    from indicators.models import Indicator  # indicators builds on projects

    clash = Project.objects.filter(year=year, unit=source.unit, name=source.name)
    if source.code:
        clash = Project.objects.filter(year=year, code=source.code)
    if clash.exists():
        raise ValidationError(COPY_EXISTS.format(year=year, name=source.name), code="exists")
    copy = Project(year=year, **{f: getattr(source, f) for f in COPIED_FIELDS})
    copy._change_reason = f"复制自 {source.year} 年度"
    copy.save()
    rows = [Indicator(project=copy, **{f: getattr(i, f) for f in TREE_FIELDS}) for i in source.indicators.all()]
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(rows, Indicator, default_user=user, default_change_reason=f"复制自 {source.year} 年度")
    from scoring.services import projects_rescore  # scoring builds on projects

    projects_rescore(project_ids=[copy.pk])
    return copy


@transaction.atomic
def project_create(*, project: Project, user: Any) -> Project:
    """Save a new draft project (unit set by the caller), with its history and stored totals."""
    from scoring.services import projects_rescore  # scoring builds on projects

    project.status = Status.DRAFT
    project._change_reason = "新建项目"
    project._history_user = user
    project.full_clean()
    project.save()
    projects_rescore(project_ids=[project.pk])
    return project
