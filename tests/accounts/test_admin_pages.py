"""后台管理 for a new admin (issue 15 B24): the user add page in Chinese, an officer created with
its role and unit on one page, users listed with their names, the system's tables apart from the
business ones, and a skip link first on every page."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.forms import OFFICER_NEEDS_UNIT
from projects.models import Membership, Role

pytestmark = pytest.mark.django_db

PASSWORD = "绩效-自评-2027-初始密码"
ENGLISH = ["Username", "Password", "Email", "First name", "Last name", "Save", "Add", "Change", "Model", "link",
           "Delete", "History", "Required", "Staff", "Active", "Role", "Unit"]  # fmt: skip


def people_read(page: str) -> str:
    """What people and screen readers get: the text, and the titles, labels and alternatives."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S)
    attributes = re.findall(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', page)
    return html.unescape(" ".join([re.sub(r"<[^>]+>", " ", page), *attributes]))


def test_the_user_add_page_is_in_chinese(client, admin_user) -> None:
    client.force_login(admin_user)
    text = people_read(client.get(reverse("admin:auth_user_add")).content.decode())
    assert "用户名" in text and "姓名" in text and "密码确认" in text and "角色与单位" in text
    for word in ENGLISH:
        assert not re.search(rf"\b{word}\b", text, flags=re.I), word
    assert set(re.findall(r"[A-Za-z]{3,}", text)) <= {"admin"}  # the signed-in user's name only


def add_form(**fields) -> dict:
    data = {"username": "zhang_san", "first_name": "张三", "email": "", "password1": PASSWORD, "password2": PASSWORD,
            "membership-TOTAL_FORMS": "1", "membership-INITIAL_FORMS": "0", "membership-MIN_NUM_FORMS": "1",
            "membership-MAX_NUM_FORMS": "1", "membership-0-role": Role.OFFICER}  # fmt: skip
    return data | fields


def test_an_officer_is_created_with_role_and_unit_on_one_page(client, admin_user, unit_a) -> None:
    client.force_login(admin_user)
    response = client.post(reverse("admin:auth_user_add"), add_form(**{"membership-0-unit": unit_a.pk}))
    assert response.status_code == 302
    account = get_user_model().objects.get(username="zhang_san")
    assert account.first_name == "张三" and account.check_password(PASSWORD)
    assert (account.membership.role, account.membership.unit) == (Role.OFFICER, unit_a)
    assert not account.is_staff and not account.is_superuser


def test_an_officer_without_a_unit_is_a_form_error(client, admin_user, unit_a) -> None:
    client.force_login(admin_user)
    response = client.post(reverse("admin:auth_user_add"), add_form())
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="zhang_san").exists()
    page = response.content.decode()
    assert OFFICER_NEEDS_UNIT in page and "officer_has_unit" not in page


def test_a_new_account_gets_its_role_with_it(client, admin_user) -> None:
    """The role is asked on the add page itself: an account without one is not saved."""
    client.force_login(admin_user)
    data = add_form(**{"membership-0-role": ""})
    response = client.post(reverse("admin:auth_user_add"), data)
    assert response.status_code == 200 and not Membership.objects.exclude(user=admin_user).exists()
    assert not get_user_model().objects.filter(username="zhang_san").exists()


def test_users_are_listed_with_name_role_and_unit(client, admin_user, officer) -> None:
    officer.first_name = "王芳"
    officer.save()
    client.force_login(admin_user)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    row = page[page.index("officer_a") :]
    row = row[: row.index("</tr>")]
    assert "王芳" in row and "填报人" in row and "内蒙古自治区妇女联合会" in row
    assert "姓名" in page and "角色" in page and "单位" in page
    assert "王芳" in client.get(reverse("admin:auth_user_changelist"), {"q": "妇女联合会"}).content.decode()


SYSTEM_TABLES = ["登录尝试", "登录日志", "后台任务", "组"]
BUSINESS_TABLES = ["项目", "预算单位", "绩效指标", "用户", "用户角色"]


