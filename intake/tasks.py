"""Background tasks of the intake pages (django-tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task

from intake.jobs import import_job_run


@task()
def import_run(job_id: int) -> None:
    """Dry-run or import a large upload (intake.jobs)."""
    import_job_run(job_id)
