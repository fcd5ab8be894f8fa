"""Tables that catch a wrong rule in scoring/rules.py (issue 8 part 5, found by mutation testing).

Each table covers a class the older tests left open: targets, budgets and weights between 0 and 1,
exact half-cent rounding in every printed number, and the exact explanation and warning texts with
their numbers and units (domain.md §2, §3). Pure engine, no database; expectations are exact strings.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.rules import NOT_APPLICABLE, evaluate, fmt, pts, score_budget, score_indicator
from scoring.schemes import FRAMEWORK2013, HUBEI, NATIONAL, NATIONAL_LINEAR
from scoring.types import BudgetInput, EvaluationInput, IndicatorInput, Warning

D = Decimal
CENT = D("0.01")
SETTINGS = settings(max_examples=150, deadline=None)


def leaf(
    comparator: str = "≥",
    target: str | None = "100",
    actual: str | None = "100",
    weight: str = "10",
    unit: str = "",
    *,
    level1: str = "产出指标",
    level2: str = "数量指标",
    level3: str = "指标",
    reason: str = "原因已说明",
    **extra,
) -> IndicatorInput:
    """A leaf indicator; numbers are strings so every Decimal is exactly what is written."""
    return IndicatorInput(
        level1=level1,
        level2=level2,
        level3=level3,
        comparator=comparator,
        weight=D(weight),
        target=None if target is None else D(target),
        actual=None if actual is None else D(actual),
        unit=unit,
        reason=reason,
        **extra,
    )


def qual(label: str, weight: str = "10", **extra) -> IndicatorInput:
    return leaf("定性", None, None, weight, target_text="达到预期", actual_label=label, **extra)


# --- explanations: every number and unit as the report prints it (style.md "Scoring") -----------

EXPLANATION_CASES = [
    # scheme, comparator, t, a, w, unit, score, explanation
    pytest.param(
        NATIONAL,
        "≥",
        "100",
        "100",
        "10",
        "人",
        "10.00",
        "实际 100 人 ≥ 目标 100 人，得满分 10.00",
        id="ge-met-exactly-with-unit",
    ),
    pytest.param(
        NATIONAL, "≥", "70", "98", "8", "款", "8.00", "实际 98 款 ≥ 目标 70 款，得满分 8.00", id="ge-seed-new-products"
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "100",
        "80",
        "10",
        "%",
        "8.00",
        "实际 80% 未达目标 100%，按 实际/目标 × 分值 = 80/100 × 10，得 8.00",
        id="ge-under-percent-no-space",
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "100",
        "-20",
        "10",
        "人",
        "0.00",
        "实际 0 人 未达目标 100 人，按 实际/目标 × 分值 = 0/100 × 10，得 0.00",
        id="ge-negative-actual-read-0",
    ),
    pytest.param(NATIONAL, "≥", "0", "5", "10", "人", "10.00", "目标为 0，实际 5 人，得满分 10.00", id="ge-t0"),
    pytest.param(
        NATIONAL, ">", "-5", "0", "10", "%", "10.00", "实际 0% ≥ 目标 -5%，得满分 10.00", id="gt-negative-target-met"
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "0.8",
        "0.5",
        "10",
        "",
        "6.25",
        "实际 0.5 未达目标 0.8，按 实际/目标 × 分值 = 0.5/0.8 × 10，得 6.25",
        id="ge-target-0.8",
    ),
    pytest.param(
        NATIONAL, "≥", "0.8", "0.8", "10", "", "10.00", "实际 0.8 ≥ 目标 0.8，得满分 10.00", id="ge-target-0.8-met"
    ),
    pytest.param(
        NATIONAL,
        ">",
        "1E+2",
        "50",
        "10",
        "人",
        "5.00",
        "实际 50 人 未达目标 100 人，按 实际/目标 × 分值 = 50/100 × 10，得 5.00",
        id="gt-exponent-target",
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "100",
        "5E+1",
        "1E+1",
        "",
        "5.00",
        "实际 50 未达目标 100，按 实际/目标 × 分值 = 50/100 × 10，得 5.00",
        id="ge-exponent-actual-weight",
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "100",
        "46.9",
        "5",
        "%",
        "2.35",
        "实际 46.9% 未达目标 100%，按 实际/目标 × 分值 = 46.9/100 × 5，得 2.35",
        id="ge-half-cent-up",
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "2",
        "1",
        "10",
        "X",
        "5.00",
        "实际 1 X 未达目标 2 X，按 实际/目标 × 分值 = 1/2 × 10，得 5.00",
        id="ge-latin-unit-spaced",
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "100",
        "50",
        "0.5",
        "",
        "0.25",
        "实际 50 未达目标 100，按 实际/目标 × 分值 = 50/100 × 0.5，得 0.25",
        id="ge-weight-0.5",
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "100",
        "50",
        "1.5",
        "",
        "0.75",
        "实际 50 未达目标 100，按 实际/目标 × 分值 = 50/100 × 1.5，得 0.75",
        id="ge-weight-1.5",
    ),
    pytest.param(
        NATIONAL,
        "≥",
        "100",
        "50",
        "0",
        "",
        "0.00",
        "实际 50 未达目标 100，按 实际/目标 × 分值 = 50/100 × 0，得 0.00",
        id="ge-weight-0",
    ),
    pytest.param(
        NATIONAL, "≥", "100", "120", "0", "", "0.00", "实际 120 ≥ 目标 100，得满分 0.00", id="ge-met-weight-0"
    ),
    pytest.param(
        NATIONAL, "≤", "12", "12", "5", "月", "5.00", "实际 12 月 ≤ 目标 12 月，得满分 5.00", id="le-met-exactly"
    ),
    pytest.param(
        NATIONAL, "≤", "5", "3", "10", "‰", "10.00", "实际 3‰ ≤ 目标 5‰，得满分 10.00", id="le-permille-no-space"
    ),
    pytest.param(
        NATIONAL,
        "≤",
        "7",
        "10",
        "5",
        "个月",
        "3.50",
        "实际 10 个月 超出目标 7 个月，按 目标/实际 × 分值 = 7/10 × 5，得 3.50",
        id="le-ratio-seed",
    ),
    pytest.param(
        NATIONAL,
        "≤",
        "0.5",
        "0.8",
        "10",
        "",
        "6.25",
        "实际 0.8 超出目标 0.5，按 目标/实际 × 分值 = 0.5/0.8 × 10，得 6.25",
        id="le-target-0.5",
    ),
    pytest.param(NATIONAL, "≤", "0", "0", "10", "起", "10.00", "目标为 0，实际 0 起，得满分 10.00", id="le-t0-a0"),
    pytest.param(
        NATIONAL, "≤", "0", "2", "10", "起", "0.00", "目标为 0，实际 2 起 大于 0，得 0，得 0.00", id="le-t0-a-positive"
    ),
    pytest.param(
        NATIONAL,
        "≤",
        "-5",
        "3",
        "10",
        "%",
        "0.00",
        "目标 -5%，实际 3% 超出目标，得 0，得 0.00",
        id="le-negative-target",
    ),
    pytest.param(
        NATIONAL_LINEAR,
        "≤",
        "10",
        "15",
        "8",
        "天",
        "4.00",
        "实际 15 天 超出目标 10 天，按 (1 − 超出/目标) × 分值线性扣分，得 4.00",
        id="linear-1.5t",
    ),
    pytest.param(
        NATIONAL_LINEAR,
        "≤",
        "10",
        "20",
        "8",
        "天",
        "0.00",
        "实际 20 天 达到目标 10 天 的两倍及以上，得 0，得 0.00",
        id="linear-exactly-2t",
    ),
    pytest.param(
        NATIONAL_LINEAR,
        "≤",
        "0.5",
        "0.75",
        "10",
        "",
        "5.00",
        "实际 0.75 超出目标 0.5，按 (1 − 超出/目标) × 分值线性扣分，得 5.00",
        id="linear-target-0.5",
    ),
    pytest.param(NATIONAL, "=", "10", "10", "10", "个", "10.00", "实际 10 个 = 目标 10 个，得满分 10.00", id="eq-met"),
    pytest.param(NATIONAL, "=", "0", "0", "10", "个", "10.00", "实际 0 个 = 目标 0 个，得满分 10.00", id="eq-t0-a0"),
    pytest.param(
        NATIONAL,
        "=",
        "10",
        "12.5",
        "10",
        "个",
        "8.00",
        "实际 12.5 个 ≠ 目标 10 个，按 较小值/较大值 × 分值 = 10/12.5 × 10，得 8.00",
        id="eq-over",
    ),
    pytest.param(NATIONAL, "=", "5", "0", "10", "个", "0.00", "实际 0 个 ≠ 目标 5 个，得 0，得 0.00", id="eq-a0"),
    pytest.param(NATIONAL, "=", "0", "3", "10", "", "0.00", "实际 3 ≠ 目标 0，得 0，得 0.00", id="eq-t0-a-positive"),
    pytest.param(
        NATIONAL, "=", "-2", "3", "10", "", "0.00", "实际 3 ≠ 目标 -2，得 0，得 0.00", id="eq-negative-target"
    ),
    pytest.param(
        NATIONAL,
        "=",
        "0.8",
        "1",
        "10",
        "",
        "8.00",
        "实际 1 ≠ 目标 0.8，按 较小值/较大值 × 分值 = 0.8/1 × 10，得 8.00",
        id="eq-target-0.8",
    ),
    pytest.param(
        NATIONAL,
        "=",
        "0.5",
        "0.4",
        "10",
        "",
        "8.00",
        "实际 0.4 ≠ 目标 0.5，按 较小值/较大值 × 分值 = 0.4/0.5 × 10，得 8.00",
        id="eq-target-0.5-under",
    ),
    pytest.param(NATIONAL, "=", "1", "0", "10", "", "0.00", "实际 0 ≠ 目标 1，得 0，得 0.00", id="eq-target-1-a0"),
]


@pytest.mark.parametrize(("scheme", "comparator", "t", "a", "w", "unit", "score", "why"), EXPLANATION_CASES)
def test_quantitative_score_and_explanation(scheme, comparator, t, a, w, unit, score, why):
    result = score_indicator(leaf(comparator, t, a, w, unit), scheme)
    assert str(result.score) == score
    assert result.explanation == why


QUALITATIVE_EXPLANATIONS = [
    pytest.param(qual("达成"), "10.00", "定性指标达成，档位 [8.00, 10.00]，计 10.00", id="achieved"),
    pytest.param(qual("部分达成", "7"), "4.20", "定性指标部分达成，档位 [4.20, 5.60)，计 4.20", id="partial-of-7"),
    pytest.param(qual("未达成"), "0.00", "定性指标未达成，档位 [0.00, 6.00)，计 0.00", id="not-achieved"),
    pytest.param(qual("部分达成", "0.5"), "0.30", "定性指标部分达成，档位 [0.30, 0.40)，计 0.30", id="partial-of-0.5"),
    pytest.param(
        qual("达成", "8", actual_text="显著提升", actual_assumed=True),
        "8.00",
        "定性指标达成（由“显著提升”认定），档位 [6.40, 8.00]，计 8.00",
        id="assumed-names-the-text",
    ),
]


@pytest.mark.parametrize(("indicator", "score", "why"), QUALITATIVE_EXPLANATIONS)
def test_qualitative_explanation(indicator, score, why):
    result = score_indicator(indicator, NATIONAL)
    assert str(result.score) == score
    assert result.explanation == why


DEADLINE = datetime.date(2022, 12, 31)


@pytest.mark.parametrize(
    ("done", "score", "why"),
    [
        pytest.param(
            datetime.date(2022, 11, 30),
            "5.00",
            "完成于 2022年11月30日，不晚于期限 2022年12月31日，得满分 5.00",
            id="on-time",
        ),
        pytest.param(
            datetime.date(2022, 12, 31),
            "5.00",
            "完成于 2022年12月31日，不晚于期限 2022年12月31日，得满分 5.00",
            id="on-the-day",
        ),
        pytest.param(
            datetime.date(2023, 1, 15),
            "0.00",
            "完成于 2023年01月15日，晚于期限 2022年12月31日，暂计 0，由审核人评分，得 0.00",
            id="late",
        ),
    ],
)
def test_deadline_explanation(done, score, why):
    indicator = leaf("≤", None, None, "5", level2="时效指标", deadline=DEADLINE, actual_date=done)
    result = score_indicator(indicator, NATIONAL)
    assert str(result.score) == score
    assert result.explanation == why


@pytest.mark.parametrize(
    "indicator",
    [
        pytest.param(leaf("≥", "100", None), id="quantitative"),
        pytest.param(qual(""), id="qualitative"),
        pytest.param(leaf("≤", None, None, "5", deadline=DEADLINE), id="deadline"),
    ],
)
def test_not_entered_explanation_is_exactly_the_notice(indicator):
    result = score_indicator(indicator, NATIONAL)
    assert (str(result.score), result.explanation) == ("0.00", "尚未填报实际完成值，暂计 0")


# --- evaluator adjustments: half-cent rounding and the text ----------------------------------

ADJUSTED_CASES = [
    # adjusted, score, explanation tail
    pytest.param("6.5", "6.50", "；审核人调整为 6.50", id="two-places"),
    pytest.param("2.345", "2.35", "；审核人调整为 2.35", id="half-cent-up-not-bankers"),
    pytest.param("6.125", "6.13", "；审核人调整为 6.13", id="half-cent-up-even-neighbour"),
    pytest.param("2.3449", "2.34", "；审核人调整为 2.34", id="below-half-cent-down"),
    pytest.param("12", "10.00", "；审核人调整为 10.00", id="clamped-to-w"),
]


@pytest.mark.parametrize(("adjusted", "score", "tail"), ADJUSTED_CASES)
def test_adjusted_score_rounds_half_up_and_is_explained(adjusted, score, tail):
    result = score_indicator(leaf("≥", "100", "80", "10", adjusted=D(adjusted)), NATIONAL)
    assert str(result.score) == score
    assert str(result.computed) == "8.00"
    assert result.explanation == "实际 80 未达目标 100，按 实际/目标 × 分值 = 80/100 × 10，得 8.00" + tail


# --- printed numbers: fmt and pts ---------------------------------------------------------------

FMT_CASES = [
    pytest.param(None, "", id="none-is-empty"),
    pytest.param("12", "12", id="integer"),
    pytest.param("100", "100", id="integer-trailing-zeros-kept"),
    pytest.param("12.50", "12.5", id="trailing-zero"),
    pytest.param("10.00", "10", id="whole-with-cents"),
    pytest.param("0.50", "0.5", id="below-one"),
    pytest.param("0.0001", "0.0001", id="four-places"),
    pytest.param("1E+2", "100", id="exponent-positive"),
    pytest.param("1.50E+3", "1500", id="exponent-with-fraction"),
    pytest.param("5E-1", "0.5", id="exponent-negative"),
    pytest.param("1E-7", "0.0000001", id="exponent-tiny"),
    pytest.param("-3.10", "-3.1", id="negative"),
    pytest.param("0E-2", "0", id="zero-with-places"),
]


@pytest.mark.parametrize(("value", "expected"), FMT_CASES)
def test_fmt_writes_numbers_as_people_do(value, expected):
    assert fmt(None if value is None else D(value)) == expected


PTS_CASES = [
    pytest.param("8", "8.00", id="whole"),
    pytest.param("1E+1", "10.00", id="exponent"),
    pytest.param("2.345", "2.35", id="half-cent-up"),
    pytest.param("2.335", "2.34", id="half-cent-up-odd"),
    pytest.param("6.125", "6.13", id="half-cent-up-even-neighbour"),
    pytest.param("2.3449", "2.34", id="below-half"),
    pytest.param("94.444", "94.44", id="repeating"),
]


@pytest.mark.parametrize(("value", "expected"), PTS_CASES)
def test_pts_prints_two_places_half_up(value, expected):
    assert pts(D(value)) == expected


@SETTINGS
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=D("-1e12"), max_value=D("1e12")))
def test_fmt_round_trips_without_exponent_or_trailing_zeros(value):
    text = fmt(value)
    assert D(text) == value
    assert "E" not in text and "e" not in text
    if "." in text:
        assert not text.endswith(("0", "."))


# --- budget execution: budgets between 0 and 1 万元, and the text ------------------------------

BUDGET_CASES = [
    # A, B, rate, score, explanation
    pytest.param(
        "900.00", "804.73", "89.41", "8.94", "执行率 804.73/900.00 = 89.41%，得 8.94（满分 10.00）", id="seed-000"
    ),
    pytest.param(
        "0.5", "0.5", "100.00", "10.00", "执行率 0.50/0.50 = 100.00%，得 10.00（满分 10.00）", id="half-wan-yuan"
    ),
    pytest.param(
        "0.5", "0.25", "50.00", "5.00", "执行率 0.25/0.50 = 50.00%，得 5.00（满分 10.00）", id="half-executed"
    ),
    pytest.param("1", "0.9", "90.00", "9.00", "执行率 0.90/1.00 = 90.00%，得 9.00（满分 10.00）", id="one-wan-yuan"),
    pytest.param(
        "800", "715.56", "89.45", "8.94", "执行率 715.56/800.00 = 89.45%，得 8.94（满分 10.00）", id="rate-half-up"
    ),
    pytest.param("0", "12.5", "0.00", "0.00", "无全年预算数（或为 0），预算执行得 0", id="no-budget"),
]


@pytest.mark.parametrize(("annual", "executed", "rate", "score", "why"), BUDGET_CASES)
def test_budget_score_and_explanation(annual, executed, rate, score, why):
    result = score_budget(BudgetInput(D(annual), D(executed)), NATIONAL)
    assert (str(result.rate), str(result.score), result.explanation) == (rate, score, why)
    assert result.weight == D(10)


# --- warnings: exact code, message (numbers, units) and indicator -----------------------------


def clean(**changes) -> list[IndicatorInput]:
    """Four leaves summing to 90, all at full score: a project with no warnings of its own."""
    leaves = [
        leaf("≥", "100", "100", "30", level3="数量"),
        leaf("≤", "50", "40", "20", level2="成本指标", level3="成本"),
        leaf("≥", "100", "100", "30", level1="效益指标", level2="社会效益指标", level3="效益"),
        leaf("≥", "90", "95", "10", level1="满意度指标", level2="服务对象满意度指标", level3="满意度"),
    ]
    for index, changed in changes.items():
        leaves[int(index.lstrip("i"))] = changed
    return leaves


def warnings_of(leaves, budget=None, scheme=NATIONAL, **data) -> list[Warning]:
    budget = budget or BudgetInput(D(100), D(100))
    return list(evaluate(EvaluationInput(scheme, tuple(leaves), budget, **data)).warnings)


INDICATOR_WARNING_CASES = [
    pytest.param(
        leaf("≥", "100", "100", "30", level3="数量", sign_assumed=True),
        Warning("sign_assumed", "目标未写比较符号，已按“≥”处理，请核对", "数量"),
        id="sign-assumed-ge",
    ),
    pytest.param(
        leaf("≤", "100", "90", "30", level3="周期", sign_assumed=True),
        Warning("sign_assumed", "目标未写比较符号，已按“≤”处理，请核对", "周期"),
        id="sign-assumed-le",
    ),
    pytest.param(
        qual("达成", "30", level3="品牌", actual_text="显著提升", actual_assumed=True),
        Warning("qualitative_assumed", "实际完成值“显著提升”被认定为“达成”，请审核人确认", "品牌"),
        id="qualitative-assumed",
    ),
    pytest.param(
        leaf(
            "≤",
            None,
            None,
            "30",
            level3="期限",
            deadline=DEADLINE,
            actual_date=DEADLINE,
            actual_text="按时完成",
            actual_assumed=True,
        ),
        Warning("qualitative_assumed", "实际完成值“按时完成”被认定为“按期完成”，请审核人确认", "期限"),
        id="deadline-assumed-on-time",
    ),
    pytest.param(
        leaf("≥", "100", "100", "30", "人", level3="人数", actual_unit="人次"),
        Warning("unit_mismatch", "实际完成值的单位“人次”与目标的单位“人”不一致，比较结果可能有误，请核对", "人数"),
        id="unit-mismatch",
    ),
    pytest.param(
        leaf("≥", "100", "100", "30", level3="人数", actual_unit="%"),
        Warning("unit_mismatch", "实际完成值的单位“%”与目标的单位“（无）”不一致，比较结果可能有误，请核对", "人数"),
        id="unit-mismatch-bare-target",
    ),
    pytest.param(
        leaf("≥", "50", "50", "30", level2="成本指标", level3="成本"),
        Warning("cost_positive", "成本指标使用了“≥”，成本目标通常应为“≤”", "成本"),
        id="cost-positive",
    ),
    pytest.param(
        leaf("≥", "100", "80", "30", level3="数量", reason=""),
        Warning("missing_reason", "得分 24.00 低于分值 30.00，须填写偏差原因分析及改进措施", "数量"),
        id="missing-reason",
    ),
    pytest.param(
        leaf("≥", "200", "241", "30", level3="研发"),
        Warning("over_completion", "实际完成 121% 的目标，请审核人考虑目标是否设置偏低", "研发"),
        id="over-completion-120.5-half-up",
    ),
    pytest.param(
        leaf("=", "0.8", "1", "30", level3="比率", reason="偏差已说明"),
        Warning("over_completion", "实际完成 125% 的目标，请审核人考虑目标是否设置偏低", "比率"),
        id="over-completion-target-0.8",
    ),
    pytest.param(
        leaf(">", "0.5", "0.6", "30", level3="比率"),
        Warning("over_completion", "实际完成 120% 的目标，请审核人考虑目标是否设置偏低", "比率"),
        id="over-completion-exactly-1.2-of-0.5",
    ),
]


@pytest.mark.parametrize(("changed", "expected"), INDICATOR_WARNING_CASES)
def test_indicator_warning_is_exact(changed, expected):
    assert warnings_of(clean(i0=changed)) == [expected]


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(qual("达成", "30", actual_unit="人"), id="qualitative-has-no-unit-mismatch"),
        pytest.param(leaf("≥", "0.8", "0.95", "30"), id="target-0.8-below-1.2t"),
        pytest.param(leaf("≥", "0", "5", "30"), id="target-0-no-over-completion"),
        pytest.param(leaf("≤", "0.5", "0.1", "30"), id="reverse-no-over-completion"),
    ],
)
def test_no_indicator_warning(changed):
    assert warnings_of(clean(i0=changed)) == []


WEIGHT_SCALE = Warning("weights_scale", "权重混用了小数（如 0.2）和分值（如 10），请统一为分值")

WEIGHTS_CASES = [
    # weights of the four leaves, expected weight warnings
    pytest.param(("30", "20", "30", "10"), [], id="points-sum-90"),
    pytest.param(("0", "50", "30", "10"), [], id="weight-0-is-not-a-fraction"),
    pytest.param(("1", "49", "30", "10"), [], id="weight-1-is-points"),
    pytest.param(("1.5", "48.5", "30", "10"), [], id="weight-1.5-is-points"),
    pytest.param(("0.5", "49.5", "30", "10"), [WEIGHT_SCALE], id="0.5-with-points"),
    pytest.param(
        ("0.2", "0.3", "0.4", "1"),
        [Warning("weights_sum", "指标权重合计 1.9，应为 90"), WEIGHT_SCALE],
        id="0.2-with-weight-1",
    ),
    pytest.param(
        ("0.2", "0.3", "0.4", "0.1"), [Warning("weights_sum", "指标权重合计 1，应为 90")], id="fractions-only-sum-1.0"
    ),
    pytest.param(("30", "20", "30", "10.5"), [Warning("weights_sum", "指标权重合计 90.5，应为 90")], id="sum-90.5"),
]


@pytest.mark.parametrize(("weights", "expected"), WEIGHTS_CASES)
def test_weight_warnings(weights, expected):
    leaves = [replace(x, weight=D(w)) for x, w in zip(clean(), weights, strict=True)]
    got = [w for w in warnings_of(leaves) if w.code in ("weights_sum", "weights_scale")]
    assert got == expected


def test_evaluation_of_a_project_without_indicators():
    ev = evaluate(EvaluationInput(NATIONAL, (), BudgetInput(D(100), D(100))))
    assert (str(ev.indicator_total), str(ev.total), ev.grade) == ("0.00", "10.00", "差")
    assert ev.scheme is NATIONAL
    assert ev.subtotals == (("产出指标", D("0.00")), ("效益指标", D("0.00")), ("满意度指标", D("0.00")))
    assert list(ev.warnings) == [Warning("weights_sum", "指标权重合计 0，应为 90")]


BUDGET_WARNING_CASES = [
    # scheme, A, B, assumed, indicator leaves, expected budget warnings
    pytest.param(
        NATIONAL,
        "0",
        "12.5",
        False,
        clean(),
        [
            Warning(
                "budget_missing",
                "没有全年预算数和年初预算数（或均为 0），全年执行数 12.50 万元无法计算执行率，预算执行得 0",
            ),
        ],
        id="budget-missing",
    ),
    pytest.param(NATIONAL, "0.5", "0.5", False, clean(), [], id="budget-0.5-fully-executed"),
    pytest.param(
        NATIONAL,
        "0.5",
        "0.4",
        False,
        clean(),
        [
            Warning("low_execution", "预算执行率 80.00% 低于 90%，须说明原因"),
            Warning("budget_divergence", "指标得分率 100.00% 高于预算执行率 80.00% 超过 5 个百分点"),
        ],
        id="budget-0.5-low",
    ),
    pytest.param(
        NATIONAL,
        "120",
        "120",
        True,
        clean(),
        [
            Warning("budget_assumed", "全年预算数为空，已按年初预算数 120.00 万元计算执行率，请核对"),
        ],
        id="budget-assumed",
    ),
    pytest.param(
        NATIONAL,
        "0.5",
        "0.45",
        True,
        clean(),
        [
            Warning("budget_assumed", "全年预算数为空，已按年初预算数 0.50 万元计算执行率，请核对"),
            Warning("budget_divergence", "指标得分率 100.00% 高于预算执行率 90.00% 超过 5 个百分点"),
        ],
        id="budget-assumed-0.5",
    ),
]


@pytest.mark.parametrize(("scheme", "annual", "executed", "assumed", "leaves", "expected"), BUDGET_WARNING_CASES)
def test_budget_warnings(scheme, annual, executed, assumed, leaves, expected):
    budget = BudgetInput(D(annual), D(executed), assumed=assumed)
    got = [w for w in warnings_of(leaves, budget, scheme) if w.code.startswith(("budget", "low_"))]
    assert got == expected


def test_divergence_prints_the_indicator_rate_half_up():
    # hubei's 80 indicator points: 76.02 points is a 95.025 % score rate, printed 95.03 (not 95.02).
    leaves = [
        leaf("≥", "100", "100", "40"),
        leaf("≥", "100", "100", "30", level1="效益指标", level2="社会效益指标"),
        leaf("≥", "100", "60.2", "10", level1="满意度指标", level2="服务对象满意度指标"),
    ]
    ev = evaluate(EvaluationInput(HUBEI, tuple(leaves), BudgetInput(D(100), D(90))))
    assert str(ev.indicator_total) == "76.02"
    assert [w for w in ev.warnings if w.code == "budget_divergence"] == [
        Warning("budget_divergence", "指标得分率 95.03% 高于预算执行率 90.00% 超过 5 个百分点")
    ]


@pytest.mark.parametrize(
    ("points", "executed", "expected"),
    [
        pytest.param("0", "50", [], id="no-indicator-points-no-division"),
        pytest.param("1", "50", ["budget_divergence"], id="one-indicator-point"),
    ],
)
def test_divergence_with_small_indicator_points(points, executed, expected):
    """A scheme's indicator points are data: 1 point still compares, 0 points has no rate."""
    scheme = replace(NATIONAL, level1_points=(("产出指标", D(points)),) if points != "0" else ())
    leaves = (leaf("≥", "1", "1", points),) if points != "0" else ()
    ev = evaluate(EvaluationInput(scheme, leaves, BudgetInput(D(100), D(executed))))
    assert [w.code for w in ev.warnings if w.code == "budget_divergence"] == expected
    assert [w.code for w in ev.warnings if w.code == "low_execution"] == ["low_execution"]


