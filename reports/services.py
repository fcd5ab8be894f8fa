"""Writes and renders for reports: the report text, one project's file, a zip of many (batch jobs: reports.batch)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from monitoring.models import MonitoringReport
from projects.guards import READERS, project_guard
from projects.models import Project, Unit
from projects.services import project_touch
from projects.stages import Part
from reports import declaration, monitoring_report, monitoring_table
from reports.data import ReportData, reports_for
from reports.models import Narrative, ReportTemplate, UnitReportText

FORMATS = ("docx", "pdf", "xlsx")
UNKNOWN_FORMAT = "不支持的格式“{fmt}”，可选：docx、pdf、xlsx"
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
BATCH_SIZE = 50  # reports gathered per round of queries in a batch


def filename_for(data: ReportData, fmt: str) -> str:
    """`CODE-名称-自评报告.docx`; the workbook is the 自评表."""
    kind = "自评表" if fmt == "xlsx" else "自评报告"
    stem = f"{data.code}-{data.name}" if data.code else data.name
    return f"{UNSAFE.sub('_', stem)}-{kind}.{fmt}"


def active_template(outline: str) -> bytes | None:
    template = ReportTemplate.objects.filter(outline=outline, active=True).first()
    return template.file.read() if template else None


@transaction.atomic
def report_template_activate(*, template: ReportTemplate) -> ReportTemplate | None:
    """Make `template` the Word template of its outline (every user's Word report of that outline
    uses it from now on); returns the template it replaces, if any (one active per outline)."""
    # every template of the outline locked: two activations at once take turns (one active per outline)
    locked = {t.pk: t for t in ReportTemplate.objects.select_for_update().filter(outline=template.outline)}
    template = locked.get(template.pk) or ReportTemplate.objects.get(pk=template.pk)
    previous = ReportTemplate.objects.filter(outline=template.outline, active=True).exclude(pk=template.pk).first()
    ReportTemplate.objects.filter(outline=template.outline, active=True).exclude(pk=template.pk).update(active=False)
    if not template.active:
        template.active = True
        template.save(update_fields=["active"])
    return previous


def report_template_deactivate(*, template: ReportTemplate) -> None:
    """Word reports of the template's outline go back to the built-in layout."""
    ReportTemplate.objects.filter(pk=template.pk).update(active=False)


def render(data: ReportData, fmt: str, *, template: bytes | None = None) -> bytes:
    """The file of one report; a .docx uses the admin's active template when one is given."""
    if fmt == "docx":
        if template is not None:
            # each renderer loads with the first report of its format (WeasyPrint alone takes 1.3 s)
            from reports.docx_template import render_template

            return render_template(data, template)
        from reports.docx import render as render_docx  # python-docx: with the first Word report

        return render_docx(data)
    if fmt == "pdf":
        from reports.pdf import render as render_pdf  # WeasyPrint: 1.3 s to import, with the first PDF

        return render_pdf(data)
    if fmt == "xlsx":
        from reports.xlsx import render as render_xlsx  # with the first .xlsx report, as the others

        return render_xlsx(data)
    raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt))


def project_file(*, project: Project, fmt: str, user: Any) -> tuple[str, bytes]:
    """(filename, bytes) of one project's report, as the web page and the CLI offer it (`user` None:
    the command line)."""
    project_guard(user, project, roles=READERS, system=True)
    data = reports_for(Project.objects.filter(pk=project.pk))[0]
    template = active_template(data.outline) if fmt == "docx" else None
    return filename_for(data, fmt), render(data, fmt, template=template)


def declaration_filename(d: declaration.Declaration, fmt: str) -> str:
    """`CODE-名称-绩效目标申报表.xlsx`."""
    return f"{UNSAFE.sub('_', d.label)}-{declaration.KIND}.{fmt}"


def declaration_file(*, project: Project, fmt: str, user: Any) -> tuple[str, bytes]:
    """(filename, bytes) of one project's 项目支出绩效目标申报表 (docx or xlsx), for whoever may see the
    project (`user` None: the command line)."""
    if fmt not in declaration.FORMATS:
        raise ValueError(declaration.UNKNOWN_FORMAT.format(fmt=fmt))
    project_guard(user, project, roles=READERS, system=True)
    found = declaration.declarations_for([project.pk])[0]
    return declaration_filename(found, fmt), declaration.render(found, fmt)


NARRATIVE_REASON = "修改自评报告文字"
NARRATIVE_DELETE_REASON = "删除自评报告文字"


@transaction.atomic
def narrative_save(*, project: Project, version: int, texts: Mapping[str, str], user: Any,
                   reason: str = "") -> Narrative:  # fmt: skip
    """Save the 自评报告 text of `project` as read at `version`. It claims the next project version
    first (project_touch), so a stale form or a project no longer editable writes nothing; the
    history keeps who, when, old → new and `reason` (the admin's, or the page's standard one)."""
    project_guard(user, project)  # the unit's officer, or an admin
    project_touch(project=project, version=version, parts=(Part.NARRATIVE,))
    narrative = Narrative.objects.filter(project=project).first() or Narrative(project=project)
    for name, text in texts.items():
        setattr(narrative, name, text)
    narrative.full_clean()
    narrative._change_reason = f"{NARRATIVE_REASON}：{reason.strip()}" if reason.strip() else NARRATIVE_REASON
    narrative._history_user = user
    narrative.save()
    return narrative


