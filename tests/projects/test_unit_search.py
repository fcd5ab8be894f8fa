"""The unit filter's search box (issue 16): the selects list the first UNIT_OPTIONS units and
projects:units finds the others. It answers each user only with units of their scope (the page's
own rule, projects.access.visible_units), narrows to a 主管部门, limits the text and the answer, escapes
the units' names and writes nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.listing import QUERY_MAX, UNIT_OPTIONS
from projects.models import Department, Project, Status, Unit
from tests import factories

pytestmark = pytest.mark.django_db

UNITS = reverse("projects:units")
NAME_A, NAME_B = "内蒙古自治区妇女联合会", "内蒙古妇女干部学校"


def search(client, **params):
    return client.get(UNITS, params, headers={"HX-Request": "true"})


def options(response) -> list[str]:
    """The labels of the answer's options, 全部单位 left out."""
    found = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', response.content.decode())
    return [label for value, label in found if value]


def status_line(response) -> str:
    return re.search(r'id="unit-search-status"[^>]*>(.*?)</span>', response.content.decode(), re.S)[1]


def crowd(n: int, *, department: Department | None = None, prefix: str = "15") -> list:
    department = department or factories.department()
    return [Unit.objects.create(code=f"{prefix}{i:04d}", name=f"旗县单位{i:04d}", department=department)
            for i in range(n)]  # fmt: skip


def test_an_officer_finds_only_their_own_unit(client, officer, unit_b) -> None:
    client.force_login(officer)
    response = search(client, q="内蒙古")  # both units' names contain it
    assert response.status_code == 200
    assert options(response) == [f"140001-{NAME_A}"]
    assert NAME_B not in response.content.decode()


@pytest.mark.parametrize("params", [{"unit": "B"}, {"department": "B"}])
def test_another_scopes_unit_or_department_is_refused_without_its_name(client, other_officer, unit_a, params) -> None:
    """Unit B's officer names unit A (or a 主管部门 of unit A's only): a 400 that says nothing of it."""
    unit_a.department = Department.objects.create(name="甲的主管部门")
    unit_a.save()
    value = {"unit": unit_a.pk, "department": unit_a.department_id}[next(iter(params))]
    client.force_login(other_officer)
    response = search(client, **{next(iter(params)): value})
    assert response.status_code == 400
    page = response.content.decode()
    assert NAME_A not in page and "甲的主管部门" not in page and "请从列表中选择" in page


def test_an_evaluator_finds_the_units_they_review_and_an_admin_every_unit(client, evaluator, admin_user) -> None:
    crowd(3, prefix="16")
    client.force_login(evaluator)
    assert options(search(client)) == [f"140001-{NAME_A}", f"140002-{NAME_B}"]
    assert options(search(client, q="干部")) == [f"140002-{NAME_B}"]
    client.force_login(admin_user)
    assert len(options(search(client))) == 5
    assert options(search(client, q="160002")) == ["160002-旗县单位0002"]  # by code


def test_an_evaluator_of_one_unit_never_sees_the_other(client, unit_a, unit_b) -> None:
    only_b = factories.user("evaluator_b", role="evaluator", review_units=[unit_b])
    client.force_login(only_b)
    for q in ("", "内蒙古", "140001", "妇女联合会"):
        response = search(client, q=q)
        assert NAME_A not in response.content.decode()
    assert options(search(client)) == [f"140002-{NAME_B}"]


def test_a_department_narrows_the_search(client, admin_user, unit_a) -> None:
    other = Department.objects.create(name="教育局")
    crowd(4, department=other, prefix="17")
    client.force_login(admin_user)
    assert options(search(client, department=other.pk)) == [f"17{i:04d}-旗县单位{i:04d}" for i in range(4)]
    assert options(search(client, department=other.pk, q="内蒙古")) == []
    assert status_line(search(client, department=other.pk, q="内蒙古")) == "没有找到匹配的单位"
    assert options(search(client, department=unit_a.department_id, q="内蒙古")) == [f"140001-{NAME_A}"]


