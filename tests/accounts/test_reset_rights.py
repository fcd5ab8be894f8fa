"""Who may reset whose password (issue 15 A6): only accounts with fewer rights than the resetter,
superusers and 后台 accounts only by a superuser, always after the resetter's own password, on
every path (the accounts page and the admin's password form)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.access import NOT_BELOW, SUPERUSER_ONLY
from accounts.forms import WRONG_OWN_PASSWORD
from tests import factories

OLD = "test-pass-2026"
NEW = "绩效-自评-2027-新密码"


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def role_admin(db):
    """An admin by role only: no superuser, no 后台 rights."""
    return factories.user("admin_role", role="admin")


def reset(client: Client, target, *, own: str = OLD, new: str = NEW):
    data = {"actor_password": own, "new_password1": new, "new_password2": new}
    return client.post(reverse("accounts:user_password", args=[target.pk]), data)


def unchanged(user) -> bool:
    user.refresh_from_db()
    return user.check_password(OLD)


def staff_with_permission(username: str):
    """The escalation's victim: a 后台 account holding a permission (here: changing users)."""
    account = factories.user(username, role="evaluator")
    account.is_staff = True
    account.save()
    account.user_permissions.add(Permission.objects.get(codename="change_user"))
    return account


def with_group_permission(username: str):
    account = factories.user(username, role="officer", unit=factories.unit(code="G1", name="组单位"))
    group = Group.objects.create(name="审核组")
    group.permissions.add(Permission.objects.get(codename="view_project"))
    account.groups.add(group)
    return account


def plain_staff(username: str):
    account = factories.user(username, role="officer", unit=factories.unit(code="S1", name="后台单位"))
    account.is_staff = True
    account.save()
    return account


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (staff_with_permission, SUPERUSER_ONLY),
        (with_group_permission, SUPERUSER_ONLY),
        (plain_staff, SUPERUSER_ONLY),
        (lambda name: factories.user(name, role="admin"), NOT_BELOW),
        (lambda name: factories.user(name, role="admin", superuser=True), SUPERUSER_ONLY),
    ],
    ids=["staff-with-permission", "permission-by-group", "staff", "another-admin", "superuser"],
)
def test_an_admin_role_resets_no_account_with_as_many_rights(client, role_admin, make, reason) -> None:
    target = make("target")
    client.force_login(role_admin)
    assert client.get(reverse("accounts:user_password", args=[target.pk])).status_code == 403
    response = reset(client, target)
    assert response.status_code == 403 and reason in response.content.decode()
    assert unchanged(target)
    page = client.get(reverse("accounts:users")).content.decode()
    assert reverse("accounts:user_password", args=[target.pk]) not in page and reason in page


def test_the_escalation_is_closed(client, role_admin) -> None:
    """The probe: an admin role reset a staff account with permissions, logged in as it and made
    itself superuser. The reset is refused, so is every other way to its password or rights."""
    victim = staff_with_permission("staff_b")
    client.force_login(role_admin)
    assert reset(client, victim).status_code == 403
    admin_form = reverse("admin:auth_user_password_change", args=[victim.pk])
    client.post(admin_form, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert unchanged(victim)
    assert Client().post(reverse("login"), {"username": "staff_b", "password": NEW}).status_code == 200  # no entry


@pytest.mark.parametrize("role", ["officer", "evaluator"])
def test_an_admin_role_resets_officers_and_evaluators(client, role_admin, unit_a, role) -> None:
    target = factories.user("target", role=role, unit=unit_a if role == "officer" else None)
    client.force_login(role_admin)
    assert reset(client, target).status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW)


@pytest.mark.parametrize(
    "make", [staff_with_permission, lambda name: factories.user(name, role="admin", superuser=True)],
    ids=["staff-with-permission", "superuser"],
)  # fmt: skip
def test_a_superuser_resets_privileged_accounts(client, admin_user, make) -> None:
    target = make("target")
    client.force_login(admin_user)
    assert reset(client, target).status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW)


