"""What the upload page says (issue 15 B21): skipped projects are no errors, the year comes from
the table's title and survives the skip re-run, and a table of targets only previews as 未评分."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from intake.selectors import YEAR_DIFFERS, YEAR_FROM_TITLE, YEAR_MATCHES_TITLE, title_year
from intake.services import SESSION_KEY
from projects.models import Project
from tests.indicators.test_import_trust import UNIT_B, workbook
from tests.intake.test_preview import ROWS, flat_workbook
from tests.intake.test_upload_trust import with_second_project
from tests.workbooks import seed000_workbook

pytestmark = pytest.mark.django_db

UPLOAD, CONFIRM, SKIP = reverse("intake:upload"), reverse("intake:confirm"), reverse("intake:skip")
TITLE = "2022年度项目支出绩效自评表"


def upload(client, path: Path, **data):
    return client.post(UPLOAD, {"file": SimpleUploadedFile("表.xlsx", path.read_bytes()), **data})


def titled(path: Path, title: str = TITLE) -> Path:
    """The workbook with a title row above its header, as printed tables have."""
    book = load_workbook(path)
    book.active.insert_rows(1)
    book.active["A1"] = title
    book.save(path)
    return path


def pending_year(client) -> int:
    return client.session[SESSION_KEY]["year"]


# --- skipping is no error ---------------------------------------------------------------------


def test_skipping_only_other_units_projects_says_they_were_skipped_not_errors(tmp_path, client, officer) -> None:
    path = with_second_project(workbook(tmp_path / "b.xlsx", unit=UNIT_B), code="B-0002", unit=UNIT_B)
    client.force_login(officer)
    upload(client, path, year="2022")
    response = client.post(SKIP, {"token": client.session[SESSION_KEY]["token"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "处错误" not in page and "请修改后重新上传" not in page and "import-errors" not in page
    assert "工作簿中的 2 个项目都不属于本单位" in page and "跳过不是错误" in page and "没有可导入的项目" in page
    assert page.count("140002-内蒙古妇女干部学校") == 2  # both skipped projects listed with their reason
    assert "已跳过的项目（不会写入）" in page and "确认导入" not in page and Project.objects.count() == 0


def test_skipping_some_says_how_many_are_imported_and_skipped(tmp_path, client, officer) -> None:
    path = with_second_project(workbook(tmp_path / "mixed.xlsx"), code="B-0001", unit=UNIT_B)
    client.force_login(officer)
    page = upload(client, path, year="2022", skip_refused="on").content.decode()
    assert "将导入 1 个项目；跳过 1 个其他单位的或已提交、已审核的项目。跳过不是错误" in page
    assert "处错误" not in page and "确认导入" in page


def test_before_skipping_the_refused_projects_are_reasons_not_fixes(tmp_path, client, officer) -> None:
    path = with_second_project(workbook(tmp_path / "mixed.xlsx"), code="B-0001", unit=UNIT_B)
    client.force_login(officer)
    page = upload(client, path, year="2022").content.decode()
    assert "不能导入的原因" in page and "问题与修改方法" not in page and "处错误" not in page


# --- the year ---------------------------------------------------------------------------------


@pytest.mark.parametrize("title", [TITLE, "（2022年度）", "2022 年度 项目支出绩效自评表"])
def test_the_title_names_the_year(tmp_path, title) -> None:
    assert title_year(titled(workbook(tmp_path / "t.xlsx"), title)) == (2022, title)


def test_a_table_without_a_title_year_has_none(tmp_path) -> None:
    """The header's 年度指标值 and a project named 2022年… are no title."""
    path = workbook(tmp_path / "t.xlsx", name="2022年北疆布丝瑰创业就业行动")
    assert title_year(path) is None
    assert title_year(titled(path, "项目支出绩效自评表")) is None


def test_a_year_below_the_title_rows_is_not_read(tmp_path) -> None:
    book = Workbook()
    for _ in range(8):
        book.active.append([""])
    book.active.append(["2019年度"])
    book.save(tmp_path / "late.xlsx")
    assert title_year(tmp_path / "late.xlsx") is None


