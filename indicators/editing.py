"""Writes of the officer's indicator editor: the tree (add, change, remove, reorder) and actuals.

Each write claims the next project version first (projects.services.project_touch) inside its
transaction, so an edit made on a page that someone else has changed since is refused. Evaluator
adjustments are not here (indicators.services.indicator_adjust).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from evalsys.lib.parsing import Actual, Target, same_unit
from indicators.models import MAX_PER_PROJECT, TOO_MANY, Indicator, direction_of
from projects.guards import project_guard, projects_guard
from projects.models import Project
from projects.scores import projects_rescore
from projects.services import project_touch
from projects.stages import Part
from scoring.types import QUALITATIVE

CREATED = "新增指标"
CHANGED = "修改指标"
DELETED = "删除指标"
MOVED = "调整指标顺序"
ACTUAL_ENTERED = "填报实际完成值"
DEFINITION_FIELDS = ["level1", "level2", "level3", "comparator", "target", "target_text", "unit", "deadline",
                     "sign_assumed", "weight", "direction"]  # fmt: skip
ACTUAL_FIELDS = ["actual", "actual_text", "actual_label", "actual_date", "actual_assumed", "actual_unit",
                 "not_applicable", "reason"]  # fmt: skip
ADJUSTMENT_FIELDS = ["adjusted_score", "adjust_reason", "adjusted_by", "adjusted_at"]

# the part of the project each writer changes (projects.locks): approved targets keep the tree, not the actuals
TREE = (Part.TARGETS,)
ACTUAL = (Part.ACTUALS,)


@dataclass(frozen=True)
class Definition:
    """What the officer sets for one leaf of the tree."""

    level1: str
    level2: str
    level3: str
    target: Target
    weight: Decimal


def _kind(row: Indicator) -> str:
    return "qualitative" if row.comparator == QUALITATIVE else "deadline" if row.deadline else "number"


def _apply(row: Indicator, d: Definition) -> None:
    before = _kind(row) if row.comparator else None
    t = d.target
    row.level1, row.level2, row.level3, row.weight = d.level1, d.level2, d.level3, d.weight
    row.comparator, row.target, row.unit, row.deadline = t.comparator, t.value, t.unit, t.deadline
    row.target_text = t.text if t.comparator == QUALITATIVE or t.deadline else ""  # a plain number: `target`
    row.sign_assumed, row.direction = t.sign_assumed, direction_of(t.comparator)
    row.drop_unfitting_adjustment()
    if row.actual_unit and (not row.unit or same_unit(row.actual_unit, row.unit)):  # the target now agrees
        row.actual_unit = ""
    if before and before != _kind(row):  # a number cannot stand for a 达成 band, nor a date for a number
        _clear_actual(row)


def _clear_actual(row: Indicator) -> None:
    row.actual, row.actual_text, row.actual_label, row.actual_date, row.actual_assumed = None, "", "", None, False
    row.actual_unit = ""


def _save(row: Indicator, user: Any, reason: str, fields: list[str] | None = None) -> Indicator:
    row.full_clean()
    row._change_reason = reason
    row._history_user = user
    row.save(update_fields=fields)
    projects_rescore(project_ids=[row.project_id])
    return row


@transaction.atomic
def indicator_create(*, project: Project, version: int, definition: Definition, user: Any) -> Indicator:
    """Append a leaf at the end of the tree."""
    project_guard(user, project)  # the unit's officer, or an admin: every writer below checks first
    project_touch(project=project, version=version, parts=TREE)
    if project.indicators.count() >= MAX_PER_PROJECT:
        raise ValidationError(TOO_MANY.format(limit=MAX_PER_PROJECT), code="too_many")
    last = project.indicators.aggregate(n=Max("position"))["n"] or 0
    row = Indicator(project=project, position=last + 1)
    _apply(row, definition)
    return _save(row, user, CREATED)


@transaction.atomic
def indicator_update(*, indicator: Indicator, version: int, definition: Definition, user: Any) -> Indicator:
    projects_guard(user, [indicator.project_id])
    project_touch(project=indicator.project, version=version, parts=TREE)
    _apply(indicator, definition)
    return _save(indicator, user, CHANGED, [*DEFINITION_FIELDS, *ACTUAL_FIELDS, *ADJUSTMENT_FIELDS])


@transaction.atomic
def indicator_delete(*, indicator: Indicator, version: int, user: Any) -> None:
    projects_guard(user, [indicator.project_id])
    project_touch(project=indicator.project, version=version, parts=TREE)
    indicator._change_reason = DELETED
    indicator._history_user = user
    project_id = indicator.project_id
    indicator.delete()
    projects_rescore(project_ids=[project_id])


@transaction.atomic
def indicator_move(*, indicator: Indicator, version: int, direction: Literal["up", "down"], user: Any) -> None:
    """Swap `indicator` with its neighbour; positions are renumbered 1..n on the way."""
    projects_guard(user, [indicator.project_id])
    project = project_touch(project=indicator.project, version=version, parts=TREE)
    rows = list(project.indicators.order_by("position", "id"))
    here = next(i for i, row in enumerate(rows) if row.pk == indicator.pk)
    there = here - 1 if direction == "up" else here + 1
    if not 0 <= there < len(rows):
        return
    rows[here], rows[there] = rows[there], rows[here]
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row._change_reason = MOVED
            row._history_user = user
            row.save(update_fields=["position"])


@transaction.atomic
def indicator_set_actual(
    *, indicator: Indicator, version: int, actual: Actual | None, reason: str, user: Any, not_applicable: bool = False
) -> Indicator:
    """Record the 实际完成值 (None clears it) and the 偏差原因分析及改进措施; `not_applicable` marks the
    indicator 不适用 (`reason` says why, and submission waits for it). 不适用 changes only the scoring
    (0 points, and the engine never sees the actual: projects.scores.indicator_input): an actual
    entered is kept, so unticking 不适用 brings it back."""
    projects_guard(user, [indicator.project_id])
    project_touch(project=indicator.project, version=version, parts=ACTUAL)
    _clear_actual(indicator)
    indicator.not_applicable = not_applicable
    if actual is not None:
        indicator.actual, indicator.actual_text, indicator.actual_label = actual.value, actual.text, actual.label
        indicator.actual_date, indicator.actual_assumed = actual.on_date, actual.assumed
        indicator.actual_unit = actual.unit
    indicator.reason = reason.strip()
    return _save(indicator, user, ACTUAL_ENTERED, ACTUAL_FIELDS)
