"""A sample report with the seed 000 numbers, built without the database.

Used to validate and preview an uploaded template before any project exists.
"""

from __future__ import annotations

import io
from decimal import Decimal

from projects.demo import SEED000, Row
from reports.data import Narrative, ProjectInfo, ReportData, assemble, fund_lines
from scoring.rules import evaluate
from scoring.schemes import DEPARTMENT, FRAMEWORK2013, NATIONAL
from scoring.types import QUALITATIVE, BudgetInput, EvaluationInput, IndicatorInput

D = Decimal
DEPARTMENT_ROWS = (
    Row("决策", "项目立项", "立项依据充分性", "定性", "依据充分", "", 20, "达成"),
    Row("过程", "资金管理", "预算执行率", "≥", "100", "%", 20, "95.58", "部分人员年中离职。"),
    Row("产出", "产出数量", "缴费人数", "≥", "24", "人", 40, "24"),
    Row("效益", "项目效益", "服务群众满意度", "≥", "95", "%", 20, "95"),
)

# Seed 004 (武昌区工商联 2018 服务企业商会经费, 48 万元 budget, 44.9 used) under `framework2013`.
# The report prints no weights and no scores: the weights are ours (each 一级's points split evenly
# between its 二级, then as evenly as whole points allow). The actuals are the report's own findings:
# 48/48 到位 (100%), 节余 3.1 of 48 (成本节约率 6.46%), every quantity met, 满意度 95% of 95%;
# three criteria the author wrote as not met (“未将…细化分解”, “无本单位的资金管理办法”,
# “未严格按照制度执行，执行不到位”) are 未达成.
SEED004 = (
    Row("投入", "项目立项", "项目立项规范性", "定性", "按规定程序申请设立", "", 4, "达成"),
    Row("投入", "项目立项", "绩效目标合理性", "定性", "目标合理，与单位职责密切相关", "", 3, "达成"),
    Row("投入", "项目立项", "绩效指标明确性", "定性", "目标细化为清晰、可衡量的指标", "", 3, "未达成",
        "未将项目绩效目标细化分解为具体的绩效指标，不能通过清晰、可衡量的指标值予以体现。"),
    Row("投入", "资金落实", "资金到位率", "≥", "100", "%", 5, "100"),
    Row("投入", "资金落实", "到位及时率", "≥", "100", "%", 5, "100"),
    Row("过程", "业务管理", "管理制度健全性", "定性", "业务管理制度健全", "", 3, "未达成",
        "无本单位的资金管理办法，业务管理不够完善。"),
    Row("过程", "业务管理", "制度执行有效性", "定性", "严格执行项目实施制度", "", 4, "未达成",
        "项目实施有专门的实施制度，但执行过程中未严格按照制度执行，执行不到位。"),
    Row("过程", "业务管理", "项目质量可控性", "定性", "有质量要求并跟踪核实", "", 3, "达成"),
    Row("过程", "财务管理", "管理制度健全性", "定性", "资金管理办法符合财务会计制度", "", 3, "达成"),
    Row("过程", "财务管理", "资金使用合规性", "定性", "符合财经法规和专项资金管理办法", "", 4, "达成"),
    Row("过程", "财务管理", "财务监控有效性", "定性", "资金使用经办公会研究同意", "", 3, "达成"),
    Row("产出", "实际完成率", "企业家及高管人员培训", "≥", "100", "人次", 3, "100"),
    Row("产出", "实际完成率", "考察调研、政企交流等主题活动", "≥", "4", "次", 3, "4"),
    Row("产出", "实际完成率", "形成调研报告", "≥", "4", "篇", 2, "4"),
    Row("产出", "实际完成率", "四好商会创建", "≥", "3", "个", 2, "3"),
    Row("产出", "完成及时率", "按时完成率", "≥", "100", "%", 7, "100"),
    Row("产出", "质量达标率", "企业驻点服务、协调解决困难和问题", "定性", "完成", "", 4, "达成"),
    Row("产出", "质量达标率", "六大服务平台建设", "定性", "完成", "", 3, "达成"),
    Row("产出", "成本节约率", "成本节约率", "≥", "0", "%", 6, "6.46"),
    Row("效果", "经济效益", "产生间接经济效益", "定性", "完成考核目标", "", 6, "达成"),
    Row("效果", "社会效益", "社会影响、正面报道", "定性", "完成", "", 8, "达成"),
    Row("效果", "可持续影响", "加强非公有制经济人士思想政治工作", "定性", "完成", "", 8, "达成"),
    Row("效果", "服务对象满意度", "使用人员满意度", "≥", "95", "%", 8, "95"),
)  # fmt: skip
SAMPLES = {"unit": (NATIONAL, SEED000), "department": (DEPARTMENT, DEPARTMENT_ROWS),
           "framework2013": (FRAMEWORK2013, SEED004)}  # fmt: skip


def _input(row: Row) -> IndicatorInput:
    qualitative = row.comparator == QUALITATIVE
    return IndicatorInput(
        level1=row.level1, level2=row.level2, level3=row.level3, comparator=row.comparator, weight=D(row.weight),
        target=None if qualitative else D(row.target), target_text=row.target if qualitative else "", unit=row.unit,
        actual=None if qualitative else D(row.actual), actual_text=row.actual,
        actual_label=row.actual if qualitative else "", reason=row.reason,
    )  # fmt: skip


