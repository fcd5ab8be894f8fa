"""The review workflow, adjustments, lost-update protection and the audit timeline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.copying import project_copy_to_year
from indicators.models import Indicator
from indicators.services import indicator_adjust
from indicators.timeline import project_timeline
from projects.models import Project, ReviewRound, StageState, Status, YearPlan
from projects.services import (
    evaluation_approve,
    evaluation_reopen,
    evaluation_return,
    evaluation_submit,
    project_touch,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(unit_a):
    project = factories.project(unit=unit_a, code="W-001")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="60", target=Decimal(10), actual=Decimal(10),
                        actual_text="10")  # fmt: skip
    factories.indicator(project, level3="品牌", comparator="定性", weight="30", target=None, target_text="提升",
                        actual_label="达成", actual_text="达成")  # fmt: skip
    factories.report_text(project)
    return project


def test_full_round_trip(project, officer, evaluator, admin_user) -> None:
    evaluation_submit(project=project, user=officer)
    assert project.status == Status.SUBMITTED
    evaluation_return(project=project, user=evaluator, reason="请补充偏差原因")
    assert project.status == Status.RETURNED
    evaluation_submit(project=project, user=officer)
    evaluation_approve(projects=[project], user=evaluator)
    assert Project.objects.get(pk=project.pk).status == Status.APPROVED
    evaluation_reopen(project=project, user=admin_user, reason="发现数据错误")
    steps = list(ReviewRound.objects.filter(project=project).values_list("number", "action", "reason"))
    assert steps == [(1, "submit", ""), (1, "return", "请补充偏差原因"), (2, "submit", ""), (2, "approve", ""),
                     (2, "reopen", "发现数据错误")]  # fmt: skip


def test_submission_refused_while_blocking_warnings_remain(project, officer) -> None:
    row = Indicator.objects.get(level3="培训人次")
    row.actual = Decimal(5)
    row.save()
    with pytest.raises(ValidationError) as info:
        evaluation_submit(project=project, user=officer)
    text = " ".join(info.value.messages)
    assert "暂不能提交" in text and "须填写偏差原因" in text
    assert Project.objects.get(pk=project.pk).status == Status.DRAFT
    row.reason = "受天气影响"
    row.save()
    evaluation_submit(project=project, user=officer)


def test_weights_not_summing_block_submission(project, officer) -> None:
    Indicator.objects.filter(level3="品牌").update(weight=Decimal(20))
    with pytest.raises(ValidationError, match="指标权重合计"):
        evaluation_submit(project=project, user=officer)


def test_return_needs_a_reason_and_state_rules_hold(project, officer, evaluator) -> None:
    with pytest.raises(ValidationError, match="不能退回"):
        evaluation_return(project=project, user=evaluator, reason="x")
    evaluation_submit(project=project, user=officer)
    with pytest.raises(ValidationError, match="请填写退回理由"):
        evaluation_return(project=project, user=evaluator, reason="  ")
    with pytest.raises(ValidationError, match="不能提交"):
        evaluation_submit(project=project, user=officer)


def test_bulk_approve_is_all_or_nothing(unit_a, project, officer, evaluator) -> None:
    other = factories.project(unit=unit_a, code="W-002")
    evaluation_submit(project=project, user=officer)
    with pytest.raises(ValidationError):
        evaluation_approve(projects=[project, other], user=evaluator)
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED


def test_adjustment_within_rules(project, officer, evaluator) -> None:
    brand = Indicator.objects.get(level3="品牌")
    with pytest.raises(ValidationError, match="只有已提交"):
        indicator_adjust(indicator=brand, value=Decimal(25), reason="x", user=evaluator)
    evaluation_submit(project=project, user=officer)
    brand = Indicator.objects.get(level3="品牌")
    with pytest.raises(ValidationError, match=r"\[24.00, 30.00\]"):
        indicator_adjust(indicator=brand, value=Decimal(20), reason="偏低", user=evaluator)
    with pytest.raises(ValidationError, match="请填写调整理由"):
        indicator_adjust(indicator=brand, value=Decimal(25), reason="", user=evaluator)
    indicator_adjust(indicator=brand, value=Decimal(25), reason="宣传效果一般", user=evaluator)
    brand.refresh_from_db()
    assert (brand.adjusted_score, brand.adjusted_by, brand.adjust_reason) == (Decimal(25), evaluator, "宣传效果一般")
    assert brand.adjusted_at is not None


def test_second_save_of_the_same_version_is_refused(project) -> None:
    version = project.version
    project_touch(project=project, version=version)
    with pytest.raises(ValidationError, match="已被他人修改"):
        project_touch(project=Project.objects.get(pk=project.pk), version=version)


def test_timeline_shows_every_step_with_who_and_old_new(project, officer, evaluator) -> None:
    row = Indicator.objects.get(level3="培训人次")
    row.actual, row._change_reason = Decimal(12), "填报实际值"
    row.save()
    evaluation_submit(project=project, user=officer)
    brand = Indicator.objects.get(level3="品牌")
    indicator_adjust(indicator=brand, value=Decimal(26), reason="宣传效果一般", user=evaluator)
    evaluation_approve(projects=[project], user=evaluator)
    entries = project_timeline(project)
    texts = [(e.who, e.what, e.changes, e.reason) for e in entries]
    assert ("evaluator", "第1轮 审核通过", (("状态", "已提交", "已审核"),), "") in texts
    assert ("officer_a", "第1轮 提交", (("状态", "草稿", "已提交"),), "") in texts
    adjust = next(e for e in entries if e.what == "修改指标“品牌”")
    assert ("审核调整得分", "—", "26") in adjust.changes and adjust.reason == "审核调整：宣传效果一般"
    actual = next(e for e in entries if e.what == "修改指标“培训人次”")
    assert actual.changes == (("实际完成值", "10", "12"),) and actual.reason == "填报实际值"
    assert entries == sorted(entries, key=lambda e: e.when, reverse=True)


def test_copy_to_next_year_keeps_the_tree_not_the_results(project, officer) -> None:
    copy = project_copy_to_year(source=project, year=2023, user=officer)
    assert (copy.code, copy.year, copy.status, copy.unit) == ("W-001", 2023, Status.DRAFT, project.unit)
    rows = {i.level3: i for i in copy.indicators.all()}
    assert set(rows) == {"培训人次", "品牌"}
    assert rows["培训人次"].target == Decimal(10) and rows["培训人次"].actual is None
    assert rows["品牌"].actual_label == "" and not copy.funds.exists()
    with pytest.raises(ValidationError, match="已有编码为“W-001”的项目"):
        project_copy_to_year(source=project, year=2023, user=officer)


def test_copy_into_a_year_that_declares_targets_starts_by_declaring_them(project, officer) -> None:
    """Copying last year's project into a year whose calendar uses the targets stage starts its targets
    in 草稿 and the self-evaluation 未开始, as a project created there (issue 16: the year as stages)."""

    YearPlan.objects.create(year=2023, stages=["targets", "self_evaluation"])
    copy = project_copy_to_year(source=project, year=2023, user=officer)
    assert copy.status == Status.NOT_OPEN
    stages = dict(StageState.objects.filter(project=copy).values_list("stage", "status"))
    assert stages == {"targets": "draft", "self_evaluation": "not_open"}
    assert copy.history.first().history_change_reason == "复制自 2022 年度，申报绩效目标"
