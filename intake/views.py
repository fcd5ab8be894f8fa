"""Officer pages: import a workbook (preview, then 确认导入) and copy last year's project."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.copying import project_copy_to_year
from indicators.services import NOTHING_LEFT
from intake.error_workbook import AnnotationRefused
from intake.forms import CopyForm, TemplateForm, UploadForm
from intake.jobs import import_job_create, import_job_follow, needs_job
from intake.models import ImportJob
from intake.selectors import title_year, year_note
from intake.services import (
    TOKEN_REFUSED,
    template_download,
    upload_confirm,
    upload_discard,
    upload_errors_workbook,
    upload_pending,
    upload_preview,
    upload_refused,
    upload_skip,
)
from projects.access import import_scope as intake_scope
from projects.forms import add_service_error
from reports.batch import worker_alive


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    only_unit = intake_scope(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, admin=only_unit is None)
    outcome = None
    if request.method == "POST":
        upload_discard(session=request.session)  # a new upload replaces the pending one, valid or not
        if form.is_valid():
            rows = needs_job(form.cleaned_data["file"])
            if rows:  # a large table: dry-run by the task worker, the job page shows its progress
                job = import_job_create(rows=rows, user=request.user, unit=only_unit, note=form.year_note,
                                        **form.service_kwargs())  # fmt: skip
                return redirect("intake:job", pk=job.pk)
            outcome = upload_preview(session=request.session, user=request.user, **form.service_kwargs())
    return _render(request, only_unit, form, outcome=outcome, year_note=form.year_note)


def _render(request: HttpRequest, only_unit: Any, form: UploadForm, **context: Any) -> HttpResponse:
    """The upload page; 400 when it shows a refusal or errors. Projects left out by 跳过 that leave
    nothing to import are no error of the workbook: the page says so (nothing_left), 200."""
    outcome = context.get("outcome")
    nothing_left = bool(outcome and outcome.errors and outcome.errors[0].fix == NOTHING_LEFT)
    failed = form.errors or context.get("refused") or (outcome and outcome.errors and not nothing_left)
    context |= {"form": form, "unit": only_unit, "template_form": TemplateForm(unit=only_unit),
                "nothing_left": nothing_left}  # fmt: skip
    return render(request, "intake/upload.html", context, status=400 if failed else 200)


def _page(request: HttpRequest, only_unit: Any, *, year: int | None = None, **context: Any) -> HttpResponse:
    """The upload page with a blank form (keeping the pending upload's `year`)."""
    form = UploadForm(admin=only_unit is None, initial={"year": year} if year else None)
    return _render(request, only_unit, form, **context)


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    only_unit = intake_scope(request.user)
    pending = upload_pending(session=request.session, token=request.POST.get("token", ""))
    if pending is None:
        return _page(request, only_unit, refused=TOKEN_REFUSED)
    outcome = upload_confirm(session=request.session, pending=pending, user=request.user)
    if outcome.errors:
        return _page(request, only_unit, year=pending.year, outcome=outcome)
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
    note = year_note(pending.year, title_year(pending.path), chosen=True)  # before the skip may delete it
    outcome = upload_skip(session=request.session, pending=pending, user=request.user)
    return _page(request, only_unit, year=pending.year, outcome=outcome, year_note=note)


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A large upload's dry run or import: its progress (the fragment polls itself until the job is
    final), then the same preview with 确认导入, or the import's summary. Only its uploader's."""
    only_unit = intake_scope(request.user)
    found = get_object_or_404(ImportJob, pk=pk, user=request.user)
    context = {"job": found, "unit": only_unit, "worker_alive": worker_alive()}
    return render(request, "intake/_job.html" if request.htmx else "intake/job.html", context)


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """确认导入 of a job's dry run: the import is queued as a job of its own."""
    return _follow(request, pk, ImportJob.Kind.IMPORT)


@login_required
@require_POST
def job_skip(request: HttpRequest, pk: int) -> HttpResponse:
    """Dry-run the job's workbook again without the projects the user may not change."""
    return _follow(request, pk, ImportJob.Kind.PREVIEW)


def _follow(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    intake_scope(request.user)
    found = get_object_or_404(ImportJob, pk=pk, user=request.user)
    try:
        found = import_job_follow(job=found, user=request.user, kind=kind)
    except ValidationError as error:
        messages.error(request, error.messages[0], extra_tags="danger")
    return redirect("intake:job", pk=found.pk)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


ASCII_NAME = "workbook.xlsx"  # for clients that do not read filename* (RFC 6266 section 4.3)


def _xlsx(filename: str, content: bytes) -> HttpResponse:
    """A download named `filename` in UTF-8 (RFC 5987 filename*), with a plain ASCII fallback."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"{ASCII_NAME}\"; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """The blank workbook in the import's layout, with drop-downs and an example project."""
    only_unit = intake_scope(request.user)
    form = TemplateForm(request.GET or None, unit=only_unit)
    return _xlsx(*template_download(unit=only_unit, **form.service_kwargs()))


@login_required
@require_GET
def errors_workbook(request: HttpRequest, token: str) -> HttpResponse:
    """The user's own refused upload with each bad cell marked and a 错误清单 sheet."""
    only_unit = intake_scope(request.user)
    refused = upload_refused(session=request.session, token=token)
    if refused is None:
        raise Http404(TOKEN_REFUSED)
    try:
        return _xlsx(*upload_errors_workbook(refused=refused))
    except AnnotationRefused as error:
        return _page(request, only_unit, refused=str(error))


@login_required
@require_http_methods(["GET", "POST"])
def copy(request: HttpRequest) -> HttpResponse:
    intake_scope(request.user)
    form = CopyForm(request.POST or None, user=request.user, year=request.GET.get("year", ""),
                    source=request.GET.get("source", ""))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            project = project_copy_to_year(user=request.user, **form.service_kwargs())
        except ValidationError as error:  # another unit's code: at the code; a clash: at the project
            if hasattr(error, "error_dict"):
                add_service_error(form, error)
            else:
                form.add_error("source", error)
        else:
            messages.success(request, f"已从 {project.year - 1} 年度复制项目“{project.name}”")
            return redirect("projects:detail", pk=project.pk)
    return render(request, "intake/copy.html", {"form": form}, status=400 if form.errors else 200)
