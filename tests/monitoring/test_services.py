"""The 运行监控 data and services (issue 17, domain.md §8): the report at the year's cut-off month, the
observations read as actuals are, the stored lights, the lock rule, access in the services, the
history, the year's thresholds and month, and the stage's readiness (missing_reason and a red
project without 纠偏措施 block 提交)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from monitoring.models import MonitoringFund, MonitoringReport, Observation
from monitoring.readiness import NO_REPORT, monitoring_gaps
from monitoring.services import CAUSE_WORDS, NOT_USED, Entry, monitoring_open_year, monitoring_save, monitoring_start
from projects import workflow
from projects.models import (
    LIGHT_ORDER,
    MONTH_AFTER_SELF_EVALUATION,
    MONTH_RANGE,
    FundSource,
    Project,
    StageState,
    YearPlan,
)
from projects.services import STALE
from projects.stages import Action, StageKey, StageStatus
from tests import factories

pytestmark = pytest.mark.django_db
D = Decimal
CERTAIN = "确定能"


def rows(project: Project) -> dict[str, int]:
    return {i.level3: i.pk for i in project.indicators.all()}


def save(project: Project, user, **kwargs) -> MonitoringReport:
    project.refresh_from_db()
    return monitoring_save(project=project, user=user, version=project.version, **kwargs)


GOOD = {"培训人数": Entry("60人", "120人", CERTAIN), "培训成本": Entry("12", "30", CERTAIN),
        "群众知晓度": Entry("宣传已开展", "达成", CERTAIN)}  # fmt: skip


def entries(project: Project, **changed: Entry) -> dict[int, Entry]:
    ids = rows(project)
    return {ids[name]: entry for name, entry in {**GOOD, **changed}.items()}


def status(project: Project) -> str | None:
    return (
        StageState.objects.filter(project=project, stage=StageKey.MONITORING).values_list("status", flat=True).first()
    )


def test_starting_makes_the_report_at_the_years_month_and_opens_the_stage(project, officer) -> None:
    assert status(project) is None
    report = monitoring_start(project=project, user=officer)
    assert (report.month, report.year, report.unit_id) == (7, 2026, project.unit_id)
    assert status(project) == StageStatus.DRAFT
    report.refresh_from_db()
    assert (report.light, report.budget_light, report.warning_codes) == (
        "red",
        "red",
        ",missing_forecast,missing_measures,",
    )
    assert monitoring_start(project=project, user=officer).pk == report.pk  # once


def test_the_worked_example_is_stored(project, officer) -> None:
    """§8: budget 1,000, 1–7月 300 → v 51.43, red; the indicators' lights beside it."""
    save(project, officer, entries=entries(project), executed={FundSource.FISCAL: D(200), FundSource.CARRYOVER: D(100)})
    report = MonitoringReport.objects.get(project=project)
    assert (report.budget_annual, report.budget_executed, report.budget_progress, report.budget_value) == (
        D("1000.00"), D("300.00"), D("30.00"), D("51.43"))  # fmt: skip
    assert (report.light, report.budget_light, report.warning_codes) == ("red", "red", ",missing_measures,")
    lights = {o.indicator.level3: (o.light, o.forecast_score) for o in Observation.objects.select_related("indicator")}
    assert lights == {"培训人数": ("blue", D("20.00")), "培训成本": ("green", D("10.00")),
                      "群众知晓度": ("green", D("10.00"))}  # fmt: skip
    counted = Observation.objects.get(indicator__level3="培训人数")
    assert (counted.to_date, counted.to_date_text, counted.forecast, counted.forecast_text) == (
        D(60), "60人", D(120), "120人")  # fmt: skip
    qualitative = Observation.objects.get(indicator__level3="群众知晓度")
    assert (qualitative.to_date, qualitative.to_date_text, qualitative.forecast_label) == (None, "宣传已开展", "达成")


def test_a_red_project_without_measures_is_refused_and_submits_with_them(project, officer) -> None:
    save(project, officer, entries=entries(project), executed={FundSource.FISCAL: D(300)})
    with pytest.raises(workflow.SubmissionBlocked) as refused:
        workflow.transition(projects=[project], action=Action.SUBMIT, user=officer, stage=StageKey.MONITORING)
    assert refused.value.messages == [workflow.SUBMIT_BLOCKED, "项目为红灯，须填写纠偏措施后才能提交"]
    save(project, officer, measures="加快资金支付进度，九月底前完成培训采购")
    workflow.transition(projects=[project], action=Action.SUBMIT, user=officer, stage=StageKey.MONITORING)
    assert status(project) == StageStatus.SUBMITTED
    with pytest.raises(ValidationError) as locked:
        save(project, officer, measures="改")
    assert locked.value.messages == ["运行监控当前状态为“已提交”，运行监控不能修改"]


