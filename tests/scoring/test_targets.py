"""The §8 target checks (domain.md §8 "Target review") as tables, one per check with its edges, and
hypothesis properties. Pure engine, no database: run by `make mutate` without Django.

Real targets from published tables: `稳步提高`, `效果良好`, `参照政府采购成本控制`, `项目总成本(≤**万元)`
(domain.md §8, domain-evidence §11); `成本控制率 / 不超预算` (鄂州市2022年市直部门预算项目支出绩效目标表,
https://desk33.com/d-245426.html); seed 001's `布丝魂行动计划总成本 ≤933 万元` with a budget of 933.00.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.rules import evaluate
from scoring.schemes import DEPARTMENT, FRAMEWORK2013, NATIONAL
from scoring.targets import (
    BLOCKING,
    LABELS,
    TargetIndicator,
    TargetsInput,
    blocking,
    check_targets,
    read_level,
)
from scoring.types import COMPARATORS, EvaluationInput, IndicatorInput, Warning

D = Decimal
SETTINGS = settings(max_examples=80, deadline=None)


def row(
    level3: str = "指标",
    comparator: str = "≥",
    target: str | None = "10",
    *,
    level1: str = "产出指标",
    level2: str = "数量指标",
    text: str = "",
    unit: str = "",
    weight: str | None = None,
    **extra,
) -> TargetIndicator:
    """A declared indicator; numbers as strings so every Decimal is exact; 定性 rows carry `text`."""
    return TargetIndicator(
        level1=level1, level2=level2, level3=level3, comparator=comparator,
        weight=None if weight is None else D(weight),
        target=None if target is None or comparator == "定性" else D(target),
        target_text=text, unit=unit, **extra,
    )  # fmt: skip


# A clean declaration: every category, measurable targets, weights adding up to 90.
QUANTITY = row("培训人次", "≥", "50", unit="人次", weight="20")
QUALITY = row("培训合格率", "≥", "90", level2="质量指标", unit="%", weight="15")
COST = row("人均培训成本", "≤", "0.3", level2="成本指标", unit="万元", weight="15")
BENEFIT = row("参训人员就业率", "≥", "60", level1="效益指标", level2="社会效益指标", unit="%", weight="30")
SATISFACTION = row("参训学员满意度", "≥", "90", level1="满意度指标", level2="服务对象满意度指标", unit="%", weight="10")
CLEAN = (QUANTITY, QUALITY, COST, BENEFIT, SATISFACTION)


def check(
    rows: tuple[IndicatorInput, ...] = CLEAN, *, budget: str | None = "100", year: int | None = 2021, scheme=NATIONAL
) -> tuple[Warning, ...]:
    return check_targets(TargetsInput(scheme, rows, None if budget is None else D(budget), year))


def codes(rows: tuple[IndicatorInput, ...] = CLEAN, **kw) -> list[str]:
    return [w.code for w in check(rows, **kw)]


def swap(old: TargetIndicator, **changes) -> tuple[TargetIndicator, ...]:
    """CLEAN with one row changed."""
    return tuple(replace(r, **changes) if r is old else r for r in CLEAN)


def of(code: str, rows: tuple[IndicatorInput, ...], **kw) -> list[Warning]:
    return [w for w in check(rows, **kw) if w.code == code]


def test_a_clean_declaration_has_no_warning() -> None:
    assert check() == ()


# --- no_output_quantity, no_cost, no_benefit, no_satisfaction ----------------------------


@pytest.mark.parametrize(
    ("rows", "year", "expected"),
    [
        (swap(QUANTITY, level2="时效指标"), 2021, ["no_output_quantity"]),
        (swap(COST, level2="质量指标"), 2021, ["no_cost"]),
        (swap(COST, level2="质量指标"), 2022, ["no_cost"]),
        (swap(COST, level2="质量指标"), None, ["no_cost"]),
        (swap(COST, level2="质量指标"), 2020, []),  # required from 2021
        (swap(COST, level2="经济成本指标"), 2021, []),
        (swap(COST, level2="生态环境成本指标"), 2021, []),
        (swap(BENEFIT, level1="满意度指标", level2="服务对象满意度指标"), 2021, ["no_benefit"]),
        (swap(SATISFACTION, level1="效益指标", level2="社会效益指标"), 2021, ["no_satisfaction"]),
        # the 2015 layout prints 满意度 under 效益: it counts as 满意度, and not as 效益
        (swap(SATISFACTION, level1="效益指标", level2="社会公众或服务对象满意度指标"), 2021, []),
        (swap(BENEFIT, level2="社会公众或服务对象满意度指标"), 2021, ["no_benefit"]),
        (swap(SATISFACTION, level1="效益指标", level2="满意度指标"), 2021, []),
        # names read as at year end: traditional characters, points suffixes, 项目 prefix, no 指标 suffix
        (swap(QUANTITY, level1="產出指標", level2="數量指標"), 2021, []),
        (swap(COST, level1="项目产出", level2="成本"), 2021, []),
        (swap(SATISFACTION, level1="滿意度指標（10分）", level2="服務對象滿意度指標"), 2021, []),
        (swap(BENEFIT, level1="效益指标(30分)", level2="社会效益指标等"), 2021, []),
        (swap(BENEFIT, level1="效益"), 2021, []),
        (swap(SATISFACTION, level2=""), 2021, []),  # the 满意度 一级 is enough
        # a 不适用 row still shows the category was considered
        (swap(COST, level3="成本指标（不适用）", comparator="定性", target=None, target_text="无"), 2021, []),
    ],
)
def test_each_declaration_needs_every_category(rows, year, expected) -> None:
    assert codes(rows, year=year) == expected


def test_missing_categories_say_so_in_chinese() -> None:
    rows = (row("培训合格率", "≥", "90", level2="质量指标", unit="%"),)
    assert [(w.code, w.message, w.indicator) for w in check(rows)][1:] == [
        ("no_output_quantity", "产出指标下没有数量指标，请设置反映产出数量的指标", ""),
        ("no_cost", "产出指标下没有成本指标（2021 年起须设置成本指标）", ""),
        ("no_benefit", "没有效益指标，请设置反映项目效果的指标", ""),
        ("no_satisfaction", "没有满意度指标，请设置服务对象满意度指标", ""),
    ]


def test_an_empty_declaration_misses_every_category_but_warns_no_weights() -> None:
    assert codes(()) == ["no_output_quantity", "no_cost", "no_benefit", "no_satisfaction"]


def test_schemes_without_the_category_do_not_ask_for_it() -> None:
    # department: 产出数量 is its 数量, 产出成本 its 成本, and 满意度 is a 二级 (no 满意度 一级)
    dept = (
        row("完成数", level1="产出", level2="产出数量", weight="40"),
        row("成本", "≤", "5", level1="产出", level2="产出成本", unit="万元", weight="40"),
        row("效益", level1="效益", level2="项目效益", weight="20"),
    )
    assert codes(dept, scheme=DEPARTMENT) == []
    assert codes(dept[1:], scheme=DEPARTMENT) == ["weights_sum", "no_output_quantity"]
    # framework2013: no 数量 or 成本 二级 (成本节约率 is a rate), no 效益 or 满意度 一级
    frame = (row("实际完成率", level1="产出", level2="实际完成率", unit="%", weight="100"),)
    assert codes(frame, scheme=FRAMEWORK2013) == []


@pytest.mark.parametrize(
    ("name", "allowed", "expected"),
    [
        ("產出指標", NATIONAL.level1_names, "产出指标"),
        ("项目产出", NATIONAL.level1_names, "产出指标"),
        ("产出指标（50分）", NATIONAL.level1_names, "产出指标"),
        ("产出 指标(50)", NATIONAL.level1_names, "产出指标"),
        ("效益", NATIONAL.level1_names, "效益指标"),
        ("产出指标", DEPARTMENT.level1_names, "产出"),
        ("服务对象满意度指标等", ("服务对象满意度指标",), "服务对象满意度指标"),
        ("社会公众或服务对象满意度指标", ("服务对象满意度指标",), "社会公众或服务对象满意度指标"),
        ("火星指标", NATIONAL.level1_names, "火星指标"),
    ],
)
def test_level_names_are_read_as_at_year_end(name, allowed, expected) -> None:
    assert read_level(name, allowed) == expected


# --- unmeasurable -------------------------------------------------------------------------


def qual(text: str, level2: str = "质量指标", **kw) -> tuple[TargetIndicator, ...]:
    """CLEAN with the 质量 row's target replaced by a 定性 text."""
    return swap(QUALITY, comparator="定性", target=None, target_text=text, unit="", level2=level2, **kw)


