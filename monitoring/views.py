"""The 运行监控 page of a project: the officer enters it, everyone who may read the project sees it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from monitoring.forms import MonitoringForm, initial_of
from monitoring.selectors import entry_context, report_of
from monitoring.services import monitoring_save, not_editable
from projects.access import project_for_user
from projects.forms import add_service_error
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
