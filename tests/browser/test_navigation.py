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
