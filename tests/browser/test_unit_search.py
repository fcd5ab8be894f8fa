"""The 实施单位 filter's search box in Chromium (issue 16): with more units than the select lists, an
admin types part of a unit's name, sees the select narrowed to the matching units (htmx, projects:units),
picks one, filters, and the list shows that unit's projects only. axe finds no WCAG A/AA violation on
the page with the box. The page with the box in use is docs/screenshots/unit-search.png."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from projects.demo import load_demo
from projects.listing import UNIT_OPTIONS
from projects.models import Department, Project, Status, Unit
from tests.browser.support import login
from tests.browser.test_accessibility import axe_script, serve_axe, violations  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
YEAR = 2025


def county_units(n: int) -> list[Unit]:
    """`n` units of one more 主管部门 (旗县教育局), two projects each: more than the select lists."""
    department = Department.objects.create(code="905", name="旗县教育局")
    units = Unit.objects.bulk_create([Unit(code=f"905{i:03d}", name=f"旗县第{i:02d}中学", department=department)
                                      for i in range(n)])  # fmt: skip
    rows = [Project(unit=unit, year=YEAR, code=f"X{i:03d}{k}", name=f"校舍维修项目{i:02d}-{k}", status=Status.DRAFT)
            for i, unit in enumerate(units) for k in (1, 2)]  # fmt: skip
    Project.objects.bulk_create(rows)
    return units


def unit_options(page) -> list[str]:
    return [t.strip() for t in page.locator("#f-unit option").all_inner_texts()]


def test_an_admin_finds_a_unit_by_typing_and_filters_the_list_by_it(page, shots, axe_script) -> None:  # noqa: F811
    load_demo()
    county_units(UNIT_OPTIONS + 10)
    login(page, "admin")
    serve_axe(page, axe_script)
    page.goto(page.base_url + f"/?year={YEAR}")
    assert len(unit_options(page)) == UNIT_OPTIONS + 1  # 全部单位 and the first units
    search = page.get_by_label("查找单位（编码或名称）")
    assert search.is_visible()  # shown by static/js/units.js
    assert violations(page, axe_script) == []

    search.press_sequentially("第3", delay=40)  # 旗县第30中学 … 旗县第39中学
    status = page.locator("#unit-search-status")
    status.get_by_text("找到 10 个单位").wait_for()
    assert unit_options(page) == ["全部单位", *(f"9050{i}-旗县第{i}中学" for i in range(30, 40))]
    search.fill("905033")
    address = page.url
    search.press("Enter")  # searches at once; the filter form is not sent
    status.get_by_text("找到 1 个单位").wait_for()
    assert page.url == address
    assert unit_options(page) == ["全部单位", "905033-旗县第33中学"]
    page.get_by_label("实施单位", exact=True).select_option(label="905033-旗县第33中学")
    page.locator("form.list-filters").screenshot(path=str(shots / "unit-search-filters.png"))
    page.screenshot(path=str(shots / "unit-search.png"))  # the window: the filters and the first rows
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shots / "unit-search.png", DOCS / "unit-search.png")
    assert violations(page, axe_script) == []

    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r".*unit=\d+.*"))
    assert "共 2 个项目" in page.locator("#list-count").inner_text()
    units = page.locator("table.project-list tbody tr td:nth-child(3)").all_inner_texts()
    assert units and all("旗县第33中学" in t for t in units)
    codes = page.locator("table.project-list tbody tr td:first-child").all_inner_texts()
    assert sorted(c.strip() for c in codes) == ["X0331", "X0332"]
    assert page.locator("#f-unit option:checked").inner_text().strip() == "905033-旗县第33中学"


def test_a_chosen_department_narrows_what_the_box_finds(page) -> None:
    load_demo()
    county_units(UNIT_OPTIONS + 10)
    demo = Unit.objects.exclude(department__name="旗县教育局").order_by("code").first()
    login(page, "admin")
    page.goto(page.base_url + f"/?year={YEAR}")
    page.get_by_label("主管部门").select_option(label="旗县教育局")  # the box asks again for that 主管部门
    page.locator("#unit-search-status").get_by_text(f"只列出前 {UNIT_OPTIONS} 个").wait_for()
    search = page.get_by_label("查找单位（编码或名称）")
    search.fill(demo.name[:4])  # a demo unit's name: of another 主管部门
    page.locator("#unit-search-status").get_by_text("没有找到匹配的单位").wait_for()
    assert unit_options(page) == ["全部单位"]
