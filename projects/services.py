"""Writes for projects: the self-evaluation's steps, the check against lost updates, codes (the copy into
another year, which writes the indicator tree, is indicators.copying).

The steps of every stage are data (projects.stages) taken by one function (projects.workflow.transition);
the self-evaluation's are: 草稿/已退回 → 已提交 (officer, when nothing is missing: projects.readiness) →
已审核 (evaluator; locked, and again only when nothing is missing) or 已退回 (with a reason); the
officer may 撤回 a submission back to 草稿, with a reason, while its review has not started; only an
admin reopens an approved evaluation, with a reason. Every step is a ReviewRound, and the project's
history records who, when and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import F

from evalsys.lib.codes import normalize_code
from projects import workflow
from projects.access import OFFICERS_ONLY
from projects.guards import project_guard, unit_guard
from projects.models import Project, ReviewAction, Status, Unit
from projects.scores import projects_rescore
from projects.stages import STAGES, StageKey, Transition
from projects.workflow import (  # noqa: F401 - re-exported: the names callers and tests use
    APPROVE_BLOCKED,
    LOCKED,
    REASON_REQUIRED,
    REVIEW_STARTED,
    SUBMIT_BLOCKED,
    WRONG_ROLE,
    WRONG_STATE,
    SubmissionBlocked,
    review_started,
)

STALE = "该项目已被他人修改，您的输入已保留在表单中；请先查看最新内容（刷新页面）再保存"
# the self-evaluation's steps by action (the timeline reads where each step moved the project)
WORKFLOW: dict[str, Transition] = {t.action: t for t in STAGES[StageKey.SELF_EVALUATION].transitions}


def project_touch(*, project: Project, version: int, parts: Sequence[str] = workflow.EDIT_PARTS) -> Project:
    """Claim the next version of `project`; refuses when someone saved since `version` was read.

    Every edit form carries the version it was rendered with, so the second of two people
    editing the same project is told instead of silently overwriting the first.
    It is also where every edit meets the one lock rule (projects.workflow.is_locked): an edit of
    `parts` that a stage's state locks is refused, whatever page or path it came from.
    """
    claimed = Project.objects.filter(workflow.unlocked(parts), pk=project.pk, version=version)
    if not claimed.update(version=F("version") + 1):
        current = Project.objects.filter(pk=project.pk).first()
        if current is None:
            raise ValidationError(LOCKED.format(status="已删除"), code="locked")
        if workflow.is_locked(current, parts):
            raise ValidationError(workflow.lock_message(current, parts), code="locked")
        raise ValidationError(STALE, code="stale")
    project.version = version + 1
    return project


def evaluation_transition(*, projects: Iterable[Project], action: str, user: Any, reason: str = "") -> list[Project]:
    """Take step `action` of the self-evaluation for every project, or for none (inside a transaction)."""
    return workflow.transition(projects=projects, action=action, user=user, reason=reason)


def submission_problems(project: Project) -> list[str]:
    """Why `project` cannot be submitted yet, in Chinese (projects.readiness has the links)."""
    from projects.readiness import submission_gaps  # readiness reads scores and reports above projects

    return [g.message for g in submission_gaps(project)]


@transaction.atomic
def evaluation_submit(*, project: Project, user: Any) -> Project:
    """提交: refused with every gap (SubmissionBlocked) while anything is missing."""
    return evaluation_transition(projects=[project], action=ReviewAction.SUBMIT, user=user)[0]


@transaction.atomic
def evaluation_withdraw(*, project: Project, user: Any, reason: str) -> Project:
    """撤回: the officer takes a submission back to 草稿, with a reason, before review starts."""
    return evaluation_transition(projects=[project], action=ReviewAction.WITHDRAW, user=user, reason=reason)[0]


@transaction.atomic
def evaluation_return(*, project: Project, user: Any, reason: str) -> Project:
    return evaluation_transition(projects=[project], action=ReviewAction.RETURN, user=user, reason=reason)[0]


@transaction.atomic
def evaluation_approve(*, projects: Iterable[Project], user: Any) -> int:
    """Approve one or many submitted projects; refuses the whole batch if one is not submitted or
    has anything missing (an evaluator cannot approve what could not have been submitted)."""
    return len(evaluation_transition(projects=projects, action=ReviewAction.APPROVE, user=user))


@transaction.atomic
def evaluation_reopen(*, project: Project, user: Any, reason: str) -> Project:
    """Admin only: an approved evaluation goes back to the officer."""
    return evaluation_transition(projects=[project], action=ReviewAction.REOPEN, user=user, reason=reason)[0]


CODE_TAKEN = (
    "项目编码“{code}”属于单位“{unit}”（{year} 年度项目“{name}”），一个编码只属于一个单位，不能用于本单位的项目；"
    "请核对编码，如确属本单位请联系管理员处理"
)
CODE_REASON = "修改项目编码：{old} → {new}"


def code_holder(*, code: str, unit: Unit | None, exclude_pk: int | None = None) -> Project | None:
    """Another unit's project with `code` in any year (its latest), or None: a 预算项目编码 belongs to
    one unit, so a second unit may not start a project under it (issue 15, A4)."""
    code = normalize_code(code)
    if not code:
        return None
    others = Project.objects.filter(code=code).select_related("unit").order_by("-year", "pk")
    if unit is not None and unit.pk is not None:
        others = others.exclude(unit_id=unit.pk)
    return (others.exclude(pk=exclude_pk) if exclude_pk else others).first()


def code_lock(codes: Iterable[str]) -> None:
    """Serialise the writers of the same codes until the transaction ends (PostgreSQL): of two units
    starting the same new code at once, the second sees the first one's project."""
    wanted = sorted({normalize_code(c) for c in codes} - {""})
    if wanted and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(c)) FROM (SELECT unnest(%s::text[]) AS c "
                           "ORDER BY 1) AS ordered", [wanted])  # fmt: skip


