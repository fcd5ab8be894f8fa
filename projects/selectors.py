"""Reads that several callers need."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import Exists, RawSQL

from projects.models import (
    TODO_WAITING,
    Project,
    ReviewAction,
    ReviewRound,
    StageState,
    StateCount,
    Status,
    Unit,
    YearPlan,
)
from projects.stages import StageKey, StageStatus

NOT_FOUND = "未找到 {year} 年度的项目“{key}”"
AMBIGUOUS = "{year} 年度有多个名为“{key}”的项目（{units}），请改用项目编码"
DEFAULT_DEADLINE = "03-31"  # of settings.EVALSYS_SUBMISSION_DEADLINE: 自评 due by 31 March of the next year
BAD_DEADLINE = "EVALSYS_SUBMISSION_DEADLINE 须为“MM-DD”格式（如 03-31），当前为：{value!r}"


class ProjectLookupError(LookupError):
    """A CODE argument matched no project, or several."""


def projects_with_scoring_data(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Projects with unit, funds and indicators loaded in a fixed number of queries."""
    queryset = Project.objects.all() if queryset is None else queryset
    # the indicators come in their Meta.ordering: by position, then id
    return queryset.select_related("unit", "unit__department").prefetch_related("funds", "indicators")


def project_by_key(*, key: str, year: int) -> Project:
    """The project whose code is `key`, or else whose exact name is `key`, in `year`."""
    base = projects_with_scoring_data(Project.objects.filter(year=year))
    found = list(base.filter(code=key)) or list(base.filter(name=key))
    if not found:
        raise ProjectLookupError(NOT_FOUND.format(year=year, key=key))
    if len(found) > 1:
        units = "、".join(str(p.unit) for p in found)
        raise ProjectLookupError(AMBIGUOUS.format(year=year, key=key, units=units))
    return found[0]


@dataclass(frozen=True)
class FundRow:
    """One line of a project's funds table, amounts in 万元 (`initial` None when not given)."""

    label: str
    initial: Decimal | None
    annual: Decimal
    executed: Decimal
    total: bool = False


FUND_ORDER = ("fiscal", "carryover", "other", "unsplit")  # 当年财政拨款, 上年结转资金, 其他资金 (自评表 order)


def fund_rows(funds: list[Any]) -> list[FundRow]:
    """The sources in the 自评表's order, then 合计 (年度资金总额, what is scored); [] without funds."""
    ordered = sorted(funds, key=lambda f: FUND_ORDER.index(f.source) if f.source in FUND_ORDER else len(FUND_ORDER))
    rows = [FundRow(f.get_source_display(), f.initial, f.annual, f.executed) for f in ordered]
    if not rows:
        return []
    given = [r.initial for r in rows if r.initial is not None]
    total = FundRow("合计", sum(given, Decimal(0)) if given else None, sum((r.annual for r in rows), Decimal(0)),
                    sum((r.executed for r in rows), Decimal(0)), total=True)  # fmt: skip
    return [*rows, total]


def scheme_for_unit(unit: Any) -> str:
    """The scheme a new project of `unit` is scored by: its 主管部门's (set by an admin), else
    EVALSYS_DEFAULT_SCHEME. Every path that creates a project asks here."""
    department = unit.department if unit is not None else None
    return (department.scheme if department is not None else "") or settings.EVALSYS_DEFAULT_SCHEME


def years_of(queryset: QuerySet[Project]) -> list[int]:
    """The years of `queryset`, newest first, in one query that reads a few index entries per year
    (a loose index scan: each year is the first below the one before, ORDER BY year DESC LIMIT 1)
    where DISTINCT reads every row."""
    if queryset.query.is_empty():
        return []
    first = queryset.order_by("-year").values("year")[:1]
    below = queryset.filter(year__lt=RawSQL("found.year", ())).order_by("-year").values("year")[:1]
    (first_sql, first_params), (below_sql, below_params) = (q.query.sql_with_params() for q in (first, below))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE found(year) AS (SELECT ({first_sql}) UNION ALL SELECT ({below_sql}) "
                       f"FROM found WHERE found.year IS NOT NULL) SELECT year FROM found WHERE year IS NOT NULL",
                       [*first_params, *below_params])  # fmt: skip
        return [year for (year,) in cursor.fetchall()]


def last_return(project: Project) -> Any:
    """The round that sent a returned project back to its officer (退回 or 重新打开), if any."""
    if project.status != Status.RETURNED:
        return None
    rounds = ReviewRound.objects.filter(project=project, action__in=[ReviewAction.RETURN, ReviewAction.REOPEN])
    return rounds.select_related("actor").order_by("-created_at", "-pk").first()


