"""Tables that catch a wrong 复核 rule in scoring/recheck.py (domain.md §7, §9), found by mutation testing.

Whole findings are compared (cause, numbers, message, sheet and row), for the classes the older
tests left open: grades per 一级, a budget row the scheme does not have or a budget of 0 or below
one 万元, a cause decided at exactly one point or exactly at the weight, grades printed in the
other label set, and the exact (unrounded) score of 定性 and deadline rows.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from scoring.recheck import (
    Deviation,
    PublishedRow,
    PublishedSum,
    PublishedTable,
    SumFinding,
    cause_of,
    exact_score,
    grade_band,
    recheck,
)
from scoring.rules import evaluate, score_indicator
from scoring.schemes import DEPARTMENT, FRAMEWORK2013, NATIONAL, with_letters
from scoring.types import BudgetInput, EvaluationInput, IndicatorInput

D = Decimal


def leaf(level1: str, weight: str, actual: str = "100", target: str = "100", **extra) -> IndicatorInput:
    level2 = {"投入": "项目立项", "过程": "业务管理", "产出": "实际完成率", "效果": "社会效益"}.get(level1, "数量指标")
    return IndicatorInput(level1, level2, f"{level1}{weight}", "≥", D(weight), target=D(target), actual=D(actual),
                          reason="原因", **extra)  # fmt: skip


def table(*published: str | None, budget: str | None = None, sums=(), grade: str = "") -> PublishedTable:
    rows = tuple(PublishedRow("表1", 6 + i, None if p is None else D(p)) for i, p in enumerate(published))
    return PublishedTable(rows, None if budget is None else D(budget), tuple(sums), grade)


def subtotal(level1: str, value: str, grade: str, row: int, weight: str | None = None) -> PublishedSum:
    return PublishedSum("表1", row, "subtotal", D(value), level1, None if weight is None else D(weight), grade)


# --- a grade per 一级 (framework2013, domain.md §9) ---------------------------------------------

FRAMEWORK = (leaf("投入", "10"), leaf("投入", "10"), leaf("过程", "33.33"), leaf("过程", "33.34"))


def framework_findings(*sums: PublishedSum) -> list[SumFinding]:
    ev = evaluate(EvaluationInput(FRAMEWORK2013, FRAMEWORK))
    result = recheck(table=table("10", "10", "33.33", "33.34", sums=sums), evaluation=ev)
    return [s for s in result.sums if s.what == "grade"]


def test_level1_grade_from_the_leaf_weights():
    # 17.50 of the 20 points under 投入 is 87.50 %: 良, not the printed 优
    assert framework_findings(subtotal("投入", "17.5", "优", 12)) == [
        SumFinding(
            "grade",
            "优",
            "良",
            "bad_grade",
            "公布投入等级“优”与其得分 17.50（得分率 87.50%）应得的等级“良”不符",
            "投入",
            None,
            "表1",
            12,
        ),
    ]


def test_level1_grade_from_the_printed_weight():
    # the printed 分值 25 wins over the leaves' 20: 17.50 of 25 is 70.00 %, 中
    assert framework_findings(subtotal("投入", "17.5", "良", 12, weight="25")) == [
        SumFinding(
            "grade",
            "良",
            "中",
            "bad_grade",
            "公布投入等级“良”与其得分 17.50（得分率 70.00%）应得的等级“中”不符",
            "投入",
            None,
            "表1",
            12,
        ),
    ]


def test_level1_share_is_cut_in_the_message():
    # 60.00 of 66.67 is 89.9955 %: printed 89.99 (cut), graded 良
    assert framework_findings(subtotal("过程", "60", "优", 14)) == [
        SumFinding(
            "grade",
            "优",
            "良",
            "bad_grade",
            "公布过程等级“优”与其得分 60.00（得分率 89.99%）应得的等级“良”不符",
            "过程",
            None,
            "表1",
            14,
        ),
    ]


def test_level1_grade_below_one_point_and_later_rows_are_still_read():
    sums = (
        subtotal("投入", "20", "", 12),  # no printed grade: nothing to judge, and the next rows still are
        subtotal("效果", "0", "优", 13),  # no weight at all: no share, nothing to judge
        subtotal("过程", "0.45", "良", 14, weight="0.5"),  # 90.00 % of half a point: 优
    )
    assert framework_findings(*sums) == [
        SumFinding(
            "grade",
            "良",
            "优",
            "bad_grade",
            "公布过程等级“良”与其得分 0.45（得分率 90.00%）应得的等级“优”不符",
            "过程",
            None,
            "表1",
            14,
        ),
    ]


# --- sums, grade and rows: whole findings ---------------------------------------------------------

NATIONAL_LEAVES = (leaf("产出指标", "50"), leaf("效益指标", "30"), leaf("满意度指标", "10"))


def national(*published, **kw):
    ev = evaluate(EvaluationInput(NATIONAL, NATIONAL_LEAVES, BudgetInput(D(100), D(100))))
    return recheck(table=table(*published, **kw), evaluation=ev)


def test_subtotal_of_a_level1_the_scheme_does_not_have():
    result = national("50", "30", "10", sums=[PublishedSum("表1", 20, "subtotal", D(5), "其他")])
    assert list(result.sums) == [
        SumFinding(
            "subtotal", D(5), D("0.00"), "bad_sum", "公布其他小计 5.00，按规则应为 0.00", "其他", None, "表1", 20
        )
    ]


def test_total_finding_names_its_sheet_and_row():
    result = national("50", "30", "10", budget="10", sums=[PublishedSum("表1", 21, "total", D("99"))])
    assert list(result.sums) == [
        SumFinding(
            "total",
            D(99),
            D("100.00"),
            "bad_sum",
            "公布总分 99.00，但所列各项之和为 100.00；公布总分 99.00，按规则应为 100.00",
            "",
            D(100),
            "表1",
            21,
        ),
    ]


def test_grade_without_a_printed_total_is_read_against_the_rules_total():
    result = national("50", "30", "10", grade="良")
    assert list(result.sums) == [
        SumFinding("grade", "良", "优", "bad_grade", "公布等级“良”与总分 100.00 应得的等级“优”不符")
    ]


def test_deviation_is_whole():
    result = national("45", "30", "10")
    assert list(result.deviations) == [
        Deviation(
            "表1",
            6,
            "产出指标",
            "数量指标",
            "产出指标50",
            D(50),
            D(45),
            D("50.00"),
            "marked_down_met",
            "实际 100 ≥ 目标 100，得满分 50.00",
            "已达到目标，按规则应得满分 50.00，公布 45.00 扣了 5.00 分",
        ),
    ]


def test_rows_and_indicators_must_match():
    ev = evaluate(EvaluationInput(NATIONAL, NATIONAL_LEAVES))
    with pytest.raises(ValueError) as info:
        recheck(table=table("50", "30"), evaluation=ev)
    assert str(info.value) == "published rows and scored indicators differ in number"


# --- the budget row ---------------------------------------------------------------------------------

BUDGET_CASES = [
    # scheme, budget (A, B) or None, printed, expected finding (None: none)
    pytest.param(
        DEPARTMENT,
        ("100", "100"),
        "5",
        SumFinding(
            "budget", D(5), D("0.00"), "over_scored", "预算执行率：公布 5.00 超过该项分值 0.00；按规则应得 0.00"
        ),
        id="scheme-without-budget-row",
    ),
    pytest.param(
        NATIONAL,
        None,
        "5",
        SumFinding("budget", D(5), D("0.00"), "over_scored", "预算执行率：公布 5.00 高于规则得分 0.00，多 5.00 分"),
        id="no-budget-given",
    ),
    pytest.param(
        NATIONAL,
        ("0", "50"),
        "5",
        SumFinding("budget", D(5), D("0.00"), "over_scored", "预算执行率：公布 5.00 高于规则得分 0.00，多 5.00 分"),
        id="budget-0",
    ),
    pytest.param(
        NATIONAL,
        ("0.7", "0.5"),
        "7.1",
        SumFinding(
            "budget",
            D("7.1"),
            D("7.14"),
            "truncated",
            "预算执行率：公布 7.10 是规则得分 7.1428… 截断到一位小数（未四舍五入）的结果；按规则应得 7.14",
        ),
        id="budget-0.7-truncated",
    ),
    pytest.param(NATIONAL, ("0.7", "0.5"), "7.14", None, id="budget-0.7-as-the-rules"),
]


@pytest.mark.parametrize(("scheme", "budget", "printed", "expected"), BUDGET_CASES)
def test_budget_row(scheme, budget, printed, expected):
    leaves = tuple(replace(x, level1=name) for x, name in zip(NATIONAL_LEAVES, scheme.level1_names, strict=False))
    funds = None if budget is None else BudgetInput(D(budget[0]), D(budget[1]))
    ev = evaluate(EvaluationInput(scheme, leaves, funds))
    found = [
        s for s in recheck(table=table("50", "30", "10", budget=printed), evaluation=ev).sums if s.what == "budget"
    ]
    assert found == ([] if expected is None else [expected])


# --- causes at their edges --------------------------------------------------------------------------

CAUSE_CASES = [
    # published, computed, exact, weight, cause, note
    pytest.param(
        "10", "8", "8", "10", "over_scored", "公布 10.00 高于规则得分 8.00，多 2.00 分", id="at-the-weight-not-above"
    ),
    pytest.param(
        "10.5", "8", "8", "10", "over_scored", "公布 10.50 超过该项分值 10.00；按规则应得 8.00", id="above-the-weight"
    ),
    pytest.param(
        "9.5",
        "10",
        "9.996",
        "10",
        "other",
        "公布 9.50 与规则得分 10.00 相差 0.50 分，原因不明",
        id="rounded-to-w-is-not-met",
    ),
    pytest.param(
        "9.5", "10", "10", "10", "marked_down_met", "已达到目标，按规则应得满分 10.00，公布 9.50 扣了 0.50 分", id="met"
    ),
    pytest.param(
        "9", "8", "8", "10", "over_scored", "公布 9.00 高于规则得分 8.00，多 1.00 分", id="integer-one-point-away"
    ),
    pytest.param(
        "9",
        "8.1",
        "8.1",
        "10",
        "whole_points",
        "公布 9.00 为整数分，规则得分 8.10 不是这个整数；按规则应得 8.10",
        id="integer-within-a-point",
    ),
]


@pytest.mark.parametrize(("published", "computed", "exact", "weight", "cause", "note"), CAUSE_CASES)
def test_cause_of(published, computed, exact, weight, cause, note):
    got = cause_of(published=D(published), computed=D(computed), exact=D(exact), weight=D(weight))
    assert got == (cause, note)


# --- grades in either label set ------------------------------------------------------------------

GRADE_BAND_CASES = [
    *[
        pytest.param(label, with_letters(NATIONAL), i, id=f"chinese-{label}-on-letters")
        for i, label in enumerate(("优", "良", "中", "差"))
    ],
    *[pytest.param(label, NATIONAL, i, id=f"letter-{label}-on-chinese") for i, label in enumerate("ABCD")],
    pytest.param(
        "good",
        replace(NATIONAL, grade_bands=((D(90), "Top"), (D(80), "Good"), (D(0), "Low"))),
        1,
        id="own-latin-labels-any-case",
    ),
    pytest.param("优秀", NATIONAL, 0, id="long-word"),
    pytest.param("不合格", with_letters(NATIONAL), 3, id="long-word-on-letters"),
    pytest.param("甲", NATIONAL, None, id="unknown"),
]


@pytest.mark.parametrize(("label", "scheme", "band"), GRADE_BAND_CASES)
def test_grade_band(label, scheme, band):
    assert grade_band(label, scheme) == band


# --- the exact score a truncating author cuts ------------------------------------------------------

DEADLINE = datetime.date(2022, 12, 31)
EXACT_CASES = [
    pytest.param(
        IndicatorInput("产出指标", "质量指标", "甲", "定性", D(10), actual_label="部分达成"), "6.0", id="partial"
    ),
    pytest.param(IndicatorInput("产出指标", "质量指标", "甲", "定性", D(7), actual_label="达成"), "7", id="achieved"),
    pytest.param(
        IndicatorInput(
            "产出指标", "时效指标", "甲", "≤", D(5), deadline=DEADLINE, actual_date=datetime.date(2022, 11, 30)
        ),
        "5",
        id="deadline-met",
    ),
    pytest.param(
        IndicatorInput(
            "产出指标", "时效指标", "甲", "≤", D(5), deadline=DEADLINE, actual_date=datetime.date(2023, 1, 2)
        ),
        "0",
        id="deadline-late",
    ),
    pytest.param(
        IndicatorInput("产出指标", "数量指标", "甲", "≤", D(5), target=D(30), actual=D("127.34")),
        "1.177948798492225537929951311",
        id="ratio-unrounded",
    ),
    pytest.param(IndicatorInput("产出指标", "数量指标", "甲", "≥", D(5), target=D(30)), "0", id="not-entered"),
]


@pytest.mark.parametrize(("indicator", "expected"), EXACT_CASES)
def test_exact_score(indicator, expected):
    assert str(exact_score(score_indicator(indicator, NATIONAL), NATIONAL)) == expected
