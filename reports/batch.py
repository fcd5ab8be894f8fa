"""Batch exports in chunks: every worker on every queue takes chunks of one job at once.

A job is split into chunks of `chunk_size()` projects. Each chunk is one background task that
renders its reports into a zip part on disk; the worker that finishes the last chunk streams
the parts into the job's archive, one member at a time, so no archive is ever held in memory.
A chunk whose worker died (no heartbeat for EVALSYS_EXPORT_STALE_MINUTES) is queued again, up
to MAX_ATTEMPTS times: the death of a worker costs its chunk, not the job. The job's progress
is the sum of its chunks'.
"""

from __future__ import annotations

import datetime
import io
import multiprocessing
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, connections, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from evalsys.lib.replica import from_replica
from projects.access import visible_projects
from projects.models import Project
from reports import services
from reports.data import reports_for
from reports.models import ExportChunk, ExportJob, Outline

CHUNK_SIZE = 50  # default of settings.EVALSYS_EXPORT_CHUNK
MAX_ATTEMPTS = 3  # a chunk is queued again this many times after its worker died
STALE_MINUTES = 15  # default of settings.EVALSYS_EXPORT_STALE_MINUTES
STALE_RUNNING = "导出任务已中断（超过 {minutes} 分钟没有进展），请重试"
STALE_QUEUED = "导出任务排队超过 {minutes} 分钟仍未开始（后台任务可能没有运行），请重试"
GAVE_UP = "第 {index} 部分（{n} 个项目）重试 {attempts} 次仍未完成（后台任务反复中断），请重试"
NOT_RETRYABLE = "只有失败的导出任务可以重试"
NOTHING_LEFT = "原导出范围内的项目都已不存在，无法重试"
State = ExportJob.State


def chunk_size() -> int:
    return max(1, int(getattr(settings, "EVALSYS_EXPORT_CHUNK", CHUNK_SIZE)))


def export_queues() -> list[str]:
    """The task queues chunks are spread over, round robin (EVALSYS_EXPORT_QUEUES)."""
    return list(getattr(settings, "EVALSYS_EXPORT_QUEUES", None) or ["default"])


def stale_minutes() -> int:
    """Minutes without progress after which a queued or running chunk is given up."""
    return int(getattr(settings, "EVALSYS_EXPORT_STALE_MINUTES", STALE_MINUTES))


# --- rendering (shared with `export_report --jobs N`) -----------------------------------------


def render_files(project_ids: list[int], fmt: str) -> Iterable[tuple[str, bytes]]:
    """(filename, bytes) of each project's report, gathered services.BATCH_SIZE at a time."""
    templates = {o: services.active_template(o) for o in Outline.values} if fmt == "docx" else {}
    for start in range(0, len(project_ids), services.BATCH_SIZE):
        with from_replica():  # reports of a batch can live with a replica's lag
            rows = reports_for(Project.objects.filter(pk__in=project_ids[start : start + services.BATCH_SIZE]))
        for data in rows:
            yield services.filename_for(data, fmt), services.render(data, fmt, template=templates.get(data.outline))


PRECOMPRESSED = (".pdf", ".docx", ".xlsx")


def write_zip(
    path: Path | IO[bytes], files: Iterable[tuple[str, bytes]], *, progress: Callable[[int], None] | None = None
) -> int:
    """Write `files` into a zip at `path` (or a file object) as they come; returns how many.
    PDF, Word and Excel files are compressed already: they are stored as they are (deflating them
    again cost 4% of a PDF's rendering time to save 8% of its size)."""
    done = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            stored = name.lower().endswith(PRECOMPRESSED)
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            done += 1
            if progress:
                progress(done)
    return done


def zip_reports(project_ids: Iterable[int], fmt: str) -> bytes:
    """A small batch's zip in memory (the download of a few reports; jobs write to disk)."""
    buffer = io.BytesIO()
    write_zip(buffer, render_files(list(project_ids), fmt))
    return buffer.getvalue()