# --- year_mismatch (预算管理一体化 code digits 7–8) -----------------------------------------------

YEAR_CASES = [
    pytest.param("15000021T000000007928", 2021, [], id="same-year"),
    pytest.param(
        "15000021T000000007928",
        2022,
        [
            Warning(
                "year_mismatch",
                "项目编码“15000021T000000007928”第 7–8 位表示 2021 年，与评价年度 2022 年不一致，请核对年度或编码",
            ),
        ],
        id="code-2021-year-2022",
    ),
    pytest.param(
        "15000025T000000000900",
        2024,
        [
            Warning(
                "year_mismatch",
                "项目编码“15000025T000000000900”第 7–8 位表示 2025 年，与评价年度 2024 年不一致，请核对年度或编码",
            ),
        ],
        id="code-2025-year-2024",
    ),
    pytest.param("15000021T000000007928", None, [], id="no-year"),
    pytest.param("", 2022, [], id="no-code"),
    pytest.param("P-2021-001", 2022, [], id="not-a-unified-code"),
]


@pytest.mark.parametrize(("code", "year", "expected"), YEAR_CASES)
def test_year_mismatch(code, year, expected):
    got = [w for w in warnings_of(clean(), code=code, year=year) if w.code == "year_mismatch"]
    assert got == expected