@pytest.mark.parametrize(
    ("rows", "unmeasurable"),
    [
        (qual("稳步提高"), True),
        (qual("显著改善"), True),
        (qual("效果良好"), True),
        (qual("效果良好。"), True),  # punctuation is left, and counts for nothing
        (qual("影响可持续"), True),  # 可 is all that is left
        (qual("持续有效"), True),
        (qual("显著提高的"), True),  # one character left
        (qual("穩步提高"), True),  # traditional
        (qual(" 稳 步 提 高 "), True),  # spaces
        (qual("较好"), True),  # fewer than four characters
        (qual("达标。"), True),  # punctuation is no character
        (qual("无"), True),  # 无 with a 三级 that does not say 不适用
        (qual("/"), True),
        (qual(""), True),  # blank
        (qual("按期完成"), False),  # exactly four characters, none vague
        (qual("全面完成"), False),
        (qual("有所提高"), False),  # two characters left
        (qual("提高质量"), False),
        (qual("明显提高群众满意度"), False),
        (qual("95%"), False),  # holds a number
        (qual("按月安排", level2="时效指标"), False),  # under 时效 a text may be checkable
        (qual("按月安排", level2="数量指标"), True),  # under 数量 a target needs a number
        (qual("参照政府采购成本控制", level2="成本指标"), True),
        (qual("不超预算", level2="成本指标"), True),  # 鄂州 2022: 成本控制率 / 不超预算
        (qual("不超过12万元", level2="成本指标"), False),
        (qual("≥较好"), True),  # a sign with no number
        (qual("＞良好"), True),  # full-width sign
        (swap(QUALITY, target=None, target_text="优良"), True),  # ≥ without a number
        (swap(QUALITY, target=None, target_text=""), True),  # ≥ and blank
        (swap(QUALITY, comparator="≤", target=None, deadline=datetime.date(2021, 9, 30), target_text="9月前"), False),
        # the 不适用 exemption: the row is marked 不适用 and not checked
        (qual("/", level3="不适用"), False),
        (qual("无", level3="成本指标（不适用）"), False),
        (qual("不适用"), False),
        (qual("本年度不适用"), False),
        (qual("稳步提高", not_applicable=True), False),
        (qual("稳步提高", level3="不适用"), False),
    ],
)
def test_unmeasurable_targets(rows, unmeasurable) -> None:
    assert ("unmeasurable" in codes(rows)) is unmeasurable


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (qual("稳步提高"), "定性指标值“稳步提高”除“提高”、“稳步”等笼统用语外没有可检查的内容，请写明要达到的具体状态"),
        (qual("较好"), "定性指标值“较好”不足 4 个字，说不出可检查的内容"),
        (qual(""), "指标值为空，无法衡量是否完成"),
        (qual("按月安排", level2="数量指标"), "数量指标的指标值“按月安排”没有数值，无法衡量；请写明数量或金额"),
        (qual("≥较好"), "带比较符号的指标值“≥较好”没有数值，无法衡量；请写明数量或金额"),
        # a declared `≥` with a blank value (the importer keeps the sign as the text): blank
        (qual("≥"), "指标值为空，无法衡量是否完成"),
        (qual(" ≤ "), "指标值为空，无法衡量是否完成"),
        (qual("≥**"), "带比较符号的指标值“≥**”没有数值，无法衡量；请写明数量或金额"),
    ],
)
def test_unmeasurable_says_why_beside_its_row(rows, message) -> None:
    assert of("unmeasurable", rows) == [Warning("unmeasurable", message, "培训合格率")]


