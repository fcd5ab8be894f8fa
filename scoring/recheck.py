"""复核: re-check a published 自评表 against the rules (domain.md §7). Pure: no Django here.

A published table carries its own 得分 per row and often printed 小计/合计/总分 rows, a budget
score and a grade. `recheck` compares them with the rule scores of `scoring.rules.evaluate`:
each row whose published score differs by more than 0.005 is a deviation with its likeliest
cause; each printed sum that does not add up (to its published parts or to the rules' sum) is a
`bad_sum`; the weights are checked against the scheme and the grade against the total. These are
findings, not errors: the evaluator may have had reasons the table cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from scoring.rules import deadline_raw, fmt, pts, qualitative_raw, quantitative_raw
from scoring.types import CENT, HUNDRED, QUALITATIVE, ZERO, Evaluation, IndicatorScore, Scheme

TOLERANCE = Decimal("0.005")  # a published score within half a cent of the rule's is the same score
SHOWN_PLACES = 4
CUT_PLACES = (0, 1, 2)  # truncation habits: whole points, one decimal, two decimals of the exact score
ROW_CAUSES = ("truncated", "whole_points", "marked_down_met", "over_scored", "other")
SUM_CAUSES = ("bad_sum", "weights_sum", "bad_grade")
PLACES_TEXT = {0: "整数", 1: "一位小数", 2: "两位小数"}
LETTER_GRADES = ("A", "B", "C", "D")
GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "较差": "差", "不合格": "差"}

TRUNCATED = "公布 {p} 是规则得分 {raw} 截断到{places}（未四舍五入）的结果；按规则应得 {c}"
WHOLE_POINTS = "公布 {p} 为整数分，规则得分 {c} 不是这个整数；按规则应得 {c}"
MARKED_DOWN_MET = "已达到目标，按规则应得满分 {c}，公布 {p} 扣了 {diff} 分"
OVER_WEIGHT = "公布 {p} 超过该项分值 {w}；按规则应得 {c}"
OVER_RULE = "公布 {p} 高于规则得分 {c}，多 {diff} 分"
OTHER = "公布 {p} 与规则得分 {c} 相差 {diff} 分，原因不明"
SUM_PARTS = "公布{what} {p}，但所列各项之和为 {parts}"
SUM_RULE = "公布{what} {p}，按规则应为 {c}"
WEIGHTS = "指标分值合计 {p}，本方案应为 {c}"
GRADE = "公布等级“{p}”与总分 {total} 应得的等级“{c}”不符"
LEVEL1_GRADE = "公布{level1}等级“{p}”与其得分 {points}（得分率 {share}%）应得的等级“{c}”不符"
WHAT_TEXT = {"subtotal": "小计", "indicator_total": "指标合计", "total": "总分", "budget": "预算执行得分"}

SumKind = Literal["subtotal", "indicator_total", "total"]


@dataclass(frozen=True)
class PublishedRow:
    """Where an indicator row stands in the table and the 得分 it prints (None: not printed)."""

    sheet: str
    row: int
    published: Decimal | None


@dataclass(frozen=True)
class PublishedSum:
    """A printed 小计 (closing `level1`), 合计 or 总分 row, with its printed 分值 when there is one."""

    sheet: str
    row: int
    kind: SumKind
    value: Decimal
    level1: str = ""
    weight: Decimal | None = None
    grade: str = ""  # a 小计's printed 等级 (framework2013 grades each 一级, domain.md §9)


@dataclass(frozen=True)
class PublishedTable:
    """What one project's table prints: `rows` in the order of the evaluation's indicators."""

    rows: tuple[PublishedRow, ...]
    budget: Decimal | None = None
    sums: tuple[PublishedSum, ...] = ()
    grade: str = ""


@dataclass(frozen=True)
class Deviation:
    sheet: str
    row: int
    level1: str
    level2: str
    level3: str
    weight: Decimal
    published: Decimal
    computed: Decimal
    cause: str
    explanation: str  # the rule's ("实际 10 个月 超出目标 7 个月，按 目标/实际 × 分值 …")
    note: str  # why the cause was chosen, with the numbers

    @property
    def difference(self) -> Decimal:
        return self.published - self.computed


@dataclass(frozen=True)
class SumFinding:
    """A printed sum, the weights or the grade that departs: numbers, or grade labels for `grade`."""

    what: Literal["subtotal", "indicator_total", "total", "budget", "weights", "grade"]
    published: Decimal | str
    computed: Decimal | str
    cause: str
    message: str
    level1: str = ""
    parts: Decimal | None = None  # the sum of the published parts, when every part is printed
    sheet: str = ""
    row: int = 0


@dataclass(frozen=True)
class RecheckResult:
    rows: int  # indicator rows scored
    judged: int  # of them, rows with a published score
    deviations: tuple[Deviation, ...]
    sums: tuple[SumFinding, ...]
    at_stake: Decimal  # |published − rule| over the deviating rows and the budget score

    @property
    def departs(self) -> bool:
        return bool(self.deviations or self.sums)


# --- one score ----------------------------------------------------------------------------


def exact_score(s: IndicatorScore, scheme: Scheme) -> Decimal:
    """The rule's score before rounding, clamped to [0, w]: what a truncating author cuts."""
    ind = s.indicator
    if not ind.entered:
        return ZERO
    if ind.comparator == QUALITATIVE:
        raw = qualitative_raw(ind, scheme)[0]
    elif ind.deadline is not None:
        raw = deadline_raw(ind)[0]
    else:
        raw = quantitative_raw(ind, scheme)[0]
    return min(max(raw, ZERO), ind.weight)


