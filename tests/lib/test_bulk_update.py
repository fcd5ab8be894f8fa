"""bulk_update_columns writes what Django's bulk_update writes (COPY and one UPDATE on PostgreSQL, one
prepared UPDATE executed per row on SQLite)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evalsys.lib.bulk import COPY_FROM, bulk_update_columns
from projects.models import Project
from projects.scores import STORED
from tests import factories

pytestmark = pytest.mark.django_db

VALUES = [  # every stored column, with None, extremes, quotes, tabs and backslashes where the type allows
    {"score_total": Decimal("93.62"), "score_grade": "优", "execution_rate": Decimal("100.00"), "warning_count": 0,
     "warning_codes": "", "answered": True, "scored": True},
    {"score_total": None, "score_grade": "", "execution_rate": None, "warning_count": 7,
     "warning_codes": ",low_execution,missing_reason,", "answered": False, "scored": False},
    {"score_total": Decimal("-0.01"), "score_grade": "D'\\\t", "execution_rate": Decimal("123456789012.34"),
     "warning_count": 2147483647, "warning_codes": ",a\\b,\tc,", "answered": False, "scored": True},
]  # fmt: skip


@pytest.mark.parametrize("copies", [1, COPY_FROM])  # bulk_update's path, and COPY's on PostgreSQL
def test_every_stored_column_is_written_and_read_back(unit_a, copies) -> None:
    values_list = VALUES * copies
    projects = [factories.project(unit=unit_a, code=f"U{i}", year=2025) for i in range(len(values_list))]
    untouched = factories.project(unit=unit_a, code="UNTOUCHED", year=2025, score_grade="良")
    for project, values in zip(projects, values_list, strict=True):
        for name, value in values.items():
            setattr(project, name, value)
    assert bulk_update_columns(projects, Project, STORED) == len(values_list)
    for project, values in zip(projects, values_list, strict=True):
        stored = Project.objects.filter(pk=project.pk).values(*STORED).get()
        assert stored == values
    assert Project.objects.get(pk=untouched.pk).score_grade == "良"  # other rows are left alone
    assert bulk_update_columns([], Project, STORED) == 0


def test_many_rows_take_a_fixed_number_of_statements(unit_a) -> None:
    # PostgreSQL: drop, create the scratch table, update, drop (COPY is not a logged query); SQLite: one
    # executemany of a prepared UPDATE by key
    statements = 4 if connection.vendor == "postgresql" else 1
    for count in (COPY_FROM, 3 * COPY_FROM):
        rows = [factories.project(unit=unit_a, code=f"N{count}-{i}", year=2025) for i in range(count)]
        for row in rows:
            row.warning_count = 5
        with CaptureQueriesContext(connection) as captured:
            bulk_update_columns(rows, Project, ["warning_count"])
        assert len(captured) == statements
        assert set(Project.objects.filter(pk__in=[r.pk for r in rows]).values_list("warning_count", flat=True)) == {5}


def test_a_few_rows_take_one_update_and_no_scratch_table(unit_a) -> None:
    rows = [factories.project(unit=unit_a, code=f"F{i}", year=2025) for i in range(2)]
    for row in rows:
        row.score_grade = "中"
    with CaptureQueriesContext(connection) as captured:
        bulk_update_columns(rows, Project, ["score_grade"])
    assert len(captured) == 1 and "TEMPORARY" not in captured[0]["sql"]
    assert set(Project.objects.filter(pk__in=[r.pk for r in rows]).values_list("score_grade", flat=True)) == {"中"}