# --- qualitative_heavy --------------------------------------------------------------------


def weighted(*qualitative: str, quantitative: tuple[str, ...] = ()) -> tuple[TargetIndicator, ...]:
    rows = [
        row(f"定性{n}", "定性", None, text="按期完成验收", level2="质量指标", weight=w)
        for n, w in enumerate(qualitative)
    ]
    rows += [row(f"定量{n}", weight=w) for n, w in enumerate(quantitative)]
    return tuple(rows)


SIGNED = tuple(row(f"符号{n}", "定性", None, text=t, level2="质量指标") for n, t in enumerate(("≥**", "＜XX")))


@pytest.mark.parametrize(
    ("rows", "heavy"),
    [
        (weighted("45", quantitative=("45",)), False),  # exactly half
        (weighted("45.01", quantitative=("44.99",)), True),
        (weighted("30", "15.01", quantitative=("44.99",)), True),
        (weighted("40", quantitative=("50",)), False),
        (weighted("5", quantitative=("-5",)), False),  # weights adding up to 0 (no share to speak of)
        (weighted(None, None, quantitative=(None, None)), False),  # by count: 2 of 4
        (weighted(None, None, None, quantitative=(None, None)), True),  # 3 of 5
        (weighted(None, quantitative=()), True),  # 1 of 1
        (weighted("0", "0", quantitative=("0",)), True),  # zero weights are no weights: by count
        (weighted("10", "10", quantitative=("80", None)), False),  # weights given: a row without one weighs 0
        # a 不适用 row is not checked, so it does not count either way
        ((*weighted(None, quantitative=(None,)), row("不适用", "定性", None, text="/")), False),
        # a declared `≥` whose value held no number (kept as the text `≥**`) is no 定性 row: 1 of 3
        ((*weighted(None), *SIGNED), False),
        ((*weighted(None, None), row("符号", "定性", None, text="≥**", level2="质量指标")), True),  # 2 of 3
    ],
)
def test_qualitative_heavy_above_half_of_the_weight_or_count(rows, heavy) -> None:
    assert ("qualitative_heavy" in codes(rows)) is heavy


