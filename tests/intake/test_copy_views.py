"""Copying last year's project into a year (style.md checklist)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.copying import COPY_EXISTS
from indicators.models import Indicator
from projects.models import Project
from tests import factories

pytestmark = pytest.mark.django_db

COPY = reverse("intake:copy")


@pytest.fixture
def project_a(unit_a):
    project = factories.project(unit=unit_a, code="A-001", year=2022, name="单位A项目", annual_goal="年度目标A")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="60", actual=10, actual_text="10")
    factories.indicator(project, level3="研发新产品", weight="30")
    return project


@pytest.fixture
def project_b(unit_b):
    return factories.project(unit=unit_b, code="B-001", year=2022, name="单位B项目")


# --- happy path -------------------------------------------------------------------------------


def test_form_lists_own_projects_of_the_year_before(client, officer, project_a, project_b) -> None:
    client.force_login(officer)
    response = client.get(COPY, {"year": "2023"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2022 年度的项目" in page and "A-001-单位A项目" in page
    assert "单位B项目" not in page


def test_default_year_follows_the_latest_visible_year(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.get(COPY)
    assert response.context["form"]["year"].value() == 2023
    assert list(response.context["form"].fields["source"].queryset) == [project_a]


def test_already_copied_projects_are_not_offered(client, officer, project_a, unit_a) -> None:
    factories.project(unit=unit_a, code="A-001", year=2023, name="单位A项目")
    uncoded = factories.project(unit=unit_a, code="", year=2022, name="无编码项目")
    factories.project(unit=unit_a, code="", year=2023, name="无编码项目")
    spare = factories.project(unit=unit_a, code="", year=2022, name="另一无编码项目")
    client.force_login(officer)
    offered = list(client.get(COPY, {"year": "2023"}).context["form"].fields["source"].queryset)
    assert offered == [spare] and uncoded not in offered


def test_officer_copies_a_project_and_lands_on_it(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(COPY, {"year": "2023", "source": str(project_a.pk)})
    copy = Project.objects.get(code="A-001", year=2023)
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[copy.pk])
    assert (copy.unit, copy.name, copy.annual_goal) == (project_a.unit, "单位A项目", "年度目标A")
    assert sorted(Indicator.objects.filter(project=copy).values_list("level3", flat=True)) == ["培训人次", "研发新产品"]
    assert not copy.funds.exists()
    assert "已从 2022 年度复制项目“单位A项目”" in client.get(response["Location"]).content.decode()


def test_admin_copies_any_units_project(client, admin_user, project_b) -> None:
    client.force_login(admin_user)
    response = client.post(COPY, {"year": "2023", "source": str(project_b.pk)})
    assert response.status_code == 302
    assert Project.objects.filter(code="B-001", year=2023).exists()


def test_htmx_year_change_gets_the_form_for_that_year(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.get(COPY, {"year": "2024"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="copy-form"' in page
    assert "2023 年度的项目" in page and "单位A项目" not in page


# --- other unit, wrong role, wrong method -----------------------------------------------------


def test_other_units_project_id_is_a_form_error(client, officer, project_a, project_b) -> None:
    client.force_login(officer)
    response = client.post(COPY, {"year": "2023", "source": str(project_b.pk)})
    assert response.status_code == 400
    assert "source" in response.context["form"].errors
    assert not Project.objects.filter(year=2023).exists()


def test_evaluator_gets_403(client, evaluator, project_a) -> None:
    client.force_login(evaluator)
    assert client.get(COPY).status_code == 403
    assert client.post(COPY, {"year": "2023", "source": str(project_a.pk)}).status_code == 403
    assert not Project.objects.filter(year=2023).exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method_gets_405(client, officer, method) -> None:
    client.force_login(officer)
    assert getattr(client, method)(COPY).status_code == 405


# --- invalid input ----------------------------------------------------------------------------


def test_missing_source_is_reported_keeping_the_year(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(COPY, {"year": "2023", "source": ""})
    assert response.status_code == 400
    assert "source" in response.context["form"].errors
    assert 'value="2023"' in response.content.decode()


def test_bad_year_is_reported_keeping_the_input(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(COPY, {"year": "二〇二三", "source": str(project_a.pk)})
    assert response.status_code == 400
    assert "year" in response.context["form"].errors
    assert 'value="二〇二三"' in response.content.decode()


def test_source_of_the_wrong_year_is_refused(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(COPY, {"year": "2025", "source": str(project_a.pk)})
    assert response.status_code == 400 and "source" in response.context["form"].errors


def test_service_refusal_is_shown_at_the_form(client, officer, project_a, monkeypatch) -> None:
    """Someone created the project in the meantime: the service's Chinese message reaches the form."""
    message = COPY_EXISTS.format(year=2023, name=project_a.name)

    def clash(**kwargs):
        raise ValidationError(message, code="exists")

    monkeypatch.setattr("intake.views.project_copy_to_year", clash)
    client.force_login(officer)
    response = client.post(COPY, {"year": "2023", "source": str(project_a.pk)})
    assert response.status_code == 400 and message in response.content.decode()
