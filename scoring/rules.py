"""Pure scoring rules (domain.md §2–§3). No Django here: plain data in, plain data out.

Policy: 财预〔2020〕10号 附件1 项目支出绩效自评表 (单位自评) and the provincial variants in
domain.md §4. Every indicator score is clamped to [0, w] and rounded by the scheme's rule;
subtotals and the total are sums of the rounded parts.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from scoring.types import (
    ACHIEVED,
    CENT,
    HUNDRED,
    PARTIAL,
    POSITIVE,
    QUALITATIVE,
    REVERSE,
    ZERO,
    BudgetInput,
    BudgetScore,
    Evaluation,
    EvaluationInput,
    IndicatorInput,
    IndicatorScore,
    Level1Grade,
    Scheme,
    Warning,
)

TWO = Decimal(2)


def fmt(value: Decimal | None) -> str:
    """A number as people write it: no exponent, no trailing zeros (12, 127.34, 0.5)."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def pts(value: Decimal) -> str:
    """Points with two decimals."""
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def money(value: Decimal) -> str:
    """An amount in 万元 with two decimals and thousands separators (1,200.00), as pages show it."""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def _qty(value: Decimal | None, unit: str) -> str:
    """A quantity with its unit, as the report writes it ("98 款", "95%")."""
    if not unit or unit in "%‰":
        return f"{fmt(value)}{unit}"
    return f"{fmt(value)} {unit}"


# --- quantitative rules -------------------------------------------------------------------


def _positive(t: Decimal, a: Decimal, w: Decimal, unit: str) -> tuple[Decimal, str]:
    """≥ / > (正向): a ≥ t gives w, else a / t × w; t = 0 gives w."""
    if a >= t:
        return w, f"实际 {_qty(a, unit)} ≥ 目标 {_qty(t, unit)}，得满分 {pts(w)}"
    if t <= 0:
        return ZERO, f"实际 {_qty(a, unit)} 低于目标 {_qty(t, unit)}，得 0"
    raw = a * w / t  # multiply first: one division keeps exact halves exact
    return raw, f"实际 {_qty(a, unit)} 未达目标 {_qty(t, unit)}，按 实际/目标 × 分值 = {fmt(a)}/{fmt(t)} × {fmt(w)}"


def _reverse(t: Decimal, a: Decimal, w: Decimal, unit: str, rule: str) -> tuple[Decimal, str]:
    """≤ / < (反向): a ≤ t gives w; else t / a × w ("ratio") or (1 − (a − t)/t) × w ("linear")."""
    if a <= t:
        return w, f"实际 {_qty(a, unit)} ≤ 目标 {_qty(t, unit)}，得满分 {pts(w)}"
    if t <= 0:
        return ZERO, f"目标 {_qty(t, unit)}，实际 {_qty(a, unit)} 超出目标，得 0"
    if rule == "linear":
        if a >= TWO * t:
            return ZERO, f"实际 {_qty(a, unit)} 达到目标 {_qty(t, unit)} 的两倍及以上，得 0"
        raw = (TWO * t - a) * w / t  # = (1 − (a − t)/t) × w with a single division
        return raw, f"实际 {_qty(a, unit)} 超出目标 {_qty(t, unit)}，按 (1 − 超出/目标) × 分值线性扣分"
    raw = t * w / a
    return raw, f"实际 {_qty(a, unit)} 超出目标 {_qty(t, unit)}，按 目标/实际 × 分值 = {fmt(t)}/{fmt(a)} × {fmt(w)}"


def _equal(t: Decimal, a: Decimal, w: Decimal, unit: str) -> tuple[Decimal, str]:
    """=: a = t gives w; else min(a, t) / max(a, t) × w; t = 0: a ≤ 0 gives w, else 0."""
    if a == t or (t == 0 and a <= 0):
        return w, f"实际 {_qty(a, unit)} = 目标 {_qty(t, unit)}，得满分 {pts(w)}"
    low, high = min(a, t), max(a, t)
    if low <= 0 or high <= 0:
        return ZERO, f"实际 {_qty(a, unit)} ≠ 目标 {_qty(t, unit)}，得 0"
    raw = low * w / high
    return (
        raw,
        f"实际 {_qty(a, unit)} ≠ 目标 {_qty(t, unit)}，按 较小值/较大值 × 分值 = {fmt(low)}/{fmt(high)} × {fmt(w)}",
    )


