"""The 运行监控 lights (domain.md §8 "Monitoring"). Pure: no Django, plain data in and out.

Policy: 财预〔2019〕136号 (双监控) and the light formulas of the national vendor module. At the
cut-off month m the time progress is τ = m/12; the budget's progress p = E / 全年预算数 and its
value v = p / τ × 100 give green (v ≥ 80), yellow (60 ≤ v < 80) or red (v < 60; 0 and red with
`budget_missing` when there is no budget). Each indicator's full-year forecast is scored by the
year-end rule of §2 (scoring.rules.score_indicator, not a copy): green when it earns the full weight
and the 完成目标可能性 is 确定能, red below 80% of the weight or when it is 完全不可能, yellow
otherwise, and blue instead of green when a 正向 quantitative forecast reaches 120% of its target.
The project's light is the worst of them (blue counts as green). The thresholds are data per year
(Thresholds; the defaults are §8's).

Lights are decided on the exact values; the printed ones are rounded half up to two decimals.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from scoring.rules import fmt, pts, score_indicator
from scoring.types import CENT, HUNDRED, POSITIVE, ZERO, IndicatorInput, IndicatorScore, Scheme, Warning

GREEN, YELLOW, RED, BLUE = "green", "yellow", "red", "blue"
LIGHT_LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", BLUE: "蓝灯"}
RANK = {RED: 0, YELLOW: 1, GREEN: 2, BLUE: 2}  # worse first; blue counts as green

CERTAIN, POSSIBLE, IMPOSSIBLE = "确定能", "有可能", "完全不可能"
POSSIBILITIES = (CERTAIN, POSSIBLE, IMPOSSIBLE)
CAUSES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")

# what keeps the monitoring from being submitted (domain.md §8); budget_missing is shown, not blocking
BLOCKING = frozenset({"missing_forecast", "missing_reason", "missing_measures"})
LABELS: dict[str, str] = {
    "budget_missing": "缺少预算数",
    "missing_forecast": "未填预计完成情况",
    "missing_reason": "缺少偏差原因",
    "missing_measures": "缺少纠偏措施",
}

MONTHS = 12
MONTH_RANGE = "监控截至月份须在 1 到 12 之间"
POSSIBILITY_WORDS = "完成目标可能性须为：" + "、".join(POSSIBILITIES)


@dataclass(frozen=True)
class Thresholds:
    """The light bands of one year (YearPlan), in percent: §8's defaults."""

    budget_green: Decimal = Decimal(80)  # v at or above: green
    budget_yellow: Decimal = Decimal(60)  # v at or above (below green): yellow; below: red
    indicator_red: Decimal = Decimal(80)  # a forecast scoring below this share of the weight: red
    over_run: Decimal = Decimal(120)  # a 正向 quantitative forecast at or above this share of the target: blue


@dataclass(frozen=True)
class Observation:
    """One indicator at the cut-off: its declared row (`target`; its actual fields are not read),
    the value to date, the full-year forecast (a number; 定性: 达成/部分达成/未达成; a deadline
    target: the date), how likely the target is met, the causes of a gap, and the measures."""

    target: IndicatorInput
    to_date: Decimal | None = None
    forecast: Decimal | None = None
    forecast_label: str = ""
    forecast_date: datetime.date | None = None
    possibility: str = ""
    causes: tuple[str, ...] = ()
    reason: str = ""
    measures: str = ""


@dataclass(frozen=True)
class MonitoringInput:
    scheme: Scheme
    month: int
    annual: Decimal  # 全年预算数 (万元); 0 when there is none
    executed: Decimal  # 1–m月执行数 (万元)
    indicators: tuple[Observation, ...] = ()
    measures: str = ""  # the project's 纠偏措施
    thresholds: Thresholds = field(default_factory=Thresholds)


@dataclass(frozen=True)
class BudgetLight:
    annual: Decimal
    executed: Decimal
    progress: Decimal  # p in percent, 2 dp
    value: Decimal  # v, 2 dp
    light: str
    explanation: str


@dataclass(frozen=True)
class IndicatorLight:
    observation: Observation
    score: IndicatorScore  # the forecast scored by the year-end rule
    light: str
    explanation: str


@dataclass(frozen=True)
class Monitoring:
    month: int
    time_progress: Decimal  # τ in percent, 2 dp
    budget: BudgetLight
    indicators: tuple[IndicatorLight, ...]
    light: str
    warnings: tuple[Warning, ...]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def worst(lights: Iterable[str]) -> str:
    """The worst of `lights`; none: green. Blue counts as green and is never the result: green comes
    first and `min` keeps the first of equals."""
    return min((GREEN, *lights), key=RANK.__getitem__)


# Printed forms' other words for the three (黄石市's 监控表 offers 确定能 / 有可能 / 不可能)
POSSIBILITY_SYNONYMS = {"不可能": IMPOSSIBLE}


def read_possibility(text: str) -> str:
    """完成目标可能性 as one of the three words, "" for anything else (the caller says POSSIBILITY_WORDS)."""
    word = "".join(str(text).split())
    return word if word in POSSIBILITIES else POSSIBILITY_SYNONYMS.get(word, "")


# --- the budget ---------------------------------------------------------------------------------


