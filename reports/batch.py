"""Batch exports in chunks: every worker on every queue takes chunks of one job at once.

A job is split into chunks of `chunk_size()` projects. Each chunk is one background task that
renders its reports into a zip part on disk; the worker that finishes the last chunk streams
the parts into the job's archive, one member at a time, so no archive is ever held in memory.
A chunk whose worker died (no heartbeat for EVALSYS_EXPORT_STALE_MINUTES) is queued again, up
to MAX_ATTEMPTS times: the death of a worker costs its chunk, not the job. The job's progress
is the sum of its chunks'.

Recovery is the worker's own business (`export_jobs_recover`): `manage.py db_worker` (reports'
wrapper of django-tasks') runs it when it starts and keeps a recurring `export_recover` task,
which also tells the pages whether a worker is alive (`worker_alive`). No page writes.
"""

from __future__ import annotations

import datetime
import io
import multiprocessing
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, connections, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from evalsys.lib.replica import from_replica
from projects.access import ADMIN_ONLY, visible_projects
from projects.guards import projects_guard
from projects.models import Project, Role
from reports import declaration, monitoring_report, monitoring_table, services, unit_report
from reports.data import ReportData, reports_for
from reports.models import ExportChunk, ExportJob, Outline
from reports.selectors import UNIT_REPORT_ROLES, unit_report_texts

CHUNK_SIZE = 50  # default of settings.EVALSYS_EXPORT_CHUNK
MAX_ATTEMPTS = 3  # a chunk is queued again this many times after its worker died
STALE_MINUTES = 15  # default of settings.EVALSYS_EXPORT_STALE_MINUTES
STALE_RUNNING = "导出任务已中断（超过 {minutes} 分钟没有进展），请重试"
STALE_QUEUED = "导出任务排队超过 {minutes} 分钟仍未开始（后台任务可能没有运行），请重试"  # jobs from before chunks
CHILD_DIED = "导出失败：一个导出进程意外退出，{path} 未写入（也未留下不完整的压缩包），请重试"
EXPORT_FAILED = "导出失败：{error}；{path} 未写入（也未留下不完整的压缩包）"
TEMPLATE_FAILED_ON = "报告模板不能用于项目 {project}：{problem}"
CHUNK_TASK, RECOVER_TASK = "reports.tasks.export_chunk", "reports.tasks.export_recover"  # task rows' task_path
RECOVER_MINUTES = 5  # default of settings.EVALSYS_EXPORT_RECOVER_MINUTES: how often the worker recovers
GAVE_UP = "第 {index} 部分（{n} 个项目）重试 {attempts} 次仍未完成（后台任务反复中断），请重试"
NOT_RETRYABLE = "只有失败的导出任务可以重试"
NOTHING_LEFT = "原导出范围内的项目都已不存在，无法重试"
State = ExportJob.State


# The worker's tasks (reports.tasks: an entry point that calls this module) handed over at start by
# ReportsConfig.ready, so that queueing a chunk or an assembly needs no import of its caller.
TASKS: dict[str, Any] = {}


def tasks_register(*, export_chunk: Any, export_assemble: Any) -> None:
    TASKS.update(export_chunk=export_chunk, export_assemble=export_assemble)


class ExportFailed(Exception):
    """`export_to_file` wrote nothing: its message is the Chinese reason (the command prints it)."""


def chunk_size() -> int:
    return max(1, int(getattr(settings, "EVALSYS_EXPORT_CHUNK", CHUNK_SIZE)))


def export_queues() -> list[str]:
    """The task queues chunks are spread over, round robin (EVALSYS_EXPORT_QUEUES)."""
    return list(getattr(settings, "EVALSYS_EXPORT_QUEUES", None) or ["default"])


def stale_minutes() -> int:
    """Minutes without progress after which a queued or running chunk is given up."""
    return int(getattr(settings, "EVALSYS_EXPORT_STALE_MINUTES", STALE_MINUTES))


# --- rendering (shared with `export_report --jobs N`) -----------------------------------------


def recover_minutes() -> int:
    """Minutes between two recoveries run by the worker (the recurring `export_recover` task)."""
    return max(1, int(getattr(settings, "EVALSYS_EXPORT_RECOVER_MINUTES", RECOVER_MINUTES)))


