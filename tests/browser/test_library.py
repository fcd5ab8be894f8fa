"""指标库 in the editor (issue 16 §3): the officer types a 三级 name, picks a suggestion, the row is filled.

Screenshots go to build/screenshots/<test name>/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from library.services import load_seed
from projects.demo import load_demo
from projects.models import Project
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
DRAFT_CODE = "15000025T000000007928"  # the demo's draft of unit A
TYPED, PICKED = "受益群众", "受益群众满意度"  # the seed's 卫生健康 entry: 满意度指标, ≥, ≥90%, %
TYPED_URL = "%E5%8F%97%E7%9B%8A%E7%BE%A4%E4%BC%97"


def test_an_officer_fills_a_row_from_the_library(page, shots) -> None:
    load_demo()
    load_seed()
    project = Project.objects.get(code=DRAFT_CODE)
    before = project.indicators.count()
    login(page, "officer_a")
    page.goto(page.base_url + f"/indicators/projects/{project.pk}/")
    form = page.locator("#new-indicator")
    assert form.locator("select[name$=level1]").input_value() == "产出指标"
    with page.expect_response(lambda r: "/library/suggest/" in r.url and f"q={TYPED_URL}&" in r.url):
        form.locator("input[name$=level3]").press_sequentially(TYPED, delay=60)  # debounced: one request
    pick = page.locator("#library-suggest [data-library-pick]").first
    pick.wait_for()
    assert pick.get_attribute("data-level3") == PICKED  # the 三级 name starting with the text comes first
    page.screenshot(path=str(shots / "library-suggestions.png"), full_page=True)
    with page.expect_response(lambda r: "/level2/" in r.url):  # 满意度指标 brings its own 二级 options
        pick.click()
    # a locator assertion, not wait_for_function's expression string: polling that string is an eval,
    # which the page's Content-Security-Policy refuses (the test failed on a slow run)
    expect(form.locator("select[name$=level2]")).to_have_value("服务对象满意度指标")
    filled = {name: form.locator(f"[name$={name}]").input_value()
              for name in ("level1", "level2", "level3", "comparator", "target", "unit")}  # fmt: skip
    assert filled == {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": PICKED,
                      "comparator": "≥", "target": "≥90%", "unit": "%"}  # fmt: skip
    assert page.locator("#library-suggest [data-library-pick]").count() == 0
    page.screenshot(path=str(shots / "library-row-filled.png"), full_page=True)
    form.locator("input[name$=weight]").fill("5")
    with page.expect_response(lambda r: r.url.endswith("/add/")):
        form.get_by_role("button", name="添加").click()
    added = page.locator(f"#indicator-tree form.tree-row:not(#new-indicator) input[name$=level3][value='{PICKED}']")
    added.wait_for()
    row = project.indicators.get(level3=PICKED)
    assert (row.level1, row.level2, row.comparator, row.unit) == ("满意度指标", "服务对象满意度指标", "≥", "%")
    assert row.target == 90
    assert project.indicators.count() == before + 1
    # the new tree's empty row is wired again
    with page.expect_response(lambda r: "/library/suggest/" in r.url):
        page.locator("#new-indicator input[name$=level3]").press_sequentially("培训")
    page.locator("#library-suggest [data-library-pick]").first.wait_for()
    page.screenshot(path=str(shots / "library-after-add.png"), full_page=True)
