"""Background tasks (django-tasks; the database worker runs them: `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from reports.services import export_job_run


@task()
def export_batch(job_id: int) -> None:
    """Render every report of a batch export job into one zip."""
    export_job_run(job_id)
