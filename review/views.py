"""Review pages: the queue of submitted projects, one project under review, and the overview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from indicators.models import Indicator
from indicators.services import indicator_adjust
from indicators.timeline import project_timeline
from monitoring.carry import MidYear, mid_year_of
from projects.access import require_role, visible_units
from projects.forms import add_service_error
from projects.listing import (
    FILTER_FIELDS,
    default_year,
    describe,
    first_after,
    list_position,
    matching_projects,
    project_list_page,
)
from projects.models import Project, Role, Status
from projects.readiness import project_gaps
from projects.selectors import DEFAULT_DEADLINE, fund_rows
from projects.services import evaluation_reopen, evaluation_return
from projects.stages import Action, StageKey
from projects.workflow import allowed_actions
from review.access import project_for_reviewer, projects_for_reviewer, reviewable_projects
from review.charts import overview_charts
from review.forms import AdjustForm, ApproveForm, NoteForm, OverviewForm, ReopenForm, ReturnForm
from review.models import ReviewNote
from review.selectors import (
    WITHDRAWN_DAYS,
    LastYear,
    approval_summary,
    last_withdrawal,
    last_year_of,
    last_year_rows,
    overview_data,
    recently_withdrawn,
    report_sections,
    review_departments,
    review_rounds,
    review_sheet,
    review_years,
    round_notes,
)
from review.services import projects_approve, review_note_save
from scoring.types import Evaluation, IndicatorScore, Warning

APPROVED = "已审核通过 {n} 个项目"
APPROVED_NEXT = "已审核通过项目“{name}”。以下是下一个待审核项目。"
APPROVED_LAST = "已审核通过项目“{name}”。{where}没有其他待审核的项目。"
RETURNED = "已退回项目“{name}”"
REOPENED = "已重新打开项目“{name}”，填报人可以修改"
ADJUSTED = "已保存指标“{name}”的审核得分"


# --- the queue and approval ---------------------------------------------------------------


def _queue_page(request: HttpRequest, scope: QuerySet[Project], data: Any, approve_form: ApproveForm,
                status: int = 200) -> HttpResponse:  # fmt: skip
    """The year's submitted projects, 50 a page, filtered, searched and sorted (projects.listing)."""
    years = review_years(scope)
    listing = project_list_page(
        scope,
        visible_units(request.user),
        data,
        fixed_status=Status.SUBMITTED,
        default_year=default_year(request.user, scope, waiting=[Status.SUBMITTED]),
    )
    context = {"list": listing, "form": listing.form, "year": listing.year, "years": years,
               "projects": listing.projects, "approve_form": approve_form,
               "filters": _filter_fields(listing.form), "withdrawn_days": WITHDRAWN_DAYS,
               "withdrawn": recently_withdrawn(scope, year=listing.year, today=timezone.localdate())}  # fmt: skip
    status = 400 if status == 200 and listing.form.errors else status
    return render(request, "review/queue.html", context, status=status)


def _filter_fields(form: Any) -> list[tuple[str, Any]]:
    """The valid filters of the list as (name, value) to repeat in a POST form (year and sort too)."""
    out = [("year", form.chosen_year() or "")]
    for name, value in form.chosen().items():
        out.append((name, value.pk if hasattr(value, "pk") else value))
    if form.value("sort"):
        out.append(("sort", form.value("sort")))
    return out


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    scope = reviewable_projects(request.user)
    return _queue_page(request, scope, request.GET, ApproveForm())


def _back(data: dict[str, Any]) -> HttpResponse:
    """Where an approval returns to: the one project's page, or the queue of its year."""
    if data.get("single") and len(data.get("projects") or ()) == 1:
        return redirect("review:project", pk=data["projects"][0])
    return redirect(f"{reverse('review:queue')}?year={data['year']}" if data.get("year") else "review:queue")


def _chosen(request: HttpRequest, scope: QuerySet[Project], form: ApproveForm) -> tuple[list[Project], str]:
    """The projects an approval is about: those ticked, or (全部符合条件) every submitted project the
    queue's filters match, sent again with the request; and the filters in words for the latter."""
    if not form.cleaned_data["all"]:
        return projects_for_reviewer(request.user, form.cleaned_data["projects"]), ""
    filters, rows = matching_projects(scope, visible_units(request.user), request.POST,
                                      default_year=default_year(request.user, scope, waiting=[Status.SUBMITTED]),
                                      fixed_status=Status.SUBMITTED)  # fmt: skip
    return list(rows.select_related("unit")), describe(filters)


