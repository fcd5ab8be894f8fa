"""Batch exports in chunks: spread over queues, retried one chunk at a time, assembled on disk,
and finished by two real `db_worker` processes on two queues (PostgreSQL)."""

from __future__ import annotations

import datetime
import io
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports import batch
from reports.batch import GAVE_UP, MAX_ATTEMPTS, export_job_create, export_job_run, export_jobs_recover
from reports.models import ExportChunk, ExportJob
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
State = ExportJob.State


@pytest.fixture
def five(unit_a) -> list[int]:
    return [factories.project(unit=unit_a, code=f"P{n:04d}", year=2025).pk for n in range(5)]


@pytest.fixture
def two_queues(settings, tmp_path):
    settings.EVALSYS_EXPORT_CHUNK = 2
    settings.EVALSYS_EXPORT_QUEUES = ["exports-a", "exports-b"]
    settings.TASKS = {"default": {**settings.TASKS["default"], "QUEUES": ["default", "exports-a", "exports-b"]}}
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def names(job: ExportJob) -> list[str]:
    with job.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read())).namelist()


@pytest.mark.django_db
def test_a_job_is_split_into_chunks_queued_round_robin(
    two_queues, admin_user, five, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(user=admin_user, scope="2025年度", project_ids=five, fmt="xlsx")
    chunks = list(job.chunks.order_by("index").values_list("index", "project_ids", "state"))
    assert chunks == [(0, five[:2], "queued"), (1, five[2:4], "queued"), (2, five[4:], "queued")]
    tasks = DBTaskResult.objects.order_by("enqueued_at", "pk")
    assert [(t.queue_name, t.args_kwargs["args"]) for t in tasks] == [
        ("exports-a", [c.pk]) if i % 2 == 0 else ("exports-b", [c.pk])
        for i, c in enumerate(job.chunks.order_by("index"))
    ]


@pytest.mark.django_db
def test_chunks_are_assembled_into_one_archive_and_their_parts_removed(two_queues, admin_user, five) -> None:
    job = export_job_create(user=admin_user, scope="2025年度", project_ids=five, fmt="xlsx")
    first = job.chunks.get(index=0)
    batch.export_chunk_run(first.pk)
    first.refresh_from_db()
    job.refresh_from_db()
    assert (first.state, first.done, job.state, job.done) == ("done", 2, "running", 2)
    assert Path(first.file.path).exists() and not job.file  # a part on disk, no archive yet
    export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done, job.percent) == ("done", 5, 100)
    assert sorted(n.split("/")[1].split("-")[0] for n in names(job)) == [f"P{n:04d}" for n in range(5)]
    assert not list((Path(django_settings.MEDIA_ROOT) / "exports" / "parts").glob("*.zip"))
    assert not list((Path(django_settings.MEDIA_ROOT) / "exports" / "tmp").glob("*"))


def _stale(chunk: ExportChunk, minutes: int = 20) -> None:
    ago = timezone.now() - datetime.timedelta(minutes=minutes)
    ExportChunk.objects.filter(pk=chunk.pk).update(state=State.RUNNING, heartbeat_at=ago, done=1,
                                                   attempts=chunk.attempts + 1)  # fmt: skip
    ExportJob.objects.filter(pk=chunk.job_id).update(state=State.RUNNING, heartbeat_at=ago)


@pytest.mark.django_db
def test_a_dead_workers_chunk_is_queued_again_and_only_it(two_queues, admin_user, five) -> None:
    job = export_job_create(user=admin_user, scope="2025年度", project_ids=five, fmt="xlsx")
    batch.export_chunk_run(job.chunks.get(index=0).pk)
    dead = job.chunks.get(index=1)
    _stale(dead)
    assert export_jobs_recover() == 0
    dead.refresh_from_db()
    assert (dead.state, dead.done, dead.attempts) == ("queued", 0, 1)
    assert job.chunks.get(index=0).state == "done"  # the finished chunk is kept
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and len(names(job)) == 5


@pytest.mark.django_db
def test_a_chunk_that_keeps_dying_fails_its_job(two_queues, admin_user, five) -> None:
    job = export_job_create(user=admin_user, scope="2025年度", project_ids=five, fmt="xlsx")
    dead = job.chunks.get(index=2)
    ExportChunk.objects.filter(pk=dead.pk).update(attempts=MAX_ATTEMPTS - 1)
    dead.refresh_from_db()
    _stale(dead)
    assert export_jobs_recover() == 1
    job.refresh_from_db()
    assert job.state == "failed" and job.error == GAVE_UP.format(index=3, n=1, attempts=MAX_ATTEMPTS)
    assert job.error == "第 3 部分（1 个项目）重试 3 次仍未完成（后台任务反复中断），请重试"
    assert set(job.chunks.values_list("state", flat=True)) == {"failed"}
    export_job_run(job.pk)  # nothing runs for a failed job
    assert not ExportJob.objects.get(pk=job.pk).file


