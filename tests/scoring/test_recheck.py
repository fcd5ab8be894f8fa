"""复核 rules (domain.md §7) against the pure engine: causes, sums, weights, grade; no database.

Every expectation is exact: the cause code, the numbers, and the Chinese texts with their numbers.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.recheck import (
    ROW_CAUSES,
    PublishedRow,
    PublishedSum,
    PublishedTable,
    cause_of,
    exact_text,
    grade_band,
    recheck,
)
from scoring.rules import evaluate
from scoring.schemes import DEPARTMENT, NATIONAL, with_letters
from scoring.types import BudgetInput, EvaluationInput, IndicatorInput

D = Decimal
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEVEL2 = {"产出指标": "数量指标", "效益指标": "社会效益指标", "满意度指标": "服务对象满意度指标"}


def ind(comparator: str, target: str, actual: str, weight: str, level1: str = "产出指标", name: str = "指标",
        **extra) -> IndicatorInput:  # fmt: skip
    if comparator == "定性":
        return IndicatorInput(level1, LEVEL2[level1], name, "定性", D(weight), target_text=target, actual_label=actual)
    return IndicatorInput(level1, LEVEL2[level1], name, comparator, D(weight), target=D(target), actual=D(actual),
                          **extra)  # fmt: skip


# Seed 000 (domain.md §5) under `national`: 84.68 + 8.94 = 93.62.
SEED000 = (
    ind("≥", "9", "9", "7", name="开展手工艺技能培训"),
    ind("≥", "70", "98", "8", name="研发新产品"),
    ind("定性", "多渠道宣传售卖", "达成", "7", name="区域公用品牌宣传"),
    ind("定性", "巩固已有基地", "达成", "8", name="创建北疆布丝瑰基地"),
    ind("≤", "12", "11", "5", name="各项工作完成周期", unit="个月"),
    ind("≤", "7", "10", "5", name="基础手工技能培训完成周期", unit="个月"),
    ind("≤", "30", "127.34", "5", name="基础手工技能培训成本", unit="万元"),
    ind("≤", "900", "804.73", "5", name="各项活动总成本", unit="万元"),
    ind("≥", "300", "300", "20", "效益指标", name="促进妇女就业增收"),
    ind("定性", "持续提高", "达成", "10", "效益指标", name="提高品牌影响力"),
    ind("≥", "90", "95", "10", "满意度指标", name="参训学员满意度", unit="%"),
)
SEED000_RULE = ("7", "8", "7", "8", "5", "3.5", "1.18", "5", "20", "10", "10")


def seed000(scheme=NATIONAL, indicators=SEED000):
    return evaluate(EvaluationInput(scheme, indicators, BudgetInput(D("900"), D("804.73"))))


def table(published, *, budget=None, sums=(), grade=""):
    rows = tuple(PublishedRow("自评表", 5 + i, None if p is None else D(p)) for i, p in enumerate(published))
    return PublishedTable(rows, None if budget is None else D(budget), tuple(sums), grade)


def total_row(value: str, kind="total", level1="", weight=None) -> PublishedSum:
    return PublishedSum("自评表", 30, kind, D(value), level1, None if weight is None else D(weight))


# --- nothing else is flagged --------------------------------------------------------------


def test_a_table_that_equals_the_rules_has_no_finding():
    result = recheck(table=table(SEED000_RULE, budget="8.94", sums=[total_row("93.62")], grade="优"),
                     evaluation=seed000())  # fmt: skip
    assert (result.deviations, result.sums, result.departs) == ((), (), False)
    assert (result.rows, result.judged, result.at_stake) == (11, 11, D("0.00"))


def test_half_a_cent_is_the_same_score():
    published = ("7", "8", "7", "8", "5", "3.504", "1.175", "5", "20", "10", "10")
    assert recheck(table=table(published), evaluation=seed000()).deviations == ()


def test_rows_without_a_published_score_are_scored_and_not_judged():
    published = (None, "8", None, "8", "5", "3.5", "1.18", "5", "20", "10", None)
    result = recheck(table=table(published), evaluation=seed000())
    assert (result.rows, result.judged, result.departs) == (11, 8, False)


def test_rows_and_scores_must_pair_up():
    with pytest.raises(ValueError):
        recheck(table=table(SEED000_RULE[:3]), evaluation=seed000())


# --- causes ---------------------------------------------------------------------------------

# (published, computed, exact, weight) -> cause
CAUSES = [
    ("3", "3.50", "3.5", "5", "truncated"),  # seed 000: whole points cut
    ("1", "1.18", "1.177948", "5", "truncated"),  # seed 000
    ("8.9", "8.94", "8.941444", "10", "truncated"),  # seed 000's budget: one decimal cut
    ("9.55", "9.56", "9.557680", "10", "truncated"),  # seed 003: two decimals cut
    ("7", "7.50", "7.5", "7.5", "truncated"),  # a met fractional weight cut to whole points
    ("9", "8.60", "8.6", "10", "whole_points"),  # 9 for 86% execution
    ("9", "8.94", "8.941444", "10", "whole_points"),
    ("4", "3.50", "3.5", "5", "whole_points"),  # rounded half up to whole points
    ("6", "7.00", "7", "7", "marked_down_met"),
    ("3", "5.00", "5", "5", "marked_down_met"),
    ("0", "10.00", "10", "10", "marked_down_met"),
    ("9.61", "9.60", "9.6", "10", "over_scored"),  # seed 003's 及时发放率
    ("11", "10.00", "10", "10", "over_scored"),  # above the weight
    ("5.5", "5.00", "5", "5", "over_scored"),
    ("2", "3.50", "3.5", "5", "other"),
    ("3.2", "3.50", "3.5", "5", "other"),
    ("8", "9.60", "9.6", "10", "other"),  # two points below: not a whole-point habit
]


@pytest.mark.parametrize(("published", "computed", "exact", "weight", "cause"), CAUSES)
def test_the_likeliest_cause(published, computed, exact, weight, cause):
    found, _ = cause_of(published=D(published), computed=D(computed), exact=D(exact), weight=D(weight))
    assert found == cause


NOTES = [
    ("3", "3.50", "3.5", "5", "公布 3.00 是规则得分 3.5 截断到整数（未四舍五入）的结果；按规则应得 3.50"),
    (
        "8.9",
        "8.94",
        "8.9414444",
        "10",
        "公布 8.90 是规则得分 8.9414… 截断到一位小数（未四舍五入）的结果；按规则应得 8.94",
    ),
    (
        "9.55",
        "9.56",
        "9.55768",
        "10",
        "公布 9.55 是规则得分 9.5576… 截断到两位小数（未四舍五入）的结果；按规则应得 9.56",
    ),
    ("9", "8.60", "8.6", "10", "公布 9.00 为整数分，规则得分 8.60 不是这个整数；按规则应得 8.60"),
    ("6", "7.00", "7", "7", "已达到目标，按规则应得满分 7.00，公布 6.00 扣了 1.00 分"),
    ("11", "10.00", "10", "10", "公布 11.00 超过该项分值 10.00；按规则应得 10.00"),
    ("9.61", "9.60", "9.6", "10", "公布 9.61 高于规则得分 9.60，多 0.01 分"),
    ("2", "3.50", "3.5", "5", "公布 2.00 与规则得分 3.50 相差 1.50 分，原因不明"),
]


@pytest.mark.parametrize(("published", "computed", "exact", "weight", "note"), NOTES)
def test_each_cause_says_why_with_the_numbers(published, computed, exact, weight, note):
    _, text = cause_of(published=D(published), computed=D(computed), exact=D(exact), weight=D(weight))
    assert text == note


def test_exact_scores_are_shown_with_four_decimals_at_most():
    assert (exact_text(D("3.5")), exact_text(D("1.177948")), exact_text(D("10"))) == ("3.5", "1.1779…", "10")


def test_seed000_as_published_deviates_by_truncation_and_the_budget_is_cut():
    """The report prints 3 and 1 (ratio rule cut to whole points), 8.90 for the budget and 92.90."""
    published = ("7", "8", "7", "8", "5", "3", "1", "5", "20", "10", "10")
    result = recheck(table=table(published, budget="8.90", sums=[total_row("92.90", weight="100")], grade="A"),
                     evaluation=seed000(with_letters(NATIONAL)))  # fmt: skip
    rows = [(d.row, d.level3, str(d.published), str(d.computed), d.cause) for d in result.deviations]
    assert rows == [(10, "基础手工技能培训完成周期", "3", "3.50", "truncated"),
                    (11, "基础手工技能培训成本", "1", "1.18", "truncated")]  # fmt: skip
    budget, total = result.sums
    assert (budget.what, budget.published, budget.computed, budget.cause) == (
        "budget",
        D("8.90"),
        D("8.94"),
        "truncated",
    )
    assert (
        budget.message == "预算执行率：公布 8.90 是规则得分 8.9414… 截断到一位小数（未四舍五入）的结果；按规则应得 8.94"
    )
    assert (total.what, total.parts, total.computed, total.cause) == ("total", D("92.90"), D("93.62"), "bad_sum")
    assert total.message == "公布总分 92.90，按规则应为 93.62"  # adds up, but not to the rules' total
    assert result.at_stake == D("0.72")  # 0.50 + 0.18 + 0.04


def test_each_deviation_carries_the_rules_explanation():
    published = list(SEED000_RULE)
    published[5] = "3"
    (d,) = recheck(table=table(published), evaluation=seed000()).deviations
    assert d.explanation == "实际 10 个月 超出目标 7 个月，按 目标/实际 × 分值 = 7/10 × 5，得 3.50"
    assert (d.weight, d.level1, d.level2, d.difference) == (D("5"), "产出指标", "数量指标", D("-0.50"))


def test_marked_down_met_target_in_a_table():
    published = list(SEED000_RULE)
    published[8] = "18"  # 就业增收 met (300 of 300) yet 18 of 20
    (d,) = recheck(table=table(published), evaluation=seed000()).deviations
    assert (d.cause, d.note) == ("marked_down_met", "已达到目标，按规则应得满分 20.00，公布 18.00 扣了 2.00 分")


# --- sums -----------------------------------------------------------------------------------


def test_a_subtotal_that_is_not_the_sum_of_its_rows():
    subtotal = total_row("49.00", "subtotal", "产出指标")  # rows print 7+8+7+8+5+3.5+1.18+5 = 44.68
    (found,) = recheck(table=table(SEED000_RULE, sums=[subtotal]), evaluation=seed000()).sums
    assert (found.what, found.level1, found.parts, found.computed, found.cause) == (
        "subtotal", "产出指标", D("44.68"), D("44.68"), "bad_sum")  # fmt: skip
    assert found.message == "公布产出指标小计 49.00，但所列各项之和为 44.68；公布产出指标小计 49.00，按规则应为 44.68"


def test_an_indicator_total_is_told_by_its_weight():
    """A 合计 printing 分值 90 is the indicators' total (84.68), not the total with the budget."""
    ok = recheck(table=table(SEED000_RULE, sums=[total_row("84.68", weight="90")]), evaluation=seed000())
    assert ok.sums == ()
    (bad,) = recheck(table=table(SEED000_RULE, sums=[total_row("85", weight="90")]), evaluation=seed000()).sums
    assert (bad.what, bad.parts, bad.computed) == ("indicator_total", D("84.68"), D("84.68"))


