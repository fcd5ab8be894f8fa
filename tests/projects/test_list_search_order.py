"""A search that matches few projects sorts them as a set (projects.listing FEW_MATCHES, issue 16 §1):
the same order as every list's, in keys no index yields, so PostgreSQL sorts the matches the trigram
indexes find instead of walking the 项目编码 index past every project of the year to fill a page."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection

from projects import listing
from projects.listing import QUEUE_SORTS, SORTS, ordered, project_list_page, with_submitted_at
from projects.models import Project, ReviewAction, ReviewRound, Status, Unit
from tests import factories
from tests.projects.test_list_indexes import plan, sorts

pytestmark = pytest.mark.django_db
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own planner")
EVERY_SORT = [key for name in SORTS for key in (name, f"-{name}")]


@pytest.fixture
def year(unit_a, unit_b, officer) -> None:
    """Projects of two units with ties on every sort column, 总分 missing on some, and submissions
    at the same moment for a few (the queue's 提交时间 ties too)."""
    shuffled = random.Random(16)
    for unit in (unit_a, unit_b):
        for i in range(24):
            total = None if i % 5 == 0 else Decimal(60 + shuffled.randrange(4))
            project = factories.project(unit=unit, code=f"{unit.code}P{shuffled.randrange(10**6):06d}", year=2025,
                                        name=f"校园项目{i % 6}", status=[*Status.values][i % 4], score_total=total,
                                        score_grade=["优", "良", ""][i % 3], warning_count=i % 3)  # fmt: skip
            if i % 3 == 0:
                ReviewRound.objects.create(project=project, number=1, action=ReviewAction.SUBMIT, actor=officer)
    moments = [datetime.datetime(2025, 12, day, 9, tzinfo=datetime.UTC) for day in (1, 1, 2)]
    for i, step in enumerate(ReviewRound.objects.order_by("pk")):
        ReviewRound.objects.filter(pk=step.pk).update(created_at=moments[i % 3])


@pytest.mark.usefixtures("year")
@pytest.mark.parametrize("sort", EVERY_SORT)
def test_a_set_sort_orders_as_the_list_does(sort: str) -> None:
    rows = Project.objects.filter(year=2025)
    expected = list(ordered(rows, sort).values_list("pk", flat=True))
    assert len(expected) == 48
    assert list(ordered(rows, sort, few=True).values_list("pk", flat=True)) == expected


@pytest.mark.usefixtures("year")
@pytest.mark.parametrize("sort", ["submitted", "-submitted"])
def test_a_set_sort_orders_the_queue_by_submission_as_the_queue_does(sort: str) -> None:
    rows = with_submitted_at(Project.objects.filter(year=2025))
    expected = list(ordered(rows, sort, QUEUE_SORTS).values_list("pk", flat=True))
    assert None in rows.values_list("submitted_at", flat=True)  # a missing value sorts last either way
    assert list(ordered(rows, sort, QUEUE_SORTS, few=True).values_list("pk", flat=True)) == expected


@postgresql
@pytest.mark.usefixtures("year")
@pytest.mark.parametrize("sort", EVERY_SORT)
def test_no_index_yields_a_set_sort(sort: str) -> None:
    """Even with sorting priced out, a set sort's plan sorts: no index walk serves its order (the
    list's own order is served by one for the columns the lists index: test_list_indexes)."""
    explained = plan(ordered(Project.objects.filter(year=2025), sort, few=True).values("pk")[:20])
    assert sorts(explained), explained
    assert "Incremental Sort" not in explained, explained


def keys(sort: str, query: str) -> tuple[list[int], str]:
    """The page's projects and the SQL of its rows for the admin's list searched for `query`."""
    page = project_list_page(Project.objects.all(), Unit.objects.all(), {"year": "2025", "q": query, "sort": sort},
                             default_year=2025)  # fmt: skip
    return [p.pk for p in page.projects], str(page.page.object_list.query)


@pytest.mark.usefixtures("year")
@pytest.mark.parametrize("sort", ["code", "-total"])
def test_a_page_sorts_a_few_matches_as_a_set_and_many_by_the_lists_order(sort: str, monkeypatch) -> None:
    """校园项目1 matches 8 projects: at most FEW_MATCHES, a set sort. With FEW_MATCHES under 8 the
    same page takes the list's own order. Either way the page holds the same projects in order."""
    few, few_sql = keys(sort, "校园项目1")
    assert len(few) == 8 and "NULLS FIRST" in few_sql
    monkeypatch.setattr(listing, "FEW_MATCHES", 7)
    many, many_sql = keys(sort, "校园项目1")
    assert many == few and "NULLS FIRST" not in many_sql


@pytest.mark.usefixtures("year")
def test_a_list_without_a_search_keeps_the_lists_order() -> None:
    page = project_list_page(Project.objects.all(), Unit.objects.all(), {"year": "2025"}, default_year=2025)
    assert page.counts.total <= listing.FEW_MATCHES and "NULLS FIRST" not in str(page.page.object_list.query)
