"""The year's calendar (YearPlan, issue 16 §1): set by an admin, checked in Chinese, and the deadline
the 已逾期 counts read; the per-year deadlines it replaced migrate into it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from projects.admin import PLAN_MONITORING_DUE, PLAN_ORDER, YearPlanForm
from projects.models import YearPlan
from projects.selectors import year_deadline

pytestmark = pytest.mark.django_db


def form(**data) -> YearPlanForm:
    base = {"year": 2026, "stages": ["targets", "self_evaluation"], "monitoring_month": 7}
    return YearPlanForm(data={**base, **{k: v for k, v in data.items() if v is not None}})


def test_a_plan_keeps_the_self_evaluation_and_orders_the_stages() -> None:
    plan = form(stages=["monitoring", "targets"])
    assert plan.is_valid(), plan.errors
    assert plan.cleaned_data["stages"] == ["targets", "monitoring", "self_evaluation"]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"targets_due": "2026-12-01", "self_evaluation_due": "2026-11-30"},
         PLAN_ORDER.format(first="绩效目标申报截止日期", second="自评提交截止日期")),
        ({"monitoring_due": "2026-07-31"}, PLAN_MONITORING_DUE.format(year=2026, month=7)),
        ({"self_evaluation_due": "2025-12-31"}, "自评提交截止日期不能早于 2026 年度本身"),
    ],
)  # fmt: skip
def test_dates_out_of_order_are_refused_in_chinese(dates, message) -> None:
    plan = form(**dates)
    assert not plan.is_valid()
    assert message in str(plan.errors)


def test_a_month_outside_the_year_is_refused() -> None:
    plan = form(monitoring_month="13")
    assert not plan.is_valid() and "monitoring_month" in plan.errors


def test_the_plans_due_date_is_the_years_deadline_and_a_year_without_one_uses_the_default() -> None:
    YearPlan.objects.create(year=2024, self_evaluation_due=datetime.date(2025, 5, 15))
    YearPlan.objects.create(year=2023, stages=["self_evaluation"])
    assert year_deadline(2024) == datetime.date(2025, 5, 15)
    assert year_deadline(2023) == datetime.date(2024, 3, 31)


def test_the_admin_saves_a_plan_with_its_history(client, admin_user) -> None:
    client.force_login(admin_user)
    data = {"year": 2027, "stages": ["targets"], "monitoring_month": 7, "targets_due": "2026-10-31",
            "monitoring_due": "2027-08-15", "self_evaluation_due": "2028-03-31"}  # fmt: skip
    response = client.post(reverse("admin:projects_yearplan_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = YearPlan.objects.get(year=2027)
    assert plan.stages == ["targets", "self_evaluation"]
    assert plan.history.get().history_user == admin_user
    page = client.get(reverse("admin:projects_yearplan_changelist")).content.decode()
    assert "绩效目标、自评" in page


@pytest.mark.django_db(transaction=True)
def test_the_deadlines_set_before_become_their_years_plans() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: going back took its dependents (targets)
    executor.migrate([("projects", "0013_stages")])
    old = executor.loader.project_state([("projects", "0013_stages")]).apps
    old.get_model("projects", "SubmissionDeadline").objects.create(year=2022, due=datetime.date(2023, 6, 30))
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    plan = YearPlan.objects.get(year=2022)
    assert (plan.self_evaluation_due, plan.stages) == (datetime.date(2023, 6, 30), ["self_evaluation"])
