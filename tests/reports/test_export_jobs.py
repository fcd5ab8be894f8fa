"""Batch export jobs: a job whose worker died is failed with a reason, can be retried, and the
page stops polling once a job is final."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports import batch, services
from reports.batch import STALE_QUEUED, STALE_RUNNING, export_job_create, export_job_run, export_jobs_recover
from reports.models import ExportChunk, ExportJob
from reports.tasks import export_recover, recover_schedule
from tests import factories

pytestmark = pytest.mark.django_db

POLLING = ("hx-trigger", "hx-get", "every 1s")


@pytest.fixture
def project_ids(unit_a) -> list[int]:
    first = factories.project(unit=unit_a, code="P0001", year=2025)
    second = factories.project(unit=unit_a, code="P0002", year=2025)
    return [first.pk, second.pk]


def make_job(user, ids: list[int], *, state: str, minutes_ago: float = 0, **extra) -> ExportJob:
    job = ExportJob.objects.create(created_by=user, scope="2025年度", project_ids=ids, fmt="xlsx", state=state,
                                   total=len(ids), **extra)  # fmt: skip
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    job.refresh_from_db()
    return job


def fragment(client, job: ExportJob) -> str:
    response = client.get(reverse("reports:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


# --- stale jobs: the worker recovers them, pages only read ----------------------------------


def test_the_worker_fails_a_legacy_running_job_without_progress(client, admin_user, project_ids) -> None:
    job = make_job(admin_user, project_ids, state=ExportJob.State.RUNNING, minutes_ago=16, done=1)
    assert export_jobs_recover() == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.finished_at is not None
    assert job.error == STALE_RUNNING.format(minutes=15) == "导出任务已中断（超过 15 分钟没有进展），请重试"
    client.force_login(admin_user)
    page = fragment(client, job)
    assert job.error in page and "失败" in page and reverse("reports:job_retry", args=[job.pk]) in page
    assert not any(attribute in page for attribute in POLLING)


def test_the_worker_fails_a_legacy_queued_job_no_one_took(admin_user, project_ids) -> None:
    job = make_job(admin_user, project_ids, state=ExportJob.State.QUEUED, minutes_ago=20)
    export_jobs_recover()
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.error == STALE_QUEUED.format(minutes=15)


def test_pages_never_write_a_dead_job_stays_as_it_was_until_the_worker_recovers(client, admin_user,
                                                                                project_ids) -> None:  # fmt: skip
    job = make_job(admin_user, project_ids, state=ExportJob.State.RUNNING, minutes_ago=60)
    client.force_login(admin_user)
    for url in (reverse("reports:batch"), reverse("reports:job", args=[job.pk])):
        assert client.get(url).status_code == 200
        client.get(url, headers={"HX-Request": "true"})
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING and job.error == ""


def test_a_queued_chunk_whose_task_was_lost_is_queued_again_once(
    admin_user, project_ids, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(user=admin_user, scope="2025年度", project_ids=project_ids, fmt="xlsx")
    chunk = job.chunks.get()
    old = timezone.now() - datetime.timedelta(minutes=20)
    ExportChunk.objects.filter(pk=chunk.pk).update(heartbeat_at=old)
    tasks = DBTaskResult.objects.filter(task_path=batch.CHUNK_TASK)
    with django_capture_on_commit_callbacks(execute=True):
        export_jobs_recover()  # its task is still queued: nothing to do
    assert tasks.count() == 1
    tasks.delete()  # lost (pruned, or the database restored)
    with django_capture_on_commit_callbacks(execute=True):
        export_jobs_recover()
        export_jobs_recover()
    assert [row["args"] for row in tasks.values_list("args_kwargs", flat=True)] == [[chunk.pk]]
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE


def test_a_job_with_recent_progress_keeps_polling(client, admin_user, project_ids) -> None:
    job = make_job(admin_user, project_ids, state=ExportJob.State.RUNNING, minutes_ago=14)
    export_jobs_recover()
    client.force_login(admin_user)
    page = fragment(client, job)
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING
    assert 'hx-trigger="every 1s"' in page and reverse("reports:job", args=[job.pk]) in page


def test_the_timeout_is_a_setting(client, admin_user, project_ids, settings) -> None:
    settings.EVALSYS_EXPORT_STALE_MINUTES = 2
    job = make_job(admin_user, project_ids, state=ExportJob.State.RUNNING, minutes_ago=3)
    export_jobs_recover()
    client.force_login(admin_user)
    assert "超过 2 分钟没有进展" in fragment(client, job)


def test_the_pages_say_whether_the_worker_runs_in_words(client, admin_user, project_ids) -> None:
    job = make_job(admin_user, project_ids, state=ExportJob.State.QUEUED)
    client.force_login(admin_user)
    for page in (fragment(client, job), client.get(reverse("reports:batch")).content.decode()):
        assert "后台导出服务目前没有运行" in page and "db_worker" not in page and "manage.py" not in page
    recover_schedule("default", delay=False)  # what `manage.py db_worker` does when it starts
    DBTaskResult.objects.filter(task_path=batch.RECOVER_TASK).update(status="SUCCESSFUL", finished_at=timezone.now())
    assert "后台导出服务将按顺序处理" in fragment(client, job)
    assert "后台导出服务正在运行" in client.get(reverse("reports:batch")).content.decode()


def test_the_recurring_recovery_runs_again_later_and_only_once(admin_user, project_ids, settings) -> None:
    settings.EVALSYS_EXPORT_RECOVER_MINUTES = 7
    recover_schedule("default", delay=False)
    recover_schedule("default", delay=False)  # a second worker starting: still one chain
    rows = DBTaskResult.objects.filter(task_path=batch.RECOVER_TASK)
    first = rows.get()
    assert first.run_after.year == 9999  # django-tasks-db: no run_after, due at once
    stale = make_job(admin_user, project_ids, state=ExportJob.State.RUNNING, minutes_ago=60)
    run_task(first)
    stale.refresh_from_db()
    assert stale.state == ExportJob.State.FAILED
    later = rows.get(status="READY")
    assert later.run_after > timezone.now() + datetime.timedelta(minutes=6) and later.queue_name == "default"


def run_task(row: DBTaskResult) -> None:
    """Run one task row as `db_worker` does (claim, call, record)."""
    from django_tasks_db.management.commands.db_worker import Worker

    row.claim("test-worker")
    Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=1,
           excluded_queue_names=[], worker_id="test-worker").run_task(row)  # fmt: skip


# django-tasks' worker closes the database connection between tasks: on PostgreSQL that ends the
# test's own transaction, so this test commits for real (and is flushed after)
@pytest.mark.django_db(transaction=True)
def test_db_worker_recovers_when_it_starts_and_queues_the_recurring_recovery(admin_user, project_ids) -> None:
    stale = make_job(admin_user, project_ids, state=ExportJob.State.RUNNING, minutes_ago=60)
    call_command("db_worker", "--batch", "--no-startup-delay", "--max-tasks", "1", "--queue-name", "default",
                 verbosity=0)  # fmt: skip
    stale.refresh_from_db()
    assert stale.state == ExportJob.State.FAILED
    rows = DBTaskResult.objects.filter(task_path=batch.RECOVER_TASK)
    assert set(rows.values_list("status", flat=True)) == {"SUCCESSFUL", "READY"}


@pytest.mark.parametrize("state", [ExportJob.State.DONE, ExportJob.State.FAILED])
def test_final_states_do_not_poll(client, admin_user, project_ids, state) -> None:
    job = make_job(admin_user, project_ids, state=state, error="x" if state == ExportJob.State.FAILED else "")
    client.force_login(admin_user)
    page = fragment(client, job)
    assert not any(attribute in page for attribute in POLLING)
    full = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert not any(attribute in full for attribute in POLLING)


# --- the worker's heartbeat ---------------------------------------------------------------


def chunked_job(user, ids: list[int], *, minutes_ago: float = 0) -> ExportJob:
    job = export_job_create(user=user, scope="2025年度", project_ids=ids, fmt="xlsx")
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return job


def test_the_worker_beats_as_it_goes(admin_user, project_ids, monkeypatch) -> None:
    job = chunked_job(admin_user, project_ids, minutes_ago=10)
    seen = []
    render = services.render

    def spy(data, fmt, **kwargs):
        seen.append(ExportJob.objects.values_list("state", "done", "heartbeat_at").get(pk=job.pk))
        return render(data, fmt, **kwargs)

    monkeypatch.setattr(services, "render", spy)
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.file
    assert [(state, done) for state, done, _ in seen] == [("running", 0), ("running", 1)]
    beats = [beat for _, _, beat in seen] + [job.heartbeat_at]
    assert beats == sorted(beats) and beats[0] > timezone.now() - datetime.timedelta(minutes=1)


def test_a_worker_that_wakes_up_after_the_failure_changes_nothing(admin_user, project_ids, monkeypatch) -> None:
    job = chunked_job(admin_user, project_ids)
    render = services.render

    def given_up_meanwhile(data, fmt, **kwargs):
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error="已中断")
        return render(data, fmt, **kwargs)

    monkeypatch.setattr(services, "render", given_up_meanwhile)
    export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.error, job.file.name) == (ExportJob.State.FAILED, "已中断", "")


def test_a_failed_job_is_not_run_again(admin_user, project_ids) -> None:
    job = chunked_job(admin_user, project_ids)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error="已中断")
    export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done, job.file.name) == (ExportJob.State.FAILED, 0, "")


# --- retry --------------------------------------------------------------------------------


def test_retry_queues_a_new_job_with_the_same_selection(client, admin_user, project_ids) -> None:
    job = make_job(admin_user, project_ids, state=ExportJob.State.RUNNING, minutes_ago=30, done=1)
    client.force_login(admin_user)
    export_jobs_recover()  # found dead
    response = client.post(reverse("reports:job_retry", args=[job.pk]))
    again = ExportJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[again.pk])
    assert (again.state, again.scope, again.project_ids, again.fmt, again.total, again.done) == (
        ExportJob.State.QUEUED, job.scope, project_ids, job.fmt, 2, 0)  # fmt: skip
    assert again.created_by == admin_user
    assert 'hx-trigger="every 1s"' in fragment(client, again)


def test_retry_only_a_failed_job(client, admin_user, project_ids) -> None:
    job = make_job(admin_user, project_ids, state=ExportJob.State.RUNNING)
    client.force_login(admin_user)
    response = client.post(reverse("reports:job_retry", args=[job.pk]), follow=True)
    assert batch.NOT_RETRYABLE in response.content.decode()
    assert ExportJob.objects.count() == 1


def test_retry_skips_projects_that_are_gone(client, admin_user, project_ids) -> None:
    job = make_job(admin_user, [*project_ids, 999_999], state=ExportJob.State.FAILED, error="x")
    client.force_login(admin_user)
    client.post(reverse("reports:job_retry", args=[job.pk]))
    assert ExportJob.objects.exclude(pk=job.pk).get().project_ids == project_ids


def test_retry_access(client, admin_user, officer, project_ids) -> None:
    job = make_job(admin_user, project_ids, state=ExportJob.State.FAILED, error="x")
    url = reverse("reports:job_retry", args=[job.pk])
    client.force_login(admin_user)
    assert client.get(url).status_code == 405
    client.force_login(factories.user("admin2", role="admin", superuser=True))
    assert client.post(url).status_code == 404
    client.force_login(officer)
    assert client.post(url).status_code == 403
    assert ExportJob.objects.count() == 1


# --- the selection is kept whole ------------------------------------------------------------


def test_a_long_scope_is_kept_whole(client, admin_user) -> None:
    department = factories.department("部" * 200)
    unit = factories.unit(code="9" * 32, name="单" * 200)
    unit.department = department
    unit.save()
    factories.project(unit=unit, year=2025)
    client.force_login(admin_user)
    response = client.post(reverse("reports:batch"), {"year": 2025, "department": department.pk, "unit": unit.pk,
                                                      "fmt": "xlsx", "statuses": ["draft"]})  # fmt: skip
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.scope == f"2025年度 · {'部' * 200} · {'9' * 32}-{'单' * 200} · 草稿"
    job.full_clean()


def test_the_task_paths_are_the_tasks(project_ids) -> None:
    from reports.tasks import export_chunk

    assert (export_chunk.module_path, export_recover.module_path) == (batch.CHUNK_TASK, batch.RECOVER_TASK)
