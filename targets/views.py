"""The targets review page: the declared tree, the reviews so far, and 88号's form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from projects.access import require_role, role_of, visible_projects
from projects.forms import add_service_error
from projects.guards import REVIEWERS
from projects.selectors import projects_with_scoring_data
from projects.stages import StageKey, StageStatus
from projects.workflow import allowed_actions, states_of
from review.access import project_for_reviewer
from scoring.targets import check_targets
from targets.forms import TargetReviewForm
from targets.models import CRITERIA, TargetReview
from targets.selectors import ORDER, declared_targets, declared_years, targets_input
from targets.services import RESULT_ACTIONS, targets_review

REVIEWED = "已记录绩效目标审核结果：{result}"
PER_PAGE = 50


@login_required
@require_GET
def targets_list(request: HttpRequest) -> HttpResponse:
    """绩效目标: the declarations the user may see (an officer's unit, an evaluator's units), those
    waiting for review first; by year and state."""
    require_role(request.user)
    scope = visible_projects(request.user)
    years = declared_years(scope)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0)) or None
    except ValueError:
        year = years[0] if years else None
    status = request.GET.get("status", "")
    status = status if status in StageStatus.LABELS else ""
    page = Paginator(declared_targets(scope, year=year, status=status), PER_PAGE).get_page(request.GET.get("page"))
    choices = [(s, StageStatus.LABELS[s]) for s in ORDER]
    context = {"page": page, "years": years, "year": year, "status": status, "choices": choices,
               "is_reviewer": role_of(request.user) in REVIEWERS}  # fmt: skip
    return render(request, "targets/list.html", context)


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
