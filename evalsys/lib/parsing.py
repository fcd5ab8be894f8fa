"""Read the cells of an indicator table: numbers, signs, level names, targets and actuals.

Pure standard-library code shared by the workbook importer and the web forms. Each public
function takes a raw cell value as openpyxl returns it (str, int, float, Decimal, date,
datetime or None) and returns a clean value, or raises `CellError` whose text (in Chinese)
says what is wrong and how to fix it. The caller adds the sheet, row and column.

The rules are those of domain.md §1 and §2: published tables write signs in many ways
(≥ ＞＝ >= ≧ 不少于 以上 ...), put the sign and the unit inside the value cell (`≥50人次`),
use full-width digits and thousands separators, write deadlines as dates
(`2022年12月31日前`) and qualitative actuals as free text (`明显`, `效益达成`). Numbers are
Decimal only; a float from openpyxl goes through its repr so that 0.1 stays 0.1.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "COMPARATORS",
    "COST_LEVEL2",
    "DIRECTIONS",
    "LEVEL1",
    "LEVEL2",
    "QUALITATIVE",
    "QUALITATIVE_LABELS",
    "QUALITATIVE_LONG_LABELS",
    "TIME_UNITS",
    "Actual",
    "BlankTarget",
    "CellError",
    "Target",
    "WordsForNumber",
    "assume_comparator",
    "clean_level_name",
    "comparator_from_direction",
    "direction_for",
    "is_cost_level2",
    "normalize",
    "parse_actual",
    "parse_comparator",
    "parse_decimal",
    "parse_target",
    "parse_weight",
    "same_unit",
    "simplified",
    "split_code_name",
]


class CellError(ValueError):
    """A cell that cannot be read; str() is the Chinese message shown to the user."""


class BlankTarget(CellError):
    """An empty 指标值: an error at year end, a `unmeasurable` check in a 绩效目标申报表 (domain.md §8)."""


class WordsForNumber(CellError):
    """Words where the 指标性质 or a sign asks for a number (`≥**`, `≥参照标准`): an error at year end,
    kept as written in a 绩效目标申报表 for the §8 checks (`unmeasurable`, `template_text`)."""


# --------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------

# Full-width ASCII (U+FF01..U+FF5E) -> ASCII, ideographic space -> space; zero-width
# characters are dropped. Deliberately not NFKC: NFKC would also rewrite ㎡, ①, … and so on.
_TRANSLATION: dict[int, int | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TRANSLATION[0x3000] = 0x20
_INVISIBLE: dict[int, int | None] = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_TRANSLATION.update(_INVISIBLE)

_CLIP = 30  # longest cell text quoted in full inside a message


def normalize(text: object) -> str:
    """Return the cell as one line of text with full-width ASCII made half-width."""
    if text is None:
        return ""
    if type(text) is str and len(text) <= _CACHED_LENGTH:  # tables repeat their short cells: 一级, units, signs
        return _normalize_short(text)
    return " ".join(str(text).translate(_TRANSLATION).split())


_CACHED_LENGTH = 100


@lru_cache(maxsize=16384)
def _normalize_short(text: str) -> str:
    return " ".join(text.translate(_TRANSLATION).split())


def _collapse(text: object) -> str:
    """Collapse whitespace only (names keep their full-width characters)."""
    if text is None:
        return ""
    return " ".join(str(text).translate(_INVISIBLE).split())


def _squeeze(text: object) -> str:
    """normalize() without any spaces, for matching short tokens."""
    return normalize(text).replace(" ", "")


def _quote(text: str) -> str:
    """The cell text as quoted in a message, shortened when long."""
    return f"“{text if len(text) <= _CLIP else text[: _CLIP - 1] + '…'}”"


# the traditional forms of the characters the level names and vague words use (產出指標, 穩步提高)
_TRADITIONAL = "產標數質時經濟會態環響續滿務對眾衆決過項資實際達節約業財組織績價級較顯穩鞏強"
_SIMPLIFIED = "产标数质时经济会态环响续满务对众众决过项资实际达节约业财组织绩价级较显稳巩强"
_SIMPLE = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


def simplified(text: str) -> str:
    """`text` with the traditional characters of level names and vague words simplified (產出指標 → 产出指标)."""
    return text.translate(_SIMPLE)


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------

_NUM = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+\-−]?\.\d+"
_NUMBER = re.compile(_NUM)
EMPTY_NUMBER = "为空，请填写数字"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _from_number(value: int | float | Decimal) -> Decimal:
    """A numeric cell as Decimal; floats via repr so that 0.1 stays Decimal("0.1")."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise CellError(f"{_quote(str(value))}不是数字")
    return number


