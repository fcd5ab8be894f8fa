"""The 运行监控 page of a project: the officer enters it, everyone who may read the project sees it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from monitoring.forms import (
    MonitoringForm,
    RectificationAnswerForm,
    RectificationFilterForm,
    RectificationOpenForm,
    RectificationReviewForm,
    initial_of,
)
from monitoring.models import MonitoringReport
from monitoring.rectification import (
    monitoring_submitted,
    rectification_answer,
    rectification_close,
    rectification_of,
    rectification_open,
    rectification_return,
    rectification_years,
    rectifications_for,
    rectifications_of,
    review_rows,
)
from monitoring.selectors import entry_context, report_of
from monitoring.services import monitoring_save, not_editable
from projects.access import project_for_user, require_role, role_of
from projects.forms import add_service_error
from projects.guards import REVIEWERS, WRITERS
from projects.models import FundSource

SAVED = "运行监控已保存"
ORDER = list(FundSource.values)  # 当年财政拨款, 上年结转资金, 其他资金, 未分来源: the edit page's order


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_user(request.user, pk)
    why = not_editable(request.user, project)
    if request.method == "POST" and why:
        raise PermissionDenied(why)
    report = report_of(project)
    rows = list(project.indicators.order_by("position", "id"))
    sources = [f.source for f in sorted(project.funds.all(), key=lambda f: ORDER.index(f.source))] or [ORDER[0]]
    form = MonitoringForm(request.POST or None, rows=rows, sources=sources, initial=initial_of(report, project.version))
    if request.method == "POST" and form.is_valid():
        try:
            monitoring_save(project=project, user=request.user, **form.save_kwargs())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, SAVED)
            return redirect(reverse("monitoring:entry", args=[project.pk]))
    context = entry_context(project, report_of(project), form) | {"editable": not why, "why": why}
    return render(request, "monitoring/entry.html", context, status=400 if form.errors else 200)


# --- 整改 (monitoring.rectification) ---------------------------------------------------------------

RECTIFICATION_ACTIONS = {
    "open": (RectificationOpenForm, "整改要求已提出"),
    "answer": (RectificationAnswerForm, "整改结果已提交"),
    "return": (RectificationReviewForm, "整改结果已退回"),
    "close": (RectificationReviewForm, "整改事项已关闭"),
}
BAD_ACTION = "未知的操作"


def _rectification_call(request: HttpRequest, project: Any, action: str, data: dict[str, Any]) -> None:
    """One service call for the posted action (each service checks the role and the unit again)."""
    if action == "open":
        rectification_open(project=project, user=request.user, **data)
        return
    item = rectification_of(project, request.POST.get("item"))
    if item is None:
        raise Http404(BAD_ACTION)
    service = {"answer": rectification_answer, "return": rectification_return, "close": rectification_close}
    service[action](item=item, user=request.user, **data)


def rectification_context(user: Any, project: Any, *, action: str, bound: Any, item: str) -> dict[str, Any]:
    """The 整改 page: the items with the form each role may use on each, the 需要整改 form for a reviewer
    once the monitoring was submitted, and the lights and reasons the reviewer weighs."""
    role = role_of(user)
    report = MonitoringReport.objects.filter(project=project).first()
    can_review, can_answer = role in REVIEWERS, role in WRITERS

    def form(kind: str, form_class: Any, pk: int) -> Any:
        found = bound if bound is not None and action == kind and item == str(pk) else form_class()
        found.auto_id = f"id_{kind}_{pk}_%s"
        return found

    rows = []
    for it in rectifications_of(project):
        answer = form("answer", RectificationAnswerForm, it.pk) if can_answer and it.status == it.Status.OPEN else None
        review = None
        if can_review and it.status == it.Status.ANSWERED:
            review = bound if bound is not None and action in ("return", "close") and item == str(it.pk) else None
            review = review or RectificationReviewForm()
            review.auto_id = f"id_review_{it.pk}_%s"
        rows.append((it, answer, review))
    submitted = monitoring_submitted(project)
    opening = None
    if can_review and submitted:
        opening = bound if action == "open" else RectificationOpenForm()
    return {"project": project, "report": report, "rows": rows, "open_form": opening, "submitted": submitted,
            "flagged": review_rows(project, report) if can_review else [], "can_review": can_review}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def rectifications(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's 整改 items: the reviewer's 需要整改 form beside the lights, each item's answer or
    close/return form for the role that takes it."""
    project = project_for_user(request.user, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in RECTIFICATION_ACTIONS:
        raise PermissionDenied(BAD_ACTION)
    bound = None
    if action:
        form_class, done = RECTIFICATION_ACTIONS[action]
        bound = form_class(request.POST)
        if bound.is_valid():
            try:
                _rectification_call(request, project, action, bound.cleaned_data)
            except ValidationError as error:
                add_service_error(bound, error)
            else:
                messages.success(request, done)
                return redirect(reverse("monitoring:rectifications", args=[project.pk]))
    context = rectification_context(request.user, project, action=action, bound=bound,
                                    item=request.POST.get("item", ""))  # fmt: skip
    return render(request, "monitoring/rectifications.html", context, status=400 if bound is not None else 200)


@login_required
@require_http_methods(["GET"])
def rectification_list(request: HttpRequest) -> HttpResponse:
    """The 整改 items the user may see (their units'), open first, by year and status."""
    require_role(request.user)
    form = RectificationFilterForm(request.GET or None, years=rectification_years(request.user))
    chosen = form.chosen()
    page = Paginator(rectifications_for(request.user, **chosen), 50).get_page(request.GET.get("page") or 1)
    return render(request, "monitoring/rectification_list.html", {"form": form, "page": page, "chosen": chosen})
