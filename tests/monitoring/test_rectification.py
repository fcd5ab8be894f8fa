"""整改 (monitoring.rectification): a reviewer marks 需要整改 (and may recommend 暂缓拨款 for a red
project), the unit's officer answers 整改结果, the reviewer closes it or returns it; each service checks
the role (403) and the unit (404) itself, refuses with Chinese errors keyed by the field, and keeps who,
when and why."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from monitoring import rectification as r
from monitoring.models import MonitoringReport, Rectification
from monitoring.services import monitoring_start
from tests import factories

pytestmark = pytest.mark.django_db
S = Rectification.Status


def opened(project, user, **kwargs) -> Rectification:
    return r.rectification_open(project=project, user=user, requirement=kwargs.pop("requirement", "九月底前完成采购"),
                                **kwargs)  # fmt: skip


def errors(caught: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return caught.value.message_dict


def test_the_whole_round_keeps_who_when_and_why(submitted, officer, evaluator) -> None:
    item = opened(submitted, evaluator, hold_funds=True, hold_reason="执行进度不足三成")
    report = MonitoringReport.objects.get(project=submitted)
    assert (item.status, item.report_id, item.year, item.unit_id, item.opened_by) == (
        S.OPEN, report.pk, 2026, submitted.unit_id, evaluator)  # fmt: skip
    assert (item.hold_funds, item.hold_reason) == (True, "执行进度不足三成")
    item = r.rectification_answer(item=item, user=officer, answer="已完成采购，支付 200 万元")
    assert (item.status, item.answered_by, item.answered_at is not None) == (S.ANSWERED, officer, True)
    item = r.rectification_return(item=item, user=evaluator, note="请附支付凭证")
    assert (item.status, item.note, item.returned_by) == (S.OPEN, "请附支付凭证", evaluator)
    item = r.rectification_answer(item=item, user=officer, answer="已附凭证")
    item = r.rectification_close(item=item, user=evaluator, note="同意")
    assert (item.status, item.closed_by, item.note) == (S.CLOSED, evaluator, "同意")
    steps = [(h.history_user, h.status, h.history_change_reason) for h in item.history.order_by("history_id")]
    assert steps == [
        (evaluator, S.OPEN, "需要整改：九月底前完成采购；建议暂缓拨款：执行进度不足三成"),
        (officer, S.ANSWERED, "答复整改结果：已完成采购，支付 200 万元"),
        (evaluator, S.OPEN, "退回整改结果：请附支付凭证"),
        (officer, S.ANSWERED, "答复整改结果：已附凭证"),
        (evaluator, S.CLOSED, "关闭整改：同意"),
    ]


def test_an_admin_may_take_both_sides(submitted, admin_user) -> None:
    item = opened(submitted, admin_user)
    item = r.rectification_answer(item=item, user=admin_user, answer="已整改")
    assert r.rectification_close(item=item, user=admin_user).status == S.CLOSED


def test_empty_fields_are_refused_naming_the_field(submitted, officer, evaluator) -> None:
    with pytest.raises(ValidationError) as caught:
        opened(submitted, evaluator, requirement="  ")
    assert errors(caught) == {"requirement": [r.REQUIREMENT_EMPTY]}
    with pytest.raises(ValidationError) as caught:
        opened(submitted, evaluator, hold_funds=True, hold_reason=" ")
    assert errors(caught) == {"hold_reason": [r.HOLD_REASON_EMPTY]}
    item = opened(submitted, evaluator)
    with pytest.raises(ValidationError) as caught:
        r.rectification_answer(item=item, user=officer, answer="")
    assert errors(caught) == {"answer": [r.ANSWER_EMPTY]}
    item = r.rectification_answer(item=item, user=officer, answer="已整改")
    with pytest.raises(ValidationError) as caught:
        r.rectification_return(item=item, user=evaluator, note="")
    assert errors(caught) == {"note": [r.NOTE_EMPTY]}
    assert Rectification.objects.get().status == S.ANSWERED


def test_funds_are_held_only_for_a_red_project(submitted, evaluator) -> None:
    MonitoringReport.objects.filter(project=submitted).update(light="yellow")
    with pytest.raises(ValidationError) as caught:
        opened(submitted, evaluator, hold_funds=True, hold_reason="进度慢")
    assert errors(caught) == {"hold_funds": [r.HOLD_NOT_RED]}
    assert not Rectification.objects.exists()


def test_only_a_submitted_monitoring_can_be_rectified(project, officer, evaluator) -> None:
    with pytest.raises(ValidationError) as caught:
        opened(project, evaluator)
    assert caught.value.messages == [r.NOT_SUBMITTED]
    monitoring_start(project=project, user=officer)  # a draft
    with pytest.raises(ValidationError):
        opened(project, evaluator)
    assert not r.monitoring_submitted(project)


def test_each_step_in_its_state_only(submitted, officer, evaluator) -> None:
    item = opened(submitted, evaluator)
    with pytest.raises(ValidationError) as caught:
        r.rectification_close(item=item, user=evaluator)
    assert caught.value.messages == ["该整改事项当前为“待整改”，不能关闭"]
    with pytest.raises(ValidationError) as caught:
        r.rectification_return(item=item, user=evaluator, note="再改")
    assert caught.value.messages == ["该整改事项当前为“待整改”，不能退回"]
    item = r.rectification_answer(item=item, user=officer, answer="已整改")
    with pytest.raises(ValidationError) as caught:
        r.rectification_answer(item=item, user=officer, answer="又改")
    assert caught.value.messages == ["该整改事项当前为“待确认”，不能答复整改结果"]
    r.rectification_close(item=item, user=evaluator)
    with pytest.raises(ValidationError):
        r.rectification_return(item=item, user=evaluator, note="再改")


def test_roles_are_checked_by_the_services(submitted, officer, evaluator) -> None:
    with pytest.raises(PermissionDenied) as denied:
        opened(submitted, officer)
    assert str(denied.value) == r.REVIEWERS_ONLY
    item = opened(submitted, evaluator)
    with pytest.raises(PermissionDenied) as denied:
        r.rectification_answer(item=item, user=evaluator, answer="替单位答复")
    assert str(denied.value) == r.OFFICERS_ONLY
    item = r.rectification_answer(item=item, user=officer, answer="已整改")
    for call in (lambda: r.rectification_close(item=item, user=officer),
                 lambda: r.rectification_return(item=item, user=officer, note="x")):  # fmt: skip
        with pytest.raises(PermissionDenied):
            call()
    assert Rectification.objects.get().status == S.ANSWERED


def test_another_unit_gets_404(submitted, other_officer, unit_b, evaluator) -> None:
    outsider = factories.user("evaluator_b", role="evaluator", review_units=[unit_b])
    with pytest.raises(Http404):
        opened(submitted, outsider)
    item = opened(submitted, evaluator)
    with pytest.raises(Http404):
        r.rectification_answer(item=item, user=other_officer, answer="不是我的项目")
    assert Rectification.objects.get().status == S.OPEN


def test_reads_follow_the_units_and_put_open_first(submitted, officer, other_officer, evaluator, admin_user) -> None:
    first = opened(submitted, evaluator, requirement="第一条")
    r.rectification_close(item=r.rectification_answer(item=first, user=officer, answer="好"), user=evaluator)
    second = opened(submitted, evaluator, requirement="第二条")
    third = opened(submitted, evaluator, requirement="第三条")
    r.rectification_answer(item=second, user=officer, answer="好")
    assert [i.requirement for i in r.rectifications_of(submitted)] == ["第三条", "第二条", "第一条"]
    assert [i.pk for i in r.rectifications_for(officer)] == [third.pk, second.pk, first.pk]
    assert [i.pk for i in r.rectifications_for(officer, year=2026, status=S.ANSWERED)] == [second.pk]
    assert list(r.rectifications_for(other_officer)) == []
    assert r.rectification_years(admin_user) == [2026]
    assert r.rectification_todo(officer) == ((2026, {"rectify_open": 1, "rectify_answered": 1}),)
    assert r.rectification_todo(other_officer) == ()
    reports = MonitoringReport.objects.all()
    assert [i.pk for i in r.open_rectifications(reports)] == [second.pk, third.pk]


def test_the_reviewer_sees_last_years_self_evaluation_of_the_same_indicator(submitted, unit_a, evaluator) -> None:
    before = factories.project(unit=unit_a, code="MON-1", year=2025)
    factories.indicator(before, level3="培训人数", target=100, unit="人", weight="20", actual=70,
                        reason="师资不足")  # fmt: skip
    rows = r.review_rows(submitted, MonitoringReport.objects.get(project=submitted))
    assert rows == []  # every indicator is green or blue: the red is the budget's
    MonitoringReport.objects.get(project=submitted).observations.filter(indicator__level3="培训人数").update(
        light="red"
    )
    rows = r.review_rows(submitted, MonitoringReport.objects.get(project=submitted))
    assert [(x["indicator"].level3, x["last"].reason) for x in rows] == [("培训人数", "师资不足")]