def test_at_most_unit_options_are_answered_and_the_chosen_unit_is_kept(client, admin_user, unit_a) -> None:
    crowd(UNIT_OPTIONS + 5)
    client.force_login(admin_user)
    response = search(client, q="旗县")
    assert len(options(response)) == UNIT_OPTIONS
    assert f"只列出前 {UNIT_OPTIONS} 个" in status_line(response)
    kept = search(client, q="0033", unit=unit_a.pk)  # the chosen unit stays, first and selected
    assert options(kept) == [f"140001-{NAME_A}", "150033-旗县单位0033"]
    assert f'<option value="{unit_a.pk}" selected>' in kept.content.decode()
    assert status_line(kept) == "找到 1 个单位，请在列表中选择"


@pytest.mark.parametrize(
    ("q", "status", "found"),
    [
        ("x" * QUERY_MAX, 200, []),
        ("x" * (QUERY_MAX + 1), 400, []),
        ("%", 200, []),  # LIKE's wildcards are plain characters
        ("_", 200, []),
        ("１４０００１", 200, [f"140001-{NAME_A}"]),  # 全角 digits
        ("  140001  ", 200, [f"140001-{NAME_A}"]),
        ("a\x00b", 400, []),
        ("' OR 1=1 --", 200, []),
    ],
)
def test_long_and_odd_queries(client, admin_user, unit_a, q, status, found) -> None:
    client.force_login(admin_user)
    response = search(client, q=q)
    assert response.status_code == status
    assert options(response) == found
    if status == 400:
        assert "全部单位" not in response.content.decode()  # no options: the select keeps its own


def test_hostile_unit_names_are_escaped(client, admin_user) -> None:
    factories.unit(code="666666", name='<img src=x onerror=alert(1)>"&')
    client.force_login(admin_user)
    page = search(client, q="666666").content.decode()
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;&quot;&amp;" in page


def test_the_search_is_a_read_only_get_for_signed_in_users_with_a_role(client, officer) -> None:
    assert client.get(UNITS).status_code == 302  # anonymous: the login page
    client.force_login(get_user_model().objects.create_user("plain", password="x-pass-2026"))
    assert client.get(UNITS).status_code == 403
    client.force_login(officer)
    assert client.post(UNITS, {"q": "内蒙古"}).status_code == 405
    with CaptureQueriesContext(connection) as captured:
        assert search(client, q="内蒙古").status_code == 200
    reads = ("SELECT", "SAVEPOINT", "RELEASE")
    writes = [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith(reads)]
    assert writes == [] and len(captured) <= 4


# --- the pages: a select of the first units, and the search box when there are more -----------------


PAGES = {
    "project list": (lambda: reverse("projects:list") + "?year=2025", "f-unit"),
    "review queue": (lambda: reverse("review:queue") + "?year=2025", "f-unit"),
    "batch export": (lambda: reverse("reports:batch"), "id_unit"),
    "monitoring overview": (lambda: reverse("monitoring_overview:overview"), "id_unit"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_unit_select_lists_the_first_units_and_offers_the_search(client, admin_user, unit_a, page) -> None:
    crowd(UNIT_OPTIONS + 40)
    Project.objects.create(unit=unit_a, year=2025, code="A0001", name="项目", status=Status.SUBMITTED)
    client.force_login(admin_user)
    url, select = PAGES[page]
    html = client.get(url()).content.decode()
    block = re.search(rf'<select name="unit" id="{select}".*?</select>', html, re.S)[0]
    assert block.count("<option") == UNIT_OPTIONS + 1  # 全部单位 and the first units
    assert f'aria-controls="{select}"' in html and f'hx-target="#{select}"' in html
    assert 'id="unit-search-status" role="status" aria-live="polite"' in html
    assert "data-unit-search" in html and "js/units.js" in html
    assert "单位较多" in html


def test_few_units_need_no_search_box(client, admin_user, unit_a, unit_b) -> None:
    Project.objects.create(unit=unit_a, year=2025, code="A0001", name="项目", status=Status.SUBMITTED)
    client.force_login(admin_user)
    html = client.get(reverse("projects:list") + "?year=2025").content.decode()
    assert 'id="f-unit"' in html and "data-unit-search" not in html and "单位较多" not in html


def test_the_list_page_is_the_same_size_at_40_units_as_at_400(client, admin_user, unit_a) -> None:
    Project.objects.create(unit=unit_a, year=2025, code="A0001", name="项目", status=Status.SUBMITTED)
    client.force_login(admin_user)
    url = reverse("projects:list") + "?year=2025"
    crowd(40)
    small = len(client.get(url).content)
    crowd(360, prefix="18")
    assert len(client.get(url).content) == small