# --- invariants --------------------------------------------------------------------------------

positive = st.decimals(min_value=D("0.0001"), max_value=D("100000"), places=4, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=D("0"), max_value=D("100"), places=2, allow_nan=False, allow_infinity=False)


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@SETTINGS
@given(t=positive, a=positive, w=weights)
def test_equal_rule_is_symmetric_in_target_and_actual(t, a, w):
    """min(a, t) / max(a, t): swapping target and actual never changes the score (domain.md §2 "=")."""
    first = score_indicator(leaf("=", str(t), str(a), str(w)), NATIONAL).score
    assert first == score_indicator(leaf("=", str(a), str(t), str(w)), NATIONAL).score
    assert first == half_up(min(a, t) * w / max(a, t))


@SETTINGS
@given(comparator=st.sampled_from(("≥", ">", "≤", "<")), t=positive, a=positive, w=weights)
def test_ratio_rules_match_domain_formula(comparator, t, a, w):
    """≥: a ≥ t gives w, else a/t × w; ≤: a ≤ t gives w, else t/a × w; half up to cents."""
    got = score_indicator(leaf(comparator, str(t), str(a), str(w)), NATIONAL).score
    if comparator in ("≥", ">"):
        assert got == (half_up(w) if a >= t else half_up(a * w / t))
    else:
        assert got == (half_up(w) if a <= t else half_up(t * w / a))


