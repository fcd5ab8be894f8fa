"""运行监控 end to end in Chromium (issue 17 "Done when"): an officer monitors a project with one red
indicator, is refused 提交 without 纠偏措施, adds them and submits; the reviewer sees it first on the
overview, marks 需要整改 (with 暂缓拨款 recommended); the officer finds it on the home to-do and answers
整改结果; the reviewer closes it from the to-do; at year end the self-evaluation editor offers the
monitoring's cause and measures as the reason. Screenshots docs/screenshots/monitoring-*.png."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from monitoring.models import Rectification
from monitoring.services import monitoring_open_year
from projects.demo import load_demo
from projects.models import Membership, Project, StageState, YearPlan
from tests import factories
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
YEAR, CODE = 2028, "15000028T000000000302"  # a year of its own: the demo's stage year has its own monitoring
NAME = "妇女就业技能提升项目"
D = Decimal


def monitored() -> Project:
    YearPlan.objects.create(year=YEAR, stages=["monitoring", "self_evaluation"], monitoring_month=7)
    unit = Membership.objects.get(user__username="officer_a").unit
    p = factories.project(unit=unit, code=CODE, name=NAME, year=YEAR)
    factories.fund(p, annual="100")
    factories.indicator(p, level3="培训人次", target=D(500), unit="人次", weight="40", position=1)
    factories.indicator(p, level3="服务对象满意度", level1="满意度指标", level2="服务对象满意度指标", target=D(90),
                        unit="%", weight="20", position=2)  # fmt: skip
    return Project.objects.get(pk=p.pk)


def row(page, name: str):
    return page.locator("tr.monitoring-row", has_text=name)


def submit_on_panel(page, project: Project) -> None:
    page.goto(page.base_url + f"/{project.pk}/")
    panel = page.locator("#stage-monitoring")
    panel.locator("summary", has_text="提交").click()
    panel.get_by_role("button", name="确认提交").click()
    page.wait_for_load_state()


def test_monitoring_from_entry_to_rectification_to_the_self_evaluation(page, shots) -> None:
    load_demo()
    project = monitored()
    monitoring_open_year(year=YEAR, user=None)
    base = page.base_url

    # the officer: one red indicator, refused without 纠偏措施, then submitted with them
    login(page, "officer_a")
    page.goto(base + f"/monitoring/{project.pk}/")
    page.get_by_label("当年财政拨款：1–M月执行数（万元）").fill("50")
    training = row(page, "培训人次")
    training.get_by_label("培训人次：全年预计完成值").fill("200")
    training.get_by_label("培训人次：完成目标可能性").select_option("完全不可能")
    training.get_by_label("经费保障").check()
    training.get_by_label("培训人次：偏差原因分析").fill("培训场地 6 月才落实，上半年只办一期")
    row(page, "服务对象满意度").get_by_label("服务对象满意度：全年预计完成值").fill("95%")
    row(page, "服务对象满意度").get_by_label("服务对象满意度：完成目标可能性").select_option("确定能")
    page.get_by_role("button", name="保存").click()
    expect(row(page, "培训人次").locator(".monitoring-light")).to_have_text("红灯")
    submit_on_panel(page, project)
    expect(page.locator("body")).to_contain_text("项目为红灯，须填写纠偏措施后才能提交")
    page.goto(base + f"/monitoring/{project.pk}/")
    page.get_by_label("纠偏措施（项目）").fill("8 月起每月加开两期培训班")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("运行监控已保存")
    submit_on_panel(page, project)
    expect(page.locator("#stage-monitoring")).to_contain_text("已提交")

    # the reviewer: the overview shows it first (red), and the 整改 page marks 需要整改
    login(page, "evaluator")
    page.goto(base + f"/monitoring/overview/?year={YEAR}")
    first = page.locator("table.monitoring-projects tbody tr").first
    expect(first).to_contain_text(NAME)
    expect(first.locator("[data-light]")).to_have_text("红灯")
    page.screenshot(path=str(shots / "1-overview.png"), full_page=True)
    first.get_by_role("link", name=NAME).click()
    page.locator("#stage-monitoring").get_by_role("link", name="整改").click()
    page.wait_for_url(f"**/monitoring/{project.pk}/rectifications/")
    expect(page.locator("#flagged")).to_contain_text("培训场地 6 月才落实")
    page.get_by_label("建议暂缓拨款").check()
    page.get_by_role("button", name="提出整改要求").click()
    expect(page.locator(".rectification-open .invalid-feedback").first).to_contain_text("请填写整改要求和建议")
    expect(page.get_by_label("建议暂缓拨款")).to_be_checked()  # the input is kept
    page.get_by_label("整改要求和建议").fill("9 月底前完成两期培训，报送培训签到表")
    page.get_by_label("暂缓拨款理由").fill("培训人次预计仅完成四成，完成目标完全不可能")
    page.get_by_role("button", name="提出整改要求").click()
    expect(page.locator(".alert-success")).to_contain_text("整改要求已提出")
    page.screenshot(path=str(shots / "2-marked.png"), full_page=True)
    shutil.copy(shots / "2-marked.png", DOCS / "monitoring-rectification.png")

    # the officer: 待整改 on the home to-do, the list of its year, the answer
    login(page, "officer_a")
    page.goto(base + "/")
    todo = page.locator(".todo-rectify_open")
    expect(todo.locator("[data-todo=rectify_open]")).to_have_text("1")
    todo.get_by_role("link", name=f"{YEAR}年度 1 个").click()
    page.get_by_role("link", name=NAME).click()
    page.get_by_label("整改结果").fill("已加开两期培训，累计培训 320 人次，签到表已上传")
    page.get_by_role("button", name="提交整改结果").click()
    expect(page.locator(".alert-success")).to_contain_text("整改结果已提交")

    # the reviewer: 待确认整改 on the to-do, then closes it
    login(page, "evaluator")
    page.goto(base + "/")
    todo = page.locator(".todo-rectify_answered")
    expect(todo.locator("[data-todo=rectify_answered]")).to_have_text("1")
    todo.get_by_role("link", name=f"{YEAR}年度 1 个").click()
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("button", name="确认整改，关闭").click()
    expect(page.locator(".alert-success")).to_contain_text("整改事项已关闭")
    expect(page.locator(".rectification-item")).to_have_attribute("data-status", "closed")
    page.screenshot(path=str(shots / "3-closed.png"), full_page=True)
    shutil.copy(shots / "3-closed.png", DOCS / "monitoring-rectification-closed.png")
    assert Rectification.objects.get().status == "closed"
    assert StageState.objects.get(project=project, stage="monitoring").status == "submitted"

    # year end: the self-evaluation editor offers the monitoring's cause and measures
    login(page, "officer_a")
    page.goto(base + reverse("indicators:editor", args=[project.pk]))
    expect(page.locator("body")).to_contain_text("运行监控（1–7月）")
    reason = page.locator("textarea[name$='-reason']").first
    expect(reason).to_have_value(re.compile("^经费保障方面：培训场地 6 月才落实，上半年只办一期"))
    page.screenshot(path=str(shots / "4-self-evaluation.png"), full_page=True)
    shutil.copy(shots / "4-self-evaluation.png", DOCS / "monitoring-carry.png")
