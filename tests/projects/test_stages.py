"""The stage engine (issue 16 §1): stages as data, one lock rule, one transition, allowed actions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from projects import stages, workflow
from projects.access import project_for_user
from projects.models import Project, ReviewRound, StageState
from projects.services import evaluation_submit, project_touch
from projects.stages import Action, Part, StageKey, StageSpec, StageStatus, review_cycle
from tests import factories

pytestmark = pytest.mark.django_db

TEST_STAGE = "test_stage"
READY: dict[int, list] = {}


class Gap:
    def __init__(self, message: str) -> None:
        self.message = message


def test_stage_ready(projects: list[Project]) -> dict[int, list[Gap]]:
    """The test stage's readiness (registered by dotted path, as an app above projects would)."""
    return {p.pk: [Gap(m) for m in READY.get(p.pk, [])] for p in projects}


test_stage_ready.__test__ = False  # not a test: pytest collects test_* names


@pytest.fixture
def test_stage():
    """A stage that exists only in this test: a spec, a readiness function and nothing else."""
    spec = stages.register(StageSpec(TEST_STAGE, "测试阶段", 15, review_cycle(TEST_STAGE),
                                     locks={StageStatus.SUBMITTED: frozenset([Part.MONITORING]),
                                            StageStatus.APPROVED: frozenset([Part.MONITORING])}))  # fmt: skip
    workflow.register_readiness(TEST_STAGE, "tests.projects.test_stages.test_stage_ready")
    yield spec
    stages.unregister(TEST_STAGE)
    workflow.READINESS.pop(TEST_STAGE, None)
    READY.clear()


def fresh(project: Project) -> Project:
    return Project.objects.get(pk=project.pk)


def test_a_new_project_starts_its_self_evaluation_in_its_status_and_records_its_targets(unit_a) -> None:
    project = factories.project(unit=unit_a, code="S-1")
    assert workflow.states_of(project) == {StageKey.SELF_EVALUATION: "draft", StageKey.TARGETS: "recorded"}
    row = StageState.objects.get(project=project, stage=StageKey.SELF_EVALUATION)
    assert (row.year, row.unit_id, row.round) == (project.year, unit_a.pk, 0)


def test_a_stage_added_in_a_test_runs_its_cycle_with_its_own_readiness_and_lock(test_stage, unit_a, officer,
                                                                                evaluator) -> None:  # fmt: skip
    project = factories.project(unit=unit_a, code="S-2")
    workflow.stage_open(projects=[project], stage=TEST_STAGE)
    assert {s.action for s in workflow.allowed_actions(officer, project, stage=TEST_STAGE)} == {Action.SUBMIT}
    assert workflow.allowed_actions(evaluator, project, stage=TEST_STAGE) == []
    READY[project.pk] = ["测试阶段缺少内容"]
    with pytest.raises(workflow.SubmissionBlocked, match="测试阶段缺少内容"), transaction.atomic():
        workflow.transition(projects=[project], stage=TEST_STAGE, action=Action.SUBMIT, user=officer)
    READY.clear()
    with transaction.atomic():
        workflow.transition(projects=[project], stage=TEST_STAGE, action=Action.SUBMIT, user=officer)
    project = fresh(project)
    assert workflow.states_of(project)[TEST_STAGE] == StageStatus.SUBMITTED
    assert project.status == "draft"  # the test stage has no mirror column: the self-evaluation is untouched
    assert workflow.is_locked(project, Part.MONITORING) and not workflow.is_locked(project, Part.ACTUALS)
    assert {s.action for s in workflow.allowed_actions(evaluator, project, stage=TEST_STAGE)} == {
        Action.RETURN, Action.APPROVE}  # fmt: skip
    with transaction.atomic():
        workflow.transition(projects=[project], stage=TEST_STAGE, action=Action.APPROVE, user=evaluator)
    row = StageState.objects.get(project=project, stage=TEST_STAGE)
    assert (row.status, row.round, row.version) == (StageStatus.APPROVED, 1, 2)
    rounds = list(ReviewRound.objects.filter(project=project).values_list("stage", "number", "action"))
    assert rounds == [(TEST_STAGE, 1, Action.SUBMIT), (TEST_STAGE, 1, Action.APPROVE)]
    # its lock reaches every writer through project_touch
    with pytest.raises(ValidationError, match="测试阶段当前状态为“已审核”，运行监控不能修改"):
        project_touch(project=project, version=project.version, parts=(Part.MONITORING,))
    project_touch(project=project, version=project.version, parts=(Part.ACTUALS,))


