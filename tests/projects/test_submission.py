"""Empty evaluations do not pass: the workflow's 提交 (and 审核通过) refuse each gap with where it is
fixed; the editor marks each blocking row as the officer saves it; 不适用 with a reason; an
evaluator's adjustment never creates a duty for the officer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Indicator
from indicators.services import indicator_adjust
from projects.models import Project, Status
from projects.readiness import submission_gaps
from projects.services import (
    APPROVE_BLOCKED,
    SUBMIT_BLOCKED,
    SubmissionBlocked,
    evaluation_approve,
    evaluation_return,
    evaluation_submit,
)
from projects.templatetags.labels import gap_url
from reports.models import Narrative
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(unit_a):
    """Complete and submittable: actuals, reasons where short, the report's sections, 95% executed."""
    project = factories.project(unit=unit_a, code="S-001")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="60", target=Decimal(10), actual=Decimal(10),
                        actual_text="10")  # fmt: skip
    factories.indicator(project, level3="品牌", comparator="定性", weight="30", target=None, target_text="提升",
                        actual_label="达成", actual_text="达成")  # fmt: skip
    factories.report_text(project)
    return project


def refusal(project, user) -> SubmissionBlocked:
    with pytest.raises(SubmissionBlocked) as info:
        evaluation_submit(project=project, user=user)
    return info.value


def test_a_complete_project_is_submitted(project, officer) -> None:
    assert submission_gaps(project) == []
    evaluation_submit(project=project, user=officer)
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED


def test_an_empty_evaluation_is_refused_with_every_gap_and_its_link(unit_a, officer) -> None:
    empty = factories.project(unit=unit_a, code="S-002")
    factories.fund(empty, annual="100", executed="40")
    row = factories.indicator(empty, level3="培训人次", weight="90")
    error = refusal(empty, officer)
    assert error.messages[0] == SUBMIT_BLOCKED
    gaps = error.gaps[empty.pk]
    editor = reverse("indicators:editor", args=[empty.pk])
    assert (gaps[0].code, gap_url(gaps[0])) == ("no_actual", f"{editor}#actual-row-{row.pk}")
    assert "指标“培训人次”：未填写实际完成值（或勾选“不适用”并说明理由）" in error.messages
    low = next(g for g in gaps if g.code == "low_execution")
    assert gap_url(low) == reverse("projects:edit", args=[empty.pk]) + "#id_low_execution_reason"
    assert low.message == "预算执行率 40.00% 偏低，须填写执行率偏低原因"
    sections = [g.message for g in gaps if g.code == "narrative"]
    assert sections == ["自评报告“项目资金管理情况”尚未填写", "自评报告“存在问题”尚未填写",
                        "自评报告“后续工作计划”尚未填写", "自评报告“措施及办法”尚未填写"]  # fmt: skip
    assert {gap_url(g) for g in gaps if g.code == "narrative"} == {
        reverse("projects:detail", args=[empty.pk]) + "#narrative"
    }
    assert Project.objects.get(pk=empty.pk).status == Status.DRAFT


def test_a_project_without_indicators_is_refused(unit_a, officer) -> None:
    bare = factories.project(unit=unit_a, code="S-003")
    factories.report_text(bare)
    assert "尚未设置绩效指标" in refusal(bare, officer).messages


def test_a_short_score_needs_its_reason(project, officer) -> None:
    Indicator.objects.filter(level3="培训人次").update(actual=Decimal(5))
    assert "指标“培训人次”：得分低于分值，须填写偏差原因分析及改进措施" in refusal(project, officer).messages
    Indicator.objects.filter(level3="培训人次").update(reason="受天气影响")
    evaluation_submit(project=project, user=officer)


def test_required_sections_are_the_outlines_data(project, officer) -> None:
    Narrative.objects.filter(project=project).update(problems="  ")
    assert refusal(project, officer).messages[1:] == ["自评报告“存在问题”尚未填写"]


def test_low_execution_needs_the_projects_reason(project, officer) -> None:
    project.funds.update(executed=Decimal(50))
    assert "预算执行率 50.00% 偏低，须填写执行率偏低原因" in refusal(project, officer).messages
    Project.objects.filter(pk=project.pk).update(low_execution_reason="采购延期至次年")
    evaluation_submit(project=project, user=officer)


def test_not_applicable_with_its_reason_passes_and_scores_zero(project, officer) -> None:
    row = Indicator.objects.get(level3="培训人次")
    Indicator.objects.filter(pk=row.pk).update(actual=None, actual_text="", not_applicable=True)
    assert "指标“培训人次”：已标注不适用，须在“偏差原因分析及改进措施”中说明理由" in refusal(project, officer).messages
    Indicator.objects.filter(pk=row.pk).update(reason="政策调整，本年度未实施")
    evaluation_submit(project=project, user=officer)
    from projects.scores import project_evaluate
    from projects.selectors import projects_with_scoring_data

    scores = project_evaluate(projects_with_scoring_data().get(pk=project.pk)).indicators
    assert [s.score for s in scores] == [Decimal("0.00"), Decimal("30.00")]