def code_check_owner(*, code: str, unit: Unit | None, exclude_pk: int | None = None) -> None:
    """ValidationError at `code` when another unit holds `code` (call inside a transaction)."""
    code_lock([code])
    holder = code_holder(code=code, unit=unit, exclude_pk=exclude_pk)
    if holder is not None:
        message = CODE_TAKEN.format(code=holder.code, unit=holder.unit, year=holder.year, name=holder.name)
        raise ValidationError({"code": [ValidationError(message, code="code_taken")]})


@transaction.atomic
def project_create(*, project: Project, user: Any) -> Project:
    """Save a new draft project (unit set by the caller), with its history and stored totals."""

    unit_guard(user, project.unit, denied=OFFICERS_ONLY)  # the unit's officer, or an admin
    # a year whose calendar uses the targets stage starts by declaring them (the self-evaluation
    # opens when they are approved: projects.workflow.stages_start, stage_open)
    declaring = workflow.year_uses(project.year, StageKey.TARGETS)
    project.status = Status.NOT_OPEN if declaring else Status.DRAFT
    project._change_reason = "新建项目（申报绩效目标）" if declaring else "新建项目"
    project._history_user = user
    project.code = normalize_code(project.code)
    if project.code:
        code_check_owner(code=project.code, unit=project.unit)
    project.full_clean()
    project.save()
    projects_rescore(project_ids=[project.pk])
    return project


@transaction.atomic
def project_set_code(*, project: Project, code: str, user: Any) -> Project:
    """Correct the 项目编码 of `project` (already claimed by the caller through project_touch):
    another unit's code and a code taken in the year are refused; the history says old → new."""
    project_guard(user, project)
    code, old = normalize_code(code), project.code
    if code == old:
        return project
    if code:
        code_check_owner(code=code, unit=project.unit, exclude_pk=project.pk)
    project.code = code
    try:
        project.full_clean()
    except ValidationError as error:  # e.g. the code taken in the year: said at the code, not on top
        project.code = old  # the page shown again names the project as it is stored
        errors = error.error_dict  # full_clean's errors are by field
        if NON_FIELD_ERRORS in errors:
            errors["code"] = errors.get("code", []) + errors.pop(NON_FIELD_ERRORS)
        raise ValidationError(errors) from None
    project._change_reason = CODE_REASON.format(old=old or "（无）", new=code or "（无）")
    project._history_user = user
    project.save(update_fields=["code", "updated_at"])
    return project


DELETE_REFUSED = "只能删除从未提交过的草稿；项目当前状态为“{status}”{rounds}，不能删除"
DELETE_ROLE = "只有本单位的填报人或管理员可以删除草稿"
DELETE_REASON = "删除草稿项目"
DELETE_GONE = "该项目已被删除"


def project_deletable(project: Project) -> bool:
    """A 草稿 never submitted (no review round): what project_delete_draft accepts."""
    return project.status == Status.DRAFT and not project.rounds.exists()


@transaction.atomic
def project_delete_draft(*, project: Project, user: Any, reason: str = "") -> None:
    """Delete a mistaken draft: only a 草稿 that was never submitted (no review round: what was
    once submitted keeps its record), by its unit's officer or an admin. The history keeps the
    project's last state with who, when and why ("-" rows of simple_history)."""
    project_guard(user, project, denied=DELETE_ROLE)  # another unit's draft: 404, as on the page
    current = Project.objects.select_for_update().filter(pk=project.pk).first()
    if current is None:
        raise ValidationError(DELETE_GONE, code="gone")
    if not project_deletable(current):
        rounds = current.rounds.exists()
        found = "且已有审核记录" if rounds else ""
        raise ValidationError(DELETE_REFUSED.format(status=current.get_status_display(), rounds=found), code="state")
    current._change_reason = DELETE_REASON + (f"：{reason.strip()}" if reason.strip() else "")
    current._history_user = user
    current.delete()
