"""Tests for evalsys.lib.parsing: pure functions, no database, no Django."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalsys.lib.parsing import (
    COMPARATORS,
    LEVEL1,
    LEVEL2,
    QUALITATIVE_LABELS,
    TIME_UNITS,
    Actual,
    CellError,
    Target,
    assume_comparator,
    clean_level_name,
    comparator_from_direction,
    direction_for,
    is_cost_level2,
    normalize,
    parse_actual,
    parse_comparator,
    parse_decimal,
    parse_target,
    parse_weight,
    split_code_name,
)
from tests.parsing_caches import fresh_parsing_caches  # noqa: F401 (autouse: each test reads afresh)

D = Decimal


def same_decimal(got: Decimal | None, expected: str) -> bool:
    """Equal in value and in the digits written (Decimal("100") is not Decimal("1E+2"))."""
    return got is not None and got == D(expected) and str(got) == expected


# ---------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  产出指标 ", "产出指标"),
        ("０１２３４５６７８９", "0123456789"),
        ("ＡＢＣｘｙｚ", "ABCxyz"),
        ("（５０分）", "(50分)"),
        ("９５％", "95%"),
        ("１，０００．５０", "1,000.50"),
        ("＞＝８０", ">=80"),
        ("＜＝", "<="),
        ("＝", "="),
        ("≥ ≤ ≧ ≦ ═ ﹦", "≥ ≤ ≧ ≦ ═ ﹦"),
        ("a\nb\tc", "a b c"),
        ("a\u3000\u3000b", "a b"),
        ("a\xa0b", "a b"),
        ("a\u200bb\ufeff", "ab"),
        ("“布丝瑰”专项行动", "“布丝瑰”专项行动"),
        ("目标。、", "目标。、"),
        ("㎡", "㎡"),
        (50, "50"),
        (0.1, "0.1"),
        (D("1.50"), "1.50"),
    ],
)
def test_normalize(raw: object, expected: str) -> None:
    assert normalize(raw) == expected


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once


# ---------------------------------------------------------------------------- parse_decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50", "50"),
        ("  50 ", "50"),
        ("0", "0"),
        ("90.0", "90.0"),
        ("127.34", "127.34"),
        ("1,000", "1000"),
        ("1,234,567.89", "1234567.89"),
        ("1，000.50", "1000.50"),
        ("１，０００", "1000"),
        ("５０", "50"),
        ("+5", "5"),
        ("-3", "-3"),
        ("−3", "-3"),
        ("-0.5", "-0.5"),
        (".5", "0.5"),
        ("95%", "95"),
        ("95 %", "95"),
        ("９５％", "95"),
        ("100%", "100"),
        (7, "7"),
        (-12, "-12"),
        (0, "0"),
        (0.1, "0.1"),
        (0.2, "0.2"),
        (804.73, "804.73"),
        (100.0, "100.0"),
        (D("933.00"), "933.00"),
        (D("-1.5"), "-1.5"),
    ],
)
def test_parse_decimal_accepts(raw: object, expected: str) -> None:
    got = parse_decimal(raw)
    assert isinstance(got, Decimal)
    assert same_decimal(got, expected)


def test_parse_decimal_float_keeps_written_digits() -> None:
    assert parse_decimal(0.1) == D("0.1")
    assert parse_decimal(0.1) != D(0.1)
    assert parse_decimal(0.1) + parse_decimal(0.2) == D("0.3")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("五十", "“五十”不是数字"),
        ("- 147 -", "“- 147 -”不是数字"),
        ("abc", "“abc”不是数字"),
        ("1,5", "“1,5”不是数字"),
        ("1,0000", "“1,0000”不是数字"),
        ("1.2.3", "“1.2.3”不是数字"),
        ("%", "“%”不是数字"),
        ("50人", "“50人”不是数字"),
        ("≥50", "“≥50”不是数字"),
        ("1e3", "“1e3”不是数字"),
        ("--5", "“--5”不是数字"),
        ("- 5", "“- 5”不是数字"),
        (True, "“True”不是数字"),
        (float("nan"), "“nan”不是数字"),
        (float("inf"), "“inf”不是数字"),
        (D("NaN"), "“NaN”不是数字"),
        ("", "为空，请填写数字"),
        ("   ", "为空，请填写数字"),
        ("\u3000", "为空，请填写数字"),
        (None, "为空，请填写数字"),
    ],
)
def test_parse_decimal_refuses(raw: object, message: str) -> None:
    with pytest.raises(CellError) as info:
        parse_decimal(raw)
    assert str(info.value) == message


def test_cell_error_is_a_value_error() -> None:
    assert issubclass(CellError, ValueError)


def test_long_text_is_shortened_in_message() -> None:
    with pytest.raises(CellError) as info:
        parse_decimal("这是一段非常非常长的说明文字" * 5)
    assert len(str(info.value)) < 45
    assert "…”不是数字" in str(info.value)


_FULL_WIDTH_DIGITS = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.booleans(),
)
def test_parse_decimal_round_trips_formatted_decimals(value: Decimal, full_width: bool, percent: bool) -> None:
    text = f"{value:,f}"
    if full_width:
        text = text.translate(_FULL_WIDTH_DIGITS)
    if percent:
        text += "％" if full_width else "%"
    assert parse_decimal(text) == value


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_decimal_of_float_matches_repr(value: float) -> None:
    assert parse_decimal(value) == D(repr(value))


# ---------------------------------------------------------------------------- comparators


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[(s, "≥") for s in ("≥", "＞＝", ">=", "> =", "≧", "⩾", "大于等于", "不少于", "不低于", "以上", "不小于")],
        *[(s, ">") for s in (">", "＞", "大于", "高于")],
        *[
            (s, "≤")
            for s in ("≤", "＜＝", "<=", "≦", "⩽", "小于等于", "不超过", "不高于", "小于", "以内", "低于", "不大于")
        ],
        *[(s, "<") for s in ("<", "＜")],
        *[(s, "=") for s in ("=", "＝", "═", "﹦", "等于")],
        ("定性", "定性"),
        ("定性指标", "定性"),
        (" 定性 ", "定性"),
    ],
)
def test_parse_comparator(raw: str, expected: str) -> None:
    assert parse_comparator(raw) == expected


def test_comparators_constant() -> None:
    assert COMPARATORS == ("≥", ">", "≤", "<", "=", "定性")


@pytest.mark.parametrize("raw", ["", None, "  "])
def test_parse_comparator_empty(raw: object) -> None:
    with pytest.raises(CellError, match="为空"):
        parse_comparator(raw)


@pytest.mark.parametrize("raw", ["约", "?", "≈", "定量", "1"])
def test_parse_comparator_unknown_lists_accepted_signs(raw: str) -> None:
    with pytest.raises(CellError) as info:
        parse_comparator(raw)
    assert str(info.value) == f"“{raw}”不是可识别的指标性质，请填写 ≥、>、≤、<、= 或 定性"


@pytest.mark.parametrize("raw", ["正向", "正向指标", "反向", "反向指标"])
def test_parse_comparator_refuses_direction_words(raw: str) -> None:
    with pytest.raises(CellError) as info:
        parse_comparator(raw)
    assert str(info.value).startswith(f"“{raw}”是指标方向，不是指标性质")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("正向", "≥"), ("正向指标", "≥"), (" 正向指标 ", "≥"), ("反向", "≤"), ("反向指标", "≤")],
)
def test_comparator_from_direction(raw: str, expected: str) -> None:
    assert comparator_from_direction(raw) == expected


@pytest.mark.parametrize("raw", ["≥", "定性", "正", "中性", "", None])
def test_comparator_from_direction_refuses(raw: object) -> None:
    with pytest.raises(CellError):
        comparator_from_direction(raw)


@pytest.mark.parametrize(
    ("comparator", "expected"),
    [("≥", "正向"), (">", "正向"), ("=", "正向"), ("定性", "正向"), ("≤", "反向"), ("<", "反向")],
)
def test_direction_for(comparator: str, expected: str) -> None:
    assert direction_for(comparator) == expected


# ---------------------------------------------------------------------------- level names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("产出指标", "产出指标"),
        ("产出指标(50分)", "产出指标"),
        ("效益指标（30分）", "效益指标"),
        ("产出指标 50分", "产出指标"),
        ("产出指标50分", "产出指标"),
        ("产出指标（50）", "产出指标"),
        ("产出指标【50分】", "产出指标"),
        ("产出指标（分值：50分）", "产出指标"),
        ("产出指标(12.5分)", "产出指标"),
        ("满意度指标\n（10分）", "满意度指标"),
        ("服务对象满意度指标等", "服务对象满意度指标"),
        ("服务对象满意度等", "服务对象满意度指标"),
        ("产出", "产出指标"),
        ("数量", "数量指标"),
        ("服务对象满意度", "服务对象满意度指标"),
        ("可持续影响", "可持续影响指标"),
        ("效益（30分）", "效益指标"),
        ("  质量指标 ", "质量指标"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_level_name(raw: object, expected: str) -> None:
    assert clean_level_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("决策", "决策"),
        ("决策（20分）", "决策"),
        ("项目立项", "项目立项"),
        ("资金管理(8分)", "资金管理"),
        ("过程 20分", "过程"),
        ("产出指标(50分)", "产出指标"),
        ("产出", "产出"),
        ("服务对象满意度指标等", "服务对象满意度指标"),
    ],
)
def test_clean_level_name_without_suffix(raw: str, expected: str) -> None:
    assert clean_level_name(raw, suffix=False) == expected


def test_clean_level_name_does_not_invent_names() -> None:
    assert clean_level_name("经济") == "经济指标"
    assert clean_level_name("未知名称") == "未知名称指标"
    assert clean_level_name("数量指标1") == "数量指标1指标"


def test_level_constants() -> None:
    assert LEVEL1 == ("产出指标", "效益指标", "满意度指标")
    assert tuple(LEVEL2) == LEVEL1
    assert LEVEL2["产出指标"][:4] == ("数量指标", "质量指标", "时效指标", "成本指标")
    assert LEVEL2["满意度指标"] == ("服务对象满意度指标",)
    assert all(clean_level_name(n) == n for names in LEVEL2.values() for n in names)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("成本指标", True),
        ("成本", True),
        ("经济成本指标", True),
        ("社会成本指标", True),
        ("生态环境成本指标", True),
        ("成本指标（10分）", True),
        ("数量指标", False),
        ("时效指标", False),
        ("经济效益指标", False),
        ("", False),
        (None, False),
    ],
)
def test_is_cost_level2(name: object, expected: bool) -> None:
    assert is_cost_level2(name) is expected


# ---------------------------------------------------------------------------- split_code_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15000021T000000007928-“布丝瑰”专项行动", ("15000021T000000007928", "“布丝瑰”专项行动")),
        ("140001-内蒙古自治区妇女联合会", ("140001", "内蒙古自治区妇女联合会")),
        ("140001 - 内蒙古自治区妇女联合会", ("140001", "内蒙古自治区妇女联合会")),
        ("140001－内蒙古自治区妇女联合会", ("140001", "内蒙古自治区妇女联合会")),
        ("140001—内蒙古自治区妇女联合会", ("140001", "内蒙古自治区妇女联合会")),
        ("140001–内蒙古自治区妇女联合会", ("140001", "内蒙古自治区妇女联合会")),
        ("140001——内蒙古自治区妇女联合会", ("140001", "内蒙古自治区妇女联合会")),
        ("１４０００１-妇联", ("140001", "妇联")),
        ("140002-内蒙古妇女干部学校\n", ("140002", "内蒙古妇女干部学校")),
        ("1234-项目（一期） A-B段", ("1234", "项目（一期） A-B段")),
        ("140001-“布丝瑰”  专项\u3000行动", ("140001", "“布丝瑰” 专项 行动")),
        ("A-B项目", ("", "A-B项目")),
        ("ABCD-项目", ("", "ABCD-项目")),
        ("123-项目", ("", "123-项目")),
        ("妇女工作培训经费", ("", "妇女工作培训经费")),
        ("2022-2025年乡村振兴项目", ("", "2022-2025年乡村振兴项目")),
        (
            "15000022T000000000900-2022年北疆布丝瑰创业就业行动",
            ("15000022T000000000900", "2022年北疆布丝瑰创业就业行动"),
        ),
        ("140001-2022年妇女培训", ("140001", "2022年妇女培训")),
        ("140001-", ("", "140001-")),
        ("15000021T000000007928", ("", "15000021T000000007928")),
        ("  “布丝瑰”专项行动 ", ("", "“布丝瑰”专项行动")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_split_code_name(raw: object, expected: tuple[str, str]) -> None:
    assert split_code_name(raw) == expected


# ---------------------------------------------------------------------------- assume_comparator


@pytest.mark.parametrize(
    ("level2", "unit", "expected"),
    [
        ("成本指标", "万元", "≤"),
        ("成本", "元", "≤"),
        ("经济成本指标", "万元", "≤"),
        ("社会成本指标", "%", "≤"),
        ("生态环境成本指标", "吨", "≤"),
        ("时效指标", "个月", "≤"),
        ("时效指标", "月", "≤"),
        ("时效指标", "天", "≤"),
        ("时效指标", "日", "≤"),
        ("时效指标", "工作日", "≤"),
        ("时效指标", "个工作日", "≤"),
        ("时效指标", "年", "≤"),
        ("时效指标", "小时", "≤"),
        ("时效指标", "周", "≤"),
        ("时效", "天", "≤"),
        ("时效指标", "%", "≥"),
        ("时效指标", "", "≥"),
        ("数量指标", "天", "≥"),
        ("数量指标", "人次", "≥"),
        ("质量指标", "%", "≥"),
        ("服务对象满意度指标", "%", "≥"),
        ("", "", "≥"),
    ],
)
def test_assume_comparator(level2: str, unit: str, expected: str) -> None:
    assert assume_comparator(level2, unit) == expected


def test_time_units_constant() -> None:
    assert TIME_UNITS == ("天", "日", "工作日", "月", "个月", "年", "小时", "周")


# ---------------------------------------------------------------------------- parse_target


def target(cell: object, comparator: str = "", unit: str = "", level2: str = "") -> Target:
    return parse_target(cell, comparator=comparator, unit=unit, level2=level2)


@pytest.mark.parametrize(
    ("cell", "comparator", "unit", "expected"),
    [
        # sign and unit inside the value cell
        ("≥50人次", "", "", ("≥", "50", "人次")),
        ("≤90万元", "", "", ("≤", "90", "万元")),
        ("＞＝80", "", "", ("≥", "80", "")),
        ("不少于50人", "", "", ("≥", "50", "人")),
        ("95%以上", "", "", ("≥", "95", "%")),
        ("90分以上", "", "", ("≥", "90", "分")),
        ("低于5%", "", "", ("≤", "5", "%")),
        ("≥ 1,000 元", "", "", ("≥", "1000", "元")),
        ("5以内", "", "", ("≤", "5", "")),
        ("10天内", "", "", ("≤", "10", "天")),
        ("≥５０人次", "", "", ("≥", "50", "人次")),
        ("≦30万元", "", "", ("≤", "30", "万元")),
        ("═100%", "", "", ("=", "100", "%")),
        ("﹦0", "", "", ("=", "0", "")),
        (">=90", "", "", ("≥", "90", "")),
        ("<=12", "", "", ("≤", "12", "")),
        ("＞80", "", "", (">", "80", "")),
        ("＜3", "", "", ("<", "3", "")),
        ("大于等于9期", "", "", ("≥", "9", "期")),
        ("小于等于12个月", "", "", ("≤", "12", "个月")),
        ("不超过900万元", "", "", ("≤", "900", "万元")),
        ("高于90%", "", "", (">", "90", "%")),
        ("等于100%", "", "", ("=", "100", "%")),
        ("≥95%以上", "", "", ("≥", "95", "%")),
        ("控制在30万元以内", "", "", ("≤", "30", "万元")),
        ("≥１，０００人", "", "", ("≥", "1000", "人")),
        ("≥-5%", "", "", ("≥", "-5", "%")),
        ("≤0", "", "", ("≤", "0", "")),
        ("≥90.0", "", "", ("≥", "90.0", "")),
        ("≥1次/年", "", "", ("≥", "1", "次/年")),
        # seed 000
        ("≥9期", "", "", ("≥", "9", "期")),
        ("≤7个月", "", "", ("≤", "7", "个月")),
        ("≤30万元", "", "", ("≤", "30", "万元")),
        # separate 指标性质 and 度量单位 columns (seed 001)
        ("50", "≥", "人次", ("≥", "50", "人次")),
        ("933", "≤", "万元", ("≤", "933", "万元")),
        ("80", "≥", "%", ("≥", "80", "%")),
        ("80", "≥", "％", ("≥", "80", "%")),
        ("１２", "＞＝", "个", ("≥", "12", "个")),
        ("100%", "=", "%", ("=", "100", "%")),
        ("≥50", "≥", "人次", ("≥", "50", "人次")),
        ("95%以上", "≥", "%", ("≥", "95", "%")),
        ("≤7个月", "≤", "月", ("≤", "7", "月")),
        ("12", "小于等于", "个月", ("≤", "12", "个月")),
        ("50", "≥", "—", ("≥", "50", "")),
        # numbers from openpyxl
        (50, "≥", "人次", ("≥", "50", "人次")),
        (0.2, "≥", "%", ("≥", "0.2", "%")),
        (90.5, "≤", "天", ("≤", "90.5", "天")),
        (D("933.00"), "≤", "万元", ("≤", "933.00", "万元")),
        (-3, "≥", "%", ("≥", "-3", "%")),
        (0, "=", "起", ("=", "0", "起")),
    ],
)
def test_parse_target_quantitative(cell: object, comparator: str, unit: str, expected: tuple[str, str, str]) -> None:
    got = target(cell, comparator, unit)
    sign, value, unit_out = expected
    assert (got.comparator, got.unit, got.deadline) == (sign, unit_out, None)
    assert same_decimal(got.value, value)
    assert got.sign_assumed is False
    assert got.text == (normalize(cell) if isinstance(cell, str) else value)


def test_parse_target_keeps_normalized_text() -> None:
    assert target("≥ ５０ 人次\n") == Target("≥", D("50"), "≥ 50 人次", "人次", None, False)


@pytest.mark.parametrize(
    ("cell", "unit", "level2", "expected"),
    [
        ("100%", "", "", ("≥", "100", "%")),
        ("100", "%", "质量指标", ("≥", "100", "%")),
        ("30", "万元", "成本指标", ("≤", "30", "万元")),
        ("30万元", "", "经济成本指标", ("≤", "30", "万元")),
        ("12", "个月", "时效指标", ("≤", "12", "个月")),
        ("15天", "", "时效指标", ("≤", "15", "天")),
        ("95", "%", "时效指标", ("≥", "95", "%")),
        ("50", "人", "数量指标", ("≥", "50", "人")),
        (90, "%", "服务对象满意度指标", ("≥", "90", "%")),
    ],
)
@pytest.mark.parametrize("comparator", ["", "定量", "定量指标"])
def test_parse_target_assumes_missing_sign(
    cell: object, unit: str, level2: str, expected: tuple[str, str, str], comparator: str
) -> None:
    got = target(cell, comparator, unit, level2)
    assert (got.comparator, got.unit, got.sign_assumed) == (expected[0], expected[2], True)
    assert same_decimal(got.value, expected[1])


@pytest.mark.parametrize(
    ("cell", "comparator", "unit"),
    [
        ("多渠道宣传售卖", "", ""),
        ("有效提升", "", ""),
        ("持续提高", "", ""),
        ("巩固已有基地并拓展新的基地", "", ""),
        ("12月31日前", "", ""),
        ("3年内完成", "", ""),
        ("90-100%", "", ""),
        ("- 147 -", "", ""),
        ("有效提升", "定性", ""),
        ("有效提升", "定性指标", "—"),
        ("95", "定性", "%"),
        ("≥90%", "定性", ""),
        ("2022年12月31日前", "定性", ""),
    ],
)
def test_parse_target_qualitative(cell: str, comparator: str, unit: str) -> None:
    assert target(cell, comparator, unit) == Target("定性", None, normalize(cell), "", None, False)


def test_parse_target_qualitative_number_cell() -> None:
    assert target(95, "定性") == Target("定性", None, "95", "", None, False)


@pytest.mark.parametrize(
    ("cell", "comparator", "deadline"),
    [
        ("2022年12月31日前", "", datetime.date(2022, 12, 31)),
        ("2022年12月31日之前", "", datetime.date(2022, 12, 31)),
        ("2022年12月31日前完成", "", datetime.date(2022, 12, 31)),
        ("２０２２年１２月３１日前", "", datetime.date(2022, 12, 31)),
        ("2022 年 6 月 30 日前", "", datetime.date(2022, 6, 30)),
        ("2022年12月底前", "", datetime.date(2022, 12, 31)),
        ("2022年2月底前", "", datetime.date(2022, 2, 28)),
        ("2024年2月前", "", datetime.date(2024, 2, 29)),
        ("2022-12-31前", "", datetime.date(2022, 12, 31)),
        ("2022/6/30前", "", datetime.date(2022, 6, 30)),
        ("2022.06.30前", "", datetime.date(2022, 6, 30)),
        ("2022年12月前", "", datetime.date(2022, 12, 31)),
        ("2022年11月前", "", datetime.date(2022, 11, 30)),
        ("2022年底前", "", datetime.date(2022, 12, 31)),
        ("2022年年底前", "", datetime.date(2022, 12, 31)),
        ("2022年底", "", datetime.date(2022, 12, 31)),
        ("2022年12月31日", "", datetime.date(2022, 12, 31)),
        ("≤2022年12月31日", "", datetime.date(2022, 12, 31)),
        ("不晚于2022年9月30日", "", datetime.date(2022, 9, 30)),
        ("2022年12月31日前", "≤", datetime.date(2022, 12, 31)),
        ("2022年12月31日前", "<", datetime.date(2022, 12, 31)),
        ("2022年12月31日前", "定量", datetime.date(2022, 12, 31)),
    ],
)
def test_parse_target_deadline(cell: str, comparator: str, deadline: datetime.date) -> None:
    assert target(cell, comparator, "天") == Target("≤", None, normalize(cell), "", deadline, False)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime.date(2022, 12, 31), datetime.date(2022, 12, 31)),
        (datetime.datetime(2022, 6, 30, 0, 0), datetime.date(2022, 6, 30)),
    ],
)
def test_parse_target_date_cell(cell: datetime.date, expected: datetime.date) -> None:
    got = target(cell)
    assert got == Target("≤", None, expected.isoformat(), "", expected, False)
    assert got.is_deadline and not got.is_qualitative


@pytest.mark.parametrize(
    ("cell", "comparator", "unit", "message"),
    [
        ("五十", "≥", "人", "“五十”不是数字"),
        ("有效提升", "≥", "", "“有效提升”不是数字"),
        ("- 147 -", "≥", "", "“- 147 -”不是数字"),
        ("12月31日前", "≤", "", "“12月31日前”不是数字"),
        ("", "≥", "人", "为空，请填写指标值"),
        (None, "", "", "为空，请填写指标值"),
        ("  ", "定性", "", "为空，请填写指标值"),
        ("≥50", "≤", "", "指标性质“≤”与指标值“≥50”中的“≥”不一致"),
        ("95%以上", "≤", "%", "指标性质“≤”与指标值“95%以上”中的“≥”不一致"),
        ("大于90", "≥", "", "指标性质“≥”与指标值“大于90”中的“>”不一致"),
        ("≥5以内", "", "", "“≥5以内”中同时写了“≥”和“≤”"),
        ("50人", "≥", "人次", "度量单位“人次”与指标值中的单位“人”不一致"),
        ("90万元", "≤", "元", "度量单位“元”与指标值中的单位“万元”不一致"),
        ("50", "约", "", "“约”不是可识别的指标性质"),
        ("50", "正向指标", "", "“正向指标”是指标方向"),
        ("2022年12月31日前", "≥", "", "日期目标“2022年12月31日前”的指标性质应为“≤”"),
        ("2022年2月30日前", "", "", "“2022年2月30日前”不是有效日期"),
        ("2022年13月前", "", "", "“2022年13月前”不是有效日期"),
    ],
)
def test_parse_target_refuses(cell: object, comparator: str, unit: str, message: str) -> None:
    with pytest.raises(CellError) as info:
        target(cell, comparator, unit)
    assert str(info.value).startswith(message)


def test_parse_target_not_a_number_says_how_to_fix() -> None:
    with pytest.raises(CellError) as info:
        target("五十", "≥", "人")
    assert str(info.value) == "“五十”不是数字，请填写数值；文字目标请把指标性质填为“定性”"


_SIGNS = [
    ("≥", "≥"), (">=", "≥"), ("＞＝", "≥"), ("≧", "≥"), ("不少于", "≥"), ("不低于", "≥"), ("大于等于", "≥"),
    (">", ">"), ("＞", ">"), ("大于", ">"), ("高于", ">"),
    ("≤", "≤"), ("<=", "≤"), ("≦", "≤"), ("不超过", "≤"), ("小于", "≤"), ("低于", "≤"), ("小于等于", "≤"),
    ("<", "<"), ("＜", "<"),
    ("=", "="), ("＝", "="), ("═", "="), ("﹦", "="), ("等于", "="),
]  # fmt: skip
_TRAILING = [("以上", "≥"), ("以内", "≤"), ("以下", "≤")]
_UNITS = ["", "人", "人次", "%", "万元", "个月", "天", "期", "款", "次/年", "km", "㎡"]
_NUMBERS = st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


@given(st.sampled_from(_SIGNS), _NUMBERS, st.sampled_from(_UNITS), st.booleans())
def test_parse_target_reads_leading_sign_number_unit(
    sign: tuple[str, str], number: Decimal, unit: str, separators: bool
) -> None:
    got = target(f"{sign[0]}{number:,f}{unit}" if separators else f"{sign[0]}{number:f}{unit}")
    assert (got.comparator, got.value, got.unit, got.sign_assumed) == (sign[1], number, unit, False)


@given(st.sampled_from(_TRAILING), _NUMBERS, st.sampled_from(_UNITS))
def test_parse_target_reads_trailing_sign_word(sign: tuple[str, str], number: Decimal, unit: str) -> None:
    got = target(f"{number:f}{unit}{sign[0]}")
    assert (got.comparator, got.value, got.unit) == (sign[1], number, unit)


@given(st.text(max_size=20), st.sampled_from(["", "≥", "定性", "≤"]), st.sampled_from(["", "%", "天"]))
def test_parse_target_only_raises_cell_error(cell: str, comparator: str, unit: str) -> None:
    try:
        got = target(cell, comparator, unit, "时效指标")
    except CellError as error:
        assert str(error)
        return
    assert got.comparator in COMPARATORS
    assert (got.value is None) == (got.comparator == "定性" or got.deadline is not None)


# ---------------------------------------------------------------------------- parse_actual

Q_PEOPLE = Target("≥", D("300"), "≥300人", "人", None, False)
Q_MONTHS = Target("≤", D("7"), "≤7个月", "个月", None, False)
Q_COST = Target("≤", D("30"), "≤30万元", "万元", None, False)
Q_PERCENT = Target("≥", D("90"), "≥90%", "%", None, False)
Q_NO_UNIT = Target("=", D("0"), "0", "", None, False)
QUAL = Target("定性", None, "多渠道宣传售卖", "", None, False)
DEADLINE = Target("≤", None, "2022年12月31日前", "", datetime.date(2022, 12, 31), False)


def actual(cell: object, on: Target) -> Actual | None:
    return parse_actual(cell, target=on)


@pytest.mark.parametrize("cell", [None, "", "  ", "\u3000", "\n"])
@pytest.mark.parametrize("on", [Q_PEOPLE, QUAL, DEADLINE])
def test_parse_actual_empty_is_none(cell: object, on: Target) -> None:
    assert actual(cell, on) is None


@pytest.mark.parametrize(
    ("cell", "on", "value"),
    [
        ("300", Q_PEOPLE, "300"),
        ("300人", Q_PEOPLE, "300"),
        ("≥300人", Q_PEOPLE, "300"),
        ("３００人", Q_PEOPLE, "300"),
        ("1,300人", Q_PEOPLE, "1300"),
        ("10个月", Q_MONTHS, "10"),
        ("11个月", Q_MONTHS, "11"),
        ("11月", Q_MONTHS, "11"),
        ("127.34万元", Q_COST, "127.34"),
        ("≤804.73万元", Q_COST, "804.73"),
        ("95%", Q_PERCENT, "95"),
        ("95％", Q_PERCENT, "95"),
        ("≥90", Q_PERCENT, "90"),
        ("90分以上", Target("≥", D("90"), "90", "", None, False), "90"),
        ("8289人次", Target("≥", D("8000"), "不少于8000人次", "人次", None, False), "8289"),
        ("9期", Target("≥", D("9"), "≥9期", "期", None, False), "9"),
        ("0", Q_NO_UNIT, "0"),
        ("-2", Q_NO_UNIT, "-2"),
        ("5起", Q_NO_UNIT, "5"),
    ],
)
def test_parse_actual_quantitative(cell: str, on: Target, value: str) -> None:
    assert actual(cell, on) == Actual(D(value), normalize(cell), "", False, None)


@pytest.mark.parametrize(
    ("cell", "value"),
    [(98, "98"), (127.34, "127.34"), (0.95, "0.95"), (D("804.73"), "804.73"), (0, "0"), (-1, "-1")],
)
def test_parse_actual_numeric_cells(cell: object, value: str) -> None:
    got = actual(cell, Q_COST)
    assert got == Actual(D(value), value, "", False, None)
    assert same_decimal(got.value, value)


@pytest.mark.parametrize(
    ("cell", "on", "message"),
    [
        ("无上访", Q_NO_UNIT, "“无上访”不是数字，请填写数值（例如“无上访”填 0）"),
        ("没有投诉", Q_NO_UNIT, "“没有投诉”不是数字，请填写数值（例如“没有投诉”填 0）"),
        ("五十", Q_PEOPLE, "“五十”不是数字，请填写实际完成的数值（例如 95）"),
        ("已完成", Q_PEOPLE, "“已完成”不是数字，请填写实际完成的数值（例如 95）"),
        ("- 147 -", Q_PEOPLE, "“- 147 -”不是数字，请填写实际完成的数值（例如 95）"),
        ("≥5以内", Q_NO_UNIT, "“≥5以内”中同时写了“≥”和“≤”，请只保留一个"),
    ],
)
def test_parse_actual_quantitative_refuses(cell: str, on: Target, message: str) -> None:
    with pytest.raises(CellError) as info:
        actual(cell, on)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("cell", "on", "value", "unit"),
    [
        ("300人次", Q_PEOPLE, "300", "人次"),
        ("127.34元", Q_COST, "127.34", "元"),
        ("10天", Q_MONTHS, "10", "天"),
        ("95%", Q_PEOPLE, "95", "%"),
        ("6月", Q_MONTHS, "6", ""),  # 月 = 个月
        ("1185", Q_PEOPLE, "1185", ""),  # a bare number takes the target's unit
        ("96", Q_NO_UNIT, "96", ""),
        ("8个", Q_NO_UNIT, "8", ""),  # a bare target: nothing to differ from
    ],
)
def test_parse_actual_keeps_a_differing_unit_for_the_unit_mismatch_warning(cell, on, value, unit) -> None:
    got = actual(cell, on)
    assert got is not None and got.value == D(value) and got.unit == unit and got.text == cell


@pytest.mark.parametrize(
    ("cell", "text"),
    [("≥较好", "≥较好"), ("≥优良", "≥优良"), ("＞＝良好", ">=良好"), ("≧明显改善", "≧明显改善")],
)
def test_a_sign_before_words_without_a_comparator_column_is_a_qualitative_target(cell, text) -> None:
    got = parse_target(cell)
    assert (got.comparator, got.value, got.text, got.unit, got.sign_assumed) == ("定性", None, text, "", False)
    words = text.lstrip("≥>=≧")
    assert actual(words, got) == Actual(None, words, "达成", True, None)  # repeats the target without its sign


@pytest.mark.parametrize("cell", ["≥五十款", "≥五", "≤三天", "＞两百人"])
def test_a_sign_before_chinese_numerals_asks_for_digits(cell) -> None:
    with pytest.raises(CellError, match="不是数字，请填写数值；文字目标请把指标性质填为“定性”"):
        parse_target(cell)


def test_a_sign_before_words_with_a_quantitative_comparator_column_is_refused() -> None:
    with pytest.raises(CellError, match="“较好”不是数字"):
        parse_target("较好", comparator="≥")


def test_parse_actual_quantitative_refuses_date_cell() -> None:
    with pytest.raises(CellError, match="不是数字"):
        actual(datetime.date(2022, 11, 30), Q_PEOPLE)


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        ("达成", "达成"),
        ("部分达成", "部分达成"),
        ("未达成", "未达成"),
        (" 达成。", "达成"),
        ("达成年度指标", "达成"),
        ("部分达成年度指标并具有一定效果", "部分达成"),
        ("未达成年度指标且效果较差", "未达成"),
    ],
)
def test_parse_actual_qualitative_labels(cell: str, label: str) -> None:
    assert actual(cell, QUAL) == Actual(None, normalize(cell), label, False, None)


@pytest.mark.parametrize(
    ("cell", "on", "label"),
    [
        # seed 000
        ("明显", QUAL, "达成"),
        ("效益达成", Target("定性", None, "持续提高", "", None, False), "达成"),
        ("全部完成", Target("定性", None, "巩固已有基地并拓展新的基地", "", None, False), "达成"),
        # repeats the target (even a negated one)
        ("多渠道宣传售卖", QUAL, "达成"),
        ("多渠道 宣传售卖。", QUAL, "达成"),
        ("无安全事故", Target("定性", None, "无安全事故", "", None, False), "达成"),
        # met
        ("有效", QUAL, "达成"),
        ("显著提升", QUAL, "达成"),
        ("达成预期指标", QUAL, "达成"),
        ("已完成", QUAL, "达成"),
        ("实现", QUAL, "达成"),
        ("良好", QUAL, "达成"),
        ("有效提升", QUAL, "达成"),
        ("不断提高", QUAL, "达成"),
        ("准确无误完成", QUAL, "达成"),
        # partly met, before negation
        ("基本完成", QUAL, "部分达成"),
        ("基本达成", QUAL, "部分达成"),
        ("部分完成", QUAL, "部分达成"),
        ("部分未完成", QUAL, "部分达成"),
        ("部分达成预期", QUAL, "部分达成"),
        # negated, before met
        ("未达成预期", QUAL, "未达成"),
        ("未完成", QUAL, "未达成"),
        ("没有完成", QUAL, "未达成"),
        ("不明显", QUAL, "未达成"),
        ("效果不显著", QUAL, "未达成"),
        ("无明显提升", QUAL, "未达成"),
        ("没有", QUAL, "未达成"),
    ],
)
def test_parse_actual_qualitative_free_text(cell: str, on: Target, label: str) -> None:
    assert actual(cell, on) == Actual(None, normalize(cell), label, True, None)


@pytest.mark.parametrize("cell", ["一般", "良", "100%", "95", 95, "待定", "见附件"])
def test_parse_actual_qualitative_refuses(cell: object) -> None:
    with pytest.raises(CellError) as info:
        actual(cell, QUAL)
    assert str(info.value) == f"无法从“{normalize(cell)}”判断完成情况，请填写“达成”、“部分达成”或“未达成”"


@given(st.text(max_size=20))
def test_parse_actual_qualitative_gives_a_label_or_cell_error(text: str) -> None:
    try:
        got = actual(text, QUAL)
    except CellError:
        return
    assert got is None or got.label in QUALITATIVE_LABELS
    assert got is None or (got.value, got.on_date) == (None, None)


@pytest.mark.parametrize(
    ("cell", "on_date", "assumed"),
    [
        ("2022年11月30日", datetime.date(2022, 11, 30), False),
        ("2022-11-30", datetime.date(2022, 11, 30), False),
        ("2022/11/30", datetime.date(2022, 11, 30), False),
        ("2022.11.30", datetime.date(2022, 11, 30), False),
        ("2022-11-30 00:00:00", datetime.date(2022, 11, 30), False),
        ("２０２２年１１月３０日", datetime.date(2022, 11, 30), False),
        ("2022年11月", datetime.date(2022, 11, 30), False),
        ("2023年1月15日", datetime.date(2023, 1, 15), False),
        ("于2022年11月30日完成", datetime.date(2022, 11, 30), False),
        ("已于2022年11月30日完成", datetime.date(2022, 11, 30), False),
        ("2022年11月30日前", datetime.date(2022, 11, 30), True),
        ("2022年12月31日前", datetime.date(2022, 12, 31), True),
        ("按时完成", datetime.date(2022, 12, 31), True),
        ("按期完成", datetime.date(2022, 12, 31), True),
        ("如期完成", datetime.date(2022, 12, 31), True),
        ("提前完成", datetime.date(2022, 12, 31), True),
        ("已完成", datetime.date(2022, 12, 31), True),
        ("完成", datetime.date(2022, 12, 31), True),
    ],
)
def test_parse_actual_deadline_text(cell: str, on_date: datetime.date, assumed: bool) -> None:
    assert actual(cell, DEADLINE) == Actual(None, normalize(cell), "", assumed, on_date)


@pytest.mark.parametrize(
    ("cell", "on_date"),
    [
        (datetime.date(2022, 11, 30), datetime.date(2022, 11, 30)),
        (datetime.datetime(2023, 1, 5, 10, 30), datetime.date(2023, 1, 5)),
    ],
)
def test_parse_actual_deadline_date_cell(cell: datetime.date, on_date: datetime.date) -> None:
    assert actual(cell, DEADLINE) == Actual(None, on_date.isoformat(), "", False, on_date)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("未按时完成", "“未按时完成”表示未按时完成，请填写实际完成日期（如 2022年11月30日）"),
        ("逾期", "“逾期”表示未按时完成，请填写实际完成日期（如 2022年11月30日）"),
        ("延期完成", "“延期完成”表示未按时完成，请填写实际完成日期（如 2022年11月30日）"),
        ("未完成", "“未完成”表示未按时完成，请填写实际完成日期（如 2022年11月30日）"),
        ("年底", "“年底”不是日期，请填写实际完成日期（如 2022年11月30日）"),
        ("达成", "“达成”不是日期，请填写实际完成日期（如 2022年11月30日）"),
        (44895, "“44895”不是日期，请填写实际完成日期（如 2022年11月30日）"),
        ("2022年11月31日", "“2022年11月31日”不是有效日期，请检查年、月、日"),
    ],
)
def test_parse_actual_deadline_refuses(cell: object, message: str) -> None:
    with pytest.raises(CellError) as info:
        actual(cell, DEADLINE)
    assert str(info.value) == message


def test_parse_actual_for_parsed_seed_000_targets() -> None:
    months = target("≤7个月", level2="时效指标")
    assert actual("10个月", months) == Actual(D("10"), "10个月", "", False, None)
    cost = target("≤30万元", level2="成本指标")
    assert actual("127.34万元", cost).value == D("127.34")
    quality = target("多渠道宣传售卖", level2="质量指标")
    assert actual("明显", quality) == Actual(None, "明显", "达成", True, None)
    impact = target("持续提高", level2="可持续影响指标")
    assert actual("效益达成", impact) == Actual(None, "效益达成", "达成", True, None)
    deadline = target("2022年12月31日前", level2="时效指标")
    assert actual("2022年11月30日", deadline).on_date == datetime.date(2022, 11, 30)


def test_results_are_frozen() -> None:
    got = target("≥9期")
    with pytest.raises(AttributeError):
        got.value = D("1")  # type: ignore[misc]
    done = actual("9期", got)
    with pytest.raises(AttributeError):
        done.value = D("1")  # type: ignore[misc]


# ---------------------------------------------------------------------------- parse_weight


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("10", "10"),
        ("10分", "10"),
        ("10 分", "10"),
        ("１０分", "10"),
        ("7.5分", "7.5"),
        ("0.2", "0.2"),
        (0.2, "0.2"),
        (0.1, "0.1"),
        (5, "5"),
        (D("20.00"), "20.00"),
        ("0", "0"),
        ("-0", "0"),
        (-0.0, "0.0"),
    ],
)
def test_parse_weight(cell: object, expected: str) -> None:
    assert same_decimal(parse_weight(cell), expected)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-5", "权重不能为负数，请填写 0 或正数"),
        (-0.5, "权重不能为负数，请填写 0 或正数"),
        ("-1分", "权重不能为负数，请填写 0 或正数"),
        ("十分", "“十”不是数字"),
        ("分", "为空，请填写数字"),
        ("", "为空，请填写数字"),
        (None, "为空，请填写数字"),
    ],
)
def test_parse_weight_refuses(cell: object, message: str) -> None:
    with pytest.raises(CellError) as info:
        parse_weight(cell)
    assert str(info.value) == message


# --- real tables: compound units and bare numbers (issue "Real tables" §1) -------------------


@pytest.mark.parametrize(
    ("target", "actual", "unit", "value"),
    [
        ("≥10元/人*月", "9元/人·月", "元/人*月", D(9)),
        ("≤5元/人·月", "4元/人*月", "元/人·月", D(4)),
        ("≤5元/人・月", "6元/人×月", "元/人・月", D(6)),
        ("≥3人次/年", "3人次/年", "人次/年", D(3)),
        ("≤2万元/公里", "1.5", "万元/公里", D("1.5")),
        ("1200", "1185", "", D(1185)),
    ],
)
def test_compound_units_and_bare_numbers_read_alike(target, actual, unit, value) -> None:
    read = parse_target(target, level2="数量指标")
    assert read.unit == unit
    assert parse_actual(actual, target=read).value == value


@pytest.mark.parametrize(("cell", "value"), [("150万", "150"), ("125.25 万元", "125.25"), ("1,200.5万元", "1200.5")])
def test_amounts_may_carry_their_unit_of_wan_yuan(cell, value) -> None:
    from evalsys.lib.parsing import parse_amount

    assert parse_amount(cell) == D(value)


def test_an_amount_in_yuan_asks_for_wan_yuan() -> None:
    from evalsys.lib.parsing import parse_amount

    with pytest.raises(CellError, match="“150元”：金额以万元为单位，请换算为万元后填写数字"):
        parse_amount("150元")


@pytest.mark.parametrize(
    ("cell", "deadline"),
    [("9月前", "2023-09-30"), ("11月底前", "2023-11-30"), ("10月底", "2023-10-31"), ("6月15日前", "2023-06-15")],
)
def test_a_month_deadline_takes_the_fiscal_year(cell, deadline) -> None:
    target = parse_target(cell, year=2023)
    assert (target.comparator, target.value, str(target.deadline)) == ("≤", None, deadline)
    assert parse_target(cell).comparator == "定性"  # no year known: words


@pytest.mark.parametrize("cell", ["12月", "≤12月", "12个月"])
def test_a_bare_month_count_is_a_duration_not_december(cell) -> None:
    target = parse_target(cell, year=2023, level2="时效指标")
    assert (target.comparator, target.value, target.deadline) == ("≤", D(12), None)


@pytest.mark.parametrize(("cell", "on_date"), [("7月", "2023-07-31"), ("9月", "2023-09-30"), ("10月", "2023-10-31")])
def test_an_actual_month_is_read_in_the_deadlines_year(cell, on_date) -> None:
    got = actual(cell, parse_target("9月前", year=2023))
    assert got is not None and str(got.on_date) == on_date


def test_an_actual_day_without_its_year_is_read_in_the_deadlines_year() -> None:
    got = actual("11月30日", parse_target("2022年12月31日前"))
    assert got is not None and str(got.on_date) == "2022-11-30"
