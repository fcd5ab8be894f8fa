"""The lists that grow with a province's year: filtered, searched, sorted and paged on the server.

One form reads the query string of the project list, the review queue and the batch export; one
function applies it to a queryset the caller has already narrowed to what the user may see
(projects.access). A page costs the same at 50,000 projects as at 500: it loads 50 rows, and every
count it shows (the total and the count per 状态) comes from one aggregate query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.lookups import IsNull

from evalsys.lib.parsing import normalize
from projects.access import role_of, visible_units
from projects.forms import YearFilterForm
from projects.models import Department, Project, ReviewAction, ReviewRound, Role, StageState, StateCount, Status, Unit
from projects.stages import StageKey, StageStatus
from scoring.labels import WARNING_LABELS
from scoring.schemes import SCHEMES

PER_PAGE = 50
PER_PAGE_CHOICES = (20, 50, 100, 200)
# a unit select lists this many units (those of the chosen 主管部门 first); its search box (the view
# projects:units, units_matching) finds the others, so a page is the same size at 10 units as at 1,000
UNIT_OPTIONS = 30
BAD_CHOICE = "请从列表中选择"
QUERY_MAX = 100
QUERY_TOO_LONG = f"搜索内容最多 {QUERY_MAX} 个字"
# the query parameters of a list, repeated by forms that act on "all that match" (bulk approval)
FILTER_FIELDS = ("year", "department", "unit", "status", "grade", "warning", "q", "sort")
UNGRADED = "none"  # the grade filter's 未评分
ANY_WARNING, NO_WARNING = "any", "none"

# sort key -> (column label, order). Ties end on pk, so a page never repeats or skips a project.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": ("项目编码", ("code", "pk")),
    "name": ("项目名称", ("name", "pk")),
    "unit": ("实施单位", ("unit__code", "unit__name", "code", "pk")),
    "department": ("主管部门", ("unit__department__code", "unit__department__name", "unit__code", "code", "pk")),
    "status": ("状态", ("status", "unit__code", "code", "pk")),
    "total": ("总分", ("score_total", "pk")),
    "grade": ("等级", ("score_grade", "score_total", "pk")),
    "warnings": ("提示", ("warning_count", "pk")),
}
DEFAULT_SORT = "code"
# A search (搜索) that matches at most this many projects sorts them as a set (ordered(few=True)).
# The planner cannot estimate how many rows a "contains" search matches: at 50,000 projects it took
# 1% for 50 rows and walked the 项目编码 index past all 50,000 to fill a page (55 ms), where the
# trigram indexes find the 50 and a sort of them takes 0.3 ms. The page knows the exact number from
# its counts, and sorting this many rows costs about what walking an index to a page does.
FEW_MATCHES = 2000
# the review queue's own columns (projects annotated with submitted_at: see filter_projects)
QUEUE_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {"submitted": ("提交时间", ("submitted_at", "pk"))}


# the states of a project where each role's work waits (its to-do: projects.selectors.Todo)
WORK = {
    Role.OFFICER: (Status.DRAFT, Status.RETURNED),
    Role.EVALUATOR: (Status.SUBMITTED,),
    Role.ADMIN: (Status.DRAFT, Status.RETURNED, Status.SUBMITTED),
}
# the same for the targets stage (its rows in StageState): the officer declares, makes 良's listed
# changes, revises after 中 and adjusts approved targets; the reviewer reviews what was submitted
_DECLARING = (StageStatus.DRAFT, StageStatus.RETURNED, StageStatus.REVISING, StageStatus.ADJUSTING)
TARGETS_WORK = {
    Role.OFFICER: _DECLARING,
    Role.EVALUATOR: (StageStatus.SUBMITTED,),
    Role.ADMIN: (*_DECLARING, StageStatus.SUBMITTED),
}
# the stages a page's default year looks at (the project list: every stage its projects are in)
EVERY_STAGE = (StageKey.SELF_EVALUATION, StageKey.TARGETS)


def _work(user: Any, scope: QuerySet[Project], stages: Iterable[str], waiting: Iterable[str] | None
          ) -> dict[str, Any]:  # fmt: skip
    """Per stage, the newest year of `scope` where the user's work waits, as a subquery (ORDER BY year
    DESC LIMIT 1, one probe of an index: project_state_warnings for the self-evaluation's mirror on
    Project, stage_year_status_unit for another stage's rows in the user's units)."""
    role = role_of(user) or ""
    out: dict[str, Any] = {}
    for stage in stages:
        if stage == StageKey.SELF_EVALUATION:
            states = list(WORK.get(role, ()) if waiting is None else waiting)
            rows: QuerySet[Any] = scope.filter(status__in=states)
        else:
            states = list(TARGETS_WORK.get(role, ())) if stage == StageKey.TARGETS else []
            rows = StageState.objects.filter(stage=stage, status__in=states)
            if scope.query.has_filters():  # every project (an admin's) is no condition
                rows = rows.filter(project__in=scope.values("pk"))
            if role != Role.ADMIN:  # the user's units: a range of the index stage_year_status_unit
                rows = rows.filter(unit__in=visible_units(user).values("pk"))
        if states:
            out[f"work_{stage}"] = Subquery(rows.order_by("-year").values("year")[:1])
    return out


def _years(subqueries: dict[str, Any]) -> dict[str, int | None]:
    """The subqueries' years from one row of the table, in one query (none when it is empty)."""
    if not subqueries:
        return {}
    return Project.objects.order_by().annotate(**subqueries).values(*subqueries).first() or {}


