"""Background tasks (django-tasks; the database worker runs them: `manage.py db_worker`)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from intake.jobs import import_jobs_recover
from monitoring.relight import relights_recover
from reports.batch import (
    RECOVER_TASK,
    export_chunk_run,
    export_job_assemble,
    export_job_run,
    export_jobs_recover,
    recover_minutes,
    stale_minutes,
)

KEEP_RECOVER_ROWS = datetime.timedelta(days=1)  # finished rows of export_recover kept (the status reads the last)


@task()
def export_batch(job_id: int) -> None:
    """Render every chunk of a batch export job here (jobs queued before chunks existed)."""
    export_job_run(job_id)


@task()
def export_chunk(chunk_id: int) -> None:
    """Render one chunk of a batch export; the last one to finish assembles the archive."""
    export_chunk_run(chunk_id)


@task()
def export_assemble(job_id: int) -> None:
    """Assemble a job whose chunks are done but whose assembling worker died."""
    export_job_assemble(job_id)


@task(takes_context=True)
def export_recover(context: TaskContext) -> int:
    """Recover stale chunks and jobs (and large uploads' import jobs, intake.jobs, and the years'
    relights, monitoring.relight), then come back
    in recover_minutes() on the same queue (unless another recovery is already waiting: two
    workers starting together leave one chain)."""
    minutes = stale_minutes()
    failed = export_jobs_recover() + import_jobs_recover(minutes=minutes) + relights_recover(minutes=minutes)
    queue = context.task_result.task.queue_name
    recover_schedule(queue, exclude=context.task_result.id)
    return failed


def recover_schedule(queue: str, *, exclude: str | None = None, delay: bool = True) -> None:
    """Queue the next recovery on `queue` unless one is waiting; drop old finished recovery rows."""
    rows = DBTaskResult.objects.filter(task_path=RECOVER_TASK)
    rows.filter(finished_at__lt=timezone.now() - KEEP_RECOVER_ROWS).delete()
    if rows.filter(status=TaskResultStatus.READY).exclude(pk=exclude).exists():
        return
    run_after = timezone.now() + datetime.timedelta(minutes=recover_minutes()) if delay else None
    export_recover.using(queue_name=queue, run_after=run_after).enqueue()
