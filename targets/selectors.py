"""调整绩效目标 as read back: for each adjustment of approved targets, the reason and, indicator by
indicator, the target before and after (from the indicators' history at the two steps)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from indicators.models import Indicator
from projects.models import Project, ReviewRound, StageState, StateCount, Unit
from projects.scores import indicator_input
from projects.stages import Action, StageKey, StageStatus, ordered
from projects.workflow import states_of
from scoring.rules import fmt, pts
from scoring.schemes import get_scheme
from scoring.targets import TargetsInput, check_targets, declared_sign
from scoring.types import QUALITATIVE, ZERO
from targets.models import TargetReview

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
    return adjustments_for([project]).get(project.pk, [])


def adjustments_for(projects: list[Project]) -> dict[int, list[Adjustment]]:
    """target_adjustments of many projects (a batch of reports): one query for their targets rounds,
    and the indicators' history only of those that were adjusted (two more)."""
    ids = [p.pk for p in projects]
    rounds: dict[int, list[ReviewRound]] = {}
    for r in (ReviewRound.objects.filter(project__in=ids, stage=StageKey.TARGETS).select_related("actor")
              .order_by("created_at", "pk")):  # fmt: skip
        rounds.setdefault(r.project_id, []).append(r)
    adjusted = [pk for pk, found in rounds.items() if any(r.action == Action.ADJUST for r in found)]
    if not adjusted:
        return {}
    history: dict[int, list[dict[str, Any]]] = {}
    for row in (Indicator.history.filter(project_id__in=adjusted).order_by("history_date", "history_id")
                .values("project_id", "id", "history_type", "history_date", *TARGET_FIELDS)):  # fmt: skip
        history.setdefault(row["project_id"], []).append(row)
    return {pk: _adjustments(rounds[pk], history.get(pk, [])) for pk in adjusted}


def _adjustments(rounds: list[ReviewRound], history: list[dict[str, Any]]) -> list[Adjustment]:
    out = []
    for ask in (r for r in rounds if r.action == Action.ADJUST):
        approved = next((r for r in rounds if r.action == Action.APPROVE and r.created_at > ask.created_at), None)
        before = _as_of(history, ask.created_at)
        after = _as_of(history, approved.created_at if approved else None)
        out.append(Adjustment(ask.reason, ask.actor.get_username(), ask.created_at,
                              approved.created_at if approved else None, _changes(before, after)))  # fmt: skip
    return out


def adjustment_sentences(adjustments: list[Adjustment]) -> tuple[str, ...]:
    """The adjustments as the 自评报告 prints them, one sentence each (approved ones only)."""
    out = []
    for a in adjustments:
        if a.approved_at is None:
            continue
        changed = "；".join(f"{c.before or '（新增）'} 调整为 {c.after or '（删除）'}" for c in a.changes)
        when = f"{timezone.localtime(a.approved_at):%Y年%m月%d日}"
        out.append(f"绩效目标调整（{when}审核通过，调整理由：{a.reason}）：{changed or '指标未改动'}。")
    return tuple(out)


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


# --- the declared targets and their §8 checks (manage.py targets, the pages) ---------------------


def project_stage(project: Project) -> tuple[str | None, str | None]:
    """(stage, status) where the project stands in its year: the latest stage by order that has
    begun, i.e. has a row that is neither 'recorded' (targets that came with the self-evaluation) nor
    'not_open' (a self-evaluation waiting for its targets); (None, None) if none."""
    states = states_of(project)
    for spec in reversed(ordered()):
        status = states.get(spec.key)
        if status is not None and status not in (StageStatus.RECORDED, StageStatus.NOT_OPEN):
            return spec.key, status
    return None, None


def targets_input(project: Project) -> TargetsInput:
    """The checks' input: the indicator rows, 年度资金总额 (the funds' 全年预算数) and the year.
    Reads funds and indicators once each (prefetch them for many: projects.selectors.projects_with_scoring_data)."""
    funds = list(project.funds.all())
    budget = sum((f.annual for f in funds), ZERO) if funds else None
    rows = tuple(indicator_input(row) for row in project.indicators.all())
    return TargetsInput(get_scheme(project.scheme), rows, budget, project.year)


def review_json(project: Project) -> dict[str, Any] | None:
    """The latest targets review ({"result", "criteria": {"完整性", "相关性", "适当性", "可行性"}}), or None."""
    last = TargetReview.objects.filter(project=project).first()
    if last is None:
        return None
    return {"result": last.result, "criteria": dict(last.criteria)}


def _target(row: Any) -> str:
    """The target as entered: the text of a 定性 or deadline target, else the number (as `score --json`)."""
    if row.comparator == QUALITATIVE or row.deadline is not None or row.target is None:
        return row.target_text
    return fmt(row.target)


def _weight(value: Decimal | None) -> str | None:
    return None if value is None else pts(value)


def _as_declared(row: Any) -> tuple[str, str]:
    """(comparator, target) as the table declared them (scoring.targets.declared_sign)."""
    return declared_sign(row.comparator, _target(row))