def _to_decimal(text: str) -> Decimal:
    """A string already matched by _NUM as Decimal."""
    return Decimal(text.replace(",", "").replace("−", "-"))


def parse_decimal(text: object) -> Decimal:
    """Read a number: 1,000 / １，０００.５０ / -3 / 95% (the % is dropped, 95 is kept)."""
    if _is_number(text):
        return _from_number(text)  # type: ignore[arg-type]
    if isinstance(text, bool):
        raise CellError(f"{_quote(str(text))}不是数字")
    shown = normalize(text)
    if not shown:
        raise CellError(EMPTY_NUMBER)
    core = shown[:-1].rstrip() if shown.endswith("%") else shown
    if not _NUMBER.fullmatch(core):
        raise CellError(f"{_quote(shown)}不是数字")
    return _to_decimal(core)


# What the database holds exactly (indicators.models VALUE and POINTS, projects.models MONEY; a
# test checks them): anything larger is the cell's error, never an overflow at write time. SQLite
# keeps decimals as REAL, where 15 significant digits survive: 11 + 4 decimals, 12 + 2 for 万元.
MAX_VALUE = Decimal("1e11")
MAX_AMOUNT = Decimal("1e12")
MAX_WEIGHT = Decimal(100)
MAX_TEXT = 500
MAX_UNIT = 40
TOO_LARGE = "{what}{value}超出可保存的范围，绝对值须小于 {limit}"
TOO_LONG = "{what}过长（{n} 字），最多 {limit} 字，请精简"


def _check_size(value: Decimal | None, limit: Decimal, what: str) -> None:
    if value is not None and value.copy_abs() >= limit:
        raise CellError(TOO_LARGE.format(what=what, value=_quote(_number_text(value)), limit=f"{limit:,f}"))


def _check_length(text: str, limit: int, what: str) -> None:
    if len(text) > limit:
        raise CellError(TOO_LONG.format(what=what, n=len(text), limit=limit))


AMOUNT_PLACES, VALUE_PLACES, WEIGHT_PLACES = Decimal("0.01"), Decimal("0.0001"), Decimal("0.01")
NEGATIVE_AMOUNT = "金额不能为负数"


_AMOUNT_UNIT = re.compile(r"\s*万元?$")


def amount_number(text: str) -> str:
    """An amount's text without its unit: amounts are in 万元, and `150万`, `125.25 万元` say so
    (domain.md §1); `1200元` is refused, asking for 万元. The import and the funds form read so."""
    text = normalize(text)
    if text.endswith("元") and not text.endswith("万元"):
        raise CellError(f"{_quote(text)}：金额以万元为单位，请换算为万元后填写数字")
    return _AMOUNT_UNIT.sub("", text)


def parse_amount(cell: object) -> Decimal:
    """Read an amount in 万元, kept as stored: cents, at most 12 digits before the point, never negative.

    Excel's 0.1+0.2-0.3 is 5.55e-17, not 0: rounding here keeps what is scored equal to what is
    stored (a budget of 1e-30 would otherwise make the execution rate overflow the engine).
    """
    if isinstance(cell, str):
        cell = amount_number(cell)
    value = parse_decimal(cell)
    _check_size(value, MAX_AMOUNT, "金额")
    value = _kept(value, AMOUNT_PLACES)
    if value < 0:
        raise CellError(NEGATIVE_AMOUNT)
    return value


def _number_text(value: Decimal) -> str:
    """A Decimal written without exponent, as a person would type it."""
    return format(value, "f")


# --------------------------------------------------------------------------------------
# Comparators and direction
# --------------------------------------------------------------------------------------

