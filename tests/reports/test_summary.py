"""汇总表 exports of the project list and the review queue, and the batch export's status filter."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Project, Status
from reports.forms import BatchExportForm
from reports.selectors import batch_scope
from reports.summary import HEADERS
from tests import factories
from tests.reports.conftest import ADJUSTED_CODE, SEED_CODE

pytestmark = pytest.mark.django_db
FIRST = 4  # the first data row (title, filters, headers above it)


def login(client, django_user_model, name: str) -> None:
    client.force_login(django_user_model.objects.get(username=name))


def sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def rows(ws) -> dict[str, dict[str, object]]:
    """Data rows by 项目编码: header -> cell."""
    headers = [c.value for c in ws[3]]
    out = {}
    for r in range(FIRST, ws.max_row + 1):
        cells = dict(zip(headers, ws[r], strict=True))
        out[cells["项目编码"].value] = cells
    return out


def test_the_project_list_exports_with_chinese_labels_and_numbers(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_a")
    ws = sheet(client.get(reverse("reports:projects_xlsx") + "?year=2025"))
    assert ws["A1"].value == "2025年度项目汇总表" and "2025年度" in ws["A2"].value
    assert tuple(c.value for c in ws[3]) == HEADERS
    found = rows(ws)
    seed = found[SEED_CODE]
    assert seed["项目名称"].value == "北疆布丝瑰创业就业行动" and seed["状态"].value == "已提交"
    assert (
        seed["实施单位"].value == "140001-内蒙古自治区妇女联合会" and seed["主管部门"].value == "内蒙古自治区妇女联合会"
    )
    assert seed["总分"].value == Decimal("93.62") or seed["总分"].value == pytest.approx(93.62)
    assert seed["总分"].number_format == "0.00" and seed["等级"].value == "优"
    assert seed["执行率"].value == pytest.approx(0.8941) and seed["执行率"].number_format == "0.00%"
    assert seed["全年预算数（万元）"].value == 900 and seed["全年执行数（万元）"].value == pytest.approx(804.73)
    assert seed["全年预算数（万元）"].number_format == "#,##0.00"
    assert "预算执行率偏低" in seed["警告"].value and "low_execution" not in seed["警告"].value
    assert found[ADJUSTED_CODE]["状态"].value == "已审核" and found[ADJUSTED_CODE]["总分"].value == pytest.approx(92.94)
    assert "15000025T000000007457" not in found  # unit B's


def test_an_officers_export_holds_only_their_unit(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_b")
    found = rows(sheet(client.get(reverse("reports:projects_xlsx"))))
    assert set(found) == {"15000025T000000007457", "15000025T000000007458"}
    assert found["15000025T000000007458"]["状态"].value == "草稿"


def test_the_review_queue_exports_its_submitted_projects(client, django_user_model, demo) -> None:
    login(client, django_user_model, "evaluator")
    ws = sheet(client.get(reverse("reports:queue_xlsx") + "?year=2025"))
    assert ws["A1"].value == "2025年度待审核项目汇总表"
    assert set(rows(ws)) == {SEED_CODE}  # the only one waiting
    assert rows(sheet(client.get(reverse("reports:queue_xlsx") + "?year=2024"))) == {}  # as the page: none that year
    assert client.get(reverse("reports:queue_xlsx") + "?year=1999").status_code == 400  # as the page: a bad year


def test_officers_do_not_export_the_queue_and_a_bad_year_is_a_400(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_a")
    assert client.get(reverse("reports:queue_xlsx")).status_code == 403
    response = client.get(reverse("reports:projects_xlsx") + "?year=abc")
    assert response.status_code == 400 and "年" in response.content.decode()
    client.logout()
    assert client.get(reverse("reports:projects_xlsx"))["Location"].startswith("/login/")


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1"])
def test_text_that_looks_like_a_formula_is_written_as_text(client, officer, unit_a, name) -> None:
    factories.project(unit=unit_a, code="=CMD|' /C calc'!A0", name=name, year=2025)
    client.force_login(officer)
    response = client.get(reverse("reports:projects_xlsx") + "?year=2025")
    ws = load_workbook(io.BytesIO(response.content)).active
    cell = ws.cell(FIRST, 2)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (name, "s", True)
    assert ws.cell(FIRST, 1).data_type == "s" and ws.cell(FIRST, 1).quotePrefix
    assert ws.cell(FIRST, 10).value == "未评分" and ws.cell(FIRST, 9).value is None  # no actuals yet


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_export_costs_the_same_queries_for_more_rows(client, evaluator, unit_a) -> None:
    def add(n: int) -> None:
        for i in range(n):
            project = factories.project(unit=unit_a, code=f"Q{Project.objects.count():04d}", year=2025,
                                        status=Status.SUBMITTED)  # fmt: skip
            factories.fund(project, annual="100", executed="90")
            factories.indicator(project, level3=f"指标{i}", weight="90", actual=Decimal(5), actual_text="5")

    client.force_login(evaluator)
    add(2)
    few = (queries(client, reverse("reports:projects_xlsx")), queries(client, reverse("reports:queue_xlsx")))
    add(12)
    many = (queries(client, reverse("reports:projects_xlsx")), queries(client, reverse("reports:queue_xlsx")))
    assert few == many


# --- the batch export's status filter -------------------------------------------------------------


def test_the_batch_export_takes_approved_projects_by_default(client, django_user_model, demo) -> None:
    admin = django_user_model.objects.get(username="admin")
    scope, ids = batch_scope(admin, year=2025, department=None, unit=None)
    assert list(Project.objects.filter(pk__in=ids).values_list("code", flat=True)) == [ADJUSTED_CODE]
    assert scope == "2025年度 · 已审核"
    assert BatchExportForm(None)["statuses"].initial == [Status.APPROVED]
    form = BatchExportForm({"year": 2025, "fmt": ["xlsx"]}, years=[2025])  # nothing ticked: 已审核
    assert form.is_valid() and form.cleaned_data["statuses"] == [Status.APPROVED]
    login(client, django_user_model, "admin")
    page = client.get(reverse("reports:batch")).content.decode()
    assert re.search(r'value="approved"[^>]*checked', page) and not re.search(r'value="draft"[^>]*checked', page)


def test_the_batch_export_takes_the_states_ticked(client, django_user_model, demo) -> None:
    admin = django_user_model.objects.get(username="admin")
    scope, ids = batch_scope(admin, year=2025, department=None, unit=None, statuses=[Status.DRAFT, Status.RETURNED])
    codes = set(Project.objects.filter(pk__in=ids).values_list("code", flat=True))
    assert codes == {"15000025T000000007928", "15000025T000000007457", "15000025T000000007458"}
    assert scope == "2025年度 · 草稿、已退回"
    login(client, django_user_model, "admin")
    response = client.post(reverse("reports:batch"), {"year": 2025, "fmt": "xlsx", "statuses": ["submitted"]})
    assert response.status_code == 302
    from reports.models import ExportJob

    job = ExportJob.objects.get()
    assert job.scope == "2025年度 · 已提交" and job.total == 1