def sample_report(outline: str = "unit") -> ReportData:
    """The seed 000 project (unit outline), a seed 003-like one (department) or seed 004's (framework2013)."""
    scheme, rows = SAMPLES.get(outline, SAMPLES["unit"])
    ev = evaluate(EvaluationInput(scheme, tuple(_input(r) for r in rows), BudgetInput(D(900), D("804.73"))))
    narrative = Narrative(problems="示例：存在问题。", plans="示例：后续工作计划。", measures="示例：措施及办法。")
    if scheme is FRAMEWORK2013:
        info = ProjectInfo(code="", name="2018年武昌区工商联服务企业商会经费（示例）", year=2018, unit="武昌区工商联",
                           department="武昌区工商联", annual_goal="发挥工商联联系服务企业的桥梁和纽带作用。",
                           actual_summary="数量质量指标均达标，且在时限内完成，无项目超支情况。")  # fmt: skip
        funds = fund_lines([("当年财政拨款", D(48), D(48), D("44.9"))])
        return assemble(info=info, funds=funds, ev=ev, adjust_reasons=[""] * len(rows), narrative=narrative)
    info = ProjectInfo(code="15000022T000000000900", name="北疆布丝瑰创业就业行动（示例）", year=2022,
                       unit="140001-内蒙古自治区妇女联合会", department="内蒙古自治区妇女联合会",
                       annual_goal="打造布丝瑰创业就业孵化基地，开展技能培训。",
                       actual_summary="开展手工艺技能培训9期，研发新产品98款。")  # fmt: skip
    funds = fund_lines([("当年财政拨款", D(900), D(900), D("804.73")), ("其他资金", D(0), D(0), D(0))])
    return assemble(info=info, funds=funds, ev=ev, adjust_reasons=[""] * len(rows), narrative=narrative)


# Columns of the sample template's tables: (field, heading).
SAMPLE_FUND_COLUMNS = (("label", "资金来源"), ("initial", "年初预算数（万元）"), ("annual", "全年预算数（万元）"),
                       ("executed", "全年执行数（万元）"), ("rate", "执行率"))  # fmt: skip
SAMPLE_INDICATOR_COLUMNS = (("n", "序号"), ("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"),
                            ("target", "年度指标值"), ("actual", "实际完成值"), ("weight", "分值"),
                            ("score", "得分"), ("reason", "偏差原因分析及改进措施"))  # fmt: skip
SAMPLE_LISTS = ("funds", "funds_total", "funds_sentences", "budget", "indicators", "groups", "subtotals", "narrative")


def _loop_table(document, columns: tuple[tuple[str, str], ...], loop: str, item: str) -> None:
    """A table whose middle row docxtpl repeats ({%tr for … %} … {%tr endfor %})."""
    table = document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    for cell, (field, heading) in zip(table.rows[0].cells, columns, strict=True):
        cell.text = heading
        table.rows[2].cells[columns.index((field, heading))].text = f"{{{{ {item}.{field} }}}}"
    table.rows[1].cells[0].text = f"{{%tr for {item} in {loop} %}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"


def sample_template(outline: str = "unit") -> bytes:
    """A Word template that uses every placeholder (reports.docx_template.PLACEHOLDERS), each beside
    its Chinese name, for an admin to download, restyle and upload; it renders `sample_report(outline)`."""
    from docx import Document  # python-docx loads with the first Word file, not with every process

    from reports.docx_template import NARRATIVE_FIELDS, PLACEHOLDERS  # docxtpl and jinja2 likewise

    document = Document()
    document.add_heading("{{ title }}", level=1)
    document.add_paragraph("【示例模板说明，可删除】本模板列出全部占位符，每项前为中文名称。可修改文字、字体和版式；"
                           "双大括号与“大括号加百分号”中的写法须保留，说明见后台“报告模板占位符说明”。"
                           "上传后为未启用，预览无误后在“报告模板”列表中启用。")  # fmt: skip
    document.add_heading("一、项目基本情况", level=2)
    for name, meaning in PLACEHOLDERS.items():
        if name not in SAMPLE_LISTS:
            label = meaning.split("，")[0].split("（")[0]
            document.add_paragraph(f"{label}：{{{{ {name} }}}}")
    document.add_heading("二、资金情况", level=2)
    document.add_paragraph("{% for s in funds_sentences %}{{ s }}{% endfor %}")
    _loop_table(document, SAMPLE_FUND_COLUMNS, "funds", "f")
    document.add_paragraph("合计：全年预算数 {{ funds_total.annual }} 万元，"
                           "全年执行数 {{ funds_total.executed }} 万元，执行率 {{ funds_total.rate }}。")  # fmt: skip
    document.add_paragraph("{% if budget.weight %}预算执行：分值 {{ budget.weight }}，得分 {{ budget.score }}，"
                           "执行率 {{ budget.rate }}。{% endif %}")  # fmt: skip
    document.add_heading("三、绩效指标完成情况", level=2)
    _loop_table(document, SAMPLE_INDICATOR_COLUMNS, "indicators", "i")
    document.add_paragraph("{% for i in indicators %}{{ i.sentence }}{% endfor %}")
    document.add_paragraph("分项小计：{% for s in subtotals %}{{ s.level1 }} {{ s.score }} 分；{% endfor %}")
    document.add_paragraph("{% for g in groups %}{{ g.level1 }}：小计 {{ g.subtotal }} 分"
                           "{% if g.grade %}，等级 {{ g.grade }}{% endif %}；{% endfor %}")  # fmt: skip
    document.add_heading("四、报告文字", level=2)
    for name, label in NARRATIVE_FIELDS.items():
        document.add_paragraph(f"{label}：{{{{ narrative.{name} }}}}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