def targets_json(project: Project) -> dict[str, Any]:
    """The `targets --json` object of contract.md: numbers as two-decimal strings, like `score --json`.
    A project whose indicators carry no weight at all (weights_missing: most published target tables
    print none) has `weight` and `total_weight` null."""
    rows = list(project.indicators.all())
    weighted = any(r.weight for r in rows)
    stage, status = project_stage(project)
    return {
        "code": project.code, "year": project.year, "stage": stage, "status": status,
        "total_weight": pts(sum((r.weight for r in rows), ZERO)) if weighted else None,
        "indicators": [
            {"level1": r.level1, "level2": r.level2, "level3": r.level3, "comparator": comparator, "target": target,
             "unit": r.unit, "weight": _weight(r.weight) if weighted else None}
            for r in rows
            for comparator, target in [_as_declared(r)]
        ],
        "checks": [{"code": w.code, "level3": w.indicator, "message": w.message}
                   for w in check_targets(targets_input(project))],
        "review": review_json(project),
    }  # fmt: skip


# --- the targets list ---------------------------------------------------------------------------

# the states a reviewer acts on first, then the officer's, then the settled ones
ORDER = (StageStatus.SUBMITTED, StageStatus.REVISING, StageStatus.RETURNED, StageStatus.ADJUSTING, StageStatus.DRAFT,
         StageStatus.REJECTED, StageStatus.APPROVED)  # fmt: skip


def declared_targets(scope: Any, *, year: int | None, status: str = "") -> Any:
    """The targets-stage rows (not 随自评填报) of the projects in `scope` (a visible-projects queryset)
    for `year`, waiting ones first; each row has its project and unit."""
    rows = StageState.objects.filter(stage=StageKey.TARGETS, project__in=scope.values("pk")).exclude(
        status=StageStatus.RECORDED
    )
    if year is not None:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("project", "unit").order_by(_ORDER_KEY, "-updated_at", "pk")


# ORDER as a sort key: states outside it (none today) last
_ORDER_KEY = Case(*(When(status=s, then=Value(n)) for n, s in enumerate(ORDER)), default=Value(len(ORDER)))


def declared_years(units: QuerySet[Unit]) -> list[int]:
    """The years with declarations (not 随自评填报) in `units`, newest first: from the kept counts
    (StateCount, a few rows per unit and year), no stage row read."""
    return list(_declared_counts(units).filter(n__gt=0).order_by("-year").values_list("year", flat=True).distinct())


def declared_counts(units: QuerySet[Unit], *, year: int | None, status: str = "") -> dict[str, int]:
    """{状态: count} of the declarations in `units` for `year` (narrowed to `status`), from the kept
    counts: what the list's pages are cut from (DeclaredPaginator)."""
    rows = _declared_counts(units)
    if year is not None:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    return {s: n for s, n in rows.order_by().values_list("status").annotate(total=Sum("n")) if n}


def _declared_counts(units: QuerySet[Unit]) -> QuerySet[StateCount]:
    rows = StateCount.objects.filter(stage=StageKey.TARGETS).exclude(status=StageStatus.RECORDED)
    if units.query.has_filters():  # every unit (an admin's) is no condition
        rows = rows.filter(unit__in=units.values("pk"))
    return rows


def declared_in(units: QuerySet[Unit], *, year: int | None, status: str = "") -> QuerySet[StageState]:
    """declared_targets by `units` (what the user may see, as declared_counts counts them), unordered."""
    rows = StageState.objects.filter(stage=StageKey.TARGETS).exclude(status=StageStatus.RECORDED)
    if units.query.has_filters():
        rows = rows.filter(unit__in=units.values("pk"))
    if year is not None:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    return rows


class DeclaredPaginator(Paginator):
    """The list's pages in declared_targets' order (ORDER, then -updated_at, pk) without sorting a
    year's rows: told the count of each 状态 (declared_counts), a page is the slice of one or two
    states' rows, each read in the order of the index stage_year_status_updated, and its rows come
    in one query (the states' slices as subqueries), whatever the number of declarations."""

    def __init__(self, rows: QuerySet[StageState], per_page: int, *, counts: dict[str, int]) -> None:
        super().__init__(rows, per_page)
        self.counts = counts

    @cached_property
    def count(self) -> int:
        return sum(self.counts.values())

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        others = sorted(set(self.counts) - set(ORDER))
        wanted, start = Q(pk__in=[]), 0
        for states in [*([s] for s in ORDER), others]:
            n = sum(self.counts.get(s, 0) for s in states)
            low, high = max(bottom, start), min(top, start + n)
            if low < high:
                rows = self.object_list.filter(status__in=states).order_by("-updated_at", "pk")
                wanted |= Q(pk__in=rows.values("pk")[low - start : high - start])
            start += n
        shown = self.object_list.filter(wanted).select_related("project", "unit")
        return self._get_page(shown.order_by(_ORDER_KEY, "-updated_at", "pk"), number, self)
