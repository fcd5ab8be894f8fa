"""Project pages: who sees what (style.md checklist)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.scores import projects_rescore
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(unit_a):
    project = factories.project(unit=unit_a, code="A-001", name="单位A项目")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="90", actual=10, actual_text="10")
    projects_rescore(project_ids=[project.pk])  # factories write behind the services' back
    return project


@pytest.fixture
def project_b(unit_b):
    return factories.project(unit=unit_b, code="B-001", name="单位B项目")


def test_anonymous_is_sent_to_login(client, project_a) -> None:
    response = client.get(reverse("projects:detail", args=[project_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_officer_lists_only_own_unit(client, officer, project_a, project_b) -> None:
    client.force_login(officer)
    page = client.get(reverse("projects:list"), {"year": 2022}).content.decode()
    assert "单位A项目" in page and "单位B项目" not in page
    assert "99.50" in page  # indicators 90 met + budget 95% × 10


def test_evaluator_lists_assigned_units(client, evaluator, project_a, project_b) -> None:
    client.force_login(evaluator)
    page = client.get(reverse("projects:list")).content.decode()
    assert "单位A项目" in page and "单位B项目" in page


def test_user_without_role_gets_403(client, project_a, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("nobody", password="x-pass-2026"))
    assert client.get(reverse("projects:list")).status_code == 403
    assert client.get(reverse("projects:detail", args=[project_a.pk])).status_code == 403


def test_detail_shows_scores_and_download_buttons(client, officer, project_a) -> None:
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[project_a.pk])).content.decode()
    assert "99.50 分 · 优" in page
    for fmt in ("docx", "pdf", "xlsx"):
        assert reverse("reports:download", args=[project_a.pk, fmt]) in page
    assert "保存报告文字" in page


def test_other_unit_gets_404(client, officer, project_b) -> None:
    client.force_login(officer)
    assert client.get(reverse("projects:detail", args=[project_b.pk])).status_code == 404


def test_wrong_method_gets_405(client, officer, project_a) -> None:
    client.force_login(officer)
    assert client.post(reverse("projects:detail", args=[project_a.pk])).status_code == 405
    assert client.post(reverse("projects:list")).status_code == 405


def test_list_query_count_does_not_grow(client, officer, unit_a, django_assert_max_num_queries) -> None:
    for i in range(30):
        project = factories.project(unit=unit_a, code=f"Q{i:03d}")
        factories.fund(project, annual="10", executed="9")
        for j in range(5):
            factories.indicator(project, level3=f"指标{j}", weight="18")
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("projects:list")).status_code == 200


def test_detail_query_count_does_not_grow(client, officer, project_a, django_assert_max_num_queries) -> None:
    for j in range(40):
        factories.indicator(project_a, level3=f"指标{j}", weight="1")
    client.force_login(officer)
    with django_assert_max_num_queries(20):  # incl. the timeline: one query per history table
        assert client.get(reverse("projects:detail", args=[project_a.pk])).status_code == 200