@SETTINGS
@given(
    comparator=st.sampled_from(("≥", ">", "≤", "<", "=")),
    t=positive | st.just(D(0)),
    a=positive | st.just(D(0)),
    w=weights,
    unit=st.sampled_from(("", "%", "人", "万元")),
)
def test_explanation_ends_with_the_score_and_names_target_and_actual(comparator, t, a, w, unit):
    result = score_indicator(leaf(comparator, str(t), str(a), str(w), unit), NATIONAL)
    assert result.explanation.endswith(pts(result.score))
    spaced = unit not in ("", "%")
    assert f"实际 {fmt(a)}{' ' if spaced else ''}{unit}" in result.explanation


@SETTINGS
@given(comparator=st.sampled_from(("≥", ">", "=")), t=positive, a=positive)
def test_over_completion_exactly_from_1_2_target(comparator, t, a):
    """§3: ≥/= with a ≥ 1.2 t warns, naming a / t in whole percent (half up)."""
    got = [w for w in warnings_of(clean(i0=leaf(comparator, str(t), str(a), "30"))) if w.code == "over_completion"]
    if a >= D("1.2") * t:
        pct = (a / t * 100).quantize(D(1), rounding=ROUND_HALF_UP)
        assert got == [Warning("over_completion", f"实际完成 {pct}% 的目标，请审核人考虑目标是否设置偏低", "指标")]
    else:
        assert got == []


