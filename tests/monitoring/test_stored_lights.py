"""The stored lights and the overview's counts follow what they are computed from (issue 17, "stored
lights, indexed"): a target, weight or comparator edit, a budget edit, an import of the targets and a
change of the year's thresholds store the lights again (the thresholds' through the task worker's
relight); the per-unit counts (MonitoringCount) follow every writer of a report through the
database's triggers; and a project made after the year's monitoring was opened has the stage at once
(form, copy, import)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook

from evalsys.lib.parsing import Target
from indicators.copying import project_copy_to_year
from indicators.editing import Definition, indicator_delete, indicator_update
from indicators.services import workbook_import
from monitoring import counts
from monitoring.models import MonitoringCount, MonitoringReport, Observation, Relight
from monitoring.overview import NO_CAUSE, Lights, overview
from monitoring.relight import relight_run
from monitoring.services import Entry, monitoring_open_year, monitoring_save
from projects.editing import FundAmounts, project_update
from projects.models import FundSource, Project, StageState, YearPlan
from projects.services import project_create
from projects.stages import StageKey, StageStatus
from tests import factories

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2026
GOOD = {"培训人数": Entry("60人", "120人", "确定能"), "培训成本": Entry("12", "30", "确定能"),
        "群众知晓度": Entry("宣传已开展", "达成", "确定能")}  # fmt: skip


def monitored(project: Project, officer, executed: str = "300") -> Project:
    """`project` (conftest: 1,000 万元, three indicators) monitored: 培训人数 forecast 120 of 100 (blue),
    the others green, 300 of 1,000 by July (v 51.43: red)."""
    ids = {i.level3: i.pk for i in project.indicators.all()}
    monitoring_save(project=project, user=officer, version=project.version, measures="加快支付",
                    entries={ids[k]: v for k, v in GOOD.items() if k in ids},
                    executed={FundSource.FISCAL: D(executed)})  # fmt: skip
    return Project.objects.get(pk=project.pk)


def lights(admin_user) -> tuple[Lights, int, dict[str, tuple[int, int]]]:
    data = overview(admin_user, year=YEAR)
    return data.total.lights, data.flagged, {g.cause: (g.red, g.yellow) for g in data.causes}


def live_counts() -> set[tuple]:
    columns = ["year", "unit_id", "light", "n", "budget_annual", "budget_executed", *counts.COUNTED]
    return {row for row in MonitoringCount.objects.filter(n__gt=0).values_list(*columns)}


def rebuilt_counts() -> set[tuple]:
    counts.rebuild(connection)
    return live_counts()


# --- the targets and the budget ------------------------------------------------------------------


def test_a_target_edit_changes_the_overviews_counts(project, officer, admin_user) -> None:
    project = monitored(project, officer)
    assert lights(admin_user) == (Lights(red=1, blue=1), 0, {})
    row = project.indicators.get(level3="培训人数")
    # the target doubled: the forecast 120 of 200 earns 60% of the weight, so red (no cause given)
    indicator_update(indicator=row, version=project.version, user=officer, definition=Definition(
        row.level1, row.level2, row.level3, Target("≥", D(200), "", "人"), D(20)))  # fmt: skip
    assert Observation.objects.get(indicator=row).light == "red"
    assert lights(admin_user) == (Lights(red=1), 1, {NO_CAUSE: (1, 0)})
    report = MonitoringReport.objects.get(project=project)
    assert (report.ind_red, report.ind_blue, report.red_none) == (1, 0, 1)
    assert live_counts() == rebuilt_counts()


def test_a_weight_or_comparator_edit_relights_too(project, officer, admin_user) -> None:
    project = monitored(project, officer)
    row = project.indicators.get(level3="培训人数")
    # ≤ 50 with a forecast of 120: the 反向 target is missed by far (red), and blue is for 正向 only
    indicator_update(indicator=row, version=project.version, user=officer, definition=Definition(
        row.level1, row.level2, row.level3, Target("≤", D(50), "", "人"), D(30)))  # fmt: skip
    assert Observation.objects.get(indicator=row).light == "red"
    assert lights(admin_user)[:2] == (Lights(red=1), 1)


def test_a_budget_edit_relights_the_project(project, officer, admin_user) -> None:
    project = monitored(project, officer)
    # 全年预算数 700 instead of 1,000: 300 is 42.86%, v 73.47 → yellow, the project yellow with it
    project_update(project=project, version=project.version, basics={}, user=officer, funds={
        FundSource.FISCAL: FundAmounts(D(300), D(0)), FundSource.CARRYOVER: FundAmounts(D(400), D(0))})  # fmt: skip
    report = MonitoringReport.objects.get(project=project)
    assert (report.budget_annual, report.budget_value, report.light) == (D("700.00"), D("73.47"), "yellow")
    data = overview(admin_user, year=YEAR)
    assert data.total.lights == Lights(yellow=1, blue=1) and data.total.budget.value == D("73.47")
    assert live_counts() == rebuilt_counts()


def test_removing_an_indicator_takes_its_light_off_the_counts(project, officer, admin_user) -> None:
    project = monitored(project, officer)
    row = project.indicators.get(level3="培训人数")  # the blue one
    indicator_delete(indicator=row, version=project.version, user=officer)
    assert lights(admin_user)[0] == Lights(red=1)
    assert MonitoringReport.objects.get(project=project).ind_blue == 0
    assert live_counts() == rebuilt_counts()


def test_an_edit_that_fails_leaves_the_lights(project, officer, admin_user) -> None:
    """The lights are stored in the edit's transaction: a stale edit is refused and changes nothing."""
    project = monitored(project, officer)
    row = project.indicators.get(level3="培训人数")
    with pytest.raises(Exception):  # noqa: B017 - the stale version's refusal
        indicator_update(indicator=row, version=project.version - 1, user=officer, definition=Definition(
            row.level1, row.level2, row.level3, Target("≥", D(200), "", "人"), D(20)))  # fmt: skip
    assert Observation.objects.get(indicator=row).light == "blue"
    assert lights(admin_user)[0] == Lights(red=1, blue=1)