@pytest.mark.parametrize("own", ["", "wrong-own-pass"])
def test_every_reset_asks_for_the_resetters_own_password(client, admin_user, officer, own) -> None:
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_password", args=[officer.pk])).content.decode()
    assert 'name="actor_password"' in page and "您本人的密码" in page
    response = reset(client, officer, own=own)
    assert response.status_code == 400
    assert unchanged(officer)
    if own:
        assert WRONG_OWN_PASSWORD in response.content.decode()


def test_guessing_the_resetters_password_is_throttled_like_a_login(client, settings, admin_user, officer) -> None:
    client.force_login(admin_user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        reset(client, officer, own="guess")
    assert AccessAttempt.objects.get(username="admin").failures_since_start == settings.AXES_FAILURE_LIMIT
    locked = reset(client, officer, own=OLD)  # the right password, too late
    assert locked.status_code == 429
    assert unchanged(officer)


def test_the_admins_password_form_leads_to_the_checked_page(client, admin_user, officer) -> None:
    client.force_login(admin_user)
    admin_form = reverse("admin:auth_user_password_change", args=[officer.pk])
    assert client.get(admin_form)["Location"] == reverse("accounts:user_password", args=[officer.pk])
    response = client.post(admin_form, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302 and unchanged(officer)  # nothing set there, ever
    own = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert client.get(own)["Location"] == reverse("accounts:password_change")


# --- the same rules in 后台管理's user pages ------------------------------------------------------


def staff_admin():
    """An admin role let into 后台管理 to manage users (staff, view and change users), not a superuser."""
    account = factories.user("admin_staff", role="admin")
    account.is_staff = True
    account.save()
    account.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    return account


def change_form(account, **fields) -> dict:
    """The admin's change form for `account` as posted, with its role inline, `fields` on top."""
    membership = account.membership
    data = {"username": account.username, "first_name": account.first_name, "email": "", "is_active": "on",
            "date_joined_0": "2026-01-05", "date_joined_1": "08:00:00",
            "membership-TOTAL_FORMS": "1", "membership-INITIAL_FORMS": "1", "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1", "membership-0-id": membership.pk, "membership-0-user": account.pk,
            "membership-0-role": membership.role, "membership-0-unit": membership.unit_id or ""}  # fmt: skip
    return data | fields


def change_url(account) -> str:
    return reverse("admin:auth_user_change", args=[account.pk])


def test_an_admin_in_the_admin_cannot_make_itself_superuser(client, db) -> None:
    """The probe's last step: the escalated account ticked 超级用户状态 on its own page."""
    actor = staff_admin()
    client.force_login(actor)
    response = client.post(change_url(actor), change_form(actor, first_name="张三", is_superuser="on",
                                                          user_permissions=[Permission.objects.get(
                                                              codename="delete_user").pk]))  # fmt: skip
    assert response.status_code == 302  # saved: what it may change
    actor.refresh_from_db()
    assert actor.first_name == "张三"
    assert not actor.is_superuser and not actor.user_permissions.filter(codename="delete_user").exists()


@pytest.mark.parametrize(
    "make", [lambda name: factories.user(name, role="admin", superuser=True), staff_with_permission,
             lambda name: factories.user(name, role="admin")],
    ids=["superuser", "staff-with-permission", "another-admin"],
)  # fmt: skip
def test_an_admin_in_the_admin_changes_no_account_with_as_many_rights(client, db, make) -> None:
    target = make("target")
    client.force_login(staff_admin())
    assert client.post(change_url(target), change_form(target, username="renamed")).status_code == 403
    target.refresh_from_db()
    assert target.username == "target"


def test_an_admin_in_the_admin_changes_an_officer(client, officer) -> None:
    client.force_login(staff_admin())
    response = client.post(change_url(officer), change_form(officer, first_name="李四", is_staff="on"))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.first_name == "李四" and not officer.is_staff  # its 后台 rights are a superuser's
