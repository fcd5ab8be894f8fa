"""The officer's project edit page and 提交审核 (style.md checklist)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.editing import BASICS_REASON, FUNDS_REASON
from projects.forms import NEED_ANNUAL
from projects.models import Fund, FundSource, Project, Status
from projects.services import STALE, SUBMIT_BLOCKED, project_touch
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(unit_a):
    project = factories.project(unit=unit_a, code="A-001", name="单位A项目")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="90", actual=10, actual_text="10")
    return project


@pytest.fixture
def project_b(unit_b):
    return factories.project(unit=unit_b, code="B-001", name="单位B项目")


def edit_url(project) -> str:
    return reverse("projects:edit", args=[project.pk])


def form_data(project, **changes) -> dict[str, str]:
    data = {
        "version": str(Project.objects.get(pk=project.pk).version), "name": project.name, "attribute": "延续项目",
        "overall_goal": "总体目标", "annual_goal": "年度目标", "actual_summary": "已完成",
        "fiscal_initial": "100", "fiscal_annual": "100", "fiscal_executed": "95",
    }  # fmt: skip
    return data | changes


# --- happy path -------------------------------------------------------------------------------


def test_edit_page_shows_basics_funds_and_version(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.get(edit_url(project_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="version"' in page and 'value="单位A项目"' in page
    for label in ("当年财政拨款", "上年结转资金", "其他资金", "年初预算数", "全年预算数", "全年执行数"):
        assert label in page


def test_officer_saves_basics_and_funds_typed_the_chinese_way(client, officer, project_a) -> None:
    client.force_login(officer)
    data = form_data(project_a, name="新名称", fiscal_annual="１，２００.５", carryover_annual="30",
                     carryover_executed="2,000.00")  # fmt: skip
    response = client.post(edit_url(project_a), data)
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[project_a.pk])
    project = Project.objects.get(pk=project_a.pk)
    assert (project.name, project.attribute, project.actual_summary) == ("新名称", "延续项目", "已完成")
    assert project.version == project_a.version + 1
    funds = {f.source: f for f in project.funds.all()}
    assert funds[FundSource.FISCAL].annual == Decimal("1200.50")
    assert funds[FundSource.FISCAL].initial == Decimal("100")
    assert funds[FundSource.CARRYOVER].executed == Decimal("2000")
    assert FundSource.OTHER not in funds


def test_admin_may_edit(client, admin_user, project_a) -> None:
    client.force_login(admin_user)
    assert client.post(edit_url(project_a), form_data(project_a, name="管理员改名")).status_code == 302
    assert Project.objects.get(pk=project_a.pk).name == "管理员改名"


def test_saves_write_history_with_the_user_and_reason(client, officer, project_a) -> None:
    client.force_login(officer)
    client.post(edit_url(project_a), form_data(project_a, name="新名称", fiscal_initial="", other_annual="5"))
    record = Project.history.filter(id=project_a.pk).latest("history_date")
    assert (record.history_user, record.history_change_reason, record.name) == (officer, BASICS_REASON, "新名称")
    fund_records = Fund.history.filter(project_id=project_a.pk, history_user=officer)
    assert {r.history_change_reason for r in fund_records} == {FUNDS_REASON}
    assert {r.source for r in fund_records} == {FundSource.OTHER}  # the fiscal row did not change


def test_emptying_a_source_removes_it_with_history(client, officer, project_a) -> None:
    client.force_login(officer)
    data = form_data(project_a, fiscal_initial="", fiscal_annual="", fiscal_executed="", other_annual="80")
    assert client.post(edit_url(project_a), data).status_code == 302
    assert list(Fund.objects.filter(project=project_a).values_list("source", flat=True)) == [FundSource.OTHER]
    deleted = Fund.history.get(project_id=project_a.pk, history_type="-")
    assert deleted.history_user == officer


def test_detail_page_links_to_edit_for_writers_only(client, officer, evaluator, project_a) -> None:
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[project_a.pk])).content.decode()
    assert edit_url(project_a) in page and reverse("projects:submit", args=[project_a.pk]) in page
    client.force_login(evaluator)
    page = client.get(reverse("projects:detail", args=[project_a.pk])).content.decode()
    assert edit_url(project_a) not in page and "提交审核" not in page


# --- access -----------------------------------------------------------------------------------


def test_other_unit_gets_404(client, officer, project_b) -> None:
    client.force_login(officer)
    assert client.get(edit_url(project_b)).status_code == 404
    assert client.post(edit_url(project_b), form_data(project_b)).status_code == 404


def test_evaluator_gets_403(client, evaluator, project_a) -> None:
    client.force_login(evaluator)
    assert client.get(edit_url(project_a)).status_code == 403
    assert client.post(edit_url(project_a), form_data(project_a, name="x")).status_code == 403
    assert Project.objects.get(pk=project_a.pk).name == "单位A项目"


def test_locked_project_gets_403(client, officer, project_a) -> None:
    factories.set_status(Project.objects.filter(pk=project_a.pk), Status.SUBMITTED)
    client.force_login(officer)
    assert client.get(edit_url(project_a)).status_code == 403
    assert client.post(edit_url(project_a), form_data(project_a)).status_code == 403


def test_wrong_method_gets_405(client, officer, project_a) -> None:
    client.force_login(officer)
    assert client.put(edit_url(project_a)).status_code == 405
    assert client.delete(edit_url(project_a)).status_code == 405


def test_anonymous_is_sent_to_login(client, project_a) -> None:
    response = client.get(edit_url(project_a))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- invalid input and lost updates -----------------------------------------------------------


def test_invalid_amount_is_re_rendered_with_input_and_chinese_error(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(edit_url(project_a), form_data(project_a, name="我的新名称", fiscal_executed="五十"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "“五十”不是数字" in page and 'value="五十"' in page and 'value="我的新名称"' in page
    assert Project.objects.get(pk=project_a.pk).name == "单位A项目"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fiscal_annual": "", "fiscal_initial": "100"}, NEED_ANNUAL),
        ({"fiscal_annual": "-5"}, "金额不能为负数"),
        ({"fiscal_annual": "1.234"}, "最多保留两位小数"),
        ({"fiscal_annual": "95%"}, "不要带 %"),
        ({"fiscal_executed": "1,000,000,000,000"}, "金额“1000000000000”超出可保存的范围"),
        ({"name": ""}, "这个字段是必填项"),
    ],
)
def test_invalid_values_are_explained_at_the_field(client, officer, project_a, changes, message) -> None:
    client.force_login(officer)
    response = client.post(edit_url(project_a), form_data(project_a, **changes))
    assert response.status_code == 400 and message in response.content.decode()


def test_stale_version_is_refused_and_input_kept(client, officer, project_a) -> None:
    client.force_login(officer)
    data = form_data(project_a, name="我这边的改动", fiscal_annual="120")
    project_touch(project=project_a, version=project_a.version)  # someone else saves first
    response = client.post(edit_url(project_a), data)
    page = response.content.decode()
    assert response.status_code == 409
    assert STALE in page and 'value="我这边的改动"' in page and 'value="120"' in page
    assert page.index(STALE) < page.index('name="name"')  # shown at the top of the form
    project = Project.objects.get(pk=project_a.pk)
    assert project.name == "单位A项目" and project.funds.get().annual == Decimal("100")


def test_missing_version_is_refused(client, officer, project_a) -> None:
    client.force_login(officer)
    data = form_data(project_a)
    del data["version"]
    response = client.post(edit_url(project_a), data)
    assert response.status_code == 400 and "缺少版本号" in response.content.decode()


def test_edit_page_query_count_does_not_grow(client, officer, project_a, django_assert_max_num_queries) -> None:
    for j in range(40):
        factories.indicator(project_a, level3=f"指标{j}", weight="1")
    factories.fund(project_a, annual="5", source=FundSource.OTHER)
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        assert client.get(edit_url(project_a)).status_code == 200


# --- 提交审核 -------------------------------------------------------------------------------------


def submit_url(project) -> str:
    return reverse("projects:submit", args=[project.pk])


def test_officer_submits_a_complete_project(client, officer, project_a) -> None:
    factories.report_text(project_a)
    client.force_login(officer)
    response = client.post(submit_url(project_a), {"confirm": "1"}, follow=True)
    assert Project.objects.get(pk=project_a.pk).status == Status.SUBMITTED
    assert response.redirect_chain[-1][0] == reverse("projects:detail", args=[project_a.pk])
    assert "已提交审核" in response.content.decode()


def test_refused_submission_lists_every_reason(client, officer, project_a) -> None:
    factories.indicator(project_a, level3="满意度", level1="满意度指标", level2="服务对象满意度指标", weight="5",
                        unit="%", target=Decimal(90), actual=Decimal(45))  # fmt: skip
    client.force_login(officer)
    response = client.post(submit_url(project_a), {"confirm": "1"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and Project.objects.get(pk=project_a.pk).status == Status.DRAFT
    assert SUBMIT_BLOCKED in page and "alert-danger" in page
    assert "指标权重合计 95，应为 90" in page and "满意度：得分 2.50 低于分值 5.00" in page


def test_submit_access_and_method(client, officer, evaluator, project_a, project_b) -> None:
    client.force_login(officer)
    assert client.get(submit_url(project_a)).status_code == 405
    assert client.post(submit_url(project_b)).status_code == 404
    client.force_login(evaluator)
    assert client.post(submit_url(project_a)).status_code == 403
    factories.set_status(Project.objects.filter(pk=project_a.pk), Status.SUBMITTED)
    client.force_login(officer)
    assert client.post(submit_url(project_a)).status_code == 403