def work_year(user: Any, scope: QuerySet[Project], *, stages: Iterable[str] = (StageKey.SELF_EVALUATION,),
              waiting: Iterable[str] | None = None) -> int | None:  # fmt: skip
    """The newest year of `scope` (what a page may show `user`) where the user's work waits in one
    of `stages` (by default the states of the user's role: WORK, TARGETS_WORK; `waiting` replaces
    the self-evaluation's), else None. One query."""
    found = [year for year in _years(_work(user, scope, stages, waiting)).values() if year]
    return max(found) if found else None


def default_year(user: Any, scope: QuerySet[Project], *, waiting: Iterable[str] | None = None,
                 stages: Iterable[str] | None = None) -> int | None:  # fmt: skip
    """The year a page over `scope` (what it may show `user`) opens on without ?year=: the year
    whose stage is open for the user, i.e. the newest year where their work waits in one of the
    page's `stages` (work_year; by default every stage, or the self-evaluation's alone when
    `waiting` names its states, as the review queue does), else the newest year of `scope`, else
    None. One query. Every list, the review queue, the overview and their exports ask here, so a
    project copied into a new year no longer moves everyone's pages away from the year where their
    work is, and an officer declaring next year's targets opens on that year."""
    if stages is None:
        stages = EVERY_STAGE if waiting is None else (StageKey.SELF_EVALUATION,)
    subqueries = _work(user, scope, stages, waiting)
    subqueries["newest"] = Subquery(scope.order_by("-year").values("year")[:1])
    years = _years(subqueries)
    newest = years.pop("newest", None)
    found = [year for year in years.values() if year]
    return max(found) if found else newest


def grade_choices() -> list[tuple[str, str]]:
    """Every grade a registered scheme gives (优 良 中 差, A B C D), then 未评分."""
    grades = dict.fromkeys(grade for scheme in SCHEMES.values() for _, grade in scheme.grade_bands)
    return [(g, g) for g in grades] + [(UNGRADED, "未评分")]


def warning_choices() -> list[tuple[str, str]]:
    return [(ANY_WARNING, "有提示"), (NO_WARNING, "无提示"), *WARNING_LABELS.items()]


