"""Report downloads, the officer's report text and batch exports (issue 4, web)."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import quote, unquote

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from projects.models import Project, Status
from reports.models import ExportJob, Narrative
from tests import factories
from tests.reports.conftest import SEED_CODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_project(demo):
    return Project.objects.get(code=SEED_CODE)


@pytest.fixture
def officer_a(demo, django_user_model):
    return django_user_model.objects.get(username="officer_a")


@pytest.fixture
def officer_b(demo, django_user_model):
    return django_user_model.objects.get(username="officer_b")


@pytest.fixture
def admin_a(demo, django_user_model):
    return django_user_model.objects.get(username="admin")


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_download_each_format(client, officer_a, seed_project, fmt) -> None:
    client.force_login(officer_a)
    response = client.get(reverse("reports:download", args=[seed_project.pk, fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(f".{fmt}")
    assert response.content[:4] in (b"PK\x03\x04", b"%PDF")


def test_download_docx_carries_the_score(client, officer_a, seed_project) -> None:
    client.force_login(officer_a)
    content = client.get(reverse("reports:download", args=[seed_project.pk, "docx"])).content
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "93.62" in text and "优" in text


def test_download_other_unit_404_and_unknown_format_404(client, officer_b, seed_project) -> None:
    client.force_login(officer_b)
    assert client.get(reverse("reports:download", args=[seed_project.pk, "docx"])).status_code == 404
    assert client.get(f"/reports/projects/{seed_project.pk}/report.txt").status_code == 404


def test_download_wrong_method_405(client, officer_a, seed_project) -> None:
    client.force_login(officer_a)
    assert client.post(reverse("reports:download", args=[seed_project.pk, "docx"])).status_code == 405


def _draft(demo_unit_code: str = "140001") -> Project:
    return Project.objects.filter(unit__code=demo_unit_code, status=Status.DRAFT).first()


def test_officer_saves_report_text_and_it_reaches_the_report(client, officer_a) -> None:
    project = _draft()
    client.force_login(officer_a)
    url = reverse("reports:narrative", args=[project.pk])
    response = client.post(url, {"version": project.version, "problems": "培训进度受天气影响。",
                                 "measures": "提前制定预案。"})  # fmt: skip
    assert response.status_code == 302
    assert Narrative.objects.get(project=project).problems == "培训进度受天气影响。"
    content = client.get(reverse("reports:download", args=[project.pk, "docx"])).content
    assert "培训进度受天气影响。" in "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_report_text_htmx_returns_the_fragment(client, officer_a) -> None:
    project = _draft()
    client.force_login(officer_a)
    data = {"version": project.version, "plans": "继续推进。"}
    response = client.post(reverse("reports:narrative", args=[project.pk]), data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "已保存" in body and "<html" not in body


def test_report_text_invalid_input_is_kept(client, officer_a) -> None:
    project = _draft()
    client.force_login(officer_a)
    too_long = "问" * 10
    # a NUL byte is refused by Django's text fields; the rest of the input is shown again
    response = client.post(reverse("reports:narrative", args=[project.pk]), {"problems": too_long,
                           "introduction": "\x00"})  # fmt: skip
    assert response.status_code == 400
    assert too_long in response.content.decode()


def test_report_text_locked_project_403_and_other_unit_404(client, officer_a, officer_b, seed_project) -> None:
    client.force_login(officer_a)
    submitted = Project.objects.get(code=SEED_CODE)
    assert submitted.status == Status.SUBMITTED
    assert client.post(reverse("reports:narrative", args=[submitted.pk]), {"plans": "x"}).status_code == 403
    client.force_login(officer_b)
    assert client.post(reverse("reports:narrative", args=[_draft().pk]), {"plans": "x"}).status_code == 404


def test_evaluator_cannot_write_report_text(client, demo, django_user_model) -> None:
    client.force_login(django_user_model.objects.get(username="evaluator"))
    assert client.post(reverse("reports:narrative", args=[_draft().pk]), {"plans": "x"}).status_code == 403


def test_batch_export_is_admin_only(client, officer_a) -> None:
    client.force_login(officer_a)
    assert client.get(reverse("reports:batch")).status_code == 403


def test_batch_export_requires_a_scope(client, admin_a) -> None:
    client.force_login(admin_a)
    response = client.post(reverse("reports:batch"), {"fmt": "docx"})
    assert response.status_code == 400 and "请至少选择" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection, as in production
def test_batch_export_runs_in_the_worker_and_zips_every_project(client, admin_a, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_a)
    every_state = ["draft", "submitted", "returned", "approved"]
    response = client.post(reverse("reports:batch"), {"year": 2025, "fmt": "xlsx", "statuses": every_state})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    assert job.state == ExportJob.State.QUEUED
    page = client.get(reverse("reports:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (ExportJob.State.DONE, 5, 5)
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "已完成" in page and "every 1s" not in page
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert len(names) == 5 and all(n.endswith("-自评表.xlsx") for n in names)


def test_another_admins_job_is_404(client, admin_a, django_user_model) -> None:
    job = ExportJob.objects.create(created_by=admin_a, scope="x", project_ids=[], fmt="docx")
    other = factories.user("admin2", role="admin", superuser=True)
    client.force_login(other)
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404


# --- the batch export page (issue 15 B23) ---------------------------------------------------


def test_batch_year_is_a_select_on_the_year_of_approved_work_and_preview_carries_no_token(client, admin_a) -> None:
    factories.project(unit=Project.objects.first().unit, code="NEXT-1", year=2026)  # a draft copied forward
    client.force_login(admin_a)
    page = client.get(reverse("reports:batch")).content.decode()
    assert re.search(r'<select name="year"[^>]*>', page)
    assert re.search(r'<option value="2025" selected>2025年度</option>', page)  # not 2026: nothing approved there
    assert '<option value="2026">2026年度</option>' in page
    preview_form = re.search(r'<form method="get".*?</form>', page, re.S).group(0)
    assert "csrfmiddlewaretoken" not in preview_form
    preview = client.get(reverse("reports:batch"), {"year": 2025, "statuses": ["approved", "submitted"]})
    export_form = re.search(
        r'<form method="post"[^>]*id="batch-export".*?</form>', preview.content.decode(), re.S
    ).group(0)
    assert "csrfmiddlewaretoken" in export_form and 'name="statuses" value="submitted"' in export_form
    assert 'name="fmt" value="docx" id="id_fmt_0" checked' in export_form and 'value="pdf"' in export_form


@pytest.mark.django_db(transaction=True)
def test_batch_export_several_formats_in_unit_folders_with_a_plain_name(client, admin_a, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    unit = Project.objects.filter(year=2025).order_by("unit__code").first().unit
    client.force_login(admin_a)
    every_state = ["draft", "submitted", "returned", "approved"]
    response = client.post(reverse("reports:batch"), {"year": 2025, "unit": unit.pk, "fmt": ["docx", "xlsx"],
                                                      "statuses": every_state})  # fmt: skip
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.fmt == "docx,xlsx" and job.filename == f"2025-{unit.code}-自评报告.zip"
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    disposition = download["Content-Disposition"]
    assert disposition == f"attachment; filename*=utf-8''{quote(job.filename)}"
    assert "·" not in unquote(disposition) and unquote(disposition).endswith("-自评报告.zip")
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    n = Project.objects.filter(year=2025, unit=unit).count()
    assert len(names) == 2 * n and {name.split("/")[0] for name in names} == {f"{unit.code}-{unit.name}"}
    assert sorted(name.rsplit(".", 1)[1] for name in names) == ["docx"] * n + ["xlsx"] * n


def test_the_batch_preview_pages_the_projects_in_the_same_queries_however_many(client, admin_a) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = Project.objects.first().unit
    client.force_login(admin_a)
    query = {"year": 2030, "statuses": ["approved"]}

    def preview(page: int = 1) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("reports:batch"), {**query, "page": page})
        assert response.status_code == 200
        return len(captured), response.content.decode()

    factories.project(unit=unit, code="Z-000", year=2030, status=Status.APPROVED)
    few, page = preview()
    assert '共 <strong id="batch-count">1</strong> 个项目' in page
    for i in range(1, 61):
        factories.project(unit=unit, code=f"Z-{i:03d}", year=2030, status=Status.APPROVED)
    many, page = preview()
    assert many == few and '共 <strong id="batch-count">61</strong> 个项目' in page
    assert "Z-049" in page and "Z-050" not in page  # the export's order (unit, code), 50 a page
    _, second = preview(2)
    assert "Z-050" in second and "Z-060" in second and "Z-049" not in second
