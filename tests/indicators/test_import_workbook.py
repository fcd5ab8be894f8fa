"""`import_workbook` end to end on workbooks laid out like published tables (contract.md)."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from indicators.models import Indicator
from projects.models import Fund, FundSource, Project, Unit
from tests.workbooks import SEED000_CODE, SEED000_HEADER, SEED000_ROWS, seed000_workbook, seed001_workbook

pytestmark = pytest.mark.django_db


def run(*args: object) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fail(*args: object) -> str:
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command(*[str(a) for a in args], stdout=StringIO(), stderr=err)
    return err.getvalue() + str(info.value)


def score(code: str, year: int = 2022) -> dict:
    out, _ = run("score", code, "--year", year, "--json")
    return json.loads(out)


def write(path: Path, rows: list[list[object]], *, title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def snapshot() -> tuple:
    return (
        list(Unit.objects.order_by("pk").values_list()),
        list(Project.objects.order_by("pk").values_list("pk", "code", "name", "annual_goal", "name_variants")),
        list(Fund.objects.order_by("pk").values_list()),
        list(Indicator.objects.order_by("pk").values_list()),
    )


# --- seed 001: multi-page table, merged cells, repeated headers, two sheets ---------------


def test_seed001_pages_import_into_the_right_projects(tmp_path: Path) -> None:
    out, _ = run("import_workbook", seed001_workbook(tmp_path / "s1.xlsx"), "--year", 2021)
    assert "项目 新建 2 个" in out
    assert "指标 新建 13 条" in out
    training = Project.objects.get(code="15000021T000000007457", year=2021)
    action = Project.objects.get(code="15000021T000000007928", year=2021)
    assert training.unit.code == "140002" and training.unit.name == "内蒙古妇女干部学校"
    assert action.unit.code == "140001"
    assert training.indicators.count() == 2
    assert action.indicators.count() == 11
    assert sum(i.weight for i in action.indicators.all()) == Decimal(90)
    assert action.funds.get().annual == Decimal("933.00")


def test_seed001_keeps_first_name_and_warns_name_variant(tmp_path: Path) -> None:
    out, _ = run("import_workbook", seed001_workbook(tmp_path / "s1.xlsx"), "--year", 2021)
    action = Project.objects.get(code="15000021T000000007928")
    assert action.name == "“布丝瑰”专项行动"
    assert "[name_variant]" in out and "“布丝魂”专项行动" in out
    assert "name_variant" in {w["code"] for w in score(action.code, 2021)["warnings"]}


def test_seed001_reads_signs_units_and_directions(tmp_path: Path) -> None:
    run("import_workbook", seed001_workbook(tmp_path / "s1.xlsx"), "--year", 2021)
    cost = Indicator.objects.get(level3="布丝魂行动计划总成本")
    assert (cost.comparator, cost.target, cost.unit, cost.direction) == ("≤", Decimal(933), "万元", "反向")
    assert (cost.level1, cost.level2) == ("产出指标", "成本指标")
    share = Indicator.objects.get(level3="促进手工艺制作订单比率")
    assert (share.comparator, share.target, share.unit, share.weight) == ("≥", Decimal(90), "%", Decimal(15))


def test_seed001_fractional_weights_warn(tmp_path: Path) -> None:
    out, _ = run("import_workbook", seed001_workbook(tmp_path / "s1.xlsx"), "--year", 2021)
    assert "[weights_sum] 15000021T000000007457-妇女工作培训经费" in out


def test_reimport_updates_in_place(tmp_path: Path) -> None:
    path = seed001_workbook(tmp_path / "s1.xlsx")
    run("import_workbook", path, "--year", 2021)
    before = snapshot()
    out, _ = run("import_workbook", path, "--year", 2021)
    assert "项目 新建 0 个、更新 0 个、未变 2 个" in out and "指标 新建 0 条、更新 0 条、未变 13 条" in out
    after = snapshot()
    assert [len(x) for x in after] == [len(x) for x in before]
    assert after[3] == before[3]


# --- seed 000: the national 自评表 numbers -------------------------------------------------


def test_seed000_scores_93_62_and_excellent(tmp_path: Path) -> None:
    run("import_workbook", seed000_workbook(tmp_path / "s0.xlsx"), "--year", 2022)
    data = score(SEED000_CODE)
    assert data["budget"] == {"annual": "900.00", "executed": "804.73", "rate": "89.41", "weight": "10.00",
                              "score": "8.94", "explanation": data["budget"]["explanation"]}  # fmt: skip
    assert data["total"] == "93.62" and data["grade"] == "优"
    assert data["subtotals"] == {"产出指标": "44.68", "效益指标": "30.00", "满意度指标": "10.00"}
    by_name = {row["level3"]: row for row in data["indicators"]}
    assert by_name["基础手工技能培训完成周期"]["score"] == "3.50"
    assert by_name["基础手工技能培训成本"]["score"] == "1.18"
    assert by_name["研发新产品"] | {"explanation": ""} == {
        "level1": "产出指标", "level2": "数量指标", "level3": "研发新产品", "comparator": "≥", "target": "70",
        "unit": "款", "actual": "98", "weight": "8.00", "computed": "8.00", "score": "8.00", "adjusted": False,
        "explanation": "",
    }  # fmt: skip
    assert by_name["区域公用品牌宣传"]["actual"] == "明显"
    codes = {w["code"] for w in data["warnings"]}
    assert {"low_execution", "over_completion", "qualitative_assumed"} <= codes
    assert "missing_reason" not in codes


def test_score_json_numbers_are_two_decimal_strings(tmp_path: Path) -> None:
    run("import_workbook", seed000_workbook(tmp_path / "s0.xlsx"), "--year", 2022)
    data = score(SEED000_CODE)
    numbers = [
        data["total"],
        *data["subtotals"].values(),
        *(v for k, v in data["budget"].items() if k != "explanation"),
    ]
    numbers += [row[k] for row in data["indicators"] for k in ("weight", "computed", "score")]
    assert all(isinstance(n, str) and n.count(".") == 1 and len(n.split(".")[1]) == 2 for n in numbers)


def test_score_unknown_project_fails_in_chinese() -> None:
    message = fail("score", "NOPE", "--year", 2022, "--json")
    assert "未找到 2022 年度的项目“NOPE”" in message


# --- failures: every bad row named, nothing written ---------------------------------------


def test_bad_rows_fail_atomically_and_are_all_named(tmp_path: Path) -> None:
    run("import_workbook", seed001_workbook(tmp_path / "s1.xlsx"), "--year", 2021)
    before = snapshot()
    rows = [list(r) for r in SEED000_ROWS]
    rows[1][3] = "≥五十款"  # 指标值 not a number
    rows[4][4] = "无上访"  # actual not a number
    rows[6][5] = "十"  # weight not a number
    rows[8][0] = "投入指标"  # not a 一级 of the national scheme
    rows[10][2] = ""  # no 三级
    path = seed000_workbook(tmp_path / "bad.xlsx", rows=rows)
    message = fail("import_workbook", path, "--year", 2021)
    sheet = "项目支出绩效自评表"
    assert f"{sheet}!第5行 年度指标值：“≥五十款”不是数字" in message
    assert f"{sheet}!第8行 实际完成值：“无上访”不是数字" in message and "填 0" in message
    assert f"{sheet}!第10行 分值：" in message
    assert f"{sheet}!第12行 一级指标：“投入指标”不是本方案的一级指标" in message
    assert f"{sheet}!第14行 三级指标：为空" in message
    assert "导入失败：共 5 处错误，未写入任何数据" in message
    assert snapshot() == before


def test_dry_run_reports_like_a_real_import_and_writes_nothing(tmp_path: Path) -> None:
    path = seed001_workbook(tmp_path / "s1.xlsx")
    dry, _ = run("import_workbook", path, "--year", 2021, "--dry-run")
    assert Project.objects.count() == 0 and Indicator.objects.count() == 0 and Unit.objects.count() == 0
    real, _ = run("import_workbook", path, "--year", 2021)
    assert dry.replace("试运行（未写入任何数据）", "导入完成") == real


def test_dry_run_with_errors_fails_the_same_way(tmp_path: Path) -> None:
    rows = [list(r) for r in SEED000_ROWS]
    rows[0][5] = ""
    message = fail("import_workbook", seed000_workbook(tmp_path / "bad.xlsx", rows=rows), "--year", 2022, "--dry-run")
    assert "第4行 分值：为空" in message


def test_unknown_scheme_is_refused(tmp_path: Path) -> None:
    message = fail("import_workbook", seed000_workbook(tmp_path / "s0.xlsx"), "--year", 2022, "--scheme", "mars")
    assert "未知的评分方案“mars”" in message


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    assert "无法读取工作簿" in fail("import_workbook", path, "--year", 2022)


# --- other layouts and spellings ----------------------------------------------------------

SYNONYM_HEADER = ["序号", "项目编码", "项目名称", "单位编码", "单位名称", "全年预算数", "全年执行数", "一级指标",
                  "二级指标", "三级指标", "计算符号", "年度指标值(A)", "计量单位", "分值", "完成值", "得分",
                  "偏差原因"]  # fmt: skip


def test_synonyms_fullwidth_signs_and_separate_code_columns(tmp_path: Path) -> None:
    project = ["P-2022-001", "乡村道路养护", "310001", "某县交通运输局", "1,200.00", "１，１４０"]
    rows = [
        [1, *project, "产出指标（50分）", "数量", "养护里程", "＞＝", "１２０", "公里", "30", "１２０公里", "", ""],
        [2, "", "", "", "", "", "", "", "时效指标", "完工时间", "", "2022年12月31日前", "", "20", "2022年11月30日", "",
         ""],
        [3, "", "", "", "", "", "", "效益指标", "社会效益", "通行条件", "定性", "明显改善", "", "20", "部分达成", "",
         "个别路段雨季积水"],
        [4, "", "", "", "", "", "", "效益指标", "可持续影响指标", "道路完好率", "", "≧95%", "", "10", "96%", "", ""],
        [5, "", "", "", "", "", "", "满意度指标等", "服务对象满意度", "群众满意度", "", "90", "%", "10", "92", "", ""],
    ]  # fmt: skip
    path = write(tmp_path / "syn.xlsx", [["绩效自评表"], SYNONYM_HEADER, *rows], title="自评表")
    run("import_workbook", path, "--year", 2022)
    p = Project.objects.get(code="P-2022-001")
    assert p.name == "乡村道路养护" and p.unit.code == "310001"
    assert (p.funds.get().annual, p.funds.get().executed) == (Decimal("1200.00"), Decimal("1140.00"))
    data = score("P-2022-001")
    rows_by = {r["level3"]: r for r in data["indicators"]}
    assert rows_by["养护里程"]["score"] == "30.00" and rows_by["养护里程"]["comparator"] == "≥"
    assert rows_by["完工时间"]["score"] == "20.00"
    assert rows_by["通行条件"]["score"] == "12.00"  # 部分达成: bottom of [60%, 80%)
    assert rows_by["道路完好率"]["comparator"] == "≥" and rows_by["道路完好率"]["unit"] == "%"
    assert rows_by["群众满意度"]["level1"] == "满意度指标" and rows_by["群众满意度"]["level2"] == "服务对象满意度指标"
    assert data["total"] == "91.50"  # 30 + 20 + 12 + 10 + 10 + 9.50 budget
    assert data["budget"]["rate"] == "95.00"


def test_missing_sign_is_assumed_with_a_warning(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "权重"]
    rows = [
        ["无编码项目", "某单位", "产出指标", "成本指标", "单位成本", "30", "万元", "45"],
        ["", "", "产出指标", "时效指标", "完成时限", "6", "个月", "45"],
    ]
    run("import_workbook", write(tmp_path / "x.xlsx", [header, *rows]), "--year", 2022)
    cost = Indicator.objects.get(level3="单位成本")
    time = Indicator.objects.get(level3="完成时限")
    assert (cost.comparator, cost.sign_assumed, time.comparator) == ("≤", True, "≤")
    data = score("无编码项目")  # no code: the name stands for it
    assert [w["code"] for w in data["warnings"]].count("sign_assumed") == 2


def test_direction_column_gives_the_sign(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "权重", "指标方向性"]
    rows = [["项目甲", "某单位", "产出指标", "数量指标", "投诉件数", "5", "件", "90", "反向指标"]]
    run("import_workbook", write(tmp_path / "x.xlsx", [header, *rows]), "--year", 2022)
    row = Indicator.objects.get(level3="投诉件数")
    assert (row.comparator, row.direction, row.sign_assumed) == ("≤", "反向", False)


def test_uncoded_projects_with_same_name_in_two_units_are_distinct(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "权重"]
    rows = [
        ["办公经费", "单位甲", "产出指标", "数量指标", "保障人数", "≥10人", "", "90"],
        ["办公经费", "单位乙", "产出指标", "数量指标", "保障人数", "≥20人", "", "90"],
    ]
    run("import_workbook", write(tmp_path / "x.xlsx", [header, *rows]), "--year", 2022)
    assert Project.objects.filter(name="办公经费").count() == 2
    assert "多个名为“办公经费”的项目" in fail("score", "办公经费", "--year", 2022)


def test_same_code_in_two_units_is_an_error(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "权重"]
    rows = [
        ["P0001-项目", "100001-单位甲", "产出指标", "数量指标", "甲", "≥10人", "", "45"],
        ["P0001-项目", "100002-单位乙", "产出指标", "数量指标", "乙", "≥10人", "", "45"],
    ]
    message = fail("import_workbook", write(tmp_path / "x.xlsx", [header, *rows]), "--year", 2022)
    assert "Sheet1!第3行 单位名称：项目“P0001-项目”在第2行属于单位“100001-单位甲”" in message


def test_duplicate_indicator_is_an_error(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "权重"]
    row = ["P0001-项目", "100001-单位甲", "产出指标", "数量指标", "甲", "≥10人", "", "45"]
    message = fail("import_workbook", write(tmp_path / "x.xlsx", [header, row, row]), "--year", 2022)
    assert "Sheet1!第3行 三级指标：“甲”与第2行的指标重复" in message


NATIONAL_FORM = [
    ["项目支出绩效自评表"],
    ["（2022年度）"],
    ["项目名称", "县域妇女技能培训", "", "", "", "", ""],
    ["主管部门", "某县妇联", "", "实施单位", "430001-某县妇女联合会", "", ""],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["", "年度资金总额", 100, 120, 114, 10, "95%", 9.5],
    ["", "其中：当年财政拨款", 100, 100, 96, "—", "", ""],
    ["", "上年结转资金", 0, 20, 18, "—", "", ""],
    ["", "其他资金", 0, 0, 0, "—", "", ""],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", 50, 50, ""],
    ["效益指标", "社会效益指标", "就业率", "≥60%", "66%", 30, 30, ""],
    ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "95%", 10, 10, ""],
    ["总分", "", "", "", "", 100, 99.5, ""],
]


def national_form(path: Path) -> Path:
    """The national 自评表 form: label block, funds by source, indicator block."""
    return write(path, NATIONAL_FORM, title="自评表")


def test_national_form_layout_with_funds_by_source(tmp_path: Path) -> None:
    run("import_workbook", national_form(tmp_path / "form.xlsx"), "--year", 2022)
    p = Project.objects.get(name="县域妇女技能培训")
    assert p.unit.code == "430001" and p.unit.department.name == "某县妇联"
    funds = {f.source: (f.initial, f.annual, f.executed) for f in p.funds.all()}
    assert funds == {
        FundSource.FISCAL: (Decimal(100), Decimal(100), Decimal(96)),
        FundSource.CARRYOVER: (Decimal(0), Decimal(20), Decimal(18)),
        FundSource.OTHER: (Decimal(0), Decimal(0), Decimal(0)),
    }
    data = score("县域妇女技能培训")
    assert data["budget"]["rate"] == "95.00" and data["budget"]["score"] == "9.50"
    assert data["total"] == "99.50"


def test_reimport_without_actual_column_keeps_actuals(tmp_path: Path) -> None:
    run("import_workbook", seed000_workbook(tmp_path / "s0.xlsx"), "--year", 2022)
    header = [h for h in SEED000_HEADER if h not in ("实际完成值", "偏差原因分析及改进措施", "全年执行数")]
    project = [f"{SEED000_CODE}-x", "140001-内蒙古自治区妇女联合会", 900, 900]
    rows = [
        (project if i == 0 else ["", "", "", ""]) + [r[0], r[1], r[2], r[3], r[5]] for i, r in enumerate(SEED000_ROWS)
    ]
    run("import_workbook", write(tmp_path / "targets.xlsx", [header, *rows]), "--year", 2022)
    assert score(SEED000_CODE)["total"] == "93.62"


# --- bulk: query count does not grow with rows --------------------------------------------


def _many(path: Path, projects: int) -> Path:
    header = ["项目名称", "单位名称", "预算数", "全年执行数", "一级指标", "二级指标", "三级指标", "指标值",
              "度量单位", "权重", "实际完成值"]  # fmt: skip
    rows = [header]
    for p in range(projects):
        for i in range(9):
            first = i == 0
            rows.append([f"Q{p:05d}-项目{p}" if first else "", f"{100 + p % 3:06d}-单位{p % 3}" if first else "",
                         100 if first else "", 95 if first else "", "产出指标", "数量指标", f"指标{i}", f"≥{i + 1}",
                         "个", 10, i + 1])  # fmt: skip
    return write(path, rows)


def test_import_query_count_does_not_grow_with_rows(tmp_path: Path) -> None:
    small, large = _many(tmp_path / "s.xlsx", 3), _many(tmp_path / "l.xlsx", 60)
    run("import_workbook", small, "--year", 2021)  # the units exist from here on

    def count(path: Path, year: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            run("import_workbook", path, "--year", year)
        return len(ctx)

    created = count(small, 2022), count(large, 2023)
    updated = count(small, 2022), count(large, 2023)
    # history rows and stored totals are written in bulk too (SQLite: one query per table for its keys)
    assert created[0] == created[1] <= 21
    assert updated[0] == updated[1] <= 20
    assert Indicator.objects.filter(project__year=2023).count() == 60 * 9


def test_sichuan_style_funds_sum_per_source_and_fall_back_to_the_total(tmp_path: Path) -> None:
    rows = [
        ["项目名称", "县级财政专户项目", "", "", ""],
        ["实施单位", "510001-某县财政局", "", "", ""],
        ["资金来源", "年初预算", "调整后预算数", "预算执行数", "预算执行率"],
        ["合计", 60, 60, 57, "95%"],
        ["财政资金", 40, 40, 38, ""],
        ["财政专户管理资金", 10, 10, 10, ""],
        ["单位资金", 10, 10, 9, ""],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "完成值", "未完成原因分析"],
        ["产出指标", "数量指标", "项目个数", "≥", "3", "个", 90, "3", ""],
    ]
    run("import_workbook", write(tmp_path / "sc.xlsx", rows), "--year", 2023)
    funds = {f.source: (f.annual, f.executed) for f in Project.objects.get().funds.all()}
    assert funds == {FundSource.FISCAL: (Decimal(40), Decimal(38)), FundSource.OTHER: (Decimal(20), Decimal(19))}
    rows[5][2] = 15  # the sources no longer add up to 合计: the total is kept, unsplit
    run("import_workbook", write(tmp_path / "sc2.xlsx", rows), "--year", 2024)
    fund = Project.objects.get(year=2024).funds.get()
    assert (fund.source, fund.annual, fund.executed) == (FundSource.UNSPLIT, Decimal(60), Decimal(57))


def test_bad_fund_cell_names_its_row(tmp_path: Path) -> None:
    rows = [
        ["项目名称", "项目甲", "", ""],
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数"],
        ["年度资金总额", 10, "十", 9],
        ["一级指标", "二级指标", "三级指标", "指标值", "度量单位", "权重"],
        ["产出指标", "数量指标", "个数", "≥3", "个", 90],
    ]
    message = fail("import_workbook", write(tmp_path / "bad.xlsx", rows), "--year", 2023)
    assert "Sheet1!第3行 全年预算数：“十”不是数字" in message


def test_cells_formatted_as_percentages_read_as_shown(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "权重", "实际完成值"]
    path = write(
        tmp_path / "pct.xlsx", [header, ["项目丙", "某单位", "产出指标", "质量指标", "合格率", "≥", "", 90, ""]]
    )
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    ws["F2"], ws["I2"] = 0.95, 0.9
    ws["F2"].number_format = ws["I2"].number_format = "0%"
    wb.save(path)
    run("import_workbook", path, "--year", 2022)
    row = Indicator.objects.get(level3="合格率")
    assert (row.target, row.unit, row.actual) == (Decimal(95), "%", Decimal(90))


def test_bare_numbers_without_a_unit_import_and_score(tmp_path: Path) -> None:
    """Published tables often print targets and actuals as bare numbers, with no 度量单位 column."""
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "实际完成值", "分值"]
    rows = [header,
            ["P0100-补贴发放", "100001-单位甲", "产出指标", "数量指标", "补贴人数", "≥", 1200, 1185, 50],
            ["", "", "产出指标", "成本指标", "人均补贴", "≤", "300元/人*月", "290元/人·月", 40]]  # fmt: skip
    run("import_workbook", write(tmp_path / "bare.xlsx", rows), "--year", 2022)
    rows_by_name = {i.level3: i for i in Indicator.objects.all()}
    assert (rows_by_name["补贴人数"].unit, rows_by_name["补贴人数"].actual) == ("", Decimal(1185))
    assert rows_by_name["人均补贴"].unit == "元/人*月"
    data = score("P0100")
    assert [i["score"] for i in data["indicators"]] == ["49.38", "40.00"]


# --- budget gaps, unit and year warnings (domain.md §1, §3) ------------------------------------


def _form_with_funds(*funds: list[object], code: str = "15000025T000000000001") -> list[list[object]]:
    return [
        ["项目名称", f"{code}-村级道路养护", "", "", ""],
        ["实施单位", "150001-某旗交通运输局", "", "", ""],
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "得分"],
        *funds,
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"],
        ["产出指标", "数量指标", "养护里程", "≥120公里", "120公里", 90],
    ]


def _warnings(code: str, year: int) -> list[str]:
    return [w["code"] for w in score(code, year)["warnings"]]


def test_blank_annual_budget_uses_the_initial_one_with_a_warning(tmp_path: Path) -> None:
    rows = _form_with_funds(["年度资金总额", 80, "", 76, ""], ["其中：当年财政拨款", 80, None, 76, ""])
    run("import_workbook", write(tmp_path / "gap.xlsx", rows), "--year", 2025)
    fund = Project.objects.get().funds.get()
    assert (fund.source, fund.initial, fund.annual, fund.executed, fund.annual_assumed) == (
        FundSource.FISCAL, Decimal(80), Decimal(80), Decimal(76), True,
    )  # fmt: skip
    data = score("15000025T000000000001", 2025)
    assert data["budget"]["rate"] == "95.00" and data["budget"]["score"] == "9.50"
    assert _warnings("15000025T000000000001", 2025) == ["budget_assumed"]


def test_no_budget_with_an_execution_scores_zero_with_a_warning(tmp_path: Path) -> None:
    rows = _form_with_funds(["年度资金总额", "", "", 76, ""])
    run("import_workbook", write(tmp_path / "none.xlsx", rows), "--year", 2025)
    fund = Project.objects.get().funds.get()
    assert (fund.source, fund.annual, fund.executed, fund.annual_assumed) == (
        FundSource.UNSPLIT, Decimal(0), Decimal(76), False,
    )  # fmt: skip
    data = score("15000025T000000000001", 2025)
    assert data["budget"]["score"] == "0.00" and data["total"] == "90.00"
    assert _warnings("15000025T000000000001", 2025) == ["budget_missing"]


def test_flat_layout_budget_gaps(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "年初预算数", "全年预算数", "全年执行数",
              "一级指标", "二级指标", "三级指标", "指标值", "权重", "实际完成值"]  # fmt: skip
    rows = [header,
            ["XM01-甲", "单位甲", 50, "", 50, "产出指标", "数量指标", "户数", "≥10户", 90, "10户"],
            ["XM02-乙", "单位甲", "", "", 45, "产出指标", "数量指标", "户数", "≥10户", 90, "10户"],
            ["XM03-丙", "单位甲", 0, 0, 45, "产出指标", "数量指标", "户数", "≥10户", 90, "10户"]]  # fmt: skip
    run("import_workbook", write(tmp_path / "flat.xlsx", rows), "--year", 2025)
    assert score("XM01", 2025)["budget"]["score"] == "10.00" and _warnings("XM01", 2025) == ["budget_assumed"]
    assert score("XM02", 2025)["budget"]["score"] == "0.00" and _warnings("XM02", 2025) == ["budget_missing"]
    assert score("XM03", 2025)["budget"]["score"] == "0.00" and _warnings("XM03", 2025) == ["budget_missing"]
    # imported again unchanged: nothing is rewritten, the flag stays
    out, _ = run("import_workbook", write(tmp_path / "flat.xlsx", rows), "--year", 2025)
    assert "更新 0 个" in out and Fund.objects.get(project__code="XM01").annual_assumed


def test_an_annual_budget_entered_later_clears_the_assumption(tmp_path: Path) -> None:
    rows = _form_with_funds(["年度资金总额", 80, "", 76, ""])
    run("import_workbook", write(tmp_path / "gap.xlsx", rows), "--year", 2025)
    rows = _form_with_funds(["年度资金总额", 80, 90, 76, ""])
    run("import_workbook", write(tmp_path / "full.xlsx", rows), "--year", 2025)
    fund = Project.objects.get().funds.get()
    assert (fund.annual, fund.annual_assumed) == (Decimal(90), False)
    assert "budget_assumed" not in _warnings("15000025T000000000001", 2025)


def test_an_actual_in_another_unit_imports_with_unit_mismatch(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "权重", "实际完成值"]
    rows = [header,
            ["XM09-丁", "单位甲", "产出指标", "数量指标", "培训人数", "≥500人", 45, "480人次"],
            ["", "", "产出指标", "成本指标", "人均补助", "≤300元/人*月", 45, "290元/人·月"]]  # fmt: skip
    run("import_workbook", write(tmp_path / "units.xlsx", rows), "--year", 2025)
    rows_by_name = {i.level3: i for i in Indicator.objects.all()}
    assert (rows_by_name["培训人数"].actual, rows_by_name["培训人数"].actual_unit) == (Decimal(480), "人次")
    assert rows_by_name["人均补助"].actual_unit == ""  # 元/人*月 = 元/人·月
    data = score("XM09", 2025)
    assert [i["score"] for i in data["indicators"]] == ["43.20", "45.00"]
    found = [(w["code"], w["indicator"]) for w in data["warnings"] if w["code"] == "unit_mismatch"]
    assert found == [("unit_mismatch", "培训人数")]


def test_a_code_of_another_year_imports_with_year_mismatch(tmp_path: Path) -> None:
    rows = _form_with_funds(["年度资金总额", 80, 80, 80, ""], code="15000021T000000007928")
    out, _ = run("import_workbook", write(tmp_path / "year.xlsx", rows), "--year", 2025)
    assert "警告 1 条" in out and "15000021T000000007928" in out
    assert _warnings("15000021T000000007928", 2025) == ["year_mismatch"]
    run("import_workbook", write(tmp_path / "year.xlsx", rows), "--year", 2021)
    assert _warnings("15000021T000000007928", 2021) == []


def test_decorated_level3_names_are_kept_and_matched_as_written(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "权重", "实际完成值"]
    names = ["指标1:培训人数", "★★★群众满意度", "新增就业(≥**人)"]
    rows = [header,
            ["XM07-戊", "单位甲", "项目产出", "数量指标（10分）", names[0], ">=500人", 40, "500人"],
            ["", "", "满意度指标等", "服务对象满意度", names[1], "＞＝90%", 20, "95%"],
            ["", "", "效益指标(30分)", "社会效益", names[2], "不少于12 人", 30, "12人"]]  # fmt: skip
    run("import_workbook", write(tmp_path / "deco.xlsx", rows), "--year", 2025)
    stored = list(Indicator.objects.order_by("position").values_list("level1", "level2", "level3", "comparator"))
    assert stored == [("产出指标", "数量指标", names[0], "≥"), ("满意度指标", "服务对象满意度指标", names[1], "≥"),
                      ("效益指标", "社会效益指标", names[2], "≥")]  # fmt: skip
    rows[1][-1] = "450人"
    out, _ = run("import_workbook", write(tmp_path / "deco.xlsx", rows), "--year", 2025)
    assert "指标 新建 0 条、更新 1 条、未变 2 条" in out


def test_level_names_with_or_without_zhibiao_under_a_scheme_without_it(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "权重", "实际完成值"]
    rows = [header,
            ["XM08-己", "单位甲", "投入指标", "项目立项", "立项依据充分性", "充分", 20, "达成"],
            ["", "", "项目过程", "业务管理指标", "制度执行有效性", "有效", 20, "达成"],
            ["", "", "产出(30分)", "实际完成率", "完成率", "≥100%", 30, "100%"],
            ["", "", "效果", "服务对象满意度指标", "满意度", "≥90%", 30, "95%"]]  # fmt: skip
    run("import_workbook", write(tmp_path / "f13.xlsx", rows), "--year", 2025, "--scheme", "framework2013")
    stored = list(Indicator.objects.order_by("position").values_list("level1", "level2"))
    assert stored == [("投入", "项目立项"), ("过程", "业务管理"), ("产出", "实际完成率"), ("效果", "服务对象满意度")]


def _stored() -> list[tuple]:
    return list(Project.objects.order_by("pk").values_list("pk", "score_total", "score_grade", "execution_rate",
                                                            "warning_count", "scored"))  # fmt: skip


def test_stored_totals_from_the_rows_in_memory_equal_a_rescore(tmp_path: Path) -> None:
    """The import scores the rows it has just written instead of reading them back: the same as rescore."""
    from projects.scores import projects_rescore

    run("import_workbook", seed000_workbook(tmp_path / "s0.xlsx"), "--year", 2022)
    run("import_workbook", national_form(tmp_path / "form.xlsx"), "--year", 2022)
    header = ["项目名称", "单位名称", "预算数", "全年执行数", "一级指标", "二级指标", "三级指标", "指标值", "权重",
              "实际完成值"]  # fmt: skip
    rows = [
        header,
        [
            f"{SEED000_CODE}-x",
            "140001-内蒙古自治区妇女联合会",
            900,
            700,
            "产出指标",
            "数量指标",
            "开展手工艺技能培训",
            "≥9期",
            7,
            "5期",
        ],
    ]  # fmt: skip  (one row changed, the others kept)
    run("import_workbook", write(tmp_path / "partial.xlsx", rows), "--year", 2022)
    imported = _stored()
    assert imported[0][1] is not None and any(r[4] for r in imported)
    projects_rescore(project_ids=[r[0] for r in imported])
    assert _stored() == imported


def test_every_created_row_has_its_history_row_with_who_when_and_why(tmp_path: Path, admin_user) -> None:
    """On PostgreSQL the rows and their history go through COPY (evalsys/lib/bulk.py): same content."""
    from indicators.services import workbook_import

    workbook_import(path=national_form(tmp_path / "form.xlsx"), year=2022, user=admin_user)
    for model in (Project, Fund, Indicator):
        live = {o.pk: o for o in model.objects.all()}
        history = list(model.history.all())
        assert sorted(h.id for h in history) == sorted(live) and live
        tracked = {f.attname for f in model.history.model._meta.concrete_fields}
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in tracked]
        for h in history:
            assert (h.history_type, h.history_change_reason, h.history_user_id) == ("+", "导入工作簿", admin_user.pk)
            assert [getattr(h, name) for name in fields] == [getattr(live[h.id], name) for name in fields]
    assert Indicator.objects.get(level3="培训人次").target == Decimal(500)


def test_an_actual_cell_saying_not_applicable_marks_the_indicator(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "权重", "实际完成值",
              "偏差原因分析及改进措施"]  # fmt: skip
    rows = [header,
            ["XM06-庚", "单位甲", "产出指标", "数量指标", "培训人数", "≥500人", 45, "不适用", "本年度未安排培训"],
            ["", "", "产出指标", "质量指标", "合格率", "≥90%", 45, "95%", ""]]  # fmt: skip
    run("import_workbook", write(tmp_path / "na.xlsx", rows), "--year", 2025)
    row = Indicator.objects.get(level3="培训人数")
    assert (row.not_applicable, row.actual, row.actual_text, row.reason) == (True, None, "", "本年度未安排培训")
    data = score("XM06", 2025)
    assert [i["score"] for i in data["indicators"]] == ["0.00", "45.00"]
    assert "missing_reason" not in [w["code"] for w in data["warnings"]]
    rows[1][7] = "480人"  # answered after all
    run("import_workbook", write(tmp_path / "na.xlsx", rows), "--year", 2025)
    row.refresh_from_db()
    assert (row.not_applicable, row.actual) == (False, Decimal(480))


def test_a_number_against_a_target_in_words_is_reported_at_the_target(tmp_path: Path) -> None:
    header = ["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "权重", "实际完成值"]
    rows = [header, ["XM05-辛", "单位甲", "产出指标", "数量指标", "宣讲场次", "五十场", 90, "48场"]]
    message = fail("import_workbook", write(tmp_path / "words.xlsx", rows), "--year", 2025)
    assert "Sheet1!第2行 指标值：“五十场”不是数字，被当作定性目标，而实际完成值“48场”是数值" in message
    assert "实际完成值：" not in message
