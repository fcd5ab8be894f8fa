"""不适用 keeps what was entered, in a browser (issue 15, B14): officer_a enters 95 as an actual in
the indicator editor, ticks 不适用 (an htmx post: scored 0, the 95 still shown), unticks it: 95 is
back, scored again and stored; a reload shows it.

Screenshots go to build/screenshots/<test name>/.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from indicators.models import Indicator
from projects.demo import YEAR, load_demo
from projects.models import Project, Unit
from tests import factories
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]


def shoot(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / name), full_page=True)


def settled(page) -> None:
    """Wait until htmx has swapped and initialised the new content."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def posted(page, action):
    """Run `action` and wait for the actual row's htmx post to come back and settle."""
    with page.expect_response(lambda r: r.url.endswith("/actual/") and r.request.method == "POST"):
        action()
    settled(page)


def test_not_applicable_keeps_the_actual_and_unticking_brings_it_back(page, shots) -> None:
    load_demo()
    unit = Unit.objects.get(membership__user__username="officer_a")
    project = factories.project(unit=unit, code="", year=YEAR, name="满意度调查项目")
    factories.indicator(project, level3="培训人次", weight="80", target=Decimal(10), unit="人次")
    satisfaction = factories.indicator(project, level3="参训学员满意度", level1="满意度指标",
                                       level2="服务对象满意度指标", weight="10", target=Decimal(90),
                                       unit="%")  # fmt: skip

    login(page, "officer_a")
    page.goto(page.base_url + f"/indicators/projects/{project.pk}/")
    row = page.locator(f"#actual-row-{satisfaction.pk}")
    actual = row.locator(f"[name=a{satisfaction.pk}-actual]")
    posted(page, lambda: (actual.fill("95"), actual.press("Tab")))
    assert row.locator(".score").inner_text() == "10.00"
    reason = row.locator(f"[name=a{satisfaction.pk}-reason]")
    posted(page, lambda: (reason.fill("本年度未开展满意度调查"), reason.press("Tab")))
    shoot(page, shots, "1-entered.png")

    posted(page, lambda: row.get_by_label("不适用").check())
    assert row.locator(f"[name=a{satisfaction.pk}-actual]").input_value() == "95"  # kept on the page
    assert row.get_by_label("不适用").is_checked()
    assert row.locator(".score").inner_text() == "0.00" and "不适用" in row.locator(".explanation").inner_text()
    stored = Indicator.objects.get(pk=satisfaction.pk)
    assert stored.not_applicable and stored.actual == Decimal(95)  # and in the database
    shoot(page, shots, "2-not-applicable.png")

    posted(page, lambda: row.get_by_label("不适用").uncheck())
    assert row.locator(f"[name=a{satisfaction.pk}-actual]").input_value() == "95"
    assert row.locator(".score").inner_text() == "10.00"
    stored = Indicator.objects.get(pk=satisfaction.pk)
    assert not stored.not_applicable and stored.actual == Decimal(95)
    shoot(page, shots, "3-unticked.png")

    page.reload()
    row = page.locator(f"#actual-row-{satisfaction.pk}")
    assert row.locator(f"[name=a{satisfaction.pk}-actual]").input_value() == "95"
    assert not row.get_by_label("不适用").is_checked() and row.locator(".score").inner_text() == "10.00"
    assert Project.objects.get(pk=project.pk).scored
    shoot(page, shots, "4-reloaded.png")