def budget_light(annual: Decimal, executed: Decimal, month: int, th: Thresholds) -> BudgetLight:
    """p = E / A and v = p / τ × 100 with τ = m / 12; no budget: 0 and red."""
    if annual <= 0:
        return BudgetLight(annual, executed, ZERO, ZERO, RED, "无全年预算数（或为 0），预算执行进度按 0 计，红灯")
    # v = (E / A) / (m / 12) × 100 with one division, so exact values stay exact
    value = executed * MONTHS * HUNDRED / (annual * month)
    light = GREEN if value >= th.budget_green else YELLOW if value >= th.budget_yellow else RED
    progress = _cents(executed * HUNDRED / annual)
    why = (f"执行进度 {fmt(executed)}/{fmt(annual)} = {progress}%，时间进度 {month}/{MONTHS}，"
           f"执行进度/时间进度 × 100 = {_cents(value)}，{LIGHT_LABELS[light]}")  # fmt: skip
    return BudgetLight(annual, executed, progress, _cents(value), light, why)


# --- the indicators -----------------------------------------------------------------------------


def forecast_input(obs: Observation) -> IndicatorInput:
    """The declared row with the forecast in place of the year-end actual, as §2 scores it."""
    return replace(obs.target, actual=obs.forecast, actual_text="", actual_label=obs.forecast_label,
                   actual_date=obs.forecast_date, actual_assumed=False, not_applicable=False, adjusted=None,
                   actual_unit="", reason="")  # fmt: skip


NOMINAL_WEIGHT = HUNDRED  # the weight a row without one is judged on (its light follows its share)


def over_run(obs: Observation, th: Thresholds) -> bool:
    """A 正向 quantitative forecast at or above `over_run`% of a positive target (the target was
    probably set too low)."""
    t = obs.target
    if t.comparator not in POSITIVE or t.deadline is not None or t.target is None or obs.forecast is None:
        return False
    return t.target > 0 and obs.forecast * HUNDRED >= th.over_run * t.target


def indicator_light(obs: Observation, scheme: Scheme, th: Thresholds) -> IndicatorLight:
    forecast = forecast_input(obs)
    score = judged = score_indicator(forecast, scheme)
    weight = obs.target.weight
    if weight <= 0:  # no weight given (most published 监控表): the forecast is judged as a share of 100
        weight = NOMINAL_WEIGHT
        judged = score_indicator(replace(forecast, weight=weight), scheme)
    if obs.possibility == IMPOSSIBLE:
        light, why = RED, "完成目标可能性为“完全不可能”"
    elif judged.computed * HUNDRED < th.indicator_red * weight:
        light, why = RED, f"预计得分低于分值的 {fmt(th.indicator_red)}%"
    elif judged.computed < weight or obs.possibility != CERTAIN:
        light, why = YELLOW, "预计不能得满分或完成目标可能性不是“确定能”"
    elif over_run(obs, th):
        light, why = BLUE, f"预计完成值达到目标的 {fmt(th.over_run)}% 及以上，目标可能设置偏低"
    else:
        light, why = GREEN, "预计得满分且确定能完成"
    return IndicatorLight(obs, score, light, f"{score.explanation}；{why}，{LIGHT_LABELS[light]}")


def _entered(item: IndicatorLight) -> bool:
    """A forecast (the row it scored: forecast_input) and a possibility are given."""
    return item.score.indicator.entered and item.observation.possibility in POSSIBILITIES


def _indicator_warnings(item: IndicatorLight) -> list[Warning]:
    obs = item.observation
    name = obs.target.level3
    if not _entered(item):
        return [Warning("missing_forecast", "须填写全年预计完成值和完成目标可能性", name)]
    if item.light in (YELLOW, RED) and not (obs.causes and obs.reason.strip()):
        return [Warning("missing_reason", f"{LIGHT_LABELS[item.light]}指标须选择偏差原因类别并填写原因分析", name)]
    return []


# --- the project --------------------------------------------------------------------------------


def monitor(data: MonitoringInput) -> Monitoring:
    """The lights of one project at its cut-off month, and what it still needs (warnings)."""
    if not 1 <= data.month <= MONTHS:
        raise ValueError(MONTH_RANGE)
    th = data.thresholds
    budget = budget_light(data.annual, data.executed, data.month, th)
    items = tuple(indicator_light(obs, data.scheme, th) for obs in data.indicators)
    light = worst([budget.light, *(i.light for i in items)])
    warnings = []
    if data.annual <= 0:
        warnings.append(Warning("budget_missing", f"没有全年预算数（或为 0），1–{data.month}月执行数 "
                                                  f"{pts(data.executed)} 万元无法计算执行进度"))  # fmt: skip
    for item in items:
        warnings += _indicator_warnings(item)
    written = [data.measures, *(obs.measures for obs in data.indicators)]
    if light == RED and not any(text.strip() for text in written):
        warnings.append(Warning("missing_measures", "项目为红灯，须填写纠偏措施后才能提交"))
    time_progress = _cents(Decimal(data.month) * HUNDRED / MONTHS)
    return Monitoring(data.month, time_progress, budget, items, light, tuple(warnings))


def blocking(warnings: Iterable[Warning]) -> tuple[Warning, ...]:
    """The warnings that keep the monitoring from being submitted."""
    return tuple(w for w in warnings if w.code in BLOCKING)