# --- what waits for whom: the to-do of each role's home page ------------------------------------


@dataclass(frozen=True)
class Todo:
    """Counts of what waits for the user; which of them a role sees is `shown`."""

    role: str
    to_fill: int = 0  # 待填报: drafts with an indicator that has neither an actual nor 不适用 (or no indicator)
    to_submit: int = 0  # 待提交: drafts with every indicator answered
    returned: int = 0  # 被退回
    to_review: int = 0  # 待审核
    overdue: int = 0  # drafts and returned projects past their year's submission deadline
    # the targets stage (88号): declarations to write or adjust, to revise (中 or 良), to review
    targets_to_declare: int = 0
    targets_to_revise: int = 0
    targets_to_review: int = 0

    # (year, {key: count}) per year with something waiting, newest first: where each link goes
    by_year: tuple[tuple[int, dict[str, int]], ...] = ()

    ITEMS = (("to_fill", "待填报"), ("to_submit", "待提交"), ("returned", "被退回"), ("to_review", "待审核"),
             ("overdue", "已逾期"), ("targets_to_declare", "绩效目标待申报"),
             ("targets_to_revise", "绩效目标待修改"), ("targets_to_review", "绩效目标待审核"))  # fmt: skip
    BY_ROLE = {"officer": ("to_fill", "to_submit", "returned", "overdue", "targets_to_declare", "targets_to_revise"),
               "evaluator": ("to_review", "overdue", "targets_to_review"),
               "admin": ("to_fill", "to_submit", "returned", "to_review", "overdue", "targets_to_declare",
                         "targets_to_revise", "targets_to_review")}  # fmt: skip
    OFFICER_KEYS = ("to_fill", "to_submit", "returned")  # what the navigation's 项目 count adds up
    TARGETS_KEYS = ("targets_to_declare", "targets_to_revise", "targets_to_review")

    @property
    def shown(self) -> list[tuple[str, str, int]]:
        """(key, label, count) of what this role is shown; the targets stage's only where some waits
        (a province that declares no targets sees the to-do as before)."""
        keys = self.BY_ROLE.get(self.role, ())
        return [(key, label, getattr(self, key)) for key, label in self.ITEMS
                if key in keys and (key not in self.TARGETS_KEYS or getattr(self, key))]  # fmt: skip

    @property
    def officer_total(self) -> int:
        return self.to_fill + self.to_submit + self.returned

    def years(self, *keys: str) -> list[tuple[int, int]]:
        """(year, count) where any of `keys` waits, newest first."""
        out = [(year, sum(counts[k] for k in keys)) for year, counts in self.by_year]
        return [(year, n) for year, n in out if n]

    def year(self, *keys: str) -> int | None:
        """The newest year where any of `keys` waits: the year a link to that to-do carries."""
        found = self.years(*keys)
        return found[0][0] if found else None

    @property
    def years_by_key(self) -> dict[str, list[tuple[int, int]]]:
        """key -> (year, count) newest first, for the to-do panel's links (a template cannot call years())."""
        return {key: self.years(key) for key, _ in self.ITEMS}

    @property
    def officer_year(self) -> int | None:
        return self.year(*self.OFFICER_KEYS)

    @property
    def review_year(self) -> int | None:
        return self.year("to_review")

    @property
    def officer_year_count(self) -> int:
        """What waits in the year the navigation's 项目 link opens (the badge matches the list)."""
        return next((n for _, n in self.years(*self.OFFICER_KEYS)), 0)

    @property
    def review_year_count(self) -> int:
        """What waits in the year the navigation's 审核 link opens (the badge matches the queue)."""
        return next((n for _, n in self.years("to_review")), 0)

    @property
    def targets_keys(self) -> tuple[str, ...]:
        """The targets counts of this role (the navigation's 绩效目标 badge adds them up)."""
        return tuple(k for k in self.TARGETS_KEYS if k in self.BY_ROLE.get(self.role, ()))

    @property
    def targets_total(self) -> int:
        return sum(getattr(self, key) for key in self.targets_keys)

    @property
    def targets_year(self) -> int | None:
        """The newest year where the user's targets work waits: the year the 绩效目标 link opens."""
        return self.year(*self.targets_keys) if self.targets_keys else None

    @property
    def targets_year_count(self) -> int:
        return next((n for _, n in self.years(*self.targets_keys)), 0) if self.targets_keys else 0


