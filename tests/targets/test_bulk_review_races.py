"""A bulk review of targets at the same moment as another step on the same projects: PostgreSQL row
locks (as tests/projects/test_workflow_races.py for the self-evaluation). Two threads start together
at a barrier, each on its own connection; whichever locks a project's rows first wins it, and the
other sees that project's new state: a bulk review names it as refused, a single step is refused.
SQLite has no row locks: skipped there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from projects import workflow
from projects.models import Project, ReviewRound, StageState
from projects.stages import Action, StageKey, StageStatus
from targets.models import TargetReview
from targets.services import targets_review_many
from tests import factories
from tests.targets.test_bulk_review import CRITERIA, declaration, status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Run `actions` at once; each result is what the action returned, or the refusal's code."""
    barrier, results = threading.Barrier(len(actions)), [None] * len(actions)

    def run(n: int, action: Callable[[], Any]) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            results[n] = action()
        except ValidationError as error:
            results[n] = error.code or "invalid"
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def fresh(projects: list[Project]) -> list[Project]:
    return list(Project.objects.filter(pk__in=[p.pk for p in projects]).order_by("pk"))


@transaction.atomic
def withdraw(project: Project, user: Any) -> None:
    """The officer's 撤回 (projects.views' stage step, in its own transaction)."""
    workflow.transition(projects=fresh([project]), stage=StageKey.TARGETS, action=Action.WITHDRAW, user=user,
                        reason="补充成本指标")  # fmt: skip


@pytest.mark.parametrize("attempt", range(3))
def test_a_withdrawal_during_a_bulk_approval_is_either_refused_or_named(officer, evaluator, unit_a, attempt) -> None:
    chosen = [declaration(unit_a, "TR-1"), declaration(unit_a, "TR-2")]
    done, withdrawn = race(
        lambda: targets_review_many(projects=fresh(chosen), user=evaluator, result="优", criteria=CRITERIA),
        lambda: withdraw(chosen[0], officer),
    )
    assert status(chosen[1]) == StageStatus.APPROVED
    first = status(chosen[0])
    if withdrawn == "state":  # the approval locked it first: approved, the withdrawal refused
        assert first == StageStatus.APPROVED and [p.pk for p in done.reviewed] == [p.pk for p in chosen]
    else:  # the withdrawal won: the approval names it and leaves it alone
        assert first == StageStatus.DRAFT and [p.pk for p, _ in done.refused] == [chosen[0].pk]
        assert "绩效目标当前状态为“草稿”" in done.refused[0][1]
    reviewed = set(TargetReview.objects.values_list("project", flat=True))
    assert reviewed == ({p.pk for p in chosen} if first == StageStatus.APPROVED else {chosen[1].pk})
    assert StageState.objects.get(project=chosen[0], stage=StageKey.SELF_EVALUATION).status == (
        StageStatus.DRAFT if first == StageStatus.APPROVED else StageStatus.NOT_OPEN
    )


def test_two_reviewers_at_once_review_each_project_once(evaluator, unit_a, unit_b) -> None:
    chosen = [declaration(unit_a, f"TR-{n}") for n in range(5)]
    colleague = factories.user("evaluator_2", role="evaluator", review_units=[unit_a, unit_b])
    approve, ret = race(
        lambda: targets_review_many(projects=fresh(chosen), user=evaluator, result="优", criteria=CRITERIA),
        lambda: targets_review_many(
            projects=fresh(chosen), user=colleague, result="中", criteria=CRITERIA, opinion="缺少时效指标"
        ),
    )
    # one of them took every project (the rows are locked in one order), the other refused them all
    assert sorted([len(approve.reviewed), len(ret.reviewed)]) == [0, 5]
    assert sorted([len(approve.refused), len(ret.refused)]) == [0, 5]
    assert TargetReview.objects.count() == 5
    assert ReviewRound.objects.filter(stage=StageKey.TARGETS).count() == 5
    states = {status(p) for p in chosen}
    assert states == ({StageStatus.APPROVED} if approve.reviewed else {StageStatus.RETURNED})