def sort_choices(sorts: dict[str, tuple[str, tuple[str, ...]]] = SORTS) -> list[tuple[str, str]]:
    return [(k, label) for k, (label, _) in sorts.items()] + [(f"-{k}", f"{label}（降序）") for k, (label, _) in
                                                              sorts.items()]  # fmt: skip


def sorts_of(fixed_status: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The sortable columns of a list: the review queue (已提交 only) adds 提交时间."""
    return {**SORTS, **QUEUE_SORTS} if fixed_status == Status.SUBMITTED else SORTS


class ChoiceOfModel(forms.ModelChoiceField):
    """A model choice whose every bad value, NUL characters included, is "choose from the list"."""

    def validate_no_null_characters(self, value: Any) -> None:
        if "\x00" in str(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class PlainChoice(forms.ChoiceField):
    """A choice that says "choose from the list" for anything else, NUL characters included."""

    def validate_no_null_characters(self, value: Any) -> None:
        if "\x00" in str(value):
            raise forms.ValidationError(BAD_CHOICE, code="invalid_choice")


def _choice(label: str, choices: list[tuple[str, str]], empty: str) -> forms.ChoiceField:
    return PlainChoice(label=label, required=False, choices=[("", empty), *choices],
                       error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip


class ProjectFilterForm(YearFilterForm):
    """The query string of a project list. A bad value is said in Chinese and left out: the list
    shows what the other, valid values select (never a 500, never an empty page for a typo)."""

    department = ChoiceOfModel(label="主管部门", queryset=Department.objects.none(), required=False,
                               empty_label="全部主管部门", error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    unit = ChoiceOfModel(label="实施单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位",
                         error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    status = _choice("状态", list(Status.choices), "全部状态")
    grade = _choice("等级", grade_choices(), "全部等级")
    warning = _choice("提示", warning_choices(), "全部")
    q = forms.CharField(label="搜索", required=False, max_length=QUERY_MAX,
                        error_messages={"max_length": QUERY_TOO_LONG})  # fmt: skip
    sort = _choice("排序", sort_choices(), "默认排序")
    per_page = forms.TypedChoiceField(label="每页", required=False, coerce=int, empty_value=None,
                                      choices=[("", "")] + [(n, n) for n in PER_PAGE_CHOICES],
                                      error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip

    FILTERS = ("department", "unit", "status", "grade", "warning", "q")

    def __init__(self, data: Any, *, default: int | None, units: QuerySet[Unit], fixed_status: str = "") -> None:
        super().__init__(data, default=default)
        self.fields["department"].queryset = Department.objects.filter(pk__in=units.values("department")).order_by(
            "code", "name"
        )
        self.fields["unit"].queryset = units.select_related("department").order_by("code", "name")
        self.fixed_status = fixed_status
        if fixed_status:  # the review queue lists 已提交 only
            del self.fields["status"]
        self.sorts = sorts_of(fixed_status)
        self.fields["sort"].choices = [("", "默认排序"), *sort_choices(self.sorts)]
        for name in ("department", "unit", "status", "grade", "warning", "sort", "per_page"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["q"].widget.attrs.update({"class": "form-control form-control-sm", "placeholder": "项目编码或名称"})

    def clean_q(self) -> str:
        return normalize(self.cleaned_data.get("q") or "")

    def value(self, name: str) -> Any:
        """The valid value of `name`, else None: one bad field leaves the others in effect."""
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return None
        return self.cleaned_data.get(name)

    def chosen_year(self) -> int | None:
        return self.value("year") or self.default

    def chosen(self) -> dict[str, Any]:
        """The filters in effect (valid ones only), for the page's chips and the exports."""
        return {name: self.value(name) for name in self.FILTERS if name in self.fields and self.value(name)}

    def sort_key(self) -> str:
        return self.value("sort") or DEFAULT_SORT

    def page_size(self) -> int:
        return self.value("per_page") or PER_PAGE

    def unit_options(self) -> tuple[list[Unit], bool]:
        return unit_options(self.fields["unit"].queryset, self.value("department"), self.value("unit"))


def unit_options(units: QuerySet[Unit], department: Any, chosen: Any, query: str = "") -> tuple[list[Unit], bool]:
    """The units a unit select lists: the first UNIT_OPTIONS of `units` (those of the chosen 主管部门;
    with `query`, those whose code or name contains it: units_matching), the chosen unit always
    among them (first when it is not one of them), and whether more match. One query."""
    shown, more = units_matching(units, department, query)
    if chosen is not None and chosen not in shown:
        shown.insert(0, chosen)
    return shown, more


def units_matching(units: QuerySet[Unit], department: Any, query: str = "") -> tuple[list[Unit], bool]:
    """The first UNIT_OPTIONS of `units` in the 主管部门 `department` (any when None) whose code or name
    contains `query`, in their order, and whether more match."""
    if department is not None:
        units = units.filter(department=department)
    if query:
        units = units.filter(Q(code__icontains=query) | Q(name__icontains=query))
    shown = list(units.order_by("code", "name")[: UNIT_OPTIONS + 1])
    return shown[:UNIT_OPTIONS], len(shown) > UNIT_OPTIONS


class UnitSearchForm(forms.Form):
    """What a unit select's search box asks (projects:units): the typed text, the 主管部门 chosen beside
    it and the unit chosen now (kept in the answer). A 主管部门 or unit outside `units` (what the user
    may see) is refused like any bad value, so the answer never names a unit of another scope."""

    q = forms.CharField(required=False, max_length=QUERY_MAX, error_messages={"max_length": QUERY_TOO_LONG})
    department = ChoiceOfModel(queryset=Department.objects.none(), required=False,
                               error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    unit = ChoiceOfModel(queryset=Unit.objects.none(), required=False, error_messages={"invalid_choice": BAD_CHOICE})

    def __init__(self, data: Any, *, units: QuerySet[Unit]) -> None:
        super().__init__(data)
        self.units = units
        every = not units.query.has_filters()  # an admin's: every 主管部门, those without units too (batch export)
        self.fields["department"].queryset = (Department.objects.all() if every else
                                              Department.objects.filter(pk__in=units.values("department")))  # fmt: skip
        self.fields["unit"].queryset = units

    def clean_q(self) -> str:
        return normalize(self.cleaned_data.get("q") or "")

    def matches(self) -> tuple[list[Unit], bool]:
        """units_matching for the valid form: the units of the user's scope that match."""
        return units_matching(self.units, self.cleaned_data.get("department"), self.cleaned_data.get("q") or "")


def filter_projects(scope: QuerySet[Project], form: ProjectFilterForm, *, year: int | None) -> QuerySet[Project]:
    """`scope` narrowed by the form's valid filters (every filter but 状态: see list_counts)."""
    rows = scope.filter(year=year)
    if form.fixed_status:
        rows = rows.filter(status=form.fixed_status)
    if form.fixed_status == Status.SUBMITTED:
        rows = with_submitted_at(rows)
    chosen = {k: v for k, v in form.chosen().items() if k != "status"}
    return apply_filters(rows, **chosen)


def apply_filters(rows: QuerySet[Project], *, department: Any = None, unit: Any = None, grade: str = "",
                  warning: str = "", q: str = "") -> QuerySet[Project]:  # fmt: skip
    """The lists' filters on `rows`; every page and export that filters projects calls this."""
    if department:
        rows = rows.filter(unit__department=department)
    if unit:
        rows = rows.filter(unit=unit)
    if grade == UNGRADED:
        rows = rows.filter(Q(scored=False) | Q(score_grade=""))
    elif grade:
        rows = rows.filter(scored=True, score_grade=grade)
    if warning == ANY_WARNING:
        rows = rows.filter(warning_count__gt=0)
    elif warning == NO_WARNING:
        rows = rows.filter(warning_count=0)
    elif warning:
        rows = rows.filter(warning_codes__contains=f",{warning},")
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return rows


def with_submitted_at(rows: QuerySet[Project]) -> QuerySet[Project]:
    """`rows` with submitted_at: when the last 提交 step was taken (None when submitted outside the
    workflow). A correlated subquery in the rows' own query: a page costs no extra query."""
    steps = ReviewRound.objects.filter(project=OuterRef("pk"), action=ReviewAction.SUBMIT)
    return rows.annotate(submitted_at=Subquery(steps.order_by("-created_at", "-pk").values("created_at")[:1]))


def with_status(rows: QuerySet[Project], form: ProjectFilterForm) -> QuerySet[Project]:
    status = form.chosen().get("status")
    return rows.filter(status=status) if status else rows


@dataclass(frozen=True)
class ListCounts:
    """The list's counts from one query: all that match the other filters, and per 状态."""

    all: int
    by_status: dict[str, int]
    status: str = ""

    @property
    def total(self) -> int:
        """How many match every filter, 状态 included."""
        return self.by_status.get(self.status, 0) if self.status else self.all

    def tabs(self) -> list[tuple[str, str, int]]:
        # 未开始 (targets still being declared) only where a year has such projects
        return [(value, label, self.by_status.get(value, 0)) for value, label in Status.choices
                if value != Status.NOT_OPEN or self.by_status.get(value)]  # fmt: skip


# filters on the project's own columns: a list filtered by one of them counts through Project (提示
# only by its type: 有提示 and 无提示 are kept in the counts, StateCount.warned)
PROJECT_FILTERS = ("grade", "warning", "q")
WARNED = {ANY_WARNING: True, NO_WARNING: False}


def list_counts(rows: QuerySet[Project], form: ProjectFilterForm, *, units: QuerySet[Unit]) -> ListCounts:
    """The total and the count of each 状态 of the list (every filter but 状态): from the kept
    counts of the self-evaluation in `units` (the units whose projects `rows` holds: stage_counts),
    有提示 and 无提示 included; through `rows` (one aggregate) when a filter reads the project's own
    columns (等级, a type of 提示, 搜索)."""
    chosen = form.chosen()
    warned = WARNED.get(chosen.get("warning") or "")
    if any(chosen.get(name) for name in PROJECT_FILTERS if name != "warning" or warned is None):
        counted = rows.order_by().values_list("status").annotate(n=Count("*"))
    else:
        counted = stage_counts(units, year=form.chosen_year(), department=chosen.get("department"),
                               unit=chosen.get("unit"), status=form.fixed_status, warned=warned)  # fmt: skip
    by_status = dict(counted)
    return ListCounts(sum(by_status.values()), {value: by_status.get(value, 0) for value, _ in Status.choices},
                      chosen.get("status") or "")  # fmt: skip


def stage_counts(units: QuerySet[Unit], *, year: int | None, department: Any = None, unit: Any = None,
                 status: str = "", warned: bool | None = None) -> QuerySet[StateCount]:  # fmt: skip
    """(状态, count) of the self-evaluations of `year` in `units` (narrowed to a 主管部门, a unit, a
    状态, those with or without 提示): the sums of the kept counts (projects.counts: a few rows per
    unit), no project read."""
    rows = StateCount.objects.filter(stage=StageKey.SELF_EVALUATION, year=year)
    if units.query.has_filters():  # every unit (an admin's) is no condition
        rows = rows.filter(unit__in=units.values("pk"))
    if department:
        rows = rows.filter(unit__department=department)
    if unit:
        rows = rows.filter(unit=unit)
    if status:
        rows = rows.filter(status=status)
    if warned is not None:
        rows = rows.filter(warned=warned)
    return rows.order_by().values_list("status").annotate(n=Sum("n"))


def ordered(rows: QuerySet[Project], sort: str, sorts: dict[str, tuple[str, tuple[str, ...]]] = SORTS, *,
            few: bool = False) -> QuerySet[Project]:  # fmt: skip
    """`rows` in the order of `sort`. `few`: the caller knows that few rows match (FEW_MATCHES), so
    the same order is spelled as no index has it and the database sorts the matching rows instead of
    walking an index in that order until a page is found (see FEW_MATCHES)."""
    descending = sort.startswith("-")
    _, fields = sorts.get(sort.lstrip("-"), SORTS[DEFAULT_SORT])
    if few:
        return rows.order_by(*(key for f in fields for key in _set_order(f, descending)))
    return rows.order_by(*(_order(f, descending) for f in fields))


def _order(path: str, descending: bool) -> Any:
    """`path` in the list's order, a missing value last: said only for a column that can be missing,
    so an index serves a descending sort on one that cannot (DESC NULLS LAST is no index's order)."""
    if not _nullable(path):
        return F(path).desc() if descending else F(path).asc()
    return F(path).desc(nulls_last=True) if descending else F(path).asc(nulls_last=True)


def _set_order(path: str, descending: bool) -> tuple[Any, ...]:
    """The order of _order(path, descending) in keys no btree index yields: a column that cannot be
    missing with the other NULLS placement (which changes nothing for it), and one that can with
    "missing last" as a key of its own before it."""
    if not _nullable(path):
        return (F(path).desc(nulls_last=True) if descending else F(path).asc(nulls_first=True),)
    missing = IsNull(F(path), True).asc(nulls_first=True)
    return missing, F(path).desc(nulls_last=True) if descending else F(path).asc(nulls_first=True)


def _nullable(path: str) -> bool:
    """Whether the column at `path` (from Project, through relations) may be NULL; an annotation may."""
    model, field = Project, None
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name) if name != "pk" else model._meta.pk
        except FieldDoesNotExist:
            return True
        model = field.related_model or model
    return field is None or field.null


class CountedPaginator(Paginator):
    """A paginator told its count (from list_counts' aggregate) instead of asking with COUNT(*),
    whose page sorts the keys alone: the page's rows are those whose key is among the page's slice
    of the ordered keys (a subquery in the same query), so the database sorts the matching rows'
    keys and sort values, never whole rows with their unit and 主管部门 (OFFSET reads past keys only)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


@dataclass
class ProjectList:
    """One page of a project list with what the page shows around it."""

    form: ProjectFilterForm
    year: int | None
    counts: ListCounts
    page: Page
    sort: str
    unit_options: list[Unit]
    more_units: bool
    departments: list[Department]
    per_page_choices: tuple[int, ...] = PER_PAGE_CHOICES
    unit_limit: int = UNIT_OPTIONS  # how many units the unit select lists (its hint says so)

    @cached_property
    def chosen(self) -> dict[str, Any]:
        return self.form.chosen()

    @cached_property
    def pages(self) -> list[Any]:
        """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
        return list(self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))

    @property
    def projects(self) -> list[Project]:
        return list(self.page.object_list)

    @cached_property
    def department_choices(self) -> list[tuple[int, str, bool]]:
        return _choices(self.departments, self.chosen.get("department"))

    @property
    def filtered(self) -> bool:
        return bool(self.chosen)

    def headers(self) -> list[tuple[str, str, str, str]]:
        """(key, label, next sort) per sortable column: a click sorts by it, a second click reverses."""
        out = []
        for key, (label, _) in self.form.sorts.items():
            state = "asc" if self.sort == key else "desc" if self.sort == f"-{key}" else ""
            out.append((key, label, f"-{key}" if state == "asc" else key, state))
        return out