QUALITATIVE = "定性"
COMPARATORS = ("≥", ">", "≤", "<", "=", QUALITATIVE)
DIRECTIONS = ("正向", "反向")
_ACCEPTED_SIGNS = "≥、>、≤、<、= 或 定性"

# Signs that may stand alone in the 指标性质 column or lead the number in a value cell.
_LEADING_SIGNS: dict[str, str] = {
    **dict.fromkeys(
        ("≥", ">=", "=>", "≧", "⩾", "大于等于", "大于或等于", "不少于", "不低于", "不小于",
         "不得少于", "不得低于", "至少"),
        "≥",
    ),
    **dict.fromkeys((">", "大于", "高于", "超过"), ">"),
    **dict.fromkeys(
        ("≤", "<=", "=<", "≦", "⩽", "小于等于", "小于或等于", "不超过", "不高于", "不大于",
         "小于", "低于", "不多于", "不得超过", "不得高于", "至多", "最多"),
        "≤",
    ),
    "<": "<",
    **dict.fromkeys(("=", "==", "═", "﹦", "等于"), "="),
}  # fmt: skip
# Sign words written after the number (`95%以上`, `5以内`, `10天内`).
_TRAILING_SIGNS: dict[str, str] = {
    **dict.fromkeys(("以上", "及以上", "或以上"), "≥"),
    **dict.fromkeys(("以内", "之内", "内", "以下", "及以下", "或以下"), "≤"),
}
# Everything the 指标性质 column accepts (a bare 内 is not a sign on its own).
_COLUMN_SIGNS: dict[str, str] = {
    word: sign for word, sign in {**_LEADING_SIGNS, **_TRAILING_SIGNS}.items() if word != "内"
}
_QUALITATIVE_WORDS = ("定性", "定性指标")
_QUANTITATIVE_WORDS = ("定量", "定量指标")  # a quantitative row that does not state its sign


def parse_comparator(text: object) -> str:
    """Map a 指标性质 / 计算符号 cell to one of COMPARATORS."""
    if _all_short_text(text):  # every row of a table states one of a few signs
        return _parse_text_comparator(text)  # type: ignore[arg-type]
    return _parse_comparator(text)


@lru_cache(maxsize=1024)
def _parse_text_comparator(text: str) -> str:
    return _parse_comparator(text)


def _parse_comparator(text: object) -> str:
    key = _squeeze(text)
    if not key:
        raise CellError(f"为空，请填写指标性质（{_ACCEPTED_SIGNS}）")
    if key in _QUALITATIVE_WORDS:
        return QUALITATIVE
    if key in _COLUMN_SIGNS:
        return _COLUMN_SIGNS[key]
    if key.removesuffix("指标") in DIRECTIONS:
        raise CellError(f"{_quote(key)}是指标方向，不是指标性质，请填写 {_ACCEPTED_SIGNS}")
    raise CellError(f"{_quote(key)}不是可识别的指标性质，请填写 {_ACCEPTED_SIGNS}")


def comparator_from_direction(text: object) -> str:
    """Map a 指标方向性 cell (正向/正向指标, 反向/反向指标) to ≥ or ≤."""
    key = _squeeze(text)
    if not key:
        raise CellError("为空，请填写指标方向（正向 或 反向）")
    direction = key.removesuffix("指标")
    if direction == "正向":
        return "≥"
    if direction == "反向":
        return "≤"
    raise CellError(f"{_quote(key)}不是指标方向，请填写“正向”或“反向”")


def direction_for(comparator: str) -> str:
    """正向 for ≥ > = and 定性, 反向 for ≤ <."""
    return "反向" if parse_comparator(comparator) in ("≤", "<") else "正向"


# --------------------------------------------------------------------------------------
# Level names
# --------------------------------------------------------------------------------------

LEVEL1 = ("产出指标", "效益指标", "满意度指标")
LEVEL2: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标",
                 "生态环境成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}  # fmt: skip
COST_LEVEL2 = ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")
_TIMELINESS = "时效指标"

# A points suffix: `(50分)` `（50）` `【分值：50分】` ` 50分` `:50分`.
_POINTS = re.compile(
    r"\s*(?:[(\[【〔]\s*(?:分值|权重)?\s*:?\s*\d+(?:\.\d+)?\s*分?\s*[)\]】〕]"
    r"|:?\s*\d+(?:\.\d+)?\s*分)\s*$"
)