def test_a_total_sums_the_printed_subtotals_and_the_budget():
    sums = [total_row("44.68", "subtotal", "产出指标"), total_row("30", "subtotal", "效益指标"),
            total_row("10", "subtotal", "满意度指标"), total_row("93.62")]  # fmt: skip
    assert recheck(table=table(SEED000_RULE, budget="8.94", sums=sums), evaluation=seed000()).sums == ()
    budget, total = recheck(table=table(SEED000_RULE, budget="9", sums=sums), evaluation=seed000()).sums
    assert (budget.what, budget.cause) == ("budget", "whole_points")
    assert (total.what, total.parts, total.message) == ("total", D("93.68"), "公布总分 93.62，但所列各项之和为 93.68")


def test_a_total_with_an_unprinted_part_is_compared_with_the_rules_only():
    published = (None, *SEED000_RULE[1:])
    (found,) = recheck(table=table(published, sums=[total_row("90")]), evaluation=seed000()).sums
    assert (found.parts, found.message) == (None, "公布总分 90.00，按规则应为 93.62")


def test_weights_that_do_not_sum_to_the_scheme():
    indicators = (*SEED000[:-1], ind("≥", "90", "95", "5", "满意度指标"))
    (found,) = recheck(table=table((*SEED000_RULE[:-1], "5")), evaluation=seed000(indicators=indicators)).sums
    assert (found.what, found.published, found.computed, found.cause) == ("weights", D("85"), D("90"), "weights_sum")
    assert found.message == "指标分值合计 85，本方案应为 90"


