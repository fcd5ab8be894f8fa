"""The indexes the lists read at 50,000 projects (issue 16 §1, migration projects 0023, bench/lists.py):
in the migration state and the database on both engines, PostgreSQL's own as PostgreSQL holds them,
and the planner serving the pages' orders from them (no sort of the year's rows). The batch-export
picker walks the units in order; its order stays unit code, project code."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q

from projects.listing import apply_filters, ordered
from projects.models import Project, Status, Unit
from reports.selectors import batch_preview, batch_projects
from tests import factories

pytestmark = pytest.mark.django_db
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own indexes and planner")


def state_indexes(model: str) -> dict[str, object]:
    """{name: Index} of a projects model in the state the migrations leave."""
    state = MigrationExecutor(connection).loader.project_state()
    return {index.name: index for index in state.models["projects", model].options["indexes"]}


def database_indexes(table: str) -> dict[str, dict]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: info for name, info in found.items() if info["index"]}


def test_the_migrations_hold_the_lists_indexes_and_the_database_has_them() -> None:
    unit = state_indexes("unit")["unit_code_name"]
    assert unit.fields == ["code", "name"]
    unwarned = state_indexes("project")["project_unwarned_total"]
    assert unwarned.fields == ["year", "score_total", "id"] and unwarned.condition == Q(warning_count=0)
    assert database_indexes("projects_unit")["unit_code_name"]["columns"] == ["code", "name"]
    assert database_indexes("projects_project")["project_unwarned_total"]["columns"] == ["year", "score_total", "id"]


def definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'projects_project'")
        return dict(cursor.fetchall())


@postgresql
def test_postgresql_holds_the_warned_descending_index() -> None:
    found = definitions()
    warned = found["project_warned_total_desc"]
    assert "(year, score_total DESC NULLS LAST, id DESC) WHERE (warning_count > 0)" in warned
    assert "WHERE (warning_count = 0)" in found["project_unwarned_total"]


def plan(queryset) -> str:
    """The plan PostgreSQL chooses for `queryset` when it may not scan a table nor sort one (the
    tables of a test are too small for the planner to prefer an index on its own)."""
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SET LOCAL {setting} = off")  # the test's transaction ends them
    return queryset.explain()


def sorts(explained: str) -> list[str]:
    """The plan's Sort nodes (an Incremental Sort of a few rows per unit is not one)."""
    return re.findall(r"(?<!Incremental )\bSort\b(?! Key| Method)", explained)


@pytest.fixture
def year(unit_a, unit_b) -> None:
    for unit in (unit_a, unit_b):
        for i in range(30):
            factories.project(unit=unit, code=f"{unit.code}P{i:02d}", year=2025, status=[*Status.values][i % 4],
                              score_total=Decimal(60 + i), warning_count=i % 3)  # fmt: skip


@postgresql
@pytest.mark.usefixtures("year")
def test_warned_projects_by_total_descending_are_read_from_their_own_index() -> None:
    rows = ordered(apply_filters(Project.objects.filter(year=2025), warning="any"), "-total")
    explained = plan(rows.values("pk")[50:100])
    assert "project_warned_total_desc" in explained and not sorts(explained), explained


@postgresql
@pytest.mark.usefixtures("year")
def test_unwarned_projects_by_total_ascending_are_read_from_their_own_index() -> None:
    rows = ordered(apply_filters(Project.objects.filter(year=2025), warning="none"), "total")
    explained = plan(rows.values("pk")[50:100])
    assert "project_unwarned_total" in explained and not sorts(explained), explained


@postgresql
@pytest.mark.usefixtures("year")
def test_the_batch_picker_walks_the_units_in_order(admin_user) -> None:
    _, projects = batch_projects(admin_user, year=2025, department=None, unit=None)
    explained = plan(projects.select_related("unit")[:50])
    assert "unit_code_name" in explained and not sorts(explained), explained


def test_the_batch_picker_keeps_its_order_unit_code_then_project_code(admin_user) -> None:
    """Units whose codes run against their creation (and one without a code, which sorts first),
    projects whose codes run against theirs: the preview pages them by unit code, then project code."""
    later = factories.unit(code="149002", name="后建前序单位")
    earlier = factories.unit(code="149001", name="先建后序单位")  # created after, sorts before
    uncoded = Unit.objects.create(code="", name="无编码单位")
    made = []
    for unit in (later, earlier, uncoded):
        for code in ("Z9", "A1", "M5"):
            made.append(factories.project(unit=unit, code=f"{code}{unit.pk}", year=2025, status=Status.APPROVED))
    expected = [p.pk for p in sorted(made, key=lambda p: (p.unit.code, p.code, p.pk))]
    scope, projects = batch_projects(admin_user, year=2025, department=None, unit=None)
    assert [p.pk for p in batch_preview(scope, projects, 1).projects] == expected
    assert expected[:3] == [p.pk for p in sorted(made[6:], key=lambda p: p.code)]  # the uncoded unit first