def formats_of(fmt: str) -> list[str]:
    """A job's formats, stored as "docx,pdf" (one or several of services.FORMATS, in that order)."""
    return [f for f in services.FORMATS if f in fmt.split(",")]


def member_name(data: ReportData, fmt: str) -> str:
    """`单位/CODE-名称-自评报告.docx`: one folder per unit in every archive."""
    return f"{services.UNSAFE.sub('_', data.unit)}/{services.filename_for(data, fmt)}"


def render_files(project_ids: list[int], fmt: str | Sequence[str]) -> Iterable[tuple[str, bytes]]:
    """(member name, bytes) of each project's report in each format, gathered services.BATCH_SIZE
    projects at a time; one item per project and format, a project's formats one after another."""
    fmts = formats_of(fmt) if isinstance(fmt, str) else list(fmt)
    templates = {o: services.active_template(o) for o in Outline.values} if "docx" in fmts else {}
    for start in range(0, len(project_ids), services.BATCH_SIZE):
        with from_replica():  # reports of a batch can live with a replica's lag
            rows = reports_for(Project.objects.filter(pk__in=project_ids[start : start + services.BATCH_SIZE]))
        for data in rows:
            for f in fmts:
                template = templates.get(data.outline) if f == "docx" else None
                yield member_name(data, f), _rendered(data, f, template)


def render_declarations(project_ids: list[int], fmt: str | Sequence[str]) -> Iterable[tuple[str, bytes]]:
    """(member name, bytes) of each project's 项目支出绩效目标申报表 in each format (docx, xlsx), as
    render_files: `单位/CODE-名称-绩效目标申报表.xlsx`, services.BATCH_SIZE projects gathered at a time."""
    fmts = [f for f in declaration.FORMATS if f in (fmt.split(",") if isinstance(fmt, str) else fmt)]
    for start in range(0, len(project_ids), services.BATCH_SIZE):
        with from_replica():
            rows = declaration.declarations_for(project_ids[start : start + services.BATCH_SIZE])
        for data in rows:
            for f in fmts:
                name = f"{services.UNSAFE.sub('_', data.unit)}/{services.declaration_filename(data, f)}"
                yield name, declaration.render(data, f)


def render_monitoring(project_ids: list[int], fmt: str | Sequence[str]) -> Iterable[tuple[str, bytes]]:
    """(member name, bytes) of each monitored project's 监控表 (xlsx) and 监控报告 (docx, pdf), as
    render_files: `单位/CODE-名称-监控表.xlsx`, services.BATCH_SIZE projects gathered at a time."""
    fmts = formats_of(fmt) if isinstance(fmt, str) else list(fmt)
    for start in range(0, len(project_ids), services.BATCH_SIZE):
        with from_replica():
            sheets = monitoring_table.monitoring_sheets(project_ids[start : start + services.BATCH_SIZE])
        for sheet in sheets:
            for f in fmts:
                name = f"{services.UNSAFE.sub('_', sheet.unit)}/{services.monitoring_filename(sheet, f)}"
                yield name, services.monitoring_render(sheet, f)


def files_of(kind: str) -> Callable[[list[int], str], Iterable[tuple[str, bytes]]]:
    """What a batch job of `kind` renders: the 申报表 of a targets batch, the 监控表 and 监控报告 of a
    monitoring batch, else the 自评报告."""
    if kind == ExportJob.Kind.MONITORING:
        return render_monitoring
    return render_declarations if kind == ExportJob.Kind.TARGETS else render_files


def _rendered(data: ReportData, fmt: str, template: bytes | None) -> bytes:
    """One report; when the admin's Word template fails on it, the Chinese refusal names the project."""
    from reports.docx_template import TemplateProblem  # docxtpl loads with the first Word template

    try:
        return services.render(data, fmt, template=template)
    except TemplateProblem as exc:
        raise TemplateProblem(TEMPLATE_FAILED_ON.format(project=data.code or data.name, problem=exc)) from exc


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