def test_qualitative_heavy_says_the_share() -> None:
    assert of("qualitative_heavy", weighted("45.01", quantitative=("44.99",)))[0].message == (
        "定性指标的权重占 50.02%，超过一半；请尽量设置可量化的指标"
    )
    assert of("qualitative_heavy", weighted(None, None, quantitative=(None,)))[0].message == (
        "定性指标 2 个，占 3 个指标的 66.67%，超过一半；请尽量设置可量化的指标"
    )


# --- duplicate_indicator ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            row("培训人次", level2="质量指标"),
            [("培训人次", "三级指标“培训人次”同时出现在“数量指标”、“质量指标”下，请合并或改名")],
        ),
        (
            row("培训 人次", level2="时效指标"),
            [("培训 人次", "三级指标“培训 人次”同时出现在“数量指标”、“时效指标”下，请合并或改名")],
        ),
        (row(" 培训人次\u3000", level2="数量指标", level1="产出指标"), []),  # one 二级: the import's row error
        (row("培训人数", level2="质量指标"), []),
        (row("培训人次", level2="數量指標"), []),  # the same 二级, written in traditional characters
        (row("培训人次", level2="质量指标", not_applicable=True), []),  # a 不适用 row is not checked
    ],
)
def test_duplicate_indicator_under_two_level2(extra, expected) -> None:
    found = of("duplicate_indicator", (*CLEAN, extra))
    assert [(w.indicator, w.message) for w in found] == expected


def test_a_name_under_three_level2_warns_once() -> None:
    rows = (*CLEAN, row("培训人次", level2="质量指标"), row("培训人次", level2="时效指标"))
    assert len(of("duplicate_indicator", rows)) == 1


