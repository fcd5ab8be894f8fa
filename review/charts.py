"""Chart geometry for the overview's inline SVG: scales, bars and points, as plain numbers.

Pure code (no Django): the template only places what is computed here. Coordinates are SVG
user units, rounded to one decimal; y grows downwards, so a larger value sits higher.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal


@dataclass(frozen=True)
class Frame:
    """The drawing area inside the SVG and the room left around it for axes and labels."""

    width: int = 480
    height: int = 260
    left: int = 48
    right: int = 16
    top: int = 16
    bottom: int = 44

    @property
    def x0(self) -> float:
        return float(self.left)

    @property
    def x1(self) -> float:
        return float(self.width - self.right)

    @property
    def y0(self) -> float:
        """The baseline (bottom of the plot area)."""
        return float(self.height - self.bottom)

    @property
    def y1(self) -> float:
        return float(self.top)

    @property
    def tick_label_x(self) -> float:
        """Right edge of the y axis labels."""
        return self.x0 - 6

    @property
    def tick_label_y(self) -> float:
        """Baseline of the x axis labels."""
        return self.y0 + 16

    @property
    def x_title_y(self) -> float:
        return float(self.height - 6)

    @property
    def x_mid(self) -> float:
        return round((self.x0 + self.x1) / 2, 1)

    @property
    def y_mid(self) -> float:
        return round((self.y0 + self.y1) / 2, 1)


@dataclass(frozen=True)
class LinearScale:
    """Maps [lo, hi] of the data to [start, end] on screen."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: Number) -> float:
        span = self.hi - self.lo
        t = (float(value) - self.lo) / span if span else 0.0
        return round(self.start + t * (self.end - self.start), 1)


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that cuts `span` into about `count` parts."""
    if span <= 0:
        return 1.0
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def nice_max(value: float, count: int = 5) -> float:
    """The smallest multiple of a nice step that is ≥ value (at least 1)."""
    value = max(float(value), 1.0)
    step = nice_step(value, count)
    return math.ceil(value / step - 1e-9) * step


def ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    step = nice_step(hi - lo, count)
    first = math.ceil(lo / step - 1e-9) * step
    out, value = [], first
    while value <= hi + 1e-9:
        out.append(round(value, 6))
        value += step
    return out


def label(value: float) -> str:
    """A tick label without useless decimals: 20, 2.5."""
    return f"{value:g}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    css: str = ""

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def value_y(self) -> float:
        """Baseline of the count printed above the bar."""
        return round(self.y - 4, 1)


@dataclass(frozen=True)
class BarChart:
    frame: Frame
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    y_title: str

    @property
    def empty(self) -> bool:
        return not any(b.value for b in self.bars)


def bar_chart(
    items: Sequence[tuple[str, int]], *, y_title: str = "", css: Sequence[str] = (), frame: Frame | None = None
) -> BarChart:
    """Vertical bars for (label, count) pairs, on a y axis that starts at 0 and has whole ticks."""
    frame = frame or Frame()
    top = nice_max(max((v for _, v in items), default=0), 4)
    scale = LinearScale(0, top, frame.y0, frame.y1)
    slot = (frame.x1 - frame.x0) / max(len(items), 1)
    width = round(slot * 0.6, 1)
    bars = tuple(
        Bar(
            label=name,
            value=value,
            x=round(frame.x0 + slot * i + (slot - width) / 2, 1),
            y=scale(value),
            width=width,
            height=round(frame.y0 - scale(value), 1),
            css=css[i] if i < len(css) else "",
        )
        for i, (name, value) in enumerate(items)
    )
    whole = [t for t in ticks(0, top, 4) if float(t).is_integer()]
    return BarChart(frame, bars, tuple(Tick(scale(t), label(t)) for t in whole), y_title)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str
    r: float = 4  # radius: points that stand for several projects are drawn larger


@dataclass(frozen=True)
class ScatterChart:
    frame: Frame
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    x_title: str
    y_title: str
    reference_x: float | None = None  # a vertical guide line (100% execution)

    @property
    def empty(self) -> bool:
        return not self.points


def scatter_chart(
    data: Sequence[tuple[Number, Number, str] | tuple[Number, Number, str, int]],
    *,
    x_title: str,
    y_title: str,
    x_min_top: float = 100,
    y_top: float = 100,
    frame: Frame | None = None,
) -> ScatterChart:
    """Points (x, y, title); x runs from 0 to at least `x_min_top`, y from 0 to `y_top`.

    Values beyond the axes (a negative rate, say) are clamped to the frame so no point is lost.
    """
    frame = frame or Frame()
    x_top = nice_max(max([x_min_top, *(float(row[0]) for row in data)]))
    xs = LinearScale(0, x_top, frame.x0, frame.x1)
    ys = LinearScale(0, y_top, frame.y0, frame.y1)

    def clamp(v: float, a: float, b: float) -> float:
        return min(max(v, min(a, b)), max(a, b))

    points = tuple(
        Point(clamp(xs(x), frame.x0, frame.x1), clamp(ys(y), frame.y0, frame.y1), title, radius(count))
        for x, y, title, *rest in data
        for count in [rest[0] if rest else 1]
    )
    x_ticks = tuple(Tick(xs(t), label(t)) for t in ticks(0, x_top))
    y_ticks = tuple(Tick(ys(t), label(t)) for t in ticks(0, y_top))
    reference = xs(100) if x_top > 100 else None
    return ScatterChart(frame, points, x_ticks, y_ticks, x_title, y_title, reference)


def radius(count: int) -> float:
    """4 px for one project, growing with the square root of the count up to 12 px."""
    return min(12.0, 4.0 * math.sqrt(max(count, 1)))


STATUS_CSS = ("bar-draft", "bar-submitted", "bar-returned", "bar-approved")  # in projects.models.Status order
GRADE_CSS = ("bar-grade-a", "bar-grade-b", "bar-grade-c", "bar-grade-d")  # 优 良 中 差
COUNT_TITLE = "项目数（个）"


def overview_charts(
    *,
    statuses: Sequence[tuple[str, int]],
    grades: Sequence[tuple[str, int]],
    points: Sequence[tuple[Number, Number, str]],
) -> dict[str, BarChart | ScatterChart]:
    """The overview's three charts: projects by status, by grade, and execution rate against total."""
    return {
        "status": bar_chart(statuses, y_title=COUNT_TITLE, css=STATUS_CSS),
        "grade": bar_chart(grades, y_title=COUNT_TITLE, css=GRADE_CSS),
        "scatter": scatter_chart(points, x_title="预算执行率（%）", y_title="总分（分）"),
    }
