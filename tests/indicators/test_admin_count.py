"""The admin's 指标 list counts by estimate when nothing narrows it, on PostgreSQL (issue 16 §1: an
exact COUNT(*) of 600,000 指标 was most of the page), and says so: “约 600,000 条绩效指标（估算）”. A
filter or a search counts exactly, as do SQLite and a table the estimate puts under the threshold;
either way the page asks the same number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evalsys.lib.estimated import EstimatedCountPaginator, rounded
from indicators.models import Indicator
from tests import factories

pytestmark = pytest.mark.django_db
LIST = reverse("admin:indicators_indicator_changelist")
ROWS = 130  # three pages of 50


@pytest.fixture
def indicators(unit_a) -> None:
    for p in range(ROWS // 10):
        project = factories.project(unit=unit_a, code=f"P{p:03d}", year=2025)
        for i in range(10):
            factories.indicator(project, level3=f"培训人次{p}-{i}", level1="产出指标" if i % 2 else "效益指标")
    if connection.vendor == "postgresql":  # what autovacuum leaves: the planner's statistics of the table
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE indicators_indicator")


def shown(client, **params) -> tuple[object, str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return response.context["cl"], response.content.decode(), len(captured)


def test_rounded_keeps_three_figures() -> None:
    assert [rounded(n) for n in (0, 7, 130, 6_012, 600_012, 612_345, 1_234_567)] == [
        0, 7, 130, 6_010, 600_000, 612_000, 1_230_000,
    ]  # fmt: skip


@pytest.mark.usefixtures("indicators")
def test_below_the_threshold_the_count_is_exact_in_the_same_queries(client, admin_user) -> None:
    client.force_login(admin_user)
    cl, page, queries = shown(client)
    assert cl.result_count == ROWS and not cl.paginator.estimated
    assert f"{ROWS} 绩效指标" in page and "约" not in page.split('class="paginator"')[1]
    assert queries == 5  # session, user, the years of the filter, the count, the rows


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
@pytest.mark.usefixtures("indicators")
def test_an_unfiltered_list_on_postgresql_shows_the_estimate_and_says_so(client, admin_user, monkeypatch) -> None:
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_from", 1)  # a table this big is estimated
    client.force_login(admin_user)
    cl, page, queries = shown(client)
    assert cl.paginator.estimated and cl.result_count == ROWS  # ANALYZE counted every row
    assert "约 130 条绩效指标（估算）" in page
    assert "选中全部（约 130 条）" in page and "已选中全部（约 130 条）" in page  # 全部选中 says 约 too
    assert queries == 5  # the estimate takes the count's place
    last, _, _ = shown(client, p=3)
    assert len(last.result_list) == ROWS - 100  # the last page holds what is there
    # a filter or a search: the count the user asked for, exactly
    filtered, page, queries = shown(client, level1="产出指标")
    assert not filtered.paginator.estimated and filtered.result_count == ROWS // 2
    assert f"{ROWS // 2} 绩效指标" in page and "估算" not in page and queries == 5
    searched, page, _ = shown(client, q="培训人次1-")
    assert not searched.paginator.estimated and searched.result_count == 10 and "估算" not in page


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no planner's estimate to show")
@pytest.mark.usefixtures("indicators")
def test_sqlite_counts_exactly_whatever_the_threshold(client, admin_user, monkeypatch) -> None:
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_from", 1)
    client.force_login(admin_user)
    cl, page, queries = shown(client)
    assert not cl.paginator.estimated and cl.result_count == Indicator.objects.count() == ROWS
    assert "估算" not in page and queries == 5
