"""Reads of the review pages, each a fixed number of queries whatever the number of projects."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Round

from indicators.models import Indicator
from projects.models import Department, Project, ReviewAction, ReviewRound, Status
from projects.readiness import project_gaps
from projects.scores import indicator_input, project_evaluate
from projects.selectors import projects_with_scoring_data, year_deadline, years_of
from review.models import ReviewNote
from scoring import display
from scoring.rules import score_indicator
from scoring.schemes import get_scheme
from scoring.types import Evaluation, IndicatorScore

GRADES = ("优", "良", "中", "差")
LATE_STATUSES = (Status.DRAFT, Status.RETURNED)


def review_years(scope: QuerySet[Project]) -> list[int]:
    return years_of(scope)


def review_rounds(project: Project) -> list[ReviewRound]:
    return list(project.rounds.select_related("actor").order_by("created_at", "pk"))


def review_departments(scope: QuerySet[Project]) -> QuerySet[Department]:
    """主管部门 of the units of the projects in `scope`."""
    units = scope.values("unit__department")
    return Department.objects.filter(pk__in=units).order_by("code", "name")


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
    late_days: int = 0  # days since the deadline passed


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
    # a project with nothing achieved yet is 未评分: no grade, no point (its 0.00 is not a 差)
    by_grade = dict(scope.filter(scored=True).order_by().values_list("score_grade").annotate(n=Count("pk")))
    points = _scatter_points(scope.filter(scored=True, execution_rate__isnull=False, score_total__isnull=False))
    due = year_deadline(year, deadline) if year else None
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
        # 未开始 (targets still being declared) only where the year has such projects
        statuses=tuple(
            (s.label, by_status.get(s.value, 0)) for s in Status if s != Status.NOT_OPEN or by_status.get(s.value)
        ),
        grades=tuple((g, by_grade.get(g, 0)) for g in GRADES),
        unscored=sum(n for g, n in by_grade.items() if g not in GRADES),
        points=points,
        deadline=due,
        past_deadline=past,
        overdue=late,
        overdue_total=late_total,
        late_days=(today - due).days if past and due is not None else 0,
    )


WITHDRAWN_DAYS = 30  # how long the queue tells of a withdrawn project
WITHDRAWN_SHOWN = 10


def recently_withdrawn(scope: QuerySet[Project], *, year: int | None, today: datetime.date) -> list[ReviewRound]:
    """The 撤回 steps of the last WITHDRAWN_DAYS days whose project (in `scope`, of `year`) is still
    the draft it made, newest first: why a project left the queue, with the officer's reason. One
    query."""
    since = today - datetime.timedelta(days=WITHDRAWN_DAYS)
    projects = scope.filter(year=year, status=Status.DRAFT).values("pk")
    steps = ReviewRound.objects.filter(project__in=projects, action=ReviewAction.WITHDRAW, created_at__date__gte=since)
    return list(
        steps.select_related("project", "project__unit", "actor").order_by("-created_at", "-pk")[:WITHDRAWN_SHOWN]
    )


def last_withdrawal(project: Project) -> ReviewRound | None:
    """The 撤回 that made `project` a draft again (its last step), if that is what it is: one query."""
    if project.status != Status.DRAFT:
        return None
    last = project.rounds.select_related("actor").order_by("-created_at", "-pk").first()
    return last if last is not None and last.action == ReviewAction.WITHDRAW else None


def report_sections(project: Project) -> list[tuple[str, str]]:
    """The 自评报告 text the officer wrote, as (section, text) in the report's order ("" when a
    section is empty); [] without any text. No query (`project` has its narrative loaded)."""
    narrative = getattr(project, "narrative", None)
    if narrative is None:
        return []
    fields = [f for f in narrative._meta.concrete_fields if f.get_internal_type() == "TextField"]
    return [(str(f.verbose_name), getattr(narrative, f.attname) or "") for f in fields]


def review_sheet(pk: int) -> tuple[Project, Evaluation, list[tuple[Indicator, IndicatorScore]]]:
    """Project `pk` with its evaluation and each indicator row paired with its score."""
    project = projects_with_scoring_data().select_related("narrative").get(pk=pk)
    evaluation = project_evaluate(project)
    return project, evaluation, list(zip(project.indicators.all(), evaluation.indicators, strict=True))


# --- what the officer sees of the review, and what the evaluator sees beside each row ----------


@dataclass(frozen=True)
class Adjusted:
    indicator: Indicator  # with adjusted_score, adjust_reason, adjusted_by and adjusted_at
    computed: Decimal | None  # the rules' score it replaced


@dataclass(frozen=True)
class Feedback:
    """The evaluator's adjustments (with their reasons) and the 审核意见 of the last round."""

    adjusted: tuple[Adjusted, ...]
    notes: tuple[ReviewNote, ...]