def test_a_yellow_indicator_needs_its_cause_and_text(project, officer) -> None:
    short = Entry("40", "90", CERTAIN)  # 18 of 20: yellow
    save(project, officer, entries=entries(project, 培训人数=short), executed={FundSource.FISCAL: D(500)})
    gaps = monitoring_gaps([project])[project.pk]
    assert [(g.code, g.message) for g in gaps] == [
        ("missing_reason", "培训人数：黄灯指标须选择偏差原因类别并填写原因分析")
    ]
    reasoned = Entry("40", "90", CERTAIN, ("经费保障", "其他"), "下半年资金到位后加开培训班")
    save(project, officer, entries=entries(project, 培训人数=reasoned))
    assert monitoring_gaps([project])[project.pk] == []
    assert Observation.objects.get(indicator__level3="培训人数").causes == ["经费保障", "其他"]
    workflow.transition(projects=[project], action=Action.SUBMIT, user=officer, stage=StageKey.MONITORING)


def test_a_project_without_a_report_is_not_ready(project) -> None:
    assert [(g.code, g.message) for g in monitoring_gaps([project])[project.pk]] == [("no_report", NO_REPORT)]


def test_bad_rows_are_refused_together_and_nothing_is_written(project, officer) -> None:
    monitoring_start(project=project, user=officer)
    project.refresh_from_db()
    version = project.version
    ids = rows(project)
    bad = entries(project, 培训人数=Entry("六十", "很多", "大概吧", ("天气",)), 群众知晓度=Entry("", "一般般", CERTAIN))
    with pytest.raises(ValidationError) as refused:
        save(project, officer, entries=bad, executed={FundSource.FISCAL: D(-1)}, measures="措施")
    errors = refused.value.message_dict
    counted = [f"{ids['培训人数']}-{name}" for name in ("to_date", "forecast", "possibility", "causes")]
    assert set(errors) == {*counted, f"{ids['群众知晓度']}-forecast", "executed-fiscal"}
    assert errors[f"{ids['培训人数']}-possibility"] == [
        "“培训人数”的完成目标可能性：“大概吧”不是可选项，完成目标可能性须为：确定能、有可能、完全不可能"]  # fmt: skip
    assert errors[f"{ids['培训人数']}-causes"] == [f"“培训人数”的偏差原因类别：{CAUSE_WORDS}"]
    assert errors[f"{ids['培训人数']}-forecast"][0].startswith("“培训人数”的全年预计完成值：“很多”不是数字")
    assert errors[f"{ids['群众知晓度']}-forecast"][0].startswith(
        "“群众知晓度”的全年预计完成值：无法从“一般般”判断完成情况"
    )
    assert errors["executed-fiscal"] == ["当年财政拨款的执行数不能为负数"]
    project.refresh_from_db()
    assert project.version == version
    assert not Observation.objects.exists() and not MonitoringFund.objects.exists()
    assert MonitoringReport.objects.get().measures == ""


def test_values_are_read_as_actuals_are(project, officer) -> None:
    tolerant = entries(project, 培训人数=Entry("６０ 人", "≥1,200人", " 有可能 "))
    save(project, officer, entries=tolerant)
    o = Observation.objects.get(indicator__level3="培训人数")
    assert (o.to_date, o.forecast, o.possibility, o.light) == (D(60), D(1200), "有可能", "yellow")


def test_access_is_checked_by_the_service(project, other_officer, evaluator, officer) -> None:
    with pytest.raises(Http404):
        monitoring_start(project=project, user=other_officer)
    with pytest.raises(PermissionDenied):
        monitoring_start(project=project, user=evaluator)
    monitoring_start(project=project, user=officer)
    with pytest.raises(Http404):
        save(project, other_officer, measures="别人的措施")
    with pytest.raises(PermissionDenied):
        save(project, None, measures="命令行")


def test_an_indicator_of_another_project_is_refused(project, officer, unit_a) -> None:
    other = factories.project(unit=unit_a, code="MON-2", year=2026)
    stranger = factories.indicator(other, level3="别的指标")
    with pytest.raises(ValidationError, match="指标不属于该项目"):
        save(project, officer, entries={stranger.pk: Entry(forecast="1")})


def test_a_year_without_the_monitoring_stage_refuses(unit_a, officer) -> None:
    p = factories.project(unit=unit_a, code="MON-9", year=2025)
    with pytest.raises(ValidationError) as refused:
        monitoring_start(project=p, user=officer)
    assert refused.value.messages == [NOT_USED.format(year=2025)]


def test_a_stale_version_is_refused(project, officer) -> None:
    monitoring_start(project=project, user=officer)
    project.refresh_from_db()
    monitoring_save(project=project, user=officer, version=project.version, measures="一")
    with pytest.raises(ValidationError) as stale:
        monitoring_save(project=project, user=officer, version=project.version - 1, measures="二")
    assert stale.value.messages == [STALE]


def test_the_history_keeps_who_and_what(project, officer) -> None:
    save(project, officer, entries=entries(project), executed={FundSource.FISCAL: D(300)}, measures="加快进度")
    save(project, officer, entries=entries(project, 培训人数=Entry("60人", "100", CERTAIN)))
    o = Observation.objects.get(indicator__level3="培训人数")
    history = list(o.history.order_by("history_id"))
    assert [(h.forecast, h.history_user, h.history_change_reason) for h in history] == [
        (D(120), officer, "填写运行监控"), (D(100), officer, "填写运行监控")]  # fmt: skip
    report = MonitoringReport.objects.get()
    assert [h.measures for h in report.history.order_by("history_id")] == ["", "加快进度"]
    assert MonitoringFund.history.get().history_user == officer
    o.refresh_from_db()
    assert o.light == "green"  # recomputed on the second save