# --- grade ----------------------------------------------------------------------------------

GRADES = [
    ("优", "93.62", None),
    ("优秀", "93.62", None),
    ("A", "93.62", None),  # letters under a 优/良 scheme name the same bands
    ("良", "93.62", "公布等级“良”与总分 93.62 应得的等级“优”不符"),
    ("B", "93.62", "公布等级“B”与总分 93.62 应得的等级“优”不符"),
    ("良", "85", None),  # judged against the printed total
    ("优", "89.99", "公布等级“优”与总分 89.99 应得的等级“良”不符"),
]


@pytest.mark.parametrize(("grade", "total", "message"), GRADES)
def test_the_grade_against_the_total(grade, total, message):
    result = recheck(table=table(SEED000_RULE, sums=[total_row(total)], grade=grade), evaluation=seed000())
    found = [s for s in result.sums if s.what == "grade"]
    assert [s.message for s in found] == ([message] if message else [])
    assert all(s.cause == "bad_grade" for s in found)


@pytest.mark.parametrize(("label", "band"), [("优", 0), ("良好", 1), ("C", 2), ("差", 3), ("甲", None)])
def test_grade_bands(label, band):
    assert grade_band(label, NATIONAL) == band


# --- seed 003 (部门评价 20/20/40/20) ------------------------------------------------------------