@login_required
@require_POST
def approve(request: HttpRequest) -> HttpResponse:
    scope = reviewable_projects(request.user)
    form = ApproveForm(request.POST)
    if form.is_valid():
        chosen, matched = _chosen(request, scope, form)
        summary = approval_summary(chosen)
        confirmed = form.cleaned_data["confirm"]
        if confirmed and form.cleaned_data["single"] and len(chosen) == 1:
            return _approve_one(request, scope, chosen[0])
        changed = confirmed and form.cleaned_data["all"] and form.cleaned_data["expected"] != summary.fingerprint
        if not confirmed or changed:  # the choice is shown with what remains; nothing is approved yet
            context = {"summary": summary, "form": form, "matched": matched, "changed": changed,
                       "filters": [(k, v) for k, v in request.POST.items() if k in FILTER_FIELDS]}  # fmt: skip
            return render(request, "review/approve_confirm.html", context, status=409 if changed else 200)
        try:
            count = projects_approve(projects=list(summary.ready) if form.cleaned_data["all"] else chosen,
                                     user=request.user)  # fmt: skip
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, APPROVED.format(n=count))
            return _back(form.cleaned_data)
    if form.cleaned_data.get("single"):
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors), extra_tags="danger")
        return _back(form.cleaned_data)
    return _queue_page(request, scope, {"year": form.cleaned_data.get("year") or ""}, form, status=400)


def _approve_one(request: HttpRequest, scope: QuerySet[Project], project: Project) -> HttpResponse:
    """审核通过 from a project's page, in this one POST; then the next project waiting in the queue
    the page came from (its year, filters and order, sent along), or that queue when none is left."""
    form, rows = matching_projects(scope, visible_units(request.user), request.POST, default_year=project.year,
                                   fixed_status=Status.SUBMITTED)  # fmt: skip
    position = list_position(rows, form, project.pk)
    try:
        projects_approve(projects=[project], user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages), extra_tags="danger")
        return redirect(f"{reverse('review:project', args=[project.pk])}?{_query(form)}")
    following = first_after(rows, form, position) if position else rows.first()
    if following is None:
        messages.success(request, APPROVED_LAST.format(name=project.name, where=describe(form)))
        return redirect(f"{reverse('review:queue')}?{_query(form)}")
    messages.success(request, APPROVED_NEXT.format(name=project.name))
    return redirect(f"{reverse('review:project', args=[following.pk])}?{_query(form)}")


def _query(form: Any) -> str:
    """The queue's year, filters and order as a query string, to carry from project to project."""
    return urlencode([(name, value) for name, value in _filter_fields(form) if value not in ("", None)])


# --- one project under review ---------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One indicator under review: its score, the officer's reason, its warnings, last year's copy,
    the evaluator's adjustment form and 审核意见 form."""

    indicator: Indicator
    score: IndicatorScore
    form: AdjustForm
    warnings: tuple[Warning, ...] = ()
    last_year: LastYear | None = None
    note: ReviewNote | None = None
    note_form: NoteForm | None = None
    mid_year: MidYear | None = None  # the 运行监控's forecast at the cut-off month (monitoring.carry)


def _adjust_form(indicator: Indicator, data: Any = None) -> AdjustForm:
    initial = {"value": indicator.adjusted_score, "reason": indicator.adjust_reason}
    return AdjustForm(data, prefix=f"i{indicator.pk}", initial=initial)


def _note_form(indicator: Indicator, note: ReviewNote | None, data: Any = None) -> NoteForm:
    return NoteForm(data, prefix=f"n{indicator.pk}", initial={"text": note.text if note else ""})


def _rows(project: Project, evaluation: Evaluation, pairs: list[tuple[Indicator, IndicatorScore]],
          bound: dict[int, Any]) -> list[Row]:  # fmt: skip
    """The rows with their extras, in a fixed number of queries (notes, last year, 运行监控: one each)."""
    warnings: dict[str, list[Warning]] = {}
    for w in evaluation.warnings:
        warnings.setdefault(w.indicator, []).append(w)
    notes = {n.indicator_id: n for n in round_notes(project)}
    before = last_year_rows(project)
    mid = mid_year_of(project)
    out = []
    for i, s in pairs:
        note, form = notes.get(i.pk), bound.get(i.pk)
        out.append(Row(i, s, form if isinstance(form, AdjustForm) else _adjust_form(i),
                       tuple(warnings.get(i.level3, ())), last_year_of(before.get((i.level1, i.level2, i.level3))),
                       note, form if isinstance(form, NoteForm) else _note_form(i, note), mid.get(i.pk)))  # fmt: skip
    return out


def _project_page(request: HttpRequest, pk: int, *, bound: dict[int, AdjustForm] | None = None,
                  status: int = 200, **forms: Any) -> HttpResponse:  # fmt: skip
    project, evaluation, pairs = review_sheet(pk)
    # the queue's year, filters and order the page was opened from: 审核通过 goes on to that queue's next
    queue = [(k, v) for k, v in request.GET.items() if k in FILTER_FIELDS and v and k != "year"]
    actions = _actions(request.user, project)
    context = {
        "project": project, "evaluation": evaluation, "rows": _rows(project, evaluation, pairs, bound or {}),
        "can_review": Action.APPROVE in actions, "can_reopen": Action.REOPEN in actions,
        "return_form": forms.get("return_form") or ReturnForm(prefix="return"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        "rounds": review_rounds(project), "timeline": project_timeline(project),
        "gaps": project_gaps(project, evaluation) if Action.APPROVE in actions else [],
        "funds": fund_rows(list(project.funds.all())), "sections": report_sections(project),
        "withdrawn": last_withdrawal(project), "queue_filters": queue,
        "queue_year": request.GET.get("year") or project.year,
        "queue_query": urlencode([("year", request.GET.get("year") or project.year), *queue]),
    }  # fmt: skip
    return render(request, "review/project.html", context, status=status)


@login_required
@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, project_for_reviewer(request.user, pk).pk)


