"""Numbers, dates, targets and actuals as Chinese readers expect them on pages and in reports.

Pure functions, no Django: amounts `1,230.50`, quantities without trailing zeros (`≤1230.5万元`),
dates `2025年12月20日`, a deadline target `2022年12月31日前` (never a bare `≤`).
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from scoring.rules import fmt
from scoring.types import CENT, QUALITATIVE, Evaluation, IndicatorInput

CJK = re.compile(r"[\u3400-\u9fff]")
UNSCORED = "未评分"


def amount(value: Decimal | None, *, blank: str = "") -> str:
    """An amount in 万元 with two decimals and thousands separators: 1,230.50."""
    if value is None:
        return blank
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def quantity(value: Decimal | None) -> str:
    """A target or actual as people write it: 1230.5, 9, 0.25 (no trailing zeros, no exponent)."""
    return fmt(value)


def chinese_date(day: datetime.date | None) -> str:
    """2025年12月20日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def target_text(ind: IndicatorInput) -> str:
    """年度指标值 as printed: `≥9期`, `≤1230.5万元`, the 定性 text, or a deadline `2022年12月31日前`."""
    if ind.comparator == QUALITATIVE:
        return ind.target_text
    if ind.deadline is not None:
        written = ind.target_text
        return written if written and CJK.search(written) else f"{chinese_date(ind.deadline)}前"
    if ind.target is None:
        return f"{ind.comparator}{ind.target_text}"
    return f"{ind.comparator}{quantity(ind.target)}{ind.unit}"


def actual_text(ind: IndicatorInput) -> str:
    """实际完成值 as printed: `98款`, the 定性 band, a completion date `2022年12月20日`; "" if none."""
    if ind.comparator == QUALITATIVE:
        return ind.actual_text or ind.actual_label
    if ind.deadline is not None:
        if ind.actual_date is not None and not (ind.actual_text and CJK.search(ind.actual_text)):
            return chinese_date(ind.actual_date)
        return ind.actual_text
    if ind.actual is None:
        return ind.actual_text
    return f"{quantity(ind.actual)}{ind.actual_unit or ind.unit}"


def has_actuals(ev: Evaluation) -> bool:
    """Whether anything has been achieved to score: an indicator's actual or an executed amount,
    once there are indicators. Until then a total of 0 is not a grade of 差 but no evaluation at all
    (未评分); nor is a new project's budget execution alone (8.33 分 · 差 before any indicator)."""
    if not ev.indicators:
        return False
    if any(s.indicator.entered for s in ev.indicators):
        return True
    return ev.budget is not None and ev.budget.executed > 0
