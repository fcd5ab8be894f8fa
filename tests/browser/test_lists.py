"""The lists in a browser (issue 10): an admin filters, sorts and pages the project list and hands
its filter to the batch export; an evaluator approves all that match the queue's filter.

Screenshots go to build/screenshots/<test name>/ (docs/screenshots/project-list.png,
review-queue.png and approve-all.png are copies of them).
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from projects.demo import load_demo
from projects.models import Project, Status, Unit
from projects.scores import projects_rescore
from tests.browser.support import login
from tests.review.conftest import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
YEAR = 2025


def shoot(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / name), full_page=True)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shots / name, DOCS / name)


def crowd(unit: Unit, n: int) -> None:
    """`n` more projects of the demo's year in every state, scored with a warning every third."""
    rows = Project.objects.bulk_create([
        Project(unit=unit, year=YEAR, code=f"Z{i:04d}", name=f"{'校园' if i % 5 == 0 else '道路'}维护项目{i:04d}",
                status=[Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED][i % 4])
        for i in range(n)
    ])  # fmt: skip
    projects_rescore(project_ids=[p.pk for p in rows])


def test_an_admin_filters_sorts_and_pages_the_project_list(page, shots) -> None:
    load_demo()
    unit = Unit.objects.order_by("pk").first()
    crowd(unit, 130)
    login(page, "admin")
    page.goto(page.base_url + f"/?year={YEAR}")
    assert re.search(r"共 \d+ 个项目，第 1/\d 页", page.locator("#list-count").inner_text())
    assert page.locator("table.project-list tbody tr").count() == 50
    page.get_by_label("搜索").fill("校园")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r".*q=.*"))
    assert "共 26 个项目" in page.locator("#list-count").inner_text()
    page.get_by_role("link", name="项目编码").click()  # sorted ascending by code already: this reverses
    page.get_by_role("link", name=re.compile("已提交")).click()
    rows = page.locator("table.project-list tbody tr td:first-child").all_inner_texts()
    assert rows == sorted(rows) or rows == sorted(rows, reverse=True)
    assert all("已提交" in t for t in page.locator("table.project-list tbody tr td:nth-child(4)").all_inner_texts())
    shoot(page, shots, "project-list.png")
    page.get_by_role("link", name="批量导出报告").click()
    page.wait_for_url(re.compile(r".*/reports/exports/\?.*"))
    count = int(page.locator("#batch-count").inner_text())
    assert count == Project.objects.filter(year=YEAR, status=Status.SUBMITTED, name__contains="校园").count()


def test_an_evaluator_approves_all_that_match_the_filter(page, shots) -> None:
    load_demo()
    unit = Unit.objects.order_by("pk").first()
    for i in range(60):
        make_project(unit, code=f"Q{i:03d}", year=YEAR, executed="95" if i % 2 else str(Decimal(60)))
    login(page, "evaluator")
    page.goto(page.base_url + f"/review/?year={YEAR}&unit={unit.pk}")
    assert page.locator("table.review-queue tbody tr").count() == 50
    shoot(page, shots, "review-queue.png")
    page.get_by_role("button", name=re.compile(r"审核通过全部 \d+ 个符合条件的项目")).click()
    page.wait_for_url(re.compile(r".*/review/approve/$"))
    ready = int(page.locator("#approve-count").inner_text())
    assert "全部符合条件的待审核项目" in page.content()
    shoot(page, shots, "approve-all.png")
    page.get_by_role("button", name=f"确认审核通过 {ready} 个项目").click()
    page.wait_for_url(re.compile(r".*/review/\?year=.*"))
    assert f"已审核通过 {ready} 个项目" in page.content()
    assert Project.objects.filter(unit=unit, year=YEAR, status=Status.APPROVED).count() >= ready
