"""What the browser tests share."""

from __future__ import annotations

from projects.demo import PASSWORD


def login(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form with a fresh session, as people do (the demo's password by default)."""
    page.context.clear_cookies()
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
