"""The 绩效目标 review checks (domain.md §8 "Target review"). Pure: no Django, plain data in and out.

Policy: 财预〔2015〕88号 (targets and their review); 成本指标 required from 2021 (财预〔2021〕101号,
中央部门项目支出核心绩效目标和指标设置及取值指引). Every check is a warning the reviewer sees beside
its row; only `weights_sum` blocks submission (BLOCKING), as at year end. The thresholds (four
characters, one character left, 50%) and word lists are §8's, tried on the six published target
tables of domain-evidence §11.

Names are read as at year end (domain.md §1: points suffix, trailing 等, a 项目 prefix, 指标 added
or dropped to match the scheme) and traditional characters as simplified (`產出指標`,
evalsys.lib.parsing.simplified). The rest of the reading is this module's own small copy of
evalsys.lib.parsing's (read_text, _POINTS).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from evalsys.lib.parsing import simplified
from scoring.rules import fmt
from scoring.types import CENT, HUNDRED, POSITIVE, QUALITATIVE, QUANTITATIVE, ZERO, IndicatorInput, Scheme, Warning

BLOCKING = frozenset({"weights_sum"})  # the only check that blocks submission (domain.md §8)

LABELS: dict[str, str] = {
    "no_output_quantity": "缺少数量指标",
    "no_cost": "缺少成本指标",
    "no_benefit": "缺少效益指标",
    "no_satisfaction": "缺少满意度指标",
    "unmeasurable": "目标不可衡量",
    "qualitative_heavy": "定性指标过多",
    "duplicate_indicator": "三级指标重复",
    "cost_positive": "成本指标方向存疑",
    "cost_is_budget": "成本目标等于预算",
    "stale_date": "期限早于项目年度",
    "template_text": "留有模板提示",
    "weights_missing": "未设权重",
    "weights_sum": "权重合计不符",
}

COST_REQUIRED_FROM = 2021  # 财预〔2021〕101号: a 成本指标 in every project's targets
MIN_CHARS = 4  # a 定性 target shorter than this says nothing checkable
MAX_LEFT = 1  # ... and so does one of which at most this many characters survive the vague words
QUALITATIVE_SHARE = Decimal("0.5")  # 定性 indicators may carry up to half of the weight (or count)
VAGUE_WORDS = ("提高", "提升", "改善", "良好", "较好", "明显", "显著", "持续", "稳步", "巩固", "有效", "增强", "加强",
               "保障", "效果", "影响")  # fmt: skip
NOT_APPLICABLE = "不适用"
TEMPLATE_HINTS = ("**", "XX", "××", "请填写")  # `**` `XX` `×××` `（请填写）`, read after width folding
PERCENT_UNITS = ("%", "‰")
# amounts a 成本 target may be written in, as multiples of 万元 (the 年度资金总额's unit)
AMOUNT_UNITS = {"": Decimal(1), "万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}

# --- reading names ------------------------------------------------------------------------

# full-width ASCII as half-width, the ideographic space as a space (as evalsys.lib.parsing.normalize)
_WIDTH: dict[int, int | str | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = " "
_POINTS = re.compile(  # a points suffix: `(50分)` `（50）` `【分值：50分】` ` 50分` (evalsys.lib.parsing._POINTS)
    r"(?:[(\[【〔](?:分值|权重)?:?\d+(?:\.\d+)?分?[)\]】〕]|:?\d+(?:\.\d+)?分)$"
)
_VAGUE = re.compile("|".join(VAGUE_WORDS))
_DIGIT = re.compile(r"\d")
_SIGNS = "≥≤><=≧≦⩾⩽═﹦"
_NOT_WORD = re.compile(r"[\W_]")  # punctuation, signs and spaces: not counted as characters of a target
# a year that dates a deadline (`2020年12月31日前`, `2020年底`); `2021年全年` is no deadline
_DATED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:\d{1,2}\s*月|底|末|前|之前|以前|内)")


def read_text(text: object) -> str:
    """Cell text folded for comparing: half-width, simplified, without any whitespace."""
    return "".join(simplified(str(text or "").translate(_WIDTH)).split())


def read_level(name: object, allowed: Iterable[str] = ()) -> str:
    """A 一级/二级 name as at year end, in the scheme's spelling when one of `allowed` matches."""
    text = _POINTS.sub("", read_text(name)).removesuffix("等")
    names = tuple(allowed)
    for candidate in (text, text.removeprefix("项目")):
        for form in (candidate, f"{candidate}指标", candidate.removesuffix("指标")):
            if form in names:
                return form
    return text


