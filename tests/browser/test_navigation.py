"""The navigation at a small laptop's width, and the skip link, in Chromium (issue 15 B24).

At 1024 px the admin's nine items pushed 退出 off the screen. Screenshots go to
build/screenshots/<test name>/.
"""

from __future__ import annotations

import pytest

from projects.demo import load_demo
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]


def on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and (box["y"] + box["height"] <= height)
    )


@pytest.mark.parametrize("username", ["admin", "officer_a", "evaluator"])
@pytest.mark.parametrize("width", [1024, 1280])
def test_the_logout_button_stays_on_screen(page, shots, username, width) -> None:
    load_demo()
    page.set_viewport_size({"width": width, "height": 768})
    login(page, username)
    logout = page.get_by_role("button", name="退出", exact=True)
    assert on_screen(page, logout), logout.bounding_box()
    assert on_screen(page, page.get_by_role("link", name="修改密码", exact=True))
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    if username == "admin":
        assert on_screen(page, page.get_by_role("link", name="后台管理", exact=True))
    page.screenshot(path=str(shots / f"{username}-{width}.png"))
    logout.click()
    page.wait_for_url(lambda url: "/login/" in url)


def test_the_admins_navigation_is_one_line_at_1280_px(page, shots) -> None:
    """At 1280 px (the container 1140 px wide) the admin's ten items, their counts (绩效目标's too) and
    the account part used to wrap 修改密码 and 退出 to a second row (docs/screenshots/project-list.png)."""
    from projects.models import Unit
    from tests.targets.test_bulk_review import declaration

    load_demo()
    unit = Unit.objects.order_by("pk").first()
    for n in range(12):  # a two-digit 绩效目标 count as well
        declaration(unit, f"NAV-{n}", year=2027)
    page.set_viewport_size({"width": 1280, "height": 768})
    login(page, "admin")
    brand = page.locator(".navbar-brand").bounding_box()
    assert page.locator("nav .nav-link").filter(has_text="绩效目标").locator(".nav-todo").inner_text() == "12"
    for name in ("后台管理", "修改密码"):
        box = page.locator("nav").get_by_role("link", name=name, exact=True).bounding_box()
        assert box["y"] < brand["y"] + brand["height"], name  # on the brand's row
    logout = page.get_by_role("button", name="退出", exact=True)
    assert logout.bounding_box()["y"] < brand["y"] + brand["height"] and on_screen(page, logout)
    assert page.locator("nav").bounding_box()["height"] < 60  # one row (two were 100 px)
    page.screenshot(path=str(shots / "admin-1280.png"))


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page, shots) -> None:
    load_demo()
    page.set_viewport_size({"width": 1024, "height": 768})
    login(page, "admin")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.hash]")
    assert focused == ["跳到主要内容", "#main"]
    skip = page.get_by_role("link", name="跳到主要内容")
    assert on_screen(page, skip)  # shown while focused
    page.screenshot(path=str(shots / "skip-link.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is in the content, past the navigation
    assert page.evaluate("() => !document.activeElement.closest('nav') && !!document.activeElement.closest('main')")


def test_the_admin_sites_header_keeps_its_logout_on_screen(page, shots) -> None:
    """后台管理's own header (Django admin: 查看站点 / 修改密码 / 注销, the theme switch) at 1024 px."""
    load_demo()
    page.set_viewport_size({"width": 1024, "height": 768})
    login(page, "admin")
    for path in ("/admin/", "/admin/projects/project/", "/admin/auth/user/add/"):
        page.goto(page.base_url + path)
        assert on_screen(page, page.locator("#logout-form button")), path
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), path
    page.screenshot(path=str(shots / "admin-user-add-1024.png"))