def test_removing_a_source_keeps_its_history(project, officer) -> None:
    save(project, officer, executed={FundSource.FISCAL: D(300), FundSource.CARRYOVER: D(100)})
    save(project, officer, executed={FundSource.CARRYOVER: None})
    assert list(MonitoringFund.objects.values_list("source", "executed")) == [(FundSource.FISCAL, D("300.00"))]
    assert MonitoringReport.objects.get().budget_executed == D("300.00")
    assert MonitoringFund.history.filter(history_type="-").count() == 1


def test_the_years_thresholds_and_month_are_used(project, officer, plan) -> None:
    plan.budget_green, plan.budget_yellow, plan.monitoring_month = D(50), D(40), 6
    plan.save()
    save(project, officer, executed={FundSource.FISCAL: D(300)})
    report = MonitoringReport.objects.get()
    assert (report.month, report.budget_value, report.budget_light) == (6, D("60.00"), "green")
    save(project, officer, month=9)  # an import's header overrides the calendar
    report.refresh_from_db()
    assert (report.month, report.budget_value, report.budget_light) == (9, D("40.00"), "yellow")


# --- the year's calendar ------------------------------------------------------------------------


def test_the_plan_defaults_are_section_8s(plan) -> None:
    assert (plan.monitoring_month, plan.budget_green, plan.budget_yellow, plan.indicator_red, plan.over_run) == (
        7, 80, 60, 80, 120)  # fmt: skip


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_outside_the_year_is_refused_in_chinese(plan, month) -> None:
    plan.monitoring_month = month
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert refused.value.message_dict["monitoring_month"] == [MONTH_RANGE]


def test_the_month_is_kept_once_the_self_evaluation_is_under_way(plan, project) -> None:
    plan.monitoring_month = 8
    plan.full_clean()  # nothing submitted yet: it may move
    factories.set_status(Project.objects.filter(pk=project.pk), "submitted")
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert refused.value.message_dict["monitoring_month"] == [MONTH_AFTER_SELF_EVALUATION.format(year=2026, month=7)]
    plan.monitoring_month = 7
    plan.budget_green = D(85)
    plan.full_clean()  # the bands may still change


def test_the_yellow_line_is_below_the_green_one(plan) -> None:
    plan.budget_yellow = D(80)
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert LIGHT_ORDER in refused.value.messages


def test_the_admin_sets_the_bands(client, admin_user) -> None:
    client.force_login(admin_user)
    data = {"year": 2027, "stages": ["monitoring"], "monitoring_month": 6, "budget_green": "85", "budget_yellow": "65",
            "indicator_red": "75", "over_run": "130"}  # fmt: skip
    assert client.post(reverse("admin:projects_yearplan_add"), data).status_code == 302
    plan = YearPlan.objects.get(year=2027)
    assert (plan.monitoring_month, plan.budget_green, plan.budget_yellow, plan.indicator_red, plan.over_run) == (
        6, 85, 65, 75, 130)  # fmt: skip
    refused = client.post(reverse("admin:projects_yearplan_add"), {**data, "year": 2028, "budget_yellow": "90"})
    assert LIGHT_ORDER in refused.content.decode()


def test_the_admin_opens_the_years_monitoring(client, admin_user, project, plan) -> None:
    client.force_login(admin_user)
    response = client.post(reverse("admin:projects_yearplan_changelist"),
                           {"action": "open_monitoring", "_selected_action": [plan.pk]}, follow=True)  # fmt: skip
    assert "2026 年度已为 1 个项目开始运行监控" in response.content.decode()
    assert status(project) == StageStatus.DRAFT
    assert monitoring_open_year(year=2026, user=admin_user) == 0  # once
    assert not MonitoringReport.objects.exists()  # the report comes with the first save


def test_only_an_admin_opens_a_year_that_uses_monitoring(client, officer, admin_user, plan) -> None:
    with pytest.raises(PermissionDenied):
        monitoring_open_year(year=2026, user=officer)
    with pytest.raises(ValidationError) as refused:
        monitoring_open_year(year=2025, user=admin_user)
    assert refused.value.messages == [NOT_USED.format(year=2025)]
    other = YearPlan.objects.create(year=2025)
    client.force_login(admin_user)
    response = client.post(reverse("admin:projects_yearplan_changelist"),
                           {"action": "open_monitoring", "_selected_action": [other.pk]}, follow=True)  # fmt: skip
    assert NOT_USED.format(year=2025) in response.content.decode()


def test_the_command_line_saves_with_the_servers_rights(project) -> None:
    """An import from the command line (user None) says so with `system`; without it, refused."""
    with pytest.raises(PermissionDenied):
        monitoring_save(project=project, user=None, version=project.version, measures="措施")
    report = monitoring_save(project=project, user=None, version=project.version, measures="措施", system=True)
    assert report.measures == "措施" and report.history.first().history_user is None
