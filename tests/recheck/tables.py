"""Published 自评表 built for 复核 tests, in the contract's layouts, where the answer is known.

`flat_table` is the flat 项目支出绩效表 with a 得分 column (one row per indicator, the project
cells merged down); `national_form` is the national 自评表 form: 项目名称/主管部门/实施单位 cells,
the funds block whose header prints 分值 / 执行率 / 得分, the indicator block, 总分 and 等级.
Seed 000 (domain.md §5) gives the rule scores: 84.68 + 8.94 = 93.62, 优.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

CODE, NAME = "15000022T000000000900", "2022年北疆布丝瑰创业就业行动"
UNIT_A = "140001-内蒙古自治区妇女联合会"
FLAT_HEADER = ["项目名称", "单位名称", "全年预算数", "全年执行数", "一级指标", "二级指标", "三级指标", "年度指标值",
               "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]  # fmt: skip
# (一级, 二级, 三级, 指标值, 实际完成值, 分值, rule score)
SEED000 = [
    ("产出指标", "数量指标", "开展手工艺技能培训", "≥9期", "9期", 7, "7"),
    ("产出指标", "数量指标", "研发新产品", "≥70款", "98款", 8, "8"),
    ("产出指标", "质量指标", "区域公用品牌宣传", "多渠道宣传售卖", "达成", 7, "7"),
    ("产出指标", "质量指标", "创建北疆布丝瑰基地", "巩固已有基地并拓展新的基地", "达成", 8, "8"),
    ("产出指标", "时效指标", "各项工作完成周期", "≤12个月", "11个月", 5, "5"),
    ("产出指标", "时效指标", "基础手工技能培训完成周期", "≤7个月", "10个月", 5, "3.5"),
    ("产出指标", "成本指标", "基础手工技能培训成本", "≤30万元", "127.34万元", 5, "1.18"),
    ("产出指标", "成本指标", "各项活动总成本", "≤900万元", "804.73万元", 5, "5"),
    ("效益指标", "社会效益指标", "促进妇女就业增收", "≥300人", "300人", 20, "20"),
    ("效益指标", "可持续影响指标", "提高北疆布丝瑰品牌影响力", "持续提高", "达成", 10, "10"),
    ("满意度指标", "服务对象满意度指标", "参训学员满意度", "≥90%", "95%", 10, "10"),
]
RULE_SCORES = [row[-1] for row in SEED000]


def flat_table(path: Path, scores: list[object] | None = None, *, unit: str = UNIT_A, code: str = CODE,
               totals: list[list[object]] = (), rows: list[tuple] | None = None) -> Path:  # fmt: skip
    """The seed 000 project as a flat table; `scores` are the printed 得分 (the rules' by default)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效自评表"
    ws.append(["2022年度项目支出绩效自评表"])
    ws.append(FLAT_HEADER)
    rows = rows or SEED000
    scores = RULE_SCORES if scores is None else scores
    for i, (row, score) in enumerate(zip(rows, scores, strict=True)):
        project = [f"{code}-{NAME}", unit, 900, 804.73] if i == 0 else [None] * 4
        ws.append([*project, *row[:6], score, ""])
    for total in totals:
        ws.append(total)
    wb.save(path)
    return path


def national_form(path: Path, scores: list[object] | None = None, *, budget: object = 8.94, total: object = 93.62,
                  grade: str = "优", level3: dict[int, str] | None = None) -> Path:  # fmt: skip
    """The seed 000 project in the national 自评表 form, with its funds block's 得分 and the 总分 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    ws.append(["项目支出绩效自评表"])
    ws.append(["（2022年度）", None, None, None, None, None, None, "金额单位：万元"])
    ws.append(["项目名称", f"{CODE}-{NAME}"])
    ws.append(["主管部门", "内蒙古自治区妇女联合会", None, None, "实施单位", UNIT_A])
    ws.append(["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    ws.append([None, "年度资金总额", 900, 900, 804.73, 10, "89.41%", budget])
    ws.append([None, "其中：当年财政拨款", 900, 900, 804.73, "—", "89.41%", "—"])
    ws.append(["年度总体目标", "预期目标", None, None, None, "实际完成情况"])
    ws.append([None, "开展技能培训", None, None, None, "培训9期"])
    ws.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
               "偏差原因分析及改进措施"])  # fmt: skip
    scores = RULE_SCORES if scores is None else scores
    for i, (row, score) in enumerate(zip(SEED000, scores, strict=True)):
        name = (level3 or {}).get(i, row[2])
        ws.append([None, row[0], row[1], name, row[3], row[4], row[5], score, "原因"])
        _as_text(ws[ws.max_row])
    ws.append(["总分", "总分", "总分", "总分", "总分", "总分", 100, total, f"自评等级：{grade}" if grade else None])
    wb.save(path)
    return path


def _as_text(cells) -> None:
    """`=24人` is text in a published table; openpyxl would store it as a formula."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


# Seed 003 (阿克陶县总工会 2022) as its report prints it, in the 部门评价 tree (20/20/40/20):
# (一级, 二级, 三级, 指标值, 实际完成值, 分值, published 得分)
SEED003 = [
    ("决策", "项目立项", "立项依据充分性", "依据充分", "达成", 3, 3),
    ("决策", "项目立项", "立项程序规范性", "程序规范", "达成", 2, 2),
    ("决策", "绩效目标", "绩效目标合理性", "目标合理", "达成", 3, 3),
    ("决策", "绩效目标", "绩效指标明确性", "指标明确", "达成", 2, 2),
    ("决策", "资金投入", "预算编制科学性", "编制科学", "达成", 5, 5),
    ("决策", "资金投入", "资金分配合理性", "分配合理", "达成", 5, 5),
    ("过程", "资金管理", "资金到位率", "≥100%", "100%", 5, 5),
    ("过程", "资金管理", "预算执行率", "≥33.46万元", "31.98万元", 5, 4.78),
    ("过程", "资金管理", "资金使用合规性", "使用合规", "达成", 5, 5),
    ("过程", "组织实施", "管理制度健全性", "制度健全", "达成", 2, 2),
    ("过程", "组织实施", "制度执行有效性", "执行有效", "达成", 3, 3),
    ("产出", "产出数量", "社会化人员社保金缴费人数", "=24人", "24人", 4, 4),
    ("产出", "产出数量", "社保金缴费种类", "≥4种", "5种", 3, 3),
    ("产出", "产出数量", "充实基层工会组织工作人数", "=17人", "17人", 3, 3),
    ("产出", "产出质量", "基层组织建设工作人数覆盖率", "=100%", "100%", 10, 10),
    ("产出", "产出时效", "社保金缴费资金及时发放率", "=100%", "96%", 10, 9.61),
    ("产出", "产出成本", "社保金缴费", "≥33.46万元", "31.98万元", 10, 9.55),
    ("效益", "项目效益", "提升基层工会工作人员业务能力", "能力提升", "达成", 5, 5),
    ("效益", "项目效益", "基层工会办公条件可持续性", "≥2年", "2年", 5, 5),
    ("效益", "满意度", "受益群众满意度", "≥95%", "95%", 10, 10),
]
SEED003_TOTALS = [("决策", 20), ("过程", 19.78), ("产出", 39.22), ("效益", 20)]


def seed003_table(path: Path) -> Path:
    """Seed 003's table with its printed 小计 rows, 总分 99 and 优 (the report's own numbers)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效评价指标体系"
    ws.append(["项目名称", "单位名称", "一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分"])
    first = True
    for level1, subtotal in SEED003_TOTALS:
        for row in (r for r in SEED003 if r[0] == level1):
            project = ["工会社会化聘用人员社保缴费", "650001-阿克陶县总工会"] if first else [None, None]
            ws.append([*project, *row])
            _as_text(ws[ws.max_row])
            first = False
        ws.append([None, None, f"小计：{level1}", None, None, None, None, None, subtotal])
    ws.append(["总分", None, None, None, None, None, None, 100, 99, "评价等级：优"])
    wb.save(path)
    return path
