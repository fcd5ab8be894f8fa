"""The login forms (the site's and 后台管理's) refuse an over-long user name as a form error
(issue 15 A8: 2,001 characters were a 500 on PostgreSQL, django-axes' column holding 255)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGINS = [reverse("login"), reverse("admin:login")]


@pytest.mark.parametrize("url", LOGINS)
@pytest.mark.parametrize("length", [151, 256, 2001])
def test_an_over_long_user_name_is_a_form_error(client, officer, url, length) -> None:
    response = client.post(url, {"username": "a" * length, "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "150" in page and "字符" in page  # 确保该值不超过 150 个字符
    assert not AccessAttempt.objects.exists()  # nothing for django-axes to store


@pytest.mark.parametrize("url", LOGINS)
def test_a_user_name_of_the_longest_length_is_checked_as_usual(client, officer, url) -> None:
    response = client.post(url, {"username": "a" * 150, "password": "wrong"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "a" * 150  # counted as a failed login


@pytest.mark.parametrize("url", LOGINS)
def test_a_nul_in_the_user_name_is_a_form_error(client, officer, url) -> None:
    response = client.post(url, {"username": "officer_a\x00", "password": "test-pass-2026"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