def export_to_file(project_ids: list[int], fmt: str, path: Path, *, jobs: int = 1,
                   kind: str = ExportJob.Kind.BATCH) -> int:  # fmt: skip
    """Write every project's report (with `kind` TARGETS its 申报表) into a zip at `path`, rendered by
    `jobs` processes.

    The archive is written to a scratch file beside `path` and renamed onto it only once every
    report is in: a child that dies, or any error, leaves `path` as it was and raises
    ExportFailed. The parent writes the archive in the projects' order as chunks come back; each
    child renders one chunk at a time with its own database connection. An in-memory SQLite
    database (the tests' default) cannot be shared with child processes, nor can rows of a
    transaction not yet committed: then it renders here.
    """
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    scratch = Path(name)
    try:
        done = _export(project_ids, fmt, scratch, jobs, kind)
        os.replace(scratch, path)
    except BrokenProcessPool as exc:
        raise ExportFailed(CHILD_DIED.format(path=path)) from exc
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise ExportFailed(EXPORT_FAILED.format(error=exc, path=path)) from exc
    finally:
        scratch.unlink(missing_ok=True)
    return done


def _export(project_ids: list[int], fmt: str, path: Path, jobs: int, kind: str) -> int:
    if jobs <= 1 or len(project_ids) <= 1 or _in_memory_database() or connection.in_atomic_block:
        return write_zip(path, files_of(kind)(project_ids, fmt))
    size = max(1, min(chunk_size(), -(-len(project_ids) // (jobs * 4))))  # a few chunks per process
    parts = [project_ids[start : start + size] for start in range(0, len(project_ids), size)]
    connections.close_all()  # each child opens its own
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        rendered = pool.map(_render_part, parts, [fmt] * len(parts), [kind] * len(parts))
        files = (item for part in rendered for item in part)
        return write_zip(path, files)


def _render_part(project_ids: list[int], fmt: str, kind: str) -> list[tuple[str, bytes]]:
    return list(files_of(kind)(project_ids, fmt))


def _in_memory_database() -> bool:
    db = connections["default"]
    return db.vendor == "sqlite" and db.is_in_memory_db()


# --- creating and retrying ------------------------------------------------------------------


PLAIN = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff_-]+")  # a download name: letters, digits, 汉字, - and _


def export_filename(*parts: object, kind: str = "自评报告", suffix: str = "zip") -> str:
    """`2025-140001-自评报告.zip`: the parts that are set, joined by "-", with no spaces, dots or ·."""
    words = [PLAIN.sub("_", str(p)).strip("_") for p in parts if p not in (None, "")]
    return "-".join([*(w for w in words if w), kind]) + f".{suffix}"


def export_job_create(*, user: Any, scope: str, project_ids: list[int], fmt: str | Sequence[str],
                      filename: str = "", kind: str = ExportJob.Kind.BATCH) -> ExportJob:  # fmt: skip
    """Queue an export: the job and its chunks, one task per chunk on the export queues (a unit
    report is one document: one chunk). A batch is an admin's; a unit report an officer's of its
    unit or an admin's (reports.selectors.unit_report_scope, checked again here)."""
    if kind not in ONE_DOCUMENT:  # a batch of reports, of 申报表 or of 监控表
        projects_guard(user, project_ids, roles=(Role.ADMIN,), denied=ADMIN_ONLY)
    else:
        projects_guard(user, project_ids, roles=(Role.OFFICER, Role.ADMIN), denied=UNIT_REPORT_ROLES)
    fmt = fmt if isinstance(fmt, str) else ",".join(fmt)
    with transaction.atomic():
        job = ExportJob(created_by=user, scope=scope, project_ids=project_ids, fmt=fmt, total=len(project_ids),
                        filename=filename, kind=kind)  # fmt: skip
        job.full_clean()
        job.save()
        size = chunk_size() if kind not in ONE_DOCUMENT else max(1, len(project_ids))
        chunks = [
            ExportChunk(job=job, index=i, project_ids=project_ids[start : start + size])
            for i, start in enumerate(range(0, len(project_ids), size))
        ]
        ExportChunk.objects.bulk_create(chunks)
        ids = list(job.chunks.order_by("index").values_list("pk", flat=True))
        transaction.on_commit(lambda: [_enqueue(pk, i) for i, pk in enumerate(ids)])
    return job


def unit_report_job_create(*, user: Any, unit: Any, year: int | None, project_ids: list[int], fmt: str) -> ExportJob:
    """Queue a unit's 评价报告 over many projects (one document: one chunk, progress by project)."""
    scope = f"{year or ''}年度 · {unit.name} · {len(project_ids)}个项目"
    name = export_filename(year, unit.code or unit.name, kind="单位评价报告", suffix=fmt)
    return export_job_create(user=user, scope=scope, project_ids=project_ids, fmt=fmt, filename=name,
                             kind=ExportJob.Kind.UNIT)  # fmt: skip


def render_unit_report_file(project_ids: list[int], fmt: str, progress: Callable[[int], None] | None = None) -> bytes:
    """The unit report of `project_ids` (one unit's, checked when the job was made) with the
    unit's own text of the projects' year as it is now; drafts and unscored projects left out."""
    # a project withdrawn to 草稿 since the job was made is left out, as the picker would
    projects = Project.objects.filter(pk__in=project_ids).exclude(unit_report.unfinished())
    first = projects.select_related("unit").order_by("-year", "pk").first()
    if first is None:
        raise ValueError(NOTHING_LEFT)
    texts = unit_report_texts(first.unit, first.year)
    data = unit_report.unit_report_for(projects, unit=first.unit.name, texts=texts, progress=progress)
    return unit_report.render(data, fmt)


def monitoring_unit_job_create(*, user: Any, unit: Any, year: int, project_ids: list[int], fmt: str) -> ExportJob:
    """Queue a unit's 运行监控报告 of `year` over many projects (one document: one chunk)."""
    scope = f"{year}年度 · {unit.name} · 运行监控报告 · {len(project_ids)}个项目"
    name = export_filename(year, unit.code or unit.name, kind="运行监控报告", suffix=fmt)
    return export_job_create(user=user, scope=scope, project_ids=project_ids, fmt=fmt, filename=name,
                             kind=ExportJob.Kind.MONITORING_UNIT)  # fmt: skip


def render_monitoring_unit_file(project_ids: list[int], fmt: str,
                                progress: Callable[[int], None] | None = None) -> bytes:  # fmt: skip
    """The 运行监控报告 of one unit's projects of a year (checked when the job was made), as they are now."""
    first = Project.objects.filter(pk__in=project_ids).select_related("unit").order_by("pk").first()
    if first is None:
        raise ValueError(NOTHING_LEFT)
    data = services.monitoring_unit_for(project_ids, unit=first.unit, year=first.year, progress=progress)
    return monitoring_report.render_unit(data, fmt)


# the kinds that make one document (a unit's report), and how each renders it
ONE_DOCUMENT = {
    ExportJob.Kind.UNIT: render_unit_report_file,
    ExportJob.Kind.MONITORING_UNIT: render_monitoring_unit_file,
}


def _enqueue(chunk_id: int, index: int) -> None:
    queues = export_queues()
    TASKS["export_chunk"].using(queue_name=queues[index % len(queues)]).enqueue(chunk_id)


@transaction.atomic
def export_job_retry(*, job: ExportJob, user: Any) -> ExportJob:
    """Queue a failed job's selection again (the projects of it `user` may still see)."""
    if job.state != State.FAILED:
        raise ValidationError(NOT_RETRYABLE, code="state")
    visible = set(visible_projects(user).filter(pk__in=job.project_ids).values_list("pk", flat=True))
    ids = [pk for pk in job.project_ids if pk in visible]
    if not ids:
        raise ValidationError(NOTHING_LEFT, code="empty")
    return export_job_create(user=user, scope=job.scope, project_ids=ids, fmt=job.fmt, filename=job.filename,
                             kind=job.kind)  # fmt: skip


# --- lost workers ---------------------------------------------------------------------------


def export_jobs_recover() -> int:
    """Recover from dead workers; the worker runs it (at start and every recover_minutes()), no
    page does. Returns how many jobs failed.

    A running chunk without progress for `stale_minutes()` is queued again (its work is lost,
    nothing else), or after MAX_ATTEMPTS fails its job. A queued chunk whose task was lost (no
    ready or running task row names it) is queued again: claiming a chunk is atomic, so a second
    task for it does nothing. A job whose chunks are all done but whose archive was never
    assembled gets its assembly queued again. Jobs from before chunks fail as they always did.
    """
    minutes, now = stale_minutes(), timezone.now()
    cutoff = now - datetime.timedelta(minutes=minutes)
    failed = 0
    for chunk in ExportChunk.objects.filter(state=State.RUNNING, heartbeat_at__lt=cutoff).select_related("job"):
        failed += _requeue(chunk, minutes)
    _requeue_lost(cutoff)
    _assemble_orphans(cutoff)
    return failed + _fail_legacy(cutoff, minutes, now)


def _requeue_lost(cutoff: datetime.datetime) -> None:
    """Queued chunks of open jobs that no ready or running task will run."""
    waiting = ExportChunk.objects.filter(state=State.QUEUED, heartbeat_at__lt=cutoff,
                                         job__state__in=[State.QUEUED, State.RUNNING])  # fmt: skip
    if not waiting.exists():
        return
    tasks = DBTaskResult.objects.filter(task_path=CHUNK_TASK,
                                        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])  # fmt: skip
    pending = {row["args"][0] for row in tasks.values_list("args_kwargs", flat=True) if row.get("args")}
    for chunk in waiting.exclude(pk__in=pending):
        if ExportChunk.objects.filter(pk=chunk.pk, state=State.QUEUED).update(heartbeat_at=timezone.now()):
            transaction.on_commit(lambda c=chunk: _enqueue(c.pk, c.index))


def worker_alive() -> bool:
    """Whether a worker ran its recovery lately (a read: the pages say so, they never write)."""
    since = timezone.now() - datetime.timedelta(minutes=2 * recover_minutes() + 1)
    recent = Q(status=TaskResultStatus.RUNNING) | Q(finished_at__gte=since)
    return DBTaskResult.objects.filter(recent, task_path=RECOVER_TASK).exists()


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
            transaction.on_commit(lambda pk=job_id: TASKS["export_assemble"].enqueue(pk))


def _fail_legacy(cutoff: datetime.datetime, minutes: int, now: datetime.datetime) -> int:
    """Jobs from before chunks (none of their own): failed as a whole, as they always were."""
    legacy = ExportJob.objects.filter(heartbeat_at__lt=cutoff, chunks__isnull=True)
    running = legacy.filter(state=State.RUNNING).update(
        state=State.FAILED, error=STALE_RUNNING.format(minutes=minutes), finished_at=now
    )
    queued = legacy.filter(state=State.QUEUED).update(
        state=State.FAILED, error=STALE_QUEUED.format(minutes=minutes), finished_at=now
    )
    return running + queued


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

    per_project = max(1, len(formats_of(chunk.job.fmt)))  # the archive holds a member per project and format

    def progress(members: int) -> None:
        if not _ours(chunk).update(done=members // per_project, heartbeat_at=timezone.now()):
            raise _GivenUp
        _progress(chunk.job_id)

    unit = chunk.job.kind in ONE_DOCUMENT
    try:
        with _scratch(f"chunk-{chunk.job_id}-{chunk.index}-") as path:
            if unit:  # one document: gathering moves the progress on (to one short of all), then it is rendered
                fmt, last = formats_of(chunk.job.fmt)[0], max(0, len(chunk.project_ids) - 1)
                render_document = ONE_DOCUMENT[chunk.job.kind]
                gathered = render_document(chunk.project_ids, fmt, progress=lambda n: progress(min(n, last)))
                path.write_bytes(gathered)
            else:
                write_zip(path, files_of(chunk.job.kind)(chunk.project_ids, chunk.job.fmt), progress=progress)
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
            parts = [Path(c.file.path) if _local(c) else next(remote) for c in chunks]
            if job.kind in ONE_DOCUMENT:  # one document, kept as it is
                with parts[0].open("rb") as handle:
                    job.file.save(f"export-{job.pk}.{formats_of(job.fmt)[0]}", File(handle), save=False)
            else:
                with _scratch(f"export-{job.pk}-") as path:
                    merge_zips(path, parts)
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
