"""The one lock rule (issue 16): which parts of a project its stage states lock.

`is_locked(project, part)` answers "may this part be written?" and is the only place that answers
it: access (projects.access), the version claim of every edit (projects.services.project_touch),
the import, the admin and the pages ask here. What each state locks is data (projects.stages).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q

from projects.models import Project, StageState
from projects.stages import STAGES, Part, StageKey, StageStatus, locked_parts, status_label

# the parts an edit that does not say which writes: everything a page of the self-evaluation edits
EDIT_PARTS = (Part.TARGETS, Part.ACTUALS, Part.NARRATIVE)


def states_of(project: Project) -> dict[str, str]:
    """{stage: status} of `project`, read once per instance (prefetch `stages` for a list)."""
    cached = getattr(project, "_stage_states", None)
    if cached is None:
        prefetched = getattr(project, "_prefetched_objects_cache", {}).get("stages")
        if prefetched is not None:
            cached = {row.stage: row.status for row in prefetched}
        else:
            cached = dict(StageState.objects.filter(project_id=project.pk).values_list("stage", "status"))
        project._stage_states = cached
    return cached


def forget_states(project: Project) -> None:
    project.__dict__.pop("_stage_states", None)


def is_locked(project: Project, part: str | Sequence[str] | None = None) -> bool:
    """Whether `part` (one part, several: any of them, or None: every part) is locked by a stage."""
    locked = locked_parts(states_of(project))
    if part is None:
        return locked >= frozenset(EDIT_PARTS)
    parts = (part,) if isinstance(part, str) else tuple(part)
    return any(p in locked for p in parts)


def lock_message(project: Project, parts: Sequence[str] = EDIT_PARTS) -> str:
    """Why `parts` of `project` cannot be written, naming the stage and state that lock them."""
    for key, status in sorted(states_of(project).items(), key=lambda kv: -STAGES[kv[0]].order):
        spec = STAGES.get(key)
        if spec is not None and spec.locks.get(status, frozenset()) & set(parts):
            what = "、".join(Part.LABELS[p] for p in parts if p in spec.locks[status])
            if status == StageStatus.NOT_OPEN:
                return NOT_OPEN.format(stage=spec.label, parts=what)
            if key == StageKey.SELF_EVALUATION:
                return LOCKED.format(status=status_label(status))
            return STAGE_LOCKED.format(stage=spec.label, status=status_label(status), parts=what)
    return LOCKED.format(status="已删除")


LOCKED = "项目当前状态为“{status}”，不能修改（已提交的项目须先退回，已审核的须由管理员重新打开）"
STAGE_LOCKED = "{stage}当前状态为“{status}”，{parts}不能修改"
NOT_OPEN = "{stage}尚未开始（绩效目标审核通过后开始），{parts}暂不能填写"


def unlocked(parts: Sequence[str] = EDIT_PARTS) -> Q:
    """Projects none of whose stage states lock any of `parts` (for an UPDATE that claims a version)."""
    locking = Q(pk__in=[])
    for spec in STAGES.values():
        statuses = [status for status, locked in spec.locks.items() if locked & set(parts)]
        if statuses:
            locking |= Q(stage=spec.key, status__in=statuses)
    return ~Q(pk__in=StageState.objects.filter(locking).values("project_id"))


def states_load(projects: Iterable[Project]) -> None:
    """Read the stage states of many projects in one query (is_locked then asks none per project)."""
    items = [p for p in projects if p.pk is not None]
    found: dict[int, dict[str, str]] = {p.pk: {} for p in items}
    for pk, key, status in StageState.objects.filter(project__in=list(found)).values_list("project", "stage", "status"):
        found[pk][key] = status
    for p in items:
        p._stage_states = found[p.pk]
