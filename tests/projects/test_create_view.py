"""新建项目: an officer starts a project of their own unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Project, Status
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
    assert response.status_code == 400 and "2025 年度已有此项目" in page and 'value="新项目"' in page


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