def quantitative_raw(ind: IndicatorInput, scheme: Scheme) -> tuple[Decimal, str]:
    """Unrounded score and explanation of an entered quantitative indicator."""
    t, a, w = ind.target or ZERO, ind.actual or ZERO, ind.weight
    a = max(a, ZERO)  # negative actuals are treated as 0 (every published profile)
    if ind.comparator in POSITIVE:
        if t == 0:
            return w, f"目标为 0，实际 {_qty(a, ind.unit)}，得满分 {pts(w)}"
        return _positive(t, a, w, ind.unit)
    if ind.comparator in REVERSE:
        if t == 0:
            if a <= 0:
                return w, f"目标为 0，实际 {_qty(a, ind.unit)}，得满分 {pts(w)}"
            return ZERO, f"目标为 0，实际 {_qty(a, ind.unit)} 大于 0，得 0"
        return _reverse(t, a, w, ind.unit, scheme.reverse_rule)
    return _equal(t, a, w, ind.unit)


# --- qualitative and deadline rules -------------------------------------------------------


def qualitative_raw(ind: IndicatorInput, scheme: Scheme) -> tuple[Decimal, str]:
    """定性: top of 达成 (w), bottom of 部分达成, 0 for 未达成 (the evaluator may move within the band)."""
    low, high, _ = scheme.bands.band(ind.actual_label, ind.weight)
    value = high if ind.actual_label == ACHIEVED else (low if ind.actual_label == PARTIAL else ZERO)
    band = f"[{pts(low)}, {pts(high)}{']' if ind.actual_label == ACHIEVED else ')'}"
    read = f"（由“{ind.actual_text}”认定）" if ind.actual_assumed else ""
    return value, f"定性指标{ind.actual_label}{read}，档位 {band}，计 {pts(value)}"


def deadline_raw(ind: IndicatorInput) -> tuple[Decimal, str]:
    """A date target is a deadline: on or before it earns w; later is scored by the evaluator."""
    assert ind.deadline is not None and ind.actual_date is not None
    if ind.actual_date <= ind.deadline:
        return (
            ind.weight,
            f"完成于 {ind.actual_date:%Y年%m月%d日}，不晚于期限 {ind.deadline:%Y年%m月%d日}，得满分 {pts(ind.weight)}",
        )
    return ZERO, f"完成于 {ind.actual_date:%Y年%m月%d日}，晚于期限 {ind.deadline:%Y年%m月%d日}，暂计 0，由审核人评分"


# 10号 附件 单位自评表: the weights are scored as set, so an indicator that did not apply this year
# earns 0 (its reason stands in the 偏差原因 column); nothing is redistributed over the others.
NOT_APPLICABLE = "填报人标注为不适用，按 0 分计（单位自评按设定分值计分，不重新分配分值）"


def score_indicator(ind: IndicatorInput, scheme: Scheme) -> IndicatorScore:
    """Score one leaf: computed by rule, clamped to [0, w], rounded; an adjustment replaces it."""
    if ind.not_applicable:
        raw, why = ZERO, NOT_APPLICABLE
    elif not ind.entered:
        raw, why = ZERO, "尚未填报实际完成值，暂计 0"
    elif ind.comparator == QUALITATIVE:
        raw, why = qualitative_raw(ind, scheme)
    elif ind.deadline is not None:
        raw, why = deadline_raw(ind)
    else:
        raw, why = quantitative_raw(ind, scheme)
    # clamp, round, clamp again: whole-point rounding of a fractional weight must not pass w
    computed = min(scheme.rounding.apply(min(max(raw, ZERO), ind.weight)), ind.weight.quantize(CENT))
    if ind.entered and not why.endswith(pts(computed)):
        why = f"{why}，得 {pts(computed)}"
    if ind.adjusted is None:
        return IndicatorScore(ind, computed, computed, False, why)
    score = min(max(ind.adjusted, ZERO), ind.weight).quantize(CENT, rounding=ROUND_HALF_UP)
    return IndicatorScore(ind, computed, score, True, f"{why}；审核人调整为 {pts(score)}")


def adjustment_error(ind: IndicatorInput, value: Decimal, scheme: Scheme) -> str:
    """Why an evaluator's score is not allowed ("" when it is): [0, w], within the 定性 band."""
    if value < 0 or value > ind.weight:
        return f"调整后得分须在 0 至 {pts(ind.weight)} 之间"
    if value != value.quantize(CENT):
        return "调整后得分最多保留两位小数"
    if ind.comparator != QUALITATIVE or not scheme.band_locked or not ind.actual_label:
        return ""
    low, high, closed = scheme.bands.band(ind.actual_label, ind.weight)
    if value < low or value > high or (value == high and not closed):
        right = "]" if closed else ")"
        return f"定性指标“{ind.actual_label}”的得分须在 [{pts(low)}, {pts(high)}{right} 内"
    return ""