# --- cost_positive, cost_is_budget --------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"comparator": "≥"}, ["cost_positive"]),
        ({"comparator": ">"}, ["cost_positive"]),
        ({"comparator": "≤"}, []),
        ({"comparator": "<"}, []),
        ({"comparator": "="}, []),
        ({"comparator": "≥", "unit": "%"}, []),  # a rate (资助标准达标率): more is better
        ({"comparator": "≥", "unit": ""}, ["cost_positive"]),
        ({"comparator": "≥", "level2": "经济成本指标"}, ["cost_positive"]),
        ({"comparator": "≥", "level2": "質量指標"}, []),
    ],
)
def test_cost_positive(changes, expected) -> None:
    assert [c for c in codes(swap(COST, **changes)) if c.startswith("cost")] == expected


def test_cost_positive_reuses_the_year_end_message() -> None:
    rows = swap(COST, comparator="≥")
    year_end = evaluate(EvaluationInput(NATIONAL, tuple(replace(r, weight=r.weight) for r in rows))).warnings
    assert of("cost_positive", rows) == [w for w in year_end if w.code == "cost_positive"]
    assert of("cost_positive", swap(COST, comparator=">"))[0].message == "成本指标使用了“>”，成本目标通常应为“≤”"


@pytest.mark.parametrize(
    ("target", "unit", "budget", "equal"),
    [
        ("933", "万元", "933.00", True),  # seed 001
        ("932", "万元", "933.00", False),
        ("933.01", "万元", "933.00", False),
        ("9330000", "元", "933.00", True),
        ("0.0933", "亿元", "933.00", True),
        ("933", "", "933.00", True),  # a bare number is in 万元, as the budget
        ("933", "%", "933.00", False),
        ("933", "万元/人", "933.00", False),
        ("933", "万元", None, False),  # no budget declared
        ("0", "万元", "0", False),
        ("0.5", "万元", "0.50", True),  # a budget under 1 万元
    ],
)
def test_cost_is_budget(target, unit, budget, equal) -> None:
    rows = swap(COST, target=D(target), unit=unit)
    assert ("cost_is_budget" in codes(rows, budget=budget)) is equal


def test_cost_is_budget_says_both_amounts_and_cost_positive_adds_to_it() -> None:
    rows = swap(COST, comparator="≥", target=D("933"), unit="万元", level3="布丝魂行动计划总成本")
    assert [(w.code, w.message, w.indicator) for w in check(rows, budget="933.00")] == [
        ("cost_positive", "成本指标使用了“≥”，成本目标通常应为“≤”", "布丝魂行动计划总成本"),
        ("cost_is_budget", "成本指标值 933万元 等于年度资金总额 933 万元，通常是照抄了预算数，而不是成本标准",
         "布丝魂行动计划总成本"),
    ]  # fmt: skip


def test_a_budget_sized_target_outside_cost_is_fine() -> None:
    assert "cost_is_budget" not in codes(swap(QUANTITY, target=D("100"), unit="万元"), budget="100")


# --- stale_date ---------------------------------------------------------------------------


def dated(text: str = "", deadline: datetime.date | None = None) -> tuple[TargetIndicator, ...]:
    return swap(QUALITY, level2="时效指标", comparator="≤" if deadline else "定性", target=None, unit="",
                target_text=text, deadline=deadline)  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "year", "stale"),
    [
        (dated("2020年12月31日前", datetime.date(2020, 12, 31)), 2021, 2020),
        (dated("2021年6月30日前", datetime.date(2021, 6, 30)), 2021, None),
        (dated("2021年12月31日前", datetime.date(2021, 12, 31)), 2022, 2021),
        (dated("2022年12月31日前", datetime.date(2022, 12, 31)), 2021, None),
        (dated("2021年全年"), 2021, None),  # no deadline and fine
        (dated("2020年全年完成"), 2021, None),  # no deadline either
        (dated("2020年底前完成"), 2021, 2020),
        (dated("2019年12月完成验收，2020年内投入使用"), 2021, 2019),
        (dated("2020年12月31日前", datetime.date(2020, 12, 31)), None, None),  # year unknown
        (dated("在2021年以前完成"), 2021, None),
        (dated("2020年以前完成"), 2021, 2020),
    ],
)
def test_stale_date(rows, year, stale) -> None:
    found = of("stale_date", rows, year=year)
    assert [w.message for w in found] == (
        [f"指标值的期限在 {stale} 年，早于项目年度 {year} 年，可能沿用了往年的目标"] if stale else []
    )


