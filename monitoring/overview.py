"""The 运行监控 overview for reviewers and admins (issue 17): one year's lights per 主管部门 and unit,
the projects red first, the budget's 执行总体偏离度 per 主管部门 and the yellow and red indicators by
偏差原因 category.

Every count is read from MonitoringCount (monitoring.counts): each unit's reports of the year added
up per light by the database's triggers, with their budget's sums, blue indicators and yellow and
red indicators by 偏差原因 category, so a page adds up a few rows per unit, never a year's reports or
observations. The lists read ranges of indexes: the projects by light and 执行进度/时间进度
(monitoring_year_light_value), the reports with red or yellow indicators by the same (the partial
indexes monitoring_year_red_value and _yellow_value), then those reports' observations. A fixed
number of queries whatever the number of projects, and a page of bounded size (UNITS_SHOWN units,
PER_PAGE projects, CAUSE_SHOWN indicators per category). Counts go by the report's copy of the
project's unit; the rows listed also ask the project's own unit, so another unit's project is never
shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from monitoring.models import CAUSE_COLUMNS, MonitoringCount, MonitoringReport, Observation
from monitoring.rectification import open_rectifications
from monitoring.relight import year_relight_status
from monitoring.selectors import DEFAULT_MONTH, year_settings
from projects.access import visible_projects, visible_units
from projects.models import Department, Unit
from projects.selectors import years_of
from scoring.monitoring import (
    CAUSES,
    GREEN,
    LIGHT_LABELS,
    MONTHS,
    RED,
    YELLOW,
    BudgetLight,
    Thresholds,
    budget_light,
)
from scoring.types import CENT, ZERO

PROJECT_LIGHTS = (RED, YELLOW, GREEN)  # a project's light; blue is an indicator's only
PER_PAGE = 50
UNITS_SHOWN = 50  # the units with the most red projects; the others are counted, not listed
CAUSE_SHOWN = 20  # indicators listed per 偏差原因 category (all of them are counted)
CAUSE_POOL = 300  # the first yellow and red indicators (red first) the categories list from
# yellow and red: the last two of the four stored lights in text order (blue < green < red < yellow)
FLAGGED = Q(light__gte=RED)
NO_CAUSE = ""  # a yellow or red indicator without a category (missing_reason): listed after the five


def reports_in(user: Any, *, year: int | None, department: Department | None = None,
               unit: Unit | None = None) -> QuerySet[MonitoringReport]:  # fmt: skip
    """The reports of `year` that `user` may see (projects.access.visible_units: the units whose
    projects they read), narrowed to a 主管部门 or a unit: a range of monitoring_year_light_unit."""
    return _scoped(MonitoringReport.objects.filter(year=year), user, department=department, unit=unit)


def counts_in(user: Any, *, year: int | None, department: Department | None = None,
              unit: Unit | None = None) -> QuerySet[MonitoringCount]:  # fmt: skip
    """The same reports added up (MonitoringCount): a few rows per unit, the keys left empty out."""
    return _scoped(MonitoringCount.objects.filter(year=year, n__gt=0), user, department=department, unit=unit)


def _scoped(rows: QuerySet[Any], user: Any, *, department: Department | None, unit: Unit | None) -> QuerySet[Any]:
    units = visible_units(user)
    if units.query.has_filters():  # every unit (an admin's) is no condition
        rows = rows.filter(unit__in=units.values("pk"))
    if department is not None:
        rows = rows.filter(unit__department=department)
    if unit is not None:
        rows = rows.filter(unit=unit)
    return rows


def overview_years(user: Any) -> list[int]:
    """The years with monitoring reports `user` may see, newest first (a loose index scan)."""
    rows = MonitoringReport.objects.all()
    units = visible_units(user)
    return years_of(rows.filter(unit__in=units.values("pk")) if units.query.has_filters() else rows)


def _shown(rows: QuerySet[Any], user: Any, path: str) -> QuerySet[Any]:
    """`rows` whose project (at `path`) `user` may read, by the project's own unit (the visible-projects
    selector), so a report whose copied unit is stale never shows another unit's project."""
    scope = visible_projects(user)
    return rows.filter(**{f"{path}__in": scope.values("pk")}) if scope.query.has_filters() else rows


# --- counts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lights:
    """Projects by light (红/黄/绿) and the blue indicators among them (蓝: an indicator's light)."""

    red: int = 0
    yellow: int = 0
    green: int = 0
    blue: int = 0

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.green

    def of(self, light: str) -> int:
        return int(getattr(self, light, 0))