# --- budget execution ---------------------------------------------------------------------


def score_budget(budget: BudgetInput, scheme: Scheme) -> BudgetScore:
    """预算执行率 = B / A; score = min(w, rate × w); A = 0 scores 0."""
    w, a, b = scheme.budget_points, budget.annual + 0, budget.executed + 0  # `+ 0`: -0.00 reads 0.00
    if a <= 0:
        return BudgetScore(a, b, ZERO.quantize(CENT), w, ZERO.quantize(CENT), "无全年预算数（或为 0），预算执行得 0")
    rate = (b * HUNDRED / a).quantize(CENT, rounding=ROUND_HALF_UP)
    score = min(scheme.rounding.apply(min(w, max(b * w / a, ZERO))), w)
    why = f"执行率 {money(b)}/{money(a)} = {rate}%，得 {pts(score)}（满分 {pts(w)}）"
    return BudgetScore(a, b, rate, w, score, why)


# --- warnings -----------------------------------------------------------------------------


def _indicator_warnings(s: IndicatorScore, scheme: Scheme) -> list[Warning]:
    ind, name, out = s.indicator, s.indicator.level3, []
    if ind.sign_assumed:
        out.append(Warning("sign_assumed", f"目标未写比较符号，已按“{ind.comparator}”处理，请核对", name))
    if ind.actual_assumed:
        out.append(
            Warning(
                "qualitative_assumed",
                f"实际完成值“{ind.actual_text}”被认定为“{ind.actual_label or '按期完成'}”，请审核人确认",
                name,
            )
        )
    if ind.actual_unit and ind.comparator != QUALITATIVE:
        unit = ind.unit or "（无）"
        out.append(
            Warning(
                "unit_mismatch",
                f"实际完成值的单位“{ind.actual_unit}”与目标的单位“{unit}”不一致，比较结果可能有误，请核对",
                name,
            )
        )
    if ind.level2 in scheme.cost_level2 and ind.comparator in POSITIVE:
        out.append(Warning("cost_positive", "成本指标使用了“≥”，成本目标通常应为“≤”", name))
    # the computed score, not an evaluator's adjustment: lowering a score never creates a duty for the officer
    if ind.answered and s.computed < ind.weight and not ind.reason.strip():
        out.append(
            Warning(
                "missing_reason",
                f"得分 {pts(s.computed)} 低于分值 {pts(ind.weight)}，须填写偏差原因分析及改进措施",
                name,
            )
        )
    big = ind.comparator in (*POSITIVE, "=") and ind.target and ind.target > 0 and ind.actual is not None
    if big and ind.actual >= scheme.over_completion_ratio * ind.target:
        pct = (ind.actual / ind.target * HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        out.append(Warning("over_completion", f"实际完成 {pct}% 的目标，请审核人考虑目标是否设置偏低", name))
    return out


def _weight_warnings(inds: tuple[IndicatorInput, ...], scheme: Scheme) -> list[Warning]:
    out, total = [], sum((i.weight for i in inds), ZERO)
    if total != scheme.indicator_points:
        out.append(Warning("weights_sum", f"指标权重合计 {fmt(total)}，应为 {fmt(scheme.indicator_points)}"))
    if any(0 < i.weight < 1 for i in inds) and any(i.weight >= 1 for i in inds):
        out.append(Warning("weights_scale", "权重混用了小数（如 0.2）和分值（如 10），请统一为分值"))
    return out


def _budget_warnings(
    b: BudgetScore, ind_total: Decimal, scheme: Scheme, *, assumed: bool, explained: bool = False
) -> list[Warning]:
    if b.annual <= 0:
        return [
            Warning(
                "budget_missing",
                f"没有全年预算数和年初预算数（或均为 0），全年执行数 {pts(b.executed)} 万元"
                "无法计算执行率，预算执行得 0",
            )
        ]
    out = []
    if assumed:
        said = f"全年预算数为空，已按年初预算数 {money(b.annual)} 万元计算执行率，请核对"
        out.append(Warning("budget_assumed", said))
    exact_rate = b.executed * HUNDRED / b.annual  # warnings compare the exact rate, not the printed one
    if exact_rate < scheme.low_execution_rate:
        said = "已说明原因" if explained else "须说明原因"
        out.append(Warning("low_execution", f"预算执行率 {b.rate}% 低于 {fmt(scheme.low_execution_rate)}%，{said}"))
    if scheme.indicator_points > 0:
        ind_rate = ind_total * HUNDRED / scheme.indicator_points
        if ind_rate - exact_rate > scheme.divergence_points:
            out.append(
                Warning(
                    "budget_divergence",
                    f"指标得分率 {pts(ind_rate)}% 高于预算执行率 {b.rate}% "
                    f"超过 {fmt(scheme.divergence_points)} 个百分点",
                )
            )
    return out


# --- the whole evaluation -----------------------------------------------------------------


def evaluate(data: EvaluationInput) -> Evaluation:
    """Score a project: every leaf, the budget row, subtotals, total, grade and warnings."""
    scheme = data.scheme
    scores = tuple(score_indicator(i, scheme) for i in data.indicators)
    subtotals = tuple(
        (name, sum((s.score for s in scores if s.indicator.level1 == name), ZERO).quantize(CENT))
        for name in scheme.level1_names
    )
    ind_total = sum((s.score for s in scores), ZERO).quantize(CENT)
    budget = score_budget(data.budget, scheme) if data.budget and scheme.has_budget_row else None
    total = ind_total + (budget.score if budget else ZERO)
    warnings = [
        Warning("name_variant", f"同一项目编码出现了不同名称：{'、'.join(data.name_variants)}")
        for _ in data.name_variants[:1]
    ]
    if budget:
        assumed = bool(data.budget and data.budget.assumed)
        warnings += _budget_warnings(budget, ind_total, scheme, assumed=assumed, explained=data.low_execution_explained)
    warnings += _year_warnings(data.code, data.year)
    warnings += _weight_warnings(data.indicators, scheme)
    for s in scores:
        warnings += _indicator_warnings(s, scheme)
    return Evaluation(
        scheme, budget, scores, subtotals, ind_total, total, scheme.grade(total), tuple(warnings),
        level1_grades(scores, scheme) if scheme.grade_level1 else (),
    )  # fmt: skip


def level1_grades(scores: tuple[IndicatorScore, ...], scheme: Scheme) -> tuple[Level1Grade, ...]:
    """Each 一级's points against the leaf weights under it, graded on the share (domain.md §9).

    The share is cut, not rounded, to two decimals: 89.996% prints 89.99% and stays 良, so the
    printed share and the grade always agree; the bands are the scheme's, read as percentages.
    """
    out = []
    for name in scheme.level1_names:
        mine = [s for s in scores if s.indicator.level1 == name]
        points = sum((s.score for s in mine), ZERO).quantize(CENT)
        weight = sum((s.indicator.weight for s in mine), ZERO).quantize(CENT)
        if weight <= 0:
            out.append(Level1Grade(name, points, weight, None, ""))
            continue
        share = (points * HUNDRED / weight).quantize(CENT, rounding=ROUND_DOWN)
        out.append(Level1Grade(name, points, weight, share, scheme.grade(share)))
    return tuple(out)


# 预算管理一体化 project codes: 6-digit region, 2-digit year, a letter for the kind, then a serial
# (`15000021T000000007928` is a 2021 project of region 150000).
_UNIFIED_CODE = re.compile(r"^\d{6}(\d{2})[A-Za-z]\d{6,}$")


def code_year(code: str) -> int | None:
    """The year a 预算管理一体化 code carries (digits 7–8), None for any other code."""
    found = _UNIFIED_CODE.match(code.strip())
    return 2000 + int(found.group(1)) if found else None


def _year_warnings(code: str, year: int | None) -> list[Warning]:
    carried = code_year(code)
    if year is None or carried is None or carried == year:
        return []
    return [
        Warning(
            "year_mismatch", f"项目编码“{code}”第 7–8 位表示 {carried} 年，与评价年度 {year} 年不一致，请核对年度或编码"
        )
    ]


def expected_level1_points(scheme: Scheme, present: set[str]) -> dict[str, Decimal]:
    """Points each 一级 should carry; with no 满意度 indicator its points go to 效益 (10号)."""
    points = dict(scheme.level1_points)
    moved = scheme.satisfaction_level1
    if moved and moved not in present and scheme.satisfaction_moves_to in points:
        points[scheme.satisfaction_moves_to] += points.pop(moved)
    return points