# --- template_text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"level3": "项目总成本(≤**万元)"}, "三级指标名称中留有模板提示“**”，请填写实际内容"),
        ({"level3": "XX项目完成率"}, "三级指标名称中留有模板提示“XX”，请填写实际内容"),
        ({"level3": "xx项目完成率"}, "三级指标名称中留有模板提示“XX”，请填写实际内容"),
        ({"level3": "×××覆盖率"}, "三级指标名称中留有模板提示“××”，请填写实际内容"),
        ({"level3": "ＸＸ覆盖率"}, "三级指标名称中留有模板提示“XX”，请填写实际内容"),
        ({"target_text": "≥**人次"}, "指标值中留有模板提示“**”，请填写实际内容"),
        ({"target_text": "＊＊"}, "指标值中留有模板提示“**”，请填写实际内容"),
        ({"unit": "（请填写）"}, "度量单位中留有模板提示“请填写”，请填写实际内容"),
        ({"level3": "**培训人次", "unit": "XX"}, "三级指标名称、度量单位中留有模板提示“**”、“XX”，请填写实际内容"),
        ({"level3": "培训人次*"}, None),
        ({"unit": "元/人×月"}, None),
        ({"level3": "X光机配置数"}, None),
    ],
)
def test_template_text(changes, message) -> None:
    found = of("template_text", swap(QUANTITY, **changes))
    assert [w.message for w in found] == ([message] if message else [])


# --- weights_missing, weights_sum ---------------------------------------------------------


def unweighted(rows: tuple[TargetIndicator, ...] = CLEAN) -> tuple[TargetIndicator, ...]:
    return tuple(replace(r, weight=None) for r in rows)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (unweighted(), [Warning("weights_missing", "各指标均未设置权重；自评时须设置，合计应为 90")]),
        (
            tuple(replace(r, weight=D(0)) for r in CLEAN),
            [Warning("weights_missing", "各指标均未设置权重；自评时须设置，合计应为 90")],
        ),
        (CLEAN, []),
        (swap(QUANTITY, weight=D("19.5")), [Warning("weights_sum", "指标权重合计 89.5，应为 90")]),
        (swap(QUANTITY, weight=None), [Warning("weights_sum", "指标权重合计 70，应为 90")]),
        ((*CLEAN, row("新增", weight="0")), []),
        (
            (*unweighted(CLEAN[:4]), replace(SATISFACTION, weight=D("0.2"))),
            [Warning("weights_sum", "指标权重合计 0.2，应为 90")],
        ),
        ((), []),
    ],
)
def test_weights(rows, expected) -> None:
    assert [w for w in check(rows) if w.code.startswith("weights")] == expected


def test_weights_sum_reuses_the_year_end_message_and_alone_blocks() -> None:
    rows = swap(QUANTITY, weight=D("19.5"))
    year_end = [w for w in evaluate(EvaluationInput(NATIONAL, rows)).warnings if w.code == "weights_sum"]
    assert of("weights_sum", rows) == year_end
    assert {"weights_sum"} == BLOCKING
    assert blocking(check(rows)) == tuple(year_end)
    assert blocking(check(unweighted((*CLEAN, row("稳步", "定性", None, text="稳步提高"))))) == ()


def test_every_code_has_a_chinese_label() -> None:
    assert set(LABELS) == {
        "no_output_quantity", "no_cost", "no_benefit", "no_satisfaction", "unmeasurable", "qualitative_heavy",
        "duplicate_indicator", "cost_positive", "cost_is_budget", "stale_date", "template_text", "weights_missing",
        "weights_sum",
    }  # fmt: skip


