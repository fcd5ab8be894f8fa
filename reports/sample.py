"""A sample report with the seed 000 numbers, built without the database.

Used to validate and preview an uploaded template before any project exists.
"""

from __future__ import annotations

from decimal import Decimal

from projects.demo import SEED000, Row
from reports.data import Narrative, ProjectInfo, ReportData, assemble, fund_lines
from scoring.rules import evaluate
from scoring.schemes import DEPARTMENT, NATIONAL
from scoring.types import QUALITATIVE, BudgetInput, EvaluationInput, IndicatorInput

D = Decimal
DEPARTMENT_ROWS = (
    Row("决策", "项目立项", "立项依据充分性", "定性", "依据充分", "", 20, "达成"),
    Row("过程", "资金管理", "预算执行率", "≥", "100", "%", 20, "95.58", "部分人员年中离职。"),
    Row("产出", "产出数量", "缴费人数", "≥", "24", "人", 40, "24"),
    Row("效益", "项目效益", "服务群众满意度", "≥", "95", "%", 20, "95"),
)


def _input(row: Row) -> IndicatorInput:
    qualitative = row.comparator == QUALITATIVE
    return IndicatorInput(
        level1=row.level1, level2=row.level2, level3=row.level3, comparator=row.comparator, weight=D(row.weight),
        target=None if qualitative else D(row.target), target_text=row.target if qualitative else "", unit=row.unit,
        actual=None if qualitative else D(row.actual), actual_text=row.actual,
        actual_label=row.actual if qualitative else "", reason=row.reason,
    )  # fmt: skip


def sample_report(outline: str = "unit") -> ReportData:
    """The seed 000 project (unit outline) or a seed 003-like one (department outline)."""
    scheme, rows = (NATIONAL, SEED000) if outline == "unit" else (DEPARTMENT, DEPARTMENT_ROWS)
    budget = BudgetInput(D(900), D("804.73"))
    ev = evaluate(EvaluationInput(scheme, tuple(_input(r) for r in rows), budget))
    info = ProjectInfo(code="15000022T000000000900", name="北疆布丝瑰创业就业行动（示例）", year=2022,
                       unit="140001-内蒙古自治区妇女联合会", department="内蒙古自治区妇女联合会",
                       annual_goal="打造布丝瑰创业就业孵化基地，开展技能培训。",
                       actual_summary="开展手工艺技能培训9期，研发新产品98款。")  # fmt: skip
    funds = fund_lines([("当年财政拨款", D(900), D(900), D("804.73")), ("其他资金", D(0), D(0), D(0))])
    narrative = Narrative(problems="示例：存在问题。", plans="示例：后续工作计划。", measures="示例：措施及办法。")
    return assemble(info=info, funds=funds, ev=ev, adjust_reasons=[""] * len(rows), narrative=narrative)