@SETTINGS
@given(st.lists(st.decimals(min_value=D(0), max_value=D(100), places=2), min_size=1, max_size=6))
def test_weights_scale_exactly_when_fractions_meet_points(weights_):
    leaves = [leaf("≥", "1", "1", str(w), level3=f"指标{i}") for i, w in enumerate(weights_)]
    scale = [w for w in warnings_of(leaves) if w.code == "weights_scale"]
    mixed = any(0 < w < 1 for w in weights_) and any(w >= 1 for w in weights_)
    assert scale == ([WEIGHT_SCALE] if mixed else [])


# --- a grade per 一级 from its share of its weight (domain.md §9, framework2013) ------------------


def framework_leaves() -> tuple[IndicatorInput, ...]:
    """投入 18 of 20; 过程 60.00 of 66.67 (89.9955 %); 产出 18 of 30; 效果 has no leaf."""
    return (
        leaf("≥", "100", "100", "10", level1="投入", level2="项目立项", level3="甲"),
        leaf("≥", "100", "80", "10", level1="投入", level2="资金落实", level3="乙"),
        leaf("≥", "100", "100", "33.33", level1="过程", level2="业务管理", level3="丙"),
        leaf("≥", "100", "100", "33.34", level1="过程", level2="财务管理", level3="丁", adjusted=D("26.67")),
        leaf("≥", "100", "100", "30", level1="产出", level2="实际完成率", level3="戊", adjusted=D("18")),
    )


