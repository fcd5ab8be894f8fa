"""The 复核 page and its downloads: roles, units, uploads (tables and zips), files."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from recheck import archive
from recheck.forms import NOT_TABLE
from tests.recheck.tables import CODE, NAME, RULE_SCORES, flat_table, national_form

pytestmark = pytest.mark.django_db
PAGE = reverse("recheck:page")


def upload(path, name: str = "自评表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes())


def zipped(files: dict[str, bytes]) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return SimpleUploadedFile("批量.zip", out.getvalue())


def post(client, user, file, **data):
    client.force_login(user)
    return client.post(PAGE, {"file": file, "year": 2022, **data})


def truncated_form(tmp_path):
    scores = list(RULE_SCORES)
    scores[5] = 3  # 3.50 by rule, cut to whole points
    return national_form(tmp_path / "t.xlsx", scores, level3={0: '=HYPERLINK("http://x")'})


# --- the page -----------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client):
    assert client.get(PAGE)["Location"].startswith("/login/")


def test_a_user_without_a_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("plain", password="x-pass-2026"))
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize("who", ["officer", "evaluator", "admin_user"])
def test_every_role_opens_the_page_from_the_navigation(client, request, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(PAGE).content.decode()
    assert f'href="{PAGE}">复核</a>' in page and "上传并复核" in page


def test_happy_path_highlights_the_deviating_row(client, officer, tmp_path):
    response = post(client, officer, upload(truncated_form(tmp_path)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "复核 1 个项目、11 行指标：偏差 1 处，涉及 0.50 分。" in page
    row = page.split('class="table-warning deviation"')[1].split("</tr>")[0]
    assert "基础手工技能培训完成周期" in row and "<td>3.00</td>" in row and "<td>3.50</td>" in row
    assert "截断未四舍五入" in row  # the cause's Chinese label (scoring.labels)
    assert "公布 3.00 是规则得分 3.5 截断到整数（未四舍五入）的结果" in row
    assert page.count("deviation") == 1


def test_a_table_equal_to_the_rules_says_so(client, evaluator, tmp_path):
    page = post(client, evaluator, upload(flat_table(tmp_path / "t.xlsx"))).content.decode()
    assert "偏差 0 处，涉及 0.00 分" in page and "公布得分与评分规则一致" in page


def test_the_sums_that_do_not_add_up_are_listed(client, admin_user, tmp_path):
    page = post(client, admin_user, upload(national_form(tmp_path / "t.xlsx", total=95, grade="良"))).content.decode()
    assert "公布总分 95.00，按规则应为 93.62" in page
    assert "公布等级“良”与总分 95.00 应得的等级“优”不符" in page


def test_another_units_officer_sees_nothing_of_that_unit(client, other_officer, tmp_path):
    response = post(client, other_officer, upload(truncated_form(tmp_path)))
    page = response.content.decode()
    assert response.status_code == 200
    assert CODE not in page and NAME not in page and "基础手工技能培训" not in page
    assert "该项目不属于本单位，未显示" in page


def test_a_table_with_nothing_of_ones_own_says_nothing_was_checked(client, other_officer, tmp_path):
    """Issue 15 B16: it said, in green, 公布得分与评分规则一致 having checked nothing."""
    page = post(client, other_officer, upload(flat_table(tmp_path / "t.xlsx"))).content.decode()
    assert "公布得分与评分规则一致" not in page and "alert-success" not in page
    assert "没有可复核的项目：这张自评表中没有本单位（140002-内蒙古妇女干部学校）的项目，未复核任何得分" in page
    assert "该项目不属于本单位，未显示" in page
    client.force_login(other_officer)
    table = flat_table(tmp_path / "z.xlsx").read_bytes()
    page = client.post(PAGE, {"file": zipped({"甲.xlsx": table}), "year": 2022}).content.decode()
    assert "无可复核项目" in page and "无差异" not in page


def test_a_bad_upload_re_renders_with_a_chinese_error(client, officer):
    response = post(client, officer, SimpleUploadedFile("表.csv", b"a,b"), scheme="department")
    assert response.status_code == 400
    assert str(NOT_TABLE) in response.content.decode()
    assert response.context["form"]["scheme"].value() == "department"  # the input is kept


def test_an_unreadable_table_shows_the_imports_row_errors(client, officer, tmp_path):
    rows = list(RULE_SCORES)
    rows[1] = "八分"
    response = post(client, officer, upload(flat_table(tmp_path / "t.xlsx", rows)))
    assert response.status_code == 400
    assert "绩效自评表!第4行 得分：“八分”不是得分" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method_is_405(client, officer, method):
    client.force_login(officer)
    assert getattr(client, method)(PAGE).status_code == 405
    assert client.post(reverse("recheck:download", args=["xlsx"])).status_code == 405


# --- downloads ------------------------------------------------------------------------------------


def test_the_findings_download_as_xlsx_adds_recheck_and_difference_columns(client, officer, tmp_path):
    post(client, officer, upload(truncated_form(tmp_path)))
    response = client.get(reverse("recheck:download", args=["xlsx"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["复核明细"]
    header = [c.value for c in sheet[1]]
    assert header[9:13] == ["分值", "得分", "复核得分", "差异"]
    rows = {r[6].value: r for r in sheet.iter_rows(min_row=2)}
    cut = rows["基础手工技能培训完成周期"]
    assert (cut[10].value, cut[11].value, cut[12].value, cut[13].value) == (3, 3.5, -0.5, "截断未四舍五入")
    assert cut[0].fill.fgColor.rgb.endswith("FFF3CD")
    injected = sheet.cell(2, 7)  # a 三级 that a spreadsheet would run: kept as text
    assert (injected.value, injected.data_type, injected.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)


def test_the_findings_download_as_json_has_the_contract_shape(client, officer, tmp_path):
    post(client, officer, upload(truncated_form(tmp_path)))
    data = json.loads(client.get(reverse("recheck:download", args=["json"])).content)
    (project,) = data["projects"]
    assert (project["code"], project["scheme"], project["rows"]) == (CODE, "national", 11)
    assert [(d["published"], d["computed"], d["cause"]) for d in project["deviations"]] == [
        ("3.00", "3.50", "truncated")
    ]


def test_a_download_without_an_upload_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("recheck:download", args=["xlsx"])).status_code == 404


def test_the_download_is_checked_again_with_the_users_rights(client, officer, other_officer, tmp_path):
    post(client, other_officer, upload(truncated_form(tmp_path)))
    data = json.loads(client.get(reverse("recheck:download", args=["json"])).content)
    assert data["projects"] == [] and CODE not in json.dumps(data, ensure_ascii=False)


# --- batches --------------------------------------------------------------------------------------


def test_a_zip_gives_one_line_per_table_and_a_summary_workbook(client, evaluator, tmp_path):
    files = {"甲/a.xlsx": flat_table(tmp_path / "a.xlsx").read_bytes(),
             "b.xlsx": truncated_form(tmp_path).read_bytes(), "说明.txt": b"readme"}  # fmt: skip
    page = post(client, evaluator, zipped(files)).content.decode()
    assert "批量.zip：2 个自评表" in page and "未复核（不是 .xlsx 工作簿）：说明.txt" in page
    response = client.get(reverse("recheck:download", args=["summary"]))
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert [r[:6] for r in rows[1:]] == [["甲/a.xlsx", 1, 11, 0, 0, "无差异"], ["b.xlsx", 1, 11, 1, 0.5, "有差异"]]
    assert client.get(reverse("recheck:download", args=["xlsx"])).status_code == 404  # one table's file only


def test_a_zip_member_named_with_control_characters_is_in_the_summary(client, evaluator, tmp_path):
    """Issue 15 A8: such a name made the summary download a 500 (openpyxl's IllegalCharacterError)."""
    files = {"a\x01b.xlsx": flat_table(tmp_path / "a.xlsx").read_bytes(),
             "c\x1b[31m\x0b.xlsx": flat_table(tmp_path / "c.xlsx").read_bytes()}  # fmt: skip
    assert post(client, evaluator, zipped(files)).status_code == 200
    response = client.get(reverse("recheck:download", args=["summary"]))
    assert response.status_code == 200
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert [r[:2] for r in rows[1:]] == [["a\ufffdb.xlsx", 1], ["c\ufffd[31m\ufffd.xlsx", 1]]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"../evil.xlsx": b"x"}, "压缩包中的路径“../evil.xlsx”不安全"),
        ({"/etc/evil.xlsx": b"x"}, "压缩包中的路径“/etc/evil.xlsx”不安全"),
        ({"inner.zip": b"PK"}, "压缩包中不能再含压缩包（“inner.zip”）"),
        ({f"{i}.xlsx": b"x" for i in range(archive.MAX_MEMBERS + 1)}, "压缩包中的文件超过 50 个"),
        ({"a.txt": b"x"}, "压缩包中没有 .xlsx 工作簿"),
    ],
)
def test_a_hostile_zip_is_refused_with_the_reason(client, admin_user, files, message):
    response = post(client, admin_user, zipped(files))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_zip_member_that_unpacks_too_large_is_refused(client, admin_user, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBER_MB", 0)  # 0 MB: any byte is too many
    response = post(client, admin_user, zipped({"a.xlsx": b"x" * 10}))
    assert "压缩包中的“a.xlsx”解压后超过 0 MB" in response.content.decode()


def test_a_broken_workbook_in_a_zip_is_one_unreadable_line(client, admin_user):
    page = post(client, admin_user, zipped({"a.xlsx": b"not a workbook"})).content.decode()
    assert "无法读取" in page


def test_the_page_reads_the_database_a_fixed_number_of_times(client, officer, tmp_path, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(12):  # session, user, role, unit (twice), schemes, codes, nav, session
        response = client.post(PAGE, {"file": upload(truncated_form(tmp_path)), "year": 2022})
    assert response.status_code == 200
