"""调整绩效目标 as read back: for each adjustment of approved targets, the reason and, indicator by
indicator, the target before and after (from the indicators' history at the two steps)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators.models import Indicator
from projects.models import Project, ReviewRound
from projects.stages import Action, StageKey
from scoring.rules import fmt

# what a target is: the fields an adjustment changes
TARGET_FIELDS = ("level1", "level2", "level3", "comparator", "target", "target_text", "unit", "weight")


@dataclass(frozen=True)
class TargetChange:
    level3: str
    before: str  # "" when the indicator was added
    after: str  # "" when it was removed


@dataclass(frozen=True)
class Adjustment:
    reason: str
    asked_by: str
    asked_at: datetime.datetime
    approved_at: datetime.datetime | None  # None while the adjustment waits for its review
    changes: tuple[TargetChange, ...]


def target_adjustments(project: Project) -> list[Adjustment]:
    """Every 调整绩效目标 of `project`, oldest first, with what it changed (in three queries)."""
    rounds = list(ReviewRound.objects.filter(project=project, stage=StageKey.TARGETS).select_related("actor")
                  .order_by("created_at", "pk"))  # fmt: skip
    asks = [r for r in rounds if r.action == Action.ADJUST]
    if not asks:
        return []
    history = list(Indicator.history.filter(project_id=project.pk).order_by("history_date", "history_id")
                   .values("id", "history_type", "history_date", *TARGET_FIELDS))  # fmt: skip
    out = []
    for ask in asks:
        approved = next((r for r in rounds if r.action == Action.APPROVE and r.created_at > ask.created_at), None)
        before = _as_of(history, ask.created_at)
        after = _as_of(history, approved.created_at if approved else None)
        out.append(Adjustment(ask.reason, ask.actor.get_username(), ask.created_at,
                              approved.created_at if approved else None, _changes(before, after)))  # fmt: skip
    return out


def _as_of(history: list[dict[str, Any]], moment: datetime.datetime | None) -> dict[int, dict[str, Any]]:
    """Each indicator's target fields at `moment` (None: now); removed ones are left out."""
    state: dict[int, dict[str, Any]] = {}
    for row in history:
        if moment is not None and row["history_date"] > moment:
            break
        if row["history_type"] == "-":
            state.pop(row["id"], None)
        else:
            state[row["id"]] = row
    return state


def _changes(before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]]) -> tuple[TargetChange, ...]:
    out = []
    for pk in sorted(before.keys() | after.keys()):
        old, new = before.get(pk), after.get(pk)
        if old is not None and new is not None and all(old[f] == new[f] for f in TARGET_FIELDS):
            continue
        out.append(TargetChange((new or old)["level3"], _text(old), _text(new)))
    return tuple(out)


def _text(row: dict[str, Any] | None) -> str:
    """A target as printed: `≥90%（权重 18）`; "" for none."""
    if row is None:
        return ""
    value = row["target_text"] if row["comparator"] == "定性" or row["target"] is None else fmt(row["target"])
    sign = "" if row["comparator"] == "定性" else row["comparator"]
    weight = row["weight"] if isinstance(row["weight"], Decimal) else Decimal(row["weight"] or 0)
    return f"{row['level3']}：{sign}{value}{row['unit']}（权重 {fmt(weight)}）"