# --- the order ----------------------------------------------------------------------------


def test_warnings_come_in_a_stable_order() -> None:
    rows = (
        row("**培训", "定性", None, text="稳步提高", level2="质量指标"),
        row("总成本", "≥", "100", level2="成本指标", unit="万元"),
        row("**培训", level2="时效指标", text="2020年底前"),
        row("满意度", "定性", None, text="效果良好", level1="满意度指标", level2="服务对象满意度指标"),
    )
    assert [(w.code, w.indicator) for w in check(rows, budget="100", year=2021)] == [
        ("weights_missing", ""),
        ("no_output_quantity", ""),
        ("no_benefit", ""),
        ("unmeasurable", "**培训"),
        ("template_text", "**培训"),
        ("cost_positive", "总成本"),
        ("cost_is_budget", "总成本"),
        ("template_text", "**培训"),
        ("stale_date", "**培训"),
        ("unmeasurable", "满意度"),
        ("duplicate_indicator", "**培训"),
    ]


# --- properties ---------------------------------------------------------------------------

LEVEL1 = st.sampled_from(["产出指标", "效益指标", "满意度指标", "產出指標", "项目产出", "产出指标(50分)", ""])
LEVEL2 = st.sampled_from(
    ["数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会效益指标", "服务对象满意度指标",
     "社会公众或服务对象满意度指标", "數量指標", ""]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["稳步提高", "效果良好", "不适用", "无", "/", "**", "XX", "（请填写）", "2020年底前", "≥较好"]),
)
AMOUNTS = st.decimals(min_value=D("-1000"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)


@st.composite
def indicators(draw) -> TargetIndicator:
    return TargetIndicator(
        level1=draw(st.one_of(LEVEL1, st.text(max_size=8))),
        level2=draw(st.one_of(LEVEL2, st.text(max_size=8))),
        level3=draw(TEXT),
        comparator=draw(st.sampled_from(COMPARATORS)),
        weight=draw(st.one_of(st.none(), AMOUNTS)),
        target=draw(st.one_of(st.none(), AMOUNTS)),
        target_text=draw(TEXT),
        unit=draw(st.one_of(st.sampled_from(["", "万元", "元", "%", "人次", "亿元"]), st.text(max_size=4))),
        deadline=draw(st.one_of(st.none(), st.dates(datetime.date(2000, 1, 1), datetime.date(2040, 12, 31)))),
        not_applicable=draw(st.booleans()),
    )


declarations = st.lists(indicators(), max_size=8)
years = st.one_of(st.none(), st.integers(2000, 2040))
budgets = st.one_of(st.none(), AMOUNTS)


def run(rows, budget, year) -> tuple[Warning, ...]:
    return check_targets(TargetsInput(NATIONAL, tuple(rows), budget, year))


@SETTINGS
@given(declarations, budgets, years)
def test_checks_never_raise_speak_chinese_and_only_weights_sum_blocks(rows, budget, year) -> None:
    found = run(rows, budget, year)
    for w in found:
        assert w.code in LABELS and w.message and not w.message.isascii()
    assert {w.code for w in blocking(found)} == {w.code for w in found} & {"weights_sum"}


@SETTINGS
@given(declarations, budgets, years, st.randoms(use_true_random=False))
def test_the_row_order_changes_no_warning(rows, budget, year, rnd) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert Counter(run(rows, budget, year)) == Counter(run(shuffled, budget, year))


@SETTINGS
@given(declarations, budgets, years, indicators(), st.sampled_from(["level3", "target_text", "flag"]))
def test_adding_a_not_applicable_row_adds_no_unmeasurable(rows, budget, year, extra, how) -> None:
    marked = replace(extra, not_applicable=True) if how == "flag" else replace(extra, **{how: "不适用"})
    before = [w for w in run(rows, budget, year) if w.code == "unmeasurable"]
    after = [w for w in run([*rows, marked], budget, year) if w.code == "unmeasurable"]
    assert after == before
