"""Uploading a 项目支出绩效表: dry-run preview, 确认导入, and who may do it (style.md checklist)."""

from __future__ import annotations

import json
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from indicators.models import Indicator
from indicators.services import NO_TABLE
from intake.forms import NOT_XLSX
from intake.services import SESSION_KEY, TOKEN_REFUSED, UPLOAD_DIR
from projects.models import Project
from tests.workbooks import SEED000_CODE, SEED000_ROWS, seed000_workbook, seed001_workbook

pytestmark = pytest.mark.django_db

UPLOAD = reverse("intake:upload")
CONFIRM = reverse("intake:confirm")


def xlsx(path: Path, name: str = "绩效表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/vnd.ms-excel")


def uploads() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    return sorted(folder.glob("*")) if folder.exists() else []


def counts() -> tuple[int, int]:
    return Project.objects.count(), Indicator.objects.count()


@pytest.fixture
def seed000(tmp_path) -> Path:
    return seed000_workbook(tmp_path / "seed000.xlsx")


@pytest.fixture
def seed001(tmp_path) -> Path:
    return seed001_workbook(tmp_path / "seed001.xlsx")


def preview(client, path: Path, **data):
    return client.post(UPLOAD, {"file": xlsx(path), "year": "2022", **data})


def token_of(client) -> str:
    return client.session[SESSION_KEY]["token"]


# --- happy path -------------------------------------------------------------------------------


def test_officer_sees_the_upload_form(client, officer) -> None:
    client.force_login(officer)
    response = client.get(UPLOAD)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="file"' in page and 'name="year"' in page and "140001-内蒙古自治区妇女联合会" in page
    assert 'name="scheme"' not in page  # the scheme is the admin's choice


def test_preview_shows_the_summary_and_writes_nothing(client, officer, seed000) -> None:
    client.force_login(officer)
    response = preview(client, seed000)
    page = response.content.decode()
    assert response.status_code == 200
    assert "试运行（未写入任何数据）：项目 新建 1 个、更新 0 个、未变 0 个；指标 新建 11 条" in page
    assert "确认导入" in page and f'value="{token_of(client)}"' in page
    assert counts() == (0, 0)
    assert [p.name for p in uploads()] == [f"{token_of(client)}.xlsx"]


def test_preview_lists_the_workbook_warnings(client, officer, seed000) -> None:
    client.force_login(officer)
    page = preview(client, seed000).content.decode()
    # seed 000: 基础手工技能培训完成周期 took 10 of ≤7 months, so it is worth a look before importing
    assert "提示（不影响导入，请核对）" in page


def test_confirm_writes_what_the_preview_said_and_deletes_the_upload(client, officer, seed000) -> None:
    client.force_login(officer)
    preview(client, seed000)
    response = client.post(CONFIRM, {"token": token_of(client)})
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:list") + "?year=2022"
    assert counts() == (1, 11)
    project = Project.objects.get(code=SEED000_CODE, year=2022)
    assert project.unit == officer.membership.unit
    out = StringIO()
    call_command("score", SEED000_CODE, "--year", "2022", "--json", stdout=out)
    scored = json.loads(out.getvalue())
    assert len(scored["indicators"]) == 11
    assert (scored["total"], scored["grade"]) == ("93.62", "优")  # domain.md §5
    assert uploads() == [] and SESSION_KEY not in client.session
    assert "导入完成：项目 新建 1 个" in client.get(response["Location"]).content.decode()


def test_reimport_previews_updates_not_creations(client, officer, seed000) -> None:
    client.force_login(officer)
    preview(client, seed000)
    client.post(CONFIRM, {"token": token_of(client)})
    page = preview(client, seed000).content.decode()
    assert "项目 新建 0 个、更新 0 个、未变 1 个；指标 新建 0 条、更新 0 条、未变 11 条" in page


def test_a_new_upload_replaces_the_pending_one(client, officer, seed000) -> None:
    client.force_login(officer)
    preview(client, seed000)
    first = token_of(client)
    preview(client, seed000)
    assert token_of(client) != first
    assert [p.name for p in uploads()] == [f"{token_of(client)}.xlsx"]
    assert client.post(CONFIRM, {"token": first}).status_code == 400


def test_admin_imports_any_unit_with_a_chosen_scheme(client, admin_user, seed001) -> None:
    client.force_login(admin_user)
    page = client.get(UPLOAD).content.decode()
    assert 'name="scheme"' in page
    response = preview(client, seed001, scheme="national_letters")
    assert response.status_code == 200, response.content.decode()
    assert "评分方案：国家标准" in response.content.decode()
    assert counts() == (0, 0)
    client.post(CONFIRM, {"token": token_of(client)})
    units = set(Project.objects.values_list("unit__code", flat=True))
    assert units == {"140001", "140002"}
    assert set(Project.objects.values_list("scheme", flat=True)) == {"national_letters"}


def test_officer_cannot_choose_a_scheme(client, officer, seed000) -> None:
    client.force_login(officer)
    preview(client, seed000, scheme="hubei")
    client.post(CONFIRM, {"token": token_of(client)})
    assert Project.objects.get().scheme == "national"


# --- other unit -------------------------------------------------------------------------------