def cut(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def exact_text(value: Decimal) -> str:
    """An exact score for a message: four decimals at most, `…` when more were cut (1.1779…)."""
    shown = cut(value, SHOWN_PLACES)
    return fmt(shown) + ("…" if shown != value else "")


def deviates(published: Decimal, computed: Decimal) -> bool:
    return abs(published - computed) > TOLERANCE


def cause_of(*, published: Decimal, computed: Decimal, exact: Decimal, weight: Decimal) -> tuple[str, str]:
    """(cause, note) of a published score that deviates from the rule's (domain.md §7).

    In this order: above the weight; the exact score cut (not rounded) to whole points, one or
    two decimals (seed 000: 3.5 → 3, 8.94 → 8.9; seed 003: 9.5577 → 9.55); a met target marked
    down; another integer within a point of the exact score (8.6 printed as 9: whole points);
    above the rule; anything else.
    """
    p, c, diff = pts(published), pts(computed), pts(abs(published - computed))
    if published > weight:
        return "over_scored", OVER_WEIGHT.format(p=p, w=pts(weight), c=c)
    met = computed == weight.quantize(CENT) and exact == weight
    for places in CUT_PLACES:
        if published < computed and published == cut(exact, places):
            return "truncated", TRUNCATED.format(p=p, raw=exact_text(exact), places=PLACES_TEXT[places], c=c)
    if met and published < computed:
        return "marked_down_met", MARKED_DOWN_MET.format(p=p, c=c, diff=diff)
    if published == published.to_integral_value() and abs(published - exact) < 1:
        return "whole_points", WHOLE_POINTS.format(p=p, c=c)
    if published > computed:
        return "over_scored", OVER_RULE.format(p=p, c=c, diff=diff)
    return "other", OTHER.format(p=p, c=c, diff=diff)


# --- the table ----------------------------------------------------------------------------


def recheck(*, table: PublishedTable, evaluation: Evaluation) -> RecheckResult:
    """Findings of a published table against the rules' `evaluation` of the same rows."""
    if len(table.rows) != len(evaluation.indicators):
        raise ValueError("published rows and scored indicators differ in number")
    deviations = tuple(_deviations(table, evaluation))
    budget = _budget(table, evaluation)
    sums = (*([budget] if budget else []), *_sums(table, evaluation), *_weights(evaluation), *_grade(table, evaluation))
    at_stake = sum((abs(d.difference) for d in deviations), ZERO)
    if budget is not None:
        at_stake += abs(Decimal(budget.published) - Decimal(budget.computed))
    judged = sum(1 for r in table.rows if r.published is not None)
    return RecheckResult(len(table.rows), judged, deviations, tuple(sums), at_stake.quantize(CENT))


def _deviations(table: PublishedTable, ev: Evaluation) -> list[Deviation]:
    out = []
    for row, s in zip(table.rows, ev.indicators, strict=True):
        if row.published is None or not deviates(row.published, s.score):
            continue
        ind = s.indicator
        cause, note = cause_of(published=row.published, computed=s.score, exact=exact_score(s, ev.scheme),
                               weight=ind.weight)  # fmt: skip
        out.append(Deviation(row.sheet, row.row, ind.level1, ind.level2, ind.level3, ind.weight, row.published,
                             s.score, cause, s.explanation, note))  # fmt: skip
    return out


def _budget(table: PublishedTable, ev: Evaluation) -> SumFinding | None:
    """The printed 预算执行 得分 against min(w, B/A × w), judged like a row."""
    if table.budget is None:
        return None
    b = ev.budget
    computed = b.score if b else ZERO.quantize(CENT)
    if not deviates(table.budget, computed):
        return None
    weight = b.weight if b else ev.scheme.budget_points
    exact = min(weight, max(b.executed * weight / b.annual, ZERO)) if b and b.annual > 0 else ZERO
    cause, note = cause_of(published=table.budget, computed=computed, exact=exact, weight=weight)
    return SumFinding("budget", table.budget, computed, cause, f"预算执行率：{note}")


def _row_parts(table: PublishedTable, ev: Evaluation, level1: str | None = None) -> Decimal | None:
    """The sum of the published scores of the rows (of `level1`), None when one is not printed."""
    values = [r.published for r, s in zip(table.rows, ev.indicators, strict=True)
              if level1 is None or s.indicator.level1 == level1]  # fmt: skip
    if not values or any(v is None for v in values):
        return None
    return sum(values, ZERO)  # type: ignore[arg-type]


def _kind(s: PublishedSum, ev: Evaluation) -> SumKind:
    """A 合计 whose printed 分值 is the indicators' weight alone is the indicator total."""
    if s.kind != "total" or ev.budget is None:
        return s.kind
    weights = sum((i.indicator.weight for i in ev.indicators), ZERO)
    return "indicator_total" if s.weight is not None and s.weight == weights else "total"


def _total_parts(table: PublishedTable, ev: Evaluation, kind: SumKind) -> Decimal | None:
    subtotals = {s.level1: s.value for s in table.sums if s.kind == "subtotal"}
    present = {s.indicator.level1 for s in ev.indicators}
    if present and present <= subtotals.keys():
        parts: Decimal | None = sum((subtotals[name] for name in present), ZERO)
    else:
        parts = _row_parts(table, ev)
    if kind == "indicator_total" or ev.budget is None or parts is None:
        return parts
    return parts + table.budget if table.budget is not None else None


def _sums(table: PublishedTable, ev: Evaluation) -> list[SumFinding]:
    out = []
    for s in table.sums:
        kind = _kind(s, ev)
        if kind == "subtotal":
            computed = dict(ev.subtotals).get(s.level1, ZERO.quantize(CENT))
            parts = _row_parts(table, ev, s.level1)
        else:
            computed = ev.indicator_total if kind == "indicator_total" else ev.total
            parts = _total_parts(table, ev, kind)
        what = f"{s.level1}{WHAT_TEXT[kind]}" if kind == "subtotal" else WHAT_TEXT[kind]
        messages = []
        if parts is not None and deviates(s.value, parts):
            messages.append(SUM_PARTS.format(what=what, p=pts(s.value), parts=pts(parts)))
        if deviates(s.value, computed):
            messages.append(SUM_RULE.format(what=what, p=pts(s.value), c=pts(computed)))
        if messages:
            out.append(SumFinding(kind, s.value, computed, "bad_sum", "；".join(messages), s.level1, parts,
                                  s.sheet, s.row))  # fmt: skip
    return out


def _weights(ev: Evaluation) -> list[SumFinding]:
    total = sum((s.indicator.weight for s in ev.indicators), ZERO)
    expected = ev.scheme.indicator_points
    if total == expected:
        return []
    return [SumFinding("weights", total, expected, "weights_sum", WEIGHTS.format(p=fmt(total), c=fmt(expected)))]


def grade_band(label: str, scheme: Scheme) -> int | None:
    """The band index (0 best) a printed grade names: the scheme's labels, 优/良/中/差 or A–D."""
    text = GRADE_WORDS.get(label.strip(), label.strip()).upper()
    labels = [name.upper() for _, name in scheme.grade_bands]
    for names in (labels, ["优", "良", "中", "差"], list(LETTER_GRADES)):
        if text in names:
            return names.index(text)
    return None


def _grade(table: PublishedTable, ev: Evaluation) -> list[SumFinding]:
    return [*_total_grade(table, ev), *_level1_grades(table, ev)]


def _level1_grades(table: PublishedTable, ev: Evaluation) -> list[SumFinding]:
    """Each printed 小计 等级 against its printed points' share of the 一级's weight (domain.md §9)."""
    out = []
    for s in table.sums:
        weight = s.weight or sum((i.indicator.weight for i in ev.indicators if i.indicator.level1 == s.level1), ZERO)
        if s.kind != "subtotal" or not s.grade or weight <= 0:
            continue
        share = cut(s.value * HUNDRED / weight, 2)
        expected = ev.scheme.grade(share)
        if grade_band(s.grade, ev.scheme) != grade_band(expected, ev.scheme):
            message = LEVEL1_GRADE.format(level1=s.level1, p=s.grade, points=pts(s.value), share=pts(share), c=expected)
            out.append(SumFinding("grade", s.grade, expected, "bad_grade", message, s.level1, None, s.sheet, s.row))
    return out


def _total_grade(table: PublishedTable, ev: Evaluation) -> list[SumFinding]:
    if not table.grade:
        return []
    printed = [s.value for s in table.sums if _kind(s, ev) == "total"]
    total = printed[-1] if printed else ev.total
    expected = ev.scheme.grade(total)
    band = grade_band(table.grade, ev.scheme)
    if band is not None and band == grade_band(expected, ev.scheme):
        return []
    message = GRADE.format(p=table.grade, total=pts(total), c=expected)
    return [SumFinding("grade", table.grade, expected, "bad_grade", message)]
