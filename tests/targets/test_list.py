"""The 绩效目标 list at any size (issue 16 §1, bench/lists.py): its years and counts come from the
kept counts (StateCount), a page's rows from each state's slice (targets.selectors.DeclaredPaginator),
in the order the list always had (waiting ones first, then newest), in the same few queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.access import visible_projects, visible_units
from projects.models import Project, StageState, Status
from projects.stages import StageKey, StageStatus
from targets import views
from targets.selectors import declared_counts, declared_targets, declared_years
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("targets:list")
S = StageStatus
CYCLE = [S.APPROVED, S.SUBMITTED, S.DRAFT, S.RETURNED, S.REVISING, S.ADJUSTING, S.REJECTED]


def declarations(unit, n: int, *, prefix: str, year: int = 2026) -> list[Project]:
    made = Project.objects.bulk_create([Project(unit=unit, year=year, code=f"{prefix}{i:03d}", name=f"目标{prefix}{i}",
                                                status=Status.NOT_OPEN) for i in range(n)])  # fmt: skip
    for i, project in enumerate(made):
        StageState.objects.filter(project=project, stage=StageKey.TARGETS).update(status=CYCLE[i % len(CYCLE)])
    return made


def codes(client, **params) -> list[str]:
    page = client.get(LIST, params)
    assert page.status_code == 200
    return [row.project.code for row in page.context["page"]]


@pytest.mark.parametrize("who", ["officer", "evaluator", "admin_user"])
def test_every_page_shows_the_rows_of_the_old_order(client, request, monkeypatch, unit_a, unit_b, who) -> None:
    declarations(unit_a, 17, prefix="A")
    declarations(unit_b, 9, prefix="B")
    declarations(unit_a, 3, prefix="C", year=2025)
    factories.project(unit=unit_a, code="R001", year=2026)  # 随自评填报: never listed
    monkeypatch.setattr(views, "PER_PAGE", 4)
    user = request.getfixturevalue(who)
    client.force_login(user)
    for status in ("", S.SUBMITTED, S.APPROVED):
        expected = [row.project.code for row in declared_targets(visible_projects(user), year=2026, status=status)]
        pages = (len(expected) + 3) // 4
        shown = [code for n in range(1, pages + 1) for code in codes(client, year=2026, status=status, page=n)]
        assert shown == expected and expected
        assert "R001" not in shown
    page = client.get(LIST, {"year": 2026}).context["page"]
    assert page.paginator.count == len(declared_targets(visible_projects(user), year=2026))


def test_years_and_counts_come_from_the_kept_counts(evaluator, unit_a, unit_b) -> None:
    declarations(unit_a, 8, prefix="A")
    declarations(unit_b, 2, prefix="B", year=2024)
    factories.project(unit=unit_a, code="R001", year=2027)  # 随自评填报 only: no year of declarations
    units = visible_units(evaluator)
    assert declared_years(units) == [2026, 2024]
    assert declared_counts(units, year=2026) == {S.APPROVED: 2, S.SUBMITTED: 1, S.DRAFT: 1, S.RETURNED: 1,
                                                 S.REVISING: 1, S.ADJUSTING: 1, S.REJECTED: 1}  # fmt: skip
    assert declared_counts(units, year=2026, status=S.APPROVED) == {S.APPROVED: 2}
    assert declared_counts(units, year=2023) == {}


def test_a_page_costs_the_same_queries_at_any_size(client, admin_user, unit_a, django_assert_max_num_queries) -> None:
    declarations(unit_a, 5, prefix="A")
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as few:
        codes(client, year=2026)
    declarations(unit_a, 120, prefix="M")
    with django_assert_max_num_queries(len(few)) as many:
        codes(client, year=2026, page=2)
    listed = [q["sql"] for q in many if "projects_stagestate" in q["sql"] and "LIMIT" in q["sql"]]
    assert len(listed) == 1  # the page's rows: one query whatever states it spans
    counted = [q["sql"] for q in many if "COUNT(" in q["sql"] and "projects_stagestate" in q["sql"]]
    assert not counted  # no COUNT(*) of the year's rows: the kept counts say how many
