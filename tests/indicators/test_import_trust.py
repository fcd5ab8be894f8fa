"""The import keeps the browser's rules: the unit wall, the workflow's lock, versions, history.

Each test here failed before the fix it guards (issue "Trust", items 1, 2, 7, 11, 14, 15).
"""

from __future__ import annotations

import threading
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import Workbook

from indicators.models import Indicator
from indicators.services import (
    CONCURRENT,
    FOREIGN_PROJECT,
    NO_TABLE,
    ImportFailed,
    ImportRefused,
    workbook_import,
)
from projects.models import Fund, Project, Status
from tests import factories
from tests.workbooks import SEED000_CODE, SEED000_ROWS

pytestmark = pytest.mark.django_db

UNIT_A = "140001-内蒙古自治区妇女联合会"
UNIT_B = "140002-内蒙古妇女干部学校"


def workbook(path: Path, *, code: str = SEED000_CODE, unit: str = UNIT_A, actual: str = "9期", **cells) -> Path:
    """A one-project table: the seed's first rows, with the given code, unit and first actual."""
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append(["项目编码", "项目名称", "单位名称", "全年预算数", "全年执行数", "一级指标", "二级指标", "三级指标",
               "年度指标值", "实际完成值", "分值"])  # fmt: skip
    money = [cells.get("annual", 900), cells.get("executed", 804.73)]
    for i, row in enumerate(SEED000_ROWS[:3]):
        level1, level2, level3, target, done, weight, _ = row
        done = actual if i == 0 else done
        head = [code, cells.get("name", "布丝瑰创业就业行动"), unit, *money] if i == 0 else ["", "", "", "", ""]
        ws.append([*head, level1 or "", level2 or "", cells.get("level3", level3) if i == 0 else level3, target,
                   done, cells.get("weight", weight) if i == 0 else weight])  # fmt: skip
    wb.save(path)
    return path


def snapshot() -> tuple:
    return (
        list(Project.objects.order_by("pk").values_list()),
        list(Fund.objects.order_by("pk").values_list()),
        list(Indicator.objects.order_by("pk").values_list()),
        Project.history.count(),
        Indicator.history.count(),
        Fund.history.count(),
    )


@pytest.fixture
def project_a(unit_a):
    """Unit A's project of 2022, imported once, as a draft."""
    return Project.objects.get(pk=_import_a(unit_a))


def _import_a(unit_a, tmp: Path | None = None) -> int:
    import tempfile

    path = workbook(Path(tempfile.mkdtemp()) / "a.xlsx")
    workbook_import(path=path, year=2022, user=None)
    return Project.objects.get(code=SEED000_CODE).pk


# --- 1. the unit wall ------------------------------------------------------------------------


def test_officer_cannot_move_another_units_project_into_their_own(tmp_path, project_a, other_officer) -> None:
    """Unit B's officer names unit A's code with unit B in 单位名称: refused, nothing moves."""
    before = snapshot()
    path = workbook(tmp_path / "b.xlsx", unit=UNIT_B, actual="1期")
    with pytest.raises(ImportRefused) as info:
        workbook_import(path=path, year=2022, user=other_officer)
    assert info.value.errors == ["自评表!第2行 项目编码：" + FOREIGN_PROJECT.format(year=2022, code=SEED000_CODE)]
    assert "内蒙古自治区妇女联合会" not in info.value.errors[0]  # the other unit is not revealed
    assert snapshot() == before


def test_officer_cannot_import_rows_naming_another_unit(tmp_path, unit_b, officer) -> None:
    path = workbook(tmp_path / "b.xlsx", code="15000022T000000000999", unit=UNIT_B)
    with pytest.raises(ImportRefused) as info:
        workbook_import(path=path, year=2022, user=officer)
    assert info.value.errors[0].startswith("自评表!第2行 单位名称：")
    assert "您只能导入本单位（140001-内蒙古自治区妇女联合会）" in info.value.errors[0]
    assert not Project.objects.exists()


def test_officer_may_skip_other_units_rows_and_sees_them_listed(tmp_path, project_a, officer) -> None:
    wb_path = tmp_path / "two.xlsx"
    workbook(wb_path, unit=UNIT_B, code="15000022T000000000999", actual="8期")
    from openpyxl import load_workbook

    wb = load_workbook(wb_path)
    ws = wb.active
    for row in list(ws.iter_rows(min_row=2, values_only=True)):
        ws.append([SEED000_CODE if row[0] else "", row[1], UNIT_A if row[2] else "", *row[3:9], "7期" if row[0] else
                   row[9], row[10]])  # fmt: skip
    wb.save(wb_path)
    report = workbook_import(path=wb_path, year=2022, user=officer, skip_refused=True)
    assert report.skipped == [
        "自评表!第2行 单位名称：项目“15000022T000000000999-布丝瑰创业就业行动”属于单位“140002-内蒙古妇女干部学校”，"
        "您只能导入本单位（140001-内蒙古自治区妇女联合会）的项目"
    ]
    assert report.projects_updated == 1 and report.projects_created == 0
    assert "跳过 1 个项目" in report.summary()
    assert Project.objects.count() == 1
    assert Indicator.objects.get(project=project_a, level3="开展手工艺技能培训").actual == Decimal(7)


