"""Login with Django auth, in Chinese; repeated failures are throttled (django-axes)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and 'lang="zh-hans"' in page


def test_login_and_logout(client, officer) -> None:
    response = client.post(reverse("login"), {"username": "officer_a", "password": "test-pass-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("projects:list")
    assert client.get(reverse("projects:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("projects:list")).status_code == 302


def test_wrong_password_keeps_the_user_name_and_says_why(client, officer) -> None:
    response = client.post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的" in page or "正确的用户名和密码" in page
    assert 'value="officer_a"' in page


def test_repeated_failures_lock_the_account_on_this_address(client, officer, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "officer_a", "password": "test-pass-2026"})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert client.get(reverse("projects:list")).status_code == 302  # still not logged in