def _choices(rows: list[Any], chosen: Any) -> list[tuple[int, str, bool]]:
    return [(row.pk, row.name, row == chosen) for row in rows]


def project_list_page(scope: QuerySet[Project], units: QuerySet[Unit], data: Any, *, default_year: int | None,
                      fixed_status: str = "") -> ProjectList:  # fmt: skip
    """The page asked for by the query string `data` within `scope` (what the user may see; `units`
    likewise): a fixed number of queries whatever the number of rows (the counts, the page's rows,
    the options of the selects and the lookups of the chosen ones)."""
    form = ProjectFilterForm(data or None, default=default_year, units=units, fixed_status=fixed_status)
    year = form.chosen_year()
    rows = filter_projects(scope, form, year=year)
    counts = list_counts(rows, form, units=units)
    sort = form.sort_key()
    few = bool(form.chosen().get("q")) and counts.total <= FEW_MATCHES
    shown = ordered(with_status(rows, form), sort, form.sorts, few=few).select_related("unit", "unit__department")
    paginator = CountedPaginator(shown, form.page_size(), count=counts.total)
    page = paginator.get_page(data.get("page") if data else None)
    units, more = form.unit_options()
    departments = list(form.fields["department"].queryset)
    return ProjectList(form, year, counts, page, sort, units, more, departments)


