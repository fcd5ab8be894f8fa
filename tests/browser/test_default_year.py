"""The default year in a browser (issue 15, B13): officer_a copies one project of the demo's year
into the next; the evaluator's 审核 N still leads to the N projects waiting, not to an empty
"没有待审核的项目" of the new year (projects.listing.default_year).

Screenshots go to build/screenshots/<test name>/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from projects.demo import YEAR, load_demo
from projects.models import Project, Status
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]


def shoot(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / name), full_page=True)


def test_a_copy_into_next_year_leaves_the_review_link_on_the_waiting_year(page, shots) -> None:
    load_demo()
    waiting = Project.objects.filter(year=YEAR, status=Status.SUBMITTED).count()
    assert waiting > 0  # the demo has projects waiting for the evaluator

    login(page, "officer_a")
    page.goto(page.base_url + "/intake/copy/")
    assert page.get_by_label("复制到年度").input_value() == str(YEAR + 1)
    source = page.get_by_label(f"{YEAR} 年度的项目")
    picked = Project.objects.get(pk=source.locator("option").nth(1).get_attribute("value"))
    with page.expect_response(lambda r: "/intake/copy/" in r.url):  # the chosen project's code comes back
        source.select_option(index=1)
    page.locator("#copy-form").get_by_role("button", name="复制到该年度").wait_for()
    shoot(page, shots, "1-copy-form.png")
    page.locator("#copy-form").get_by_role("button", name="复制到该年度").click()
    page.wait_for_url(re.compile(r".*/\d+/$"))
    assert f"已从 {YEAR} 年度复制项目" in page.content()
    copied = Project.objects.get(year=YEAR + 1)
    assert copied.status == Status.DRAFT and copied.name == picked.name and picked.year == YEAR
    shoot(page, shots, "2-copied.png")

    login(page, "evaluator")
    link = page.locator("nav").get_by_role("link", name=re.compile(r"^审核"))
    assert link.locator(".nav-todo").inner_text() == str(waiting)
    assert link.get_attribute("href").endswith(f"?year={YEAR}")
    shoot(page, shots, "3-evaluator-home.png")
    link.click()
    page.wait_for_url(re.compile(rf".*/review/\?year={YEAR}$"))
    assert "没有待审核的项目" not in page.content()
    assert page.locator("table.review-queue tbody tr").count() == waiting
    assert page.get_by_label("年度").input_value() == str(YEAR)
    shoot(page, shots, "4-queue-from-the-link.png")

    # the queue without ?year= opens on the same year, not on the new one where nothing waits
    page.goto(page.base_url + "/review/")
    assert "没有待审核的项目" not in page.content()
    assert page.locator("table.review-queue tbody tr").count() == waiting
    shoot(page, shots, "5-queue-without-year.png")
