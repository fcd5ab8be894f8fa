"""Tables that catch a wrong reading in evalsys/lib/parsing.py (issue 8 part 5, found by mutation testing).

The classes the older tests left open: the exact limits (500 characters, 40 for a unit, 100 points,
10¹¹ for values, 10¹² 万元) and their messages, rounding to what is stored (half up), `10 分`
weights, exponent-form and full-width numbers, the shortening of long cells in messages, and
the exact Chinese message of every refusal (domain.md §1, README "What an import may change").
Pure functions, no database.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalsys.lib.parsing import (
    COST_LEVEL2,
    LEVEL2,
    Actual,
    CellError,
    Target,
    _alternation,
    assume_comparator,
    clean_level_name,
    comparator_from_direction,
    normalize,
    parse_actual,
    parse_amount,
    parse_comparator,
    parse_decimal,
    parse_target,
    parse_weight,
    same_unit,
    split_code_name,
)
from tests.parsing_caches import fresh_parsing_caches  # noqa: F401 (autouse: each test reads afresh)

D = Decimal
SETTINGS = settings(max_examples=150, deadline=None)


def refused(function, *args, **kwargs) -> str:
    """The message of the CellError the call raises."""
    with pytest.raises(CellError) as info:
        function(*args, **kwargs)
    return str(info.value)


def exact(got: Decimal | None, expected: str) -> bool:
    """Same value and same digits (Decimal("0.10") is not Decimal("0.1"))."""
    return got is not None and str(got) == expected


# --- normalize: the whole full-width block, invisible characters, nothing else ---------------

NORMALIZE_CASES = [
    pytest.param("！", "!", id="first-full-width-FF01"),
    pytest.param("～", "~", id="last-full-width-FF5E"),
    pytest.param("｟", "｟", id="FF5F-is-kept"),
    pytest.param("＄１０", "$10", id="dollar-and-digits"),
    pytest.param("a\u3000b", "a b", id="ideographic-space"),
    pytest.param("XXL\u200b号", "XXL号", id="latin-letters-kept-zero-width-dropped"),
    pytest.param("\u200c\u200d\u2060\ufeff", "", id="all-invisible"),
    pytest.param("  a  \t b ", "a b", id="runs-of-spaces-are-one"),
    pytest.param("①㎡℃", "①㎡℃", id="not-nfkc"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZE_CASES)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_split_code_name_keeps_full_width_in_names_and_drops_invisible():
    assert split_code_name("140001-妇联（一期）\u200b") == ("140001", "妇联（一期）")
    assert split_code_name("XX项目\u3000\u3000一期") == ("", "XX项目 一期")


# --- numbers -----------------------------------------------------------------------------

DECIMAL_CASES = [
    pytest.param(D("1E+2"), "1E+2", id="exponent-decimal-cell-kept"),
    pytest.param(1e-05, "0.00001", id="exponent-float-cell-via-repr"),
    pytest.param(1.5e3, "1500.0", id="float-repr-1500.0"),
    pytest.param("95 %", "95", id="percent-after-space"),
    pytest.param("９５．５％", "95.5", id="full-width-percent"),
    pytest.param("−0.5", "-0.5", id="unicode-minus"),
    pytest.param("12,345,678", "12345678", id="thousands"),
]


@pytest.mark.parametrize(("raw", "expected"), DECIMAL_CASES)
def test_parse_decimal(raw, expected):
    assert exact(parse_decimal(raw), expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(False, "“False”不是数字", id="bool"),
        pytest.param(float("-inf"), "“-inf”不是数字", id="float-minus-inf"),
        pytest.param(D("sNaN"), "“sNaN”不是数字", id="decimal-snan"),
        pytest.param("95%%", "“95%%”不是数字", id="two-percent-signs"),
        pytest.param("%95", "“%95”不是数字", id="percent-first"),
        pytest.param("1e3", "“1e3”不是数字", id="exponent-text-is-not-a-number"),
    ],
)
def test_parse_decimal_refuses(raw, message):
    assert refused(parse_decimal, raw) == message


QUOTE_CASES = [
    pytest.param("一" * 30, "“" + "一" * 30 + "”不是数字", id="30-characters-quoted-whole"),
    pytest.param("一" * 31, "“" + "一" * 29 + "…”不是数字", id="31-characters-cut-to-29-and-ellipsis"),
]


@pytest.mark.parametrize(("raw", "message"), QUOTE_CASES)
def test_long_cells_are_shortened_in_messages(raw, message):
    assert refused(parse_decimal, raw) == message


# --- amounts (万元): cents half up, below 10¹², never negative ---------------------------------

AMOUNT_CASES = [
    pytest.param("900", "900", id="whole"),
    pytest.param("804.73", "804.73", id="cents-kept"),
    pytest.param("0.5", "0.5", id="half-wan-yuan"),
    pytest.param("0.005", "0.01", id="half-cent-up"),
    pytest.param("0.015", "0.02", id="half-cent-up-odd"),
    pytest.param("0.0049", "0.00", id="below-half-cent"),
    pytest.param("-0.004", "0.00", id="negative-below-half-cent-reads-0"),
    pytest.param("1,234.565", "1234.57", id="thousands-and-half-cent"),
    pytest.param(0.1 + 0.2 - 0.3, "0.00", id="float-noise-5.55e-17"),
    pytest.param("999999999999.99", "999999999999.99", id="largest"),
    pytest.param(D("1.2E+3"), "1.2E+3", id="exponent-cell-kept"),
]


@pytest.mark.parametrize(("raw", "expected"), AMOUNT_CASES)
def test_parse_amount(raw, expected):
    assert exact(parse_amount(raw), expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("-0.01", "金额不能为负数", id="negative-cent"),
        pytest.param("-0.006", "金额不能为负数", id="negative-rounds-to-a-cent"),
        pytest.param("1000000000000", "金额“1000000000000”超出可保存的范围，绝对值须小于 1,000,000,000,000", id="1e12"),
        pytest.param(
            "-1000000000000.5",
            "金额“-1000000000000.5”超出可保存的范围，绝对值须小于 1,000,000,000,000",
            id="minus-1e12",
        ),
        pytest.param(D("1E+12"), "金额“1000000000000”超出可保存的范围，绝对值须小于 1,000,000,000,000", id="exponent"),
    ],
)
def test_parse_amount_refuses(raw, message):
    assert refused(parse_amount, raw) == message


# --- weights: `10 分`, cents half up, 0 to 100 ----------------------------------------------------

WEIGHT_CASES = [
    pytest.param("10 分", "10", id="points-with-space"),
    pytest.param("１０ 分", "10", id="full-width-points"),
    pytest.param("10分 ", "10", id="trailing-space"),
    pytest.param("100", "100", id="largest"),
    pytest.param("100.00分", "100.00", id="largest-with-cents"),
    pytest.param("7.555", "7.56", id="half-cent-up"),
    pytest.param("7.545", "7.55", id="half-cent-up-even-neighbour"),
    pytest.param("0.004", "0.00", id="below-half-cent"),
    pytest.param("-0.00", "0.00", id="negative-zero-reads-0"),
    pytest.param(D("1E+1"), "1E+1", id="exponent-cell"),
    pytest.param(12.5, "12.5", id="float-cell"),
]


@pytest.mark.parametrize(("raw", "expected"), WEIGHT_CASES)
def test_parse_weight(raw, expected):
    assert exact(parse_weight(raw), expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("100.01", "权重“100.01”超过 100 分，请填写分值（0–100）", id="above-100"),
        pytest.param("101分", "权重“101”超过 100 分，请填写分值（0–100）", id="above-100-points"),
        pytest.param(D("1E+3"), "权重“1000”超过 100 分，请填写分值（0–100）", id="exponent-written-out"),
        pytest.param("-0.004", "权重不能为负数，请填写 0 或正数", id="negative-below-half-cent"),
        pytest.param("10分分", "“10分”不是数字", id="points-twice"),
    ],
)
def test_parse_weight_refuses(raw, message):
    assert refused(parse_weight, raw) == message


# --- limits of values and texts (README "What an import may change") ----------------------------

SIZE_CASES = [
    pytest.param("≥100000000000", "指标值“100000000000”超出可保存的范围，绝对值须小于 100,000,000,000", id="1e11"),
    pytest.param(
        "≥-100000000000", "指标值“-100000000000”超出可保存的范围，绝对值须小于 100,000,000,000", id="minus-1e11"
    ),
]


@pytest.mark.parametrize(("cell", "message"), SIZE_CASES)
def test_target_value_limit(cell, message):
    assert refused(parse_target, cell) == message


def test_largest_target_and_actual_are_kept():
    target = parse_target("≥99999999999.9999")
    assert exact(target.value, "99999999999.9999")
    assert exact(parse_actual("99999999999.9999", target=target).value, "99999999999.9999")
    message = "实际完成值“100000000000”超出可保存的范围，绝对值须小于 100,000,000,000"
    assert refused(parse_actual, "100000000000", target=target) == message


def test_values_are_rounded_half_up_to_four_places_as_stored():
    target = parse_target("≥0.00005")
    assert exact(target.value, "0.0001")
    assert target.text == "≥0.00005"
    assert exact(parse_actual("0.00015", target=target).value, "0.0002")
    assert exact(parse_actual("0.00004", target=target).value, "0.0000")


LENGTH_CASES = [
    pytest.param(parse_target, ("字" * 500,), {"comparator": "定性"}, None, id="target-500-ok"),
    pytest.param(
        parse_target,
        ("字" * 501,),
        {"comparator": "定性"},
        "指标值过长（501 字），最多 500 字，请精简",
        id="target-501",
    ),
    pytest.param(parse_target, ("50",), {"comparator": "≥", "unit": "位" * 40}, None, id="unit-40-ok"),
    pytest.param(
        parse_target,
        ("50",),
        {"comparator": "≥", "unit": "位" * 41},
        "度量单位过长（41 字），最多 40 字，请精简",
        id="unit-41",
    ),
    pytest.param(
        parse_actual,
        ("达成" + "。" * 498,),
        {"target": Target("定性", None, "多渠道宣传售卖", "", None, False)},
        None,
        id="actual-500-ok",
    ),
    pytest.param(
        parse_actual,
        ("达成" + "。" * 499,),
        {"target": Target("定性", None, "多渠道宣传售卖", "", None, False)},
        "实际完成值过长（501 字），最多 500 字，请精简",
        id="actual-501",
    ),
]


@pytest.mark.parametrize(("function", "args", "kwargs", "message"), LENGTH_CASES)
def test_text_limits(function, args, kwargs, message):
    if message is None:
        assert function(*args, **kwargs) is not None
    else:
        assert refused(function, *args, **kwargs) == message


# --- comparators, directions and level names: exact messages --------------------------------------

COMPARATOR_MESSAGES = [
    pytest.param(parse_comparator, "", "为空，请填写指标性质（≥、>、≤、<、= 或 定性）", id="empty"),
    pytest.param(
        parse_comparator, "反向指标", "“反向指标”是指标方向，不是指标性质，请填写 ≥、>、≤、<、= 或 定性", id="direction"
    ),
    pytest.param(
        parse_comparator, "内", "“内”不是可识别的指标性质，请填写 ≥、>、≤、<、= 或 定性", id="bare-nei-is-no-sign"
    ),
    pytest.param(comparator_from_direction, None, "为空，请填写指标方向（正向 或 反向）", id="direction-empty"),
    pytest.param(
        comparator_from_direction, "中性指标", "“中性指标”不是指标方向，请填写“正向”或“反向”", id="direction-unknown"
    ),
]


@pytest.mark.parametrize(("function", "raw", "message"), COMPARATOR_MESSAGES)
def test_comparator_messages(function, raw, message):
    assert refused(function, raw) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("以下", "≤", id="trailing-word-as-column"),
        pytest.param("及以上", "≥", id="and-above"),
        pytest.param("之内", "≤", id="within"),
        pytest.param("至少", "≥", id="at-least"),
        pytest.param("最多", "≤", id="at-most"),
        pytest.param("超过", ">", id="more-than"),
        pytest.param("==", "=", id="double-equals"),
        pytest.param("= <", "≤", id="spaced-reversed-le"),
        pytest.param("= >", "≥", id="spaced-reversed-ge"),
    ],
)
def test_parse_comparator_words(raw, expected):
    assert parse_comparator(raw) == expected


LEVEL_NAME_CASES = [
    pytest.param("产出指标:50分", True, "产出指标", id="colon-points"),
    pytest.param("产出指标〔50分〕", True, "产出指标", id="tortoise-brackets"),
    pytest.param("产出指标（权重：50）", True, "产出指标", id="weight-word"),
    pytest.param("产出指标[ 12.5 分 ]", True, "产出指标", id="spaced-inside"),
    pytest.param("产出指标50", True, "产出指标50指标", id="bare-number-is-not-points"),
    pytest.param("效益 等", True, "效益指标", id="spaced-deng"),
    pytest.param("等", True, "", id="only-deng"),
    pytest.param("过程等", False, "过程", id="no-suffix-deng"),
]


@pytest.mark.parametrize(("raw", "suffix", "expected"), LEVEL_NAME_CASES)
def test_clean_level_name(raw, suffix, expected):
    assert clean_level_name(raw, suffix=suffix) == expected


SPLIT_CASES = [
    pytest.param("A123-2022年项目", ("A123", "2022年项目"), id="four-characters-with-a-letter"),
    pytest.param("12345-2022年项目", ("12345", "2022年项目"), id="five-digits-before-a-digit"),
    pytest.param("1234-A项目", ("1234", "A项目"), id="four-digits-before-a-letter"),
    pytest.param("ABCDE-项目", ("", "ABCDE-项目"), id="no-digit-no-code"),
    pytest.param("１４０００１－妇联", ("140001", "妇联"), id="full-width-code-normalised"),
    pytest.param("140001‐妇联", ("140001", "妇联"), id="hyphen-2010"),
    pytest.param("140001‑妇联", ("140001", "妇联"), id="non-breaking-hyphen-2011"),
]


@pytest.mark.parametrize(("raw", "expected"), SPLIT_CASES)
def test_split_code_name(raw, expected):
    assert split_code_name(raw) == expected


@pytest.mark.parametrize(
    ("level2", "unit", "expected"),
    [
        pytest.param("时效指标", "个周", "≤", id="ge-prefixed-week"),
        pytest.param("时效指标", "个", "≥", id="bare-ge-is-no-time"),
        pytest.param("时效指标", "—", "≥", id="placeholder-unit"),
        pytest.param("时效指标（10分）", "天", "≤", id="level2-with-points"),
        pytest.param("社会成本", "人", "≤", id="cost-without-suffix"),
        pytest.param("成本效益指标", "万元", "≥", id="not-a-cost-level2"),
    ],
)
def test_assume_comparator(level2, unit, expected):
    assert assume_comparator(level2, unit) == expected


# --- targets: signs, units, dates ---------------------------------------------------------------

TARGET_CASES = [
    # cell, comparator column, unit column, level2, expected Target
    pytest.param(D("1E+2"), "≥", "人", "", Target("≥", D("100"), "100", "人", None, False), id="exponent-cell"),
    pytest.param(
        "30万元", "", "", "成本指标", Target("≤", D("30"), "30万元", "万元", None, True), id="no-sign-cost-assumed-le"
    ),
    pytest.param("7个月", "", "", "时效指标", Target("≤", D("7"), "7个月", "个月", None, True), id="no-sign-time-le"),
    pytest.param("95%", "", "", "质量指标", Target("≥", D("95"), "95%", "%", None, True), id="no-sign-quality-ge"),
    pytest.param("95", "定量", "%", "质量指标", Target("≥", D("95"), "95", "%", None, True), id="dingliang-column"),
    pytest.param("12", "", "月", "时效指标", Target("≤", D("12"), "12", "月", None, True), id="unit-column-time"),
    pytest.param("10KM", "≤", "km", "", Target("≤", D("10"), "10KM", "km", None, False), id="unit-case-insensitive"),
    pytest.param("3个月", "≤", "月", "", Target("≤", D("3"), "3个月", "月", None, False), id="ge-month-alias"),
    pytest.param("3日", "≤", "天", "", Target("≤", D("3"), "3日", "天", None, False), id="day-alias"),
    pytest.param("2星期", "≤", "周", "", Target("≤", D("2"), "2星期", "周", None, False), id="week-alias"),
    pytest.param("80", "≥", "百分比", "", Target("≥", D("80"), "80", "百分比", None, False), id="percent-word"),
    pytest.param("80%", "≥", "百分率", "", Target("≥", D("80"), "80%", "百分率", None, False), id="percent-rate-word"),
    pytest.param("≥ 1,000 元", "", "/", "", Target("≥", D("1000"), "≥ 1,000 元", "元", None, False), id="slash-unit"),
    pytest.param("达到95%", "", "", "", Target("≥", D("95"), "达到95%", "%", None, True), id="filler-daodao"),
    pytest.param(
        "保持在90%以上", "", "", "", Target("≥", D("90"), "保持在90%以上", "%", None, False), id="filler-keep"
    ),
    pytest.param("全覆盖", "", "", "", Target("定性", None, "全覆盖", "", None, False), id="words-are-qualitative"),
    pytest.param("3年内完成", "", "", "", Target("定性", None, "3年内完成", "", None, False), id="sentence-not-a-unit"),
]


@pytest.mark.parametrize(("cell", "comparator", "unit", "level2", "expected"), TARGET_CASES)
def test_parse_target(cell, comparator, unit, level2, expected):
    assert parse_target(cell, comparator=comparator, unit=unit, level2=level2) == expected


DEADLINE_CASES = [
    pytest.param("2024年2月前", datetime.date(2024, 2, 29), id="month-end-leap-year"),
    pytest.param("2023年2月前", datetime.date(2023, 2, 28), id="month-end-common-year"),
    pytest.param("2022年底前", datetime.date(2022, 12, 31), id="year-end"),
    pytest.param("2022年度内完成", datetime.date(2022, 12, 31), id="within-the-year"),
    pytest.param("2022年6月底前", datetime.date(2022, 6, 30), id="end-of-june"),
    pytest.param("2022.9.1", datetime.date(2022, 9, 1), id="dotted"),
    pytest.param("截至2022年11月30日", datetime.date(2022, 11, 30), id="as-of"),
    pytest.param("2022年11月30号前", datetime.date(2022, 11, 30), id="hao"),
]


@pytest.mark.parametrize(("cell", "deadline"), DEADLINE_CASES)
def test_parse_target_deadlines(cell, deadline):
    assert parse_target(cell) == Target("≤", None, cell, "", deadline, False)


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        pytest.param(
            "2022年12月31日前", ">", "日期目标“2022年12月31日前”的指标性质应为“≤”（不晚于），而不是“>”", id="gt"
        ),
        pytest.param("2022年12月31日前", "定性", None, id="qualitative-column-keeps-text"),
        pytest.param("2022年0月前", "", "“2022年0月前”不是有效日期，请检查年、月、日", id="month-0"),
        pytest.param("≥5以内", "", "“≥5以内”中同时写了“≥”和“≤”，请只保留一个", id="two-signs"),
        pytest.param("50人", "≥", None, id="unit-in-cell-only"),
    ],
)
def test_parse_target_messages(cell, column, message):
    if message is None:
        assert parse_target(cell, comparator=column).text == cell
    else:
        assert refused(parse_target, cell, comparator=column) == message


def test_unit_column_and_cell_must_agree():
    message = "度量单位“人次”与指标值中的单位“人”不一致，请统一"
    assert refused(parse_target, "50人", comparator="≥", unit="人次") == message
    assert parse_target("50元/人*月", comparator="≥", unit="元/人·月").unit == "元/人·月"


# --- actuals -----------------------------------------------------------------------------------

QUAL = Target("定性", None, "多渠道宣传售卖", "", None, False)
DEADLINE = Target("≤", None, "2022年12月31日前", "", datetime.date(2022, 12, 31), False)
PEOPLE = Target("≥", D("300"), "≥300人", "人", None, False)

QUALITATIVE_READINGS = [
    pytest.param("达成年度指标。", "达成", False, id="long-label-with-stop"),
    pytest.param("不断提升", "达成", True, id="budu-is-no-negation"),
    pytest.param("无论如何都实现了", "达成", True, id="wulun-is-no-negation"),
    pytest.param("不仅完成还提高", "达成", True, id="bujin-is-no-negation"),
    pytest.param("未来持续显著", "达成", True, id="weilai-is-no-negation"),
    pytest.param("满意度不低于90%，效果显著", "达成", True, id="budiyu-is-a-sign"),
    pytest.param("无明显变化", "未达成", True, id="wu-negates"),
    pytest.param("部分实现；", "部分达成", True, id="partial-with-semicolon"),
    pytest.param("多渠道宣传售卖！", "达成", True, id="target-repeated-with-punctuation"),
]


@pytest.mark.parametrize(("cell", "label", "assumed"), QUALITATIVE_READINGS)
def test_qualitative_readings(cell, label, assumed):
    assert parse_actual(cell, target=QUAL) == Actual(None, normalize(cell), label, assumed, None)


@pytest.mark.parametrize(
    ("cell", "on_date", "assumed"),
    [
        pytest.param("2022-11-30 9:05", datetime.date(2022, 11, 30), False, id="date-time"),
        pytest.param("2022/11/30 09:05:10", datetime.date(2022, 11, 30), False, id="date-time-seconds"),
        pytest.param("在2022年11月完成", datetime.date(2022, 11, 30), False, id="month-done"),
        pytest.param("2022年12月31日之前完成", datetime.date(2022, 12, 31), True, id="before-written"),
        pytest.param("准时", datetime.date(2022, 12, 31), True, id="on-time-word"),
        pytest.param("2022年12月31日前", datetime.date(2022, 12, 31), True, id="target-repeated"),
    ],
)
def test_deadline_actuals(cell, on_date, assumed):
    assert parse_actual(cell, target=DEADLINE) == Actual(None, cell, "", assumed, on_date)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        pytest.param("推迟完成", "“推迟完成”表示未按时完成，请填写实际完成日期（如 2022年11月30日）", id="late-word"),
        pytest.param("超期", "“超期”表示未按时完成，请填写实际完成日期（如 2022年11月30日）", id="overdue"),
        pytest.param("完成了", "“完成了”不是日期，请填写实际完成日期（如 2022年11月30日）", id="done-is-only-exact"),
    ],
)
def test_deadline_actual_messages(cell, message):
    assert refused(parse_actual, cell, target=DEADLINE) == message


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        pytest.param("零投诉", "“零投诉”不是数字，请填写数值（例如“零投诉”填 0）", id="ling"),
        pytest.param("未发生事故", "“未发生事故”不是数字，请填写数值（例如“未发生事故”填 0）", id="weifasheng"),
        pytest.param("较好", "“较好”不是数字，请填写实际完成的数值（例如 95）", id="words"),
    ],
)
def test_quantitative_actual_messages(cell, message):
    assert refused(parse_actual, cell, target=PEOPLE) == message


@pytest.mark.parametrize(
    ("cell", "value", "text"),
    [
        pytest.param(D("3.0E+2"), "3.0E+2", "300", id="exponent-decimal-cell-written-out"),
        pytest.param(300.0, "300.0", "300.0", id="float-cell"),
        pytest.param("≥300人", "300", "≥300人", id="sign-in-actual-ignored"),
        pytest.param("300.00005", "300.0001", "300.00005", id="rounded-as-stored"),
    ],
)
def test_quantitative_actual_values(cell, value, text):
    got = parse_actual(cell, target=PEOPLE)
    assert exact(got.value, value)
    assert got.text == text


# --- invariants ---------------------------------------------------------------------------------


@SETTINGS
@given(st.decimals(min_value=D(0), max_value=D(100), places=4, allow_nan=False, allow_infinity=False), st.booleans())
def test_weight_is_cents_half_up_of_what_is_written(value, suffix):
    written = f"{value:f}{' 分' if suffix else ''}"
    got = parse_weight(written)
    assert got == value.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert got >= 0 and not got.is_signed()


@SETTINGS
@given(st.decimals(min_value=D("-1e12") + 1, max_value=D("1e12") - 1, places=3, allow_nan=False, allow_infinity=False))
def test_amount_is_cents_half_up_or_refused_when_negative(value):
    cents = value.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    if cents < 0:
        assert refused(parse_amount, f"{value:,f}") == "金额不能为负数"
    elif cents.copy_abs() < D("1e12"):
        assert parse_amount(f"{value:,f}") == cents


# --- every sign word of domain.md §1, in the 指标性质 column and inside the value cell ------------

LEADING_WORDS = [
    *[(w, "≥") for w in ("≥", ">=", "=>", "≧", "⩾", "大于等于", "大于或等于", "不少于", "不低于", "不小于")],
    *[(w, "≥") for w in ("不得少于", "不得低于", "至少")],
    *[(w, ">") for w in (">", "大于", "高于", "超过")],
    *[(w, "≤") for w in ("≤", "<=", "=<", "≦", "⩽", "小于等于", "小于或等于", "不超过", "不高于", "不大于")],
    *[(w, "≤") for w in ("小于", "低于", "不多于", "不得超过", "不得高于", "至多", "最多")],
    ("<", "<"),
    *[(w, "=") for w in ("=", "==", "═", "﹦", "等于")],
]
TRAILING_WORDS = [
    *[(w, "≥") for w in ("以上", "及以上", "或以上")],
    *[(w, "≤") for w in ("以内", "之内", "内", "以下", "及以下", "或以下")],
]


@pytest.mark.parametrize(("word", "sign"), LEADING_WORDS, ids=[w for w, _ in LEADING_WORDS])
def test_leading_sign_word(word, sign):
    assert parse_comparator(word) == sign
    assert parse_target(f"{word}50人次") == Target(sign, D(50), f"{word}50人次", "人次", None, False)


@pytest.mark.parametrize(("word", "sign"), TRAILING_WORDS, ids=[w for w, _ in TRAILING_WORDS])
def test_trailing_sign_word(word, sign):
    if word == "内":  # a bare 内 is no sign on its own (`10天内` is)
        assert refused(parse_comparator, word) == "“内”不是可识别的指标性质，请填写 ≥、>、≤、<、= 或 定性"
    else:
        assert parse_comparator(word) == sign
    assert parse_target(f"95%{word}") == Target(sign, D(95), f"95%{word}", "%", None, False)


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param("3年内完成", id="wancheng"),
        pytest.param("5个工作日前", id="qian"),
        pytest.param("10天内外", id="nei-inside-the-unit"),
        pytest.param("5以外", id="yi"),
        pytest.param("6月底", id="di"),
        pytest.param("5万元不超过", id="sign-word-after-the-unit"),
    ],
)
def test_sentences_are_not_units(cell):
    """A number followed by words that make a sentence is a 定性 text, not a quantity with a unit."""
    assert parse_target(cell) == Target("定性", None, cell, "", None, False)


@pytest.mark.parametrize("placeholder", ["-", "--", "—", "——", "/", "无", " "])
def test_unit_placeholders_mean_no_unit(placeholder):
    assert parse_target("50", comparator="≥", unit=placeholder) == Target("≥", D(50), "50", "", None, False)


@pytest.mark.parametrize(
    ("column", "in_cell"),
    [
        pytest.param("元/人·月", "元/人*月", id="star"),
        pytest.param("元/人·月", "元/人×月", id="times"),
        pytest.param("元/人·月", "元/人・月", id="katakana-dot"),
        pytest.param("个月", "月", id="ge-month"),
        pytest.param("天", "日", id="ri"),
        pytest.param("周", "个星期", id="ge-xingqi"),
        pytest.param("%", "百分比", id="percent-word"),
        pytest.param("KM", "km", id="case"),
    ],
)
def test_unit_variants_agree(column, in_cell):
    target = parse_target(f"≥5{in_cell}", unit=column)
    assert target.unit == column
    assert parse_actual(f"6{in_cell}", target=target).unit == ""


def test_bullet_joined_unit_inside_the_value_cell():
    target = parse_target("≥5元/人•月", unit="元/人·月")
    assert target == Target("≥", D(5), "≥5元/人•月", "元/人·月", None, False)


def test_level_vocabulary_is_domain_1():
    assert LEVEL2 == {
        "产出指标": (
            "数量指标",
            "质量指标",
            "时效指标",
            "成本指标",
            "经济成本指标",
            "社会成本指标",
            "生态环境成本指标",
        ),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    }
    assert COST_LEVEL2 == ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        pytest.param("定量指标", ("≥", True), id="dingliang-zhibiao"),
        pytest.param("定量", ("≥", True), id="dingliang"),
        pytest.param("定性指标", ("定性", False), id="dingxing-zhibiao"),
    ],
)
def test_quantitative_and_qualitative_column_words(column, expected):
    got = parse_target("50", comparator=column, unit="人", level2="数量指标")
    assert (got.comparator, got.sign_assumed) == expected


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        pytest.param("不少于预期", "", id="bushaoyu-alone-says-nothing"),
        pytest.param("不少于预期，效果明显", "达成", id="bushaoyu-is-no-negation"),
        pytest.param("不小于预期，显著", "达成", id="buxiaoyu-is-no-negation"),
        pytest.param("基本实现", "部分达成", id="jiben"),
        pytest.param("没有明显提升", "未达成", id="meiyou"),
    ],
)
def test_more_qualitative_words(cell, label):
    if not label:
        assert refused(parse_actual, cell, target=QUAL).startswith(f"无法从“{cell}”判断完成情况")
    else:
        assert parse_actual(cell, target=QUAL) == Actual(None, normalize(cell), label, True, None)


@pytest.mark.parametrize("cell", ["未按期完成", "未如期完成", "没有完成", "延迟", "工作滞后", "延期"])
def test_every_late_word_asks_for_the_date(cell):
    message = f"“{cell}”表示未按时完成，请填写实际完成日期（如 2022年11月30日）"
    assert refused(parse_actual, cell, target=DEADLINE) == message


@pytest.mark.parametrize("cell", ["按时", "按期交付", "如期", "提前完成", "准时", "已完成", "全部完成"])
def test_every_on_time_word_reads_the_deadline(cell):
    assert parse_actual(cell, target=DEADLINE) == Actual(None, cell, "", True, datetime.date(2022, 12, 31))


@pytest.mark.parametrize(
    ("cell", "target", "unit"),
    [
        pytest.param("300人次", PEOPLE, "人次", id="other-unit-kept-for-unit-mismatch"),
        pytest.param("300人", PEOPLE, "", id="same-unit"),
        pytest.param("300", PEOPLE, "", id="no-unit-in-cell"),
        pytest.param("5起", Target("=", D(0), "0", "", None, False), "", id="target-without-unit"),
    ],
)
def test_actual_unit_is_set_only_when_it_differs(cell, target, unit):
    got = parse_actual(cell, target=target)
    assert (got.value, got.unit) == (D(cell.rstrip("人次起")), unit)


def test_deadline_with_equal_column_and_target_kinds():
    got = parse_target("2022年12月31日前", comparator="=")
    assert got == Target("≤", None, "2022年12月31日前", "", datetime.date(2022, 12, 31), False)
    assert (got.is_deadline, got.is_qualitative) == (True, False)
    text = parse_target("多渠道宣传售卖")
    assert (text.is_deadline, text.is_qualitative) == (False, True)
    number = parse_target("≥9期")
    assert (number.is_deadline, number.is_qualitative) == (False, False)


@pytest.mark.parametrize("cell", ["-0.00", "-0"])
def test_negative_zero_amount_reads_zero(cell):
    assert str(parse_amount(cell)) in ("0.00", "0")


@pytest.mark.parametrize(
    ("cell", "label", "assumed"),
    [
        pytest.param("达成。", "达成", False, id="only-punctuation-is-stripped"),
        pytest.param("达成X", "达成", True, id="a-trailing-letter-is-not-punctuation"),
        pytest.param("≥达成", "达成", False, id="a-leading-sign-is-stripped"),
        pytest.param("X达成", "达成", True, id="a-leading-letter-is-not-a-sign"),
    ],
)
def test_what_the_label_comparison_ignores(cell, label, assumed):
    assert parse_actual(cell, target=QUAL) == Actual(None, cell, label, assumed, None)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        pytest.param("元/人*月", "元/人·月", True, id="joiners"),
        pytest.param("个月", "月", True, id="ge-month"),
        pytest.param("日", "天", True, id="ri-tian"),
        pytest.param("人", "人次", False, id="different"),
    ],
)
def test_same_unit(first, second, same):
    assert same_unit(first, second) is same


def test_sign_words_are_tried_longest_first():
    """The sign alternation lists longer words first (大于等于 before 大于), each escaped."""
    assert _alternation(("≥", ">=", "大于等于", "大于", "(")) == r"大于等于|>=|大于|≥|\("


@pytest.mark.parametrize(
    ("target", "cell", "assumed", "on_date"),
    [
        pytest.param("2022年 12月31日", "2022年12月31日", True, datetime.date(2022, 12, 31), id="target-with-a-space"),
        pytest.param("2022年12月31日", "2022年 12月31日", True, datetime.date(2022, 12, 31), id="actual-with-a-space"),
        pytest.param("2022年12月31日前", "按 时", True, datetime.date(2022, 12, 31), id="spaced-on-time-word"),
        pytest.param(datetime.date(2022, 12, 31), datetime.date(2022, 12, 31), False, datetime.date(2022, 12, 31),
                     id="date-cell-equal-to-a-date-cell-target"),
    ],
)  # fmt: skip
def test_deadline_actual_repeating_the_target(target, cell, assumed, on_date):
    got = parse_actual(cell, target=parse_target(target))
    assert (got.assumed, got.on_date, got.value, got.label) == (assumed, on_date, None, "")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("2021-3月专项", ("", "2021-3月专项"), id="year-then-digit-is-a-range"),
        pytest.param("1234-5", ("", "1234-5"), id="four-digits-then-one-digit"),
    ],
)
def test_split_code_name_ranges(raw, expected):
    assert split_code_name(raw) == expected


# --- month deadlines without a year (added with _match_month) -------------------------------------


@pytest.mark.parametrize("cell", ["9 月前", "9月 前", " 9月前"])
def test_month_deadline_with_spaces(cell):
    assert str(parse_target(cell, year=2023).deadline) == "2023-09-30"


@pytest.mark.parametrize(("cell", "assumed"), [("7月前", True), ("7月", False), ("7月底", False)])
def test_month_actual_written_as_a_bound_is_assumed(cell, assumed):
    got = parse_actual(cell, target=parse_target("9月前", year=2023))
    assert (str(got.on_date), got.assumed) == ("2023-07-31", assumed)


@pytest.mark.parametrize("cell", ["13月前", "2月30日前"])
def test_month_deadline_that_is_no_date(cell):
    with pytest.raises(CellError) as info:
        parse_target(cell, year=2023)
    assert str(info.value) == f"“{cell}”不是有效日期，请检查月、日"