def matching_projects(scope: QuerySet[Project], units: QuerySet[Unit], data: Any, *, default_year: int | None,
                      fixed_status: str = "") -> tuple[ProjectFilterForm, QuerySet[Project]]:  # fmt: skip
    """The form and every project the list with query string `data` shows on all its pages, in its
    order: what a list's Excel export, its bulk approval and the batch export act on."""
    form = ProjectFilterForm(data or None, default=default_year, units=units, fixed_status=fixed_status)
    rows = with_status(filter_projects(scope, form, year=form.chosen_year()), form)
    return form, ordered(rows, form.sort_key(), form.sorts)


def list_position(rows: QuerySet[Project], form: ProjectFilterForm, pk: int) -> dict[str, Any] | None:
    """Where project `pk` stands in `rows` ordered as `form` sorts them: the values of its sort
    fields (None when it is not among `rows`). One query."""
    _, fields = form.sorts.get(form.sort_key().lstrip("-"), SORTS[DEFAULT_SORT])
    return rows.filter(pk=pk).values(*fields).first()


def first_after(rows: QuerySet[Project], form: ProjectFilterForm, position: dict[str, Any]) -> Project | None:
    """The first project of `rows` after `position` (list_position) in the list's order, else the
    first of `rows` (the list wraps round): what comes next when a project leaves the list. The
    order's comparison is written out (keyset: equal on the fields before, after on this one; a
    missing value sorts last either way), so it costs one query whatever the list's length."""
    sort = form.sort_key()
    descending = sort.startswith("-")
    _, fields = form.sorts.get(sort.lstrip("-"), SORTS[DEFAULT_SORT])
    later, same = Q(pk__in=[]), Q()
    for field in fields:
        value = position.get(field)
        if value is not None:
            beyond = Q(**{f"{field}__lt" if descending else f"{field}__gt": value}) | Q(**{f"{field}__isnull": True})
            later |= same & beyond
            same &= Q(**{field: value})
        else:  # nothing sorts after a missing value but other missing values
            same &= Q(**{f"{field}__isnull": True})
    shown = ordered(rows, sort, form.sorts).select_related("unit")
    return shown.filter(later).first() or shown.first()


def describe(form: ProjectFilterForm) -> str:
    """The filters in effect in words: 2025年度 · 主管部门：教育局 · 提示：缺少偏差原因 · 搜索：“校园”."""
    parts = [f"{form.chosen_year() or ''}年度"]
    for name, value in form.chosen().items():
        field = form.fields[name]
        if name == "q":
            shown = f"“{value}”"
        elif isinstance(field, forms.ModelChoiceField):
            shown = getattr(value, "name", str(value))
        else:
            shown = str(dict(field.choices).get(value, value))
        parts.append(f"{field.label}：{shown}")
    return " · ".join(parts)