def test_left_blank_the_year_is_the_titles_and_the_page_says_so(tmp_path, client, officer) -> None:
    client.force_login(officer)
    response = upload(client, seed000_workbook(tmp_path / "s.xlsx"))  # titled （2022年度）
    page = response.content.decode()
    assert response.status_code == 200 and pending_year(client) == 2022
    assert YEAR_FROM_TITLE.format(year=2022, title="（2022年度）") in page and "import-year" in page
    client.post(CONFIRM, {"token": client.session[SESSION_KEY]["token"]})
    assert Project.objects.get().year == 2022


def test_a_typed_year_that_differs_from_the_title_is_kept_with_a_warning(tmp_path, client, officer) -> None:
    client.force_login(officer)
    page = upload(client, titled(workbook(tmp_path / "t.xlsx")), year="2025").content.decode()
    assert pending_year(client) == 2025
    assert YEAR_DIFFERS.format(year=2025, title=TITLE, found=2022) in page and "alert-warning py-2 import-year" in page


def test_a_typed_year_that_matches_the_title_is_confirmed(tmp_path, client, officer) -> None:
    client.force_login(officer)
    page = upload(client, titled(workbook(tmp_path / "t.xlsx")), year="2022").content.decode()
    assert YEAR_MATCHES_TITLE.format(year=2022, title=TITLE) in page


def test_without_a_title_year_a_blank_year_is_last_year_with_a_warning(tmp_path, client, officer) -> None:
    client.force_login(officer)
    page = upload(client, workbook(tmp_path / "t.xlsx")).content.decode()
    last = timezone.localdate().year - 1
    assert pending_year(client) == last and f"按 {last} 年度试运行（表格标题中没有年度）" in page


def test_the_skip_rerun_keeps_the_year_of_the_upload(tmp_path, client, officer) -> None:
    path = with_second_project(titled(workbook(tmp_path / "mixed.xlsx")), code="B-0001", unit=UNIT_B)
    client.force_login(officer)
    upload(client, path)
    assert pending_year(client) == 2022
    page = client.post(SKIP, {"token": client.session[SESSION_KEY]["token"]}).content.decode()
    assert 'name="year" value="2022"' in page and pending_year(client) == 2022
    assert YEAR_MATCHES_TITLE.format(year=2022, title=TITLE) in page


def test_the_blank_form_does_not_guess_a_year(client, officer) -> None:
    client.force_login(officer)
    page = client.get(UPLOAD).content.decode()
    assert 'placeholder="按表格标题"' in page and 'name="year" value=' not in page


# --- a table of targets only ------------------------------------------------------------------


def test_a_table_of_targets_only_previews_as_unscored_as_the_list_shows_it(tmp_path, client, officer) -> None:
    targets = [(*row[:-1], "") for row in ROWS]
    path = flat_workbook(tmp_path / "targets.xlsx", 1, rows=targets, budget=(100, None))
    client.force_login(officer)
    page = upload(client, path, year="2022").content.decode()
    preview = page[page.index("import-preview") :]
    assert "未评分" in preview and "preview-unscored" in preview
    assert 'preview-total">0.00' not in preview and "等级 差" not in preview and "<strong>差</strong>" not in preview
    client.post(CONFIRM, {"token": client.session[SESSION_KEY]["token"]})
    listed = client.get(reverse("projects:list"), {"year": 2022}).content.decode()
    assert Project.objects.get().scored is False and "未评分" in listed


def test_a_scored_table_still_previews_its_total_and_grade(tmp_path, client, officer) -> None:
    client.force_login(officer)
    page = upload(client, flat_workbook(tmp_path / "done.xlsx", 1), year="2022").content.decode()
    preview = page[page.index("import-preview") :]
    assert 'class="preview-total">100.00</strong>' in preview and "preview-unscored" not in preview
