"""The targets stage in Chromium (issue 16 §2): an officer declares a project's targets (one row from
the 指标库) and sees §8's checks, submits; the evaluator returns them (中) with the four criteria; the
officer fixes and resubmits; the evaluator approves (优) and the targets lock; an adjustment is asked
for and approved; the self-evaluation opens on the same rows and the pages show 调整前/调整后.

Screenshots go to build/screenshots/<test name>/ and, for the README, docs/screenshots/.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from indicators.models import Indicator, direction_of
from library.services import load_seed
from projects.demo import load_demo
from projects.models import Project, StageState, YearPlan
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
YEAR, CODE, NAME = 2027, "15000027T000000000100", "2027年妇女创业培训"
TYPED, PICKED = "受益群众", "受益群众满意度"  # a 指标库 entry: 满意度指标, ≥90%
ROWS = [("产出指标", "数量指标", "培训人次", "≥", Decimal(300), "300", "人次", 30),
        ("产出指标", "质量指标", "培训合格率", "≥", Decimal(95), "95", "%", 20),
        ("效益指标", "社会效益指标", "带动就业情况", "定性", None, "稳步提高", "", 30)]  # fmt: skip
CRITERIA = {"completeness": "缺少成本指标", "relevance": "与妇联职能相符", "appropriateness": "与资金量大体匹配",
            "feasibility": "“稳步提高”无法衡量，请量化"}  # fmt: skip


def stage(project: Project, key: str = "targets") -> str:
    return StageState.objects.get(project=project, stage=key).status


def step(page, name: str, reason: str = "") -> None:
    """Take a step on the project page's 绩效目标 panel."""
    panel = page.locator("#stage-targets")
    panel.locator("summary", has_text=name).click()
    if reason:
        panel.locator("textarea:visible").fill(reason)
    panel.get_by_role("button", name=f"确认{name}").click()
    page.wait_for_load_state()


def review(page, base: str, project: Project, result: str, opinion: str = "") -> None:
    page.goto(base + f"/targets/{project.pk}/review/")
    for name, note in CRITERIA.items():
        page.locator(f"textarea[name={name}]").fill(note)
    page.locator(f"input[name=result][value='{result}']").check()
    page.locator("textarea[name=opinion]").fill(opinion)
    page.get_by_role("button", name="提交审核结果").click()
    page.wait_for_load_state()


def test_targets_are_declared_reviewed_adjusted_and_open_the_self_evaluation(page, chromium, shots) -> None:
    load_demo()
    load_seed()
    YearPlan.objects.create(year=YEAR, stages=["targets", "self_evaluation"])
    base = page.base_url
    login(page, "officer_a")
    page.goto(base + "/new/")
    page.locator("input[name=year]").fill(str(YEAR))
    page.locator("input[name=code]").fill(CODE)
    page.locator("input[name=name]").fill(NAME)
    page.locator("textarea[name=annual_goal]").fill("培训妇女 300 人次，带动创业就业")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/indicators/projects/*/")
    project = Project.objects.get(code=CODE)
    assert (project.status, stage(project), stage(project, "self_evaluation")) == ("not_open", "draft", "not_open")
    for n, (l1, l2, l3, comparator, target, text, unit, weight) in enumerate(ROWS):
        Indicator.objects.create(project=project, position=n, level1=l1, level2=l2, level3=l3, comparator=comparator,
                                 target=target, target_text=text, unit=unit, weight=Decimal(weight),
                                 direction=direction_of(comparator))  # fmt: skip
    page.reload()
    form = page.locator("#new-indicator")
    with page.expect_response(lambda r: "/library/suggest/" in r.url):
        form.locator("input[name$=level3]").press_sequentially(TYPED, delay=60)
    with page.expect_response(lambda r: "/level2/" in r.url):
        page.locator("#library-suggest [data-library-pick]").first.click()
    expect(form.locator("select[name$=level2]")).to_have_value("服务对象满意度指标")
    form.locator("input[name$=weight]").fill("10")
    with page.expect_response(lambda r: r.url.endswith("/add/")):
        form.get_by_role("button", name="添加").click()
    page.locator(f"#indicator-tree input[name$=level3][value='{PICKED}']").wait_for()
    checks = page.locator("#weight-sums .target-checks")
    expect(checks).to_contain_text("成本")  # no_cost: the project-wide checks under the weight sums
    expect(page.locator(".tree-row .target-checks [data-code=unmeasurable]")).to_have_count(1)  # 稳步提高
    expect(page.locator(".actuals-waiting")).to_contain_text("自评尚未开始")  # no actuals before approval
    page.screenshot(path=str(shots / "targets-1-declared.png"), full_page=True)

    page.goto(base + f"/{project.pk}/")
    step(page, "提交")
    assert stage(project) == "submitted"

    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    evaluator = context.new_page()  # the evaluator's own session beside the officer's
    evaluator.base_url = base
    login(evaluator, "evaluator")
    evaluator.goto(base + "/targets/")
    evaluator.locator(".targets-list").get_by_role("link", name="审核").first.click()
    evaluator.wait_for_url(f"**/targets/{project.pk}/review/")
    expect(evaluator.locator("[data-code=unmeasurable]")).to_have_count(1)
    evaluator.screenshot(path=str(shots / "targets-2-review.png"), full_page=True)
    review(evaluator, base, project, "中", "请补充成本指标，并把“稳步提高”量化")
    assert stage(project) == "returned"

    page.reload()
    expect(page.locator("#stage-targets")).to_contain_text("已退回")
    expect(page.locator("#stage-targets")).to_contain_text("中")
    Indicator.objects.create(project=project, position=9, level1="产出指标", level2="成本指标",
                             level3="人均培训成本", comparator="≤", target=Decimal(500), target_text="500", unit="元",
                             weight=Decimal(0), direction=direction_of("≤"))  # fmt: skip
    Indicator.objects.filter(project=project, level3="带动就业情况").update(
        comparator="≥", target=Decimal(50), target_text="50", unit="人", direction=direction_of("≥"))  # fmt: skip
    page.reload()
    step(page, "提交")
    review(evaluator, base, project, "优")
    assert stage(project) == "approved"
    assert stage(project, "self_evaluation") == "draft"

    page.reload()
    step(page, "调整绩效目标", "培训追加至 400 人次")
    assert stage(project) == "adjusting"
    row = Indicator.objects.get(project=project, level3="培训人次")
    row.target, row.target_text = Decimal(400), "400"
    row.save()
    page.reload()
    step(page, "提交")
    review(evaluator, base, project, "优")
    assert stage(project) == "approved"

    page.goto(base + f"/{project.pk}/")
    adjustments = page.locator("#target-adjustments")
    expect(adjustments).to_contain_text("培训人次：≥300人次（权重 30）")
    expect(adjustments).to_contain_text("培训人次：≥400人次（权重 30）")
    expect(adjustments).to_contain_text("培训追加至 400 人次")
    assert Project.objects.get(pk=project.pk).status == "draft"  # the self-evaluation is open on these rows
    page.screenshot(path=str(shots / "targets-3-adjusted.png"), full_page=True)
    expect(page.locator("#timeline, .timeline").first).to_contain_text("绩效目标 第2轮 调整绩效目标")
    evaluator.goto(base + f"/review/{project.pk}/")
    expect(evaluator.locator("#target-adjustments")).to_contain_text("培训追加至 400 人次")
    DOCS.mkdir(parents=True, exist_ok=True)
    for name in ("targets-1-declared.png", "targets-2-review.png", "targets-3-adjusted.png"):
        shutil.copy(shots / name, DOCS / name)
    context.close()