def merge_zips(target: Path, parts: Iterable[Path]) -> None:
    """Copy every member of `parts` into a new zip at `target`, one member in memory at a time,
    each compressed as it was in its part (a stored PDF is copied, never deflated)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            with zipfile.ZipFile(part) as source:
                for info in source.infolist():
                    entry = zipfile.ZipInfo(info.filename, info.date_time)
                    entry.compress_type = info.compress_type
                    with source.open(info) as member, archive.open(entry, "w") as out:
                        while block := member.read(1 << 20):
                            out.write(block)


def export_to_file(project_ids: list[int], fmt: str, path: Path, *, jobs: int = 1) -> int:
    """Write every project's report into a zip at `path`, rendered by `jobs` processes.

    The parent writes the archive in the projects' order as chunks come back; each child
    renders one chunk at a time with its own database connection. An in-memory SQLite
    database (the tests' default) cannot be shared with child processes, nor can rows of a
    transaction not yet committed: then it renders here.
    """
    if jobs <= 1 or len(project_ids) <= 1 or _in_memory_database() or connection.in_atomic_block:
        return write_zip(path, render_files(project_ids, fmt))
    size = max(1, min(chunk_size(), -(-len(project_ids) // (jobs * 4))))  # a few chunks per process
    parts = [project_ids[start : start + size] for start in range(0, len(project_ids), size)]
    connections.close_all()  # each child opens its own
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        files = (item for rendered in pool.map(_render_part, parts, [fmt] * len(parts)) for item in rendered)
        return write_zip(path, files)


def _render_part(project_ids: list[int], fmt: str) -> list[tuple[str, bytes]]:
    return list(render_files(project_ids, fmt))


def _in_memory_database() -> bool:
    db = connections["default"]
    return db.vendor == "sqlite" and db.is_in_memory_db()


# --- creating and retrying ------------------------------------------------------------------


def export_job_create(*, user: Any, scope: str, project_ids: list[int], fmt: str) -> ExportJob:
    """Queue a batch export: the job and its chunks, one task per chunk on the export queues."""
    with transaction.atomic():
        job = ExportJob(created_by=user, scope=scope, project_ids=project_ids, fmt=fmt, total=len(project_ids))
        job.full_clean()
        job.save()
        size = chunk_size()
        chunks = [
            ExportChunk(job=job, index=i, project_ids=project_ids[start : start + size])
            for i, start in enumerate(range(0, len(project_ids), size))
        ]
        ExportChunk.objects.bulk_create(chunks)
        ids = list(job.chunks.order_by("index").values_list("pk", flat=True))
        transaction.on_commit(lambda: [_enqueue(pk, i) for i, pk in enumerate(ids)])
    return job


def _enqueue(chunk_id: int, index: int) -> None:
    from reports.tasks import export_chunk

    queues = export_queues()
    export_chunk.using(queue_name=queues[index % len(queues)]).enqueue(chunk_id)


@transaction.atomic
def export_job_retry(*, job: ExportJob, user: Any) -> ExportJob:
    """Queue a failed job's selection again (the projects of it `user` may still see)."""
    if job.state != State.FAILED:
        raise ValidationError(NOT_RETRYABLE, code="state")
    visible = set(visible_projects(user).filter(pk__in=job.project_ids).values_list("pk", flat=True))
    ids = [pk for pk in job.project_ids if pk in visible]
    if not ids:
        raise ValidationError(NOTHING_LEFT, code="empty")
    return export_job_create(user=user, scope=job.scope, project_ids=ids, fmt=job.fmt)


# --- lost workers ---------------------------------------------------------------------------


def export_jobs_fail_stale() -> int:
    """Recover from dead workers; called where jobs are shown. Returns how many jobs failed.

    A running chunk without progress for `stale_minutes()` is queued again (its work is lost,
    nothing else), or after MAX_ATTEMPTS fails its job. A job whose chunks are all done but
    whose archive was never assembled gets its assembly queued again. A queued job that no
    worker took while none shows progress anywhere is failed: no worker is running.
    """
    minutes, now = stale_minutes(), timezone.now()
    cutoff = now - datetime.timedelta(minutes=minutes)
    failed = 0
    for chunk in ExportChunk.objects.filter(state=State.RUNNING, heartbeat_at__lt=cutoff).select_related("job"):
        failed += _requeue(chunk, minutes)
    _assemble_orphans(cutoff)
    running = ExportChunk.objects.filter(state=State.RUNNING, heartbeat_at__gte=cutoff)
    if not running.exists() and not ExportJob.objects.filter(state=State.RUNNING, heartbeat_at__gte=cutoff).exists():
        queued = ExportJob.objects.filter(state=State.QUEUED, heartbeat_at__lt=cutoff)
        failed += queued.update(state=State.FAILED, error=STALE_QUEUED.format(minutes=minutes), finished_at=now)
    failed += _fail_legacy(cutoff, minutes, now)
    return failed


def _requeue(chunk: ExportChunk, minutes: int) -> int:
    stale = ExportChunk.objects.filter(pk=chunk.pk, state=State.RUNNING, attempts=chunk.attempts)
    if chunk.attempts >= MAX_ATTEMPTS:
        if stale.update(state=State.FAILED):
            error = GAVE_UP.format(index=chunk.index + 1, n=len(chunk.project_ids), attempts=chunk.attempts)
            return _fail(chunk.job_id, error)
        return 0
    if stale.update(state=State.QUEUED, done=0, heartbeat_at=timezone.now()):
        _progress(chunk.job_id)
        transaction.on_commit(lambda: _enqueue(chunk.pk, chunk.index))
    return 0


def _assemble_orphans(cutoff: datetime.datetime) -> None:
    """Jobs whose last chunk finished but whose assembling worker died."""
    pending = Q(chunks__state__in=[State.QUEUED, State.RUNNING, State.FAILED])
    orphans = ExportJob.objects.filter(state=State.RUNNING, heartbeat_at__lt=cutoff, chunks__isnull=False)
    for job_id in orphans.exclude(pending).values_list("pk", flat=True).distinct():
        if ExportJob.objects.filter(pk=job_id, heartbeat_at__lt=cutoff).update(heartbeat_at=timezone.now()):
            from reports.tasks import export_assemble

            transaction.on_commit(lambda pk=job_id: export_assemble.enqueue(pk))


def _fail_legacy(cutoff: datetime.datetime, minutes: int, now: datetime.datetime) -> int:
    """Jobs from before chunks (none of their own): failed as a whole, as they always were."""
    legacy = ExportJob.objects.filter(state=State.RUNNING, heartbeat_at__lt=cutoff, chunks__isnull=True)
    return legacy.update(state=State.FAILED, error=STALE_RUNNING.format(minutes=minutes), finished_at=now)


def _fail(job_id: int, error: str) -> int:
    open_job = ExportJob.objects.filter(pk=job_id, state__in=[State.QUEUED, State.RUNNING])
    if not open_job.update(state=State.FAILED, error=error, finished_at=timezone.now()):
        return 0
    ExportChunk.objects.filter(job_id=job_id, state__in=[State.QUEUED, State.RUNNING]).update(state=State.FAILED)
    return 1


# --- running a chunk ------------------------------------------------------------------------


class _GivenUp(Exception):
    """The chunk stopped being ours while it ran (requeued as stale, or its job failed)."""


def _progress(job_id: int) -> None:
    """The job's progress is the sum of its chunks'; a beat of any chunk is the job's beat."""
    done = ExportChunk.objects.filter(job_id=job_id).aggregate(n=Coalesce(Sum("done"), 0))["n"]
    ExportJob.objects.filter(pk=job_id, state__in=[State.QUEUED, State.RUNNING]).update(
        done=done, heartbeat_at=timezone.now()
    )


def _ours(chunk: ExportChunk) -> QuerySet[ExportChunk]:
    return ExportChunk.objects.filter(pk=chunk.pk, state=State.RUNNING, attempts=chunk.attempts,
                                      job__state=State.RUNNING)  # fmt: skip


def export_chunk_run(chunk_id: int) -> None:
    """Render one chunk into its zip part; the worker finishing the last chunk assembles the job."""
    claimed = ExportChunk.objects.filter(pk=chunk_id, state=State.QUEUED,
                                         job__state__in=[State.QUEUED, State.RUNNING])  # fmt: skip
    now = timezone.now()
    if not claimed.update(state=State.RUNNING, heartbeat_at=now, attempts=F("attempts") + 1):
        return
    chunk = ExportChunk.objects.select_related("job").get(pk=chunk_id)
    ExportJob.objects.filter(pk=chunk.job_id, state=State.QUEUED).update(state=State.RUNNING, heartbeat_at=now)

    def progress(done: int) -> None:
        if not _ours(chunk).update(done=done, heartbeat_at=timezone.now()):
            raise _GivenUp
        _progress(chunk.job_id)

    try:
        with _scratch(f"chunk-{chunk.job_id}-{chunk.index}-") as path:
            write_zip(path, render_files(chunk.project_ids, chunk.job.fmt), progress=progress)
            with transaction.atomic():
                if not _ours(chunk).exists():
                    raise _GivenUp
                with path.open("rb") as handle:
                    chunk.file.save(f"export-{chunk.job_id}-{chunk.index}.zip", File(handle), save=False)
                _ours(chunk).update(state=State.DONE, file=chunk.file.name, done=len(chunk.project_ids))
    except _GivenUp:
        return
    except Exception as exc:
        _fail(chunk.job_id, str(exc))
        raise
    _progress(chunk.job_id)
    export_job_assemble(chunk.job_id)


def export_job_assemble(job_id: int) -> None:
    """When every chunk is done, stream the parts into the job's archive and finish the job.

    The job row is locked while it is decided whether this worker assembles, so two chunks
    finishing together do not both assemble; the parts are removed once the archive is saved.
    """
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id, state=State.RUNNING).first()
        chunks = list(job.chunks.order_by("index")) if job else []
        if not job or not chunks or any(c.state != State.DONE for c in chunks):
            return
        downloaded = [_download(c) for c in chunks if not _local(c)]
        remote = iter(downloaded)
        try:
            with _scratch(f"export-{job.pk}-") as path:
                merge_zips(path, [Path(c.file.path) if _local(c) else next(remote) for c in chunks])
                with path.open("rb") as handle:
                    job.file.save(f"export-{job.pk}.zip", File(handle), save=False)
        finally:
            for part in downloaded:
                part.unlink(missing_ok=True)
        now = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(file=job.file.name, state=State.DONE, done=job.total,
                                                   finished_at=now, heartbeat_at=now)  # fmt: skip
        for chunk in chunks:
            chunk.file.delete(save=False)
        ExportChunk.objects.filter(job=job).update(file="")


def _local(chunk: ExportChunk) -> bool:
    try:
        return os.path.exists(chunk.file.path)
    except NotImplementedError:  # remote storage (S3): no local path
        return False


def _download(chunk: ExportChunk) -> Path:
    """A remote part copied to a scratch file, streamed."""
    handle, name = tempfile.mkstemp(suffix=".zip", dir=_scratch_dir())
    with os.fdopen(handle, "wb") as out, chunk.file.open("rb") as source:
        for block in source.chunks():
            out.write(block)
    return Path(name)


def _scratch_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports" / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


class _scratch:
    """A scratch file path next to the media files, removed on exit."""

    def __init__(self, prefix: str) -> None:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".zip", dir=_scratch_dir())
        os.close(handle)
        self.path = Path(name)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        self.path.unlink(missing_ok=True)


def export_job_run(job_id: int) -> None:
    """Run every queued chunk of a job here, in order (tests, and jobs run without a worker)."""
    for chunk_id in ExportChunk.objects.filter(job_id=job_id).order_by("index").values_list("pk", flat=True):
        export_chunk_run(chunk_id)
