"""The 绩效目标 pages: the list (with the bulk review of the ticked declarations) and one project's
review page: the declared tree, the reviews so far, and 88号's form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.access import require_role, role_of, visible_projects, visible_units
from projects.forms import add_service_error
from projects.guards import REVIEWERS
from projects.listing import work_year
from projects.selectors import projects_with_scoring_data
from projects.stages import StageKey, StageStatus
from projects.workflow import allowed_actions, states_of
from review.access import project_for_reviewer, projects_for_reviewer, require_reviewer
from scoring.targets import check_targets
from targets.forms import TargetBulkReviewForm, TargetReviewForm
from targets.models import CRITERIA, TargetResult, TargetReview
from targets.selectors import ORDER, DeclaredPaginator, declared_counts, declared_in, declared_years, targets_input
from targets.services import NO_BULK_GOOD, RESULT_ACTIONS, bulk_candidates, targets_review, targets_review_many

REVIEWED = "已记录绩效目标审核结果：{result}"
REVIEWED_MANY = "已审核 {n} 个项目的绩效目标，审核结果：{result}"
REFUSED_MANY = "以下 {n} 个项目未审核（审核期间状态已变化或尚不能审核通过）：{items}"
PER_PAGE = 50


@login_required
@require_GET
def targets_list(request: HttpRequest) -> HttpResponse:
    """绩效目标: the declarations the user may see (an officer's unit, an evaluator's units), those
    waiting for review first; by year and state. Reviewers tick many to review them at once."""
    require_role(request.user)
    return _list_page(request, request.GET, TargetBulkReviewForm() if _reviews(request) else None)


def _reviews(request: HttpRequest) -> bool:
    return role_of(request.user) in REVIEWERS


def _list_page(request: HttpRequest, data: Any, bulk: TargetBulkReviewForm | None, status: int = 200) -> HttpResponse:
    units = visible_units(request.user)
    years = declared_years(units)
    try:
        year = int(data.get("year") or 0) or _fallback(request, years)
    except ValueError:
        year = _fallback(request, years)
    state = data.get("status", "")
    state = state if state in StageStatus.LABELS else ""
    # the page's rows cut from the kept counts of each 状态: no count or sort of the year's rows
    counts = declared_counts(units, year=year, status=state)
    paginator = DeclaredPaginator(declared_in(units, year=year, status=state), PER_PAGE, counts=counts)
    page = paginator.get_page(data.get("page"))
    choices = [(s, StageStatus.LABELS[s]) for s in ORDER]
    context = {"page": page, "years": years, "year": year, "status": state, "choices": choices,
               "is_reviewer": _reviews(request), "bulk": bulk, "no_bulk_good": NO_BULK_GOOD,
               "ticked": bulk.chosen() if bulk is not None else set(), "bulk_states": BULK_STATES}  # fmt: skip
    return render(request, "targets/list.html", context, status=status)


def _fallback(request: HttpRequest, years: list[int]) -> int | None:
    """The year without ?year=: where the user's targets work waits (projects.listing.work_year),
    else the newest declared."""
    return work_year(request.user, visible_projects(request.user), stages=(StageKey.TARGETS,)) or (
        years[0] if years else None
    )


BULK_STATES = (StageStatus.SUBMITTED, StageStatus.REVISING)  # what a bulk result can be given to (优 also to 良's)


@login_required
@require_POST
def bulk_review(request: HttpRequest) -> HttpResponse:
    """One result (优, 中, 差) for the ticked declarations: a confirmation listing what it would do,
    then targets.services.targets_review_many, which names the projects it refused."""
    require_reviewer(request.user)
    form = TargetBulkReviewForm(request.POST)
    if not form.is_valid():
        return _list_page(request, {"year": request.POST.get("year", "")}, form, status=400)
    data = form.cleaned_data
    chosen = projects_for_reviewer(request.user, data["projects"])  # another unit's project: 404
    criteria = {name: data[name] for name, _ in CRITERIA}
    if not data["confirm"]:
        context = {"form": form, "found": bulk_candidates(chosen, data["result"]), "criteria": form_criteria(form),
                   "result_label": TargetResult(data["result"]).label}  # fmt: skip
        return render(request, "targets/bulk_confirm.html", context)
    try:
        done = targets_review_many(projects=chosen, user=request.user, result=data["result"], criteria=criteria,
                                   opinion=data["opinion"])  # fmt: skip
    except ValidationError as error:
        add_service_error(form, error)
        return _list_page(request, {"year": data.get("year") or ""}, form, status=400)
    if done.reviewed:
        messages.success(request, REVIEWED_MANY.format(n=len(done.reviewed), result=data["result"]))
    if done.refused:
        items = "；".join(f"{p.code or p.name}（{'；'.join(why)}）" for p, why in done.refused)
        messages.error(request, REFUSED_MANY.format(n=len(done.refused), items=items), extra_tags="danger")
    return redirect(reverse("targets:list") + (f"?year={data['year']}" if data.get("year") else ""))


def form_criteria(form: TargetBulkReviewForm) -> list[tuple[str, str]]:
    """(criterion, shared note) as the confirmation page repeats them."""
    return [(label, form.cleaned_data[name]) for name, label in CRITERIA]


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_reviewer(request.user, pk)
    offered = {s.action for s in allowed_actions(request.user, project, stage=StageKey.TARGETS) if s.via}
    results = [(value, label) for value, label in TargetReviewForm.base_fields["result"].choices
               if RESULT_ACTIONS.get(value) in offered]  # fmt: skip
    form = TargetReviewForm(request.POST or None)
    form.fields["result"].choices = results
    if request.method == "POST" and results and form.is_valid():
        data = form.cleaned_data
        try:
            targets_review(project=project, user=request.user, result=data["result"], opinion=data["opinion"],
                           criteria={name: data[name] for name, _ in CRITERIA})  # fmt: skip
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, REVIEWED.format(result=data["result"]))
            return redirect(reverse("projects:detail", args=[project.pk]) + "#stage-targets")
    loaded = projects_with_scoring_data().get(pk=project.pk)
    checks = check_targets(targets_input(loaded))
    context = {
        "project": project, "form": form, "can_review": bool(results),
        "status": states_of(project).get(StageKey.TARGETS, ""),
        "rows": [(row, [w for w in checks if w.indicator == row.level3]) for row in loaded.indicators.all()],
        "general_checks": [w for w in checks if not w.indicator],
        "reviews": list(TargetReview.objects.filter(project=project).select_related("reviewer")),
    }  # fmt: skip
    return render(request, "targets/review.html", context, status=400 if results and form.errors else 200)
