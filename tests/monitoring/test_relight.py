"""A change of the year's 年度安排 relights its stored monitoring reports in the task worker (issue 17,
left over at stop 21): saving the plan in the admin only queues a Relight (no report is relit in the
request); `db_worker` runs it in rounds with its progress; until it is done the overview says that
its lights may still be the old bands'; a change of the 监控截至月份 moves the reports at the old month
to the new one (a report whose table named its own month keeps it); a second change while one waits
takes it over; a dead worker's relight is queued again, then failed in Chinese. A month outside 1–12
or after the self-evaluation is under way is refused in the admin in Chinese, and queues nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from monitoring import relight
from monitoring.models import MonitoringReport, Relight
from monitoring.overview_views import RELIGHT_PENDING
from monitoring.services import Entry, monitoring_save
from projects.models import MONTH_AFTER_SELF_EVALUATION, MONTH_RANGE, FundSource, Project, YearPlan
from tests import factories
from tests.reports.test_export_jobs import run_task

pytestmark = pytest.mark.django_db
D = Decimal
OVERVIEW = reverse("monitoring_overview:overview") + "?year=2026"
PENDING = "灯色正在后台按新设置重新计算"
GOOD = {"培训人数": Entry("60人", "100人", "确定能"), "培训成本": Entry("12", "30", "确定能"),
        "群众知晓度": Entry("宣传已开展", "达成", "确定能")}  # fmt: skip


def monitored(project: Project, user, executed: str = "300", month: int | None = None) -> MonitoringReport:
    """`project` (conftest: 1,000 万元) with every indicator green and 300 of 1,000 executed: at July
    v = 30.00 / 58.33 = 51.43, red under §8's bands."""
    ids = {i.level3: i.pk for i in project.indicators.all()}
    monitoring_save(project=project, user=user, version=project.version, measures="加快支付", month=month,
                    entries={ids[k]: v for k, v in GOOD.items() if k in ids},
                    executed={FundSource.FISCAL: D(executed)})  # fmt: skip
    return MonitoringReport.objects.get(project=project)


def change_form(client, plan: YearPlan, **changes: str):
    url = reverse("admin:projects_yearplan_change", args=[plan.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "stages"}
    return client.post(url, data | {"stages": ["monitoring", "self_evaluation"]} | changes, follow=True)


def run_queued() -> int:
    """Run every queued relight task as `db_worker` does; how many ran."""
    rows = list(DBTaskResult.objects.filter(task_path=relight.RUN_TASK, status="READY").order_by("enqueued_at"))
    for row in rows:
        run_task(row)
    return len(rows)


def stored() -> tuple:
    return tuple(MonitoringReport.objects.values_list("month", "budget_value", "budget_light", "light").get())


# --- the bands ------------------------------------------------------------------------------------


def test_the_admins_save_queues_and_the_worker_relights(client, project, officer, admin_user, plan,
                                                        django_capture_on_commit_callbacks) -> None:  # fmt: skip
    monitored(project, officer)
    assert stored() == (7, D("51.43"), "red", "red")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = change_form(client, plan, budget_green="50", budget_yellow="40")
    assert response.status_code == 200 and "后台任务按新设置重新计算" in response.content.decode()
    # nothing relit in the request: the worker's task is queued
    assert stored() == (7, D("51.43"), "red", "red")
    job = Relight.objects.get()
    assert (job.year, job.state, job.reason, job.user) == (2026, "queued", "灯线变更", admin_user)
    assert DBTaskResult.objects.filter(task_path=relight.RUN_TASK, status="READY").count() == 1
    assert (
        "重新计算：排队中（已计算 0/0 个项目，0%）"
        in client.get(reverse("admin:projects_yearplan_changelist")).content.decode()
    )
    # the overview says so while it waits, and reading it writes nothing
    before = list(Relight.objects.values_list("state", "done", "updated_at"))
    page = client.get(OVERVIEW).content.decode()
    assert PENDING in page and "灯线变更" in page
    assert list(Relight.objects.values_list("state", "done", "updated_at")) == before
    # so does the overview's Excel list, in its filter line
    book = load_workbook(BytesIO(client.get(reverse("monitoring_overview:xlsx") + "?year=2026").content))
    assert RELIGHT_PENDING in book.active.cell(2, 1).value
    assert run_queued() == 1
    assert stored() == (7, D("51.43"), "green", "green")  # 51.43 ≥ 50
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.percent) == ("done", 1, 1, 100)
    assert PENDING not in client.get(OVERVIEW).content.decode()
    book = load_workbook(BytesIO(client.get(reverse("monitoring_overview:xlsx") + "?year=2026").content))
    assert RELIGHT_PENDING not in book.active.cell(2, 1).value
    assert "按当前设置" in client.get(reverse("admin:projects_yearplan_changelist")).content.decode()


