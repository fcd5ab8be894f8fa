"""Where the lists' counts come from (issue 16 §1): the self-evaluation's stage rows for the common
case, the projects themselves when a filter reads their own columns; the years of a scope by a
loose index scan. Results equal what counting the projects gives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.access import visible_projects, visible_units
from projects.models import Project, StageState, Status
from projects.selectors import years_of
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")
STATES = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED]


def bulk(unit, n: int, *, prefix: str, year: int = 2025) -> list[Project]:
    rows = [Project(unit=unit, year=year, code=f"{prefix}{i:03d}", name=f"项目{i}", status=STATES[i % 4])
            for i in range(n)]  # fmt: skip
    return Project.objects.bulk_create(rows)


def counting(client, **params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, {"year": 2025, **params}).status_code == 200
    return [q["sql"] for q in captured if "COUNT(" in q["sql"] and '"to_fill"' not in q["sql"]]  # the to-do's aside


def test_bulk_created_projects_have_their_stage_rows(unit_a) -> None:
    made = bulk(unit_a, 4, prefix="B")
    rows = StageState.objects.filter(project__in=made, stage="self_evaluation")
    assert sorted(rows.values_list("status", flat=True)) == sorted(STATES)
    assert set(rows.values_list("year", "unit")) == {(2025, unit_a.pk)}
    assert StageState.objects.filter(project__in=made, stage="targets", status="recorded").count() == 4


@pytest.mark.parametrize("who", ["officer", "evaluator", "admin_user"])
def test_each_role_counts_its_own_units_from_the_stage_rows(client, request, unit_a, unit_b, who) -> None:
    bulk(unit_a, 9, prefix="A")
    bulk(unit_b, 6, prefix="B")
    bulk(factories.unit(code="149999", name="别的单位"), 5, prefix="S")
    user = request.getfixturevalue(who)
    client.force_login(user)
    sql = counting(client)
    assert len(sql) == 1 and "projects_stagestate" in sql[0] and "projects_project" not in sql[0]
    page = client.get(LIST, {"year": 2025}).content.decode()
    expected = visible_projects(user).filter(year=2025).count()
    assert f"共 {expected} 个项目" in page


def test_a_filter_on_the_projects_own_columns_counts_the_projects(client, admin_user, unit_a) -> None:
    bulk(unit_a, 12, prefix="Q")
    client.force_login(admin_user)
    sql = counting(client, q="Q00")
    assert len(sql) == 1 and "projects_project" in sql[0]
    assert "共 10 个项目" in client.get(LIST, {"year": 2025, "q": "Q00"}).content.decode()


def test_the_counts_follow_the_stage_rows(client, admin_user, unit_a) -> None:
    made = bulk(unit_a, 4, prefix="T")
    factories.set_status(Project.objects.filter(pk=made[0].pk), Status.SUBMITTED)
    client.force_login(admin_user)
    page = client.get(LIST, {"year": 2025, "status": Status.SUBMITTED}).content.decode()
    assert "共 2 个项目" in page


def test_years_of_a_scope_newest_first(officer, unit_a, unit_b) -> None:
    for year in (2021, 2023, 2025):
        factories.project(unit=unit_a, code=f"A{year}", year=year)
    factories.project(unit=unit_b, code="B2024", year=2024)
    assert years_of(Project.objects.all()) == [2025, 2024, 2023, 2021]
    assert years_of(visible_projects(officer)) == [2025, 2023, 2021]
    assert years_of(Project.objects.filter(unit__in=visible_units(officer)).filter(year__lt=2023)) == [2021]
    assert years_of(Project.objects.none()) == []