def test_approval_refuses_what_could_not_be_submitted(project, unit_a, evaluator) -> None:
    hollow = factories.project(unit=unit_a, code="S-004", status=Status.SUBMITTED)  # submitted by a hand edit
    factories.set_status(Project.objects.filter(pk=project.pk), Status.SUBMITTED)
    with pytest.raises(SubmissionBlocked) as info:
        evaluation_approve(projects=[project, hollow], user=evaluator)
    assert info.value.messages[0] == APPROVE_BLOCKED and "S-004（尚未设置绩效指标" in info.value.messages[1]
    assert list(Project.objects.filter(pk__in=[project.pk, hollow.pk]).values_list("status", flat=True)) == [
        Status.SUBMITTED,
        Status.SUBMITTED,
    ]


def test_a_lowered_met_indicator_does_not_block_the_resubmission(project, officer, evaluator) -> None:
    """Issue 9: the evaluator lowers a met 定性 indicator and returns; the officer resubmits as is."""
    evaluation_submit(project=project, user=officer)
    brand = Indicator.objects.get(level3="品牌")
    indicator_adjust(indicator=brand, value=Decimal(25), reason="宣传效果一般", user=evaluator)
    evaluation_return(project=project, user=evaluator, reason="请核对")
    evaluation_submit(project=project, user=officer)
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED


def test_an_evaluator_cannot_submit(project, evaluator) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="不能提交"):
        evaluation_submit(project=project, user=evaluator)


# --- the pages --------------------------------------------------------------------------------


def test_refusal_page_links_each_gap(client, officer, unit_a) -> None:
    empty = factories.project(unit=unit_a, code="S-005")
    row = factories.indicator(empty, level3="培训人次", weight="90")
    client.force_login(officer)
    page = client.post(reverse("projects:submit", args=[empty.pk]), {"confirm": "1"}, follow=True).content.decode()
    editor = reverse("indicators:editor", args=[empty.pk])
    assert SUBMIT_BLOCKED in page and 'class="mb-0 submit-gaps"' in page
    assert f'<a href="{editor}#actual-row-{row.pk}">指标“培训人次”：未填写实际完成值' in page


def test_detail_page_lists_what_remains_before_submitting(client, officer, evaluator, project) -> None:
    Narrative.objects.filter(project=project).update(plans="")
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="submission-gaps"' in page and "自评报告“后续工作计划”尚未填写" in page
    client.force_login(evaluator)  # not theirs to fix
    assert 'id="submission-gaps"' not in client.get(reverse("projects:detail", args=[project.pk])).content.decode()


def test_editor_marks_each_blocking_row(client, officer, project) -> None:
    row = Indicator.objects.get(level3="培训人次")
    client.force_login(officer)
    page = client.get(reverse("indicators:editor", args=[project.pk])).content.decode()
    assert "actual-row-blocked" not in page
    url = reverse("indicators:actual", args=[project.pk, row.pk])
    data = {"version": Project.objects.get(pk=project.pk).version, f"a{row.pk}-actual": "5", f"a{row.pk}-reason": ""}
    fragment = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert "actual-row-blocked" in fragment and "须处理：得分低于分值，须填写偏差原因分析及改进措施" in fragment
    data |= {"version": Project.objects.get(pk=project.pk).version, f"a{row.pk}-reason": "受天气影响"}
    fragment = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert "actual-row-blocked" not in fragment and "须处理" not in fragment


def test_editor_marks_not_applicable(client, officer, project) -> None:
    row = Indicator.objects.get(level3="培训人次")
    client.force_login(officer)
    url = reverse("indicators:actual", args=[project.pk, row.pk])
    data = {"version": Project.objects.get(pk=project.pk).version, f"a{row.pk}-actual": "10",
            f"a{row.pk}-not_applicable": "on", f"a{row.pk}-reason": ""}  # fmt: skip
    fragment = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    row.refresh_from_db()
    assert row.not_applicable and row.actual == 10  # kept: 不适用 changes only the scoring
    assert "已标注不适用，须在“偏差原因分析及改进措施”中说明理由" in fragment and " checked" in fragment
    assert "填报人标注为不适用" in fragment


def test_low_execution_reason_is_edited_with_the_basics(client, officer, project) -> None:
    client.force_login(officer)
    page = client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert 'name="low_execution_reason"' in page and "执行率偏低原因" in page


def test_refused_service_error_is_a_validation_error() -> None:
    assert issubclass(SubmissionBlocked, ValidationError)