# --- input --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetIndicator(IndicatorInput):
    """A declared indicator: `weight` None when the table gives none (most published target tables)."""

    weight: Decimal | None  # type: ignore[assignment]


@dataclass(frozen=True)
class TargetsInput:
    """A project's declared targets: its indicators, 年度资金总额 (万元) and fiscal year."""

    scheme: Scheme
    indicators: tuple[IndicatorInput, ...]
    budget: Decimal | None = None
    year: int | None = None


# --- the checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One indicator with its names read for the scheme."""

    ind: IndicatorInput
    level1: str
    level2: str

    @property
    def name(self) -> str:
        return self.ind.level3.strip()


class _Levels:
    """The scheme's 一级/二级 roles: which names are 产出, 数量, 成本, 效益 and 满意度."""

    def __init__(self, scheme: Scheme) -> None:
        self.level1 = scheme.level1_names
        self.level2 = tuple(n for _, names in scheme.level2_names for n in names)
        output = [n for n in self.level1 if n.startswith("产出")]
        self.quantity = tuple(n for o in output for n in scheme.level2_for(o) if "数量" in n)
        self.cost = tuple(scheme.cost_level2)
        self.benefit = tuple(n for n in self.level1 if n.startswith("效益"))
        self.satisfaction = any("满意度" in n for n in self.level1)

    def read(self, ind: IndicatorInput) -> _Row:
        return _Row(ind, read_level(ind.level1, self.level1), read_level(ind.level2, self.level2))

    def is_cost(self, row: _Row) -> bool:
        return row.level2 in self.cost


def is_satisfaction(row: _Row) -> bool:
    """满意度 wherever it sits: the 2015 layout prints 社会公众或服务对象满意度指标 under 效益指标."""
    return "满意度" in row.level1 or "满意度" in row.level2


def not_applicable(ind: IndicatorInput) -> bool:
    """The row says it does not apply: marked so, or its 三级 or target says 不适用 (a target of 无 or /
    counts only with such a 三级, which already says so): it is marked 不适用 and not checked."""
    return ind.not_applicable or says_not_applicable(ind.level3, ind.target_text)


def says_not_applicable(level3: str, target: str) -> bool:
    """The 三级 name or the target says 不适用 (the importer marks such a declared row so)."""
    return NOT_APPLICABLE in read_text(level3) or NOT_APPLICABLE in read_text(target)


def _presence(rows: list[_Row], levels: _Levels, year: int | None) -> list[Warning]:
    """no_output_quantity, no_cost, no_benefit, no_satisfaction: the categories a declaration must have."""
    out = []
    if levels.quantity and not any(r.level2 in levels.quantity for r in rows):
        out.append(Warning("no_output_quantity", "产出指标下没有数量指标，请设置反映产出数量的指标"))
    cost_due = year is None or year >= COST_REQUIRED_FROM
    if levels.cost and cost_due and not any(levels.is_cost(r) for r in rows):
        out.append(Warning("no_cost", f"产出指标下没有成本指标（{COST_REQUIRED_FROM} 年起须设置成本指标）"))
    benefit = [r for r in rows if r.level1 in levels.benefit and not is_satisfaction(r)]
    if levels.benefit and not benefit:
        out.append(Warning("no_benefit", "没有效益指标，请设置反映项目效果的指标"))
    if levels.satisfaction and not any(is_satisfaction(r) for r in rows):
        out.append(Warning("no_satisfaction", "没有满意度指标，请设置服务对象满意度指标"))
    return out


def _weights(inds: tuple[IndicatorInput, ...], scheme: Scheme) -> list[Warning]:
    """weights_missing when no indicator carries a weight; weights_sum when the given ones miss the points."""
    if not inds:
        return []
    if not any(i.weight for i in inds):  # None or 0 on every row: the table prints no weights
        need = fmt(scheme.indicator_points)
        return [Warning("weights_missing", f"各指标均未设置权重；自评时须设置，合计应为 {need}")]
    total = sum((i.weight or ZERO for i in inds), ZERO)
    if total != scheme.indicator_points:  # the year-end rule's message (scoring.rules._weight_warnings)
        return [Warning("weights_sum", f"指标权重合计 {fmt(total)}，应为 {fmt(scheme.indicator_points)}")]
    return []


