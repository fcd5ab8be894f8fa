"""Review actions at the same moment (issue "Trust", items 5 and 6): PostgreSQL row locks.

Two threads start together at a barrier, each on its own connection; the first to lock the
project's row wins and the second sees its result. SQLite has no row locks: skipped there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects.models import Project, ReviewRound, Status
from projects.services import evaluation_approve, evaluation_return, evaluation_submit
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture
def project(unit_a):
    project = factories.project(unit=unit_a, code="R-001")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="90", target=Decimal(10), actual=Decimal(10),
                        actual_text="10")  # fmt: skip
    factories.report_text(project)  # the report's required sections: a complete submission
    return project


def race(*actions: Callable[[], object]) -> list[str]:
    """Run `actions` at once; each result is "ok" or the refusal's code."""
    barrier, results = threading.Barrier(len(actions)), []

    def run(action: Callable[[], object]) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            action()
            results.append("ok")
        except ValidationError as error:
            results.append(error.code or "invalid")
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def fresh(project: Project) -> Project:
    return Project.objects.get(pk=project.pk)


def test_two_returns_at_once_write_one_round(project, officer, evaluator) -> None:
    evaluation_submit(project=project, user=officer)
    results = race(*(lambda: evaluation_return(project=fresh(project), user=evaluator, reason="补充") for _ in "ab"))
    assert results == ["ok", "state"]
    assert ReviewRound.objects.filter(project=project, action="return").count() == 1


def test_two_submits_at_once_write_one_round(project, officer) -> None:
    results = race(*(lambda: evaluation_submit(project=fresh(project), user=officer) for _ in "ab"))
    assert results == ["ok", "state"]
    assert ReviewRound.objects.filter(project=project, action="submit").count() == 1


def test_approve_racing_return_leaves_what_the_winner_was_told(project, officer, evaluator) -> None:
    evaluation_submit(project=project, user=officer)
    told: dict[str, str] = {}

    def approve() -> None:
        evaluation_approve(projects=[fresh(project)], user=evaluator)
        told["approve"] = Status.APPROVED

    def give_back() -> None:
        evaluation_return(project=fresh(project), user=evaluator, reason="请补充")
        told["return"] = Status.RETURNED

    assert race(approve, give_back) == ["ok", "state"]
    assert list(told.values()) == [fresh(project).status]
    assert ReviewRound.objects.filter(project=project).exclude(action="submit").count() == 1


def test_a_long_return_reason_is_kept_whole(project, officer, evaluator) -> None:
    """Reasons over ~95 characters were a 500: the history's reason column held 100."""
    evaluation_submit(project=project, user=officer)
    reason = "偏差原因未说明清楚，" * 50
    evaluation_return(project=fresh(project), user=evaluator, reason=reason)
    assert ReviewRound.objects.get(project=project, action="return").reason == reason.strip()
    assert fresh(project).history.first().history_change_reason == f"退回：{reason.strip()}"