def test_level1_grades_cut_the_share_and_grade_each_level1():
    ev = evaluate(EvaluationInput(FRAMEWORK2013, framework_leaves()))
    got = [(g.level1, str(g.points), str(g.weight), g.share and str(g.share), g.grade) for g in ev.level1_grades]
    assert got == [
        ("投入", "18.00", "20.00", "90.00", "优"),
        ("过程", "60.00", "66.67", "89.99", "良"),  # 89.9955 % is cut, not rounded up to 90.00 (优)
        ("产出", "18.00", "30.00", "60.00", "中"),
        ("效果", "0.00", "0.00", None, ""),  # no weight: no share and no grade
    ]
    assert ev.level1_grades[3].share is None


@pytest.mark.parametrize(
    ("adjusted", "share", "grade"),
    [
        pytest.param("30", "100.00", "优", id="full"),
        pytest.param("24", "80.00", "良", id="80-edge"),
        pytest.param("23.99", "79.96", "中", id="just-below-80"),
        pytest.param("17.99", "59.96", "差", id="just-below-60"),
        pytest.param("0", "0.00", "差", id="zero"),
    ],
)
def test_level1_grade_bands(adjusted, share, grade):
    leaves = (leaf("≥", "1", "1", "30", level1="产出", level2="实际完成率", adjusted=D(adjusted)),)
    (output,) = [g for g in evaluate(EvaluationInput(FRAMEWORK2013, leaves)).level1_grades if g.level1 == "产出"]
    assert (str(output.share), output.grade) == (share, grade)