def submission_deadline(year: int, text: str = DEFAULT_DEADLINE) -> datetime.date:
    """The day by which the self-evaluation of fiscal `year` is due: "MM-DD" of the next year."""
    try:
        month, day = (int(part) for part in text.split("-"))
        if (month, day) == (2, 29):
            return datetime.date(year + 1, 3, 1) - datetime.timedelta(days=1)
        return datetime.date(year + 1, month, day)
    except (TypeError, ValueError, AttributeError):
        raise ImproperlyConfigured(BAD_DEADLINE.format(value=text)) from None


def year_deadline(year: int, default: str = DEFAULT_DEADLINE) -> datetime.date:
    """The deadline an admin set for `year` (YearPlan.self_evaluation_due), else `default` "MM-DD" of year + 1."""
    due = YearPlan.objects.filter(year=year).values_list("self_evaluation_due", flat=True).first()
    return due or submission_deadline(year, default)


def overdue_filter(today: datetime.date, default: str) -> Q:
    """Drafts and returned projects whose year's deadline (YearPlan.self_evaluation_due, else `default` "MM-DD"
    of the next year) is before `today`."""
    last_year_due = today.year - 1 if submission_deadline(today.year - 1, default) < today else today.year - 2
    # uncorrelated subqueries over the few set deadlines: read once per query, not once per project
    set_years = YearPlan.objects.filter(self_evaluation_due__isnull=False).values("year")
    passed = YearPlan.objects.filter(self_evaluation_due__lt=today).values("year")
    late = Q(year__in=passed) | (~Q(year__in=set_years) & Q(year__lte=last_year_due))
    return Q(status__in=[Status.DRAFT, Status.RETURNED]) & late


def todo_counts(scope: QuerySet[Project], *, role: str, today: datetime.date, default_deadline: str,
                units: QuerySet[Unit] | None = None) -> Todo:  # fmt: skip
    """What waits for the user in the projects `scope` (what the user may see), per year (a few
    rows), so each to-do link can carry the year where it waits; one query, no indicator read.
    With `units` (the units of `scope`, as the navigation passes them) it adds up the kept counts of
    those units (projects.counts: the self-evaluation by status and Project.answered, which splits
    待填报 from 待提交, and the targets stage by status): a few rows per unit, however many projects.
    Without, it counts `scope`'s projects and their targets rows (_todo_counted)."""
    due = (today, default_deadline)
    rows = _todo_counted(scope, *due) if units is None else _todo_kept(units, *due, role=role)
    keys = [key for key, _ in Todo.ITEMS]
    per_year: dict[int, dict[str, int]] = {}
    for row in rows:
        counts = per_year.setdefault(row["year"], dict.fromkeys(keys, 0))
        for key in keys:
            counts[key] += row[key]
    by_year = tuple((year, per_year[year]) for year in sorted(per_year, reverse=True))
    totals = {key: sum(counts[key] for _, counts in by_year) for key in keys}
    return Todo(role, **totals, by_year=by_year)


def _todo_kept(units: QuerySet[Unit], today: datetime.date, default_deadline: str, *, role: str = "") -> Any:
    """todo_counts' rows per year from the kept counts (StateCount) of `units`: the database adds n
    up per (year, stage, status, answered), a few rows per year however many units (one SUM per row
    of the table, not eight filtered ones), and the to-do's keys are sums of those rows. An
    admin's units are every unit (no condition); an evaluator's read every row of the table too
    when they are every unit (an uncorrelated NOT EXISTS, one UNION ALL branch run, the other not),
    else, like an officer's, the rows of their units through the unit index."""
    rows = StateCount.objects.filter(TODO_WAITING)  # the rows of the index state_count_todo, and only those
    late = Q(stage=StageKey.SELF_EVALUATION) & overdue_filter(today, default_deadline)

    def summed(counts: QuerySet[StateCount]) -> QuerySet[StateCount]:
        # whether a row is late follows from its key (stage, status, year): asked once per group, not per row
        keyed = counts.order_by().values("year", "stage", "status", "answered")
        return keyed.annotate(todo_n=Sum("n"), todo_late=Case(When(late, then=Sum("n")), default=0))

    mine = Q(unit__in=units.values("pk"))
    if not units.query.has_filters():  # every unit (an admin's) is no condition
        found = summed(rows)
    elif role == "evaluator":  # often every unit of the province: then no condition either
        everyone = ~Exists(Unit.objects.exclude(pk__in=units.values("pk")))
        found = summed(rows.filter(everyone)).union(summed(rows.filter(~everyone & mine)), all=True)
    else:
        found = summed(rows.filter(mine))
    keys, keyed = [key for key, _ in Todo.ITEMS], {}
    for row in found:
        out = keyed.setdefault(row["year"], {"year": row["year"], **dict.fromkeys(keys, 0)})
        out[_todo_key(row["stage"], row["status"], row["answered"])] += row["todo_n"]
        out["overdue"] += row["todo_late"]
    return list(keyed.values())