@transaction.atomic
def narrative_delete(*, narrative: Narrative, version: int, reason: str, user: Any) -> None:
    """Delete the 自评报告 text of a draft or returned project as read at `version` (the history
    keeps the deletion with its reason); a locked project's or a stale one is refused."""
    project_guard(user, narrative.project)
    project_touch(project=narrative.project, version=version, parts=(Part.NARRATIVE,))
    narrative._change_reason = f"{NARRATIVE_DELETE_REASON}：{reason.strip()}"
    narrative._history_user = user
    narrative.delete()


UNIT_TEXT_STALE = "单位评价报告文字已被他人修改，您的输入已保留在表单中；请先查看最新内容（刷新页面）再保存"


@transaction.atomic
def unit_report_text_save(*, unit: Unit, year: int, version: int, texts: Mapping[str, str]) -> UnitReportText:
    """Save the unit's own text of its `year` 评价报告 as read at `version` (0: none yet). A stale
    form writes nothing; every save is a history record (who, when, old → new)."""
    text = UnitReportText.objects.select_for_update().filter(unit=unit, year=year).first()
    if text is None:
        if version != 0:
            raise ValidationError(UNIT_TEXT_STALE, code="stale")
        text = UnitReportText(unit=unit, year=year)
    elif text.version != version:
        raise ValidationError(UNIT_TEXT_STALE, code="stale")
    for name in UnitReportText.TEXTS:
        if name in texts:
            setattr(text, name, texts[name])
    text.version = version + 1
    text.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            text.save()
    except IntegrityError as exc:  # another first save of the same unit and year came first
        raise ValidationError(UNIT_TEXT_STALE, code="stale") from exc
    return text


# --- 运行监控: the 监控表 and the 监控报告 (reports.monitoring_table, reports.monitoring_report) ---------

NOT_MONITORED = "该项目尚未填报运行监控"
NO_MONITORING = "{unit}{year}年度没有填报运行监控的项目"


def monitoring_filename(sheet: monitoring_table.MonitoringSheet, fmt: str) -> str:
    """`CODE-名称-监控表.xlsx`, `CODE-名称-运行监控报告.docx`."""
    kind = monitoring_table.KIND if fmt == "xlsx" else monitoring_report.KIND
    return f"{UNSAFE.sub('_', sheet.label)}-{kind}.{fmt}"


def monitoring_render(sheet: monitoring_table.MonitoringSheet, fmt: str) -> bytes:
    """The 监控表 (xlsx) or the 监控报告 (docx, pdf) of one project."""
    if fmt == "xlsx":
        return monitoring_table.render_xlsx(sheet)
    return monitoring_report.render_project(sheet, fmt, today=timezone.localdate())


def monitoring_file(*, project: Project, fmt: str, user: Any) -> tuple[str, bytes]:
    """(filename, bytes) of one project's 监控表 or 监控报告, for whoever may see the project (`user`
    None: the command line); Http404 when the project has no monitoring."""
    if fmt not in FORMATS:
        raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt))
    project_guard(user, project, roles=READERS, system=True)
    found = monitoring_table.monitoring_sheets([project.pk])
    if not found:
        raise Http404(NOT_MONITORED)
    return monitoring_filename(found[0], fmt), monitoring_render(found[0], fmt)


def monitoring_unit_ids(*, unit: Unit, year: int) -> list[int]:
    """The projects of `unit` in `year` that have a monitoring (their ids, by code)."""
    rows = MonitoringReport.objects.filter(unit=unit, year=year).order_by("project__code", "project")
    return list(rows.values_list("project", flat=True))


def monitoring_unit_for(project_ids: list[int], *, unit: Unit, year: int,
                        progress: Callable[[int], None] | None = None) -> monitoring_report.UnitMonitoring:  # fmt: skip
    """A unit's 运行监控报告 of `year` over `project_ids` (its monitored projects: the caller checked
    the user), red projects first, naming the projects of the year not yet monitored."""
    sheets: list[monitoring_table.MonitoringSheet] = []
    for start in range(0, len(project_ids), BATCH_SIZE):
        sheets += monitoring_table.monitoring_sheets(project_ids[start : start + BATCH_SIZE])
        if progress:
            progress(len(sheets))
    if not sheets:
        raise Http404(NO_MONITORING.format(unit=unit.name, year=year))
    waiting = Project.objects.filter(unit=unit, year=year, monitoring_report__isnull=True).order_by("code", "pk")
    shown = [p.code + "-" + p.name if p.code else p.name for p in waiting[: monitoring_report.NOT_MONITORED_SHOWN]]
    return monitoring_report.UnitMonitoring(
        unit=unit.name, year=year, sheets=tuple(monitoring_report.red_first(sheets)), missing=tuple(shown),
        missing_count=waiting.count(), generated_on=timezone.localdate(),
    )  # fmt: skip
