"""Officer pages: import a workbook (preview, then 确认导入) and copy last year's project."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from intake.forms import CopyForm, UploadForm
from intake.services import (
    TOKEN_REFUSED,
    upload_confirm,
    upload_discard,
    upload_pending,
    upload_preview,
    upload_skip,
)
from projects.access import import_scope as intake_scope
from projects.services import project_copy_to_year


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    only_unit = intake_scope(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, admin=only_unit is None)
    outcome = None
    if request.method == "POST":
        upload_discard(session=request.session)  # a new upload replaces the pending one, valid or not
        if form.is_valid():
            outcome = upload_preview(session=request.session, user=request.user, **form.service_kwargs())
    status = 400 if form.errors or (outcome and outcome.errors) else 200
    context = {"form": form, "outcome": outcome, "unit": only_unit}
    return render(request, "intake/upload.html", context, status=status)


def _page(request: HttpRequest, only_unit: Any, **context: Any) -> HttpResponse:
    """The upload page with a blank form; 400 when it shows a refusal or errors."""
    outcome = context.get("outcome")
    status = 400 if context.get("refused") or (outcome and outcome.errors) else 200
    context |= {"form": UploadForm(admin=only_unit is None), "unit": only_unit}
    return render(request, "intake/upload.html", context, status=status)


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    only_unit = intake_scope(request.user)
    pending = upload_pending(session=request.session, token=request.POST.get("token", ""))
    if pending is None:
        return _page(request, only_unit, refused=TOKEN_REFUSED)
    outcome = upload_confirm(session=request.session, pending=pending, user=request.user)
    if outcome.errors:
        return _page(request, only_unit, outcome=outcome)
    messages.success(request, outcome.report.summary())
    return redirect(f"{reverse('projects:list')}?year={pending.year}")


@login_required
@require_POST
def skip(request: HttpRequest) -> HttpResponse:
    """Preview the pending upload again without the projects the user may not change."""
    only_unit = intake_scope(request.user)
    pending = upload_pending(session=request.session, token=request.POST.get("token", ""))
    if pending is None:
        return _page(request, only_unit, refused=TOKEN_REFUSED)
    return _page(request, only_unit, outcome=upload_skip(session=request.session, pending=pending, user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def copy(request: HttpRequest) -> HttpResponse:
    intake_scope(request.user)
    form = CopyForm(request.POST or None, user=request.user, year=request.GET.get("year", ""))
    if request.method == "POST" and form.is_valid():
        try:
            project = project_copy_to_year(source=form.cleaned_data["source"], year=form.cleaned_data["year"],
                                           user=request.user)  # fmt: skip
        except ValidationError as error:
            form.add_error("source", error)
        else:
            messages.success(request, f"已从 {project.year - 1} 年度复制项目“{project.name}”")
            return redirect("projects:detail", pk=project.pk)
    return render(request, "intake/copy.html", {"form": form}, status=400 if form.errors else 200)