def _share(part: Decimal, whole: Decimal) -> str:
    # rounded up: a share just above half never prints as 50.00%
    return f"{(part * HUNDRED / whole).quantize(CENT, rounding=ROUND_UP)}%"


DECLARED_SIGNS = ("≥", "≤", ">", "<", "=")  # the signs the importer puts before a kept text (`≥**`)


def declared_sign(comparator: str, text: str) -> tuple[str, str]:
    """(comparator, target) as the table declared them: a target that held no number after its sign,
    kept by the importer as the 定性 text `≥**`, shows its sign again (`≥`, `**`)."""
    if comparator == QUALITATIVE and text[:1] in DECLARED_SIGNS:
        return text[0], text[1:]
    return comparator, text


def is_qualitative(ind: IndicatorInput) -> bool:
    """A 定性 indicator; a declared `≥` whose value held no number (`≥**`, kept as the text `≥**`) was
    declared quantitative: it is `unmeasurable`, not 定性."""
    return ind.comparator == QUALITATIVE and read_text(ind.target_text)[:1] not in _SIGNS


def _qualitative_heavy(rows: list[_Row]) -> list[Warning]:
    """定性 indicators carry more than half of the weight, or of the count when no weights are given."""
    inds = [r.ind for r in rows]
    weighted = any(i.weight for i in inds)
    if weighted:
        total = sum((i.weight or ZERO for i in inds), ZERO)
        part = sum((i.weight or ZERO for i in inds if is_qualitative(i)), ZERO)
    else:
        total = Decimal(len(inds))
        part = Decimal(sum(1 for i in inds if is_qualitative(i)))
    if total <= 0 or part <= QUALITATIVE_SHARE * total:
        return []
    if weighted:
        said = f"定性指标的权重占 {_share(part, total)}"
    else:
        said = f"定性指标 {fmt(part)} 个，占 {fmt(total)} 个指标的 {_share(part, total)}"
    return [Warning("qualitative_heavy", f"{said}，超过一半；请尽量设置可量化的指标")]


def _target_words(ind: IndicatorInput) -> str:
    return read_text(ind.target_text)


def _holds_number(ind: IndicatorInput) -> bool:
    return ind.target is not None or ind.deadline is not None or bool(_DIGIT.search(_target_words(ind)))


def _vague_left(text: str) -> str:
    """What a 定性 target says once the vague words are taken out (characters only)."""
    return _NOT_WORD.sub("", _VAGUE.sub("", text))


def unmeasurable(row: _Row, levels: _Levels) -> str:
    """Why the target cannot be measured ("" when it can): domain.md §8 `unmeasurable`."""
    ind, text = row.ind, _target_words(row.ind)
    if not _holds_number(ind) and not text.lstrip(_SIGNS):  # blank, or a sign alone (`≥` and no value)
        return "指标值为空，无法衡量是否完成"
    numeric = ind.comparator in QUANTITATIVE or (bool(text) and text[0] in _SIGNS)
    needs_number = numeric or row.level2 in levels.quantity or levels.is_cost(row)
    if needs_number and not _holds_number(ind):
        where = "带比较符号的指标值" if numeric else f"{row.level2}的指标值"
        return f"{where}“{ind.target_text.strip()}”没有数值，无法衡量；请写明数量或金额"
    if ind.comparator != QUALITATIVE or _holds_number(ind):
        return ""
    if len(_NOT_WORD.sub("", text)) < MIN_CHARS:
        return f"定性指标值“{ind.target_text.strip()}”不足 {MIN_CHARS} 个字，说不出可检查的内容"
    if len(_vague_left(text)) <= MAX_LEFT:
        words = "、".join(f"“{w}”" for w in VAGUE_WORDS if w in text)
        return f"定性指标值“{ind.target_text.strip()}”除{words}等笼统用语外没有可检查的内容，请写明要达到的具体状态"
    return ""


FIELD_LABELS = (("level3", "三级指标名称"), ("target_text", "指标值"), ("unit", "度量单位"))


