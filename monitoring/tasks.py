"""Background tasks of the monitoring app (django-tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task

from monitoring.relight import relight_run


@task()
def year_relight(job_id: int) -> None:
    """Light a year's stored monitoring reports again after its 年度安排 changed (monitoring.relight)."""
    relight_run(job_id)
