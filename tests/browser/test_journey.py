"""The year's work in a real browser (issue 3): create, fill, submit, return, fix, adjust, approve;
and the review round as it is lived (issue 9): an empty submission refused with links, 撤回, the
reasons and 审核意见 beside each row, an adjustment seen by the officer.

Screenshots of every step are written to build/screenshots/test_officer_and_evaluator_journey/;
those the README shows go to docs/screenshots/ as well.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from projects.demo import PASSWORD, load_demo
from projects.models import Project, Status

# One rerun: a real browser against a live server under a loaded CI machine can miss a timing;
# a failure that repeats is a real failure (its screenshot is kept as …-FAILED.png).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]

# 一级, 二级, 三级, 指标性质, 指标值, 度量单位, 权重, 实际完成值 — six rows summing to 90
ROWS = [
    ("产出指标", "数量指标", "培训人次", "≥", "400", "人次", "20", "480"),  # 120%: over_completion
    ("产出指标", "质量指标", "培训合格率", "≥", "90", "%", "15", "85"),  # short: needs its reason
    ("产出指标", "时效指标", "完成周期", "≤", "12", "个月", "10", "11"),
    ("产出指标", "成本指标", "人均培训成本", "≤", "2,000", "元", "5", "1８00"),
    ("效益指标", "社会效益指标", "就业带动", "定性", "明显提升", "", "30", "达成"),
    ("满意度指标", "服务对象满意度指标", "学员满意度", "≥", "90", "%", "10", "９６%"),
]


DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REPORT = {"management": "资金专款专用，按进度拨付。", "problems": "部分学员因时间冲突未能参训。",
          "plans": "下一年度扩大培训规模。", "measures": "提前发布培训计划，错峰安排。"}  # fmt: skip


def submit(page) -> None:
    """提交审核 asks first (issue 15 B22): open the confirmation, then confirm."""
    page.locator("#submit-confirm summary").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交审核").click()


def write_report(page) -> None:
    """The 自评报告 sections an officer must write (reports.outline.REQUIRED_SECTIONS)."""
    form = page.locator("#narrative form")
    for name, text in REPORT.items():
        form.locator(f"textarea[name={name}]").fill(text)
    with page.expect_response(lambda r: "/narrative/" in r.url):
        form.get_by_role("button", name="保存报告文字").click()
    settled(page)


class Journey:
    def __init__(self, page, shots) -> None:
        self.page, self.shots, self.step = page, shots, 0

    def shot(self, name: str, *, doc: bool = False) -> None:
        self.step += 1
        self.page.screenshot(path=str(self.shots / f"{self.step:02d}-{name}.png"), full_page=True)
        if doc:  # shown in the README: what the reader should look at, in the window
            self.page.screenshot(path=str(DOCS / f"{name}.png"))

    def login(self, username: str) -> None:
        page = self.page
        page.goto(page.base_url + "/logout/") if False else None
        page.context.clear_cookies()
        page.goto(page.base_url + "/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/$"))

    def goto(self, path: str) -> None:
        self.page.goto(self.page.base_url + path)


def add_indicator(page, row) -> None:
    """Fill the new-row form and wait for the server's answer, not for a fixed time."""
    level1, level2, level3, comparator, target, unit, weight, _ = row
    form = page.locator("#new-indicator")
    first = form.locator("select[name$=level1]")
    if first.input_value() != level1:  # the 二级 options are fetched for the chosen 一级
        with page.expect_response(lambda r: "/level2/" in r.url):
            first.select_option(level1)
        settled(page)
    second = form.locator("select[name$=level2]")
    second.locator("option", has_text=level2).first.wait_for(state="attached")
    second.select_option(level2)
    form.locator("input[name$=level3]").fill(level3)
    form.locator("select[name$=comparator]").select_option(comparator)
    form.locator("textarea[name$=target]").fill(target)
    form.locator("input[name$=unit]").fill(unit)
    form.locator("input[name$=weight]").fill(weight)
    with page.expect_response(lambda r: r.url.endswith("/add/")):
        form.get_by_role("button", name="添加").click()
    settled(page)
    added = page.locator(f"#indicator-tree form.tree-row:not(#new-indicator) input[name$=level3][value='{level3}']")
    added.wait_for()