def plain_table(path: Path, target: int, year_code: str = "15000025T000000000888") -> Path:
    """A 自评表 of one project (no monitoring columns): 带动就业 ≥ `target` 人."""
    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "单位名称", "全年预算数", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
                  "度量单位", "权重"])  # fmt: skip
    sheet.append([f"{year_code}-导入项目", "140001-内蒙古自治区妇女联合会", 1000, "效益指标", "社会效益指标",
                  "带动就业", "≥", target, "人", 100])  # fmt: skip
    book.save(path)
    return path


def test_an_import_of_the_targets_relights(tmp_path, unit_a, plan, admin_user) -> None:
    workbook_import(path=plain_table(tmp_path / "a.xlsx", 100), year=YEAR, user=None)
    project = Project.objects.get(year=YEAR)
    (row,) = project.indicators.all()
    monitoring_save(project=project, user=None, version=project.version, system=True, measures="加快",
                    entries={row.pk: Entry("80", "130", "确定能")}, executed={FundSource.UNSPLIT: D(600)})  # fmt: skip
    assert Observation.objects.get(indicator=row).light == "blue"
    workbook_import(path=plain_table(tmp_path / "b.xlsx", 200), year=YEAR, user=None)  # 130 of 200: red
    assert Observation.objects.get(indicator=row).light == "red"
    assert lights(admin_user)[:2] == (Lights(red=1), 1)


# --- the year's thresholds -----------------------------------------------------------------------