def _last_submit(project: Project) -> QuerySet[ReviewRound]:
    rounds = ReviewRound.objects.filter(project=project, action=ReviewAction.SUBMIT)
    return rounds.order_by("-created_at", "-pk").values("pk")[:1]


def round_notes(project: Project) -> list[ReviewNote]:
    """The 审核意见 of the round under review (or last reviewed), oldest first: one query."""
    notes = ReviewNote.objects.filter(round__in=Subquery(_last_submit(project)))
    return list(notes.select_related("author", "round").order_by("indicator_id", "pk"))


def officer_feedback(project: Project, evaluation: Evaluation) -> Feedback:
    """Two queries (`project` comes from projects_with_scoring_data, `evaluation` is its own).
    Notes are the officer's once the round is decided (not while it is 已提交)."""
    computed = {i.pk: s.computed for i, s in zip(project.indicators.all(), evaluation.indicators, strict=True)}
    rows = Indicator.objects.filter(project=project, adjusted_score__isnull=False)
    adjusted = tuple(Adjusted(i, computed.get(i.pk)) for i in rows.select_related("adjusted_by").order_by("position"))
    notes = round_notes(project) if project.status != Status.SUBMITTED else []
    return Feedback(adjusted, tuple(notes))


def last_year_rows(project: Project) -> dict[tuple[str, str, str], Indicator]:
    """Last year's copy of each indicator (the same unit's project of the same code in year − 1, same
    一级/二级/三级), with its project's scheme for scoring: one query, whatever the number of rows.
    Another unit's project of that code and year is never shown: its values are not this unit's."""
    if not project.code:
        return {}
    rows = Indicator.objects.filter(
        project__code=project.code, project__year=project.year - 1, project__unit_id=project.unit_id
    )
    return {(i.level1, i.level2, i.level3): i for i in rows.select_related("project")}


@dataclass(frozen=True)
class LastYear:
    """Last year's copy of an indicator as the review page shows it beside this year's."""

    year: int
    target: str
    actual: str
    weight: Decimal
    score: Decimal


def last_year_of(row: Indicator | None) -> LastYear | None:
    """Target, actual and score of last year's row (scored by its own project's scheme; no query)."""
    if row is None:
        return None
    ind = indicator_input(row)
    score = score_indicator(ind, get_scheme(row.project.scheme)).score
    actual = "不适用" if row.not_applicable else display.actual_text(ind) or "—"
    return LastYear(row.project.year, display.target_text(ind), actual, row.weight, score)


@dataclass(frozen=True)
class ApprovalSummary:
    """What a bulk approval is about to do: the projects it approves, those it cannot (with why),
    and the warnings that remain on the approved ones, counted per code."""

    ready: tuple[Project, ...]
    blocked: tuple[tuple[Project, tuple[str, ...]], ...]
    warnings: tuple[tuple[str, int], ...]  # (code, number of warnings), most frequent first

    SHOWN = 50  # projects listed by name on the confirmation page; the counts cover them all

    @property
    def fingerprint(self) -> str:
        """Names the set of projects to approve, so a confirmation applies to what was shown."""
        ids = ",".join(str(p.pk) for p in sorted(self.ready, key=lambda p: p.pk))
        return hashlib.sha256(ids.encode()).hexdigest()[:32]


def approval_summary(projects: list[Project]) -> ApprovalSummary:
    """Evaluates every chosen project in a fixed number of queries, whatever their number."""
    loaded = projects_with_scoring_data(Project.objects.filter(pk__in=[p.pk for p in projects]))
    ready, blocked, counts = [], [], Counter()
    for project in loaded.select_related("narrative").order_by("unit__code", "code", "pk"):
        if project.status != Status.SUBMITTED:
            blocked.append((project, (f"项目当前状态为“{project.get_status_display()}”",)))
            continue
        evaluation = project_evaluate(project)
        gaps = project_gaps(project, evaluation)
        if gaps:
            blocked.append((project, tuple(g.message for g in gaps)))
            continue
        ready.append(project)
        counts.update(w.code for w in evaluation.warnings)
    return ApprovalSummary(tuple(ready), tuple(blocked), tuple(counts.most_common()))


def review_started(project: Project) -> bool:
    """Review has started once an evaluator adjusted a score or wrote a note since the last 提交
    (the self-evaluation's hook, projects.workflow.REVIEW_STARTED_HOOKS: 撤回 is refused after it)."""
    submitted = (
        project.rounds.filter(action=ReviewAction.SUBMIT, stage="self_evaluation")
        .order_by("-created_at", "-pk")
        .first()
    )
    if submitted is None:
        return False
    adjusted = Indicator.objects.filter(project=project, adjusted_at__gte=submitted.created_at).exists()
    return adjusted or ReviewNote.objects.filter(round=submitted).exists()
