"""Report pages: downloads, the officer's report text, batch exports with progress."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.timeline import project_timeline
from projects.access import ADMIN_ONLY, project_for_user, require_role, role_of, visible_units
from projects.forms import YEARS, add_service_error, is_stale
from projects.listing import UNIT_OPTIONS, default_year, matching_projects, project_list_page, unit_options
from projects.models import Project, Role, Status, Unit
from projects.selectors import years_of
from projects.stages import StageKey
from reports.batch import (
    ONE_DOCUMENT,
    export_filename,
    export_job_create,
    export_job_retry,
    monitoring_unit_job_create,
    unit_report_job_create,
    worker_alive,
)
from reports.data import report_for
from reports.declaration import FORMATS as DECLARATION_FORMATS
from reports.declaration import KIND as DECLARATION_KIND
from reports.docx_template import TemplateProblem
from reports.forms import BatchExportForm, NarrativeForm, UnitReportForm, UnitReportTextForm
from reports.models import ExportJob, Narrative, UnitReportText
from reports.monitoring_report import FORMATS as MONITORING_UNIT_FORMATS
from reports.monitoring_report import render_unit as render_monitoring_unit
from reports.selectors import (
    batch_preview,
    batch_projects,
    batch_scope,
    project_list_summary,
    review_queue_summary,
    targets_list_summary,
    unit_report_scope,
    unit_report_text_history,
    unit_report_texts,
)
from reports.services import (
    CONTENT_TYPES,
    FORMATS,
    declaration_file,
    monitoring_file,
    monitoring_unit_for,
    monitoring_unit_ids,
    narrative_save,
    project_file,
    unit_report_text_save,
)
from reports.summary import render as render_summary
from reports.summary import render_targets as render_targets_summary
from reports.unit_report import render as render_unit_report
from reports.unit_report import unit_report_for

NO_PROJECTS = "所选范围内没有项目"
TEMPLATE_FAILED = (
    "Word 报告未能生成：管理员启用的报告模板不能用于本项目（{problem}）。请联系管理员修改或停用该模板；PDF 版不受影响。"
)
UNIT_REPORT_INLINE_MAX = 20  # default of settings.EVALSYS_UNIT_REPORT_INLINE_MAX
PRINT_HISTORY = 10  # a printed sheet shows the newest entries of the history; the project page has them all


def attachment(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    project = project_for_user(request.user, pk)
    try:
        filename, content = project_file(project=project, fmt=fmt, user=request.user)
    except TemplateProblem as problem:  # the admin's Word template fails on this project's data
        messages.error(request, TEMPLATE_FAILED.format(problem=problem), extra_tags="danger")
        return redirect("projects:detail", pk=project.pk)
    return attachment(content, filename, fmt)


@login_required
@require_GET
def project_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The project page as an A4 sheet to print: no navigation, the report's numbers, the newest
    PRINT_HISTORY entries of the timeline. The scoring's 提示 (warnings for the staff who check the
    figures) are not printed: the sheet is what the unit hands on."""
    project = project_for_user(request.user, pk)
    context = {"project": project, "report": report_for(project),
               "timeline": project_timeline(project, limit=PRINT_HISTORY)}  # fmt: skip
    return render(request, "reports/print.html", context)


