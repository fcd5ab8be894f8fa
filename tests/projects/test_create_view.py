"""新建项目: an officer starts a project of their own unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import CODE_YEAR_TAKEN, NAME_YEAR_TAKEN, Project, Status
from tests import factories

pytestmark = pytest.mark.django_db

DATA = {"year": "2025", "code": "N-001", "name": "新项目", "scheme": "national", "annual_goal": "目标"}


def test_officer_creates_a_draft_of_own_unit(client, officer, unit_a) -> None:
    client.force_login(officer)
    assert "新建项目" in client.get(reverse("projects:create")).content.decode()
    response = client.post(reverse("projects:create"), DATA)
    project = Project.objects.get(code="N-001")
    assert response.status_code == 302 and response["Location"] == reverse("indicators:editor", args=[project.pk])
    assert (project.unit, project.status, project.year) == (unit_a, Status.DRAFT, 2025)
    assert project.history.get().history_user == officer


def test_duplicate_code_is_refused_with_input_kept(client, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="N-001", year=2025)
    client.force_login(officer)
    response = client.post(reverse("projects:create"), DATA)
    page = response.content.decode()
    assert response.status_code == 400 and 'value="新项目"' in page
    # said once, in Chinese, at the code (issue 15, B20: not "约束 “project_code_year_unique” 是无效的")
    assert page.count(CODE_YEAR_TAKEN) == 1 and "project_code_year_unique" not in page and "约束" not in page


@pytest.mark.parametrize("typed", ["n-001", "Ｎ－００１", " n-0 01 "])
def test_case_and_width_forms_are_the_same_code(client, officer, unit_a, typed) -> None:
    factories.project(unit=unit_a, code="N-001", year=2025)
    client.force_login(officer)
    response = client.post(reverse("projects:create"), DATA | {"code": typed})
    assert response.status_code == 400 and CODE_YEAR_TAKEN in response.content.decode()
    assert Project.objects.count() == 1


def test_code_is_stored_in_its_one_form(client, officer) -> None:
    client.force_login(officer)
    assert client.post(reverse("projects:create"), DATA | {"code": "ｎ－００２"}).status_code == 302
    assert Project.objects.get().code == "N-002"


def test_another_units_code_of_any_year_is_refused(client, officer, unit_b) -> None:
    """Code squatting (issue 15, A4): a code belongs to the unit that holds it, in every year."""
    factories.project(unit=unit_b, code="N-001", year=2021, name="乙单位项目")
    client.force_login(officer)
    response = client.post(reverse("projects:create"), DATA | {"code": "n-001"})
    page = response.content.decode()
    assert (
        response.status_code == 400
        and "属于单位“140002-内蒙古妇女干部学校”" in page
        and "一个编码只属于一个单位" in page
    )
    assert not Project.objects.filter(year=2025).exists()


def test_own_units_code_of_another_year_is_accepted(client, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="N-001", year=2024)
    client.force_login(officer)
    assert client.post(reverse("projects:create"), DATA).status_code == 302
    assert Project.objects.filter(code="N-001").count() == 2


def test_duplicate_uncoded_name_is_said_in_chinese_at_the_name(client, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="", year=2025, name="新项目")
    client.force_login(officer)
    page = client.post(reverse("projects:create"), DATA | {"code": ""}).content.decode()
    assert page.count(NAME_YEAR_TAKEN) == 1 and "project_uncoded_name_unique" not in page


def test_invalid_year_is_refused_in_chinese(client, officer) -> None:
    client.force_login(officer)
    response = client.post(reverse("projects:create"), DATA | {"year": "二〇二五"})
    assert response.status_code == 400 and "输入整数" in response.content.decode()


@pytest.mark.parametrize("who", ["evaluator", "admin_user"])
def test_only_officers_create(client, request, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("projects:create")).status_code == 403


def test_wrong_method_405(client, officer) -> None:
    client.force_login(officer)
    assert client.put(reverse("projects:create")).status_code == 405
