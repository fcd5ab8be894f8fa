"""Plain data for the scoring engine: frozen dataclasses, Decimal only, no Django."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

QUANTITATIVE = ("≥", ">", "≤", "<", "=")
QUALITATIVE = "定性"
COMPARATORS = (*QUANTITATIVE, QUALITATIVE)
POSITIVE = ("≥", ">")
REVERSE = ("≤", "<")

ACHIEVED, PARTIAL, NOT_ACHIEVED = "达成", "部分达成", "未达成"
QUALITATIVE_LABELS = (ACHIEVED, PARTIAL, NOT_ACHIEVED)

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Rounding:
    """How a score is cut to its printed precision (domain.md §2)."""

    mode: Literal["half_up", "truncate"] = "half_up"
    places: int = 2

    def apply(self, value: Decimal) -> Decimal:
        """Round `value` by this rule; the result always carries two decimals for printing."""
        step = Decimal(1).scaleb(-self.places)
        how = ROUND_HALF_UP if self.mode == "half_up" else ROUND_DOWN
        return value.quantize(step, rounding=how).quantize(CENT)


@dataclass(frozen=True)
class QualitativeBands:
    """Lower edges of the 达成 and 部分达成 bands as fractions of the weight."""

    achieved_floor: Decimal = Decimal("0.8")
    partial_floor: Decimal = Decimal("0.6")

    def band(self, label: str, weight: Decimal) -> tuple[Decimal, Decimal, bool]:
        """(low, high, high_inclusive) of the band for `label`, in points."""
        if label == ACHIEVED:
            return self.achieved_floor * weight, weight, True
        if label == PARTIAL:
            return self.partial_floor * weight, self.achieved_floor * weight, False
        return ZERO, self.partial_floor * weight, False


@dataclass(frozen=True)
class Scheme:
    """A scoring scheme: weights, rules and labels as data (domain.md §2, §4)."""

    key: str
    label: str
    budget_points: Decimal
    level1_points: tuple[tuple[str, Decimal], ...]
    level2_names: tuple[tuple[str, tuple[str, ...]], ...]
    bands: QualitativeBands = field(default_factory=QualitativeBands)
    band_locked: bool = True
    reverse_rule: Literal["ratio", "linear"] = "ratio"
    rounding: Rounding = field(default_factory=Rounding)
    grade_bands: tuple[tuple[Decimal, str], ...] = (
        (Decimal(90), "优"),
        (Decimal(80), "良"),
        (Decimal(60), "中"),
        (Decimal(0), "差"),
    )
    over_completion_ratio: Decimal = Decimal("1.2")
    divergence_points: Decimal = Decimal("5")
    low_execution_rate: Decimal = Decimal("90")
    satisfaction_level1: str = ""
    satisfaction_moves_to: str = ""
    cost_level2: tuple[str, ...] = ()
    time_level2: tuple[str, ...] = ()
    # each 一级 also graded on its share of its weight, by `grade_bands` read as percentages (domain.md §9)
    grade_level1: bool = False
    # the 自评报告 outline: "unit" (seed 000), "department" (10号 附件3), "framework2013" (seed 004);
    # "" picks "unit" when the scheme has a budget row, else "department"
    outline: str = ""

    @property
    def indicator_points(self) -> Decimal:
        return sum((p for _, p in self.level1_points), ZERO)

    @property
    def level1_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.level1_points)

    def level2_for(self, level1: str) -> tuple[str, ...]:
        return dict(self.level2_names).get(level1, ())

    @property
    def has_budget_row(self) -> bool:
        return self.budget_points > 0

    def grade(self, total: Decimal) -> str:
        for floor, label in self.grade_bands:
            if total >= floor:
                return label
        return self.grade_bands[-1][1]

    @property
    def report_outline(self) -> str:
        return self.outline or ("unit" if self.has_budget_row else "department")


@dataclass(frozen=True)
class IndicatorInput:
    """One leaf of the indicator tree, as entered."""

    level1: str
    level2: str
    level3: str
    comparator: str
    weight: Decimal
    target: Decimal | None = None
    target_text: str = ""
    unit: str = ""
    deadline: datetime.date | None = None
    actual: Decimal | None = None
    actual_text: str = ""
    actual_label: str = ""
    actual_date: datetime.date | None = None
    actual_assumed: bool = False
    sign_assumed: bool = False
    not_applicable: bool = False  # 不适用, with its reason in `reason` (scores 0: rules.score_indicator)
    reason: str = ""
    adjusted: Decimal | None = None
    actual_unit: str = ""  # the unit written in the actual cell, when it is not the target's

    @property
    def entered(self) -> bool:
        """Whether an actual value has been entered."""
        if self.comparator == QUALITATIVE:
            return bool(self.actual_label)
        if self.deadline is not None:
            return self.actual_date is not None
        return self.actual is not None

    @property
    def answered(self) -> bool:
        """An actual is entered, or the indicator is marked 不适用: nothing is left to fill in."""
        return self.not_applicable or self.entered


@dataclass(frozen=True)
class BudgetInput:
    """年度资金总额: 全年预算数 (A) and 全年执行数 (B), in 万元."""

    annual: Decimal
    executed: Decimal
    assumed: bool = False  # 全年预算数 was blank: 年初预算数 stands in for it


@dataclass(frozen=True)
class EvaluationInput:
    scheme: Scheme
    indicators: tuple[IndicatorInput, ...]
    budget: BudgetInput | None = None
    name_variants: tuple[str, ...] = ()
    code: str = ""  # the project's code and fiscal year, for `year_mismatch`
    year: int | None = None
    low_execution_explained: bool = False  # the officer has written why the execution rate is low


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    indicator: str = ""


@dataclass(frozen=True)
class IndicatorScore:
    indicator: IndicatorInput
    computed: Decimal
    score: Decimal
    adjusted: bool
    explanation: str


@dataclass(frozen=True)
class BudgetScore:
    annual: Decimal
    executed: Decimal
    rate: Decimal
    weight: Decimal
    score: Decimal
    explanation: str


@dataclass(frozen=True)
class Level1Grade:
    """One 一级's points against its weight (the leaf weights under it), its share and grade (domain.md §9).

    `share` = points / weight in percent, cut (never rounded up) to two decimals, so the printed
    share reaches a band's floor exactly when the exact share does; `grade` is read from it.
    A 一级 without weight has no share and no grade ("").
    """

    level1: str
    points: Decimal
    weight: Decimal
    share: Decimal | None
    grade: str


@dataclass(frozen=True)
class Evaluation:
    scheme: Scheme
    budget: BudgetScore | None
    indicators: tuple[IndicatorScore, ...]
    subtotals: tuple[tuple[str, Decimal], ...]
    indicator_total: Decimal
    total: Decimal
    grade: str
    warnings: tuple[Warning, ...]
    level1_grades: tuple[Level1Grade, ...] = ()  # only for schemes with `grade_level1`
