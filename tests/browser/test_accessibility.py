"""Accessibility (GB/T 37668, WCAG 2.1 AA): axe-core on every page of each role's journey, and the
main actions done with the keyboard alone.

axe-core comes from npm, pinned in the Makefile (AXE_VERSION) and installed by `make test` into
.cache/axe (never a CDN). The page gets it by `page.add_script_tag` from a same-origin URL that
Playwright answers with that file: `add_script_tag(path=...)` would inline it, which the site's
Content-Security-Policy (script-src 'self') rightly refuses, and the pages are checked as served.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators.models import Indicator
from projects.demo import PASSWORD, load_demo
from projects.models import Project, Status
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]

ROOT = Path(__file__).resolve().parents[2]
AXE_VERSION = re.search(r"^AXE_VERSION\s*:?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M)[1]
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SEED_CODE, APPROVED_CODE = "15000025T000000000900", "15000025T000000000901"


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        pytest.fail(
            f"axe-core is not installed: run `make test` (npm install --prefix .cache/axe axe-core@{AXE_VERSION})"
        )
    installed = json.loads((AXE.parent / "package.json").read_text())["version"]
    assert installed == AXE_VERSION, f"axe-core {installed} in .cache/axe, the Makefile pins {AXE_VERSION}"
    return AXE


AXE_URL = "/__axe-core.js"  # answered by the test (serve_axe), never by the site


def serve_axe(page, axe: Path) -> None:
    page.route(f"**{AXE_URL}", lambda route: route.fulfill(path=str(axe), content_type="text/javascript"))


def violations(page, axe: Path) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the current page, one line per rule with its nodes."""
    page.add_script_tag(url=AXE_URL)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))",
        WCAG_AA,
    )
    return [f"{v['id']} ({v['help']}): {len(v['nodes'])} × " + " | ".join(v["nodes"]) for v in found]


def journeys() -> dict[str, list[str]]:
    """Every page each role goes through in a year's work (the demo data)."""
    seed = Project.objects.get(code=SEED_CODE).pk
    approved = Project.objects.get(code=APPROVED_CODE).pk
    draft = Project.objects.filter(status=Status.DRAFT, unit__code="140001").first().pk
    other = get_user_model().objects.get(username="officer_b").pk
    common = [reverse("projects:list"), reverse("accounts:password_change"), reverse("recheck:page")]
    return {
        "officer_a": [
            *common, reverse("projects:detail", args=[seed]), reverse("projects:detail", args=[draft]),
            reverse("projects:edit", args=[draft]), reverse("indicators:editor", args=[draft]),
            reverse("projects:create"), reverse("intake:upload"), reverse("intake:copy"),
            reverse("reports:print", args=[seed]), reverse("reports:unit_report"),
        ],
        "evaluator": [
            *common, reverse("review:queue") + "?year=2025", reverse("review:project", args=[seed]),
            reverse("review:overview"), reverse("projects:detail", args=[approved]),
        ],
        "admin": [
            *common, reverse("reports:batch"), reverse("accounts:users"),
            reverse("accounts:user_password", args=[other]), reverse("review:project", args=[approved]),
            reverse("projects:detail", args=[seed]), reverse("reports:unit_report"),
        ],
    }  # fmt: skip


def test_every_page_of_every_journey_passes_axe(page, axe_script) -> None:
    load_demo()
    serve_axe(page, axe_script)
    page.goto(page.base_url + "/login/")
    failures = {"/login/ (anonymous)": violations(page, axe_script)}
    for role, paths in journeys().items():
        login(page, role)
        for path in paths:
            response = page.goto(page.base_url + path)
            assert response.status < 400, f"{role} {path}: {response.status}"
            failures[f"{path} ({role})"] = violations(page, axe_script)
    report = {where: found for where, found in failures.items() if found}
    assert not report, "axe-core found violations:\n" + "\n".join(
        f"{where}\n  " + "\n  ".join(found) for where, found in report.items()
    )


# --- the keyboard alone -----------------------------------------------------------------------------


def focus_is_visible(page) -> bool:
    """The focused element shows a focus indicator: an outline or a box-shadow ring."""
    outline, width, shadow = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    return (outline != "none" and width != "0px") or shadow != "none"


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus, which must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector):
            assert focus_is_visible(page), f"no visible focus on {selector}"
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def keyboard_login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + reverse("login"))
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login/" not in page.url


def test_the_main_actions_work_by_keyboard(page, shots) -> None:
    load_demo()
    seed = Project.objects.get(code=SEED_CODE)

    # the officer opens a project, its print view and the password page
    keyboard_login(page, "officer_a")
    tab_to(page, f"a[href='{reverse('projects:detail', args=[seed.pk])}']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/{seed.pk}/$"))
    tab_to(page, f"a[href='{reverse('reports:print', args=[seed.pk])}']")
    page.screenshot(path=str(shots / "focus-on-print-link.png"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/print/$"))
    tab_to(page, "button[data-print]")
    page.keyboard.press("Shift+Tab")  # back out, and to the password page through the navigation
    page.goto(page.base_url + reverse("projects:list"))
    tab_to(page, f"a[href='{reverse('accounts:password_change')}']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/account/password/$"))

    # ... and enters an actual value in the indicator editor: typed, then Tab saves it (htmx on change)
    draft = Project.objects.filter(status=Status.DRAFT, unit__code="140001").first()
    page.goto(page.base_url + reverse("indicators:editor", args=[draft.pk]))
    tab_to(page, "form.actual-row input[name$='-actual']", limit=200)
    row = page.evaluate("() => document.activeElement.form.id")
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    with page.expect_response(lambda r: "/actual/" in r.url and r.request.method == "POST") as answer:
        page.keyboard.press("Tab")
    assert answer.value.status == 200
    page.locator(f"#{row} input[name$='-actual']").wait_for()
    assert page.locator(f"#{row} input[name$='-actual']").input_value() == "7"
    assert Indicator.objects.get(pk=row.removeprefix("actual-row-")).actual_text == "7"

    # the evaluator ticks the submitted project in the queue and approves it
    keyboard_login(page, "evaluator")
    tab_to(page, f"a[href^='{reverse('review:queue')}']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/review/(\?year=\d+)?$"))
    tab_to(page, f"input[name=projects][value='{seed.pk}']")
    page.keyboard.press("Space")
    assert page.locator(f"input[name=projects][value='{seed.pk}']").is_checked()
    tab_to(page, "#approve-form button[type=submit]")
    page.screenshot(path=str(shots / "focus-on-approve.png"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.get_by_role("button", name=re.compile("确认审核通过")).count():  # the confirmation step
        tab_to(page, "button[type=submit].btn-success")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    seed.refresh_from_db()
    assert seed.status == Status.APPROVED
