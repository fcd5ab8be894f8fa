"""The upload page keeps the unit wall and the workflow's lock (issue "Trust", items 1, 2, 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator
from intake.services import SESSION_KEY, UPLOAD_DIR
from projects.models import Project, Status
from tests import factories
from tests.indicators.test_import_trust import UNIT_A, UNIT_B, workbook
from tests.workbooks import SEED000_CODE

pytestmark = pytest.mark.django_db

UPLOAD, CONFIRM, SKIP = reverse("intake:upload"), reverse("intake:confirm"), reverse("intake:skip")


def upload(client, path: Path, **data):
    file = SimpleUploadedFile("表.xlsx", path.read_bytes())
    return client.post(UPLOAD, {"file": file, "year": "2022", **data})


def uploads() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    return sorted(folder.glob("*")) if folder.exists() else []


def token(client) -> str:
    return client.session[SESSION_KEY]["token"]


def state() -> list:
    return [list(Project.objects.order_by("pk").values_list()), list(Indicator.objects.order_by("pk").values_list())]


@pytest.fixture
def project_a(tmp_path, client, officer):
    client.force_login(officer)
    upload(client, workbook(tmp_path / "a.xlsx"))
    client.post(CONFIRM, {"token": token(client)})
    client.logout()
    return Project.objects.get(code=SEED000_CODE)


def with_second_project(path: Path, *, code: str, unit: str) -> Path:
    """Append a second project (the same rows under another code and unit) to the workbook."""
    wb = load_workbook(path)
    ws = wb.active
    for row in list(ws.iter_rows(min_row=2, values_only=True)):
        ws.append([code if row[0] else "", row[1], unit if row[2] else "", *row[3:]])
    wb.save(path)
    return path


def test_another_units_officer_cannot_take_over_a_project_through_confirm(tmp_path, client, project_a,
                                                                           other_officer) -> None:  # fmt: skip
    """The attack as reported: unit A's code with unit B in 单位名称, then 确认导入."""
    before = state()
    client.force_login(other_officer)
    response = upload(client, workbook(tmp_path / "b.xlsx", unit=UNIT_B, actual="1期"))
    page = response.content.decode()
    assert response.status_code == 400 and "已有编码为" in page and "其他单位的项目" in page
    assert "确认导入" not in page
    response = client.post(CONFIRM, {"token": token(client)})  # forcing the confirm anyway
    assert response.status_code == 400
    assert state() == before
    assert Project.objects.get(pk=project_a.pk).unit.code == "140001"


def test_officer_skips_locked_and_foreign_projects_and_imports_the_rest(tmp_path, client, project_a,
                                                                        officer) -> None:  # fmt: skip
    factories.set_status(Project.objects.filter(pk=project_a.pk), Status.APPROVED)
    approved = state()[1]
    path = with_second_project(workbook(tmp_path / "mixed.xlsx", actual="2期"), code="NEW-0001", unit=UNIT_A)
    client.force_login(officer)
    response = upload(client, path)
    page = response.content.decode()
    assert response.status_code == 400 and "须先由管理员重新打开" in page and "只导入本单位的项目，重新试运行" in page
    response = client.post(SKIP, {"token": token(client)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "将跳过的项目" in page and "须先由管理员重新打开" in page and "跳过 1 个项目" in page
    assert "项目 新建 1 个" in page and "确认导入" in page
    response = client.post(CONFIRM, {"token": token(client)})
    assert response.status_code == 302
    assert Project.objects.filter(code="NEW-0001", unit__code="140001").exists()
    assert [r for r in state()[1] if r[1] == project_a.pk] == [r for r in approved if r[1] == project_a.pk]
    assert uploads() == []


def test_the_skip_choice_can_be_made_at_upload(tmp_path, client, project_a, officer) -> None:
    path = with_second_project(workbook(tmp_path / "mixed.xlsx"), code="B-0001", unit=UNIT_B)
    client.force_login(officer)
    response = upload(client, path, skip_refused="on")
    page = response.content.decode()
    assert response.status_code == 200 and "将跳过的项目" in page and "140002-内蒙古妇女干部学校" in page


def test_skipping_everything_leaves_nothing_to_import(tmp_path, client, project_a, other_officer) -> None:
    client.force_login(other_officer)
    upload(client, workbook(tmp_path / "b.xlsx", unit=UNIT_B))
    response = client.post(SKIP, {"token": token(client)})
    # nothing is wrong with the workbook: the page says everything was skipped (tests/intake/test_upload_page.py)
    assert response.status_code == 200 and "没有可导入的项目" in response.content.decode()
    assert uploads() == [] and SESSION_KEY not in client.session


def test_skip_needs_the_sessions_token(client, officer) -> None:
    client.force_login(officer)
    assert client.post(SKIP, {"token": "0" * 32}).status_code == 400


@pytest.mark.parametrize("method", ["get", "put"])
def test_skip_is_post_only(client, officer, method) -> None:
    client.force_login(officer)
    assert getattr(client, method)(SKIP).status_code == 405


def test_evaluator_cannot_skip(client, evaluator) -> None:
    client.force_login(evaluator)
    assert client.post(SKIP, {"token": "0" * 32}).status_code == 403


def test_a_failure_of_any_kind_leaves_no_upload_behind(tmp_path, client, officer, monkeypatch) -> None:
    """Item 14: an upload whose dry run crashed stayed in MEDIA_ROOT/uploads."""
    import intake.services

    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(intake.services, "workbook_import", crash)
    client.force_login(officer)
    client.raise_request_exception = False
    response = upload(client, workbook(tmp_path / "a.xlsx"))
    assert response.status_code == 500
    assert uploads() == []


def test_an_upload_past_the_pages_row_limit_is_refused_with_the_way_out(tmp_path, client, officer, settings) -> None:
    settings.EVALSYS_UPLOAD_MAX_ROWS = 2
    client.force_login(officer)
    response = upload(client, workbook(tmp_path / "a.xlsx"))
    page = response.content.decode()
    assert response.status_code == 400 and "超过 2 行" in page and "请拆分为多个工作簿" in page
    assert uploads() == [] and not Project.objects.exists()