def test_officer_uploading_another_units_rows_is_refused_naming_them(client, officer, seed001) -> None:
    client.force_login(officer)
    response = preview(client, seed001)
    page = response.content.decode()
    assert response.status_code == 400
    assert "未写入任何数据" in page and "140002" in page and "您只能导入本单位（140001-内蒙古自治区妇女联合会）" in page
    assert "第" in page and "单位名称" in page  # sheet, row and column of each refused project
    assert "确认导入" not in page and "只导入本单位的项目，重新试运行" in page
    # the upload waits, so that the officer can preview it again without the other unit's rows
    assert counts() == (0, 0) and len(uploads()) == 1 and SESSION_KEY in client.session


def test_other_officer_cannot_import_unit_a_workbook(client, other_officer, seed000) -> None:
    client.force_login(other_officer)
    response = preview(client, seed000)
    assert response.status_code == 400 and "140001" in response.content.decode()
    assert counts() == (0, 0)


# --- wrong role, wrong method, anonymous ------------------------------------------------------


@pytest.mark.parametrize("method,url", [("get", UPLOAD), ("post", UPLOAD), ("post", CONFIRM)])
def test_evaluator_gets_403(client, evaluator, method, url) -> None:
    client.force_login(evaluator)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("method,url", [("put", UPLOAD), ("delete", UPLOAD), ("get", CONFIRM), ("put", CONFIRM)])
def test_wrong_method_gets_405(client, officer, method, url) -> None:
    client.force_login(officer)
    assert getattr(client, method)(url).status_code == 405


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get(UPLOAD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- invalid input ----------------------------------------------------------------------------


def test_non_xlsx_file_is_refused_at_the_field_keeping_the_year(client, officer) -> None:
    client.force_login(officer)
    csv = SimpleUploadedFile("绩效表.csv", "项目名称,一级指标\n".encode(), content_type="text/csv")
    response = client.post(UPLOAD, {"file": csv, "year": "2021"})
    page = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [NOT_XLSX]
    assert NOT_XLSX in page and 'value="2021"' in page
    assert uploads() == []


def test_unreadable_xlsx_is_refused_at_the_field(client, officer) -> None:
    client.force_login(officer)
    broken = SimpleUploadedFile("绩效表.xlsx", b"PK\x03\x04 not really a workbook")
    response = client.post(UPLOAD, {"file": broken, "year": "2022"})
    assert response.status_code == 400
    assert "无法读取工作簿" in response.context["form"].errors["file"][0]
    assert 'value="2022"' in response.content.decode() and uploads() == []


def test_missing_file_and_bad_year_are_reported(client, officer) -> None:
    client.force_login(officer)
    response = client.post(UPLOAD, {"year": "1999"})
    errors = response.context["form"].errors
    assert response.status_code == 400 and set(errors) == {"file", "year"}
    assert 'value="1999"' in response.content.decode()


def test_workbook_without_an_indicator_table_is_refused(client, officer) -> None:
    client.force_login(officer)
    wb, buffer = Workbook(), BytesIO()
    wb.active.append(["说明", "这里没有指标表"])
    wb.save(buffer)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("空表.xlsx", buffer.getvalue()), "year": "2022"})
    assert response.status_code == 400 and NO_TABLE in response.content.decode()
    assert uploads() == [] and SESSION_KEY not in client.session


def test_invalid_row_lists_sheet_row_column_and_fix(client, officer, tmp_path) -> None:
    rows = [list(r) for r in SEED000_ROWS]
    rows[1][3] = "≥七十款"  # 年度指标值 that is not a number
    client.force_login(officer)
    response = preview(client, seed000_workbook(tmp_path / "bad.xlsx", rows=rows))
    errors = response.context["outcome"].errors
    assert response.status_code == 400 and len(errors) >= 1
    first = errors[0]
    assert (first.sheet, first.row, first.column) == ("项目支出绩效自评表", "5", "年度指标值")
    assert first.fix and counts() == (0, 0)


# --- the token --------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["", "0" * 32, "../../../etc/passwd", "x" * 32])
def test_forged_or_unknown_token_is_refused(client, officer, seed000, token) -> None:
    client.force_login(officer)
    preview(client, seed000)
    pending = token_of(client)
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 400 and TOKEN_REFUSED in response.content.decode()
    assert counts() == (0, 0)
    assert [p.name for p in uploads()] == [f"{pending}.xlsx"]  # the real pending upload is untouched


def test_token_without_a_pending_upload_is_refused(client, officer) -> None:
    client.force_login(officer)
    response = client.post(CONFIRM, {"token": "a" * 32})
    assert response.status_code == 400 and TOKEN_REFUSED in response.content.decode()


def test_another_users_token_is_refused(client, officer, seed000) -> None:
    client.force_login(officer)
    preview(client, seed000)
    token = token_of(client)
    client.logout()
    client.force_login(officer)  # a fresh session, as another browser would have
    assert client.post(CONFIRM, {"token": token}).status_code == 400
    assert counts() == (0, 0)


def test_a_token_is_used_once(client, officer, seed000) -> None:
    client.force_login(officer)
    preview(client, seed000)
    token = token_of(client)
    assert client.post(CONFIRM, {"token": token}).status_code == 302
    assert client.post(CONFIRM, {"token": token}).status_code == 400


def test_unknown_scheme_is_a_field_error_for_admins(client, admin_user, seed000) -> None:
    client.force_login(admin_user)
    response = preview(client, seed000, scheme="nope")
    assert response.status_code == 400 and "scheme" in response.context["form"].errors
    assert uploads() == []