@login_required
@require_POST
def adjust(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    reviewed = project_for_reviewer(request.user, pk)
    indicator = get_object_or_404(Indicator.objects.select_related("project"), pk=indicator_pk, project=reviewed)
    form = _adjust_form(indicator, request.POST)
    if form.is_valid():
        try:
            indicator_adjust(indicator=indicator, value=form.cleaned_data["value"], reason=form.cleaned_data["reason"],
                             user=request.user)  # fmt: skip
        except ValidationError as error:
            add_service_error(form, error)
    if request.htmx:
        return _adjust_fragment(request, pk, indicator.pk, form)
    if form.errors:
        return _project_page(request, pk, bound={indicator.pk: form}, status=400)
    messages.success(request, ADJUSTED.format(name=indicator.level3))
    return redirect("review:project", pk=pk)


def _adjust_fragment(request: HttpRequest, pk: int, indicator_pk: int, form: Any) -> HttpResponse:
    """The indicator's row, and the project total out of band. Errors come back as 200 too:
    htmx 2 does not swap 4xx responses, and the row must show the error at its field."""
    project, evaluation, pairs = review_sheet(pk)
    mine = [p for p in pairs if p[0].pk == indicator_pk]
    rows = _rows(project, evaluation, mine, {indicator_pk: form} if form.errors else {})
    context = {"project": project, "evaluation": evaluation, "row": rows[0], "saved": not form.errors,
               "can_review": Action.APPROVE in _actions(request.user, project)}  # fmt: skip
    return render(request, "review/_adjust_response.html", context)


def _actions(user: Any, project: Project) -> set[str]:
    """The self-evaluation steps the page offers: the engine's answer (projects.workflow), not the page's."""
    return {step.action for step in allowed_actions(user, project, stage=StageKey.SELF_EVALUATION)}


NOTED = "已保存指标“{name}”的审核意见"


@login_required
@require_POST
def note(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    """审核意见 on one indicator in the current round; empty text removes it."""
    reviewed = project_for_reviewer(request.user, pk)
    indicator = get_object_or_404(Indicator.objects.select_related("project"), pk=indicator_pk, project=reviewed)
    form = NoteForm(request.POST, prefix=f"n{indicator.pk}")
    if form.is_valid():
        try:
            review_note_save(indicator=indicator, text=form.cleaned_data["text"], user=request.user)
        except ValidationError as error:
            add_service_error(form, error)
    if request.htmx:
        return _adjust_fragment(request, pk, indicator.pk, form)
    if form.errors:
        return _project_page(request, pk, bound={indicator.pk: form}, status=400)
    messages.success(request, NOTED.format(name=indicator.level3))
    return redirect(f"{reverse('review:project', args=[pk])}#indicator-{indicator.pk}")


def _decide(request: HttpRequest, project: Project, form: Any, service: Any, done: str, key: str) -> HttpResponse:
    """Return or reopen `project` with the reason from `form`; the page again with errors on failure."""
    if form.is_valid():
        try:
            service(project=project, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done.format(name=project.name))
            return redirect("review:project", pk=project.pk)
    return _project_page(request, project.pk, status=400, **{key: form})


@login_required
@require_POST
def return_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_reviewer(request.user, pk)
    form = ReturnForm(request.POST, prefix="return")
    return _decide(request, project, form, evaluation_return, RETURNED, "return_form")


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.ADMIN)
    project = project_for_reviewer(request.user, pk)
    form = ReopenForm(request.POST, prefix="reopen")
    return _decide(request, project, form, evaluation_reopen, REOPENED, "reopen_form")


# --- overview ---------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    scope = reviewable_projects(request.user)
    form = OverviewForm(
        request.GET or None,
        years=review_years(scope),
        departments=review_departments(scope),
        default=default_year(request.user, scope),
    )
    deadline = getattr(settings, "EVALSYS_SUBMISSION_DEADLINE", DEFAULT_DEADLINE)
    data = overview_data(scope, year=form.chosen_year(), department=form.chosen_department(),
                         deadline=deadline, today=timezone.localdate())  # fmt: skip
    charts = overview_charts(statuses=data.statuses, grades=data.grades, points=data.points)
    return render(request, "review/overview.html", {"form": form, "data": data, "charts": charts},
                  status=400 if form.errors else 200)  # fmt: skip
