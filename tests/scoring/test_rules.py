"""Tables for every rule and edge of domain.md §2–§3, against the pure engine (no database).

Every expectation is an exact Decimal with two places (or an exact string), so a wrong rule,
a wrong rounding or a wrong edge fails loudly.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from scoring.rules import adjustment_error, evaluate, expected_level1_points, score_budget, score_indicator
from scoring.schemes import DEPARTMENT, HUBEI, NATIONAL, NATIONAL_LINEAR, SCHEMES, get_scheme, with_letters
from scoring.types import BudgetInput, EvaluationInput, IndicatorInput, Rounding

D = Decimal

TRUNC2 = replace(NATIONAL, key="national_trunc2", rounding=Rounding("truncate", 2))
TRUNC1 = replace(NATIONAL, key="national_trunc1", rounding=Rounding("truncate", 1))
WHOLE = replace(NATIONAL, key="national_whole", rounding=Rounding("half_up", 0))

LEVEL2 = {"产出指标": "数量指标", "效益指标": "社会效益指标", "满意度指标": "服务对象满意度指标"}


def ind(
    comparator: str = "≥",
    target: str | None = "100",
    actual: str | None = "100",
    weight: str = "10",
    *,
    level1: str = "产出指标",
    level2: str = "",
    level3: str = "指标",
    unit: str = "",
    reason: str = "原因已说明",
    **extra,
) -> IndicatorInput:
    """A leaf indicator; numbers are given as strings so every Decimal is exact."""
    if comparator == "定性":
        extra.setdefault("target_text", "达到预期")
    return IndicatorInput(
        level1=level1,
        level2=level2 or LEVEL2.get(level1, "数量指标"),
        level3=level3,
        comparator=comparator,
        weight=D(weight),
        target=None if target is None or comparator == "定性" else D(target),
        actual=None if actual is None or comparator == "定性" else D(actual),
        unit=unit,
        reason=reason,
        **extra,
    )


def qual(label: str, weight: str = "10", **kw) -> IndicatorInput:
    return ind("定性", None, None, weight, actual_label=label, **kw)


def score_of(indicator: IndicatorInput, scheme=NATIONAL) -> Decimal:
    return score_indicator(indicator, scheme).score


def codes(ev) -> list[str]:
    return [w.code for w in ev.warnings]


def assert_cents(value: Decimal) -> None:
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2, value


# --- ≥ and > (正向) -------------------------------------------------------------------------

POSITIVE_CASES = [
    # comparator, t, a, w, expected
    pytest.param("≥", "100", "100", "10", "10.00", id="ge-met-exactly"),
    pytest.param("≥", "100", "150", "10", "10.00", id="ge-over-completion-gives-w"),
    pytest.param("≥", "100", "80", "10", "8.00", id="ge-under-a/t*w"),
    pytest.param("≥", "70", "49", "8", "5.60", id="ge-under-70-49-of-8"),
    pytest.param("≥", "9", "9", "7", "7.00", id="ge-seed-training-periods"),
    pytest.param("≥", "3", "1", "10", "3.33", id="ge-under-one-third"),
    pytest.param("≥", "3", "2", "10", "6.67", id="ge-under-two-thirds-half-up"),
    pytest.param("≥", "0", "0", "10", "10.00", id="ge-t0-a0-gives-w"),
    pytest.param("≥", "0", "5", "10", "10.00", id="ge-t0-a-positive-gives-w"),
    pytest.param("≥", "0", "-5", "10", "10.00", id="ge-t0-a-negative-gives-w"),
    pytest.param("≥", "100", "0", "10", "0.00", id="ge-a0-gives-0"),
    pytest.param("≥", "100", "-20", "10", "0.00", id="ge-a-negative-treated-as-0"),
    pytest.param("≥", "90", "95", "10", "10.00", id="ge-satisfaction-95-of-90"),
    pytest.param(">", "100", "100", "10", "10.00", id="gt-equal-counts-as-met"),
    pytest.param(">", "100", "101", "10", "10.00", id="gt-over"),
    pytest.param(">", "100", "55", "10", "5.50", id="gt-under-a/t*w"),
    pytest.param(">", "0", "0", "10", "10.00", id="gt-t0-gives-w"),
    pytest.param(">", "100", "-1", "10", "0.00", id="gt-a-negative-treated-as-0"),
    pytest.param("≥", "1000", "1", "5", "0.01", id="ge-tiny-ratio-0.005-rounds-up"),
    pytest.param("≥", "1000", "0.9", "5", "0.00", id="ge-tiny-ratio-0.0045-rounds-down"),
]


@pytest.mark.parametrize(("comparator", "t", "a", "w", "expected"), POSITIVE_CASES)
def test_positive_rule(comparator, t, a, w, expected):
    result = score_indicator(ind(comparator, t, a, w), NATIONAL)
    assert result.score == D(expected)
    assert result.computed == D(expected)
    assert str(result.score) == expected
    assert result.adjusted is False


# --- ≤ and < (反向), "ratio" rule (national) -------------------------------------------------

REVERSE_RATIO_CASES = [
    pytest.param("≤", "12", "11", "5", "5.00", id="le-under-target-gives-w"),
    pytest.param("≤", "12", "12", "5", "5.00", id="le-equal-gives-w"),
    pytest.param("≤", "7", "10", "5", "3.50", id="le-over-t/a*w-seed"),
    pytest.param("≤", "30", "127.34", "5", "1.18", id="le-over-seed-cost"),
    pytest.param("≤", "900", "804.73", "5", "5.00", id="le-seed-total-cost"),
    pytest.param("≤", "100", "200", "10", "5.00", id="le-ratio-at-2t-is-half"),
    pytest.param("≤", "100", "400", "10", "2.50", id="le-ratio-at-4t-is-quarter"),
    pytest.param("≤", "1", "1000", "10", "0.01", id="le-ratio-far-over"),
    pytest.param("≤", "0", "0", "10", "10.00", id="le-t0-a0-gives-w"),
    pytest.param("≤", "0", "-3", "10", "10.00", id="le-t0-a-negative-gives-w"),
    pytest.param("≤", "0", "0.01", "10", "0.00", id="le-t0-a-positive-gives-0"),
    pytest.param("≤", "0", "50", "10", "0.00", id="le-t0-a-large-gives-0"),
    pytest.param("≤", "5", "-1", "10", "10.00", id="le-a-negative-treated-as-0"),
    pytest.param("≤", "5", "0", "10", "10.00", id="le-a0-gives-w"),
    pytest.param("<", "7", "7", "5", "5.00", id="lt-equal-counts-as-met"),
    pytest.param("<", "7", "6", "5", "5.00", id="lt-under"),
    pytest.param("<", "7", "10", "5", "3.50", id="lt-over-t/a*w"),
    pytest.param("<", "0", "0", "5", "5.00", id="lt-t0-a0-gives-w"),
    pytest.param("<", "0", "1", "5", "0.00", id="lt-t0-a-positive-gives-0"),
]


@pytest.mark.parametrize(("comparator", "t", "a", "w", "expected"), REVERSE_RATIO_CASES)
def test_reverse_ratio_rule(comparator, t, a, w, expected):
    assert NATIONAL.reverse_rule == "ratio"
    result = score_indicator(ind(comparator, t, a, w), NATIONAL)
    assert result.score == D(expected)
    assert str(result.score) == expected


# --- ≤ and <, "linear" rule (national_linear) -----------------------------------------------

REVERSE_LINEAR_CASES = [
    pytest.param("≤", "10", "9", "8", "8.00", id="linear-under-gives-w"),
    pytest.param("≤", "10", "10", "8", "8.00", id="linear-equal-gives-w"),
    pytest.param("≤", "10", "15", "8", "4.00", id="linear-1.5t-half"),
    pytest.param("≤", "7", "10", "5", "2.86", id="linear-seed-7-10-of-5"),
    pytest.param("≤", "100", "101", "10", "9.90", id="linear-just-over"),
    pytest.param("≤", "100", "199", "10", "0.10", id="linear-just-below-2t"),
    pytest.param("≤", "100", "199.99", "10", "0.00", id="linear-0.001-rounds-to-0"),
    pytest.param("≤", "100", "200", "10", "0.00", id="linear-exactly-2t-is-0"),
    pytest.param("≤", "100", "300", "10", "0.00", id="linear-beyond-2t-is-0"),
    pytest.param("≤", "30", "127.34", "5", "0.00", id="linear-seed-cost-beyond-2t"),
    pytest.param("≤", "0", "0", "10", "10.00", id="linear-t0-a0-gives-w"),
    pytest.param("≤", "0", "1", "10", "0.00", id="linear-t0-a-positive-gives-0"),
    pytest.param("≤", "5", "-2", "10", "10.00", id="linear-a-negative-treated-as-0"),
    pytest.param("<", "10", "15", "8", "4.00", id="linear-lt-1.5t-half"),
    pytest.param("<", "10", "20", "8", "0.00", id="linear-lt-exactly-2t-is-0"),
]


@pytest.mark.parametrize(("comparator", "t", "a", "w", "expected"), REVERSE_LINEAR_CASES)
def test_reverse_linear_rule(comparator, t, a, w, expected):
    scheme = get_scheme("national_linear")
    assert scheme.reverse_rule == "linear"
    result = score_indicator(ind(comparator, t, a, w), scheme)
    assert result.score == D(expected)
    assert str(result.score) == expected


def test_linear_rule_does_not_touch_positive_indicators():
    assert score_of(ind("≥", "100", "50", "10"), NATIONAL_LINEAR) == D("5.00")


# --- = ----------------------------------------------------------------------------------

EQUAL_CASES = [
    pytest.param("10", "10", "10", "10.00", id="eq-equal-gives-w"),
    pytest.param("10", "10.00", "10", "10.00", id="eq-equal-different-exponent"),
    pytest.param("10", "8", "10", "8.00", id="eq-under-min/max"),
    pytest.param("10", "12.5", "10", "8.00", id="eq-over-min/max"),
    pytest.param("100", "150", "6", "4.00", id="eq-over-100-150-of-6"),
    pytest.param("100", "50", "6", "3.00", id="eq-under-100-50-of-6"),
    pytest.param("3", "2", "10", "6.67", id="eq-two-thirds-half-up"),
    pytest.param("0", "0", "10", "10.00", id="eq-t0-a0-gives-w"),
    pytest.param("0", "-1", "10", "10.00", id="eq-t0-a-negative-gives-w"),
    pytest.param("0", "1", "10", "0.00", id="eq-t0-a-positive-gives-0"),
    pytest.param("5", "0", "10", "0.00", id="eq-a0-gives-0"),
    pytest.param("5", "-5", "10", "0.00", id="eq-a-negative-treated-as-0"),
]


@pytest.mark.parametrize(("t", "a", "w", "expected"), EQUAL_CASES)
def test_equal_rule(t, a, w, expected):
    result = score_indicator(ind("=", t, a, w), NATIONAL)
    assert result.score == D(expected)
    assert str(result.score) == expected


# --- 定性 ------------------------------------------------------------------------------

QUALITATIVE_CASES = [
    pytest.param("national", "达成", "10", "10.00", "[8.00, 10.00]", id="national-achieved-w"),
    pytest.param("national", "部分达成", "10", "6.00", "[6.00, 8.00)", id="national-partial-0.6w"),
    pytest.param("national", "未达成", "10", "0.00", "[0.00, 6.00)", id="national-not-achieved-0"),
    pytest.param("national", "部分达成", "7", "4.20", "[4.20, 5.60)", id="national-partial-of-7"),
    pytest.param("national", "达成", "7", "7.00", "[5.60, 7.00]", id="national-achieved-of-7"),
    pytest.param("hubei", "达成", "10", "10.00", "[8.00, 10.00]", id="hubei-achieved-w"),
    pytest.param("hubei", "部分达成", "10", "5.00", "[5.00, 8.00)", id="hubei-partial-0.5w"),
    pytest.param("hubei", "部分达成", "7", "3.50", "[3.50, 5.60)", id="hubei-partial-of-7"),
    pytest.param("hubei", "未达成", "10", "0.00", "[0.00, 5.00)", id="hubei-not-achieved-0"),
    pytest.param("national_letters", "部分达成", "10", "6.00", "[6.00, 8.00)", id="letters-same-bands"),
]


@pytest.mark.parametrize(("scheme_key", "label", "w", "expected", "band"), QUALITATIVE_CASES)
def test_qualitative_rule(scheme_key, label, w, expected, band):
    result = score_indicator(qual(label, w), get_scheme(scheme_key))
    assert result.score == D(expected)
    assert str(result.score) == expected
    assert band in result.explanation
    assert label in result.explanation


def test_qualitative_assumed_reading_is_named_in_explanation():
    result = score_indicator(qual("达成", "8", actual_text="显著提升", actual_assumed=True), NATIONAL)
    assert result.score == D("8.00")
    assert "显著提升" in result.explanation


# --- deadlines ---------------------------------------------------------------------------

DEADLINE = datetime.date(2022, 12, 31)

DEADLINE_CASES = [
    pytest.param(datetime.date(2022, 12, 31), "5.00", id="on-the-deadline-gives-w"),
    pytest.param(datetime.date(2022, 6, 30), "5.00", id="before-the-deadline-gives-w"),
    pytest.param(datetime.date(2023, 1, 1), "0.00", id="one-day-late-gives-0"),
    pytest.param(datetime.date(2023, 6, 30), "0.00", id="months-late-gives-0"),
]


@pytest.mark.parametrize(("done", "expected"), DEADLINE_CASES)
def test_deadline_rule(done, expected):
    leaf = ind(
        "≤", None, None, "5", level2="时效指标", target_text="2022年12月31日前", deadline=DEADLINE, actual_date=done
    )
    assert leaf.entered is True
    result = score_indicator(leaf, NATIONAL)
    assert result.score == D(expected)
    assert str(result.score) == expected


def test_late_deadline_is_left_to_the_evaluator():
    leaf = ind("≤", None, None, "5", deadline=DEADLINE, actual_date=datetime.date(2023, 1, 15))
    late = score_indicator(leaf, NATIONAL)
    assert late.score == D("0.00")
    assert "审核人" in late.explanation
    adjusted = score_indicator(replace(leaf, adjusted=D("3.00")), NATIONAL)
    assert adjusted.score == D("3.00")
    assert adjusted.computed == D("0.00")


# --- not yet entered ----------------------------------------------------------------------

NOT_ENTERED = [
    pytest.param(ind("≥", "100", None, "10", reason=""), id="quantitative-no-actual"),
    pytest.param(ind("≤", "7", None, "5", reason=""), id="reverse-no-actual"),
    pytest.param(ind("定性", None, None, "10", reason="", actual_label=""), id="qualitative-no-label"),
    pytest.param(ind("≤", None, None, "5", reason="", deadline=DEADLINE), id="deadline-no-date"),
]


@pytest.mark.parametrize("leaf", NOT_ENTERED)
def test_not_entered_scores_zero_without_missing_reason(leaf):
    assert leaf.entered is False
    result = score_indicator(leaf, NATIONAL)
    assert result.score == D("0.00")
    assert result.computed == D("0.00")
    assert_cents(result.score)
    assert "尚未填报" in result.explanation
    others = [ind("≥", "1", "1", str(90 - leaf.weight))]
    ev = evaluate(EvaluationInput(NATIONAL, (leaf, *others), BudgetInput(D(100), D(100))))
    assert ev.indicator_total == D("90.00") - leaf.weight
    assert "missing_reason" not in codes(ev)


# --- rounding --------------------------------------------------------------------------

ROUNDING_CASES = [
    # scheme, comparator, t, a, w, expected
    pytest.param(NATIONAL, "≥", "100", "46.9", "5", "2.35", id="half-up-2.345-to-2.35-not-bankers"),
    pytest.param(NATIONAL, "≥", "100", "47.1", "5", "2.36", id="half-up-2.355-to-2.36"),
    pytest.param(NATIONAL, "≥", "8", "1", "1", "0.13", id="half-up-0.125-to-0.13"),
    pytest.param(NATIONAL, "≥", "100", "46.89", "5", "2.34", id="half-up-2.3445-to-2.34"),
    pytest.param(NATIONAL, "≤", "46.9", "100", "5", "2.35", id="half-up-reverse-2.345"),
    pytest.param(NATIONAL, "=", "100", "46.9", "5", "2.35", id="half-up-equal-2.345"),
    pytest.param(NATIONAL_LINEAR, "≤", "100", "153.1", "5", "2.35", id="half-up-linear-2.345"),
    pytest.param(TRUNC2, "≥", "100", "46.9", "5", "2.34", id="truncate2-2.345"),
    pytest.param(TRUNC2, "≥", "3", "2", "10", "6.66", id="truncate2-6.666"),
    pytest.param(TRUNC2, "≥", "100", "100", "10", "10.00", id="truncate2-full"),
    pytest.param(TRUNC1, "≥", "100", "46.9", "5", "2.30", id="truncate1-2.345"),
    pytest.param(TRUNC1, "≥", "3", "2", "10", "6.60", id="truncate1-6.666"),
    pytest.param(TRUNC1, "≤", "7", "10", "5", "3.50", id="truncate1-3.5-exact"),
    pytest.param(WHOLE, "≥", "100", "46.9", "5", "2.00", id="whole-2.345-to-2"),
    pytest.param(WHOLE, "≥", "100", "50", "5", "3.00", id="whole-2.5-half-up-to-3"),
    pytest.param(WHOLE, "≥", "100", "70", "5", "4.00", id="whole-3.5-half-up-to-4"),
    pytest.param(WHOLE, "≥", "3", "2", "10", "7.00", id="whole-6.666-to-7"),
    pytest.param(WHOLE, "≤", "30", "127.34", "5", "1.00", id="whole-seed-cost-1.18-to-1"),
]


@pytest.mark.parametrize(("scheme", "comparator", "t", "a", "w", "expected"), ROUNDING_CASES)
def test_rounding(scheme, comparator, t, a, w, expected):
    result = score_indicator(ind(comparator, t, a, w), scheme)
    assert result.score == D(expected)
    assert str(result.score) == expected
    assert_cents(result.score)


def test_rounding_apply_directly():
    assert Rounding().apply(D("2.345")) == D("2.35")
    assert str(Rounding().apply(D("2.345"))) == "2.35"
    assert str(Rounding().apply(D("2.335"))) == "2.34"
    assert str(Rounding("truncate", 2).apply(D("2.349"))) == "2.34"
    assert str(Rounding("truncate", 1).apply(D("2.399"))) == "2.30"
    assert str(Rounding("half_up", 0).apply(D("8.5"))) == "9.00"
    assert str(Rounding("half_up", 0).apply(D("8.49"))) == "8.00"


# Exact x.xx5 values behind a non-terminating quotient (5/24 × 3 = 0.625): the engine
# multiplies before it divides, so half-up and truncation see the exact value.
PRECISION_CASES = [
    pytest.param(NATIONAL, "≥", "24", "5", "3", "0.63", id="ge-5/24*3=0.625"),
    pytest.param(NATIONAL, "≥", "27", "18.75", "13.14", "9.13", id="ge-18.75/27*13.14=9.125"),
    pytest.param(NATIONAL, "≤", "5", "24", "3", "0.63", id="le-ratio-5/24*3=0.625"),
    pytest.param(NATIONAL_LINEAR, "≤", "24", "43", "3", "0.63", id="le-linear-(1-19/24)*3=0.625"),
    pytest.param(NATIONAL, "=", "24", "5", "3", "0.63", id="eq-5/24*3=0.625"),
    pytest.param(TRUNC2, "≥", "3", "1", "3", "1.00", id="truncate2-1/3*3=1"),
    pytest.param(TRUNC2, "≤", "1", "3", "3", "1.00", id="truncate2-reverse-1/3*3=1"),
]


@pytest.mark.parametrize(("scheme", "comparator", "t", "a", "w", "expected"), PRECISION_CASES)
def test_rounding_of_exact_values_behind_a_non_terminating_quotient(scheme, comparator, t, a, w, expected):
    assert score_of(ind(comparator, t, a, w), scheme) == D(expected)


@pytest.mark.parametrize(
    ("w", "a"), [pytest.param("7.5", "100", id="met-7.5"), pytest.param("0.5", "100", id="met-0.5")]
)
def test_whole_point_rounding_never_exceeds_a_fractional_weight(w, a):
    assert score_of(ind("≥", "100", a, w), WHOLE) == D(w).quantize(D("0.01"))


# --- clamping and evaluator adjustments -------------------------------------------------

ADJUSTED_CASES = [
    # adjusted, expected score
    pytest.param("6.5", "6.50", id="within-range"),
    pytest.param("8", "8.00", id="same-as-computed-still-adjusted"),
    pytest.param("0", "0.00", id="zero"),
    pytest.param("10", "10.00", id="up-to-w"),
    pytest.param("12", "10.00", id="clamped-to-w"),
    pytest.param("-1", "0.00", id="clamped-to-0"),
]


@pytest.mark.parametrize(("adjusted", "expected"), ADJUSTED_CASES)
def test_adjustment_replaces_computed(adjusted, expected):
    result = score_indicator(ind("≥", "100", "80", "10", adjusted=D(adjusted)), NATIONAL)
    assert result.computed == D("8.00")
    assert result.score == D(expected)
    assert str(result.score) == expected
    assert result.adjusted is True
    assert f"审核人调整为 {expected}" in result.explanation


def test_unadjusted_is_not_flagged_and_explanation_ends_with_score():
    result = score_indicator(ind("≤", "7", "10", "5"), NATIONAL)
    assert result.adjusted is False
    assert "审核人" not in result.explanation
    assert result.explanation.endswith("3.50")


def test_adjusted_score_counts_in_totals():
    leaves = (
        ind("≥", "100", "100", "50", level1="产出指标", adjusted=D("45.5")),
        ind("≥", "100", "100", "30", level1="效益指标"),
        ind("≥", "100", "100", "10", level1="满意度指标"),
    )
    ev = evaluate(EvaluationInput(NATIONAL, leaves, BudgetInput(D(100), D(100))))
    assert dict(ev.subtotals)["产出指标"] == D("45.50")
    assert ev.indicator_total == D("85.50")
    assert ev.total == D("95.50")
    assert ev.indicators[0].computed == D("50.00")


ADJUSTMENT_ERROR_CASES = [
    # scheme, leaf, value, expected error ("" = allowed)
    pytest.param(NATIONAL, ind("≥", "100", "80", "10"), "0", "", id="quant-0-ok"),
    pytest.param(NATIONAL, ind("≥", "100", "80", "10"), "10", "", id="quant-w-ok"),
    pytest.param(NATIONAL, ind("≥", "100", "80", "10"), "5.50", "", id="quant-two-decimals-ok"),
    pytest.param(NATIONAL, ind("≥", "100", "80", "10"), "5.500", "", id="quant-trailing-zero-ok"),
    pytest.param(NATIONAL, ind("≥", "100", "80", "10"), "-0.01", "调整后得分须在 0 至 10.00 之间", id="quant-below-0"),
    pytest.param(NATIONAL, ind("≥", "100", "80", "10"), "10.01", "调整后得分须在 0 至 10.00 之间", id="quant-above-w"),
    pytest.param(NATIONAL, ind("≥", "100", "80", "10"), "5.555", "调整后得分最多保留两位小数", id="quant-3-decimals"),
    pytest.param(NATIONAL, ind("≥", "100", "80", "10"), "5.501", "调整后得分最多保留两位小数", id="quant-3-decimals-b"),
    pytest.param(NATIONAL, qual("达成"), "10", "", id="nat-achieved-top-inclusive"),
    pytest.param(NATIONAL, qual("达成"), "8", "", id="nat-achieved-bottom-0.8w"),
    pytest.param(
        NATIONAL, qual("达成"), "7.99", "定性指标“达成”的得分须在 [8.00, 10.00] 内", id="nat-achieved-below-band"
    ),
    pytest.param(NATIONAL, qual("部分达成"), "6", "", id="nat-partial-bottom-0.6w"),
    pytest.param(NATIONAL, qual("部分达成"), "7.99", "", id="nat-partial-just-below-0.8w"),
    pytest.param(
        NATIONAL, qual("部分达成"), "8", "定性指标“部分达成”的得分须在 [6.00, 8.00) 内", id="nat-partial-0.8w-excluded"
    ),
    pytest.param(
        NATIONAL, qual("部分达成"), "5.99", "定性指标“部分达成”的得分须在 [6.00, 8.00) 内", id="nat-partial-below"
    ),
    pytest.param(NATIONAL, qual("未达成"), "0", "", id="nat-not-achieved-0"),
    pytest.param(NATIONAL, qual("未达成"), "5.99", "", id="nat-not-achieved-just-below-0.6w"),
    pytest.param(
        NATIONAL, qual("未达成"), "6", "定性指标“未达成”的得分须在 [0.00, 6.00) 内", id="nat-not-achieved-0.6w-excluded"
    ),
    pytest.param(NATIONAL, qual("达成"), "10.01", "调整后得分须在 0 至 10.00 之间", id="nat-achieved-above-w"),
    pytest.param(NATIONAL, qual("部分达成", "7"), "4.20", "", id="nat-partial-of-7-bottom"),
    pytest.param(
        NATIONAL,
        qual("部分达成", "7"),
        "5.60",
        "定性指标“部分达成”的得分须在 [4.20, 5.60) 内",
        id="nat-partial-of-7-top",
    ),
    pytest.param(HUBEI, qual("部分达成"), "5", "", id="hubei-partial-bottom-0.5w"),
    pytest.param(
        HUBEI, qual("部分达成"), "4.99", "定性指标“部分达成”的得分须在 [5.00, 8.00) 内", id="hubei-partial-below"
    ),
    pytest.param(HUBEI, qual("未达成"), "4.99", "", id="hubei-not-achieved-just-below-0.5w"),
    pytest.param(
        HUBEI, qual("未达成"), "5", "定性指标“未达成”的得分须在 [0.00, 5.00) 内", id="hubei-not-achieved-0.5w-excluded"
    ),
    pytest.param(DEPARTMENT, qual("达成"), "3", "", id="department-not-band-locked-low"),
    pytest.param(DEPARTMENT, qual("未达成"), "10", "", id="department-not-band-locked-high"),
    pytest.param(DEPARTMENT, qual("达成"), "10.01", "调整后得分须在 0 至 10.00 之间", id="department-still-0-w"),
]


@pytest.mark.parametrize(("scheme", "leaf", "value", "expected"), ADJUSTMENT_ERROR_CASES)
def test_adjustment_error(scheme, leaf, value, expected):
    assert adjustment_error(leaf, D(value), scheme) == expected


# --- budget execution --------------------------------------------------------------------

BUDGET_CASES = [
    # scheme, A, B, rate, score
    pytest.param(NATIONAL, "900", "804.73", "89.41", "8.94", id="seed-000"),
    pytest.param(NATIONAL, "100", "100", "100.00", "10.00", id="fully-executed"),
    pytest.param(NATIONAL, "100", "120", "120.00", "10.00", id="over-executed-capped-at-w"),
    pytest.param(NATIONAL, "100", "0", "0.00", "0.00", id="nothing-executed"),
    pytest.param(NATIONAL, "3", "2", "66.67", "6.67", id="two-thirds-half-up"),
    pytest.param(NATIONAL, "800", "715.56", "89.45", "8.94", id="rate-89.445-half-up"),
    pytest.param(NATIONAL, "200", "179.99", "90.00", "9.00", id="rate-89.995-rounds-to-90"),
    pytest.param(NATIONAL, "0", "0", "0.00", "0.00", id="A0-gives-0"),
    pytest.param(NATIONAL, "0", "50", "0.00", "0.00", id="A0-with-spending-gives-0"),
    pytest.param(HUBEI, "900", "804.73", "89.41", "17.88", id="hubei-weight-20"),
    pytest.param(HUBEI, "100", "150", "150.00", "20.00", id="hubei-capped-at-20"),
    pytest.param(TRUNC1, "900", "804.73", "89.41", "8.90", id="truncate1-8.90"),
    pytest.param(TRUNC2, "3", "2", "66.67", "6.66", id="truncate2-6.66"),
    pytest.param(WHOLE, "900", "804.73", "89.41", "9.00", id="whole-points-9"),
    pytest.param(WHOLE, "100", "85", "85.00", "9.00", id="whole-points-8.5-to-9"),
]


@pytest.mark.parametrize(("scheme", "annual", "executed", "rate", "score"), BUDGET_CASES)
def test_budget_execution(scheme, annual, executed, rate, score):
    b = score_budget(BudgetInput(D(annual), D(executed)), scheme)
    assert b.weight == scheme.budget_points
    assert b.rate == D(rate)
    assert str(b.rate) == rate
    assert b.score == D(score)
    assert str(b.score) == score


def test_budget_a0_warns_budget_missing():
    ev = evaluate(EvaluationInput(NATIONAL, (ind("≥", "1", "1", "90"),), BudgetInput(D(0), D("12.5"))))
    assert ev.budget is not None and ev.budget.score == D("0.00")
    assert ev.budget.explanation == "无全年预算数（或为 0），预算执行得 0"
    assert codes(ev) == ["budget_missing"]
    assert ev.warnings[0].message == (
        "没有全年预算数和年初预算数（或均为 0），全年执行数 12.50 万元无法计算执行率，预算执行得 0"
    )
    assert ev.total == D("90.00")


def test_budget_assumed_is_scored_on_the_initial_budget_and_warned():
    ev = evaluate(EvaluationInput(NATIONAL, (ind("≥", "1", "1", "90"),), BudgetInput(D("0.5"), D("0.5"), True)))
    assert ev.budget is not None and ev.budget.rate == D("100.00") and ev.budget.score == D("10.00")
    assert codes(ev) == ["budget_assumed"]
    assert ev.warnings[0].message == "全年预算数为空，已按年初预算数 0.50 万元计算执行率，请核对"


@pytest.mark.parametrize(
    ("code", "year", "message"),
    [
        (
            "15000021T000000007928",
            2025,
            "项目编码“15000021T000000007928”第 7–8 位表示 2021 年，与评价年度 2025 年",
        ),
        (
            "42000025Y000000123456",
            2024,
            "项目编码“42000025Y000000123456”第 7–8 位表示 2025 年，与评价年度 2024 年",
        ),
        ("15000021T000000007928", 2021, None),  # the same year
        ("XM-2021-001", 2025, None),  # not a 预算管理一体化 code
        ("150000", 2025, None),
        ("15000021T12", 2025, None),  # too short a serial to be one
        ("15000021T000000007928", None, None),  # no year known
    ],
)
def test_year_mismatch_reads_digits_7_and_8_of_a_unified_code(code, year, message):
    ev = evaluate(EvaluationInput(NATIONAL, (ind("≥", "1", "1", "90"),), None, (), code, year))
    found = [w.message for w in ev.warnings if w.code == "year_mismatch"]
    assert found == ([f"{message}不一致，请核对年度或编码"] if message else [])


def test_unit_mismatch_warns_and_still_compares_the_numbers():
    leaf = replace(ind("≥", "90", "95", "90", unit="%"), actual_unit="人")
    ev = evaluate(EvaluationInput(NATIONAL, (leaf,)))
    assert ev.indicators[0].score == D("90.00")
    assert [(w.code, w.message) for w in ev.warnings if w.code == "unit_mismatch"] == [
        ("unit_mismatch", "实际完成值的单位“人”与目标的单位“%”不一致，比较结果可能有误，请核对")
    ]
    bare = replace(ind("≥", "90", "95", "90", unit=""), actual_unit="人")
    assert "目标的单位“（无）”" in evaluate(EvaluationInput(NATIONAL, (bare,))).warnings[0].message


def test_hubei_budget_points_and_total():
    leaves = (
        ind("≥", "1", "1", "40"),
        ind("≥", "1", "1", "30", level1="效益指标"),
        ind("≥", "1", "1", "10", level1="满意度指标"),
    )
    ev = evaluate(EvaluationInput(HUBEI, leaves, BudgetInput(D(100), D(100))))
    assert HUBEI.budget_points == D(20)
    assert HUBEI.indicator_points == D(80)
    assert ev.budget.weight == D(20)
    assert ev.budget.score == D("20.00")
    assert ev.total == D("100.00")
    assert codes(ev) == []


def test_department_has_no_budget_row():
    leaves = (
        ind("≥", "1", "1", "20", level1="决策", level2="项目立项"),
        ind("≥", "1", "1", "20", level1="过程", level2="资金管理"),
        ind("≥", "1", "1", "40", level1="产出", level2="产出数量"),
        ind("≥", "1", "0.5", "20", level1="效益", level2="项目效益"),
    )
    ev = evaluate(EvaluationInput(DEPARTMENT, leaves, BudgetInput(D(100), D(10))))
    assert DEPARTMENT.has_budget_row is False
    assert ev.budget is None
    assert ev.subtotals == (("决策", D("20.00")), ("过程", D("20.00")), ("产出", D("40.00")), ("效益", D("10.00")))
    assert ev.indicator_total == D("90.00")
    assert ev.total == D("90.00")
    assert ev.grade == "优"
    assert "low_execution" not in codes(ev)
    assert "budget_divergence" not in codes(ev)


# --- grades ------------------------------------------------------------------------------

GRADE_CASES = [
    pytest.param("100", "优", "A", id="100"),
    pytest.param("90", "优", "A", id="90-edge"),
    pytest.param("90.00", "优", "A", id="90.00-edge"),
    pytest.param("89.99", "良", "B", id="89.99"),
    pytest.param("80", "良", "B", id="80-edge"),
    pytest.param("79.99", "中", "C", id="79.99"),
    pytest.param("60", "中", "C", id="60-edge"),
    pytest.param("59.99", "差", "D", id="59.99"),
    pytest.param("0", "差", "D", id="0"),
]


@pytest.mark.parametrize(("total", "grade", "letter"), GRADE_CASES)
def test_grade_bands(total, grade, letter):
    assert NATIONAL.grade(D(total)) == grade
    assert get_scheme("national_letters").grade(D(total)) == letter
    assert with_letters(HUBEI).grade(D(total)) == letter


def test_every_registered_scheme_has_a_letters_twin():
    for key in ("national", "national_linear", "hubei", "department"):
        assert SCHEMES[f"{key}_letters"].grade(D("92.90")) == "A"
        assert SCHEMES[key].grade(D("92.90")) == "优"


# --- subtotals are sums of rounded parts ------------------------------------------------


def test_subtotals_and_total_are_sums_of_rounded_scores():
    leaves = (
        ind("≥", "3", "1", "10", level3="甲"),  # 3.333… → 3.33
        ind("≥", "3", "1", "10", level3="乙"),
        ind("≥", "3", "1", "10", level3="丙"),
        ind("≥", "1", "1", "20", level3="丁"),
        ind("≥", "1", "1", "30", level1="效益指标"),
        ind("≥", "1", "1", "10", level1="满意度指标"),
    )
    ev = evaluate(EvaluationInput(NATIONAL, leaves, BudgetInput(D(100), D(100))))
    assert ev.subtotals == (("产出指标", D("29.99")), ("效益指标", D("30.00")), ("满意度指标", D("10.00")))
    assert str(ev.indicator_total) == "69.99"
    assert str(ev.total) == "79.99"
    assert ev.grade == "中"


# --- warnings (§3) -----------------------------------------------------------------------


def base_leaves(**changes) -> list[IndicatorInput]:
    """A clean national project: weights sum to 90, every indicator at full score."""
    leaves = [
        ind("≥", "100", "100", "30", level3="数量"),
        ind("≤", "50", "40", "20", level2="成本指标", level3="成本"),
        ind("≥", "100", "100", "30", level1="效益指标", level3="效益"),
        ind("≥", "90", "95", "10", level1="满意度指标", level3="满意度"),
    ]
    for index, leaf in changes.items():
        leaves[int(index.lstrip("i"))] = leaf
    return leaves


def run(leaves, budget=("100", "100"), scheme=NATIONAL, variants=()):
    return evaluate(EvaluationInput(scheme, tuple(leaves), BudgetInput(D(budget[0]), D(budget[1])), variants))


def test_clean_project_has_no_warnings():
    ev = run(base_leaves())
    assert ev.warnings == ()
    assert ev.total == D("100.00")
    assert ev.grade == "优"


WARNING_CASES = [
    # leaves, budget (A, B), variants, code, expected present
    pytest.param(
        base_leaves(i0=ind("≥", "100", "100", "29")), ("100", "100"), (), "weights_sum", True, id="weights-89"
    ),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "100", "31")), ("100", "100"), (), "weights_sum", True, id="weights-91"
    ),
    pytest.param(base_leaves(), ("100", "100"), (), "weights_sum", False, id="weights-90"),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "100", "0.2")),
        ("100", "100"),
        (),
        "weights_scale",
        True,
        id="mixed-0.2-and-points",
    ),
    pytest.param(base_leaves(), ("100", "100"), (), "weights_scale", False, id="points-only"),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "80", "30", reason="")),
        ("100", "100"),
        (),
        "missing_reason",
        True,
        id="below-w-no-reason",
    ),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "80", "30", reason="  \n")),
        ("100", "100"),
        (),
        "missing_reason",
        True,
        id="below-w-blank-reason",
    ),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "80", "30", reason="疫情影响")),
        ("100", "100"),
        (),
        "missing_reason",
        False,
        id="below-w-with-reason",
    ),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "100", "30", reason="")),
        ("100", "100"),
        (),
        "missing_reason",
        False,
        id="full-score-no-reason",
    ),
    pytest.param(
        # missing_reason follows the computed score: an evaluator's lowering is no duty of the officer
        base_leaves(i0=ind("≥", "100", "100", "30", reason="", adjusted=D("29"))),
        ("100", "100"),
        (),
        "missing_reason",
        False,
        id="adjusted-below-w-no-reason",
    ),
    pytest.param(
        base_leaves(i0=qual("部分达成", "30", reason="")),
        ("100", "100"),
        (),
        "missing_reason",
        True,
        id="qualitative-partial-no-reason",
    ),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "120", "30")), ("100", "100"), (), "over_completion", True, id="ge-exactly-1.2t"
    ),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "119.99", "30")),
        ("100", "100"),
        (),
        "over_completion",
        False,
        id="ge-just-below-1.2t",
    ),
    pytest.param(
        base_leaves(i0=ind(">", "100", "150", "30")), ("100", "100"), (), "over_completion", True, id="gt-1.5t"
    ),
    pytest.param(
        base_leaves(i0=ind("=", "100", "120", "30")), ("100", "100"), (), "over_completion", True, id="eq-exactly-1.2t"
    ),
    pytest.param(
        base_leaves(i0=ind("=", "100", "119.99", "30")),
        ("100", "100"),
        (),
        "over_completion",
        False,
        id="eq-below-1.2t",
    ),
    pytest.param(
        base_leaves(i1=ind("≤", "50", "100", "20", level2="成本指标", level3="成本")),
        ("100", "100"),
        (),
        "over_completion",
        False,
        id="le-never",
    ),
    pytest.param(
        base_leaves(i1=ind("≤", "50", "10", "20", level2="成本指标", level3="成本")),
        ("100", "100"),
        (),
        "over_completion",
        False,
        id="le-far-under-never",
    ),
    pytest.param(
        base_leaves(i0=ind("≥", "0", "50", "30")), ("100", "100"), (), "over_completion", False, id="ge-t0-never"
    ),
    pytest.param(
        base_leaves(i1=ind("≥", "50", "50", "20", level2="成本指标", level3="成本")),
        ("100", "100"),
        (),
        "cost_positive",
        True,
        id="cost-with-ge",
    ),
    pytest.param(
        base_leaves(i1=ind("≥", "50", "50", "20", level2="经济成本指标", level3="成本")),
        ("100", "100"),
        (),
        "cost_positive",
        True,
        id="economic-cost-with-ge",
    ),
    pytest.param(base_leaves(), ("100", "100"), (), "cost_positive", False, id="cost-with-le"),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "100", "30", level2="数量指标")),
        ("100", "100"),
        (),
        "cost_positive",
        False,
        id="quantity-with-ge",
    ),
    pytest.param(base_leaves(), ("100", "94.99"), (), "budget_divergence", True, id="divergence-5.01-points"),
    pytest.param(base_leaves(), ("100", "95"), (), "budget_divergence", False, id="divergence-exactly-5-points"),
    pytest.param(base_leaves(), ("100", "100"), (), "budget_divergence", False, id="divergence-none"),
    pytest.param(base_leaves(), ("100", "89.99"), (), "low_execution", True, id="execution-89.99"),
    pytest.param(base_leaves(), ("100", "90"), (), "low_execution", False, id="execution-exactly-90"),
    pytest.param(base_leaves(), ("100", "90.01"), (), "low_execution", False, id="execution-90.01"),
    # the exact rate is compared, not the printed 90.00
    pytest.param(base_leaves(), ("100000", "89995"), (), "low_execution", True, id="execution-89.995-prints-90"),
    pytest.param(base_leaves(), ("100000", "94995"), (), "budget_divergence", True, id="divergence-5.005-points"),
    pytest.param(
        base_leaves(), ("100", "100"), ("布丝瑰行动", "北疆布丝瑰行动"), "name_variant", True, id="name-variant"
    ),
    pytest.param(base_leaves(), ("100", "100"), (), "name_variant", False, id="no-name-variant"),
    pytest.param(
        base_leaves(i0=ind("≥", "100", "100", "30", sign_assumed=True)),
        ("100", "100"),
        (),
        "sign_assumed",
        True,
        id="sign-assumed",
    ),
    pytest.param(
        base_leaves(i0=qual("达成", "30", actual_text="显著提升", actual_assumed=True)),
        ("100", "100"),
        (),
        "qualitative_assumed",
        True,
        id="qualitative-assumed",
    ),
    pytest.param(
        base_leaves(i0=qual("达成", "30")), ("100", "100"), (), "qualitative_assumed", False, id="qualitative-plain"
    ),
]


@pytest.mark.parametrize(("leaves", "budget", "variants", "code", "present"), WARNING_CASES)
def test_warning(leaves, budget, variants, code, present):
    ev = run(leaves, budget, variants=variants)
    assert (code in codes(ev)) is present, codes(ev)
    if present:
        assert codes(ev).count(code) == 1


def test_warnings_never_change_scores():
    plain = run(base_leaves())
    warned = run(
        base_leaves(
            i0=ind("≥", "100", "130", "30", sign_assumed=True), i1=ind("≥", "40", "40", "20", level2="成本指标")
        ),
        variants=("甲", "乙"),
    )
    assert {"over_completion", "sign_assumed", "cost_positive", "name_variant"} <= set(codes(warned))
    assert [s.score for s in warned.indicators] == [s.score for s in plain.indicators]
    assert warned.total == plain.total == D("100.00")


def test_warning_details():
    ev = run(
        base_leaves(
            i0=ind("≥", "100", "120", "29", level3="研发", reason=""),
            i1=ind("≥", "50", "40", "20", level2="成本指标", level3="成本", reason=""),
        ),
        budget=("100", "80"),
        variants=("甲", "乙"),
    )
    by_code = {(w.code, w.indicator): w.message for w in ev.warnings}
    assert by_code[("weights_sum", "")] == "指标权重合计 89，应为 90"
    assert by_code[("low_execution", "")] == "预算执行率 80.00% 低于 90%，须说明原因"
    assert by_code[("budget_divergence", "")] == "指标得分率 94.44% 高于预算执行率 80.00% 超过 5 个百分点"
    assert by_code[("name_variant", "")] == "同一项目编码出现了不同名称：甲、乙"
    assert by_code[("over_completion", "研发")] == "实际完成 120% 的目标，请审核人考虑目标是否设置偏低"
    assert ("cost_positive", "成本") in by_code
    assert by_code[("missing_reason", "成本")] == "得分 16.00 低于分值 20.00，须填写偏差原因分析及改进措施"
    assert ("missing_reason", "研发") not in by_code
    assert [w.code for w in ev.warnings if w.code == "name_variant"] == ["name_variant"]


def test_budget_divergence_uses_indicator_points_of_the_scheme():
    # 76/80 = 95 % of hubei's indicator points vs 89.99 % execution: 5.01 points apart.
    leaves = (
        ind("≥", "100", "100", "40"),
        ind("≥", "100", "100", "30", level1="效益指标"),
        ind("≥", "100", "60", "10", level1="满意度指标"),
    )
    assert "budget_divergence" in codes(run(leaves, ("100", "89.99"), scheme=HUBEI))
    assert "budget_divergence" not in codes(run(leaves, ("100", "90"), scheme=HUBEI))


# --- expected 一级 points ---------------------------------------------------------------

LEVEL1_CASES = [
    pytest.param(
        NATIONAL,
        {"产出指标", "效益指标", "满意度指标"},
        {"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)},
        id="national-all-present",
    ),
    pytest.param(
        NATIONAL, {"产出指标", "效益指标"}, {"产出指标": D(50), "效益指标": D(40)}, id="national-no-satisfaction"
    ),
    pytest.param(HUBEI, {"产出指标", "效益指标"}, {"产出指标": D(40), "效益指标": D(40)}, id="hubei-no-satisfaction"),
    pytest.param(
        DEPARTMENT,
        {"决策", "过程", "产出"},
        {"决策": D(20), "过程": D(20), "产出": D(40), "效益": D(20)},
        id="department-unchanged",
    ),
]


@pytest.mark.parametrize(("scheme", "present", "expected"), LEVEL1_CASES)
def test_expected_level1_points(scheme, present, expected):
    points = expected_level1_points(scheme, present)
    assert points == expected
    assert sum(points.values()) == scheme.indicator_points


def test_expected_level1_points_does_not_mutate_the_scheme():
    expected_level1_points(NATIONAL, {"产出指标"})
    assert dict(NATIONAL.level1_points) == {"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)}


# --- §5 worked example ------------------------------------------------------------------


def seed_000(scheme_key: str = "national") -> EvaluationInput:
    p, b, s = "产出指标", "效益指标", "满意度指标"
    leaves = (
        ind("≥", "9", "9", "7", level1=p, level2="数量指标", level3="开展手工艺技能培训", unit="期"),
        ind("≥", "70", "98", "8", level1=p, level2="数量指标", level3="研发新产品", unit="款"),
        qual("达成", "7", level1=p, level2="质量指标", level3="区域公用品牌宣传"),
        qual("达成", "8", level1=p, level2="质量指标", level3="创建北疆布丝瑰基地"),
        ind("≤", "12", "11", "5", level1=p, level2="时效指标", level3="各项工作完成周期", unit="月"),
        ind(
            "≤",
            "7",
            "10",
            "5",
            level1=p,
            level2="时效指标",
            level3="基础手工技能培训完成周期",
            unit="月",
            reason="受疫情因素影响，培训完成周期延长。",
        ),
        ind(
            "≤",
            "30",
            "127.34",
            "5",
            level1=p,
            level2="成本指标",
            level3="基础手工技能培训成本",
            unit="万元",
            reason="培训人次与收益人次超预期人数。",
        ),
        ind("≤", "900", "804.73", "5", level1=p, level2="成本指标", level3="各项活动总成本", unit="万元"),
        ind("≥", "300", "300", "20", level1=b, level2="社会效益指标", level3="促进妇女就业增收", unit="人"),
        qual("达成", "10", level1=b, level2="可持续影响指标", level3="提高北疆布丝瑰品牌影响力"),
        ind("≥", "90", "95", "10", level1=s, level2="服务对象满意度指标", level3="满意度", unit="%"),
    )
    return EvaluationInput(get_scheme(scheme_key), leaves, BudgetInput(D("900.00"), D("804.73")))


def test_worked_example_seed_000_national():
    ev = evaluate(seed_000())
    assert ev.budget is not None
    assert str(ev.budget.rate) == "89.41"
    assert str(ev.budget.score) == "8.94"
    assert [str(s.score) for s in ev.indicators] == [
        "7.00",
        "8.00",
        "7.00",
        "8.00",
        "5.00",
        "3.50",
        "1.18",
        "5.00",
        "20.00",
        "10.00",
        "10.00",
    ]
    assert ev.subtotals == (("产出指标", D("44.68")), ("效益指标", D("30.00")), ("满意度指标", D("10.00")))
    assert str(ev.indicator_total) == "84.68"
    assert str(ev.total) == "93.62"
    assert ev.grade == "优"
    found = {(w.code, w.indicator) for w in ev.warnings}
    assert ("low_execution", "") in found
    assert ("over_completion", "研发新产品") in found
    assert sorted(found) == sorted({("low_execution", ""), ("over_completion", "研发新产品")})


def test_worked_example_seed_000_letters():
    ev = evaluate(seed_000("national_letters"))
    assert str(ev.total) == "93.62"
    assert ev.grade == "A"


def test_worked_example_published_92_90_by_adjustments():
    """§5: the published 92.90 = two hand-lowered scores (3, 1) + budget truncated to 8.90."""
    data = seed_000()
    leaves = list(data.indicators)
    leaves[5] = replace(leaves[5], adjusted=D("3"))
    leaves[6] = replace(leaves[6], adjusted=D("1"))
    ev = evaluate(replace(data, scheme=TRUNC1, indicators=tuple(leaves)))
    assert str(ev.budget.score) == "8.90"
    assert str(ev.indicator_total) == "84.00"
    assert str(ev.total) == "92.90"
    assert [s.adjusted for s in ev.indicators].count(True) == 2
