"""What blocks submission, as far as the scores tell (scoring.readiness), and the rules behind it:
不适用 scores 0 with its reason, and `missing_reason` follows the computed score, not an evaluator's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.readiness import NO_ACTUAL, NO_NA_REASON, NO_REASON, evaluation_gaps, indicator_gaps
from scoring.rules import NOT_APPLICABLE, evaluate, score_indicator
from scoring.schemes import NATIONAL
from scoring.types import QUALITATIVE, BudgetInput, EvaluationInput, IndicatorInput

D = Decimal


def quantity(actual: str | None = "10", *, weight: str = "10", reason: str = "", **extra) -> IndicatorInput:
    value = None if actual is None else D(actual)
    return IndicatorInput("产出指标", "数量指标", "培训人次", "≥", D(weight), target=D(10), actual=value,
                          reason=reason, **extra)  # fmt: skip


def quality(label: str = "达成", *, adjusted: str | None = None, reason: str = "") -> IndicatorInput:
    return IndicatorInput("效益指标", "社会效益指标", "品牌影响力", QUALITATIVE, D(10), target_text="提升",
                          actual_label=label, actual_text=label, reason=reason,
                          adjusted=None if adjusted is None else D(adjusted))  # fmt: skip


def codes(*indicators: IndicatorInput) -> list[str]:
    return [w.code for w in evaluate(EvaluationInput(NATIONAL, indicators)).warnings]


@pytest.mark.parametrize(
    ("row", "gaps"),
    [
        (quantity("10"), ()),  # met: nothing to explain
        (quantity(None), (NO_ACTUAL,)),
        (quantity("5"), (NO_REASON,)),
        (quantity("5", reason="受天气影响"), ()),
        (quantity(None, not_applicable=True), (NO_NA_REASON,)),
        (quantity(None, not_applicable=True, reason="政策调整，本年度未实施"), ()),
        (quality("达成"), ()),
        (quality(""), (NO_ACTUAL,)),
        (quality("部分达成"), (NO_REASON,)),
        # an evaluator's lowering is not the officer's duty: the computed score is full
        (quality("达成", adjusted="8"), ()),
    ],
)
def test_indicator_gaps(row: IndicatorInput, gaps: tuple[str, ...]) -> None:
    assert indicator_gaps(score_indicator(row, NATIONAL)) == gaps


def test_not_applicable_scores_zero_and_says_why() -> None:
    s = score_indicator(quantity(None, not_applicable=True, reason="本年度未实施"), NATIONAL)
    assert (s.computed, s.score, s.explanation) == (D("0.00"), D("0.00"), NOT_APPLICABLE)


def test_not_applicable_needs_its_reason_as_missing_reason() -> None:
    assert "missing_reason" in codes(quantity(None, not_applicable=True))
    assert "missing_reason" not in codes(quantity(None, not_applicable=True, reason="本年度未实施"))


def test_an_unentered_row_is_not_missing_a_reason() -> None:
    assert "missing_reason" not in codes(quantity(None))


def test_missing_reason_follows_the_computed_score_not_the_adjusted_one() -> None:
    """An evaluator lowers a met 定性 indicator: no duty for the officer (issue 9)."""
    assert "missing_reason" not in codes(quality("达成", adjusted="8"))
    # and an evaluator raising a short score does not lift the officer's duty either
    assert "missing_reason" in codes(quality("部分达成", adjusted="7.9"))


def test_low_execution_needs_its_reason() -> None:
    ev = evaluate(EvaluationInput(NATIONAL, (quantity("10", weight="90"),), BudgetInput(D(100), D(50))))
    assert evaluation_gaps(ev, low_execution_reason="") == [
        ("low_execution", "预算执行率 50.00% 偏低，须填写执行率偏低原因")
    ]
    assert evaluation_gaps(ev, low_execution_reason="采购延期") == []


def test_weights_sum_blocks() -> None:
    ev = evaluate(EvaluationInput(NATIONAL, (quantity("10", weight="80"),), BudgetInput(D(100), D(100))))
    assert [code for code, _ in evaluation_gaps(ev, low_execution_reason="")] == ["weights_sum"]


def test_a_scheme_with_a_budget_row_needs_funds_to_submit() -> None:
    from scoring.readiness import NO_BUDGET, evaluation_gaps
    from scoring.rules import evaluate
    from scoring.schemes import DEPARTMENT, NATIONAL
    from scoring.types import EvaluationInput, IndicatorInput

    leaf = IndicatorInput("产出指标", "数量指标", "户数", "≥", Decimal(90), target=Decimal(1), actual=Decimal(1))
    assert evaluation_gaps(evaluate(EvaluationInput(NATIONAL, (leaf,))), low_execution_reason="") == [
        ("no_budget", NO_BUDGET)
    ]
    assert NO_BUDGET == "未填写项目资金（全年预算数、全年执行数），预算执行无法评分"
    dept_leaf = IndicatorInput("产出", "产出数量", "户数", "≥", Decimal(100), target=Decimal(1), actual=Decimal(1))
    assert ("no_budget", NO_BUDGET) not in evaluation_gaps(
        evaluate(EvaluationInput(DEPARTMENT, (dept_leaf,))), low_execution_reason=""
    )


@pytest.mark.parametrize(("explained", "said"), [(False, "须说明原因"), (True, "已说明原因")])
def test_the_low_execution_warning_says_whether_the_reason_is_written(explained, said) -> None:
    from scoring.rules import evaluate
    from scoring.schemes import NATIONAL
    from scoring.types import BudgetInput, EvaluationInput, IndicatorInput

    leaf = IndicatorInput("产出指标", "数量指标", "户数", "≥", Decimal(90), target=Decimal(1), actual=Decimal(1))
    data = EvaluationInput(NATIONAL, (leaf,), BudgetInput(Decimal(100), Decimal(80)), low_execution_explained=explained)
    found = [w.message for w in evaluate(data).warnings if w.code == "low_execution"]
    assert found == [f"预算执行率 80.00% 低于 90%，{said}"]
