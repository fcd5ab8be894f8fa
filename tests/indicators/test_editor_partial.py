"""The editor's HTMX responses build and send only what changed (issue 10, item 5).

An actual post sends its row, the total and the version; a row update adds its tree row and the
weight sums. Neither builds the forms of rows it does not send, so the forms built and the queries
issued are the same for a project of 3 indicators and one of 40; so are the editor page's queries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.forms import ActualForm, IndicatorForm
from indicators.models import Indicator
from projects.models import Project
from projects.scores import project_evaluate
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
FRAGMENT = re.compile(r'<[a-z]+ [^>]*?\bid="(actual-row-\d+|tree-row-\d+|new-indicator|indicator-tree|'
                      r'indicator-actuals|weight-sums|project-total|project-version)"')  # fmt: skip


def project_with(unit, n: int, code: str) -> Project:
    """A draft project with funds and `n` numeric indicators, every one with an actual (so all are scored)."""
    project = factories.project(unit=unit, code=code)
    factories.fund(project, annual="100", executed="90")
    for j in range(n):
        factories.indicator(project, level3=f"{code}指标{j:02d}", weight="1", position=j + 1, actual=Decimal(9),
                            actual_text="9", reason="说明")  # fmt: skip
    return project


def version(project: Project) -> str:
    return str(Project.objects.get(pk=project.pk).version)


def actual_data(project: Project, indicator: Indicator, actual: str) -> dict[str, str]:
    p = f"a{indicator.pk}"
    return {"version": version(project), f"{p}-actual": actual, f"{p}-reason": "说明"}


def row_data(project: Project, indicator: Indicator, **changes: str) -> dict[str, str]:
    values = {"level1": indicator.level1, "level2": indicator.level2, "level3": indicator.level3,
              "comparator": indicator.comparator, "target": "10", "unit": indicator.unit, "weight": "2"}  # fmt: skip
    values |= changes
    return {"version": version(project), **{f"i{indicator.pk}-{k}": v for k, v in values.items()}}


def fragments(page: str) -> Counter[str]:
    return Counter(FRAGMENT.findall(page))


@contextmanager
def counting_forms() -> Iterator[Counter[str]]:
    """Count the IndicatorForm and ActualForm instances built inside the block."""
    built: Counter[str] = Counter()
    with pytest.MonkeyPatch.context() as patch:
        for cls in (IndicatorForm, ActualForm):

            def init(self, *args, _original=cls.__init__, _name=cls.__name__, **kwargs):
                built[_name] += 1
                _original(self, *args, **kwargs)

            patch.setattr(cls, "__init__", init)
        yield built


def measure(send: Callable[[], Any]) -> tuple[int, dict[str, int], Any]:
    """(queries issued, forms built, response) of one request."""
    with CaptureQueriesContext(connection) as queries, counting_forms() as built:
        response = send()
    return len(queries), dict(built), response


@pytest.fixture
def small(unit_a) -> Project:
    return project_with(unit_a, 3, "S")


@pytest.fixture
def large(unit_a) -> Project:
    return project_with(unit_a, 40, "L")


def second_row(project: Project) -> Indicator:
    return project.indicators.order_by("position")[1]


# --- what the actual post sends ---------------------------------------------------------------------


def test_htmx_actual_sends_its_row_the_total_and_the_version_and_nothing_else(client, officer, large) -> None:
    target = second_row(large)
    client.force_login(officer)
    response = client.post(reverse("indicators:actual", args=[large.pk, target.pk]),
                           actual_data(large, target, "5"), **HTMX)  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert fragments(page) == Counter({f"actual-row-{target.pk}": 1, "project-total": 1, "project-version": 1})
    others = large.indicators.exclude(pk=target.pk)
    assert not [i.level3 for i in others if i.level3 in page]
    assert not [i.pk for i in others if f'name="a{i.pk}-' in page or f'name="i{i.pk}-' in page]
    assert f'id="project-version" value="{version(large)}" hx-swap-oob="true"' in page


def test_htmx_actual_total_is_the_whole_projects(client, officer, large) -> None:
    """Only one row is rendered, but the total still scores every row."""
    target = second_row(large)
    client.force_login(officer)
    page = client.post(reverse("indicators:actual", args=[large.pk, target.pk]),
                       actual_data(large, target, "5"), **HTMX).content.decode()  # fmt: skip
    evaluation = project_evaluate(Project.objects.get(pk=large.pk))
    assert evaluation.indicator_total == Decimal("35.60")  # 39 rows at 0.90 and this one at 0.50
    assert f"{evaluation.total} 分 · {evaluation.grade}" in page and f"指标得分 {evaluation.indicator_total}" in page


def test_htmx_row_update_sends_its_tree_row_weights_actual_total_and_version(client, officer, large) -> None:
    target = second_row(large)
    client.force_login(officer)
    response = client.post(reverse("indicators:update", args=[large.pk, target.pk]),
                           row_data(large, target, weight="3"), **HTMX)  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert fragments(page) == Counter({f"tree-row-{target.pk}": 1, "weight-sums": 1, f"actual-row-{target.pk}": 1,
                                       "project-total": 1, "project-version": 1})  # fmt: skip
    assert "产出指标 42/50" in page  # the sums still add every row: 39 × 1 + 3
    assert not [i.level3 for i in large.indicators.exclude(pk=target.pk) if i.level3 in page]


def test_htmx_errors_send_only_the_row_with_its_error(client, officer, large) -> None:
    target = second_row(large)
    client.force_login(officer)
    actual = client.post(reverse("indicators:actual", args=[large.pk, target.pk]),
                         actual_data(large, target, "五十"), **HTMX).content.decode()  # fmt: skip
    assert fragments(actual) == Counter({f"actual-row-{target.pk}": 1}) and "“五十”不是数字" in actual
    update = client.post(reverse("indicators:update", args=[large.pk, target.pk]),
                         row_data(large, target, weight="-3"), **HTMX).content.decode()  # fmt: skip
    assert fragments(update) == Counter({f"tree-row-{target.pk}": 1}) and "权重不能为负数" in update


def test_structure_changes_still_send_the_whole_tree_and_actuals(client, officer, small) -> None:
    target = second_row(small)
    client.force_login(officer)
    page = client.post(reverse("indicators:move_up", args=[small.pk, target.pk]),
                       {"version": version(small)}, **HTMX).content.decode()  # fmt: skip
    found = fragments(page)
    rows = list(small.indicators.values_list("pk", flat=True))
    assert {f"tree-row-{pk}" for pk in rows} | {f"actual-row-{pk}" for pk in rows} <= set(found)
    assert {"indicator-tree", "new-indicator", "indicator-actuals", "project-total", "project-version"} <= set(found)


# --- constant in rows -----------------------------------------------------------------------------


def test_htmx_actual_builds_the_same_forms_and_queries_for_3_and_40_rows(client, officer, small, large) -> None:
    client.force_login(officer)
    seen = {}
    for project in (small, large):
        client.get(reverse("indicators:editor", args=[project.pk]))  # warm: session, caches
        target = second_row(project)
        url = reverse("indicators:actual", args=[project.pk, target.pk])
        data = actual_data(project, target, "8")
        queries, built, response = measure(lambda: client.post(url, data, **HTMX))  # noqa: B023
        assert response.status_code == 200
        seen[project.code] = queries, built
    assert seen["S"] == seen["L"]
    assert seen["L"][1] == {"ActualForm": 2}  # the posted one, and the saved row's fresh one


def test_htmx_row_update_builds_the_same_forms_and_queries_for_3_and_40_rows(client, officer, small, large) -> None:
    client.force_login(officer)
    seen = {}
    for project in (small, large):
        client.get(reverse("indicators:editor", args=[project.pk]))
        target = second_row(project)
        url = reverse("indicators:update", args=[project.pk, target.pk])
        data = row_data(project, target, weight="2")
        queries, built, response = measure(lambda: client.post(url, data, **HTMX))  # noqa: B023
        assert response.status_code == 200
        seen[project.code] = queries, built
    assert seen["S"] == seen["L"]
    assert seen["L"][1] == {"IndicatorForm": 2, "ActualForm": 1}


def test_htmx_actual_error_builds_no_other_rows_forms(client, officer, small, large) -> None:
    client.force_login(officer)
    seen = {}
    for project in (small, large):
        target = second_row(project)
        url = reverse("indicators:actual", args=[project.pk, target.pk])
        data = actual_data(project, target, "五十")
        queries, built, response = measure(lambda: client.post(url, data, **HTMX))  # noqa: B023
        assert response.status_code == 200
        seen[project.code] = queries, built
    assert seen["S"] == seen["L"] and seen["L"][1] == {"ActualForm": 1}


def test_editor_page_queries_are_the_same_for_3_and_40_rows(client, officer, small, large) -> None:
    client.force_login(officer)
    seen = {}
    for project in (small, large):
        url = reverse("indicators:editor", args=[project.pk])
        client.get(url)
        queries, built, response = measure(lambda: client.get(url))  # noqa: B023
        assert response.status_code == 200
        seen[project.code] = queries, built
    assert seen["S"][0] == seen["L"][0]
    # the page renders every row: both forms of each, and the new-row form
    assert seen["S"][1] == {"IndicatorForm": 4, "ActualForm": 3} and seen["L"][1] == {
        "IndicatorForm": 41,
        "ActualForm": 40,
    }
