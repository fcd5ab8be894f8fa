"""撤回: the submitting unit's officer takes a submission back to 草稿, with a reason, while no
evaluator has acted on the round (no adjustment, no 审核意见), recorded with who, when and why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators.models import Indicator
from indicators.services import indicator_adjust
from indicators.timeline import project_timeline
from projects.models import Project, ReviewRound, Status
from projects.services import (
    REVIEW_STARTED,
    evaluation_return,
    evaluation_submit,
    evaluation_withdraw,
    review_started,
)
from review.services import review_note_save
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(unit_a, officer):
    project = factories.project(unit=unit_a, code="W-001")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="60", target=Decimal(10), actual=Decimal(10),
                        actual_text="10")  # fmt: skip
    factories.indicator(project, level3="品牌", comparator="定性", weight="30", target=None, target_text="提升",
                        actual_label="达成", actual_text="达成")  # fmt: skip
    factories.report_text(project)
    return evaluation_submit(project=project, user=officer)


def url(project) -> str:
    return reverse("projects:withdraw", args=[project.pk])


def test_officer_withdraws_with_a_reason(submitted, officer) -> None:
    evaluation_withdraw(project=submitted, user=officer, reason="  发现执行数填错  ")
    assert Project.objects.get(pk=submitted.pk).status == Status.DRAFT
    step = ReviewRound.objects.get(project=submitted, action="withdraw")
    assert (step.number, step.actor, step.reason) == (1, officer, "发现执行数填错")
    entry = next(e for e in project_timeline(submitted) if e.what == "第1轮 撤回")
    assert (entry.who, entry.reason) == ("officer_a", "发现执行数填错")
    assert entry.changes == (("状态", "已提交", "草稿"),)  # the step says the move: no 修改项目 beside it
    assert not any(e.what == "修改项目" for e in project_timeline(submitted))


def test_withdrawn_project_is_edited_and_resubmitted_as_round_two(submitted, officer) -> None:
    evaluation_withdraw(project=submitted, user=officer, reason="补充材料")
    evaluation_submit(project=submitted, user=officer)
    rounds = list(ReviewRound.objects.filter(project=submitted).values_list("number", "action"))
    assert rounds == [(1, "submit"), (1, "withdraw"), (2, "submit")]


def test_withdrawal_needs_a_reason(submitted, officer) -> None:
    with pytest.raises(ValidationError, match="请填写撤回理由"):
        evaluation_withdraw(project=submitted, user=officer, reason="  ")
    assert Project.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_no_withdrawal_once_an_evaluator_adjusted(submitted, officer, evaluator) -> None:
    assert not review_started(submitted)
    indicator_adjust(indicator=Indicator.objects.get(level3="品牌"), value=Decimal(25), reason="一般", user=evaluator)
    assert review_started(submitted)
    with pytest.raises(ValidationError, match=REVIEW_STARTED):
        evaluation_withdraw(project=submitted, user=officer, reason="改数")


def test_no_withdrawal_once_an_evaluator_wrote_a_note(submitted, officer, evaluator) -> None:
    review_note_save(indicator=Indicator.objects.get(level3="品牌"), text="请补充佐证", user=evaluator)
    with pytest.raises(ValidationError, match=REVIEW_STARTED):
        evaluation_withdraw(project=submitted, user=officer, reason="改数")


def test_last_rounds_adjustments_do_not_count_as_review_started(submitted, officer, evaluator) -> None:
    indicator_adjust(indicator=Indicator.objects.get(level3="品牌"), value=Decimal(25), reason="一般", user=evaluator)
    evaluation_return(project=submitted, user=evaluator, reason="请核对")
    evaluation_submit(project=submitted, user=officer)
    assert not review_started(submitted)  # the adjustment was made in round 1
    evaluation_withdraw(project=submitted, user=officer, reason="再核对一次")


def test_only_an_officer_withdraws(submitted, evaluator, admin_user) -> None:
    for user in (evaluator, admin_user):
        with pytest.raises(PermissionDenied):
            evaluation_withdraw(project=submitted, user=user, reason="x")


def test_only_a_submitted_project_is_withdrawn(unit_a, officer) -> None:
    draft = factories.project(unit=unit_a, code="W-002")
    with pytest.raises(ValidationError, match="不能撤回"):
        evaluation_withdraw(project=draft, user=officer, reason="x")


# --- the page ---------------------------------------------------------------------------------


def test_detail_page_offers_withdrawal_until_review_starts(client, submitted, officer, evaluator) -> None:
    client.force_login(officer)
    detail = reverse("projects:detail", args=[submitted.pk])
    assert url(submitted) in client.get(detail).content.decode()
    review_note_save(indicator=Indicator.objects.get(level3="品牌"), text="请补充", user=evaluator)
    assert url(submitted) not in client.get(detail).content.decode()


def test_post_withdraws_and_redirects(client, submitted, officer) -> None:
    client.force_login(officer)
    response = client.post(url(submitted), {"withdraw-reason": "发现错误"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("projects:detail", args=[submitted.pk])
    assert "已撤回" in response.content.decode() and Project.objects.get(pk=submitted.pk).status == Status.DRAFT


def test_post_without_reason_explains(client, submitted, officer) -> None:
    client.force_login(officer)
    page = client.post(url(submitted), {"withdraw-reason": ""}, follow=True).content.decode()
    assert "请填写撤回理由" in page and Project.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_post_after_review_started_explains(client, submitted, officer, evaluator) -> None:
    review_note_save(indicator=Indicator.objects.get(level3="品牌"), text="请补充", user=evaluator)
    client.force_login(officer)
    page = client.post(url(submitted), {"withdraw-reason": "改"}, follow=True).content.decode()
    assert "审核人已开始审核" in page and Project.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_other_unit_gets_404_wrong_role_403_wrong_method_405(client, submitted, other_officer, evaluator) -> None:
    client.force_login(other_officer)
    assert client.post(url(submitted), {"withdraw-reason": "x"}).status_code == 404
    client.force_login(evaluator)
    assert client.post(url(submitted), {"withdraw-reason": "x"}).status_code == 403
    client.force_login(other_officer)
    assert client.get(url(submitted)).status_code == 405
    assert Project.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_anonymous_goes_to_login(client, submitted) -> None:
    assert client.post(url(submitted)).status_code == 302