def actual_row(page, level3: str):
    return page.locator(".actual-row", has=page.get_by_text(level3, exact=True))


def saved(page):
    """Wait for the HTMX save of an actual-value row (it answers with the recomputed row)."""
    return page.expect_response(lambda r: "/actual/" in r.url and r.request.method == "POST")


def settled(page) -> None:
    """Wait until htmx has swapped and initialised the new content (its listeners come last)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def enter_actual(page, level3: str, value: str, reason: str = "") -> None:
    field = actual_row(page, level3).locator("[name$=actual]")
    with saved(page):
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
            field.dispatch_event("change")
    settled(page)
    if reason:
        box = actual_row(page, level3).locator("[name$=reason]")
        with saved(page):
            box.fill(reason)
            box.dispatch_event("change")
        settled(page)
    actual_row(page, level3).locator(".score").wait_for()


def test_officer_and_evaluator_journey(page, shots, live_server) -> None:
    load_demo()
    j = Journey(page, shots)

    # the officer creates a project with six indicators
    j.login("officer_a")
    j.shot("officer-dashboard")
    j.goto("/new/")
    page.fill("input[name=year]", "2025")
    page.fill("input[name=code]", "J-2025-001")
    page.fill("input[name=name]", "浏览器测试培训项目")
    page.fill("textarea[name=annual_goal]", "开展技能培训，带动就业。")
    with page.expect_navigation():
        page.get_by_role("button", name="创建并设置指标").click()
    j.shot("project-created")
    page.wait_for_url(re.compile(r".*/indicators/projects/\d+/$"))
    for row in ROWS:
        add_indicator(page, row)
    assert "90" in page.locator("#indicator-tree").inner_text()
    j.shot("indicator-tree")

    # ... enters actuals (Chinese number habits included) and funds, then submits
    for row in ROWS:
        enter_actual(page, row[2], row[7])
    j.shot("actuals")
    project = Project.objects.get(code="J-2025-001")
    assert project.indicators.count() == 6
    j.goto(f"/{project.pk}/edit/")
    page.locator("input[name$=annual]").first.fill("100")
    page.locator("input[name$=executed]").first.fill("85")  # below 90%: its reason is asked for
    page.get_by_role("button", name=re.compile("保存")).click()
    page.wait_for_url(re.compile(rf".*/{project.pk}/$"))
    j.shot("project-page")

    # an empty evaluation does not pass: the short row is marked in the editor, the refusal links each gap
    j.goto(f"/indicators/projects/{project.pk}/")
    assert "须处理" in actual_row(page, "培训合格率").inner_text()
    j.shot("row-marked")
    j.goto(f"/{project.pk}/")
    submit(page)
    refusal = page.locator(".alert-danger").inner_text()
    assert "暂不能提交" in refusal and "指标“培训合格率”：得分低于分值" in refusal
    assert "预算执行率 85.00% 偏低，须填写执行率偏低原因" in refusal and "自评报告“存在问题”尚未填写" in refusal
    assert Project.objects.get(pk=project.pk).status == Status.DRAFT
    j.shot("submit-refused", doc=True)
    with page.expect_navigation():
        page.locator(".submit-gaps a", has_text="培训合格率").click()  # the link leads to the row
    enter_actual(page, "培训合格率", "85", reason="部分学员补考安排在次年一月")
    assert "须处理" not in actual_row(page, "培训合格率").inner_text()
    j.goto(f"/{project.pk}/")
    with page.expect_navigation():
        page.locator(".submission-gaps a", has_text="执行率偏低原因").click()
    page.fill("textarea[name=low_execution_reason]", "部分培训场地租赁费用于次年初结算")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("保存")).click()
    write_report(page)
    submit(page)
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED
    j.shot("submitted")

    # 撤回 before the review starts, with a reason; then submitted again
    page.fill("textarea[name=withdraw-reason]", "发现执行数少填，撤回修改")
    j.shot("withdraw", doc=True)
    with page.expect_navigation():
        page.get_by_role("button", name="撤回提交").click()
    assert Project.objects.get(pk=project.pk).status == Status.DRAFT
    assert "第1轮 撤回" in page.locator("#timeline").inner_text()
    j.shot("withdrawn")
    submit(page)
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED

    # the evaluator returns it with a reason
    j.login("evaluator")
    j.goto("/review/?year=2025")
    j.shot("review-queue")
    j.goto(f"/review/{project.pk}/")
    quality = project.indicators.get(level3="培训合格率")
    sheet = page.locator(f"tr#indicator-{quality.pk}")
    assert "部分学员补考安排在次年一月" in sheet.locator(".officer-reason").inner_text()
    trainees = project.indicators.get(level3="培训人次")
    assert "超额完成较多" in page.locator(f"tr#indicator-{trainees.pk} .row-warnings").inner_text()
    assert "部分培训场地租赁费用于次年初结算" in page.locator(".low-execution-reason").inner_text()
    note = page.locator(f"tr#indicator-{trainees.pk} .note-form")
    note.locator("textarea").fill("超额较多，请说明目标设定依据")
    with page.expect_response(lambda r: "/note/" in r.url):
        note.get_by_role("button", name="保存意见").click()
    settled(page)
    page.locator(f"tr#indicator-{trainees.pk}").get_by_text("已保存").wait_for()
    page.locator("h2", has_text="绩效指标与审核调整").scroll_into_view_if_needed()
    j.shot("review-reasons", doc=True)
    page.fill("textarea[name=return-reason]", "请补充培训合格率的佐证材料")
    with page.expect_navigation():
        page.get_by_role("button", name="退回").click()
    assert Project.objects.get(pk=project.pk).status == Status.RETURNED
    j.shot("returned")

    # the officer sees the reason, fixes and resubmits
    j.login("officer_a")
    j.goto(f"/{project.pk}/")
    assert "请补充培训合格率的佐证材料" in page.locator("#return-reason").inner_text()
    assert "超额较多，请说明目标设定依据" in page.locator(".review-notes").inner_text()  # the round's 审核意见
    j.shot("officer-sees-reason")
    j.goto(f"/indicators/projects/{project.pk}/")
    enter_actual(page, "培训合格率", "96", reason="已补充考核记录")
    j.goto(f"/{project.pk}/")
    submit(page)
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED

    # the evaluator adjusts one score with a reason and approves
    j.login("evaluator")
    j.goto(f"/review/{project.pk}/")
    benefit = project.indicators.get(level3="就业带动")
    row = page.locator(f"tr#indicator-{benefit.pk}")
    row.locator("input[name$=value]").fill("27")
    row.locator("input[name$=reason]").fill("带动效果以定性描述为主，酌情调整")
    row.get_by_role("button", name="调整").click()
    page.locator(f"tr#indicator-{benefit.pk}").get_by_text("已调整").wait_for()
    j.shot("adjusted")
    with page.expect_navigation():  # one step: the confirmation is on the page; then the queue's next
        page.locator("#approve-one").get_by_role("button", name="审核通过").click()
    assert f"已审核通过项目“{project.name}”" in page.locator(".alert-success").inner_text()
    project = Project.objects.get(pk=project.pk)
    assert project.status == Status.APPROVED
    assert project.indicators.get(level3="就业带动").adjusted_score == 27
    j.shot("approved")

    # the officer can no longer edit; the timeline shows every step
    j.login("officer_a")
    j.goto(f"/{project.pk}/")
    assert page.get_by_role("link", name="编辑", exact=True).count() == 0
    assert page.locator("#submit-confirm").count() == 0
    timeline = page.locator("#timeline").inner_text()
    for step in (
        "第1轮 提交",
        "第1轮 撤回",
        "第2轮 提交",
        "第2轮 退回",
        "第3轮 提交",
        "第3轮 审核通过",
        "修改指标“就业带动”",
        "新建项目",
    ):
        assert step in timeline, step
    assert "请补充培训合格率的佐证材料" in timeline and "带动效果以定性描述为主" in timeline
    feedback = page.locator(".review-adjustments").inner_text()
    assert "就业带动" in feedback and "27.00" in feedback and "带动效果以定性描述为主，酌情调整" in feedback
    page.locator("#review-feedback").scroll_into_view_if_needed()
    j.shot("officer-sees-adjustment", doc=True)
    j.shot("locked-with-timeline")
    response = page.goto(page.base_url + f"/{project.pk}/edit/")
    assert response.status == 403
    assert get_user_model().objects.filter(username="officer_a").exists()