def clean_level_name(text: object, suffix: bool = True) -> str:
    """Strip a points suffix and a trailing 等; add 指标 when missing (unless suffix=False). Traditional
    characters read as simplified (`產出指標`: published target tables from Hong Kong-style fonts)."""
    name = simplified(_POINTS.sub("", normalize(text)).replace(" ", ""))
    name = name.removesuffix("等")
    if suffix and name and not name.endswith("指标"):
        name += "指标"
    return name


def is_cost_level2(name: object) -> bool:
    """True for 成本指标 and its split forms (经济/社会/生态环境成本指标)."""
    return clean_level_name(name) in COST_LEVEL2


# --------------------------------------------------------------------------------------
# Code-name cells
# --------------------------------------------------------------------------------------

_CODE_NAME = re.compile(r"(?P<code>[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]{4,})\s*[-－—–‐‑]{1,2}\s*(?P<name>\S.*)")


def split_code_name(text: object) -> tuple[str, str]:
    """`140001-内蒙古自治区妇女联合会` -> ("140001", "内蒙古自治区妇女联合会"); else ("", text)."""
    whole = _collapse(text)
    match = _CODE_NAME.fullmatch(whole)
    if not match:
        return "", whole
    code, name = normalize(match["code"]), match["name"]
    # A code holds a digit; a four-digit "code" before a digit is a range such as 2022-2025.
    if not any(c.isdigit() for c in code) or (len(code) == 4 and code.isdigit() and name[0].isdigit()):
        return "", whole
    return code, name


# --------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------

TIME_UNITS = ("天", "日", "工作日", "月", "个月", "年", "小时", "周")
_UNIT_PLACEHOLDERS = ("-", "--", "—", "——", "/", "无")
_UNIT_ALIASES = {"个月": "月", "日": "天", "星期": "周", "个星期": "周", "百分比": "%", "百分率": "%"}


def _clean_unit(text: object) -> str:
    unit = _squeeze(text)
    return "" if unit in _UNIT_PLACEHOLDERS else unit


_UNIT_JOINERS = str.maketrans({"*": "·", "×": "·", "・": "·", "•": "·"})  # 元/人*月 = 元/人·月


def _unit_key(unit: str) -> str:
    key = unit.casefold().translate(_UNIT_JOINERS)
    return _UNIT_ALIASES.get(key, key)


def same_unit(first: str, second: str) -> bool:
    """`元/人*月` and `元/人·月` are one unit; so are `个月` and `月`."""
    return _same_unit(first, second)


def _same_unit(first: str, second: str) -> bool:
    """Equal units, allowing trivial variants (个月/月, 日/天, ％/%)."""
    return _unit_key(first) == _unit_key(second)


def _is_time_unit(unit: str) -> bool:
    return unit in TIME_UNITS or unit.removeprefix("个") in TIME_UNITS


def assume_comparator(level2: object, unit: object) -> str:
    """The sign of a target that states none: ≤ for 成本 and 时效-in-time-units, else ≥."""
    if is_cost_level2(level2):
        return "≤"
    if clean_level_name(level2) == _TIMELINESS and _is_time_unit(_clean_unit(unit)):
        return "≤"
    return "≥"


# --------------------------------------------------------------------------------------
# Quantities inside a cell: [sign] number [unit] [sign]
# --------------------------------------------------------------------------------------


