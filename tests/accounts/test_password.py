"""Own password change, an admin's reset, the rules shown and enforced in Chinese, the audit."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.access import OWN_PASSWORD, SUPERUSER_ONLY
from accounts.forms import SAME_AS_OLD
from accounts.services import CHANGED_OWN, RESET
from tests import factories

OLD = "test-pass-2026"
NEW = "绩效-自评-2027-新密码"
CHANGE = reverse("accounts:password_change")


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def change(client: Client, old: str = OLD, new1: str = NEW, new2: str | None = None):
    data = {"old_password": old, "new_password1": new1, "new_password2": new1 if new2 is None else new2}
    return client.post(CHANGE, data)


def test_the_page_shows_the_rules_in_chinese(client, officer) -> None:
    client.force_login(officer)
    page = client.get(CHANGE).content.decode()
    for rule in ("你的密码必须包含至少 8 个字符", "你的密码不能是一个常见密码", "你的密码不能全都是数字",
                 "你的密码不能与你的其他个人信息太相似"):  # fmt: skip
        assert rule in page
    assert "旧密码" in page and "新密码确认" in page
    assert 'class="navbar' in page  # the site's layout


def test_an_officer_changes_their_password_and_stays_logged_in(client, officer) -> None:
    client.force_login(officer)
    response = change(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change_done")
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert client.get(reverse("projects:list")).status_code == 200  # this session kept
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    entry = LogEntry.objects.get(object_id=str(officer.pk))
    assert (entry.user, entry.change_message, entry.is_change()) == (officer, CHANGED_OWN, True)


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        (OLD, "abc12", None, "密码太短，至少需要 8 个字符。"),
        (OLD, "12345678901", None, "密码只包含数字。"),
        (OLD, "password", None, "这个密码太常见了。"),
        (OLD, "officer_a-2026", None, "密码跟 用户名 太相似了。"),
        (OLD, NEW, NEW + "x", "输入的两个密码不一致。"),
        ("wrong-old-pass", NEW, None, "你的旧密码不正确。请重新输入。"),
    ],
)
def test_refused_passwords_are_explained_in_chinese(client, officer, old, new1, new2, message) -> None:
    client.force_login(officer)
    response = change(client, old, new1, new2)
    assert response.status_code == 400
    assert message in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(OLD)
    assert not LogEntry.objects.exists()


def test_a_user_without_a_role_changes_their_password_too(client, db) -> None:
    plain = get_user_model().objects.create_user("plain", password=OLD)
    client.force_login(plain)
    assert change(client).status_code == 302


def test_anonymous_users_are_sent_to_the_login(client, db) -> None:
    assert client.get(CHANGE)["Location"].startswith(reverse("login"))


def test_the_navigation_links_the_password_pages(client, officer, admin_user) -> None:
    client.force_login(officer)
    page = client.get(reverse("projects:list")).content.decode()
    assert CHANGE in page and reverse("accounts:users") not in page
    client.force_login(admin_user)
    assert reverse("accounts:users") in client.get(reverse("projects:list")).content.decode()


# --- an admin resets another user's password -----------------------------------------------------


def reset_url(user) -> str:
    return reverse("accounts:user_password", args=[user.pk])


def test_an_admin_resets_an_officers_password_recorded_and_unlocked(client, officer, admin_user) -> None:
    AccessAttempt.objects.create(username="officer_a", ip_address="127.0.0.1", user_agent="x", http_accept="*/*",
                                 path_info="/login/", get_data="", post_data="", failures_since_start=5)  # fmt: skip
    client.force_login(admin_user)
    response = client.post(reset_url(officer), {"actor_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:users")
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert not AccessAttempt.objects.filter(username="officer_a").exists()
    entry = LogEntry.objects.get(object_id=str(officer.pk))
    assert (entry.user, entry.change_message) == (admin_user, RESET)
    page = client.get(reset_url(officer)).content.decode()  # the record: who and when
    assert "admin" in page and RESET in page and entry.action_time.astimezone().strftime("%Y-%m-%d") in page
    login = Client().post(reverse("login"), {"username": "officer_a", "password": NEW})
    assert login.status_code == 302  # and the lockout is gone


def test_a_weak_reset_is_refused_with_the_reason(client, officer, admin_user) -> None:
    client.force_login(admin_user)
    response = client.post(
        reset_url(officer), {"actor_password": OLD, "new_password1": "1234", "new_password2": "1234"}
    )
    assert response.status_code == 400
    assert "密码太短，至少需要 8 个字符。" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(OLD)


@pytest.mark.parametrize("role", ["officer", "evaluator"])
def test_only_admins_reset_passwords(client, officer, other_officer, evaluator, role) -> None:
    client.force_login({"officer": officer, "evaluator": evaluator}[role])
    assert client.get(reverse("accounts:users")).status_code == 403
    response = client.post(
        reset_url(other_officer), {"actor_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 403
    other_officer.refresh_from_db()
    assert other_officer.check_password(OLD)


def test_an_admin_resets_neither_their_own_nor_a_superusers_password(client, admin_user, unit_a) -> None:
    role_admin = factories.user("admin_role", role="admin")  # an admin by role, not a superuser
    client.force_login(role_admin)
    own = client.post(reset_url(role_admin), {"actor_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert own.status_code == 403 and OWN_PASSWORD in own.content.decode()
    superuser = client.post(reset_url(admin_user), {"actor_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert superuser.status_code == 403 and SUPERUSER_ONLY in superuser.content.decode()
    client.force_login(admin_user)  # a superuser may
    assert (
        client.post(
            reset_url(role_admin), {"actor_password": OLD, "new_password1": NEW, "new_password2": NEW}
        ).status_code
        == 302
    )


def test_an_unknown_user_is_a_404(client, admin_user) -> None:
    client.force_login(admin_user)
    assert client.get(reverse("accounts:user_password", args=[999999])).status_code == 404


def test_the_user_list_costs_the_same_queries_for_more_users(client, admin_user, unit_a,
                                                             django_assert_max_num_queries) -> None:  # fmt: skip
    client.force_login(admin_user)
    for n in range(3):
        factories.user(f"officer_{n}", role="officer", unit=unit_a)
    with django_assert_max_num_queries(6):
        first = client.get(reverse("accounts:users"))
    for n in range(3, 20):
        factories.user(f"officer_{n}", role="officer", unit=unit_a)
    with django_assert_max_num_queries(6):
        second = client.get(reverse("accounts:users"))
    assert "officer_19" in second.content.decode() and first.status_code == 200


# --- guessing the old password (issue 15 A10) ----------------------------------------------------


def test_guessing_the_old_password_is_throttled_like_a_login(client, settings, officer) -> None:
    client.force_login(officer)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert change(client, old="guess-2026").status_code in (400, 429)  # the last one locks
    assert AccessAttempt.objects.get(username="officer_a").failures_since_start == settings.AXES_FAILURE_LIMIT
    locked = change(client)  # the right old password, too late
    assert locked.status_code == 429 and "失败次数过多" in locked.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(OLD)
    login = Client().post(reverse("login"), {"username": "officer_a", "password": OLD})
    assert login.status_code == 429  # the same lock as the login's: guesses here count there


def test_the_old_password_is_refused_as_the_new_one(client, officer) -> None:
    client.force_login(officer)
    response = change(client, old=OLD, new1=OLD)
    assert response.status_code == 400
    assert SAME_AS_OLD in response.content.decode()
    assert not LogEntry.objects.exists()