@dataclass(frozen=True)
class Group:
    """One 主管部门 or unit (pk None: 未设置主管部门; the total row) with its counts and budget."""

    pk: int | None
    code: str
    name: str
    lights: Lights
    budget: BudgetLight  # Σ 1–M月执行数 over Σ 全年预算数 against the time progress, as §8 lights a project


def _budget(annual: Decimal | None, executed: Decimal | None, month: int, lines: Thresholds) -> BudgetLight:
    return budget_light(annual or ZERO, executed or ZERO, month, lines)


def _sum_lights(found: Iterable[tuple[str, int]], blue: int) -> Lights:
    by = {light: 0 for light in PROJECT_LIGHTS}
    for light, n in found:
        by[light if light in by else GREEN] += n  # a report's light is never blue; were it, it counts as green
    return Lights(by[RED], by[YELLOW], by[GREEN], blue)


def department_groups(counts: QuerySet[MonitoringCount], *, month: int, lines: Thresholds
                      ) -> tuple[tuple[Group, ...], Group]:  # fmt: skip
    """Per 主管部门 (by code and name) and in total: projects by light, blue indicators and the
    budget's sums. One query over the units' counts (counts_in)."""
    rows = (counts.order_by().values_list("unit__department", "unit__department__code", "unit__department__name",
                                          "light")
            .annotate(n=Sum("n"), annual=Sum("budget_annual"), executed=Sum("budget_executed"),
                      blue=Sum("ind_blue")))  # fmt: skip
    found: dict[int | None, dict[str, Any]] = {}
    for pk, code, name, light, n, annual, executed, blue in rows:
        group = found.setdefault(pk, {"code": code or "", "name": name or _("未设置主管部门"), "lights": [],
                                      "annual": ZERO, "executed": ZERO, "blue": 0})  # fmt: skip
        group["lights"].append((light, n))
        group["annual"] += annual or ZERO
        group["executed"] += executed or ZERO
        group["blue"] += blue or 0
    groups = tuple(
        Group(pk, g["code"], g["name"], _sum_lights(g["lights"], g["blue"]),
              _budget(g["annual"], g["executed"], month, lines))
        for pk, g in sorted(found.items(), key=lambda item: (item[1]["code"], item[1]["name"]))
    )  # fmt: skip
    total = Group(None, "", _("合计"), _sum_lights(((light, g.lights.of(light)) for g in groups
                                                    for light in PROJECT_LIGHTS), sum(g.lights.blue for g in groups)),
                  _budget(sum((v["annual"] for v in found.values()), ZERO),
                          sum((v["executed"] for v in found.values()), ZERO), month, lines))  # fmt: skip
    return groups, total


def unit_groups(counts: QuerySet[MonitoringCount], *, month: int, lines: Thresholds,
                limit: int = UNITS_SHOWN) -> tuple[tuple[Group, ...], int]:  # fmt: skip
    """The `limit` units with the most red (then yellow) projects, and how many units have reports:
    one or two queries over the units' counts (counts_in)."""
    by_light = {f"n_{light}": Coalesce(Sum("n", filter=Q(light=light)), 0) for light in (RED, YELLOW)}
    rows = list(
        counts.order_by()
        .values("unit", "unit__code", "unit__name")
        .annotate(**by_light, n_green=Coalesce(Sum("n", filter=~Q(light__in=(RED, YELLOW))), 0),
                  annual=Sum("budget_annual"), executed=Sum("budget_executed"), blue=Sum("ind_blue"))
        .order_by("-n_red", "-n_yellow", "unit__code", "unit__name", "unit")[:limit]
    )  # fmt: skip
    number = counts.order_by().values("unit").distinct().count() if len(rows) == limit else len(rows)
    groups = tuple(
        Group(r["unit"], r["unit__code"], r["unit__name"],
              Lights(r["n_red"], r["n_yellow"], r["n_green"], r["blue"] or 0),
              _budget(r["annual"], r["executed"], month, lines))
        for r in rows
    )  # fmt: skip
    return groups, number


# --- the projects, red first --------------------------------------------------------------------


class RedFirst(Sequence[MonitoringReport]):
    """The reports of a filter, red first, then yellow, then green; within a light the furthest
    behind (lowest 执行进度/时间进度) first. Sized by the counts already read, so a slice is one query
    per light it spans (a range of monitoring_year_light_value), never a sort of the whole year."""

    def __init__(self, reports: QuerySet[MonitoringReport], user: Any, counts: Lights, lights: Sequence[str]) -> None:
        self.reports, self.user = reports, user
        self.segments = [(light, counts.of(light)) for light in lights]

    def __len__(self) -> int:
        return sum(n for _, n in self.segments)

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, len(self) if index.stop is None else index.stop
        found: list[MonitoringReport] = []
        first = 0
        for light, n in self.segments:
            lo, hi = max(start - first, 0), min(stop - first, n)
            if lo < hi:
                found += list(self.rows(light)[lo:hi])
            first += n
        return found

    def rows(self, light: str) -> QuerySet[MonitoringReport]:
        rows = _shown(self.reports.filter(light=light), self.user, "project")
        return rows.select_related("project", "project__unit", "project__unit__department").order_by(
            "budget_value", "project_id"
        )

    def all(self) -> list[MonitoringReport]:
        """Every report in order (the export): one query per light."""
        return [r for light, n in self.segments if n for r in self.rows(light)]


