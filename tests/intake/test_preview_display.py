"""The import preview prints deadlines as the report does (issue 9): 2022年12月31日前, never 2022-12-31."""

from __future__ import annotations

import datetime
from decimal import Decimal

from indicators.preview import _actual, _target
from scoring.types import IndicatorInput


def test_a_date_cell_deadline_is_shown_in_chinese() -> None:
    row = IndicatorInput("产出指标", "时效指标", "完成时限", "≤", Decimal(10), target_text="2022-12-31",
                         deadline=datetime.date(2022, 12, 31), actual_text="2022-12-20",
                         actual_date=datetime.date(2022, 12, 20))  # fmt: skip
    assert (_target(row), _actual(row)) == ("2022年12月31日前", "2022年12月20日")


def test_a_deadline_written_in_chinese_is_kept_as_written() -> None:
    row = IndicatorInput("产出指标", "时效指标", "完成时限", "≤", Decimal(10), target_text="2022年底前",
                         deadline=datetime.date(2022, 12, 31))  # fmt: skip
    assert _target(row) == "2022年底前" and _actual(row) == ""