def test_admin_and_command_line_import_any_unit(tmp_path, unit_a, unit_b, admin_user) -> None:
    workbook_import(path=workbook(tmp_path / "a.xlsx"), year=2022, user=admin_user)
    workbook_import(path=workbook(tmp_path / "b.xlsx", code="X0000001", unit=UNIT_B), year=2022, user=None)
    assert sorted(Project.objects.values_list("unit__code", flat=True)) == ["140001", "140002"]


def test_evaluator_cannot_import(tmp_path, evaluator) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        workbook_import(path=workbook(tmp_path / "a.xlsx"), year=2022, user=evaluator)


# --- 2. the workflow's lock and versions ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [(Status.SUBMITTED, "已提交审核，不能通过导入修改；须先由审核人退回"),
     (Status.APPROVED, "已审核，不能通过导入修改；须先由管理员重新打开")],
)  # fmt: skip
def test_import_never_changes_a_submitted_or_approved_project(tmp_path, project_a, officer, admin_user, status,
                                                              message) -> None:  # fmt: skip
    factories.set_status(Project.objects.filter(pk=project_a.pk), status)
    before = snapshot()
    path = workbook(tmp_path / "again.xlsx", actual="1期")
    for user in (officer, admin_user, None):
        with pytest.raises(ImportRefused) as info:
            workbook_import(path=path, year=2022, user=user)
        assert info.value.errors == [f"自评表!第2行 项目名称：项目“{SEED000_CODE}-布丝瑰创业就业行动”{message}"]
    assert snapshot() == before


def test_command_line_names_the_locked_project_and_writes_nothing(tmp_path, project_a) -> None:
    factories.set_status(Project.objects.filter(pk=project_a.pk), Status.APPROVED)
    err = StringIO()
    with pytest.raises(CommandError, match="导入失败：共 1 处错误"):
        call_command("import_workbook", str(workbook(tmp_path / "x.xlsx", actual="1期")), "--year", "2022",
                     stdout=StringIO(), stderr=err)  # fmt: skip
    assert "须先由管理员重新打开" in err.getvalue()


def test_import_bumps_the_version_of_what_it_changes_only(tmp_path, project_a, unit_a) -> None:
    other = factories.project(unit=unit_a, code="OTHER", year=2022)
    versions = dict(Project.objects.values_list("pk", "version"))
    workbook_import(path=workbook(tmp_path / "x.xlsx", actual="10期"), year=2022, user=None)
    after = dict(Project.objects.values_list("pk", "version"))
    assert after[project_a.pk] == versions[project_a.pk] + 1
    assert after[other.pk] == versions[other.pk]


def test_a_form_opened_before_an_import_is_refused_on_save(tmp_path, officer, project_a) -> None:
    from django.core.exceptions import ValidationError

    from indicators.editing import indicator_set_actual
    from projects.services import STALE

    row = Indicator.objects.get(project=project_a, level3="开展手工艺技能培训")
    opened = Project.objects.get(pk=project_a.pk).version
    workbook_import(path=workbook(tmp_path / "x.xlsx", actual="10期"), year=2022, user=None)
    with pytest.raises(ValidationError, match=STALE[:10]):
        indicator_set_actual(indicator=row, version=opened, actual=None, reason="", user=officer)


# --- 15. nothing changed, nothing written ------------------------------------------------------


def test_an_unchanged_reimport_writes_no_history_and_keeps_versions(tmp_path, project_a) -> None:
    before = snapshot()
    report = workbook_import(path=workbook(tmp_path / "same.xlsx"), year=2022, user=None)
    assert (report.projects_updated, report.projects_unchanged, report.indicators_unchanged) == (0, 1, 3)
    assert snapshot() == before


def test_a_changed_actual_writes_one_indicator_history_row(tmp_path, project_a) -> None:
    projects, indicators = Project.history.count(), Indicator.history.count()
    report = workbook_import(path=workbook(tmp_path / "x.xlsx", actual="8期"), year=2022, user=None)
    assert (report.projects_updated, report.indicators_updated) == (1, 1)
    assert Indicator.history.count() == indicators + 1
    assert Project.history.count() == projects  # the project's own fields did not change


def test_form_layout_funds_reimported_unchanged_write_nothing(tmp_path) -> None:
    from tests.indicators.test_import_workbook import national_form  # the national 自评表 form

    path = national_form(tmp_path / "form.xlsx")
    workbook_import(path=path, year=2022, user=None)
    before = snapshot()
    workbook_import(path=path, year=2022, user=None)
    assert snapshot() == before


# --- 14. a workbook with no table --------------------------------------------------------------


def test_command_line_refuses_a_workbook_without_an_indicator_table(tmp_path) -> None:
    wb = Workbook()
    wb.active.append(["这不是绩效表"])
    wb.active.append(["甲", "乙"])
    wb.save(tmp_path / "none.xlsx")
    err = StringIO()
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import_workbook", str(tmp_path / "none.xlsx"), "--year", "2022", stdout=StringIO(),
                     stderr=err)  # fmt: skip
    assert NO_TABLE in err.getvalue()


