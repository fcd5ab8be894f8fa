"""Background tasks (django-tasks; the database worker runs them: `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from reports.batch import export_chunk_run, export_job_assemble, export_job_run


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
