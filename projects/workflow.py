"""The stage engine (issue 16): one transition function, one lock rule, one list of allowed actions.

Every step of every stage (projects.stages) goes through `transition`: it checks the role and the
unit (projects.access), the reason, the state and the stage's readiness, then locks the rows, checks
the state again, writes the stage's state, round and version, the mirror column on Project where
the stage has one (the self-evaluation's Project.status), the project's history and a ReviewRound.
Pages, HTMX, the import, the admin, commands and a later API all call it.

`is_locked(project, part)` answers "may this part be written?" from the stage states and is the
only place that answers it; `project_touch` applies it inside the write (projects.services).
`allowed_actions(user, project)` is what pages and templates render their buttons from.

What a stage's rules need from apps above this one (its readiness, whether review has started)
is registered by dotted path, so projects imports none of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Max
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.utils import bulk_update_with_history

from evalsys.lib.bulk import bulk_create_logged
from projects.access import role_of, visible_projects
from projects.guards import projects_guard
from projects.locks import (  # noqa: F401 - the lock rule is part of the engine's interface
    EDIT_PARTS,
    LOCKED,
    forget_states,
    is_locked,
    lock_message,
    states_of,
    unlocked,
)
from projects.models import Project, ReviewRound, StageState, YearPlan
from projects.stages import STAGES, Action, StageKey, StageStatus, Transition, status_label

SUBMIT_BLOCKED = "存在须先处理的问题，暂不能提交："
APPROVE_BLOCKED = "以下项目尚有未填写完整的内容，不能审核通过（均未审核）："
WRONG_STATE = "项目当前状态为“{status}”，不能{action}"
WRONG_STAGE_STATE = "项目的{stage}当前状态为“{status}”，不能{action}"
WRONG_ROLE = "您的角色不能{action}"
REASON_REQUIRED = "请填写{what}"
REVIEW_STARTED = "审核人已开始审核（已调整得分或填写审核意见），不能撤回；如需修改请联系审核人退回"

# what a stage's rules need from the apps above projects, by dotted path (resolved when first asked)
READINESS: dict[str, str] = {StageKey.SELF_EVALUATION: "projects.readiness.projects_gaps"}
REVIEW_STARTED_HOOKS: dict[str, str] = {StageKey.SELF_EVALUATION: "review.selectors.review_started"}


def register_readiness(stage: str, path: str) -> None:
    """`path` names `f(projects) -> {pk: [gap, ...]}` (projects.readiness.Gap-like: .message)."""
    READINESS[stage] = path


def register_review_started(stage: str, path: str) -> None:
    """`path` names `f(project) -> bool`: an evaluator has acted on the stage's current round."""
    REVIEW_STARTED_HOOKS[stage] = path


class SubmissionBlocked(ValidationError):
    """A refused 提交 or 审核通过; `gaps` maps each refused project's pk to its readiness gaps."""

    def __init__(self, head: str, gaps: dict[int, list[Any]], lines: list[str]) -> None:
        super().__init__([head, *lines], code="blocked")
        self.gaps = gaps


# --- who may do what ----------------------------------------------------------------------------


def review_started(project: Project, stage: str = StageKey.SELF_EVALUATION) -> bool:
    path = REVIEW_STARTED_HOOKS.get(stage)
    return bool(path) and import_string(path)(project)


def allowed_actions(user: Any, project: Project, *, stage: str | None = None) -> list[Transition]:
    """The steps `user` may take on `project` now (of one stage, or of all), readiness aside:
    a 提交 offered here may still be refused with the gaps it lists."""
    role = role_of(user)
    if role is None or not visible_projects(user).filter(pk=project.pk).exists():
        return []
    out = []
    for key, status in states_of(project).items():
        spec = STAGES.get(key)
        if spec is None or (stage is not None and key != stage):
            continue
        for step in spec.transitions:
            if status in step.sources and role in step.roles:
                if step.unreviewed and review_started(project, key):
                    continue
                out.append(step)
    return out


# --- the one transition -------------------------------------------------------------------------