# --- 7. values the database cannot hold --------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"code": "C" * 65}, "项目编码", "过长（65 字），最多 64 字"),
        ({"name": "名" * 301}, "项目名称", "过长（301 字），最多 300 字"),
        ({"unit": "140001-" + "单" * 201}, "单位名称", "过长（201 字），最多 200 字"),
        ({"level3": "指" * 301}, "三级指标", "过长（301 字），最多 300 字"),
        ({"weight": 100000}, "分值", "超过 100 分"),
        ({"weight": "1e5"}, "分值", "不是数字"),
        ({"annual": 1e12}, "全年预算数", "金额“1000000000000”超出可保存的范围"),
        ({"executed": 123456789012345}, "全年执行数", "超出可保存的范围"),
        ({"actual": 1e300}, "实际完成值", "超出可保存的范围，绝对值须小于 100,000,000,000"),
        ({"actual": "9" * 12 + "期"}, "实际完成值", "超出可保存的范围"),
        ({"actual": "达" * 501}, "实际完成值", "过长（501 字），最多 500 字"),
    ],
)
def test_values_beyond_the_database_are_row_errors(tmp_path, cells, column, message) -> None:
    with pytest.raises(ImportFailed) as info:
        workbook_import(path=workbook(tmp_path / "big.xlsx", **cells), year=2022, user=None)
    assert len(info.value.errors) == 1
    assert info.value.errors[0].startswith(f"自评表!第2行 {column}：") and message in info.value.errors[0]
    assert not Project.objects.exists()


def test_a_target_beyond_the_database_is_a_row_error(tmp_path) -> None:
    path = workbook(tmp_path / "t.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["I2"] = "≥" + "1" * 12 + "期"
    wb.active["H3"] = "指" * 300  # exactly the limit: accepted
    wb.save(path)
    with pytest.raises(ImportFailed) as info:
        workbook_import(path=path, year=2022, user=None)
    assert [e.split("：")[0] for e in info.value.errors] == ["自评表!第2行 年度指标值"]


def test_values_at_the_limits_are_stored_whole(tmp_path) -> None:
    path = workbook(tmp_path / "edge.xlsx", code="C" * 64, weight=100, annual="999,999,999,999.99", executed=0,
                    actual="99999999999.9999期")  # fmt: skip
    workbook_import(path=path, year=2022, user=None)
    project = Project.objects.get()
    assert project.code == "C" * 64
    assert Fund.objects.get().annual == Decimal("999999999999.99")
    assert Indicator.objects.get(level3="开展手工艺技能培训").actual == Decimal("99999999999.9999")
    assert project.score_total is not None


# --- 11. two confirms of the same new workbook at once ---------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent inserts need PostgreSQL")
def test_concurrent_imports_of_the_same_new_workbook_give_a_clear_message(tmp_path) -> None:
    path = workbook(tmp_path / "new.xlsx")
    barrier, results = threading.Barrier(2), []

    def run() -> None:
        from django.db import connection as conn

        try:
            barrier.wait()
            workbook_import(path=path, year=2022, user=None)
            results.append("ok")
        except ImportFailed as exc:
            results.append(exc.errors)
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results)) == sorted(["ok", str([CONCURRENT])])
    assert Project.objects.count() == 1


def test_command_line_can_skip_locked_projects_and_lists_them(tmp_path, project_a, unit_a) -> None:
    factories.set_status(Project.objects.filter(pk=project_a.pk), Status.SUBMITTED)
    before = snapshot()
    path = workbook(tmp_path / "x.xlsx", actual="1期")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for row in list(wb.active.iter_rows(min_row=2, values_only=True)):
        wb.active.append(["NEW-1" if row[0] else "", *row[1:]])
    wb.save(path)
    out = StringIO()
    call_command("import_workbook", str(path), "--year", "2022", "--skip-locked", stdout=out, stderr=StringIO())
    assert "新建 1 个" in out.getvalue() and "跳过 1 个项目" in out.getvalue()
    assert "跳过 自评表!第2行 项目名称：" in out.getvalue() and "须先由审核人退回" in out.getvalue()
    assert snapshot()[2][: len(before[2])] == before[2]  # the submitted project's indicators as they were


def test_an_officers_import_uses_the_units_department_scheme(tmp_path, officer, unit_a) -> None:
    """Without --scheme the officer's import is read and scored like the create form: the 主管部门's scheme."""
    from projects.models import Department

    department = unit_a.department or Department.objects.create(name="某主管部门")
    department.scheme = "hubei"
    department.save()
    unit_a.department = department
    unit_a.save()
    workbook_import(path=workbook(tmp_path / "hubei.xlsx"), year=2022, user=officer)
    assert Project.objects.get(code=SEED000_CODE).scheme == "hubei"
    path = workbook(tmp_path / "cli.xlsx", code="15000022T000000000998")
    workbook_import(path=path, year=2022, user=None)  # the command line
    assert Project.objects.get(code="15000022T000000000998").scheme == "national"
