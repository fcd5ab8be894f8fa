"""What keeps an evaluation from being submitted, as far as the scores can tell. Pure: no Django.

An empty evaluation does not pass: every indicator needs an actual or an explicit 不适用 with its
reason, every score below its weight a 偏差原因分析及改进措施 (`missing_reason`), the weights must
sum to the scheme's points (`weights_sum`), and an execution rate below the scheme's threshold an
explanation (`low_execution`). projects.readiness adds what only the database knows (the report's
sections) and where each gap is fixed.
"""

from __future__ import annotations

from scoring.types import Evaluation, IndicatorScore

NO_ACTUAL = "未填写实际完成值（或勾选“不适用”并说明理由）"
NO_NA_REASON = "已标注不适用，须在“偏差原因分析及改进措施”中说明理由"
NO_REASON = "得分低于分值，须填写偏差原因分析及改进措施"
NO_LOW_EXECUTION_REASON = "预算执行率 {rate}% 偏低，须填写执行率偏低原因"
NO_BUDGET = "未填写项目资金（全年预算数、全年执行数），预算执行无法评分"
# warnings that block submission by themselves; missing_reason is told per indicator (indicator_gaps)
BLOCKING_PROJECT_WARNINGS = ("weights_sum",)


def indicator_gaps(s: IndicatorScore) -> tuple[str, ...]:
    """Why this row would block submission ("" reasons: none); the editor marks the row with them."""
    ind = s.indicator
    if not ind.answered:
        return (NO_ACTUAL,)
    if ind.reason.strip():
        return ()
    if ind.not_applicable:
        return (NO_NA_REASON,)
    return (NO_REASON,) if s.computed < ind.weight else ()


def evaluation_gaps(ev: Evaluation, *, low_execution_reason: str) -> list[tuple[str, str]]:
    """(code, message) of the project-level gaps: blocking warnings and an unexplained low execution."""
    out = [(w.code, w.message) for w in ev.warnings if w.code in BLOCKING_PROJECT_WARNINGS]
    if ev.scheme.has_budget_row and ev.budget is None:  # a scheme that scores the budget needs one
        out.append(("no_budget", NO_BUDGET))
    low = any(w.code == "low_execution" for w in ev.warnings)
    if low and ev.budget is not None and not low_execution_reason.strip():
        out.append(("low_execution", NO_LOW_EXECUTION_REASON.format(rate=ev.budget.rate)))
    return out