def test_a_change_of_the_years_thresholds_relights_its_reports(project, officer, admin_user, plan) -> None:
    """The worker's relight (monitoring.relight, queued by the plan's save; tests/monitoring/test_relight.py
    covers the queue and the admin) stores the lights and the overview's counts follow."""
    monitored(project, officer)
    assert lights(admin_user)[0] == Lights(red=1, blue=1)  # v 51.43 < 60
    plan.budget_green, plan.budget_yellow = D(50), D(40)
    plan.save()
    relight_run(Relight.objects.latest("pk").pk)
    assert MonitoringReport.objects.get(project=project).budget_light == "green"
    assert lights(admin_user)[0] == Lights(green=1, blue=1)
    plan.over_run = D(130)  # 120 of 100 is no longer an over-run: green, not blue
    plan.save()
    relight_run(Relight.objects.latest("pk").pk)
    assert lights(admin_user)[0] == Lights(green=1)
    assert live_counts() == rebuilt_counts()


# --- the counts follow every writer -------------------------------------------------------------


def test_the_counts_follow_deletes_moves_and_updates(project, officer, unit_b, admin_user) -> None:
    monitored(project, officer)
    other = factories.project(unit=unit_b, code="MON-2", year=YEAR)
    factories.fund(other, annual="100")
    monitored(Project.objects.get(pk=other.pk), officer=admin_user, executed="90")
    assert lights(admin_user)[0] == Lights(red=1, green=1, blue=1)
    MonitoringReport.objects.filter(project=other).update(unit=project.unit)  # a queryset's update()
    assert live_counts() == rebuilt_counts()
    Project.objects.filter(pk=project.pk).delete()  # the report goes with its project
    assert lights(admin_user)[0] == Lights(green=1)
    assert live_counts() == rebuilt_counts()


# --- the stages of a project made after the year was opened ---------------------------------------


def monitoring_status(project: Project) -> str | None:
    found = StageState.objects.filter(project=project, stage=StageKey.MONITORING)
    return found.values_list("status", flat=True).first()


def test_a_project_made_after_the_year_was_opened_has_every_stage(tmp_path, unit_a, officer, admin_user, plan
                                                                   ) -> None:  # fmt: skip
    before = factories.project(unit=unit_a, code="EARLY", year=YEAR)
    assert monitoring_status(before) is None  # the year not opened yet: the admin's action opens it
    assert monitoring_open_year(year=YEAR, user=admin_user) == 1
    assert YearPlan.objects.get(year=YEAR).monitoring_opened_at is not None
    made = project_create(project=Project(unit=unit_a, code="", name="新建项目", year=YEAR), user=officer)
    assert monitoring_status(made) == StageStatus.DRAFT  # the form's
    stages = set(StageState.objects.filter(project=made).values_list("stage", flat=True))
    assert stages == {StageKey.TARGETS, StageKey.MONITORING, StageKey.SELF_EVALUATION}
    source = factories.project(unit=unit_a, code="LAST-YEAR", year=YEAR - 1)
    assert monitoring_status(source) is None  # 2025 has no calendar
    copy = project_copy_to_year(source=source, year=YEAR, user=officer, code="COPIED")
    assert monitoring_status(copy) == StageStatus.DRAFT  # the copy's
    workbook_import(path=plain_table(tmp_path / "new.xlsx", 100), year=YEAR, user=None)
    assert monitoring_status(Project.objects.get(code="15000025T000000000888")) == StageStatus.DRAFT  # the import's
    assert monitoring_open_year(year=YEAR, user=admin_user) == 0


def test_a_year_without_the_stage_or_not_opened_gives_none(unit_a, admin_user) -> None:
    YearPlan.objects.create(year=YEAR, stages=["self_evaluation"], monitoring_opened_at="2026-07-01T00:00Z")
    assert monitoring_status(factories.project(unit=unit_a, code="NO-STAGE", year=YEAR)) is None
    YearPlan.objects.create(year=YEAR + 1, stages=["monitoring", "self_evaluation"])
    assert monitoring_status(factories.project(unit=unit_a, code="NOT-OPEN", year=YEAR + 1)) is None