# --- yellow and red indicators by 偏差原因 category ---------------------------------------------


@dataclass(frozen=True)
class CauseGroup:
    """The yellow and red indicators citing one category (NO_CAUSE: none), counted and the first listed."""

    cause: str
    red: int
    yellow: int
    rows: tuple[Observation, ...]

    @property
    def label(self) -> str:
        return self.cause or _("未填写偏差原因")

    @property
    def total(self) -> int:
        return self.red + self.yellow


def cause_groups(reports: QuerySet[MonitoringReport], user: Any, *, counts: QuerySet[Any] | None = None,
                 shown: int = CAUSE_SHOWN, pool: int = CAUSE_POOL) -> tuple[tuple[CauseGroup, ...], int]:  # fmt: skip
    """Per category (in the national form's order, then NO_CAUSE), how many yellow and red indicators
    of `reports` cite it (one indicator may cite several) and up to `shown` of them; and how many
    yellow and red indicators there are. The counts are one sum over `counts` (the units' counts,
    counts_in; without it the reports' own stored counts), the rows the first `pool` yellow and red
    indicators, red first and the furthest behind first (flagged_first), which the categories list
    from."""
    columns = [f"{light}_{suffix}" for light in (RED, YELLOW) for suffix in CAUSE_COLUMNS.values()]
    sums = (counts if counts is not None else reports).aggregate(
        **{c: Coalesce(Sum(c), 0) for c in (*columns, "ind_red", "ind_yellow")}
    )
    first = flagged_first(reports, user, pool)
    groups = []
    for cause in (*CAUSES, NO_CAUSE):
        red, yellow = (sums[f"{light}_{CAUSE_COLUMNS[cause]}"] for light in (RED, YELLOW))
        if not red and not yellow:
            continue
        rows = [o for o in first if (cause in o.causes if cause else not o.causes)][:shown]
        groups.append(CauseGroup(cause, red, yellow, tuple(rows)))
    return tuple(groups), sums["ind_red"] + sums["ind_yellow"]


def flagged_first(reports: QuerySet[MonitoringReport], user: Any, pool: int = CAUSE_POOL) -> list[Observation]:
    """The first `pool` red, then yellow, indicators of `reports` whose project `user` may read: by
    their report's 执行进度/时间进度 (the furthest behind first), report and row. For each light, the
    first reports that have such indicators (their stored counts; a range of the light's partial
    index), as many as cover what is still wanted, then those reports' indicators of that light
    (observation_light_report); at most five queries."""
    wanted: list[int] = []
    for light in (RED, YELLOW):
        need = pool - len(wanted)
        if need <= 0:
            break
        column = f"ind_{light}"
        keys = _shown(reports.filter(**{f"{column}__gt": 0}), user, "project").order_by("budget_value", "pk")
        chosen, covered = [], 0
        for pk, n in keys.values_list("pk", column)[:need]:
            chosen.append(pk)
            covered += n
            if covered >= need:
                break
        if not chosen:
            continue
        order = {pk: i for i, pk in enumerate(chosen)}
        found = Observation.objects.filter(light=light, report__in=chosen).values_list("report_id", "pk")
        wanted += [pk for _, pk in sorted(found, key=lambda r: (order[r[0]], r[1]))][:need]
    loaded = Observation.objects.filter(pk__in=wanted).select_related("indicator", "report__project",
                                                                       "report__project__unit")  # fmt: skip
    by_pk = {o.pk: o for o in loaded}
    return [by_pk[pk] for pk in wanted if pk in by_pk]


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One horizontal bar of the 执行总体偏离度 chart (SVG user units)."""

    label: str
    y: float
    width: float
    light: str
    progress: Decimal
    value: Decimal

    @property
    def text_y(self) -> float:
        return round(self.y + BAR_HEIGHT / 2, 1)

    @property
    def value_x(self) -> float:
        return round(CHART_LEFT + self.width + 6, 1)

    @property
    def fill(self) -> str:
        return FILLS.get(self.light, FILLS[GREEN])


CHART_LEFT, CHART_WIDTH, BAR_HEIGHT, BAR_GAP, CHART_TOP = 150, 280, 18, 10, 24
FILLS = {RED: "#dc3545", YELLOW: "#ffc107", GREEN: "#198754"}  # as the lights' badges


@dataclass(frozen=True)
class DeviationChart:
    """执行总体偏离度: each 主管部门's budget progress (Σ执行 / Σ预算) against the time progress m/12."""

    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, int], ...]
    time_x: float
    time_progress: Decimal
    top: int

    left: int = CHART_LEFT
    top_margin: int = CHART_TOP

    @property
    def height(self) -> int:
        return CHART_TOP + len(self.bars) * (BAR_HEIGHT + BAR_GAP) + 28

    @property
    def axis_y(self) -> float:
        return float(self.height - 28)

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 16

    @property
    def right(self) -> int:
        return CHART_LEFT + CHART_WIDTH

    @property
    def width(self) -> int:
        return CHART_LEFT + CHART_WIDTH + 110


