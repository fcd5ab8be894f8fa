"""Every page that reads query parameters parses them with a form: hostile values never make a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.forms import BAD_YEAR
from projects.models import Status
from review.forms import BAD_CHOICE
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "²²²²", "-1", "0", "99999999999999999999", "2025\x00", "abc", "", " ", "２０２２x", "1e3", "2022.0",
           "[]", "%00", "\u202e2022"]  # fmt: skip


@pytest.fixture
def projects(unit_a, unit_b):
    # approved: nothing waits for the officer in 2021, so the lists' default year is the newest (2022)
    factories.project(unit=unit_a, code="A-2021", name="二一项目", year=2021, status=Status.APPROVED)
    factories.project(unit=unit_a, code="A-2022", name="二二项目", year=2022, status=Status.SUBMITTED)
    factories.project(unit=unit_b, code="B-2022", name="乙二二项目", year=2022, status=Status.SUBMITTED)


# (page, user fixture, query parameters the page reads)
PAGES = [
    ("projects:list", "officer", ["year"]),
    ("projects:list", "evaluator", ["year"]),
    ("review:queue", "evaluator", ["year"]),
    ("review:overview", "evaluator", ["year", "department"]),
    ("review:overview", "admin_user", ["year", "department"]),
    ("intake:copy", "officer", ["year"]),
]


@pytest.mark.parametrize(("name", "who", "params"), PAGES)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_fall_back_or_are_refused_in_chinese(client, request, projects, name, who, params,
                                                            value) -> None:  # fmt: skip
    client.force_login(request.getfixturevalue(who))
    for param in params:
        response = client.get(reverse(name), {param: value})
        assert response.status_code in (200, 400), (param, value)
        page = response.content.decode()
        assert "年度" in page  # the page itself, with the default year, not an error page
        if response.status_code == 400:
            assert BAD_YEAR in page or BAD_CHOICE in page


@pytest.mark.parametrize(("name", "who", "params"), PAGES)
def test_repeated_parameters_use_one_value(client, request, projects, name, who, params) -> None:
    client.force_login(request.getfixturevalue(who))
    for param in params:
        response = client.get(f"{reverse(name)}?{param}=2021&{param}=%C2%B2&{param}[]=1")
        assert response.status_code in (200, 400)


def listed(page: str) -> str:
    """The year's table: the to-do panel above it lists what waits in every year."""
    return page[page.index("年度项目</h1>") :]


@pytest.mark.parametrize("value", ["²", "-1", "99999999999999999999", "2025\x00", "abc", "1999", "2101"])
def test_project_list_refuses_a_bad_year_and_shows_the_newest(client, officer, projects, value) -> None:
    client.force_login(officer)
    response = client.get(reverse("projects:list"), {"year": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert BAD_YEAR in page
    assert "二二项目" in listed(page) and "二一项目" not in listed(page)  # the newest year, as without a year


GOOD = [("2021", "二一项目", "二二项目"), ("２０２１", "二一项目", "二二项目"), (" 2022 ", "二二项目", "二一项目"),
        ("", "二二项目", "二一项目")]  # fmt: skip


@pytest.mark.parametrize(("value", "shown", "hidden"), GOOD)
def test_project_list_reads_a_good_year(client, officer, projects, value, shown, hidden) -> None:
    client.force_login(officer)
    response = client.get(reverse("projects:list"), {"year": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert shown in listed(page) and hidden not in listed(page)


def test_project_list_of_a_year_without_projects_is_empty(client, officer, projects) -> None:
    client.force_login(officer)
    response = client.get(reverse("projects:list"), {"year": 2030})
    assert response.status_code == 200
    assert "没有可查看的项目" in response.content.decode()