@pytest.mark.django_db
def test_an_assembly_lost_with_its_worker_is_queued_again(
    two_queues, admin_user, five, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    job = export_job_create(user=admin_user, scope="2025年度", project_ids=five, fmt="xlsx")
    monkeypatch.setattr(batch, "export_job_assemble", lambda job_id: None)  # the worker dies before it
    export_job_run(job.pk)
    monkeypatch.undo()
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=30))
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        export_jobs_recover()
    assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs")) == [
        ("reports.tasks.export_assemble", {"args": [job.pk], "kwargs": {}})
    ]
    with django_capture_on_commit_callbacks(execute=True):  # not again while the new beat is fresh
        export_jobs_recover()
    assert DBTaskResult.objects.count() == 1
    batch.export_job_assemble(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and len(names(job)) == 5


@pytest.mark.django_db
def test_progress_is_the_sum_of_the_chunks(two_queues, admin_user, five) -> None:
    job = export_job_create(user=admin_user, scope="2025年度", project_ids=five, fmt="xlsx")
    ExportChunk.objects.filter(job=job, index=0).update(done=2)
    ExportChunk.objects.filter(job=job, index=1).update(done=1)
    batch._progress(job.pk)
    job.refresh_from_db()
    assert (job.done, job.percent) == (3, 60)


# --- export_report --jobs N ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_export_report_jobs_renders_in_processes_the_same_archive(unit_a, tmp_path, fmt) -> None:
    for n in range(6):
        factories.project(unit=unit_a, code=f"J{n:04d}", year=2025)
    outputs = {}
    for jobs in (1, 3):
        path = tmp_path / f"jobs{jobs}.zip"
        call_command("export_report", "--year", "2025", "--unit", unit_a.code, "--format", fmt, "--output", str(path),
                     "--jobs", str(jobs), stdout=io.StringIO())  # fmt: skip
        outputs[jobs] = zipfile.ZipFile(path).namelist()
    assert outputs[1] == outputs[3] and len(outputs[1]) == 6


@pytest.mark.django_db(transaction=True)
def test_a_child_that_dies_fails_in_chinese_and_leaves_no_archive(unit_a, tmp_path, monkeypatch) -> None:
    ids = [factories.project(unit=unit_a, code=f"K{n:04d}", year=2025).pk for n in range(8)]
    doomed = ids[5]

    def render_or_die(project_ids, fmt):  # runs in the child (fork): the third chunk's process is killed
        if doomed in project_ids:
            os.kill(os.getpid(), signal.SIGKILL)
        return [(f"{pk}.txt", b"x") for pk in project_ids]

    monkeypatch.setattr(batch, "render_files", render_or_die)
    monkeypatch.setattr(batch, "_in_memory_database", lambda: False)  # the children never query here
    monkeypatch.setattr(batch, "chunk_size", lambda: 2)
    path = tmp_path / "unit.zip"
    path.write_bytes(b"last week's archive")
    with pytest.raises(CommandError) as failure:
        call_command("export_report", "--year", "2025", "--unit", unit_a.code, "--format", "xlsx", "--output",
                     str(path), "--jobs", "2", stdout=io.StringIO())  # fmt: skip
    assert str(failure.value) == batch.CHILD_DIED.format(path=path)
    assert "导出进程意外退出" in str(failure.value)
    assert path.read_bytes() == b"last week's archive" and sorted(tmp_path.iterdir()) == [path]
    path.unlink()
    with pytest.raises(CommandError):
        call_command("export_report", "--year", "2025", "--unit", unit_a.code, "--format", "xlsx", "--output",
                     str(path), "--jobs", "2", stdout=io.StringIO())  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_an_archive_holds_a_folder_per_unit_and_every_format_asked(two_queues, admin_user, five, unit_a,
                                                                   unit_b) -> None:  # fmt: skip
    other = factories.project(unit=unit_b, code="Q0001", year=2025).pk
    job = export_job_create(user=admin_user, scope="2025年度", project_ids=[*five[:2], other], fmt=["docx", "xlsx"])
    export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.fmt) == ("done", 3, 3, "docx,xlsx")
    folders = sorted({name.split("/")[0] for name in names(job)})
    assert folders == [f"{unit_a.code}-{unit_a.name}", f"{unit_b.code}-{unit_b.name}"]
    kinds = sorted(name.rsplit(".", 1)[1] for name in names(job))
    assert kinds == ["docx"] * 3 + ["xlsx"] * 3


# --- two real workers on two queues ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres") is False,
                    reason="workers in other processes need a database they can share: PostgreSQL")  # fmt: skip
def test_two_workers_on_two_queues_finish_one_job(two_queues, admin_user, five, tmp_path) -> None:
    job = export_job_create(user=admin_user, scope="2025年度", project_ids=five, fmt="xlsx")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "EVALSYS_EXPORT_QUEUES": "exports-a,exports-b", "EVALSYS_EXPORT_CHUNK": "2",
           "MEDIA_ROOT": str(django_settings.MEDIA_ROOT)}  # fmt: skip
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    workers = [
        subprocess.Popen([*command, "--queue-name", q, "--worker-id", q], cwd=ROOT, env=env, stdout=subprocess.PIPE)
        for q in ("exports-a", "exports-b")
    ]
    logs = [w.communicate(timeout=300)[0].decode() for w in workers]
    assert [w.returncode for w in workers] == [0, 0], logs
    job.refresh_from_db()
    assert (job.state, job.done) == ("done", 5) and len(names(job)) == 5
    # the chunks (each worker also runs the recurring recovery its start queued: not counted here)
    ran = DBTaskResult.objects.filter(status="SUCCESSFUL", task_path=batch.CHUNK_TASK).values_list(
        "queue_name", "worker_ids"
    )
    assert sorted((queue, tuple(ids)) for queue, ids in ran) == [
        ("exports-a", ("exports-a",)), ("exports-a", ("exports-a",)), ("exports-b", ("exports-b",)),
    ]  # fmt: skip