DEPT_LEVEL2 = {"决策": "项目立项", "过程": "资金管理", "产出": "产出数量", "效益": "项目效益"}


def dept(comparator, target, actual, weight, level1, level2="", name="指标"):
    level2 = level2 or DEPT_LEVEL2[level1]
    if comparator == "定性":
        return IndicatorInput(level1, level2, name, "定性", D(weight), target_text=target, actual_label=actual)
    return IndicatorInput(level1, level2, name, comparator, D(weight), target=D(target), actual=D(actual))


SEED003 = (
    dept("定性", "充分", "达成", "3", "决策"), dept("定性", "规范", "达成", "2", "决策"),
    dept("定性", "合理", "达成", "3", "决策", "绩效目标"), dept("定性", "明确", "达成", "2", "决策", "绩效目标"),
    dept("定性", "科学", "达成", "5", "决策", "资金投入"), dept("定性", "合理", "达成", "5", "决策", "资金投入"),
    dept("≥", "100", "100", "5", "过程", name="资金到位率"),
    dept("≥", "33.46", "31.98", "5", "过程", name="预算执行率"),
    dept("定性", "合规", "达成", "5", "过程"), dept("定性", "健全", "达成", "2", "过程", "组织实施"),
    dept("定性", "有效", "达成", "3", "过程", "组织实施"),
    dept("=", "24", "24", "4", "产出"), dept("≥", "4", "5", "3", "产出"), dept("=", "17", "17", "3", "产出"),
    dept("=", "100", "100", "10", "产出", "产出质量"),
    dept("=", "100", "96", "10", "产出", "产出时效", "社保金缴费资金及时发放率"),
    dept("≥", "33.46", "31.98", "10", "产出", "产出成本", "社保金缴费"),
    dept("定性", "提升", "达成", "5", "效益"), dept("≥", "2", "2", "5", "效益"),
    dept("≥", "95", "95", "10", "效益", "满意度"),
)  # fmt: skip
SEED003_PUBLISHED = ("3", "2", "3", "2", "5", "5", "5", "4.78", "5", "2", "3", "4", "3", "3", "10", "9.61", "9.55",
                     "5", "5", "10")  # fmt: skip