@login_required
@require_POST
def narrative(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_user(request.user, pk, write=True)
    form = NarrativeForm(request.POST, instance=Narrative.objects.filter(project=project).first())
    saved = None
    if form.is_valid():
        try:
            saved = narrative_save(project=project, user=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_error(form, error)
    if saved and not request.htmx:
        return redirect("projects:detail", pk=project.pk)
    # htmx 2 does not swap 4xx responses; after a save the fresh form carries the new version
    status = 200 if saved or request.htmx else 409 if is_stale(form) else 400
    context = {"project": project, "narrative_form": NarrativeForm(instance=saved) if saved else form,
               "saved": bool(saved), "can_write": True}  # fmt: skip
    return render(request, "reports/narrative.html", context, status=status)


@login_required
@require_GET
def projects_xlsx(request: HttpRequest) -> HttpResponse:
    """The project list, with the page's year, as a 汇总表 (what the user may see); with `stage=targets`
    the 绩效目标 list's rows (targets:list, its year and 状态)."""
    if request.GET.get("stage") == StageKey.TARGETS:
        targets = targets_list_summary(request.user, request.GET)
        return attachment(render_targets_summary(targets), f"{targets.title}.xlsx", "xlsx")
    summary = project_list_summary(request.user, request.GET)
    return attachment(render_summary(summary), f"{summary.title}.xlsx", "xlsx")


@login_required
@require_GET
def queue_xlsx(request: HttpRequest) -> HttpResponse:
    """The review queue, with its year, as a 汇总表."""
    summary = review_queue_summary(request.user, request.GET)
    return attachment(render_summary(summary), f"{summary.title}.xlsx", "xlsx")


def unit_report_inline_max() -> int:
    """Above this many projects a unit report is rendered by the worker (a job with progress)."""
    return int(getattr(settings, "EVALSYS_UNIT_REPORT_INLINE_MAX", UNIT_REPORT_INLINE_MAX))


@login_required
@require_http_methods(["GET", "POST"])
def unit_report(request: HttpRequest) -> HttpResponse:
    """A unit's 评价报告 on several projects: the picker (the lists' filters and pages), and the
    report once projects and format are sent: in the response when few, else as a job (POST)."""
    scope = unit_report_scope(request.user)
    units = visible_units(request.user)
    start_year = default_year(request.user, scope, waiting=[Status.SUBMITTED, Status.APPROVED])
    listing = project_list_page(scope, units, request.GET, default_year=start_year)
    _, matching = matching_projects(scope, units, request.GET, default_year=start_year)
    asked = request.method == "POST" or "fmt" in request.GET
    form = UnitReportForm(request.POST if request.method == "POST" else request.GET if asked else None,
                          projects=scope.filter(year=listing.year), matching=matching)  # fmt: skip
    background = 0
    if form.is_valid():
        chosen, fmt = form.cleaned_data["projects"], form.cleaned_data["fmt"]
        ids = list(chosen.order_by("year", "code", "pk").values_list("pk", flat=True))
        if len(ids) <= unit_report_inline_max():
            data = unit_report_for(chosen, unit=form.unit.name, texts=unit_report_texts(form.unit, listing.year))
            return attachment(render_unit_report(data, fmt), f"{data.filename}.{fmt}", fmt)
        if request.method == "POST":
            job = unit_report_job_create(user=request.user, unit=form.unit, year=listing.year, project_ids=ids,
                                         fmt=fmt)  # fmt: skip
            return redirect("reports:job", pk=job.pk)
        background = len(ids)  # a GET link with many projects: the page offers the job (no GET writes)
    context = {"list": listing, "projects": listing.projects, "years": years_of(scope), "year": listing.year,
               "form": form, "background": background, "inline_max": unit_report_inline_max(),
               "text_unit": form.unit or listing.chosen.get("unit")
               or (units.first() if role_of(request.user) == Role.OFFICER else None),
               "jobs": ExportJob.objects.filter(created_by=request.user, kind=ExportJob.Kind.UNIT)[:5]}  # fmt: skip
    return render(request, "reports/unit_report.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def unit_report_text(request: HttpRequest, unit: int, year: int) -> HttpResponse:
    """The unit's own text of its `year` 评价报告: its officers and admins edit it (another
    unit's is a 404), version-checked, with the newest saves listed."""
    unit_report_scope(request.user)  # evaluators: 403
    chosen = get_object_or_404(visible_units(request.user), pk=unit)
    if not YEARS[0] <= year <= YEARS[1]:
        raise Http404("年度无效")
    text = UnitReportText.objects.filter(unit=chosen, year=year).first()
    if request.method == "POST":
        form = UnitReportTextForm(request.POST, instance=text)
        if form.is_valid():
            try:
                unit_report_text_save(unit=chosen, year=year, **form.service_kwargs())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "单位评价报告文字已保存。")
                return redirect("reports:unit_report_text", unit=chosen.pk, year=year)
    else:
        form = UnitReportTextForm(instance=text, initial={"version": text.version if text else 0})
    status = 200 if not form.errors else 409 if is_stale(form) else 400
    context = {"form": form, "unit": chosen, "year": year, "history": unit_report_text_history(text)}
    return render(request, "reports/unit_report_text.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest) -> HttpResponse:
    """The batch export: a GET (no token in its URL) previews the projects the choice covers, 50 a
    page; the export form under the preview POSTs the same choice with the formats."""
    require_role(request.user, Role.ADMIN)
    years = years_of(Project.objects.all())
    asked = request.method == "POST" or any(k in request.GET for k in (*BatchExportForm.SCOPE, "status"))
    data = request.POST if request.method == "POST" else request.GET
    if "status" in data and "statuses" not in data:  # from a list's 状态 filter (projects.listing)
        data = data.copy()
        data.setlist("statuses", [data["status"]] if data["status"] else [])
    initial = {"year": default_year(request.user, Project.objects.all(), waiting=[Status.APPROVED])}
    form = BatchExportForm(data if asked else None, initial=initial, years=years)
    preview = None
    if asked and form.is_valid():
        if request.method == "POST":
            scope, ids = batch_scope(request.user, **form.scope_kwargs())
            if ids:
                job = export_job_create(user=request.user, scope=scope, project_ids=ids, fmt=form.cleaned_data["fmt"],
                                        filename=batch_filename(form.cleaned_data), kind=form.job_kind())  # fmt: skip
                return redirect("reports:job", pk=job.pk)
        else:  # the preview pages the projects: a count and 50 rows, not every id
            scope, projects = batch_projects(request.user, **form.scope_kwargs())
            preview = batch_preview(scope, projects, request.GET.get("page"), stage=form.chosen_stage())
        if preview is None or not preview.page.paginator.count:
            form.add_error(None, NO_PROJECTS)
            preview = None
    chosen = form.cleaned_data if asked and hasattr(form, "cleaned_data") else {}
    units, more = unit_options(Unit.objects.all(), chosen.get("department"), chosen.get("unit"))
    context = {"form": form, "jobs": ExportJob.objects.filter(created_by=request.user)[:10], "preview": preview,
               "unit_options": units, "more_units": more, "unit_limit": UNIT_OPTIONS, "chosen": chosen,
               "worker_alive": worker_alive(),
               "carried": [(k, v) for k, values in data.lists() if k in BatchExportForm.SCOPE
                           for v in values]}  # fmt: skip
    return render(request, "reports/batch.html", context, status=400 if form.errors else 200)


def batch_filename(chosen: dict) -> str:
    """2025-140001-自评报告.zip: the year and the unit's code (or name, or the 主管部门's name); a batch of
    申报表 is 2026-140001-绩效目标申报表.zip, of 监控表 and 监控报告 2026-140001-运行监控.zip."""
    unit, department = chosen.get("unit"), chosen.get("department")
    where = (unit.code or unit.name) if unit else department.name if department else ""
    kind = "自评表" if chosen.get("fmt") == ["xlsx"] else "自评报告"
    kind = DECLARATION_KIND if chosen.get("stage") == StageKey.TARGETS else kind
    kind = "运行监控" if chosen.get("stage") == StageKey.MONITORING else kind
    return export_filename(chosen.get("year"), where, kind=kind)


def own_job(request: HttpRequest, pk: int, **lookup: str) -> ExportJob:
    """A job of the user's: batch exports are an admin's, unit reports an officer's or an admin's."""
    if require_role(request.user, Role.ADMIN, Role.OFFICER) == Role.ADMIN:
        return get_object_or_404(ExportJob, pk=pk, created_by=request.user, **lookup)
    found = ExportJob.objects.filter(pk=pk, created_by=request.user, kind__in=ONE_DOCUMENT, **lookup).first()
    if found is None:  # as before unit report jobs: the export pages are an admin's
        raise PermissionDenied(ADMIN_ONLY)
    return found


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; the fragment polls itself (htmx) until the job is done or failed."""
    export = own_job(request, pk)
    template = "reports/_job.html" if request.htmx else "reports/job.html"
    return render(request, template, {"job": export, "worker_alive": worker_alive()})


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed job's selection again, and show the new job."""
    export = own_job(request, pk)
    try:
        export = export_job_retry(job=export, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0], extra_tags="danger")
    return redirect("reports:job", pk=export.pk)


@login_required
@require_GET
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    export = own_job(request, pk, state=ExportJob.State.DONE)
    name = export.filename or f"export-{export.pk}.zip"  # RFC 5987 filename* for the 汉字 (FileResponse)
    kind = name.rsplit(".", 1)[-1]
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name,
                        content_type=CONTENT_TYPES.get(kind, CONTENT_TYPES["zip"]))  # fmt: skip


@login_required
@require_GET
def targets_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The project's 项目支出绩效目标申报表 as Word or Excel, for whoever may see the project."""
    if fmt not in DECLARATION_FORMATS:
        raise Http404("不支持的格式")
    project = project_for_user(request.user, pk)
    filename, content = declaration_file(project=project, fmt=fmt, user=request.user)
    return attachment(content, filename, fmt)


@login_required
@require_GET
def monitoring_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The project's 项目支出绩效目标执行监控表 (xlsx) or 运行监控报告 (docx, pdf), for whoever may see the
    project; a project without a monitoring is a 404."""
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    project = project_for_user(request.user, pk)
    filename, content = monitoring_file(project=project, fmt=fmt, user=request.user)
    return attachment(content, filename, fmt)


@login_required
@require_http_methods(["GET", "POST"])
def monitoring_unit(request: HttpRequest, unit: int, year: int, fmt: str) -> HttpResponse:
    """A unit's 运行监控报告 of `year` (its officers and admins, as the 自评 unit report): in the response
    when it covers few projects, else the page offers it as a job (a POST makes it)."""
    unit_report_scope(request.user)  # evaluators: 403
    chosen = get_object_or_404(visible_units(request.user), pk=unit)
    if fmt not in MONITORING_UNIT_FORMATS or not YEARS[0] <= year <= YEARS[1]:
        raise Http404("不支持的格式或年度")
    ids = monitoring_unit_ids(unit=chosen, year=year)
    if len(ids) <= unit_report_inline_max():
        data = monitoring_unit_for(ids, unit=chosen, year=year)
        name = export_filename(year, chosen.code or chosen.name, kind="运行监控报告", suffix=fmt)
        return attachment(render_monitoring_unit(data, fmt), name, fmt)
    if request.method == "POST":
        job = monitoring_unit_job_create(user=request.user, unit=chosen, year=year, project_ids=ids, fmt=fmt)
        return redirect("reports:job", pk=job.pk)
    context = {"unit": chosen, "year": year, "fmt": fmt, "count": len(ids), "inline_max": unit_report_inline_max()}
    return render(request, "reports/monitoring_unit.html", context)
