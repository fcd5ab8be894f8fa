"""The review flow in a browser (issue 15 B22): the evaluator opens the queue, a project, approves it
in one step and lands on the next; an empty 退回 reason is said at its field, which has the focus;
the officer confirms 提交审核, and a 撤回 is explained in the evaluator's queue.

Screenshots go to build/screenshots/<test name>/.
"""

from __future__ import annotations

import re

import pytest

from projects.demo import load_demo
from projects.models import Membership, Project, Status
from projects.services import evaluation_submit
from tests.browser.support import login
from tests.review.conftest import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
YEAR = 2022  # a year of its own: the demo's 2025 projects stay out of this queue


def waiting(codes: list[str]) -> list[Project]:
    """Projects of officer_a's unit submitted through the workflow, in the queue's order (by code)."""
    officer = Membership.objects.select_related("user", "unit").get(user__username="officer_a")
    out = []
    for code in codes:
        project = make_project(officer.unit, code=code, status=Status.DRAFT, year=YEAR)
        evaluation_submit(project=project, user=officer.user)
        out.append(project)
    return out


IN_VIEW = """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
                             return r.top >= 0 && r.bottom <= window.innerHeight; }"""


def in_view(page, selector: str) -> bool:
    """Whether the element is inside the window as the page is shown (not somewhere below), once the
    page's script has placed it (on the load event, which may run after Playwright sees the load)."""
    page.wait_for_function(IN_VIEW, arg=selector, timeout=5_000)
    return page.evaluate(IN_VIEW, selector)


def test_the_evaluator_approves_in_one_step_and_lands_on_the_next(page, shots) -> None:
    load_demo()
    first, second, third = waiting(["R-001", "R-002", "R-003"])
    login(page, "evaluator")
    page.goto(page.base_url + f"/review/?year={YEAR}")
    queue = page.locator("table.review-queue")
    assert "提交时间" in queue.locator("thead").inner_text() and "等待" in queue.locator("thead").inner_text()
    assert queue.locator("td.waiting-days").first.inner_text() == "今天"
    page.screenshot(path=str(shots / "01-queue.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name=first.name).click()
    assert page.locator("#review-funds").is_visible() and "全年预算数" in page.locator("#review-funds").inner_text()
    assert "资金按规定管理" in page.locator("#review-narrative").inner_text()  # the report text, read only
    page.screenshot(path=str(shots / "02-project.png"), full_page=True)

    with page.expect_navigation():
        page.locator("#approve-one").get_by_role("button", name="审核通过").click()
    assert Project.objects.get(pk=first.pk).status == Status.APPROVED  # one click, no second screen
    assert re.search(rf"/review/{second.pk}/\?year={YEAR}", page.url), page.url
    assert f"已审核通过项目“{first.name}”" in page.locator(".alert-success").inner_text()
    page.screenshot(path=str(shots / "03-next-project.png"))

    # 退回 with no reason: the error is at the textarea, which has the focus and is in the window
    page.locator("textarea[name=return-reason]").fill("   ")
    with page.expect_navigation():
        page.get_by_role("button", name="退回", exact=True).click()
    assert Project.objects.get(pk=second.pk).status == Status.SUBMITTED
    assert page.evaluate("document.activeElement.name") == "return-reason"
    error = page.locator("#id_return-reason-error")
    assert error.is_visible() and "请填写退回理由" in error.inner_text()
    assert in_view(page, "#id_return-reason-error") and in_view(page, "textarea[name=return-reason]")
    page.screenshot(path=str(shots / "04-empty-return-reason.png"))

    with page.expect_navigation():
        page.locator("#approve-one").get_by_role("button", name="审核通过").click()
    assert re.search(rf"/review/{third.pk}/", page.url), page.url
    with page.expect_navigation():
        page.locator("#approve-one").get_by_role("button", name="审核通过").click()
    assert re.search(rf"/review/\?year={YEAR}", page.url), page.url  # the last one: back to the queue, saying so
    assert "没有其他待审核的项目" in page.locator(".alert-success").inner_text()
    page.screenshot(path=str(shots / "05-queue-done.png"))


def test_the_officer_confirms_the_submission_and_a_withdrawal_is_explained(page, shots) -> None:
    load_demo()
    officer = Membership.objects.select_related("unit").get(user__username="officer_a")
    project = make_project(officer.unit, code="S-001", status=Status.DRAFT, year=YEAR)
    login(page, "officer_a")
    page.goto(page.base_url + f"/{project.pk}/")
    confirm = page.get_by_role("button", name="确认提交审核")
    assert not confirm.is_visible()  # asked only when 提交审核 is clicked
    page.locator("#submit-confirm summary").click()
    assert confirm.is_visible() and "提交后项目锁定" in page.locator("#submit-confirm").inner_text()
    assert Project.objects.get(pk=project.pk).status == Status.DRAFT
    page.screenshot(path=str(shots / "01-submit-confirm.png"))
    with page.expect_navigation():
        confirm.click()
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED

    page.fill("textarea[name=withdraw-reason]", "执行数填错，撤回更正")
    with page.expect_navigation():
        page.get_by_role("button", name="撤回提交").click()
    assert Project.objects.get(pk=project.pk).status == Status.DRAFT
    timeline = page.locator("#timeline").inner_text()
    assert timeline.count("第1轮 提交") == 1 and "修改项目" not in timeline  # one entry per step

    login(page, "evaluator")
    page.goto(page.base_url + f"/review/?year={YEAR}")
    notice = page.locator("#withdrawn")
    assert project.name in notice.inner_text() and "执行数填错，撤回更正" in notice.inner_text()
    page.screenshot(path=str(shots / "02-queue-withdrawn.png"))