def test_approved_targets_lock_the_target_part_while_the_actuals_stay_open(unit_a, officer) -> None:
    project = factories.project(unit=unit_a, code="S-3")
    StageState.objects.filter(project=project, stage=StageKey.TARGETS).update(status=StageStatus.APPROVED)
    project = fresh(project)
    assert workflow.is_locked(project, Part.TARGETS)
    assert not workflow.is_locked(project, Part.ACTUALS) and not workflow.is_locked(project)
    assert project_for_user(officer, project.pk, write=True) == project  # the actuals page opens
    with pytest.raises(ValidationError, match="绩效目标当前状态为“已审核”，绩效目标不能修改"):
        project_touch(project=project, version=project.version)  # an edit of every part
    project_touch(project=project, version=project.version, parts=(Part.ACTUALS, Part.NARRATIVE))
    assert fresh(project).version == 1


@pytest.mark.parametrize(("status", "locked"), [("draft", False), ("returned", False), ("submitted", True),
                                                 ("approved", True)])  # fmt: skip
def test_the_self_evaluation_locks_every_part_under_review_and_after_approval(unit_a, status, locked) -> None:
    project = factories.project(unit=unit_a, code="S-4", status=status)
    assert all(workflow.is_locked(project, part) == locked for part in Part.ALL)
    assert workflow.is_locked(project) == locked


def test_a_transition_checks_the_unit_itself_and_writes_nothing_for_another_unit(unit_a, other_officer) -> None:
    project = factories.project(unit=unit_a, code="S-5")
    with pytest.raises(Http404), transaction.atomic():
        evaluation_submit(project=project, user=other_officer)
    assert workflow.states_of(fresh(project))[StageKey.SELF_EVALUATION] == "draft"
    assert not ReviewRound.objects.exists()


def test_an_evaluator_cannot_take_an_officers_step(unit_a, evaluator) -> None:
    project = factories.project(unit=unit_a, code="S-6")
    with pytest.raises(PermissionDenied, match="您的角色不能提交"), transaction.atomic():
        evaluation_submit(project=project, user=evaluator)


def test_allowed_actions_follow_state_and_role(unit_a, officer, evaluator, other_officer, admin_user) -> None:
    project = factories.project(unit=unit_a, code="S-7", status="submitted")
    ReviewRound.objects.create(project=project, number=1, action=Action.SUBMIT, actor=officer)

    def actions(user) -> set[str]:
        return {s.action for s in workflow.allowed_actions(user, fresh(project))}

    assert actions(officer) == {Action.WITHDRAW}
    assert actions(evaluator) == {Action.RETURN, Action.APPROVE}
    assert actions(admin_user) == {Action.RETURN, Action.APPROVE}
    assert actions(other_officer) == set()  # another unit's project: nothing, whatever the state


def test_a_project_moved_to_another_unit_takes_its_stage_rows_along(unit_a, unit_b) -> None:
    project = fresh(factories.project(unit=unit_a, code="S-8"))
    project.unit = unit_b
    project.save()
    assert set(StageState.objects.filter(project=project).values_list("unit", flat=True)) == {unit_b.pk}


def test_with_approved_targets_the_editor_keeps_the_tree_and_takes_the_actuals(unit_a, officer) -> None:
    from evalsys.lib.parsing import Actual
    from indicators.editing import indicator_delete, indicator_set_actual

    project = factories.project(unit=unit_a, code="S-9")
    row = factories.indicator(project, level3="培训人次")
    StageState.objects.filter(project=project, stage=StageKey.TARGETS).update(status=StageStatus.APPROVED)
    with pytest.raises(ValidationError, match="绩效目标不能修改"):
        indicator_delete(indicator=row, version=fresh(project).version, user=officer)
    indicator_set_actual(indicator=row, version=fresh(project).version, actual=Actual(Decimal(9), "9", "", False),
                         reason="", user=officer)  # fmt: skip
    row.refresh_from_db()
    assert row.actual == Decimal(9) and fresh(project).version == 1