def table_position(page: str, name: str) -> int:
    match = re.search(rf">{name}</a>", page)
    assert match, name
    return match.start()


def test_the_admin_index_lists_business_tables_before_the_system_ones(client, admin_user) -> None:
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    system = page.index('id="system-apps-title"')
    assert all(table_position(page, name) < system for name in BUSINESS_TABLES)
    assert all(table_position(page, name) > system for name in SYSTEM_TABLES)


def test_the_admin_side_navigation_lists_the_system_last(client, admin_user) -> None:
    """The navigation beside every admin list: the same order, system apps at the end."""
    client.force_login(admin_user)
    page = client.get(reverse("admin:projects_project_changelist")).content.decode()
    nav = page[page.index('id="nav-sidebar"') : page.index("</nav>", page.index('id="nav-sidebar"'))]
    last_business = max(table_position(nav, name) for name in BUSINESS_TABLES)
    assert all(table_position(nav, name) > last_business for name in SYSTEM_TABLES)


@pytest.mark.parametrize("who", [None, "officer", "evaluator", "admin_user"])
def test_the_skip_link_is_the_first_link_of_every_page(client, request, who) -> None:
    if who:
        client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("projects:list" if who else "login")).content.decode()
    body = page[page.index("<body") :]
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body)
    assert first and 'href="#main"' in first.group(0)
    assert body[first.end() :].startswith("跳到主要内容")
    assert re.search(r'<main\b[^>]*\bid="main"', body)


def test_the_user_and_group_pages_name_permissions_in_chinese(client, admin_user, officer) -> None:
    client.force_login(admin_user)
    group = Group.objects.create(name="审核组")
    for url in (reverse("admin:auth_user_change", args=[officer.pk]), reverse("admin:auth_group_change",
                                                                             args=[group.pk])):  # fmt: skip
        page = client.get(url).content.decode()
        assert "认证和授权 | 用户 | 修改用户" in page and "项目 | 项目的修改记录 | 查看项目的修改记录" in page
        assert "Can " not in page and "historical" not in page


def test_the_user_list_has_no_english(client, admin_user, officer) -> None:
    client.force_login(admin_user)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    text = people_read(page)
    assert "启用" in text
    assert not re.search(r"\b(True|False|Search)\b", text)


def test_the_role_page_refuses_an_officer_without_a_unit_in_words(client, admin_user, evaluator) -> None:
    """用户角色's own page (projects' MembershipAdmin) says it as the user page does."""
    client.force_login(admin_user)
    membership = evaluator.membership
    url = reverse("admin:projects_membership_change", args=[membership.pk])
    response = client.post(url, {"user": evaluator.pk, "role": Role.OFFICER, "unit": ""})
    page = response.content.decode()
    assert response.status_code == 200 and OFFICER_NEEDS_UNIT in page and "officer_has_unit" not in page
    membership.refresh_from_db()
    assert membership.role == Role.EVALUATOR


def test_the_admin_scripts_speak_chinese(client, admin_user) -> None:
    """From the newcomer's walk: the user page's group and permission pickers said "Choose 组 by
    selecting them…", strings Django's zh_Hans script catalog lacks (locale/zh_Hans/djangojs.po)."""
    import json

    client.force_login(admin_user)
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    entries = {json.loads(f'"{k}"'): json.loads(f'"{v}"')
               for k, v in re.findall(r'^\s*"((?:[^"\\]|\\.)*)": "((?:[^"\\]|\\.)*)",?$', catalog, re.M)}  # fmt: skip
    for english in ('Choose %s by selecting them and then select the "Choose" arrow button.', "Choose all %s",
                    "Remove all %s", "Choose selected %s", "Remove selected %s"):  # fmt: skip
        translated = entries.get(english, "")
        assert translated and not re.search(r"[A-Za-z]{3}", translated.replace("%s", "")), english
