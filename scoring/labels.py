"""Chinese labels of the warning codes (domain.md §3) for every page that shows a warning.

Codes stay the stable interface (score --json, the tests); people read the label.
"""

from __future__ import annotations

WARNING_LABELS: dict[str, str] = {
    "weights_sum": "权重合计不符",
    "weights_scale": "权重口径混用",
    "missing_reason": "缺少偏差原因",
    "over_completion": "超额完成较多",
    "cost_positive": "成本指标方向存疑",
    "budget_divergence": "得分率与执行率背离",
    "low_execution": "预算执行率偏低",
    "name_variant": "项目名称不一致",
    "sign_assumed": "比较符号为推定",
    "qualitative_assumed": "定性档位为推定",
    "budget_missing": "缺少预算数",
    "budget_assumed": "全年预算数按年初数",
    "unit_mismatch": "计量单位不一致",
    "year_mismatch": "编码年度不符",
}


def warning_label(code: str) -> str:
    """The Chinese label of a warning code; an unknown code is shown as it is."""
    return WARNING_LABELS.get(code, code)


# 复核 deviation causes (domain.md §7)
CAUSE_LABELS: dict[str, str] = {
    "truncated": "截断未四舍五入",
    "whole_points": "按整数计分",
    "marked_down_met": "达标仍扣分",
    "over_scored": "得分偏高",
    "other": "原因不明",
    "bad_sum": "合计不符",
    "weights_sum": "权重合计不符",
    "bad_grade": "等级不符",
}


def cause_label(code: str) -> str:
    """The Chinese label of a 复核 cause; an unknown code is shown as it is."""
    return CAUSE_LABELS.get(code, code)


def label(code: str) -> str:
    """The Chinese label of any code the engine reports: a warning's first, then a 复核 cause's."""
    return WARNING_LABELS.get(code) or CAUSE_LABELS.get(code) or code
