"""A refused upload comes back marked: red cells with the error as a comment, and a 错误清单 sheet
linking to them (intake.error_workbook); only the uploader may download it."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.importer import RowError
from intake.error_workbook import (
    ERRORS_HEADER,
    ERRORS_SHEET,
    RED,
    AnnotationRefused,
    CellError,
    errors_annotate,
)
from intake.services import ERRORS_KEY, SESSION_KEY, TOKEN_REFUSED
from tests.workbooks import SEED000_ROWS, seed000_workbook

UPLOAD = reverse("intake:upload")
SHEET = "项目支出绩效自评表"


def broken(path: Path) -> Path:
    """Seed 000 with a 指标值 in words (E5) and a blank 分值 (K6): two cell errors."""
    rows = [list(r) for r in SEED000_ROWS]
    rows[1][3] = "≥七十款"
    rows[2][5] = None
    return seed000_workbook(path, rows=rows)


def errors_url(client) -> str:
    return reverse("intake:errors_workbook", args=[client.session[ERRORS_KEY]["token"]])


def upload(client, path: Path, name: str = "我的绩效表.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, path.read_bytes()), "year": "2022"})


# --- the marked workbook ------------------------------------------------------------------------


def test_cell_error_keeps_the_row_errors_cell_and_column_label() -> None:
    error = CellError.of(RowError(SHEET, 5, "年度指标值", "“七十”不是数字，请填写阿拉伯数字", column=8))
    assert (error.sheet, error.row, error.column, error.letter, error.cell) == (SHEET, 5, 8, "I", "I5")
    assert (error.label, error.problem, error.fix) == ("年度指标值", "“七十”不是数字", "请填写阿拉伯数字")
    assert CellError.of(RowError(SHEET, 7, "全年预算数", "为空")).cell == "A7"  # no column: the row's first cell
    assert CellError.of("工作簿中没有找到绩效指标表").row == 0


def test_bad_cells_are_red_with_the_error_as_comment_and_listed_with_links(tmp_path) -> None:
    path = broken(tmp_path / "b.xlsx")
    errors = [
        CellError(SHEET, 5, 8, "年度指标值", "“≥七十款”不是数字，请填写数字"),
        CellError(SHEET, 6, 10, "分值", "为空，请填写权重（分值）"),
        CellError(SHEET, 6, 10, "分值", "第二个错误"),
        CellError(SHEET, 4, 0, "项目名称", "合并单元格内的错误"),
        CellError("", 0, None, "", "没有单元格的错误"),
    ]
    book = load_workbook(BytesIO(errors_annotate(path=path, errors=errors, max_rows=100)))
    assert book.sheetnames[0] == ERRORS_SHEET and book.active.title == ERRORS_SHEET
    sheet = book[SHEET]
    assert sheet["I5"].fill.fgColor.rgb == RED.fgColor.rgb and "“≥七十款”不是数字" in sheet["I5"].comment.text
    assert sheet["K6"].comment.text == "分值：为空，请填写权重（分值）\n分值：第二个错误"
    assert sheet["A4"].comment.text.endswith("合并单元格内的错误")  # A4:A14 is merged: its top-left cell
    assert sheet["J5"].comment is None and sheet["J5"].fill.fgColor.rgb != RED.fgColor.rgb
    listed = list(book[ERRORS_SHEET].iter_rows(values_only=True))
    assert listed[0] == ERRORS_HEADER
    assert listed[1] == (SHEET, 5, "I", "年度指标值", "“≥七十款”不是数字", "请填写数字")
    assert listed[2][1:] == (6, "K", "分值", "为空", "请填写权重（分值）")
    assert listed[5] == (None, None, None, None, "没有单元格的错误", "按“错误”一栏的说明修改该单元格")
    link = book[ERRORS_SHEET]["A2"].hyperlink
    assert link.location == f"'{SHEET}'!I5"


def test_an_annotated_workbook_marked_again_keeps_one_list(tmp_path) -> None:
    path = broken(tmp_path / "b.xlsx")
    error = [CellError(SHEET, 5, 8, "年度指标值", "不是数字")]
    path.write_bytes(errors_annotate(path=path, errors=error, max_rows=100))
    book = load_workbook(BytesIO(errors_annotate(path=path, errors=error, max_rows=100)))
    assert book.sheetnames.count(ERRORS_SHEET) == 1 and book[ERRORS_SHEET].max_row == 2


def test_a_workbook_past_the_row_limit_is_not_marked(tmp_path) -> None:
    book = Workbook()
    for n in range(1, 40):
        book.active.append([n] * 30)
    book.active.merge_cells("A100:Z200")
    book.save(tmp_path / "big.xlsx")
    with pytest.raises(AnnotationRefused, match="超过 10 行"):
        errors_annotate(path=tmp_path / "big.xlsx", errors=[], max_rows=10)
    merged = Workbook()
    merged.active.merge_cells("A1:BH2000")  # 120,000 merged cells, no data
    merged.save(tmp_path / "merged.xlsx")
    with pytest.raises(AnnotationRefused):
        errors_annotate(path=tmp_path / "merged.xlsx", errors=[], max_rows=1000)


# --- the pages ----------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_a_refused_upload_offers_its_marked_copy(client, officer, tmp_path) -> None:
    client.force_login(officer)
    response = upload(client, broken(tmp_path / "b.xlsx"))
    page = response.content.decode()
    assert response.status_code == 400 and "下载标注错误的工作簿" in page and errors_url(client) in page
    assert "图表、图片等可能丢失" in page
    errors = response.context["outcome"].errors
    assert [(e.sheet, e.row, e.column, e.letter) for e in errors] == [(SHEET, "5", "年度指标值", "I"),
                                                                      (SHEET, "6", "分值", "K")]  # fmt: skip
    assert "年度指标值（I列）" in page  # the list stays on the page
    assert SESSION_KEY not in client.session  # nothing to confirm
    download = client.get(errors_url(client))
    assert download.status_code == 200 and "%E9%94%99%E8%AF%AF%E6%A0%87%E6%B3%A8" in download["Content-Disposition"]
    book = load_workbook(BytesIO(download.content))
    assert book[SHEET]["I5"].comment is not None and book[SHEET]["K6"].fill.fgColor.rgb == RED.fgColor.rgb
    assert [r[1] for r in book[ERRORS_SHEET].iter_rows(min_row=2, values_only=True)] == [5, 6]


def test_the_refused_upload_cannot_be_confirmed(client, officer, tmp_path) -> None:
    client.force_login(officer)
    upload(client, broken(tmp_path / "b.xlsx"))
    token = client.session[ERRORS_KEY]["token"]
    assert client.post(reverse("intake:confirm"), {"token": token}).status_code == 400


def test_a_new_upload_forgets_the_refused_one(client, officer, tmp_path) -> None:
    client.force_login(officer)
    upload(client, broken(tmp_path / "b.xlsx"))
    old = errors_url(client)
    upload(client, seed000_workbook(tmp_path / "ok.xlsx"))
    assert ERRORS_KEY not in client.session and client.get(old).status_code == 404


def test_another_users_token_is_404(client, officer, other_officer, tmp_path) -> None:
    client.force_login(officer)
    upload(client, broken(tmp_path / "b.xlsx"))
    url = errors_url(client)
    client.force_login(other_officer)
    response = client.get(url)
    assert response.status_code == 404 and TOKEN_REFUSED in response.content.decode()


@pytest.mark.parametrize("token", ["0" * 32, "x" * 32, "..%2F..%2Fetc", "令牌" * 16])
def test_an_unknown_token_is_404(client, officer, token, tmp_path) -> None:
    client.force_login(officer)
    upload(client, broken(tmp_path / "b.xlsx"))  # a refused upload is kept: the token is compared with its
    assert client.get(reverse("intake:errors_workbook", args=[token])).status_code == 404


def test_evaluator_gets_403(client, evaluator) -> None:
    client.force_login(evaluator)
    assert client.get(reverse("intake:errors_workbook", args=["0" * 32])).status_code == 403


def test_a_non_ascii_token_at_confirm_is_refused_not_a_crash(client, officer, tmp_path) -> None:
    client.force_login(officer)
    client.post(UPLOAD, {"file": SimpleUploadedFile("a.xlsx", seed000_workbook(tmp_path / "a.xlsx").read_bytes()),
                         "year": "2022"})  # fmt: skip
    assert SESSION_KEY in client.session
    assert client.post(reverse("intake:confirm"), {"token": "令牌" * 16}).status_code == 400


def test_post_gets_405(client, officer) -> None:
    client.force_login(officer)
    assert client.post(reverse("intake:errors_workbook", args=["0" * 32])).status_code == 405


def test_a_workbook_too_large_to_mark_says_so_on_the_page(client, officer, tmp_path, settings) -> None:
    client.force_login(officer)
    upload(client, broken(tmp_path / "b.xlsx"))
    settings.EVALSYS_UPLOAD_MAX_ROWS = 1  # lowered after the upload: the download refuses to mark it
    response = client.get(errors_url(client))
    assert response.status_code == 400 and "系统不为其标注错误" in response.content.decode()
