"""The officer's 运行监控 page in Chromium (issue 17): the admin opens the year's monitoring, the officer
opens the project's 运行监控 panel, enters a red indicator (a forecast far short, 完全不可能) and the
1–7月执行数, is refused 提交 without 纠偏措施, adds them and submits; the evaluator approves on the
panel. The page is docs/screenshots/monitoring-entry.png."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from monitoring.services import monitoring_open_year
from projects.demo import load_demo
from projects.models import Membership, Project, StageState, YearPlan
from tests import factories
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
YEAR, CODE = 2026, "15000026T000000000301"
D = Decimal


def monitored() -> Project:
    YearPlan.objects.create(year=YEAR, stages=["monitoring", "self_evaluation"], monitoring_month=7)
    unit = Membership.objects.get(user__username="officer_a").unit
    p = factories.project(unit=unit, code=CODE, name="妇女创业就业培训项目", year=YEAR)
    factories.fund(p, annual="80")
    factories.fund(p, annual="20", source="carryover")
    factories.indicator(p, level3="培训人次", target=D(500), unit="人次", weight="40", position=1)
    factories.indicator(p, level3="人均培训成本", comparator="≤", level2="成本指标", target=D(300), unit="元",
                        weight="30", position=2)  # fmt: skip
    factories.indicator(p, level3="服务对象满意度", level1="满意度指标", level2="服务对象满意度指标", target=D(90),
                        unit="%", weight="20", position=3)  # fmt: skip
    return Project.objects.get(pk=p.pk)


def row(page, name: str):
    return page.locator("tr.monitoring-row", has_text=name)


def test_an_officer_monitors_a_red_project_and_submits_it_with_measures(page, shots) -> None:
    load_demo()
    project = monitored()
    monitoring_open_year(year=YEAR, user=None)
    base = page.base_url
    login(page, "officer_a")
    page.goto(base + f"/{project.pk}/")
    panel = page.locator("#stage-monitoring")
    expect(panel).to_contain_text("草稿")
    panel.get_by_role("link", name="填写运行监控").click()
    page.wait_for_url(f"**/monitoring/{project.pk}/")
    page.get_by_label("当年财政拨款：1–M月执行数（万元）").fill("30")
    page.get_by_label("上年结转资金：1–M月执行数（万元）").fill("8")
    training = row(page, "培训人次")
    training.get_by_label("培训人次：1–M月执行情况").fill("120人次")
    training.get_by_label("培训人次：全年预计完成值").fill("300")
    training.get_by_label("培训人次：完成目标可能性").select_option("完全不可能")
    training.get_by_label("经费保障").check()
    training.get_by_label("培训人次：偏差原因分析").fill("上级资金 6 月才下达，培训延后")
    for name, forecast in (("人均培训成本", "280"), ("服务对象满意度", "95%")):
        row(page, name).get_by_label(f"{name}：全年预计完成值").fill(forecast)
        row(page, name).get_by_label(f"{name}：完成目标可能性").select_option("确定能")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("运行监控已保存")
    expect(page.locator(".monitoring-summary")).to_contain_text("执行进度/时间进度 65.14")
    expect(row(page, "培训人次").locator(".monitoring-light")).to_have_text("红灯")
    expect(page.locator(".monitoring-warnings")).to_contain_text("项目为红灯，须填写纠偏措施后才能提交")
    page.screenshot(path=str(shots / "1-red.png"), full_page=True)

    page.goto(base + f"/{project.pk}/")
    panel = page.locator("#stage-monitoring")
    panel.locator("summary", has_text="提交").click()
    panel.get_by_role("button", name="确认提交").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("项目为红灯，须填写纠偏措施后才能提交")
    assert StageState.objects.get(project=project, stage="monitoring").status == "draft"

    page.goto(base + f"/monitoring/{project.pk}/")
    page.get_by_label("纠偏措施（项目）").fill("9 月底前拨付剩余资金，加开两期培训班")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("运行监控已保存")
    expect(page.locator(".monitoring-warnings")).to_have_count(0)
    page.screenshot(path=str(shots / "2-measures.png"), full_page=True)
    shutil.copy(shots / "2-measures.png", DOCS / "monitoring-entry.png")
    page.goto(base + f"/{project.pk}/")
    panel = page.locator("#stage-monitoring")
    panel.locator("summary", has_text="提交").click()
    panel.get_by_role("button", name="确认提交").click()
    page.wait_for_load_state()
    expect(page.locator("#stage-monitoring")).to_contain_text("已提交")
    expect(page.locator("#stage-monitoring")).to_contain_text("查看运行监控")

    login(page, "evaluator")
    page.goto(base + f"/{project.pk}/")
    panel = page.locator("#stage-monitoring")
    expect(panel.locator(".monitoring-light")).to_have_text("红灯")
    panel.locator("summary", has_text="审核通过").click()
    panel.get_by_role("button", name="确认审核通过").click()
    page.wait_for_load_state()
    expect(page.locator("#stage-monitoring")).to_contain_text("已审核")
    assert StageState.objects.get(project=project, stage="monitoring").status == "approved"