def _todo_key(stage: str, status: str, answered: bool) -> str:
    """The to-do key a kept count of (stage, status, answered) adds to (the states _todo_kept reads)."""
    s = StageStatus
    if stage != StageKey.SELF_EVALUATION:
        return {s.DRAFT: "targets_to_declare", s.ADJUSTING: "targets_to_declare", s.RETURNED: "targets_to_revise",
                s.REVISING: "targets_to_revise", s.SUBMITTED: "targets_to_review"}[status]  # fmt: skip
    if status == Status.DRAFT:
        return "to_submit" if answered else "to_fill"
    return {Status.RETURNED: "returned", Status.SUBMITTED: "to_review"}[status]


def _todo_counted(scope: QuerySet[Project], today: datetime.date, default_deadline: str) -> Any:
    """todo_counts' rows per year counted from `scope`'s projects (the index project_todo) and, as
    the same query's second part (UNION ALL), their targets stage rows."""
    draft = Q(status=Status.DRAFT)
    waiting = scope.filter(status__in=[Status.DRAFT, Status.RETURNED, Status.SUBMITTED])  # 已审核 waits for nobody
    none = {key: Value(0, output_field=IntegerField()) for key in Todo.TARGETS_KEYS}
    rows = (
        waiting.order_by()
        .values("year")
        .annotate(
            to_fill=Count("status", filter=draft & Q(answered=False)),
            to_submit=Count("status", filter=draft & Q(answered=True)),
            returned=Count("status", filter=Q(status=Status.RETURNED)),
            to_review=Count("status", filter=Q(status=Status.SUBMITTED)),
            overdue=Count("status", filter=overdue_filter(today, default_deadline)),
            **none,
        )
    )
    s = StageStatus
    waiting_targets = [s.DRAFT, s.ADJUSTING, s.RETURNED, s.REVISING, s.SUBMITTED]
    targets = StageState.objects.filter(
        stage=StageKey.TARGETS, project__in=scope.values("pk"), status__in=waiting_targets
    )
    zero = {key: Value(0, output_field=IntegerField()) for key in ("to_fill", "to_submit", "returned", "to_review",
                                                                   "overdue")}  # fmt: skip
    return rows.union(
        targets.order_by()
        .values("year")
        .annotate(
            **zero,
            targets_to_declare=Count("status", filter=Q(status__in=[s.DRAFT, s.ADJUSTING])),
            targets_to_revise=Count("status", filter=Q(status__in=[s.RETURNED, s.REVISING])),
            targets_to_review=Count("status", filter=Q(status=s.SUBMITTED)),
        ),
        all=True,
    )


TODO_SHOWN = 8  # projects listed under each to-do heading; the count says how many in all
TODO_LISTED_ROLES = ("officer",)  # the lists of names; evaluators and admins get counts linking to filtered lists


def todo_projects(
    scope: QuerySet[Project], todo: Todo, *, today: datetime.date, default_deadline: str
) -> dict[str, list[Project]]:
    """The first TODO_SHOWN projects under each heading an officer is shown: one query, whatever
    the number of projects. Evaluators and admins, whose scope is a province, get none: their
    panel's counts link to the list filtered by state, which pages on the server."""
    keys = {key for key, _, n in todo.shown if n and key not in Todo.TARGETS_KEYS}  # those link /targets/ by year
    if not keys or todo.role not in TODO_LISTED_ROLES:
        return {}
    flag = lambda q: ExpressionWrapper(q, output_field=BooleanField())  # noqa: E731
    rows = scope.annotate(todo_late=flag(overdue_filter(today, default_deadline)))
    wanted = [Status.DRAFT, Status.RETURNED] + ([Status.SUBMITTED] if "to_review" in keys else [])
    out: dict[str, list[Project]] = {key: [] for key in keys}
    for p in rows.filter(status__in=wanted).select_related("unit").order_by("-year", "unit__code", "code")[:500]:
        found = {"to_fill": p.status == Status.DRAFT and not p.answered,
                 "to_submit": p.status == Status.DRAFT and p.answered,
                 "returned": p.status == Status.RETURNED, "to_review": p.status == Status.SUBMITTED,
                 "overdue": p.todo_late}  # fmt: skip
        for key in keys:
            if found[key] and len(out[key]) < TODO_SHOWN:
                out[key].append(p)
    return out