def template_hints(ind: IndicatorInput) -> tuple[list[str], list[str]]:
    """(fields, hints) of the template hints left in the 三级 name, target and unit."""
    fields, hints = [], []
    for attr, label in FIELD_LABELS:
        text = read_text(getattr(ind, attr)).upper()
        found = [h for h in TEMPLATE_HINTS if h in text]
        if found:
            fields.append(label)
            hints += [h for h in found if h not in hints]
    return fields, hints


def _cost_amount(ind: IndicatorInput) -> Decimal | None:
    """A 成本 target in 万元 (None for a rate, an unknown unit or no number)."""
    factor = AMOUNT_UNITS.get(read_text(ind.unit))
    return None if ind.target is None or factor is None else ind.target * factor


def _stale_year(ind: IndicatorInput, year: int | None) -> int | None:
    """The earliest year of a deadline before the project's year (None when there is none)."""
    if year is None:
        return None
    if ind.deadline is not None:
        return ind.deadline.year if ind.deadline.year < year else None
    found = [int(y) for y in _DATED_YEAR.findall(_target_words(ind)) if int(y) < year]
    return min(found) if found else None


def _row_warnings(row: _Row, levels: _Levels, data: TargetsInput) -> list[Warning]:
    ind, name, out = row.ind, row.name, []
    if why := unmeasurable(row, levels):
        out.append(Warning("unmeasurable", why, name))
    fields, hints = template_hints(ind)
    if fields:
        shown = "、".join(f"“{h}”" for h in hints)
        out.append(Warning("template_text", f"{'、'.join(fields)}中留有模板提示{shown}，请填写实际内容", name))
    cost = levels.is_cost(row)
    if cost and ind.comparator in POSITIVE and read_text(ind.unit) not in PERCENT_UNITS:
        # the year-end rule's message (scoring.rules._indicator_warnings), with the sign as written
        out.append(Warning("cost_positive", f"成本指标使用了“{ind.comparator}”，成本目标通常应为“≤”", name))
    amount = _cost_amount(ind) if cost else None
    if amount is not None and data.budget is not None and data.budget > 0 and amount == data.budget:
        said = f"成本指标值 {fmt(ind.target)}{ind.unit} 等于年度资金总额 {fmt(data.budget)} 万元"
        out.append(Warning("cost_is_budget", f"{said}，通常是照抄了预算数，而不是成本标准", name))
    if (stale := _stale_year(ind, data.year)) is not None:
        said = f"指标值的期限在 {stale} 年，早于项目年度 {data.year} 年"
        out.append(Warning("stale_date", f"{said}，可能沿用了往年的目标", name))
    return out


def _duplicates(rows: list[_Row]) -> list[Warning]:
    """The same 三级 name (whitespace ignored) under two 二级 of one project, once per name."""
    seen: dict[str, list[_Row]] = {}
    for r in rows:
        seen.setdefault(read_text(r.ind.level3), []).append(r)
    out = []
    for group in seen.values():
        under = sorted({r.level2 for r in group})
        if len(under) > 1:
            name = min(r.name for r in group)
            places = "、".join(f"“{n}”" for n in under)
            out.append(Warning("duplicate_indicator", f"三级指标“{name}”同时出现在{places}下，请合并或改名", name))
    return out


def check_targets(data: TargetsInput) -> tuple[Warning, ...]:
    """Every §8 check of a declaration, in a stable order: the weights, the categories, 定性 share,
    then each row's (in row order: unmeasurable, template_text, cost_positive, cost_is_budget,
    stale_date), then duplicate names. A 不适用 row counts towards the categories and the weights but
    is not checked itself."""
    levels = _Levels(data.scheme)
    rows = [levels.read(i) for i in data.indicators]
    checked = [r for r in rows if not not_applicable(r.ind)]
    out = _weights(data.indicators, data.scheme)
    out += _presence(rows, levels, data.year)
    out += _qualitative_heavy(checked)
    for row in checked:
        out += _row_warnings(row, levels, data)
    out += _duplicates(checked)
    return tuple(out)


def blocking(warnings: Iterable[Warning]) -> tuple[Warning, ...]:
    """The warnings that keep a declaration from being submitted."""
    return tuple(w for w in warnings if w.code in BLOCKING)
