"""The sheet reader leaves the cyclic garbage collector idle (issue 15 A2, the import's speed).

evalsys.lib.ooxml parses a part a batch at a time and its elements live until the caller has
read them. Batches of 64 KB kept some 1,300 elements alive through every young collection: a
10,000-row sheet ran 1,141 young, 103 middle and 9 full collections, half of its reading time.
Counted here with gc.callbacks, never with a clock.
"""

from __future__ import annotations

import gc
from pathlib import Path

from openpyxl import Workbook

from evalsys.lib.xlsx import read_sheets

ROWS = 2_000


def _table(path: Path) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目支出绩效表")
    ws.append(["项目名称", "单位名称", "预算数", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "权重"])
    for n in range(ROWS):
        ws.append([f"B{n // 10:06d}-项目{n // 10}", "100001-单位", "1,000.00", "产出指标", "数量指标",
                   f"三级指标{n % 10}", "≥", "10", 10])  # fmt: skip
    wb.save(path)
    return path


def test_reading_a_large_sheet_runs_no_full_garbage_collection(tmp_path: Path) -> None:
    path = _table(tmp_path / "table.xlsx")
    started = {0: 0, 1: 0, 2: 0}

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            started[info["generation"]] += 1

    gc.collect()
    gc.callbacks.append(count)
    try:
        rows = sum(1 for _, sheet in read_sheets(path) for _ in sheet)
    finally:
        gc.callbacks.remove(count)
    assert rows == ROWS + 1
    assert gc.get_threshold()[0] == 700  # CPython's default, which the counts below assume
    assert started[1] == started[2] == 0, started
    assert started[0] <= 10, started  # 64 KB batches: about 200 young and 18 middle ones