def test_a_save_that_changes_nothing_queues_nothing(client, project, officer, admin_user, plan) -> None:
    monitored(project, officer)
    client.force_login(admin_user)
    assert change_form(client, plan).status_code == 200
    plan.refresh_from_db()
    plan.save()
    assert not Relight.objects.exists()


def test_a_year_without_reports_queues_nothing(plan) -> None:
    plan.budget_green = D(90)
    plan.save()
    assert not Relight.objects.exists()


def test_the_worker_relights_in_rounds_with_progress(project, officer, admin_user, unit_a, plan, monkeypatch) -> None:
    monitored(project, officer)
    for i in range(4):
        other = factories.project(unit=unit_a, code=f"MON-R{i}", year=2026)
        factories.fund(other, annual="100")
        monitored(Project.objects.get(pk=other.pk), admin_user, executed="55")  # v 94.29: green
    monkeypatch.setattr(relight, "ROUND", 2)
    seen: list[tuple[int, int]] = []
    original = relight.reports_recompute

    def watched(*, report_ids):
        seen.append(tuple(Relight.objects.values_list("done", "total").get()))
        return original(report_ids=report_ids)

    monkeypatch.setattr(relight, "reports_recompute", watched)
    plan.budget_green, plan.budget_yellow = D(99), D(95)
    plan.save()
    relight.relight_run(Relight.objects.get().pk)
    assert seen == [(0, 5), (2, 5), (4, 5)]
    assert set(MonitoringReport.objects.values_list("budget_light", flat=True)) == {"red"}
    assert Relight.objects.get().state == "done"


# --- the month ------------------------------------------------------------------------------------


def test_a_new_month_moves_the_reports_and_relights_them(project, officer, admin_user, unit_a, plan) -> None:
    monitored(project, officer)
    own = factories.project(unit=unit_a, code="MON-9", year=2026)
    factories.fund(own, annual="1000")
    monitored(Project.objects.get(pk=own.pk), admin_user, month=9)  # its table said 1-9月
    plan.monitoring_month = 8
    plan.save()
    job = Relight.objects.get()
    assert (job.reason, job.months_from) == ("监控截至月份由 7 月改为 8 月", [7])
    assert MonitoringReport.objects.get(project=project).month == 7  # not in the request
    relight.relight_run(job.pk)
    report = MonitoringReport.objects.get(project=project)
    # 300 of 1,000 at 8 of 12 months: 30.00 / 66.67 = 45.00
    assert (report.month, report.budget_value, report.budget_light) == (8, D("45.00"), "red")
    last = report.history.order_by("-history_id").first()
    assert (last.month, last.history_change_reason) == (8, "年度安排修改监控截至月份（7 月 → 8 月）")
    assert MonitoringReport.objects.get(project=own).month == 9


def test_a_plan_moved_to_another_year_relights_both(project, officer, admin_user, unit_a, plan) -> None:
    monitored(project, officer)
    plan.monitoring_month, plan.budget_green, plan.budget_yellow = 6, D(50), D(40)
    plan.save()
    relight.relight_run(Relight.objects.get().pk)
    assert stored() == (6, D("60.00"), "green", "green")  # 30.00 / 50.00
    later = factories.project(unit=unit_a, code="MON-27", year=2027)
    factories.fund(later, annual="1000")
    YearPlan.objects.create(year=2027, stages=["monitoring", "self_evaluation"])
    monitored(Project.objects.get(pk=later.pk), admin_user)  # 2027 at July, red under §8's bands
    YearPlan.objects.filter(year=2027).delete()
    plan.year = 2027
    plan.save()
    moved = {job.year: job for job in Relight.objects.filter(state="queued")}
    assert (moved[2026].reason, moved[2026].months_from, moved[2027].months_from) == (
        "年度安排的年度由 2026 改为 2027", [6], [7])  # fmt: skip
    for job in moved.values():
        relight.relight_run(job.pk)
    # 2026 has no plan now: §8's defaults, July; 2027 takes the plan's June and bands
    assert MonitoringReport.objects.values_list("month", "budget_light").get(project=project) == (7, "red")
    assert MonitoringReport.objects.values_list("month", "budget_light").get(project=later) == (6, "green")


