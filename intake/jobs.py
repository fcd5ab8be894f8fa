"""Large uploads in the task worker: a workbook of more than EVALSYS_UPLOAD_INLINE_ROWS rows is
dry-run (and, once confirmed, imported) by `manage.py db_worker`, not in the web request.

The request only stores the file and counts its rows (evalsys.lib.xlsx.count_rows, a linear
byte scan); the worker runs intake.services._run, as the page does for a small table, moves the
job's progress on as it reads rows, and stores the outcome: for a dry run the page's own HTML
(templates/intake/_outcome.html and preview.html, rendered here with `stored`, without the
session's forms), which the job page shows with its 确认导入 or 跳过 form. A job is its
uploader's only. A queued or running job without progress for EVALSYS_EXPORT_STALE_MINUTES is
failed by the worker's recovery (import_jobs_recover, with the batch exports'), never by a page.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from evalsys.lib.xlsx import WorkbookRefused, count_rows
from indicators.services import NOTHING_LEFT
from intake.models import ImportJob
from intake.services import Outcome, PendingUpload, _run, _store, upload_max_rows, upload_path

logger = logging.getLogger(__name__)

INLINE_ROWS = 2_000  # default of settings.EVALSYS_UPLOAD_INLINE_ROWS
RUN_TASK = "intake.tasks.import_run"  # the task rows' task_path
State, Kind = ImportJob.State, ImportJob.Kind
NOT_PREVIEWED = "该导入任务还没有可确认的试运行结果，请等待试运行完成或重新上传"
ALREADY = "该工作簿已确认导入，请查看导入结果，不必再次确认"
FILE_GONE = "上传的工作簿已不存在（超过一天未确认会被清理），请重新上传"
CRASHED = "处理工作簿时出错（{error}），未写入任何数据；请重新上传，如仍出错请联系系统管理员"
STALE_RUNNING = "导入任务已中断（超过 {minutes} 分钟没有进展），未写入任何数据；请重新上传"
STALE_QUEUED = "导入任务排队超过 {minutes} 分钟仍未开始（后台任务可能没有运行），请重新上传"


def inline_rows() -> int:
    """Rows up to which an upload is dry-run in the request; larger ones go to the task worker."""
    return int(getattr(settings, "EVALSYS_UPLOAD_INLINE_ROWS", INLINE_ROWS))


def needs_job(file: UploadedFile | Any) -> int:
    """The rows counted (up to one past the upload limit) when `file` holds more than inline_rows():
    then it goes to the worker; else 0. A file the count refuses is left to the page's own dry run,
    which says why in the usual way."""
    try:
        counted = count_rows(file, stop_after=upload_max_rows())
    except WorkbookRefused:
        return 0
    return counted if counted > inline_rows() else 0


def import_job_create(*, file: UploadedFile, rows: int, year: int, scheme_key: str | None, skip_refused: bool,
                      user: Any, unit: Any, note: Any = None) -> ImportJob:  # fmt: skip
    """Keep `file` and queue its dry run (the worker runs it on commit)."""
    pending = _store(file, year=year, scheme_key=scheme_key, skip_refused=skip_refused)
    job = ImportJob.objects.create(user=user, unit=unit, kind=Kind.PREVIEW, year=year, scheme_key=scheme_key or "",
                                   skip_refused=skip_refused, token=pending.token, filename=pending.filename,
                                   note=list(note) if note else None, total=rows)  # fmt: skip
    _enqueue(job)
    return job


def import_job_follow(*, job: ImportJob, user: Any, kind: str) -> ImportJob:
    """Queue the import (kind import) or a dry run skipping the refused projects (kind preview) of
    the dry run `job`; ValidationError when `job` offers neither."""
    ready = job.kind == Kind.PREVIEW and job.state == State.DONE
    allowed = job.outcome.get("confirmable") if kind == Kind.IMPORT else job.outcome.get("skippable")
    if not (ready and allowed):
        raise ValidationError(NOT_PREVIEWED, code="not_previewed")
    if not upload_path(job.token).exists():
        raise ValidationError(FILE_GONE, code="gone")
    with transaction.atomic():
        ImportJob.objects.select_for_update().filter(pk=job.pk).first()  # two confirms of one dry run: one waits
        if kind == Kind.IMPORT and ImportJob.objects.filter(token=job.token, kind=Kind.IMPORT).exists():
            raise ValidationError(ALREADY, code="already")
        return _follow(job, user, kind)


def _follow(job: ImportJob, user: Any, kind: str) -> ImportJob:
    follow = ImportJob.objects.create(user=user, unit=job.unit, kind=kind, year=job.year, scheme_key=job.scheme_key,
                                      skip_refused=job.skip_refused or kind == Kind.PREVIEW, token=job.token,
                                      filename=job.filename, note=job.note, total=job.total)  # fmt: skip
    _enqueue(follow)
    return follow


# The worker's task (intake.tasks: an entry point that calls import_job_run) handed over at start by
# IntakeConfig.ready, so that queueing a job needs no import of its caller.
TASKS: dict[str, Any] = {}


def tasks_register(*, import_run: Any) -> None:
    TASKS["import_run"] = import_run


def _enqueue(job: ImportJob) -> None:
    transaction.on_commit(lambda: TASKS["import_run"].enqueue(job.pk))


# --- in the worker ------------------------------------------------------------------------------


def import_job_run(job_id: int) -> None:
    """Claim the job, run it with progress, store its outcome (or its error, in Chinese)."""
    if not ImportJob.objects.filter(pk=job_id, state=State.QUEUED).update(state=State.RUNNING, done=0,
                                                                          updated_at=timezone.now()):  # fmt: skip
        return
    job = ImportJob.objects.select_related("user", "unit").get(pk=job_id)
    pending = PendingUpload(token=job.token, year=job.year, scheme_key=job.scheme_key or None, filename=job.filename,
                            skip_refused=job.skip_refused)  # fmt: skip

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job_id, state=State.RUNNING).update(done=rows, updated_at=timezone.now())

    try:
        if not pending.path.exists():
            _finish(job_id, state=State.FAILED, error=FILE_GONE)
            return
        outcome = _run(pending, user=job.user, dry_run=job.kind == Kind.PREVIEW, progress=progress)
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        _finish(job_id, state=State.FAILED, error=CRASHED.format(error=type(exc).__name__))
        return
    outcome.pending = pending
    done = job.kind == Kind.IMPORT and not outcome.errors
    if done or (outcome.errors and not outcome.skippable):
        pending.path.unlink(missing_ok=True)  # imported, or refused: nothing left to confirm
    html = "" if done else _render(job, outcome)  # an import done: its summary says it all (_job.html)
    _finish(job_id, state=State.DONE, outcome=_summary(outcome), html=html)


def _finish(job_id: int, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job_id, state=State.RUNNING).update(updated_at=timezone.now(), **fields)


def _summary(outcome: Outcome) -> dict[str, Any]:
    nothing_left = bool(outcome.errors and outcome.errors[0].fix == NOTHING_LEFT)
    return {
        "confirmable": bool(outcome.report and outcome.report.dry_run),
        "skippable": bool(outcome.errors and outcome.skippable and not nothing_left),
        "imported": bool(outcome.report and not outcome.report.dry_run),
        "summary": outcome.report.summary() if outcome.report else "",
    }


def _render(job: ImportJob, outcome: Outcome) -> str:
    """The upload page's outcome, rendered with its own templates, without the session's forms."""
    nothing_left = bool(outcome.errors and outcome.errors[0].fix == NOTHING_LEFT)
    context = {"outcome": outcome, "unit": job.unit, "year_note": job.note, "nothing_left": nothing_left,
               "stored": True}  # fmt: skip
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("intake/_outcome.html", context)
        if outcome.report and outcome.report.previews:
            html += render_to_string("intake/preview.html", context)
    return html


# --- lost workers --------------------------------------------------------------------------------


def import_jobs_recover(*, minutes: int) -> int:
    """Fail the jobs whose worker died (running, no progress for `minutes`: the batch exports'
    stale minutes, passed by the worker) or whose task was lost (queued that long with no waiting
    or running task). The worker runs it; returns how many."""
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    stale = ImportJob.objects.filter(updated_at__lt=cutoff)
    failed = stale.filter(state=State.RUNNING).update(state=State.FAILED,
                                                      error=STALE_RUNNING.format(minutes=minutes))  # fmt: skip
    queued = stale.filter(state=State.QUEUED)
    if queued.exists():
        tasks = DBTaskResult.objects.filter(task_path=RUN_TASK,
                                            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])  # fmt: skip
        waiting = {row["args"][0] for row in tasks.values_list("args_kwargs", flat=True) if row.get("args")}
        failed += queued.exclude(pk__in=waiting).update(state=State.FAILED, error=STALE_QUEUED.format(minutes=minutes))
    return failed
