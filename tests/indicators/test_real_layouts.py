"""Published 自评表 (tests/real_layouts.py) through `workbook_import`, scored by hand (domain.md §2).

Every expected score below is worked out from the rules, not copied from the table: the
comment on each row gives the derivation, and where the table prints another score the
comment says so (`printed 9.00`). t = 年度指标值, a = 实际完成值, w = 分值.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators.importer import RowError
from indicators.models import Indicator
from indicators.services import ImportFailed, workbook_import
from projects.models import Fund, FundSource, Project
from projects.scores import evaluation_json, project_evaluate
from tests import real_layouts as tables

pytestmark = pytest.mark.django_db

Row = tuple[str, str, str, str, object, str, D, object]  # 一级, 二级, 三级, sign, target, unit, w, actual


def imported(builder: Callable[[Path], Path], tmp_path: Path, year: int) -> Project:
    """Import the table and return its only project."""
    workbook_import(path=builder(tmp_path / f"{builder.__name__}.xlsx"), year=year, user=None)
    assert Project.objects.count() == 1
    return Project.objects.get()


def stored(project: Project) -> list[Row]:
    """Each indicator as stored: the number (or 定性 text, or deadline) and the actual as read."""
    out = []
    for i in project.indicators.order_by("position", "pk"):
        target = i.target if i.target is not None else (i.deadline or i.target_text)
        actual = i.actual if i.actual is not None else (i.actual_date or i.actual_label or None)
        out.append((i.level1, i.level2, i.level3, i.comparator, target, i.unit, i.weight, actual))
    return out


def scores(project: Project) -> dict[str, object]:
    data = evaluation_json(project, project_evaluate(project))
    return {
        "rows": [D(r["score"]) for r in data["indicators"]],
        "budget": D(data["budget"]["score"]) if data["budget"] else None,
        "indicators": D(data["indicator_total"]),
        "total": D(data["total"]),
        "grade": data["grade"],
    }


def nothing_written() -> bool:
    return not (Project.objects.exists() or Indicator.objects.exists() or Fund.objects.exists())


# --- 濉溪县 2019 (Anhui): `>=`, ★★★, (≥**人), 元/人*月, <=…元/户 ---------------------------


def test_suixi_2019_reads_signs_stars_and_compound_units(tmp_path: Path) -> None:
    project = imported(tables.suixi_2019_temporary_relief, tmp_path, 2019)
    assert (project.name, project.code, project.unit.name) == ("临时救助", "", "未指定单位")
    out, quality, benefit = ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标")
    assert stored(project) == [
        (*out, "★★★农村低保发放人数(按月平均)(≥**人)", "≥", D(21933), "人", D(5), D(21980)),
        (*out, "★★★其中:农村低保对象中建档立卡贫困人口数量(按月平均)(≥**人)", "≥", D(9431), "人", D(5), D(9453)),
        (*out, "★★★建档立卡贫困人口中接受临时救助的人次数(≥**人次)", "≥", D(59), "人次", D(5), D(87)),
        (*out, "★★★特困人员救助供养人数(按月平均)(≥**人)", "≥", D(4754), "人", D(5), D(4604)),
        (*out, "扶贫临时救助人数(按月平均)(≥**人)", "≥", D(7), "人", D(10), D(7)),
        (*quality, "★农村低保标准(≥**元/人·月)", "≥", D(530), "元/人*月", D(5), D(583)),
        (*quality, "农村特困人员救助供养基本生活标准(≥**元/人·月)", "≥", D(570), "元/人*月", D(5), D(758)),
        (*quality, "扶贫临时救助标准(<**元/户·年)——一户年最高5300元", "≤", D(5300), "元/户", D(10), D(5830)),
        (*benefit, "★★★受益建档立卡贫困人口数≥**人", "≥", D(80), "人", D(30), D(87)),
    ]  # fmt: skip
    assert scores(project) == {
        "rows": [
            D("5.00"),  # 21980 ≥ 21933 -> w
            D("5.00"),  # 9453 ≥ 9431 -> w
            D("5.00"),  # 87 ≥ 59 -> w (over_completion: 87 ≥ 1.2 × 59)
            D("4.84"),  # 4604/4754 × 5 = 4.842 -> 4.84 (printed 5)
            D("10.00"),  # 7 ≥ 7 -> w
            D("5.00"),  # 583 ≥ 530 -> w
            D("5.00"),  # 758 ≥ 570 -> w
            D("9.09"),  # ≤: 5300/5830 × 10 = 9.0909 -> 9.09 (printed 10)
            D("30.00"),  # 87 ≥ 80 -> w
        ],
        "budget": D("10.00"),  # 30/30 = 100% -> 10 (printed 10)
        "indicators": D("78.93"),  # sum of the rounded rows; the cut-off 满意度 row is not in the subset
        "total": D("88.93"),
        "grade": "良",
    }
    assert project.funds.get().annual == D(30)  # 年度资金总额 = 其中:本年财政拨款, kept as the split row


# --- 萧县 2023 (Anhui): ★, 其中 breakdown rows, bare targets, template rows ------------------


def test_xiaoxian_2023_skips_breakdown_rows_and_assumes_signs(tmp_path: Path) -> None:
    project = imported(tables.xiaoxian_2023_special_farming, tmp_path, 2023)
    assert (project.name, project.unit.name, project.unit.department.name) == (
        "河西村特色种养补贴到户项目", "张庄寨镇人民政府", "县农业农村局",
    )  # fmt: skip
    out, quality = ("产出指标", "数量指标"), ("产出指标", "质量指标")
    assert stored(project) == [
        (*out, "★补助各类瓜果蔬菜种植面积", "≥", D("29.5"), "亩", D(20), D("29.5")),
        (*out, "★补助鱼塘面积", "≥", D(3), "亩", D(10), D(3)),
        (*out, "★补助家畜家禽养殖数量", "≥", D(192), "只", D(10), D(192)),
        (*quality, "种植作物成活率", "≥", D(95), "%", D(5), D(95)),
        (*quality, "养殖家畜家禽成活率", "≥", D(95), "%", D(5), D(100)),
        ("效益指标", "经济效益指标", "特色产业带动增加受益农户收入(总收入)", "≥", D("11.376"), "万元", D(20), D(12)),
        ("效益指标", "社会效益指标", "受益人口数量", "≥", D(90), "人", D(10), D(90)),
    ]  # fmt: skip
    assert scores(project) == {
        "rows": [
            D("20.00"),  # no sign, 数量 -> ≥ assumed; 29.5 ≥ 29.5 -> w (the 其中 rows are its breakdown)
            D("10.00"),  # 3 ≥ 3 -> w
            D("10.00"),  # 192 ≥ 192 -> w
            D("5.00"),  # 95 ≥ 95 -> w
            D("5.00"),  # 100 ≥ 95 -> w
            D("20.00"),  # 12 ≥ 11.376 -> w
            D("10.00"),  # 90 ≥ 90 -> w
        ],
        "budget": D("10.00"),  # 9.48/9.48 -> 10
        "indicators": D("80.00"),
        "total": D("90.00"),
        "grade": "优",
    }


# --- 贵池区棠溪镇 2022 (Anhui): national form, 年度资金总额 printed 0, 百分比, 定性 actuals -----


def test_guichi_2022_scores_the_printed_total_row_and_free_text_actuals(tmp_path: Path) -> None:
    project = imported(tables.guichi_2022_commissioned_work, tmp_path, 2022)
    assert (project.name, project.unit.code, project.unit.name) == (
        "委托业务项目",
        "219001",
        "池州市贵池区棠溪镇人民政府",
    )
    q = "定性"
    assert stored(project) == [
        ("产出指标", "数量指标", "基建工程委托业务项目数量", "≥", D(50), "个", D(8), D(50)),
        ("产出指标", "质量指标", "委托业务报告合格率", "≥", D(100), "百分比", D(8), D(100)),
        ("产出指标", "质量指标", "经费支出合规性", q, "严格执行相关制度规定", "", D(8), "达成"),
        ("产出指标", "时效指标", "提交报告及时性", q, "在项目计划完成时间内完成", "", D(8), "达成"),
        ("产出指标", "成本指标", "项目总成本", "≤", D(90), "万元", D(8), D(90)),
        ("产出指标", "成本指标", "单项业务成本", q, "符合相关规定", "", D(10), "达成"),
        ("效益指标", "社会效益指标", "对维护基建市场公平的影响程度", q, "效果明显", "", D(10), "达成"),
        ("效益指标", "生态效益指标", "对控制基建项目成本影响程度", q, "效果明显", "", D(10), "达成"),
        ("效益指标", "可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", q, "效果明显", "", D(10),
         "达成"),
    ]  # fmt: skip
    assert scores(project) == {
        "rows": [
            D("8.00"),  # 50 ≥ 50 -> w (printed 8)
            D("8.00"),  # ≥100百分比 (unit kept as written, compared as %); 100 -> w
            D("8.00"),  # 定性, `达成预期指标` says 达成 -> top of the band = w
            D("8.00"),  # 定性 达成 -> w
            D("8.00"),  # ≤: 90 ≤ 90 -> w
            D("10.00"),  # 定性 达成 -> w
            D("10.00"),  # 定性 达成 -> w
            D("10.00"),  # 定性 达成 -> w
            D("10.00"),  # 定性 达成 -> w (all agree with the printed scores)
        ],
        # 年度资金总额 is printed 0 / 0 / 0 (the 其中 row holds 89.974 / 89.974): the total row is what
        # is scored (domain.md §1), A = 0 -> 0 with a warning; the table prints 0 too.
        "budget": D("0.00"),
        "indicators": D("80.00"),
        "total": D("80.00"),
        "grade": "良",
    }


# --- 天长市 2022 (Anhui): 指标1:/指标2: templates, rows without a target: cannot be scored ----


def test_tianchang_2022_without_targets_fails_atomically_naming_each_cell(tmp_path: Path) -> None:
    path = tables.tianchang_2022_flood_control(tmp_path / "tianchang.xlsx")
    with pytest.raises(ImportFailed) as info:
        workbook_import(path=path, year=2022, user=None)
    assert nothing_written()
    sheet = "项目支出绩效自评表"
    # 工程质量合格, 年度资金支付完成率100%, 资金执行在预算范围内, 全市安全度汛, 保护全市人口财产不受损失,
    # 已建工程良性运行: a 分值 and a printed 得分, no 年度指标值. The `指标2:`, `……` and `指标1:/ / /`
    # template rows are not errors.
    assert info.value.errors == [
        f"{sheet}!第{row}行 年度指标值：为空，请填写指标值" for row in (16, 19, 22, 25, 28, 34)
    ]
    assert {(e.sheet, e.column) for e in info.value.errors} == {(sheet, 4)}  # column E
    assert all(isinstance(e, RowError) for e in info.value.errors)


# --- 中江县 2022 (Sichuan): signs in the actuals, 成本 without a sign, weights summing to 100 --


def test_zhongjiang_2022_reads_signed_actuals_and_scores_past_ninety(tmp_path: Path) -> None:
    project = imported(tables.zhongjiang_2022_water_gauges, tmp_path, 2022)
    assert project.name == "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装"
    assert stored(project) == [
        ("产出指标", "数量指标", "安装坡面水标尺", "≥", D(266), "米", D(10), D(266)),
        ("产出指标", "数量指标", "水标尺宽度", "≥", D(50), "厘米", D(10), D(50)),
        ("产出指标", "质量指标", "项目(工程)验收合格率", "≥", D(100), "%", D(20), D(100)),
        ("产出指标", "时效指标", "及时(按期)开工率", "≥", D(90), "%", D(10), D(90)),
        ("产出指标", "时效指标", "及时(按期)完工率", "≥", D(90), "%", D(10), D(90)),
        ("产出指标", "成本指标", "项目计划总投资", "≤", D(20), "万元", D(10), D(20)),
        ("效益指标", "社会效益指标", "受益脱贫(含监测对象)户人口数", "≥", D(1000), "人", D(10), D(1000)),
        ("效益指标", "社会效益指标", "群众生产生活条件改善状况", "定性", "显著提升", "", D(10), "达成"),
        ("满意度指标", "服务对象满意度指标", "受益脱贫(含监测对象)户满意度", "≥", D(95), "%", D(10), D(95)),
    ]  # fmt: skip
    assert scores(project) == {
        "rows": [
            D("10.00"),  # `≥266米` in both cells: 266 ≥ 266 -> w
            D("10.00"),  # 50 ≥ 50 -> w
            D("20.00"),  # no sign, 质量 -> ≥ assumed; 100 ≥ 100 -> w
            D("10.00"),  # 90 ≥ 90 -> w
            D("10.00"),  # 90 ≥ 90 -> w
            D("10.00"),  # no sign, 成本 -> ≤ assumed; 20 ≤ 20 -> w
            D("10.00"),  # 1000 ≥ 1000 -> w
            D("10.00"),  # 定性, the actual repeats the target -> 达成 -> w
            D("10.00"),  # 95 ≥ 95 -> w (all agree with the printed scores)
        ],
        "budget": D("10.00"),  # 20/20 -> 10 (printed 10)
        "indicators": D("100.00"),  # the leaf weights sum to 100, not 90 (weights_sum)
        "total": D("110.00"),  # the table prints 总分 100: its indicators alone, without the budget's 10
        "grade": "优",
    }
    assert "weights_sum" in {w["code"] for w in evaluation_json(project, project_evaluate(project))["warnings"]}


# --- 青神县 2023 (Sichuan): 总额 row, 指标性质 `=`, blank 完成值, footer rows --------------------


def test_qingshen_2023_reads_the_sichuan_form_and_its_footer(tmp_path: Path) -> None:
    project = imported(tables.qingshen_2023_wages, tmp_path, 2023)
    assert (project.code, project.name, project.unit.name, project.unit.department.name) == (
        "51000021R000000019951", "工资性支出", "青神县发展和改革局", "青神县发展和改革局本级",
    )  # fmt: skip
    assert stored(project) == [
        ("产出指标", "数量指标", "发放(缴纳)覆盖率", "=", D(100), "%", D(60), None),
        ("效益指标", "社会效益指标", "足额保障率(参保率)", "=", D(100), "%", D(30), None),
    ]
    # 总额 = 其中:财政资金 + 财政专户管理资金 (0.00) + 单位资金 (0.00): split by source
    assert {f.source: (f.initial, f.annual, f.executed) for f in project.funds.all()} == {
        FundSource.FISCAL: (D("238.93"), D("251.89"), D("251.89")),
        FundSource.OTHER: (D(0), D(0), D(0)),
    }
    assert scores(project) == {
        "rows": [D("0.00"), D("0.00")],  # 完成值 left blank on the published table: nothing to score yet
        "budget": D("10.00"),  # 251.89/251.89 = 100% -> 10 (printed 10)
        "indicators": D("0.00"),
        "total": D("10.00"),
        "grade": "差",
    }


# --- 丽江市古城区 2020 (Yunnan): two-row header, `﹦`, scores printed one point low -------------


def test_gucheng_2020_reads_the_two_row_header_and_look_alike_equals(tmp_path: Path) -> None:
    project = imported(tables.gucheng_2020_satellite_enforcement, tmp_path, 2020)
    assert (project.name, project.unit.name) == (
        "2020年省级自然资源卫片执法补助经费支出绩效自评表",
        "丽江市古城区自然资源局",
    )
    assert stored(project) == [
        ("产出指标", "数量指标", "卫片执法补助经费", "=", D(72890), "元", D(10), D(72890)),
        ("产出指标", "质量指标", "项目验收合格率", "=", D(100), "%", D(20), D(100)),
        ("产出指标", "时效指标", "项目完成及时率", "=", D(100), "%", D(20), D(100)),
        ("效益指标", "社会效益指标", "违法行为责停率", "≥", D(95), "%", D(30), D(95)),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥", D(95), "%", D(10), D(95)),
    ]  # fmt: skip
    assert scores(project) == {
        "rows": [
            D("10.00"),  # ﹦ is =; 72890 = 72890 -> w (printed 9.00)
            D("20.00"),  # 100 = 100 -> w (printed 19)
            D("20.00"),  # 100 = 100 -> w (printed 19.00)
            D("30.00"),  # 95 ≥ 95 -> w (printed 27.00)
            D("10.00"),  # 95 ≥ 95 -> w (the printed score is cut off)
        ],
        "budget": D("10.00"),  # 7.29/7.29 -> 10 (printed 10.00)
        "indicators": D("90.00"),
        "total": D("100.00"),
        "grade": "优",
    }


# --- 银川市 2021 (Ningxia): 项目产出/项目效益, 数量指标(10分), 指标2:, a month target ------------


def test_yinchuan_2021_reads_the_project_prefix_and_a_month_deadline(tmp_path: Path) -> None:
    project = imported(tables.yinchuan_2021_school_funds, tmp_path, 2021)
    assert (project.name, project.unit.name, project.unit.department.name) == (
        "初中公用经费",
        "银川市第六中学",
        "银川市教育局",
    )
    q = "定性"
    assert stored(project) == [
        ("产出指标", "数量指标", "保障人数", "≥", D(2370), "人", D(10), D(2370)),
        ("产出指标", "质量指标", "公用经费标准", q, "符合相关文件要求", "", D(5), "达成"),
        ("产出指标", "时效指标", "公用经费完成时间", "≤", datetime.date(2021, 12, 31), "", D(5),
         datetime.date(2021, 12, 31)),
        ("产出指标", "成本指标", "办公所需成本", "≤", D(15), "万元", D(4), D(15)),
        ("产出指标", "成本指标", "维修(维护)所需成本", "≤", D(35), "万元", D(3), D(35)),
        ("产出指标", "成本指标", "绿化、水电费等成本", "≤", D("14.8"), "万元", D(3), D("14.8")),
        ("效益指标", "社会效益指标", "效果显著", q, "改善学校的办学条件", "", D(15), "达成"),
        ("效益指标", "可持续影响指标", "使学生和老师有个更好的学习和工作环境,做到", q, "社会认可的办学环境.", "", D(10),
         "达成"),
    ]  # fmt: skip
    assert scores(project) == {
        "rows": [
            D("10.00"),  # no sign -> ≥ assumed; 2370 ≥ 2370 -> w
            D("5.00"),  # 定性, the actual repeats the target -> 达成 -> w
            D("5.00"),  # deadline 2021-12-31, done in 2021年12月 -> on time -> w (printed 4)
            D("4.00"),  # 成本, ≤ assumed; 15 ≤ 15 -> w
            D("3.00"),  # 35 ≤ 35 -> w
            D("3.00"),  # 14.8 ≤ 14.8 -> w
            D("15.00"),  # 定性 repeated -> 达成 -> w (printed 13)
            D("10.00"),  # 定性 repeated -> 达成 -> w (printed 8)
        ],
        "budget": D("10.00"),  # 64.8/64.8 -> 10
        "indicators": D("55.00"),  # subset: 项目决策 and 项目管理 blocks left out
        "total": D("65.00"),
        "grade": "中",
    }


# --- 衡山县 2020 (Hunan): no 分值 column at all: cannot be scored -----------------------------


def test_hengshan_2020_without_weights_fails_atomically_naming_each_row(tmp_path: Path) -> None:
    path = tables.hengshan_2020_grain_reserve(tmp_path / "hengshan.xlsx")
    with pytest.raises(ImportFailed) as info:
        workbook_import(path=path, year=2020, user=None)
    assert nothing_written()
    # 专项资金名称 names the project (no 项目名称 errors); every indicator row lacks its weight.
    assert info.value.errors == [f"自评表!第{row}行 权重：为空，请填写权重（分值）" for row in range(11, 18)]


# --- 鄂州市 2021 (Hubei): amounts written `150万`, a budget row printed 98 points -------------


def test_ezhou_2021_reads_amounts_written_with_wan(tmp_path: Path) -> None:
    project = imported(tables.ezhou_2021_citizen_centre, tmp_path, 2021)
    assert (project.name, project.unit.name) == ("市民中心运行维护费", "未指定单位")
    assert stored(project) == [
        ("产出指标", "数量指标", "预算执行率", "≥", D(100), "%", D(20), D("83.5")),
        ("产出指标", "数量指标", "预算资金拨款率", "≥", D(100), "%", D(10), D(100)),
        ("产出指标", "质量指标", "政务服务工作办结率", "≥", D(100), "%", D(10), D(100)),
        ("产出指标", "质量指标", "大厅业务日常考核结果", "≥", D(100), "%", D(10), D(100)),
        ("产出指标", "成本指标", "市民中心运行维护费", "≤", D(150), "万", D(10), D(150)),
        ("效益指标", "经济效益指标", "大厅运行正常率", "≥", D(100), "%", D(10), D(100)),
    ]  # fmt: skip
    assert scores(project) == {
        "rows": [
            D("16.70"),  # no sign -> ≥ assumed; 83.5/100 × 20 = 16.70 (printed 18)
            D("10.00"),  # 100 ≥ 100 -> w
            D("10.00"),  # 100 ≥ 100 -> w
            D("10.00"),  # 100 ≥ 100 -> w
            D("10.00"),  # 成本 -> ≤ assumed; 150 ≤ 150 -> w
            D("10.00"),  # 100 ≥ 100 -> w
        ],
        "budget": D("8.35"),  # 125.25/150 = 83.5% × 10 = 8.35 (printed 分值 100, 得分 98)
        "indicators": D("66.70"),  # subset: the 社会效益 rows are cut off on the page
        "total": D("75.05"),
        "grade": "中",
    }


# --- 金寨县 2023 (Anhui): 部门整体 table, execution over 100%, month deadlines without a year ----


def test_jinzhai_2023_reads_a_whole_budget_table_and_month_deadlines(tmp_path: Path) -> None:
    project = imported(tables.jinzhai_2023_whole_budget, tmp_path, 2023)
    assert (project.name, project.unit.name) == ("金寨县茶谷和美丽乡村建设服务中心", "未指定单位")
    out, quality = ("产出指标", "数量指标"), ("产出指标", "质量指标")
    assert stored(project)[:6] == [
        (*out, "指标1:开展精品示范村建设数量", "≤", D(4), "", D(10), D(4)),
        (*out, "指标2:建设美丽宜居自然村庄数量", "≥", D(200), "", D(10), D(202)),
        (*out, "指标3:完成农村户用卫生厕所改造数量", "≥", D(2000), "", D(10), D(3061)),
        (*out, "指标4:新建省级中心村数量", "≥", D(10), "", D(10), D(10)),
        (*quality, "指标1:美丽宜居自然村庄验收通过率", "≥", D(95), "%", D(5), D(100)),
        (*quality, "指标2:户用卫生厕所改造验收通过率", "≥", D(95), "%", D(5), D(100)),
    ]  # fmt: skip
    timely = list(project.indicators.filter(level2="时效指标").order_by("position"))
    assert [(i.level3, i.comparator, i.target_text, i.actual_text) for i in timely] == [
        ("指标1:完成美丽宜居自然村庄验收时间", "≤", "9月前", "7月"),
        ("指标2:完成户用卫生厕所改造验收时间", "≤", "11月前", "10月"),
    ]
    assert all(i.deadline.year == 2023 and i.actual_date <= i.deadline for i in timely)
    assert scores(project) == {
        "rows": [
            D("10.00"),  # ≤: 4 ≤ 4 -> w
            D("10.00"),  # 202 ≥ 200 -> w
            D("10.00"),  # 3061 ≥ 2000 -> w (over_completion)
            D("10.00"),  # 10 ≥ 10 -> w
            D("5.00"),  # 100 ≥ 95 -> w
            D("5.00"),  # 100 ≥ 95 -> w
            D("5.00"),  # deadline in 2023年9月, done in 7月 -> on time -> w
            D("5.00"),  # deadline in 2023年11月, done in 10月 -> on time -> w (all agree with the table)
        ],
        "budget": D("10.00"),  # 338.31/329.77 = 102.59%; min(w, rate × w) = 10 (得分 left blank on the page)
        "indicators": D("60.00"),  # subset: the 成本 rows and below are cut off on the page
        "total": D("70.00"),
        "grade": "中",
    }


def test_every_builder_is_tested() -> None:
    names = {b.__name__ for b in tables.BUILDERS}
    assert len(names) == 11
    source = Path(__file__).read_text(encoding="utf-8")
    assert all(f"tables.{name}" in source for name in names)


# --- the reading rules these tables needed, on an unmerged sheet ------------------------------


def test_template_rows_pass_their_names_to_the_unmerged_rows_below(tmp_path: Path) -> None:
    """A 二级 or 一级 printed on a row of its own (no merged cells) names the rows below it."""
    wb = Workbook()
    ws = wb.active
    for row in (
        ["项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"],
        ["模板项目", "产出指标", "数量指标", "培训人数", "≥10人", "10人", 50],
        [None, None, None, "指标2:"],
        [None, None, "质量指标"],
        [None, None, None, "合格率", "≥90%", "95%", 20],
        [None, "效益指标(30分)", "社会效益指标", "……", "/", "/"],
        [None, None, None, "受益人数", "≥5人", "5人", 20],
        [None, None, None, "其中女性", "≥2人", "3人"],
        ["评价结论", "达成年度目标。"],
    ):
        ws.append(row)
    path = tmp_path / "template.xlsx"
    wb.save(path)
    workbook_import(path=path, year=2022, user=None)
    project = Project.objects.get()
    assert [(level1, level2, level3) for level1, level2, level3, *_ in stored(project)] == [
        ("产出指标", "数量指标", "培训人数"),
        ("产出指标", "质量指标", "合格率"),
        ("效益指标", "社会效益指标", "受益人数"),
    ]
