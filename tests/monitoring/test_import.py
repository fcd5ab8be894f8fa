"""`import_workbook` reads a 监控表 (contract.md "Monitoring"): the year-end columns plus 1-M月执行情况
(or 截至M月执行情况), 全年预计完成值, 完成目标可能性, the cause category (one column, or the national
form's five tick columns on a second header row), 偏差原因分析, 纠偏措施 and the budget's 1-M月执行数;
`--month` overrides the header's month; `monitor --json` then gives §8's lights."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from indicators.importer import ImportFailed
from indicators.models import Indicator
from indicators.services import workbook_import
from monitoring.models import MonitoringReport, Observation
from projects.models import Project, StageState, YearPlan
from tests import factories

pytestmark = pytest.mark.django_db

UNIT = "140001-内蒙古自治区妇女联合会"
CODE = "15000025T000000000777"
YEAR = 2025
FLAT = ["项目名称", "单位名称", "全年预算数", "1-7月执行数", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
        "度量单位", "权重", "1-7月执行情况", "全年预计完成值", "完成目标可能性", "偏差原因类别", "偏差原因分析",
        "纠偏措施"]  # fmt: skip
# §8's worked example (budget 1,000, 1–7月 300: v 51.43, red) with a yellow, a green, a blue and a red row
ROWS = [
    [f"{CODE}-监控测试项目", UNIT, 1000, 300, "产出指标", "数量指标", "培训人次", "≥", 500, "人次", 20, "200",
     "450", "有可能", "经费保障", "资金拨付滞后", "加快拨付"],
    ["", "", "", "", "产出指标", "成本指标", "人均成本", "≤", 2000, "元", 20, "1500", "1900", "确定能", "", "", ""],
    ["", "", "", "", "效益指标", "社会效益指标", "带动就业", "≥", 100, "人", 30, "80", "130", "确定能", "", "", ""],
    ["", "", "", "", "满意度指标", "服务对象满意度指标", "满意度", "≥", 90, "%", 20, "", "80", "完全不可能",
     "人员保障、其他", "培训师资不足", "增加师资"],
]  # fmt: skip


def table(path: Path, rows: list[list[object]] = ROWS, header: list[str] = FLAT) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "监控表"
    sheet.append(["项目支出绩效目标执行监控表"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def monitor(code: str = CODE, year: int = YEAR) -> dict:
    out = StringIO()
    call_command("monitor", code, "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def imported(*args: object) -> str:
    out = StringIO()
    call_command("import_workbook", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_a_flat_monitoring_table_gives_section_8s_lights(tmp_path) -> None:
    out = imported(table(tmp_path / "m.xlsx"), "--year", YEAR)
    assert "运行监控：1 个项目（截至 7 月）" in out
    assert "2025 年度的年度安排原未启用运行监控，已按导入的监控表启用" in out
    assert YearPlan.objects.get(year=YEAR).stages == ["monitoring", "self_evaluation"]
    data = monitor()
    assert (data["month"], data["time_progress"], data["light"]) == (7, "58.33", "red")
    assert data["budget"] == {"annual": "1000.00", "executed": "300.00", "progress": "30.00", "value": "51.43",
                              "light": "red"}  # fmt: skip
    rows = {i["level3"]: i for i in data["indicators"]}
    assert {name: r["light"] for name, r in rows.items()} == {"培训人次": "yellow", "人均成本": "green",
                                                               "带动就业": "blue", "满意度": "red"}  # fmt: skip
    assert (rows["培训人次"]["to_date"], rows["培训人次"]["forecast"], rows["培训人次"]["possibility"]) == (
        "200", "450", "有可能")  # fmt: skip
    assert (rows["满意度"]["reason_category"], rows["满意度"]["reason"]) == ("人员保障、其他", "培训师资不足")
    assert data["warnings"] == []  # the red rows carry their 纠偏措施, the yellow one its cause


def test_the_project_keeps_its_year_end_columns_apart(tmp_path) -> None:
    """The 监控表's 偏差原因分析 is the monitoring's, not the year-end reason; nothing is an actual."""
    workbook_import(path=table(tmp_path / "m.xlsx"), year=YEAR, user=None)
    row = Indicator.objects.get(level3="培训人次")
    assert (row.reason, row.actual, row.actual_text) == ("", None, "")
    observation = Observation.objects.get(indicator=row)
    assert (observation.reason, observation.measures, observation.causes) == ("资金拨付滞后", "加快拨付", ["经费保障"])
    project = Project.objects.get(code=CODE)
    stages = dict(StageState.objects.filter(project=project).values_list("stage", "status"))
    assert stages == {"targets": "recorded", "monitoring": "draft", "self_evaluation": "draft"}


def test_month_from_the_header_or_the_option(tmp_path) -> None:
    path = table(tmp_path / "m.xlsx")
    imported(path, "--year", YEAR, "--month", 6)
    data = monitor()
    assert (data["month"], data["time_progress"], data["budget"]["value"], data["budget"]["light"]) == (
        6, "50.00", "60.00", "yellow")  # fmt: skip
    header = [h.replace("1-7月", "截至8月") for h in FLAT]
    imported(table(tmp_path / "m8.xlsx", header=header), "--year", YEAR)
    assert monitor()["month"] == 8
    with pytest.raises(CommandError, match="截至月份须在 1 至 12 之间"):
        imported(path, "--year", YEAR, "--month", 13)


def test_the_national_form_with_tick_columns_and_no_weights(tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    causes = ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]
    first = ["项目名称", "单位名称", "全年预算数", "截至7月执行数", "一级指标", "二级指标", "三级指标",
             "年度指标值", "截至7月执行情况", "全年预计完成情况", *["偏差原因"] * 5, "完成目标可能性",
             "偏差原因分析", "纠偏措施"]  # fmt: skip
    sheet.append(first)
    sheet.append([*first[:10], *causes, *first[15:]])
    for col in [*range(1, 11), 16, 17, 18]:
        sheet.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    sheet.merge_cells(start_row=1, start_column=11, end_row=1, end_column=15)
    sheet.append([f"{CODE}-监控测试项目", UNIT, 500, 250, "产出指标", "数量指标", "培训人次", "≥500人次", "200人次",
                  "450人次", "√", "", "是", "", "", "有可能", "资金拨付滞后", "加快拨付"])  # fmt: skip
    sheet.append(["", "", "", "", "产出指标", "时效指标", "完成时间", "2025年12月底前", "进行中", "2025年12月20日",
                  "", "", "", "", "", "确定能", "", ""])  # fmt: skip
    book.save(tmp_path / "national.xlsx")
    workbook_import(path=tmp_path / "national.xlsx", year=YEAR, user=None)
    data = monitor()
    rows = {i["level3"]: i for i in data["indicators"]}
    assert rows["培训人次"]["reason_category"] == "经费保障、人员保障"
    assert (rows["完成时间"]["to_date"], rows["完成时间"]["forecast"]) == ("进行中", "2025年12月20日")
    assert (data["budget"]["value"], data["budget"]["light"]) == ("85.71", "green")
    assert Indicator.objects.get(level3="培训人次").weight == Decimal(0)  # the form prints no weights


@pytest.mark.parametrize(
    ("column", "value", "error"),
    [
        (
            13,
            "大概能",
            "监控表!第3行 完成目标可能性：“大概能”不是可选项，完成目标可能性须为：确定能、有可能、完全不可能",
        ),
        (
            14,
            "资金问题",
            "监控表!第3行 偏差原因类别：“资金问题”不是偏差原因类别，可选：经费保障、制度保障、人员保障、"
            "硬件条件保障、其他（可填多个，用顿号分隔）",
        ),
        (12, "四百五", "监控表!第3行 全年预计完成值："),
        (3, "三百", "监控表!第3行 1-7月执行数："),
    ],
)
def test_a_bad_cell_names_sheet_row_column_and_writes_nothing(tmp_path, column, value, error) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][column] = value
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=table(tmp_path / "bad.xlsx", rows), year=YEAR, user=None)
    assert caught.value.errors[0].startswith(error)
    assert not Project.objects.exists() and not MonitoringReport.objects.exists()
    assert not YearPlan.objects.exists()


def test_the_import_warns_what_blocks_submission(tmp_path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][14:17] = ["", "", ""]  # the yellow row loses its cause and text
    rows[3][16] = ""  # the red project keeps no 纠偏措施
    report = workbook_import(path=table(tmp_path / "m.xlsx", rows), year=YEAR, user=None)
    codes = [(w.code, w.indicator) for _, w in report.warnings]
    assert ("missing_reason", "培训人次") in codes and ("missing_measures", "") in codes
    assert {w.code for _, w in report.warnings} <= {"missing_reason", "missing_measures", "budget_missing",
                                                     "missing_forecast"}  # fmt: skip


def test_a_dry_run_writes_nothing_and_a_submitted_monitoring_is_locked(tmp_path) -> None:
    path = table(tmp_path / "m.xlsx")
    workbook_import(path=path, year=YEAR, user=None, dry_run=True)
    assert not MonitoringReport.objects.exists() and not YearPlan.objects.exists()
    workbook_import(path=path, year=YEAR, user=None)
    project = Project.objects.get(code=CODE)
    StageState.objects.filter(project=project, stage="monitoring").update(status="submitted")
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=path, year=YEAR, user=None, month=6)
    assert caught.value.errors[0].startswith("监控表!第3行 项目名称：")
    assert MonitoringReport.objects.get(project=project).month == 7


def test_an_officer_imports_only_into_a_year_that_uses_monitoring(tmp_path, unit_a) -> None:
    officer = factories.user("officer_m", role="officer", unit=unit_a)
    path = table(tmp_path / "m.xlsx")
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=path, year=YEAR, user=officer)
    assert caught.value.errors == ["2025 年度未启用运行监控，不能导入监控表；请管理员在“年度安排”中启用后再导入"]
    YearPlan.objects.create(year=YEAR, stages=["monitoring", "self_evaluation"])
    report = workbook_import(path=path, year=YEAR, user=officer)
    assert report.notes == ["运行监控：1 个项目（截至 7 月）"]
    assert monitor()["light"] == "red"


def test_the_monitoring_template_imports_back_with_its_lights(tmp_path) -> None:
    from intake.template_workbook import EXAMPLE_NAME, MONITORING, template_build
    from scoring.schemes import NATIONAL

    YearPlan.objects.create(year=YEAR, stages=["monitoring", "self_evaluation"], monitoring_month=8)
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_build(scheme=NATIONAL, year=YEAR, unit=UNIT, kind=MONITORING, month=8))
    report = workbook_import(path=path, year=YEAR, user=None)
    assert report.notes == ["运行监控：1 个项目（截至 8 月）"] and report.warnings == []
    data = monitor(Project.objects.get(name=EXAMPLE_NAME).code)
    assert (data["month"], data["budget"]["executed"], data["budget"]["value"]) == (8, "60.00", "90.00")
    lights = {i["level3"]: i["light"] for i in data["indicators"]}
    assert lights["培训合格率"] == "yellow" and set(lights.values()) <= {"green", "yellow", "blue"}


def test_the_upload_page_offers_the_monitoring_template(client, unit_a) -> None:
    from io import BytesIO
    from urllib.parse import unquote

    from django.urls import reverse
    from openpyxl import load_workbook

    client.force_login(factories.user("officer_t", role="officer", unit=unit_a))
    response = client.get(reverse("intake:template"), {"template_kind": "monitoring"})
    assert unquote(response["Content-Disposition"]).endswith("项目支出绩效目标执行监控表模板.xlsx")
    headers = [c.value for c in load_workbook(BytesIO(response.content)).active[1]]
    assert "1-7月执行情况" in headers and "完成目标可能性" in headers and "实际完成值" not in headers
