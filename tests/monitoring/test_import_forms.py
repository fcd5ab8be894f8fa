"""Form-layout 监控表 (issue 17 "Import and export"): the funds block at the top gives 年初预算数 /
全年预算数 / 1-M月执行数 per source, the whole project's 纠偏措施 sits in a label row (above the indicator
block, or below it as the national form prints it), and 主管部门及代码 names the department with its
code. Three layouts after published ones, built here with openpyxl: the national 预算管理一体化 form
(财政拨款 with its 其中 parts, five tick columns, a 纠偏措施 row at the foot), a city's 半年 form (黄石市
项目支出绩效监控表, 2019: 年初预算数 and 1-6月执行数 only, 其中:当年一般公共预算拨款, 相关建议或举措 at
the foot) and a county's with full-width `截至７月执行数` and one 偏差原因类别 column. Each import is
checked through `manage.py monitor CODE --year Y --json` against domain.md §8."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from indicators.workbook import _fund_column, header_key
from monitoring.models import MonitoringReport
from projects.models import Department, FundSource, Project

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2025
CAUSES = ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]


def monitor(code: str, year: int = YEAR) -> dict:
    out = StringIO()
    call_command("monitor", code, "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def imported(path: Path, *args: object) -> str:
    out = StringIO()
    call_command("import_workbook", str(path), "--year", str(YEAR), *[str(a) for a in args], stdout=out)
    return out.getvalue()


def save(rows: list[list[object]], path: Path, merges: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "监控表"
    for row in rows:
        sheet.append(row)
    for span in merges:
        sheet.merge_cells(span)
    book.save(path)
    return path


# --- the national 预算管理一体化 form -------------------------------------------------------------

NATIONAL_CODE = "11010125T000000000123"


def national(path: Path) -> Path:
    """A-S: 19 columns. §8's worked example: 1,000 万元 (财政拨款 800, 其他资金 200), 1—7月 300 (250 + 50)."""
    rows = [
        ["项目支出绩效目标执行监控表"],
        ["（2025年度）"],
        ["项目名称", f"{NATIONAL_CODE}-义务教育课后服务补助"],
        ["主管部门及代码", "[101]市教育局", "", "", "", "", "", "", "", "实施单位", "", "140101-市第一中学"],
        ["项目资金（万元）", "资金来源", "", "", "年初预算数", "", "全年预算数", "", "1—7月执行数", "",
         "1—7月执行率", "", "全年预计执行数"],
        ["", "年度资金总额", "", "", 1000, "", 1000, "", 300, "", "30%", "", 900],
        ["", "其中：财政拨款", "", "", 800, "", 800, "", 250, "", "31.25%", "", 700],
        ["", "其中：一般公共预算", "", "", 600, "", 600, "", 200, "", "", "", ""],  # parts of 财政拨款: not again
        ["", "政府性基金", "", "", 200, "", 200, "", 50, "", "", "", ""],
        ["", "其他资金", "", "", 200, "", 200, "", 50, "", "25%", "", 200],
        ["年度总体目标", "为全市义务教育学校提供课后服务"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位", "1—7月执行情况",
         "全年预计完成情况", "偏差原因", "", "", "", "", "完成目标可能性", "偏差原因分析", "纠偏措施", "备注"],
        ["", "", "", "", "", "", "", "", "", *CAUSES, "", "", "", ""],
        ["", "产出指标", "数量指标", "覆盖学校数", "≥", 120, "所", 80, 110, "√", "", "", "", "", "有可能",
         "部分学校师资不足", "统筹区域师资"],
        ["", "产出指标", "质量指标", "学生参与率", "≥", 90, "%", 92, 95, "", "", "", "", "", "确定能", "", ""],
        ["", "效益指标", "社会效益指标", "家长满意度", "≥", 85, "%", "", 70, "", "", "√", "", "√", "完全不可能",
         "调查未开展", "九月开展调查"],
        ["纠偏措施", "加快资金支付进度，九月底前完成拨付"],
        ["填报人：张三", "", "", "联系电话：12345678"],
    ]  # fmt: skip
    return save(rows, path, merges=("B3:S3", "B4:I4", "J4:K4", "L4:S4", "A5:A10", "B11:S11", "J12:N12",
                                    "B17:S17"))  # fmt: skip


def test_the_national_form_reads_its_funds_block_by_source(tmp_path) -> None:
    out = imported(national(tmp_path / "national.xlsx"))
    assert "运行监控：1 个项目（截至 7 月）" in out
    data = monitor(NATIONAL_CODE)
    assert (data["month"], data["time_progress"], data["light"]) == (7, "58.33", "red")
    # §8's worked example: 1,000 and 300 by July: 30.00% of the budget at 58.33% of the year, 51.43: red
    assert data["budget"] == {"annual": "1000.00", "executed": "300.00", "progress": "30.00", "value": "51.43",
                              "light": "red"}  # fmt: skip
    rows = {i["level3"]: i for i in data["indicators"]}
    assert {name: r["light"] for name, r in rows.items()} == {"覆盖学校数": "yellow", "学生参与率": "green",
                                                               "家长满意度": "red"}  # fmt: skip
    assert (rows["覆盖学校数"]["reason_category"], rows["家长满意度"]["reason_category"]) == (
        "经费保障", "人员保障、其他")  # fmt: skip
    assert data["warnings"] == []  # the red project carries its 纠偏措施 (the foot row)
    project = Project.objects.get(code=NATIONAL_CODE)
    assert {f.source: f.annual for f in project.funds.all()} == {FundSource.FISCAL: D(800), FundSource.OTHER: D(200)}
    report = MonitoringReport.objects.get(project=project)
    assert {f.source: f.executed for f in report.funds.all()} == {FundSource.FISCAL: D(250), FundSource.OTHER: D(50)}
    assert report.measures == "加快资金支付进度，九月底前完成拨付"


