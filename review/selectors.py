"""Reads of the review pages, each a fixed number of queries whatever the number of projects."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, QuerySet
from django.db.models.functions import Round

from indicators.models import Indicator
from projects.models import Department, Project, ReviewRound, Status
from projects.selectors import projects_with_scoring_data, years_of
from scoring.services import project_evaluate
from scoring.types import Evaluation, IndicatorScore

GRADES = ("优", "良", "中", "差")
LATE_STATUSES = (Status.DRAFT, Status.RETURNED)
DEFAULT_DEADLINE = "03-31"
BAD_DEADLINE = "EVALSYS_SUBMISSION_DEADLINE 须为“MM-DD”格式（如 03-31），当前为：{value!r}"


def review_years(scope: QuerySet[Project]) -> list[int]:
    return years_of(scope)


def review_queue(scope: QuerySet[Project], *, year: int | None) -> list[Project]:
    """Submitted projects of `year` within `scope` (see review.access), with their stored totals."""
    waiting = scope.filter(year=year, status=Status.SUBMITTED)
    return list(waiting.select_related("unit", "unit__department").order_by("unit__code", "code", "pk"))


def review_rounds(project: Project) -> list[ReviewRound]:
    return list(project.rounds.select_related("actor").order_by("created_at", "pk"))


def review_departments(scope: QuerySet[Project]) -> QuerySet[Department]:
    """主管部门 of the units of the projects in `scope`."""
    units = scope.values("unit__department")
    return Department.objects.filter(pk__in=units).order_by("code", "name")


def submission_deadline(year: int, text: str = DEFAULT_DEADLINE) -> datetime.date:
    """The day by which the self-evaluation of fiscal `year` is due: "MM-DD" of the next year."""
    try:
        month, day = (int(part) for part in text.split("-"))
        if (month, day) == (2, 29):
            return datetime.date(year + 1, 3, 1) - datetime.timedelta(days=1)
        return datetime.date(year + 1, month, day)
    except (TypeError, ValueError, AttributeError):
        raise ImproperlyConfigured(BAD_DEADLINE.format(value=text)) from None


@dataclass(frozen=True)
class OverviewData:
    """The overview's numbers for one year (and optionally one 主管部门)."""

    year: int | None
    total: int
    statuses: tuple[tuple[str, int], ...]
    grades: tuple[tuple[str, int], ...]
    unscored: int
    points: tuple[tuple[Decimal, Decimal, str, int], ...]
    deadline: datetime.date | None
    past_deadline: bool
    overdue: tuple[Project, ...]  # the first OVERDUE_SHOWN of them
    overdue_total: int


OVERDUE_SHOWN = 50
SINGLE = "{label}：执行率 {rate}%，总分 {total}"
BINNED = "执行率约 {rate}%、总分约 {total} 分：{n} 个项目"
BIN_ABOVE = 200  # beyond this many projects, points are binned to whole percent / whole points


def _scatter_points(pairs: QuerySet[Project]) -> tuple[tuple[Decimal, Decimal, str, int], ...]:
    """(rate, total, title, count): one point per project, or per bin when there are many."""
    if pairs.count() <= BIN_ABOVE:
        rows = pairs.order_by("code", "pk").values_list("execution_rate", "score_total", "code", "name")
        return tuple((r, t, SINGLE.format(label=c or n, rate=r, total=t), 1) for r, t, c, n in rows)
    bins = (
        pairs.annotate(rx=Round("execution_rate"), ry=Round("score_total"))
        .order_by()
        .values_list("rx", "ry")
        .annotate(n=Count("pk"))
        .order_by("rx", "ry")
    )
    return tuple((Decimal(rx), Decimal(ry), BINNED.format(rate=rx, total=ry, n=n), n) for rx, ry, n in bins)


def overview_data(
    scope: QuerySet[Project], *, year: int | None, department: Department | None, deadline: str, today: datetime.date
) -> OverviewData:
    """Counts by status and grade, (execution rate, total) pairs and late projects: four queries."""
    scope = scope.filter(year=year)
    if department is not None:
        scope = scope.filter(unit__department=department)
    by_status = dict(scope.order_by().values_list("status").annotate(n=Count("pk")))
    by_grade = dict(scope.order_by().values_list("score_grade").annotate(n=Count("pk")))
    points = _scatter_points(scope.filter(execution_rate__isnull=False, score_total__isnull=False))
    due = submission_deadline(year, deadline) if year else None
    late: tuple[Project, ...] = ()
    late_total = 0
    past = due is not None and today > due
    if past:
        waiting = scope.filter(status__in=LATE_STATUSES)
        late_total = waiting.count()
        late = tuple(waiting.select_related("unit").order_by("unit__code", "code")[:OVERDUE_SHOWN])
    return OverviewData(
        year=year,
        total=sum(by_status.values()),
        statuses=tuple((s.label, by_status.get(s.value, 0)) for s in Status),
        grades=tuple((g, by_grade.get(g, 0)) for g in GRADES),
        unscored=sum(n for g, n in by_grade.items() if g not in GRADES),
        points=points,
        deadline=due,
        past_deadline=past,
        overdue=late,
        overdue_total=late_total,
    )


def review_sheet(pk: int) -> tuple[Project, Evaluation, list[tuple[Indicator, IndicatorScore]]]:
    """Project `pk` with its evaluation and each indicator row paired with its score."""
    project = projects_with_scoring_data().get(pk=pk)
    evaluation = project_evaluate(project)
    return project, evaluation, list(zip(project.indicators.all(), evaluation.indicators, strict=True))
