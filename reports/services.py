"""Writes and renders for reports: the report text, one project's file, a zip of many, batch jobs."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from projects.access import visible_projects
from projects.models import Project
from projects.services import project_touch
from reports.data import ReportData, reports_for
from reports.models import ExportJob, Narrative, Outline, ReportTemplate

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
STALE_MINUTES = 15  # default of settings.EVALSYS_EXPORT_STALE_MINUTES
STALE_RUNNING = "导出任务已中断（超过 {minutes} 分钟没有进展），请重试"
STALE_QUEUED = "导出任务排队超过 {minutes} 分钟仍未开始（后台任务可能没有运行），请重试"
NOT_RETRYABLE = "只有失败的导出任务可以重试"
NOTHING_LEFT = "原导出范围内的项目都已不存在，无法重试"


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


@transaction.atomic
def narrative_save(*, project: Project, version: int, texts: Mapping[str, str]) -> Narrative:
    """Save the 自评报告 text of `project` as read at `version`. It claims the next project version
    first (project_touch), so a stale form or a project no longer editable writes nothing."""
    project_touch(project=project, version=version)
    narrative = Narrative.objects.filter(project=project).first() or Narrative(project=project)
    for name, text in texts.items():
        setattr(narrative, name, text)
    narrative.full_clean()
    narrative.save()
    return narrative


def export_job_create(*, user: Any, scope: str, project_ids: list[int], fmt: str) -> ExportJob:
    """Queue a batch export; the worker runs `export_job_run`."""
    from reports.tasks import export_batch

    job = ExportJob(created_by=user, scope=scope, project_ids=project_ids, fmt=fmt, total=len(project_ids))
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: export_batch.enqueue(job.pk))
    return job


@transaction.atomic
def export_job_retry(*, job: ExportJob, user: Any) -> ExportJob:
    """Queue a failed job's selection again (the projects of it `user` may still see)."""
    if job.state != ExportJob.State.FAILED:
        raise ValidationError(NOT_RETRYABLE, code="state")
    visible = set(visible_projects(user).filter(pk__in=job.project_ids).values_list("pk", flat=True))
    ids = [pk for pk in job.project_ids if pk in visible]
    if not ids:
        raise ValidationError(NOTHING_LEFT, code="empty")
    return export_job_create(user=user, scope=job.scope, project_ids=ids, fmt=job.fmt)


def stale_minutes() -> int:
    """Minutes without progress after which a queued or running job is given up."""
    return int(getattr(settings, "EVALSYS_EXPORT_STALE_MINUTES", STALE_MINUTES))


def export_jobs_fail_stale() -> int:
    """Fail the jobs that lost their worker: running with no progress for `stale_minutes()`, and
    queued that long while no worker shows progress on any job (busy workers leave the queue be).
    Called where jobs are shown; returns how many were failed."""
    minutes, now = stale_minutes(), timezone.now()
    cutoff = now - datetime.timedelta(minutes=minutes)
    running = ExportJob.objects.filter(state=ExportJob.State.RUNNING)
    failed = running.filter(heartbeat_at__lt=cutoff).update(
        state=ExportJob.State.FAILED, error=STALE_RUNNING.format(minutes=minutes), finished_at=now
    )
    if not running.filter(heartbeat_at__gte=cutoff).exists():
        queued = ExportJob.objects.filter(state=ExportJob.State.QUEUED, heartbeat_at__lt=cutoff)
        failed += queued.update(state=ExportJob.State.FAILED, error=STALE_QUEUED.format(minutes=minutes),
                                finished_at=now)  # fmt: skip
    return failed


class _GivenUp(Exception):
    """The job stopped being ours while it ran (failed as stale): stop without writing."""


def _running(job_id: int) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(pk=job_id, state=ExportJob.State.RUNNING)


def export_job_run(job_id: int) -> None:
    """Build the zip of a job, beating the heartbeat after each report.

    The job is claimed from QUEUED, and every later write requires it to be still RUNNING, so a
    job already failed as stale (its worker presumed dead) is never run or overwritten.
    """
    claimed = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED)
    if not claimed.update(state=ExportJob.State.RUNNING, heartbeat_at=timezone.now()):
        return
    job = ExportJob.objects.get(pk=job_id)

    def progress(done: int) -> None:
        if not _running(job_id).update(done=done, heartbeat_at=timezone.now()):
            raise _GivenUp

    try:
        content = zip_reports(job.project_ids, job.fmt, progress=progress)
        job.file.save(f"export-{job.pk}.zip", ContentFile(content), save=False)
    except _GivenUp:
        return
    except Exception as exc:
        _running(job_id).update(state=ExportJob.State.FAILED, error=str(exc), finished_at=timezone.now())
        raise
    now = timezone.now()
    if not _running(job_id).update(file=job.file.name, state=ExportJob.State.DONE, done=job.total, finished_at=now,
                                   heartbeat_at=now):  # fmt: skip
        job.file.delete(save=False)