def _alternation(words: dict[str, str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNIT_CHARS = r"[A-Za-z%‰/·・•*×()²³°℃㎡㎞\u3400-\u4dbf\u4e00-\u9fff]"  # 元/人·月, 元/人*月
_FILLERS = ("控制在", "保持在", "达到")  # carry no sign of their own
_QUANTITY = re.compile(
    rf"(?P<pre>{_alternation(_LEADING_SIGNS)})?\s*(?:{_alternation(_FILLERS)})?\s*"
    rf"(?P<num>{_NUM})\s*(?P<unit>{_UNIT_CHARS}{{0,8}}?)\s*"
    rf"(?P<post>{_alternation(_TRAILING_SIGNS)})?"
)
# Words that show the "unit" is really a sentence (`3年内完成`, `12月31日前`).
_NOT_IN_UNIT = ("完成", "前", "内", "以", "底", *(w for w in _COLUMN_SIGNS if len(w) > 1))


class _Quantity(NamedTuple):
    sign: str  # canonical sign written in the cell, or ""
    value: Decimal
    unit: str


@lru_cache(maxsize=8192)
def _match_quantity(text: str) -> _Quantity | None:
    """Split `≥ 1,000 元` / `95%以上` into sign, number and unit; None when not a number.

    Memoised: a table repeats its targets (`≥95%`) and actuals; the result is immutable."""
    match = _QUANTITY.fullmatch(text)
    if not match or any(word in match["unit"] for word in _NOT_IN_UNIT):
        return None
    pre = _LEADING_SIGNS.get(match["pre"] or "", "")
    post = _TRAILING_SIGNS.get(match["post"] or "", "")
    if pre and post and pre != post:
        raise CellError(f"{_quote(text)}中同时写了“{pre}”和“{post}”，请只保留一个")
    return _Quantity(pre or post, _to_decimal(match["num"]), match["unit"])


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

_DATE = re.compile(
    r"(?:已于|于|在|截至|截止到|截止|不晚于|≤|<=|<)?"
    r"(?:(?P<y1>\d{4})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})[日号]"
    r"|(?P<y2>\d{4})[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})(?:\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|(?P<y3>\d{4})年(?P<m3>\d{1,2})月(?:份|底|末)?"
    r"|(?P<y4>\d{4})年(?:底|末|年底|年末|内|度内))"
    r"(?P<before>前|之前|以前)?(?:全部完成|实施完毕|完成|完工|完毕)?"
)


class _DateMatch(NamedTuple):
    date: datetime.date
    before: bool  # written as a bound (`…前`), not as the day itself


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# A month of the fiscal year without the year: `9月前`, `11月底前`, `10月底`, (an actual) `7月`. Only
# with a bound or month-part word for a target: a bare `12月` is a duration (≤12 月), not December.
_MONTH = re.compile(
    r"(?:于|在|截至|截止|不晚于|≤|<=|<)?(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?(?P<part>份|底|末|中旬|上旬|下旬)?"
    r"(?P<before>前|之前|以前)?(?:全部完成|实施完毕|完成|完工|完毕)?"
)


def _match_month(text: str, year: int, *, bare: bool) -> _DateMatch | None:
    """`9月前` in `year` (the table's fiscal year); a bare `7月` only when `bare` (an actual)."""
    match = _MONTH.fullmatch(text.replace(" ", ""))
    if not match or not (bare or match["before"] or match["part"] or match["d"]):
        return None
    month = int(match["m"])
    try:
        day = int(match["d"]) if match["d"] else _month_end(year, month)
        return _DateMatch(datetime.date(year, month, day), bool(match["before"]))
    except (ValueError, calendar.IllegalMonthError):
        raise CellError(f"{_quote(text)}不是有效日期，请检查月、日") from None


def _match_date(text: str, year: int | None = None, *, bare: bool = False) -> _DateMatch | None:
    """Read `2022年12月31日前`, `2022-12-31`, `2022年12月`, `2022年底`; with the fiscal `year` known,
    also `9月前` (see _match_month); None if not a date."""
    match = _DATE.fullmatch(text.replace(" ", ""))
    if not match:
        return _match_month(text, year, bare=bare) if year else None
    year = int(match["y1"] or match["y2"] or match["y3"] or match["y4"])
    month = int(match["m1"] or match["m2"] or match["m3"] or 12)
    day = match["d1"] or match["d2"]
    try:
        day_number = int(day) if day else _month_end(year, month)
        found = datetime.date(year, month, day_number)
    except (ValueError, calendar.IllegalMonthError):
        raise CellError(f"{_quote(text)}不是有效日期，请检查年、月、日") from None
    return _DateMatch(found, bool(match["before"]))


def _as_date(value: datetime.date) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# --------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A 年度指标值: a number with sign and unit, a 定性 text, or a deadline (≤ date)."""

    comparator: str
    value: Decimal | None
    text: str
    unit: str
    deadline: datetime.date | None = None
    sign_assumed: bool = False

    @property
    def is_qualitative(self) -> bool:
        return self.comparator == QUALITATIVE

    @property
    def is_deadline(self) -> bool:
        return self.deadline is not None


def _column_comparator(text: object) -> str:
    """The 指标性质 column as a comparator; "" when empty or just 定量."""
    key = _squeeze(text)
    return "" if not key or key in _QUANTITATIVE_WORDS else parse_comparator(key)


def _merge_units(column: str, in_cell: str) -> str:
    if column and in_cell and not _same_unit(column, in_cell):
        raise CellError(f"度量单位“{column}”与指标值中的单位“{in_cell}”不一致，请统一")
    return column or in_cell


def _deadline_target(deadline: datetime.date, text: str, column: str) -> Target:
    if column not in ("", "≤", "<", "="):
        raise CellError(f"日期目标{_quote(text)}的指标性质应为“≤”（不晚于），而不是“{column}”")
    return Target("≤", None, text, "", deadline, False)


_SIGN_CHARS = "≥≤><=≧≦⩾⩽＞＜＝═﹦"
# a sign before a number in Chinese numerals (`≥五十款`): a quantity to write in digits, not a 定性 text
_CHINESE_QUANTITY = re.compile(f"^[{_SIGN_CHARS}]+[零〇一二两三四五六七八九十百千万亿]+(?:{_UNIT_CHARS}{{0,4}})$")


def parse_target(
    cell: object, *, comparator: object = "", unit: object = "", level2: object = "", year: int | None = None
) -> Target:
    """Read a 年度指标值 cell together with its 指标性质 and 度量单位 columns; `year` (the fiscal year,
    when known) dates a deadline written without one (`9月前`)."""
    if _all_short_text(cell, comparator, unit, level2) and (year is None or type(year) is int):
        return _parse_text_target(cell, comparator, unit, level2, year)  # type: ignore[arg-type]
    return _parse_target(cell, comparator=comparator, unit=unit, level2=level2, year=year)


def _all_short_text(*values: object) -> bool:
    return all(type(v) is str and len(v) <= _CACHED_LENGTH for v in values)


@lru_cache(maxsize=8192)
def _parse_text_target(cell: str, comparator: str, unit: str, level2: str, year: int | None) -> Target:
    """Memoised: a table repeats its targets (`≥95%`, `100%`) with the same sign and unit; a Target
    is immutable, and a cell that cannot be read raises each time (errors are not cached)."""
    return _parse_target(cell, comparator=comparator, unit=unit, level2=level2, year=year)


def _parse_target(cell: object, *, comparator: object, unit: object, level2: object, year: int | None) -> Target:
    target = _read_target(cell, comparator=comparator, unit=unit, level2=level2, year=year)
    _check_length(target.text, MAX_TEXT, "指标值")
    _check_length(target.unit, MAX_UNIT, "度量单位")
    _check_size(target.value, MAX_VALUE, "指标值")
    stored = _as_stored(target.value)
    return target if stored is target.value else replace(target, value=stored)


def _as_stored(value: Decimal | None) -> Decimal | None:
    """A target or actual as the database keeps it (4 decimals): what is scored is what is stored.
    `value` itself when it is kept as it is (its callers copy their result only when it changes)."""
    return None if value is None else _kept(value, VALUE_PLACES)


def _kept(value: Decimal, places: Decimal) -> Decimal:
    """`value` rounded half up to `places` when it has more decimals than that (-0 reads 0)."""
    if value.as_tuple().exponent >= places.as_tuple().exponent:
        return value.copy_abs() if value.is_zero() else value  # -0 reads 0
    return value.quantize(places, rounding=ROUND_HALF_UP) + 0


def _read_target(cell: object, *, comparator: object, unit: object, level2: object, year: int | None) -> Target:
    column = _column_comparator(comparator)
    if isinstance(cell, datetime.date):
        deadline = _as_date(cell)
        return _deadline_target(deadline, deadline.isoformat(), column)
    text = _number_text(_from_number(cell)) if _is_number(cell) else normalize(cell)  # type: ignore[arg-type]
    if not text:
        raise BlankTarget("为空，请填写指标值")
    if column == QUALITATIVE:
        return Target(QUALITATIVE, None, text, "", None, False)
    if (found := _match_date(text, year)) is not None:
        return _deadline_target(found.date, text, column)
    quantity = _match_quantity(text)
    if quantity is None:
        if column or _CHINESE_QUANTITY.match(text):  # 指标性质 or `≥五十款` says the target is a number
            raise WordsForNumber(f"{_quote(text)}不是数字，请填写数值；文字目标请把指标性质填为“定性”")
        # `≥较好`, `≥优良`: a sign before words is a 定性 target (domain.md §1), kept as written
        return Target(QUALITATIVE, None, text, "", None, False)
    if column and quantity.sign and column != quantity.sign:
        raise CellError(f"指标性质“{column}”与指标值{_quote(text)}中的“{quantity.sign}”不一致，请统一")
    final_unit = _merge_units(_clean_unit(unit), quantity.unit)
    sign = column or quantity.sign
    if sign:
        return Target(sign, quantity.value, text, final_unit, None, False)
    return Target(assume_comparator(level2, final_unit), quantity.value, text, final_unit, None, True)


# --------------------------------------------------------------------------------------
# Actuals
# --------------------------------------------------------------------------------------

QUALITATIVE_LABELS = ("达成", "部分达成", "未达成")
QUALITATIVE_LONG_LABELS: dict[str, str] = {
    "达成年度指标": "达成",
    "部分达成年度指标并具有一定效果": "部分达成",
    "未达成年度指标且效果较差": "未达成",
}
_LABELS: dict[str, str] = {**{x: x for x in QUALITATIVE_LABELS}, **QUALITATIVE_LONG_LABELS}
_PARTIAL_WORDS = ("部分", "基本")
_NEGATIONS = ("未", "不", "没", "无")
# Words that contain a negation character but do not negate.
_NOT_NEGATING = ("不断", "不仅", "无论", "未来", "无误", "不少于", "不低于", "不小于")
_MET_WORDS = ("达成", "完成", "实现", "有效", "提升", "提高", "明显", "显著", "良好")
_TRAILING_PUNCTUATION = "。.;；!！,，、"
_LATE_WORDS = ("未按时", "未按期", "未如期", "未完成", "没有完成", "逾期", "延期", "延迟", "推迟", "滞后", "超期")
_ON_TIME_WORDS = ("按时", "按期", "如期", "提前", "准时", "已完成", "全部完成")
_DATE_EXAMPLE = "2022年11月30日"


@dataclass(frozen=True)
class Actual:
    """A 实际完成值: a number, a 定性 label, or the completion date of a deadline."""

    value: Decimal | None
    text: str
    label: str
    assumed: bool
    on_date: datetime.date | None = None
    unit: str = ""  # the unit written in the cell when it is not the target's (unit_mismatch)


def _qualitative_key(text: str) -> str:
    """Text to compare: no spaces, no trailing punctuation, no sign before words (`≥较好` = `较好`)."""
    return text.replace(" ", "").rstrip(_TRAILING_PUNCTUATION).lstrip(_SIGN_CHARS)


def _is_negated(key: str) -> bool:
    for word in _NOT_NEGATING:
        key = key.replace(word, "")
    return any(word in key for word in _NEGATIONS)


def _read_label(key: str, target_key: str) -> str:
    """domain.md §2: read free text as a band; order matters (未达成 contains 达成)."""
    if key == target_key:
        return "达成"
    if any(word in key for word in _PARTIAL_WORDS):
        return "部分达成"
    if _is_negated(key):
        return "未达成"
    if any(word in key for word in _MET_WORDS):
        return "达成"
    return ""


def _qualitative_actual(text: str, target: Target) -> Actual:
    key = _qualitative_key(text)
    if key in _LABELS:
        return Actual(None, text, _LABELS[key], False, None)
    label = _read_label(key, _qualitative_key(target.text))
    if not label:
        raise CellError(f"无法从{_quote(text)}判断完成情况，请填写“达成”、“部分达成”或“未达成”")
    return Actual(None, text, label, True, None)


def _deadline_actual(cell: object, text: str, target: Target) -> Actual:
    if isinstance(cell, datetime.date):
        return Actual(None, text, "", False, _as_date(cell))
    key = text.replace(" ", "")
    if key == target.text.replace(" ", ""):
        return Actual(None, text, "", True, target.deadline)
    if (found := _match_date(key, target.deadline.year if target.deadline else None, bare=True)) is not None:
        return Actual(None, text, "", found.before, found.date)
    if any(word in key for word in _LATE_WORDS):
        raise CellError(f"{_quote(text)}表示未按时完成，请填写实际完成日期（如 {_DATE_EXAMPLE}）")
    if key == "完成" or any(word in key for word in _ON_TIME_WORDS):
        return Actual(None, text, "", True, target.deadline)
    raise CellError(f"{_quote(text)}不是日期，请填写实际完成日期（如 {_DATE_EXAMPLE}）")


def _not_a_number(text: str) -> CellError:
    """Ask for the number; `无上访` and the like mean 0."""
    if text.startswith(("无", "没有", "零", "未发生")):
        return CellError(f"{_quote(text)}不是数字，请填写数值（例如{_quote(text)}填 0）")
    return CellError(f"{_quote(text)}不是数字，请填写实际完成的数值（例如 95）")


def _quantitative_actual(cell: object, text: str, target: Target) -> Actual:
    if _is_number(cell):
        value = _from_number(cell)  # type: ignore[arg-type]
        return Actual(value, _number_text(value), "", False, None)
    quantity = None if isinstance(cell, datetime.date) else _match_quantity(text)
    if quantity is None:
        raise _not_a_number(text)
    # domain.md §3 unit_mismatch: imported as written, and the evaluator is warned
    mismatch = quantity.unit and target.unit and not _same_unit(quantity.unit, target.unit)
    return Actual(quantity.value, text, "", False, None, quantity.unit if mismatch else "")


def parse_actual(cell: object, *, target: Target) -> Actual | None:
    """Read a 实际完成值 cell against its target; None when the cell is empty."""
    if _all_short_text(cell):
        return _parse_text_actual(cell, target)  # type: ignore[arg-type]
    return _parse_actual(cell, target)


@lru_cache(maxsize=8192)
def _parse_text_actual(cell: str, target: Target) -> Actual | None:
    """Memoised as _parse_text_target: the reading depends on the cell and the target's sign,
    text, unit and deadline (equal targets have equal ones), never on the target's Decimal form."""
    return _parse_actual(cell, target)


def _parse_actual(cell: object, target: Target) -> Actual | None:
    text = _as_date(cell).isoformat() if isinstance(cell, datetime.date) else normalize(cell)
    if not text:
        return None
    _check_length(text, MAX_TEXT, "实际完成值")
    if target.comparator == QUALITATIVE:
        return _qualitative_actual(text, target)
    if target.deadline is not None:
        return _deadline_actual(cell, text, target)
    actual = _quantitative_actual(cell, text, target)
    _check_size(actual.value, MAX_VALUE, "实际完成值")
    stored = _as_stored(actual.value)
    return actual if stored is actual.value else replace(actual, value=stored)


# --------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------


def parse_weight(cell: object) -> Decimal:
    """Read a 权重 / 分值 cell (`10`, `10分`, `0.2`); never negative."""
    if type(cell) is int or _all_short_text(cell):  # a table's few weights (10, 5, `10分`), memoised
        return _parse_common_weight(cell)  # type: ignore[arg-type]
    return _parse_weight(cell)


@lru_cache(maxsize=1024)
def _parse_common_weight(cell: int | str) -> Decimal:
    return _parse_weight(cell)


def _parse_weight(cell: object) -> Decimal:
    if isinstance(cell, str):
        cell = normalize(cell).removesuffix("分").rstrip()
    weight = parse_decimal(cell)
    if weight < 0:
        raise CellError("权重不能为负数，请填写 0 或正数")
    if weight > MAX_WEIGHT:
        raise CellError(f"权重{_quote(_number_text(weight))}超过 {MAX_WEIGHT} 分，请填写分值（0–100）")
    weight = _kept(weight, WEIGHT_PLACES)
    return weight.copy_abs() if weight.is_zero() else weight
