"""Properties of the pure scoring engine (domain.md §2), checked with hypothesis on Decimals only."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalsys.lib.parsing import MAX_VALUE, MAX_WEIGHT
from scoring.rules import evaluate, score_budget, score_indicator
from scoring.schemes import DEPARTMENT, HUBEI, NATIONAL, NATIONAL_LINEAR, with_letters
from scoring.types import QUALITATIVE_LABELS, BudgetInput, EvaluationInput, IndicatorInput, Rounding

D = Decimal
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ROUNDINGS = (Rounding("half_up", 2), Rounding("truncate", 2), Rounding("truncate", 1), Rounding("half_up", 0))
BASE_SCHEMES = (NATIONAL, NATIONAL_LINEAR, HUBEI, DEPARTMENT)
SCHEMES = tuple(replace(s, rounding=r) for s in BASE_SCHEMES for r in ROUNDINGS)
BUDGET_SCHEMES = tuple(s for s in SCHEMES if s.has_budget_row)
QUANT = ("≥", ">", "≤", "<", "=")


def money(low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=2, allow_nan=False, allow_infinity=False)


targets = money("0", "100000")
actuals = money("-1000", "1000000")
schemes = st.sampled_from(SCHEMES)


@st.composite
def weights(draw, scheme=None) -> Decimal:
    """A weight in cents (the engine caps whole-point rounding of a fractional weight at w)."""
    return draw(money("0.01", "100"))


def leaf(comparator: str, t: Decimal | None, a: Decimal | None, w: Decimal, **kw) -> IndicatorInput:
    return IndicatorInput("产出指标", "数量指标", "指标", comparator, w, target=t, actual=a, reason="原因", **kw)


def cents(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


@st.composite
def any_leaf(draw, scheme) -> IndicatorInput:
    w = draw(weights(scheme))
    kind = draw(st.sampled_from(("quant", "quant", "quant", "qual", "none", "adjusted")))
    if kind == "qual":
        return IndicatorInput(
            "产出指标", "质量指标", "定性", "定性", w, actual_label=draw(st.sampled_from(QUALITATIVE_LABELS))
        )
    comparator = draw(st.sampled_from(QUANT))
    t = draw(targets)
    if kind == "none":
        return leaf(comparator, t, None, w)
    a = draw(actuals)
    adjusted = draw(money("-10", "110")) if kind == "adjusted" else None
    return leaf(comparator, t, a, w, adjusted=adjusted)


# --- bounds and precision ------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), scheme=schemes)
def test_score_within_zero_and_weight_and_in_cents(data, scheme):
    indicator = data.draw(any_leaf(scheme))
    result = score_indicator(indicator, scheme)
    assert D(0) <= result.score <= indicator.weight
    assert D(0) <= result.computed <= indicator.weight
    assert cents(result.score), result.score
    assert cents(result.computed), result.computed


@SETTINGS
@given(data=st.data(), scheme=schemes, comparator=st.sampled_from(QUANT), t=targets, a=actuals)
def test_quantitative_score_within_zero_and_weight(data, scheme, comparator, t, a):
    w = data.draw(weights(scheme))
    result = score_indicator(leaf(comparator, t, a, w), scheme)
    assert D(0) <= result.score <= w
    assert cents(result.score)


@st.composite
def partition(draw, total: Decimal, whole: bool) -> list[Decimal]:
    """Positive weights summing exactly to `total` (in cents, or whole points)."""
    unit = D(1) if whole else D("0.01")
    steps = int(total / unit)
    cuts = draw(st.lists(st.integers(min_value=1, max_value=steps - 1), unique=True, max_size=12))
    edges = [0, *sorted(cuts), steps]
    return [(edges[i + 1] - edges[i]) * unit for i in range(len(edges) - 1)]


@SETTINGS
@given(data=st.data(), scheme=schemes, annual=money("0", "100000"), executed=money("-100", "200000"))
def test_total_between_0_and_100_when_weights_sum_to_indicator_points(data, scheme, annual, executed):
    parts = data.draw(partition(scheme.indicator_points, whole=scheme.rounding.places == 0))
    level1 = scheme.level1_names
    leaves = []
    for i, w in enumerate(parts):
        drawn = data.draw(any_leaf(scheme))
        leaves.append(replace(drawn, weight=w, level1=level1[i % len(level1)]))
    ev = evaluate(EvaluationInput(scheme, tuple(leaves), BudgetInput(annual, executed)))
    assert "weights_sum" not in [w.code for w in ev.warnings]
    assert D(0) <= ev.indicator_total <= scheme.indicator_points
    assert D(0) <= ev.total <= D(100)
    assert ev.indicator_total == sum((s.score for s in ev.indicators), D(0))
    assert ev.indicator_total == sum((v for _, v in ev.subtotals), D(0))
    assert ev.total == ev.indicator_total + (ev.budget.score if ev.budget else D(0))
    numbers = [ev.total, ev.indicator_total, *(v for _, v in ev.subtotals)]
    if ev.budget:
        numbers += [ev.budget.score, ev.budget.rate]
    assert all(cents(n) for n in numbers), numbers
    assert ev.grade == scheme.grade(ev.total)


# --- monotonicity ----------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), scheme=schemes, comparator=st.sampled_from(("≥", ">")), t=targets, a1=actuals, a2=actuals)
def test_positive_score_never_falls_as_actual_rises(data, scheme, comparator, t, a1, a2):
    w = data.draw(weights(scheme))
    low, high = sorted((a1, a2))
    assert (
        score_indicator(leaf(comparator, t, low, w), scheme).score
        <= score_indicator(leaf(comparator, t, high, w), scheme).score
    )


@SETTINGS
@given(
    scheme=st.sampled_from(SCHEMES),
    comparator=st.sampled_from(("≤", "<")),
    t=targets,
    a1=actuals,
    a2=actuals,
    w=st.integers(min_value=1, max_value=100).map(D),
)
def test_reverse_score_never_rises_as_actual_rises(scheme, comparator, t, a1, a2, w):
    low, high = sorted((a1, a2))
    assert (
        score_indicator(leaf(comparator, t, low, w), scheme).score
        >= score_indicator(leaf(comparator, t, high, w), scheme).score
    )


@SETTINGS
@given(
    rule=st.sampled_from(("ratio", "linear")),
    comparator=st.sampled_from(("≤", "<")),
    t=targets,
    a1=actuals,
    a2=actuals,
    w=money("0.01", "100"),
)
def test_reverse_monotone_for_both_rules(rule, comparator, t, a1, a2, w):
    scheme = replace(NATIONAL, reverse_rule=rule)
    low, high = sorted((a1, a2))
    assert (
        score_indicator(leaf(comparator, t, low, w), scheme).score
        >= score_indicator(leaf(comparator, t, high, w), scheme).score
    )


@SETTINGS
@given(data=st.data(), scheme=schemes, t=targets, a=actuals)
def test_equal_rule_is_maximal_at_target(data, scheme, t, a):
    w = data.draw(weights(scheme))
    at_target = score_indicator(leaf("=", t, t, w), scheme).score
    assert at_target == min(scheme.rounding.apply(w), w.quantize(D("0.01")))
    assert score_indicator(leaf("=", t, a, w), scheme).score <= at_target


@SETTINGS
@given(
    scheme=st.sampled_from(BUDGET_SCHEMES),
    annual=money("0", "100000"),
    b1=money("-100", "300000"),
    b2=money("-100", "300000"),
)
def test_budget_score_monotone_in_executed_and_capped(scheme, annual, b1, b2):
    low, high = sorted((b1, b2))
    s_low = score_budget(BudgetInput(annual, low), scheme)
    s_high = score_budget(BudgetInput(annual, high), scheme)
    assert s_low.score <= s_high.score
    for s in (s_low, s_high):
        assert D(0) <= s.score <= scheme.budget_points
        assert cents(s.score) and cents(s.rate)
        assert s.weight == scheme.budget_points


@SETTINGS
@given(
    scheme=st.sampled_from((NATIONAL, with_letters(NATIONAL), HUBEI, DEPARTMENT)),
    t1=money("-10", "110"),
    t2=money("-10", "110"),
)
def test_grade_is_monotone_in_the_total(scheme, t1, t2):
    order = [label for _, label in scheme.grade_bands]  # best first
    low, high = sorted((t1, t2))
    assert order.index(scheme.grade(high)) <= order.index(scheme.grade(low))
    assert scheme.grade(low) in order


# --- anything the importer or a form accepts is scored without an exception -------------------


def accepted(limit: Decimal, places: int) -> st.SearchStrategy[Decimal]:
    """Any Decimal the parsers let through: below `limit` in size, `places` decimals at most."""
    step = D(1).scaleb(-places)
    return st.decimals(min_value=-limit + step, max_value=limit - step, places=places, allow_nan=False,
                       allow_infinity=False)  # fmt: skip


@SETTINGS
@given(
    scheme=schemes,
    comparator=st.sampled_from(QUANT),
    t=accepted(MAX_VALUE, 4) | st.sampled_from([D(0), D("0.0001"), MAX_VALUE - D("0.0001")]),
    a=accepted(MAX_VALUE, 4) | st.sampled_from([D(0), D("-0.0001"), -MAX_VALUE + D("0.0001")]),
    w=st.decimals(min_value=0, max_value=MAX_WEIGHT, places=2) | st.just(D(0)),
    annual=money("0", "999999999999.99") | st.just(D("0.01")),
    executed=money("0", "999999999999.99"),
)
def test_the_engine_never_raises_on_accepted_values(scheme, comparator, t, a, w, annual, executed):
    """Issue "Trust" item 7: 1e300-like actuals raised InvalidOperation; what is accepted is scored."""
    leaves = tuple(leaf(comparator, t, a, w) for _ in range(3))
    result = evaluate(EvaluationInput(scheme, leaves, BudgetInput(annual, executed)))
    assert D(0) <= result.total <= D(100) * (len(leaves) + 1)
    if result.budget is not None and result.budget.rate is not None:
        assert result.budget.rate.adjusted() < 20  # fits Project.execution_rate (22 digits, 2 decimals)


# --- what the engine reads ----------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), scheme=schemes, text=st.text(max_size=8))
def test_the_target_text_changes_no_score_and_no_warning(data, scheme, text):
    """An import scores a project once for its warnings and its stored totals although the workbook's
    input keeps a number's text and the row blanks it (indicators.services.reads_alike)."""
    leaves = tuple(data.draw(st.lists(any_leaf(scheme), min_size=1, max_size=4)))
    first = evaluate(EvaluationInput(scheme, leaves, BudgetInput(D(100), D(50))))
    second = evaluate(EvaluationInput(scheme, tuple(replace(i, target_text=text) for i in leaves),
                                      BudgetInput(D(100), D(50))))  # fmt: skip
    assert replace(first, indicators=()) == replace(second, indicators=())
    assert [(s.computed, s.score, s.explanation) for s in first.indicators] == [
        (s.computed, s.score, s.explanation) for s in second.indicators
    ]