def test_the_department_and_its_code_are_stored_with_the_unit(tmp_path) -> None:
    imported(national(tmp_path / "national.xlsx"))
    unit = Project.objects.select_related("unit__department").get(code=NATIONAL_CODE).unit
    assert (unit.code, unit.name) == ("140101", "市第一中学")
    assert (unit.department.code, unit.department.name) == ("101", "市教育局")
    assert Department.objects.count() == 1


def test_a_stored_department_without_a_code_takes_the_forms(tmp_path) -> None:
    Department.objects.create(name="市教育局")
    imported(national(tmp_path / "national.xlsx"))
    assert list(Department.objects.values_list("code", "name")) == [("101", "市教育局")]


# --- a city's half-year form (黄石市项目支出绩效监控表, 2019) ----------------------------------------

CITY_CODE = "42020019T000000000008"


def city(path: Path) -> Path:
    """No 全年预算数: 年初预算数 stands in; the month is the funds block's 1-6月执行数; no tick columns."""
    rows = [
        ["黄石市项目支出绩效监控表"],
        ["（2025年度）"],
        ["项目单位（盖章）：", "", "", "", "", "单位：万元"],
        ["项目名称", f"{CITY_CODE}-申遗经费"],
        ["主管部门", "黄石市文化和旅游局", "", "项目执行单位", "黄石市文物局"],
        ["项目属性", "1、持续性项目 □ 2、新增性项目 □"],
        ["项目资金（万元）", "年初预算数", "1-6月执行数", "全年预计执行数"],
        ["年度资金总额：", 220, 87.57, 220],
        ["其中：当年一般公共预算拨款", 220, 87.57, 220],
        ["一级指标", "二级指标", "三级指标", "指标值", "半年度指标执行情况", "全年预计完成情况", "完成目标可能性",
         "备注"],
        ["产出指标", "数量指标", "举办学术交流活动", "≥5场", "3场", "5场", "确定能", ""],
        ["产出指标", "成本指标", "年度预算", "≤220万元", "87.57万元", "220万元", "确定能", ""],
        ["效益指标", "社会效益指标", "申遗宣传覆盖人次", "≥10000人次", "4000人次", "7000人次", "有可能", ""],
        ["偏差或不能完成目标原因分析", "宣传场地受限"],
        ["相关建议或举措", "下半年增加线上宣传"],
        ["注：1.完成目标可能性分确定能、有可能、不可能三级。"],
    ]  # fmt: skip
    return save(rows, path, merges=("B4:H4", "E5:H5", "B14:H14", "B15:H15", "A16:H16"))


def test_a_city_form_without_annual_budget_takes_the_month_from_its_funds_block(tmp_path) -> None:
    out = imported(city(tmp_path / "city.xlsx"))
    assert "运行监控：1 个项目（截至 6 月）" in out
    data = monitor(CITY_CODE)
    # 87.57 of 220 (年初预算数 standing in for 全年预算数) at half the year: 39.80 / 50.00 = 79.61, yellow
    assert (data["month"], data["time_progress"]) == (6, "50.00")
    assert data["budget"] == {"annual": "220.00", "executed": "87.57", "progress": "39.80", "value": "79.61",
                              "light": "yellow"}  # fmt: skip
    rows = {i["level3"]: i for i in data["indicators"]}
    assert {name: r["light"] for name, r in rows.items()} == {"举办学术交流活动": "green", "年度预算": "green",
                                                               "申遗宣传覆盖人次": "red"}  # fmt: skip
    assert (rows["举办学术交流活动"]["to_date"], rows["举办学术交流活动"]["forecast"]) == ("3", "5")
    project = Project.objects.select_related("unit__department").get(code=CITY_CODE)
    assert {f.source: f.annual for f in project.funds.all()} == {FundSource.FISCAL: D(220)}
    report = MonitoringReport.objects.get(project=project)
    assert {f.source: f.executed for f in report.funds.all()} == {FundSource.FISCAL: D("87.57")}
    assert report.measures == "下半年增加线上宣传"
    assert (project.unit.name, project.unit.department.name) == ("黄石市文物局", "黄石市文化和旅游局")


# --- a county's form: full-width headers, one cause column, 截至M月 ----------------------------------

COUNTY_CODE = "51132225T000000000042"