def test_seed003_published_scores_under_the_department_scheme():
    sums = [total_row("20", "subtotal", "决策"), total_row("19.78", "subtotal", "过程"),
            total_row("39.22", "subtotal", "产出"), total_row("20", "subtotal", "效益"), total_row("99")]  # fmt: skip
    ev = evaluate(EvaluationInput(DEPARTMENT, SEED003))
    result = recheck(table=table(SEED003_PUBLISHED, sums=sums, grade="优"), evaluation=ev)
    assert [(d.level3, str(d.published), str(d.computed), d.cause) for d in result.deviations] == [
        ("社保金缴费资金及时发放率", "9.61", "9.60", "over_scored"),  # 96% of 10 is 9.60
        ("社保金缴费", "9.55", "9.56", "truncated"),  # 10 × 31.98/33.46 = 9.5576… cut, not rounded
    ]
    produced, total = result.sums
    assert produced.message == "公布产出小计 39.22，但所列各项之和为 39.16；公布产出小计 39.22，按规则应为 39.16"
    assert (total.what, total.parts, total.computed, total.message) == (
        "total", D("99.00"), D("98.94"), "公布总分 99.00，按规则应为 98.94")  # fmt: skip
    assert result.at_stake == D("0.02")


# --- invariants -----------------------------------------------------------------------------

cents = st.decimals(min_value=D("0"), max_value=D("100"), places=2, allow_nan=False, allow_infinity=False)


@st.composite
def positive_rows(draw):
    """A ≥ indicator below its target: the exact score is a / t × w < w."""
    weight = draw(st.decimals(min_value=D("1"), max_value=D("30"), places=0))
    target = draw(st.decimals(min_value=D("1"), max_value=D("1000"), places=2))
    actual = draw(st.decimals(min_value=D("0"), max_value=target - D("0.01"), places=2))
    return ind("≥", str(target), str(actual), str(weight))


@SETTINGS
@given(positive_rows(), st.sampled_from((0, 1, 2)))
def test_a_cut_exact_score_that_departs_is_truncated(row, places):
    ev = evaluate(EvaluationInput(NATIONAL, (row,)))
    exact = row.actual * row.weight / row.target
    published = exact.quantize(D(1).scaleb(-places), rounding=ROUND_DOWN)
    result = recheck(table=table((str(published),)), evaluation=ev)
    if abs(published - ev.indicators[0].score) > D("0.005"):
        assert [d.cause for d in result.deviations] == ["truncated"]
    else:
        assert result.deviations == ()


@SETTINGS
@given(positive_rows(), cents)
def test_any_published_score_is_judged_consistently(row, published):
    ev = evaluate(EvaluationInput(NATIONAL, (row,)))
    result = recheck(table=table((str(published),)), evaluation=ev)
    computed = ev.indicators[0].score
    assert bool(result.deviations) == (abs(published - computed) > D("0.005"))
    for d in result.deviations:
        assert d.cause in ROW_CAUSES
        assert d.computed == computed and d.published == published
        assert (d.cause == "over_scored") <= (published > computed)
        assert result.at_stake == abs(published - computed)


@SETTINGS
@given(st.integers(0, 10))
def test_publishing_the_rule_scores_never_departs(index):
    published = list(SEED000_RULE)
    published[index] = None  # any row may be left without a score
    assert not recheck(table=table(published, budget="8.94"), evaluation=seed000()).departs


# --- a grade per 一级 (framework2013, domain.md §9) -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "grade", "message"),
    [
        ("44.68", "良", None),  # 44.68 of 50 is 89.36%: 良
        ("44.68", "优", "公布产出指标等级“优”与其得分 44.68（得分率 89.36%）应得的等级“良”不符"),
        ("45", "优", None),  # 90.00%
        ("29.99", "差", None),  # 59.98%
        ("30", "差", "公布产出指标等级“差”与其得分 30.00（得分率 60.00%）应得的等级“中”不符"),
    ],
)
def test_a_subtotals_grade_against_its_share_of_the_weight(value, grade, message):
    subtotal = PublishedSum("自评表", 20, "subtotal", D(value), "产出指标", D("50"), grade)
    result = recheck(table=table(SEED000_RULE, sums=[subtotal]), evaluation=seed000())
    found = [s.message for s in result.sums if s.what == "grade"]
    assert found == ([message] if message else [])