def transition(
    *, projects: Iterable[Project], action: str, user: Any, reason: str = "", stage: str = StageKey.SELF_EVALUATION
) -> list[Project]:
    """Take step `action` of `stage` for every project, or for none (call inside a transaction)."""
    spec = STAGES[stage]
    step, items, reason = spec.transition(action), list(projects), reason.strip()
    ids = [p.pk for p in items]
    # the role the step allows (403) and the user's units (another unit's project: 404), as every service
    projects_guard(user, ids, roles=step.roles, denied=WRONG_ROLE.format(action=step.label))
    if step.reason and not reason:
        raise ValidationError(REASON_REQUIRED.format(what=step.reason), code="reason")
    _check_states(step, dict(StageState.objects.filter(project__in=ids, stage=stage).values_list("project", "status")),
                  items)  # fmt: skip
    if step.ready:
        _check_ready(step, items)
    current = list(Project.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    rows = {r.project_id: r for r in StageState.objects.select_for_update().filter(project__in=ids, stage=stage)}
    _check_states(step, {pk: row.status for pk, row in rows.items()}, items)
    if step.unreviewed and any(review_started(p, stage) for p in current):  # notes take the same row lock
        raise ValidationError(REVIEW_STARTED, code="started")
    _write(spec.project_field, step, current, rows, user, reason)
    if step.opens:
        stage_open(projects=items, stage=step.opens)
    versions = dict(Project.objects.filter(pk__in=ids).values_list("pk", "version"))
    for project in items:
        project.version = versions[project.pk]
        if spec.project_field:
            setattr(project, spec.project_field, step.target)
        forget_states(project)
    return items


def _check_states(step: Transition, states: dict[int, str], projects: list[Project]) -> None:
    for project in projects:
        status = states.get(project.pk)
        if status not in step.sources:
            label = status_label(status) if status else "未开始"
            if step.stage == StageKey.SELF_EVALUATION:
                raise ValidationError(WRONG_STATE.format(status=label, action=step.label), code="state")
            stage_label = STAGES[step.stage].label
            raise ValidationError(WRONG_STAGE_STATE.format(stage=stage_label, status=label, action=step.label),
                                  code="state")  # fmt: skip


def _check_ready(step: Transition, projects: list[Project]) -> None:
    path = READINESS.get(step.stage)
    if not path:
        return
    gaps = {pk: found for pk, found in import_string(path)(projects).items() if found}
    if not gaps:
        return
    if step.action == Action.SUBMIT:
        raise SubmissionBlocked(SUBMIT_BLOCKED, gaps, [g.message for found in gaps.values() for g in found])
    names = [f"{p.code or p.name}（{'；'.join(g.message for g in gaps[p.pk])}）" for p in projects if p.pk in gaps]
    raise SubmissionBlocked(APPROVE_BLOCKED, gaps, names)


def _write(field: str, step: Transition, current: list[Project], rows: dict[int, StageState], user: Any,
           reason: str) -> None:  # fmt: skip
    """The step's writes for the locked rows, in a fixed number of queries however many there are."""
    now = timezone.now()
    ids = [p.pk for p in current]
    why = step.label + (f"：{reason}" if reason else "")
    if field:  # the stage's mirror on Project, with the project's history row (who, when, why)
        for row in current:
            setattr(row, field, step.target)
            row.updated_at = now
        if len(current) == 1:
            current[0]._change_reason, current[0]._history_user = why, user
            current[0].save(update_fields=[field, "updated_at"])
        else:
            bulk_update_with_history(current, Project, [field, "updated_at"], batch_size=500, default_user=user,
                                     default_change_reason=why, default_date=now)  # fmt: skip
    Project.objects.filter(pk__in=ids).update(version=F("version") + 1)
    numbers = dict(ReviewRound.objects.filter(project__in=ids, stage=step.stage).order_by().values("project")
                   .annotate(n=Max("number")).values_list("project", "n"))  # fmt: skip
    bump = 1 if step.action == Action.SUBMIT else 0
    number = {pk: max((numbers.get(pk) or 0) + bump, 1) for pk in ids}
    ReviewRound.objects.bulk_create(
        [ReviewRound(project_id=pk, stage=step.stage, number=number[pk], action=step.action, actor=user,
                     reason=reason) for pk in ids],
        batch_size=500,
    )  # fmt: skip
    for pk in ids:
        row = rows[pk]
        row.status, row.round, row.version, row.updated_at = step.target, number[pk], row.version + 1, now
    StageState.objects.bulk_update(list(rows.values()), ["status", "round", "version", "updated_at"], batch_size=500)


# --- opening stages -----------------------------------------------------------------------------


# rows from which stage_open inserts the new stage rows as the bulk imports do (COPY on PostgreSQL, one
# prepared INSERT on SQLite: evalsys.lib.bulk) rather than by the ORM's bulk_create; the same rows
STAGE_ROWS_COPIED_FROM = 50


def stage_open(*, projects: Iterable[Project], stage: str) -> None:
    """Open `stage` for each project: its row in 草稿, made where it has none or moved from 未开始
    (approved targets open the self-evaluation; a later stage opened by the calendar), with the
    stage's mirror column on Project."""
    items = list(projects)
    keys = [p.pk for p in items]
    have = set(StageState.objects.filter(project_id__in=keys, stage=stage).values_list("project_id", flat=True))
    rows = [StageState(project=p, stage=stage, status=StageStatus.DRAFT, year=p.year, unit_id=p.unit_id)
            for p in items if p.pk not in have]  # fmt: skip
    if len(rows) >= STAGE_ROWS_COPIED_FROM:  # a 监控表 import's 1,000 new reports: a fifth of the time
        bulk_create_logged(rows, StageState, reason="", user=None, history=False)
    else:
        StageState.objects.bulk_create(rows, batch_size=500)
    StageState.objects.filter(project_id__in=keys, stage=stage, status=StageStatus.NOT_OPEN).update(
        status=StageStatus.DRAFT, updated_at=timezone.now()
    )
    field = STAGES[stage].project_field
    if field:
        Project.objects.filter(pk__in=keys, **{field: StageStatus.NOT_OPEN}).update(**{field: StageStatus.DRAFT})
        for p in items:
            if getattr(p, field) == StageStatus.NOT_OPEN:
                setattr(p, field, StageStatus.DRAFT)


def stages_start(projects: Iterable[Project]) -> None:
    """The stage rows of new projects (created, imported, copied), as their saved status says. A
    project that starts by declaring its targets (Project.status 未开始: projects.services.project_create
    in a year whose calendar uses the targets stage) gets its targets in 草稿 and its self-evaluation
    未开始; every other its self-evaluation in its own status and its targets as recorded with it
    (StageStatus.RECORDED). A project of a year whose calendar uses the monitoring stage and whose
    monitoring an admin has opened (YearPlan.monitoring_opened_at) gets it in 草稿 as well, as the
    year's other projects got it then. One query for the years and two or three INSERT ... SELECT per
    500 projects (an import of 1,000 new projects builds no row objects); a project that has a
    stage's row keeps it.
    """
    items = [p for p in projects if p.pk is not None]
    ids = [p.pk for p in items]
    if not ids:
        return
    plans = YearPlan.objects.filter(year__in={p.year for p in items}, monitoring_opened_at__isnull=False)
    monitored = sorted(year for year, stages in plans.values_list("year", "stages") if StageKey.MONITORING in stages)
    quote = connection.ops.quote_name
    state, project = quote(StageState._meta.db_table), quote(Project._meta.db_table)
    columns = "project_id, stage, status, round, version, year, unit_id, opened_at, updated_at"
    targets = "CASE WHEN p.status = %s THEN %s ELSE %s END"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            years = ", ".join(["%s"] * len(monitored))
            for stage, status, extra, where in (
                (StageKey.SELF_EVALUATION, "p.status", [], ("", [])),
                (StageKey.TARGETS, targets, [StageStatus.NOT_OPEN, StageStatus.DRAFT, StageStatus.RECORDED], ("", [])),
                *([(StageKey.MONITORING, "%s", [StageStatus.DRAFT], (f"AND p.year IN ({years}) ", monitored))]
                  if monitored else []),
            ):  # fmt: skip
                cursor.execute(
                    f"INSERT INTO {state} ({columns}) SELECT p.id, %s, {status}, 0, 0, p.year, p.unit_id, %s, %s "
                    f"FROM {project} p WHERE p.id IN ({marks}) {where[0]}AND NOT EXISTS "
                    f"(SELECT 1 FROM {state} s WHERE s.project_id = p.id AND s.stage = %s)",
                    [stage, *extra, now, now, *chunk, *where[1], stage],
                )


def year_uses(year: int, stage: str) -> bool:
    """Whether the calendar of `year` (YearPlan, admin data) uses `stage`; a year without one does
    the self-evaluation only."""
    stages = YearPlan.objects.filter(year=year).values_list("stages", flat=True).first() or []
    return stage in stages or stage == StageKey.SELF_EVALUATION
