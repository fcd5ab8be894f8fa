"""Large uploads go to the task worker (issue 15 A2): a table of more than EVALSYS_UPLOAD_INLINE_ROWS
rows is counted, not dry-run, in the request; the worker dry-runs it with progress and stores the
same preview; 确认导入 queues the import; only the uploader sees the job; lost jobs are recovered."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from evalsys.lib.xlsx import count_rows
from indicators import services as indicator_services
from intake import jobs
from intake.models import ImportJob
from intake.services import SESSION_KEY, upload_path
from projects.models import Project
from tests.reports.test_export_jobs import run_task
from tests.workbooks import SEED000_CODE, SEED000_ROWS, seed000_workbook

pytestmark = pytest.mark.django_db

UPLOAD = reverse("intake:upload")
POLLING = ('hx-trigger="every 1s"', "hx-get")
SEED000_SHEET_ROWS = 3 + len(SEED000_ROWS) + 1  # title, year, header, the rows, 总分


@pytest.fixture(autouse=True)
def low_threshold(settings) -> None:
    settings.EVALSYS_UPLOAD_INLINE_ROWS = 5


@pytest.fixture
def seed000(tmp_path) -> Path:
    return seed000_workbook(tmp_path / "seed000.xlsx")


def xlsx(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile("大表.xlsx", path.read_bytes())


def upload(client, path: Path, capture, **data):
    with capture(execute=True):
        return client.post(UPLOAD, {"file": xlsx(path), "year": "2022", **data})


def run_queued() -> None:
    """Run every queued import task as `db_worker` does."""
    for row in DBTaskResult.objects.filter(task_path=jobs.RUN_TASK, status="READY").order_by("enqueued_at"):
        run_task(row)


def page(client, job: ImportJob, **headers) -> str:
    response = client.get(reverse("intake:job", args=[job.pk]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_row_count_is_a_bounded_byte_scan(seed000) -> None:
    assert count_rows(seed000, stop_after=10_000) == SEED000_SHEET_ROWS
    assert 3 < count_rows(seed000, stop_after=3) <= SEED000_SHEET_ROWS  # stops at the chunk past the limit


def test_a_large_table_becomes_a_job_and_the_request_runs_no_dry_run(
    client, officer, seed000, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def no_import(**kwargs):
        raise AssertionError("the request dry-ran the workbook")

    monkeypatch.setattr(indicator_services, "workbook_import", no_import)
    monkeypatch.setattr("intake.services.workbook_import", no_import)
    client.force_login(officer)
    response = upload(client, seed000, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:job", args=[job.pk])
    assert (job.user, job.unit, job.kind, job.state, job.year) == (officer, officer.membership.unit, "preview",
                                                                   "queued", 2022)  # fmt: skip
    assert job.total == SEED000_SHEET_ROWS and upload_path(job.token).exists()
    assert SESSION_KEY not in client.session
    assert DBTaskResult.objects.filter(task_path=jobs.RUN_TASK, args_kwargs__args=[job.pk]).count() == 1
    queued = page(client, job)
    assert "排队中" in queued and all(p in queued for p in POLLING) and "确认导入" not in queued


def test_the_worker_previews_then_confirm_imports(client, officer, seed000, django_capture_on_commit_callbacks) -> None:
    client.force_login(officer)
    upload(client, seed000, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    run_queued()
    job.refresh_from_db()
    assert job.state == "done" and job.outcome["confirmable"] and Project.objects.count() == 0
    shown = page(client, job, **{"HX-Request": "true"})
    assert "试运行（未写入任何数据）：项目 新建 1 个、更新 0 个、未变 0 个；指标 新建 11 条" in shown
    assert "导入后各项目的内容与得分" in shown  # the same preview as the page's (intake/preview.html)
    assert reverse("intake:job_confirm", args=[job.pk]) in shown and "确认导入" in shown
    assert not any(p in shown for p in POLLING)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:job_confirm", args=[job.pk]))
    imported = ImportJob.objects.get(kind="import")
    assert response.status_code == 302 and response["Location"] == reverse("intake:job", args=[imported.pk])
    assert imported.state == "queued" and Project.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):  # a second 确认导入 (another tab): refused
        again = client.post(reverse("intake:job_confirm", args=[job.pk]), follow=True)
    assert jobs.ALREADY in again.content.decode() and ImportJob.objects.filter(kind="import").count() == 1
    run_queued()
    imported.refresh_from_db()
    assert imported.state == "done" and imported.outcome["imported"]
    assert Project.objects.filter(code=SEED000_CODE, year=2022, unit=officer.membership.unit).count() == 1
    done = page(client, imported)
    assert "导入完成：项目 新建 1 个" in done and f"{reverse('projects:list')}?year=2022" in done
    assert "试运行结果" not in done and imported.html == ""  # no dry-run card under the import's summary
    assert not upload_path(job.token).exists()  # imported: the file is gone
    # the dry run cannot be confirmed twice
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:job_confirm", args=[job.pk]))
    assert ImportJob.objects.filter(kind="import").count() == 1


def test_progress_moves_while_the_worker_reads(officer, monkeypatch) -> None:
    monkeypatch.setattr(indicator_services, "PROGRESS_ROWS", 2)
    job = ImportJob.objects.create(user=officer, year=2022, token="a" * 32, filename="x.xlsx", total=16)
    upload_path(job.token).parent.mkdir(parents=True, exist_ok=True)
    seed000_workbook(upload_path(job.token))
    seen: list[int] = []
    original = jobs._run

    def watching(pending, **kwargs):
        report = kwargs["progress"]

        def progress(rows: int) -> None:
            report(rows)
            seen.append(ImportJob.objects.get(pk=job.pk).done)  # what the polling page reads meanwhile

        return original(pending, **(kwargs | {"progress": progress}))

    monkeypatch.setattr(jobs, "_run", watching)
    jobs.import_job_run(job.pk)
    assert seen[:3] == [2, 4, 6] and ImportJob.objects.get(pk=job.pk).state == "done"


def test_another_users_job_is_404(client, officer, other_officer, admin_user, seed000,
                                  django_capture_on_commit_callbacks) -> None:  # fmt: skip
    client.force_login(officer)
    upload(client, seed000, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    run_queued()
    for intruder in (other_officer, admin_user):
        client.force_login(intruder)
        assert client.get(reverse("intake:job", args=[job.pk])).status_code == 404
        for name in ("intake:job_confirm", "intake:job_skip"):
            assert client.post(reverse(name, args=[job.pk])).status_code == 404
    assert ImportJob.objects.count() == 1 and Project.objects.count() == 0


def test_a_failing_file_shows_its_errors_in_chinese_on_the_job_page(
    client, officer, tmp_path, django_capture_on_commit_callbacks
) -> None:
    rows = [list(r) for r in SEED000_ROWS]
    rows[1][3] = "≥七十款"  # 年度指标值 that is not a number
    client.force_login(officer)
    upload(client, seed000_workbook(tmp_path / "bad.xlsx", rows=rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    run_queued()
    job.refresh_from_db()
    shown = page(client, job)
    assert job.state == "done" and not job.outcome["confirmable"]
    assert "未写入任何数据：工作簿中共" in shown and "处错误，请修改后重新上传" in shown
    assert "第5行" in shown and "年度指标值" in shown and "确认导入" not in shown
    assert not upload_path(job.token).exists()  # refused: nothing to confirm, the file is deleted


def test_a_crash_in_the_worker_fails_the_job_with_a_chinese_reason(
    client, officer, seed000, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    client.force_login(officer)
    upload(client, seed000, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(jobs, "_run", broken)
    run_queued()
    job.refresh_from_db()
    shown = page(client, job)
    assert job.state == "failed" and "处理工作簿时出错（MemoryError），未写入任何数据" in shown
    assert "试运行失败" in shown and not any(p in shown for p in POLLING)


def test_skipping_refused_projects_queues_a_new_dry_run(client, other_officer, seed000,
                                                        django_capture_on_commit_callbacks) -> None:  # fmt: skip
    client.force_login(other_officer)  # unit B: the workbook's project is unit A's
    upload(client, seed000, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    run_queued()
    job.refresh_from_db()
    assert job.outcome["skippable"] and reverse("intake:job_skip", args=[job.pk]) in page(client, job)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:job_skip", args=[job.pk]))
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("intake:job", args=[again.pk]) and again.skip_refused
    run_queued()
    again.refresh_from_db()
    assert again.state == "done" and "没有可导入的项目" in page(client, again)


def test_small_tables_keep_the_page_path(client, officer, seed000, settings) -> None:
    settings.EVALSYS_UPLOAD_INLINE_ROWS = 2000
    client.force_login(officer)
    response = client.post(UPLOAD, {"file": xlsx(seed000), "year": "2022"})
    assert response.status_code == 200 and "试运行（未写入任何数据）" in response.content.decode()
    assert ImportJob.objects.count() == 0 and SESSION_KEY in client.session


def test_the_worker_fails_lost_jobs_and_pages_never_write(client, officer) -> None:
    old = timezone.now() - datetime.timedelta(minutes=16)
    running = ImportJob.objects.create(user=officer, year=2022, token="b" * 32, state="running")
    queued = ImportJob.objects.create(user=officer, year=2022, token="c" * 32, state="queued")
    fresh = ImportJob.objects.create(user=officer, year=2022, token="d" * 32, state="running")
    ImportJob.objects.filter(pk__in=[running.pk, queued.pk]).update(updated_at=old)
    client.force_login(officer)
    page(client, running)
    assert ImportJob.objects.get(pk=running.pk).state == "running"  # a GET does not recover
    assert jobs.import_jobs_recover(minutes=15) == 2
    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.state == queued.state == "failed" and ImportJob.objects.get(pk=fresh.pk).state == "running"
    assert running.error == "导入任务已中断（超过 15 分钟没有进展），未写入任何数据；请重新上传"
    assert "排队超过 15 分钟仍未开始" in queued.error and running.error in page(client, running)


def test_a_table_past_the_upload_limit_is_refused_by_the_worker_naming_the_uploaded_file(
    client, officer, seed000, settings, django_capture_on_commit_callbacks
) -> None:
    settings.EVALSYS_UPLOAD_MAX_ROWS = 8
    client.force_login(officer)
    upload(client, seed000, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    run_queued()
    shown = page(client, job)
    assert "大表.xlsx：工作簿的数据行超过 8 行" in shown and job.token not in shown  # not the stored file's name