def county(path: Path) -> Path:
    """One fund row (the total), `截至７月执行数` in full-width digits, the project's 纠偏措施 above the
    indicator block; 500 万元, 250 by July: 85.71, green; a blue forecast (130% of a 正向 target)."""
    rows = [
        ["项目绩效运行监控表"],
        ["项目名称", f"{COUNTY_CODE}-农村道路养护"],
        ["主管部门及编码", "市交通运输局（205）", "实施单位", "513222-县公路养护中心"],
        ["资金情况", "年初预算数（万元）", "全年预算数（万元）", "截至７月执行数（万元）", "执行率"],
        ["年度资金总额", 500, 500, 250, "50%"],
        ["项目纠偏措施", "按月调度养护进度"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "１－７月执行情况",
         "全年预计完成值", "完成目标可能性", "偏差原因类别", "偏差原因分析", "纠偏措施"],
        ["产出指标", "数量指标", "养护里程", "≥", 100, "公里", 40, 70, 130, "确定能", "", "", ""],
        ["产出指标", "时效指标", "完成时间", "≤", 12, "月", 30, 7, 12, "确定能", "", "", ""],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", 90, "%", 30, "", 85, "有可能", "其他",
         "调查样本不足", "扩大调查范围"],
    ]  # fmt: skip
    return save(rows, path, merges=("B2:M2", "B6:M6"))


def test_a_county_form_with_full_width_headers_and_a_cause_column(tmp_path) -> None:
    out = imported(county(tmp_path / "county.xlsx"))
    assert "运行监控：1 个项目（截至 7 月）" in out
    data = monitor(COUNTY_CODE)
    assert data["budget"] == {"annual": "500.00", "executed": "250.00", "progress": "50.00", "value": "85.71",
                              "light": "green"}  # fmt: skip
    rows = {i["level3"]: i for i in data["indicators"]}
    assert {name: r["light"] for name, r in rows.items()} == {"养护里程": "blue", "完成时间": "green",
                                                               "群众满意度": "yellow"}  # fmt: skip
    assert data["light"] == "yellow"  # blue counts as green; the worst is the yellow row
    assert (rows["群众满意度"]["reason_category"], rows["群众满意度"]["reason"]) == ("其他", "调查样本不足")
    project = Project.objects.select_related("unit__department").get(code=COUNTY_CODE)
    report = MonitoringReport.objects.get(project=project)
    assert {f.source: f.executed for f in report.funds.all()} == {FundSource.UNSPLIT: D(250)}
    assert report.measures == "按月调度养护进度"
    assert (project.unit.department.code, project.unit.department.name) == ("205", "市交通运输局")


@pytest.mark.parametrize(
    "header",
    ["1-7月执行数", "1—7月执行数", "截至7月执行数", "1至7月执行数", "１－７月执行数", "１—７月执行数（万元）",
     "截至2025年7月底执行数", "1-7月预算执行数", "1~7月累计执行数"],
)  # fmt: skip
def test_a_funds_block_reads_any_month_to_date_header(header) -> None:
    assert _fund_column(header_key(header)) == "executed_to_date"


@pytest.mark.parametrize("header", ["1-7月执行率", "全年预计执行数", "1-7月执行情况", "执行进度/时间进度"])
def test_a_funds_block_leaves_other_month_headers(header) -> None:
    assert _fund_column(header_key(header)) is None


# --- scale: the monitoring step writes every project at once ----------------------------------------


def flat(path: Path, projects: int) -> Path:
    header = ["项目名称", "单位名称", "全年预算数", "1-7月执行数", "一级指标", "二级指标", "三级指标", "指标性质",
              "指标值", "度量单位", "权重", "1-7月执行情况", "全年预计完成值", "完成目标可能性", "偏差原因类别",
              "偏差原因分析", "纠偏措施"]  # fmt: skip
    rows = [header]
    for n in range(projects):
        rows += [
            [f"Q{n:05d}-规模项目{n}", f"{300000 + n % 3}-规模单位{n % 3}", 1000, 300 + n, "产出指标", "数量指标",
             "培训人次", "≥", 500, "人次", 50, 200, 450, "有可能", "经费保障", "资金拨付滞后", "加快拨付"],
            ["", "", "", "", "满意度指标", "服务对象满意度指标", "满意度", "≥", 90, "%", 50, "", 80, "完全不可能",
             "其他", "调查推迟", "补做调查"],
        ]  # fmt: skip
    return save(rows, path)


def test_the_monitoring_step_queries_do_not_grow_with_projects(tmp_path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(projects: int, year: int) -> int:
        path = flat(tmp_path / f"flat{projects}.xlsx", projects)
        with CaptureQueriesContext(connection) as ctx:
            call_command("import_workbook", str(path), "--year", str(year), stdout=StringIO())
        return len(ctx)

    count(3, 2020)  # the units, year plans and caches of a first import
    small, large = count(4, 2021), count(16, 2022)
    assert small == large
    assert MonitoringReport.objects.filter(year=2022).count() == 16
    assert monitor("Q00015", 2022)["budget"]["executed"] == "315.00"
