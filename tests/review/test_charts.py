"""Chart geometry: pure functions, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from review.charts import (
    Frame,
    LinearScale,
    bar_chart,
    label,
    nice_max,
    nice_step,
    overview_charts,
    scatter_chart,
    ticks,
)

FRAME = Frame(width=200, height=120, left=20, right=0, top=20, bottom=20)  # plot area x 20..200, y 100..20


@pytest.mark.parametrize(
    ("span", "count", "step"),
    [(100, 5, 20), (10, 5, 2), (7, 5, 2), (1, 4, 0.25), (30, 4, 10), (120, 5, 25), (0, 5, 1), (3, 4, 1)],
)
def test_nice_step_is_round(span, count, step) -> None:
    assert nice_step(span, count) == pytest.approx(step)


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 3), (7, 8), (13, 15), (30, 30), (101, 125), (156, 200)])
def test_nice_max_covers_the_value(value, top) -> None:
    assert nice_max(value) == pytest.approx(top)
    assert nice_max(value) >= value


def test_ticks_run_from_low_to_high_in_round_steps() -> None:
    assert ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert ticks(0, 8, 4) == [0, 2, 4, 6, 8]


def test_labels_drop_useless_decimals() -> None:
    assert (label(20.0), label(2.5), label(0.0)) == ("20", "2.5", "0")


def test_linear_scale_maps_ends_and_handles_an_empty_domain() -> None:
    scale = LinearScale(0, 100, 100, 20)
    assert (scale(0), scale(50), scale(100), scale(Decimal("25"))) == (100, 60, 20, 80)
    assert LinearScale(5, 5, 10, 20)(5) == 10


def test_bars_are_proportional_and_sit_on_the_baseline() -> None:
    chart = bar_chart([("草稿", 2), ("已提交", 4), ("已退回", 0)], y_title="项目数（个）", frame=FRAME)
    draft, submitted, returned = chart.bars
    assert submitted.y == FRAME.y1 and submitted.height == 80  # 4 is the top of the axis
    assert draft.height == 40 and draft.y + draft.height == FRAME.y0
    assert returned.height == 0 and returned.y == FRAME.y0
    assert draft.x < submitted.x < returned.x and draft.width == submitted.width == 36
    assert submitted.center == pytest.approx(110) and submitted.value_y == submitted.y - 4
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert chart.y_ticks[0].pos == FRAME.y0 and not chart.empty


def test_bar_chart_of_zeros_is_empty_and_keeps_whole_ticks() -> None:
    chart = bar_chart([("优", 0), ("良", 0)], frame=FRAME, css=("a", "b"))
    assert chart.empty and all(b.height == 0 for b in chart.bars)
    assert [t.label for t in chart.y_ticks] == ["0", "1"]
    assert [b.css for b in chart.bars] == ["a", "b"]


def test_scatter_places_points_on_rate_and_total() -> None:
    chart = scatter_chart([(Decimal("50"), Decimal("50"), "甲"), (100, 100, "乙"), (0, 0, "丙")],
                          x_title="预算执行率（%）", y_title="总分（分）", frame=FRAME)  # fmt: skip
    a, b, c = chart.points
    assert (a.x, a.y, a.title) == (110, 60, "甲")
    assert (b.x, b.y) == (FRAME.x1, FRAME.y1) and (c.x, c.y) == (FRAME.x0, FRAME.y0)
    assert [t.label for t in chart.x_ticks] == ["0", "20", "40", "60", "80", "100"]
    assert chart.reference_x is None and (chart.x_title, chart.y_title) == ("预算执行率（%）", "总分（分）")


def test_scatter_widens_for_over_execution_and_clamps_outliers() -> None:
    chart = scatter_chart([(150, 90, "超支"), (-10, 120, "异常")], x_title="x", y_title="y", frame=FRAME)
    over, odd = chart.points
    assert [t.label for t in chart.x_ticks] == ["0", "50", "100", "150"] and over.x == FRAME.x1
    assert chart.reference_x == pytest.approx(20 + 180 * 100 / 150, abs=0.1)
    assert (odd.x, odd.y) == (FRAME.x0, FRAME.y1)  # kept inside the frame


def test_empty_scatter() -> None:
    assert scatter_chart([], x_title="x", y_title="y").empty


def test_overview_charts_name_their_axes_in_chinese() -> None:
    charts = overview_charts(statuses=[("草稿", 1)], grades=[("优", 2)], points=[(95, 99.5, "P")])
    assert charts["status"].y_title == "项目数（个）" and charts["status"].bars[0].css == "bar-draft"
    assert charts["grade"].bars[0].css == "bar-grade-a"
    assert charts["scatter"].x_title == "预算执行率（%）" and charts["scatter"].y_title == "总分（分）"
