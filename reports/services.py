"""Writes and renders for reports: one project's file, a zip of many, batch jobs."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from projects.models import Project
from reports.data import ReportData, reports_for
from reports.models import ExportJob, Outline, ReportTemplate

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


def _active_template(outline: str) -> bytes | None:
    template = ReportTemplate.objects.filter(outline=outline, active=True).first()
    return template.file.read() if template else None


def render(data: ReportData, fmt: str, *, template: bytes | None = None) -> bytes:
    """The file of one report; a .docx uses the admin's active template when one is given."""
    if fmt == "docx":
        if template is not None:
            from reports.docx_template import render_template

            return render_template(data, template)
        from reports.docx import render as render_docx

        return render_docx(data)
    if fmt == "pdf":
        from reports.pdf import render as render_pdf

        return render_pdf(data)
    if fmt == "xlsx":
        from reports.xlsx import render as render_xlsx

        return render_xlsx(data)
    raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt))


def project_file(*, project: Project, fmt: str) -> tuple[str, bytes]:
    """(filename, bytes) of one project's report, as the web page and the CLI offer it."""
    data = reports_for(Project.objects.filter(pk=project.pk))[0]
    template = _active_template(data.outline) if fmt == "docx" else None
    return filename_for(data, fmt), render(data, fmt, template=template)


def zip_reports(project_ids: Iterable[int], fmt: str, *, progress: Callable[[int], None] | None = None) -> bytes:
    """A zip of every project's report; `progress(n)` is called after each file."""
    ids = list(project_ids)
    templates = {o: _active_template(o) for o in Outline.values} if fmt == "docx" else {}
    buffer = io.BytesIO()
    done = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for start in range(0, len(ids), BATCH_SIZE):
            for data in reports_for(Project.objects.filter(pk__in=ids[start : start + BATCH_SIZE])):
                archive.writestr(filename_for(data, fmt), render(data, fmt, template=templates.get(data.outline)))
                done += 1
                if progress:
                    progress(done)
    return buffer.getvalue()


def export_job_create(*, user, scope: str, project_ids: list[int], fmt: str) -> ExportJob:
    """Queue a batch export; the worker runs `export_job_run`."""
    from reports.tasks import export_batch

    job = ExportJob.objects.create(created_by=user, scope=scope, project_ids=project_ids, fmt=fmt,
                                   total=len(project_ids))  # fmt: skip
    transaction.on_commit(lambda: export_batch.enqueue(job.pk))
    return job


def export_job_run(job_id: int) -> None:
    """Build the zip of a job, saving progress as it goes."""
    job = ExportJob.objects.get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(state=ExportJob.State.RUNNING)

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(done=done)

    try:
        content = zip_reports(job.project_ids, job.fmt, progress=progress)
    except Exception as exc:
        ExportJob.objects.filter(pk=job_id).update(state=ExportJob.State.FAILED, error=str(exc),
                                                    finished_at=timezone.now())  # fmt: skip
        raise
    job.refresh_from_db()
    job.file.save(f"export-{job.pk}.zip", ContentFile(content), save=False)
    job.state, job.done, job.finished_at = ExportJob.State.DONE, job.total, timezone.now()
    job.save(update_fields=["file", "state", "done", "finished_at"])
