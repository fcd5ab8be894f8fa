"""The blank workbook to fill (intake.template_workbook): the import's layout, drop-downs, header
comments, an example project, and it imports back unchanged."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.services import workbook_import
from intake.template_workbook import COLUMNS, EXAMPLE_NAME, LISTS, SHEET, example_rows, template_build
from scoring.schemes import DEPARTMENT, NATIONAL, SCHEMES
from tests import factories

TEMPLATE = reverse("intake:template")
UNIT_A = "140001-内蒙古自治区妇女联合会"


def book_of(content: bytes):
    return load_workbook(BytesIO(content))


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(SCHEMES))
def test_the_template_imports_back_without_errors_or_warnings(tmp_path, key) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_build(scheme=SCHEMES[key], year=2025, unit=UNIT_A))
    report = workbook_import(path=path, year=2025, scheme_key=key, dry_run=True, user=None)
    [p] = report.previews
    assert p.label == f"15000025T000000000001-{EXAMPLE_NAME}" and p.unit == UNIT_A
    expected = [(l1, l2, cells[0]) for l1, l2, cells, _ in example_rows(SCHEMES[key])]
    assert [(r.level1, r.level2, r.level3) for r in p.rows] == expected
    assert report.warnings == [] and report.projects_created == 1


@pytest.mark.django_db
def test_the_national_example_reads_as_a_real_self_evaluation(tmp_path) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_build(scheme=NATIONAL, year=2025, unit=UNIT_A))
    [p] = workbook_import(path=path, year=2025, dry_run=True, user=None).previews
    assert (p.budget.annual, p.budget.executed, p.budget.rate) == ("100.00", "95.00", "95.00")
    rows = {r.level3: r for r in p.rows}
    assert (rows["培训人次"].comparator, rows["培训人次"].target, rows["培训人次"].unit) == ("≥", "500", "人次")
    assert rows["带动妇女就业"].comparator == "定性" and rows["带动妇女就业"].actual == "达成"
    assert rows["培训合格率"].score < rows["培训合格率"].weight  # a shortfall, with its reason filled
    assert sum(float(r.weight) for r in p.rows) == 90 and p.grade == "优"


def test_headers_carry_comments_a_frozen_row_and_widths() -> None:
    sheet = book_of(template_build(scheme=NATIONAL, year=2025))[SHEET]
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert all(cell.comment is not None and cell.comment.text.startswith(cell.value) for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == COLUMNS[0].width and sheet.column_dimensions["I"].width > 20


def test_drop_downs_offer_the_schemes_names_and_dependent_level2_lists() -> None:
    book = book_of(template_build(scheme=DEPARTMENT, year=2025))
    sheet, lists = book[SHEET], book[LISTS]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"] if c.value] == list(DEPARTMENT.level1_names)
    rules = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert rules["G2:G1001"] == "L1"
    assert rules["H2:H1001"] == 'INDIRECT("L2_"&MATCH($G2,L1,0))'
    assert rules["J2:J1001"] == '"≥,>,≤,<,=,定性"' and rules["N2:N1001"] == '"正向,反向"'
    for index, level1 in enumerate(DEPARTMENT.level1_names, start=1):
        name = book.defined_names[f"L2_{index}"]
        sheet_name, ref = next(iter(name.destinations))
        assert sheet_name == LISTS
        assert [c.value for row in lists[ref.replace("$", "")] for c in row] == list(DEPARTMENT.level2_for(level1))


# --- the view ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_downloads_the_template_with_their_unit_and_scheme(client, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="A1", year=2024, scheme="hubei")
    client.force_login(officer)
    assert 'value="hubei" selected' in client.get(reverse("intake:upload")).content.decode()
    response = client.get(TEMPLATE)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert disposition_name(response) == "项目支出绩效自评表模板（湖北（预算执行 20 分，指标 80 分））.xlsx"
    sheet = book_of(response.content)[SHEET]
    assert sheet["B2"].value == UNIT_A


@pytest.mark.django_db
def test_the_chosen_scheme_is_used_and_an_unknown_one_falls_back(client, officer) -> None:
    client.force_login(officer)
    chosen = disposition_name(client.get(TEMPLATE, {"template_scheme": "department_letters"}))
    assert chosen == "项目支出绩效自评表模板（部门评价（决策 20 - 过程 20 - 产出 40 - 效益 20），A-B-C-D 等级）.xlsx"
    assert disposition_name(client.get(TEMPLATE, {"template_scheme": "nope"})) == "项目支出绩效自评表模板.xlsx"


@pytest.mark.django_db
def test_the_default_template_has_a_plain_chinese_name(client, officer) -> None:
    """Issue 15 B21: the name ended in `-national`; RFC 5987 filename* with an ASCII fallback."""
    client.force_login(officer)
    disposition = client.get(TEMPLATE)["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"workbook.xlsx\"; filename*=UTF-8''")
    assert "national" not in disposition
    assert unquote(disposition.split("''", 1)[1]) == "项目支出绩效自评表模板.xlsx"


def disposition_name(response) -> str:
    """The UTF-8 file name of a download (filename*=UTF-8''...)."""
    return unquote(response["Content-Disposition"].split("filename*=UTF-8''", 1)[1])


@pytest.mark.django_db
def test_admin_gets_the_sample_unit(client, admin_user) -> None:
    client.force_login(admin_user)
    assert book_of(client.get(TEMPLATE).content)[SHEET]["B2"].value == "000000-示例单位"


@pytest.mark.django_db
def test_evaluator_gets_403(client, evaluator) -> None:
    client.force_login(evaluator)
    assert client.get(TEMPLATE).status_code == 403


@pytest.mark.django_db
def test_post_gets_405(client, officer) -> None:
    client.force_login(officer)
    assert client.post(TEMPLATE).status_code == 405


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client) -> None:
    assert client.get(TEMPLATE).status_code == 302
