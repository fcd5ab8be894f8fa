"""What officers and evaluators read: Chinese labels, amounts, targets, dates and 未评分 (issue 9)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from projects.editing import FundAmounts, project_update
from projects.models import Department, Fund, FundSource, Project
from projects.scores import projects_rescore
from projects.services import evaluation_return
from tests import factories

pytestmark = pytest.mark.django_db


def text_of(page: str) -> str:
    """The visible text: no tags, no scripts or styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def project_a(unit_a):
    project = factories.project(unit=unit_a, code="A-001", name="单位A项目")
    factories.fund(project, annual="1230.5", executed="1000", source=FundSource.CARRYOVER)
    factories.fund(project, annual="1234567.8", executed="100")
    factories.indicator(project, level3="培训成本", comparator="≤", weight="40", level2="成本指标",
                        target=Decimal("1230.5000"), unit="万元", actual=Decimal(1300), actual_text="1300")  # fmt: skip
    factories.indicator(project, level3="完成时限", comparator="≤", weight="50", level2="时效指标", target=None,
                        target_text="2022-12-31", deadline=datetime.date(2022, 12, 31), unit="",
                        actual_date=datetime.date(2022, 12, 20), actual_text="2022-12-20")  # fmt: skip
    projects_rescore(project_ids=[project.pk])
    return project


def detail(client, user, project) -> str:
    client.force_login(user)
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    return text_of(response.content.decode())


def test_warnings_show_chinese_labels_not_codes(client, officer, project_a) -> None:
    page = detail(client, officer, project_a)
    assert "missing_reason" not in page and "low_execution" not in page
    assert "缺少偏差原因" in page and "执行率偏低" in page


def test_funds_in_form_order_with_a_total_and_thousands_separators(client, officer, project_a) -> None:
    page = detail(client, officer, project_a)
    fiscal, carryover, total = page.index("当年财政拨款"), page.index("上年结转资金"), page.index("合计")
    assert fiscal < carryover < total
    assert "1,234,567.80" in page and "1,230.50" in page and "1,235,798.30" in page  # 合计 of 全年预算数


def test_cost_target_without_trailing_zeros_and_deadline_with_its_date(client, officer, project_a) -> None:
    page = detail(client, officer, project_a)
    assert "≤1230.5万元" in page and "1230.5000" not in page
    assert "2022年12月31日前" in page and "2022年12月20日" in page


def test_new_draft_is_unscored_until_actuals_exist(client, officer, unit_a) -> None:
    project = factories.project(unit=unit_a, code="A-002", name="新草稿")
    factories.indicator(project, level3="培训人次", weight="90")
    projects_rescore(project_ids=[project.pk])
    page = detail(client, officer, project)
    assert "未评分" in page and "0.00 分" not in page and "· 差" not in page
    listing = text_of(client.get(reverse("projects:list"), {"year": 2022}).content.decode())
    assert "未评分" in listing and "0.00" not in listing
    Indicator.objects.filter(project=project).update(actual=Decimal(5), actual_text="5")
    projects_rescore(project_ids=[project.pk])
    assert Project.objects.get(pk=project.pk).scored
    assert "未评分" not in detail(client, officer, project)


def test_history_shows_chinese_field_and_choice_labels(client, officer, evaluator, project_a) -> None:
    project_a.status = "submitted"
    project_a.save()
    factories.set_status(Project.objects.filter(pk=project_a.pk), "submitted")  # its stage row with it
    evaluation_return(project=project_a, user=evaluator, reason="请补充佐证材料")
    page = detail(client, officer, project_a)
    assert "状态：已提交 → 已退回" in page
    assert "submitted" not in page and "returned" not in page


def test_fund_change_in_history_is_readable(client, officer, project_a) -> None:
    funds = {FundSource.FISCAL: FundAmounts(Decimal("1234567.8"), Decimal(200))}
    project_update(project=project_a, version=project_a.version, basics={}, funds=funds, user=officer)
    assert "全年执行数（万元）：100 → 200" in detail(client, officer, project_a)


# --- 新建项目: funds, and the scheme of the 主管部门 -------------------------------------------

CREATE = {"year": "2025", "code": "N-001", "name": "新项目", "annual_goal": "目标"}


def test_create_form_has_the_funds_block_and_saves_it(client, officer) -> None:
    client.force_login(officer)
    page = client.get(reverse("projects:create")).content.decode()
    for name in ("fiscal_initial", "fiscal_annual", "fiscal_executed", "carryover_annual", "other_executed"):
        assert f'name="{name}"' in page
    data = CREATE | {"fiscal_initial": "1,200", "fiscal_annual": "１２００.5", "carryover_annual": "30"}
    assert client.post(reverse("projects:create"), data).status_code == 302
    project = Project.objects.get(code="N-001")
    funds = {f.source: (f.initial, f.annual, f.executed) for f in Fund.objects.filter(project=project)}
    assert funds == {FundSource.FISCAL: (Decimal(1200), Decimal("1200.5"), Decimal(0)),
                     FundSource.CARRYOVER: (None, Decimal(30), Decimal(0))}  # fmt: skip
    assert not project.scored  # nothing executed, nothing achieved yet


def test_create_refuses_amounts_without_annual_budget_and_keeps_input(client, officer) -> None:
    client.force_login(officer)
    response = client.post(reverse("projects:create"), CREATE | {"fiscal_executed": "30"})
    page = response.content.decode()
    assert response.status_code == 400 and "请填写全年预算数" in page and 'value="30"' in page
    assert not Project.objects.exists()


def test_scheme_is_the_departments_and_read_only_for_officers(client, officer, unit_a) -> None:
    Department.objects.filter(pk=unit_a.department_id).update(scheme="hubei")
    client.force_login(officer)
    page = client.get(reverse("projects:create")).content.decode()
    assert 'name="scheme"' not in page and "湖北（预算执行 20 分，指标 80 分）" in page
    client.post(reverse("projects:create"), CREATE | {"scheme": "department"})
    assert Project.objects.get(code="N-001").scheme == "hubei"


def test_scheme_defaults_to_the_setting_without_a_department_scheme(client, officer, settings) -> None:
    settings.EVALSYS_DEFAULT_SCHEME = "national_linear"
    client.force_login(officer)
    client.post(reverse("projects:create"), CREATE)
    assert Project.objects.get(code="N-001").scheme == "national_linear"


def test_indicator_editor_shows_targets_as_printed(client, officer, project_a) -> None:
    client.force_login(officer)
    page = text_of(client.get(reverse("indicators:editor", args=[project_a.pk])).content.decode())
    assert "目标 2022年12月31日前" in page and "目标 ≤1230.5万元" in page


def test_history_shows_yes_no_and_dates_in_chinese(client, officer, project_a) -> None:
    row = project_a.indicators.get(level3="完成时限")
    row.not_applicable, row.actual_date = True, datetime.date(2022, 12, 25)
    row.reason = "本年度不适用"
    row.save()
    page = detail(client, officer, project_a)
    assert "否 → 是" in page and "2022年12月20日 → 2022年12月25日" in page
    assert "False" not in page and "True" not in page