def deviation_chart(groups: Sequence[Group], total: Group, *, time_progress: Decimal) -> DeviationChart:
    """Bars for each 主管部门 and the total, on a 0–100% axis (wider when a progress exceeds it)."""
    rows = [*groups, total] if len(groups) > 1 else list(groups)
    top = 100
    while any(g.budget.progress > top for g in rows) and top < 1000:
        top += 20
    scale = CHART_WIDTH / top
    bars = tuple(
        Bar(g.name, CHART_TOP + i * (BAR_HEIGHT + BAR_GAP), round(float(min(g.budget.progress, top)) * scale, 1),
            g.budget.light, g.budget.progress, g.budget.value)
        for i, g in enumerate(rows)
    )  # fmt: skip
    step = 20 if top <= 200 else 100
    ticks = tuple((round(CHART_LEFT + t * scale, 1), t) for t in range(0, top + 1, step))
    return DeviationChart(bars, ticks, round(CHART_LEFT + float(time_progress) * scale, 1), time_progress, top)


@dataclass(frozen=True)
class Overview:
    year: int | None
    month: int
    time_progress: Decimal
    departments: tuple[Group, ...]
    total: Group
    units: tuple[Group, ...]
    unit_count: int
    projects: Page
    causes: tuple[CauseGroup, ...]
    flagged: int  # yellow and red indicators
    chart: DeviationChart
    # 整改 (issue 17 "Submission and review"): the not yet closed 整改 items of these projects, oldest
    # first (monitoring.rectification.open_rectifications); None: the page shows no section for it
    rectifications: Any = None
    # the year's lights being computed again after its 年度安排 changed (monitoring.relight): the page
    # says the lights may still be the old ones until it is done; None when they are current
    relighting: Any = None
    cause_shown: int = CAUSE_SHOWN
    cause_pool: int = CAUSE_POOL
    light_labels: dict[str, str] = field(default_factory=lambda: dict(LIGHT_LABELS))


def overview(user: Any, *, year: int | None, department: Department | None = None, unit: Unit | None = None,
             light: str = "", page: Any = 1) -> Overview:  # fmt: skip
    """The overview of `year` as `user` may see it (a reviewer's units, an admin's all), narrowed by
    the filters; `light` narrows the project list only. A fixed number of queries."""
    month, lines = year_settings(year) if year else (DEFAULT_MONTH, Thresholds())
    reports = reports_in(user, year=year, department=department, unit=unit)
    counts = counts_in(user, year=year, department=department, unit=unit)
    departments, total = department_groups(counts, month=month, lines=lines)
    units, unit_count = unit_groups(counts, month=month, lines=lines)
    listed = RedFirst(reports, user, total.lights, [light] if light else PROJECT_LIGHTS)
    projects = Paginator(listed, PER_PAGE).get_page(page)
    causes, flagged = cause_groups(reports, user, counts=counts)
    time_progress = (Decimal(month) * 100 / MONTHS).quantize(CENT, rounding=ROUND_HALF_UP)
    return Overview(year, month, time_progress, departments, total, units, unit_count, projects, causes, flagged,
                    deviation_chart(departments, total, time_progress=time_progress),
                    open_rectifications(reports), year_relight_status(year))  # fmt: skip


def export_rows(user: Any, *, year: int | None, department: Department | None = None, unit: Unit | None = None,
                light: str = "") -> list[MonitoringReport]:  # fmt: skip
    """The overview's project list whole (the xlsx export), in the page's order."""
    reports = reports_in(user, year=year, department=department, unit=unit)
    counts = counts_in(user, year=year, department=department, unit=unit)
    by_light = _sum_lights(counts.order_by().values_list("light").annotate(n=Sum("n")), 0)
    return RedFirst(reports, user, by_light, [light] if light else PROJECT_LIGHTS).all()