def test_a_second_change_takes_over_a_waiting_one(project, officer, plan) -> None:
    monitored(project, officer)
    plan.monitoring_month = 8
    plan.save()
    plan.monitoring_month = 9
    plan.save()
    first, second = Relight.objects.order_by("pk")
    assert second.months_from == [7, 8]
    first.state = "running"  # its worker took it, then the second change came
    first.save()
    relight.relight_run(first.pk)  # already running: not claimed again
    Relight.objects.filter(pk=first.pk).update(state="queued")
    relight.relight_run(first.pk)
    assert Relight.objects.get(pk=first.pk).state == "superseded"
    assert MonitoringReport.objects.get().month == 7
    relight.relight_run(second.pk)
    assert (Relight.objects.get(pk=second.pk).state, stored()[:3]) == ("done", (9, D("40.00"), "red"))


# --- failures and lost workers ------------------------------------------------------------------


def test_a_failed_relight_is_said_on_the_overview(client, project, officer, admin_user, plan, monkeypatch) -> None:
    monitored(project, officer)
    plan.budget_green, plan.budget_yellow = D(50), D(40)
    plan.save()

    def broken(**_):
        raise RuntimeError("boom")

    monkeypatch.setattr(relight, "reports_recompute", broken)
    relight.relight_run(Relight.objects.get().pk)
    job = Relight.objects.get()
    assert job.state == "failed" and job.error.startswith("重新计算时出错（RuntimeError）")
    client.force_login(admin_user)
    page = client.get(OVERVIEW).content.decode()
    assert "灯色重新计算未完成" in page and "不是当前结果" in page
    assert stored()[2] == "red"


def test_a_round_the_database_gave_up_on_is_tried_again(project, officer, plan, monkeypatch) -> None:
    monitored(project, officer)
    plan.budget_green, plan.budget_yellow = D(50), D(40)
    plan.save()
    original, calls = relight._round, []

    def deadlocked_once(job, ids, *, done):
        calls.append(done)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")
        return original(job, ids, done=done)

    monkeypatch.setattr(relight, "_round", deadlocked_once)
    relight.relight_run(Relight.objects.get().pk)
    assert (calls, Relight.objects.get().state, stored()[2]) == ([1, 1], "done", "green")


def test_a_lost_relight_is_queued_again_then_failed(project, officer, plan, django_capture_on_commit_callbacks
                                                    ) -> None:  # fmt: skip
    monitored(project, officer)
    plan.budget_green = D(70)
    plan.save()
    job = Relight.objects.get()
    old = timezone.now() - datetime.timedelta(hours=2)
    Relight.objects.filter(pk=job.pk).update(state="running", updated_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert relight.relights_recover(minutes=30) == 0
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("queued", 1)
    assert run_queued() == 1
    assert Relight.objects.get().state == "done"
    Relight.objects.filter(pk=job.pk).update(state="running", attempts=2, updated_at=old)
    assert relight.relights_recover(minutes=30) == 1
    job.refresh_from_db()
    assert job.state == "failed" and "多次中断" in job.error


def test_a_queued_relight_whose_task_is_waiting_is_left(project, officer, plan, django_capture_on_commit_callbacks
                                                        ) -> None:  # fmt: skip
    monitored(project, officer)
    with django_capture_on_commit_callbacks(execute=True):
        plan.budget_green = D(70)
        plan.save()
    Relight.objects.update(updated_at=timezone.now() - datetime.timedelta(hours=2))
    assert relight.relights_recover(minutes=30) == 0
    assert (Relight.objects.get().attempts, DBTaskResult.objects.filter(task_path=relight.RUN_TASK).count()) == (0, 1)


# --- the month refused ----------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["0", "13"])
def test_the_admin_refuses_a_month_outside_the_year(client, project, officer, admin_user, plan, month) -> None:
    monitored(project, officer)
    client.force_login(admin_user)
    response = change_form(client, plan, monitoring_month=month)
    assert MONTH_RANGE in response.content.decode()
    assert YearPlan.objects.get().monitoring_month == 7 and not Relight.objects.exists()


def test_the_admin_refuses_a_new_month_once_the_self_evaluation_is_under_way(client, project, officer, admin_user,
                                                                               plan) -> None:  # fmt: skip
    monitored(project, officer)
    factories.set_status(Project.objects.filter(pk=project.pk), "submitted")
    client.force_login(admin_user)
    response = change_form(client, plan, monitoring_month="8", monitoring_due="2026-09-15")
    assert MONTH_AFTER_SELF_EVALUATION.format(year=2026, month=7) in response.content.decode()
    assert YearPlan.objects.get().monitoring_month == 7 and not Relight.objects.exists()
    assert stored()[0] == 7