def test_level1_grades_only_for_schemes_that_ask():
    assert evaluate(EvaluationInput(NATIONAL, tuple(clean()), BudgetInput(D(100), D(100)))).level1_grades == ()


def test_level1_grade_of_a_level1_weighing_less_than_one_point():
    leaves = (leaf("≥", "10", "8", "0.5", level1="效果", level2="社会效益"),)
    (effect,) = [g for g in evaluate(EvaluationInput(FRAMEWORK2013, leaves)).level1_grades if g.level1 == "效果"]
    assert (str(effect.points), str(effect.weight), str(effect.share), effect.grade) == ("0.40", "0.50", "80.00", "良")


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        pytest.param("本年度政策调整，未开展", [], id="with-reason"),
        pytest.param(
            "",
            [Warning("missing_reason", "得分 0.00 低于分值 30.00，须填写偏差原因分析及改进措施", "数量")],
            id="no-reason",
        ),
    ],
)
def test_not_applicable_scores_zero_and_needs_its_reason(reason, expected):
    """不适用: the weight stays and scores 0 (nothing is redistributed); the reason is required."""
    changed = leaf("≥", "100", None, "30", level3="数量", not_applicable=True, reason=reason)
    ev = evaluate(EvaluationInput(NATIONAL, tuple(clean(i0=changed)), BudgetInput(D(100), D(100))))
    assert (str(ev.indicators[0].score), ev.indicators[0].explanation) == ("0.00", NOT_APPLICABLE)
    assert str(ev.indicator_total) == "60.00"
    assert list(ev.warnings) == expected


def test_budget_of_negative_zero_prints_zero():
    result = score_budget(BudgetInput(D(100), D("-0.00")), NATIONAL)
    assert (str(result.rate), str(result.score)) == ("0.00", "0.00")
    assert result.explanation == "执行率 0.00/100.00 = 0.00%，得 0.00（满分 10.00）"


@pytest.mark.parametrize(
    ("explained", "message"),
    [
        pytest.param(False, "预算执行率 80.00% 低于 90%，须说明原因", id="to-explain"),
        pytest.param(True, "预算执行率 80.00% 低于 90%，已说明原因", id="explained"),
    ],
)
def test_low_execution_says_whether_the_reason_is_written(explained, message):
    found = warnings_of(clean(), BudgetInput(D(100), D(80)), low_execution_explained=explained)
    assert [w for w in found if w.code == "low_execution"] == [Warning("low_execution", message)]


def test_budget_of_negative_zero_annual_prints_zero():
    result = score_budget(BudgetInput(D("-0.00"), D(5)), NATIONAL)
    assert (str(result.annual), str(result.score)) == ("0.00", "0.00")
