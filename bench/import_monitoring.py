"""Benchmark: import a 1,000-project × 10-indicator 监控表 (issue 17 "Bad input and scale": a 监控表 at
the same speed as a 自评表, as `bench/import_and_score.py` measures it).

The flat 监控表 (contract.md "Monitoring"): project, unit, 全年预算数 and 1-7月执行数 on each project's
first row, the indicator tree with 1-7月执行情况, 全年预计完成值, 完成目标可能性, 偏差原因类别, 偏差原因分析 and
纠偏措施. Prints the median of each step, its SQL query count and its ratio to a bare openpyxl
read_only read and to our reader (evalsys.lib.xlsx.read_sheets) of the same file, timed in every run.
Runs against a throw-away test database of the configured engine (SQLite file, or PostgreSQL when
DATABASE_URL is set): `.venv/bin/python bench/import_monitoring.py [--projects N] [--runs R]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsys.settings")
os.environ.setdefault("DEBUG", "1")  # a benchmark, not a server: the development key will do

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.import_and_score import openpyxl_floor, our_read  # noqa: E402
from bench.throwaway import on_test_database  # noqa: E402
from indicators.services import workbook_import  # noqa: E402

HEADER = ["项目名称", "单位名称", "全年预算数", "1-7月执行数", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
          "度量单位", "权重", "1-7月执行情况", "全年预计完成值", "完成目标可能性", "偏差原因类别", "偏差原因分析",
          "纠偏措施"]  # fmt: skip
# (一级, 二级, sign, target, unit, weight, to date, forecast, possibility, cause, reason, measures): every light
TREE = [("产出指标", "数量指标", "≥", "10", "个", 10, "6", "10", "确定能", "", "", ""),
        ("产出指标", "数量指标", "≥", "120", "人次", 10, "60", "100", "有可能", "经费保障", "资金拨付滞后", "加快拨付"),
        ("产出指标", "质量指标", "≥", "95", "%", 10, "96", "96", "确定能", "", "", ""),
        ("产出指标", "时效指标", "≤", "12", "个月", 10, "7", "11", "确定能", "", "", ""),
        ("产出指标", "成本指标", "≤", "100", "万元", 10, "50", "98", "确定能", "", "", ""),
        ("效益指标", "社会效益指标", "定性", "有效提升", "", 10, "已开展", "达成", "确定能", "", "", ""),
        ("效益指标", "经济效益指标", "≥", "500", "万元", 10, "400", "700", "确定能", "", "", ""),
        ("效益指标", "可持续影响指标", "定性", "持续提高", "", 10, "进行中", "部分达成", "有可能", "制度保障",
         "制度待完善", "完善制度"),
        ("效益指标", "生态效益指标", "=", "100", "%", 5, "60", "100", "确定能", "", "", ""),
        ("满意度指标", "服务对象满意度指标", "≥", "90", "%", 5, "", "70", "完全不可能", "人员保障、其他", "调查推迟",
         "九月补做调查")]  # fmt: skip


def make_workbook(path: Path, projects: int) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("监控表")
    ws.append(["项目支出绩效目标执行监控表"])
    ws.append(["单位：万元"])
    ws.append(HEADER)
    for p in range(projects):
        for i, row in enumerate(TREE):
            first = i == 0
            head = [f"M{p:06d}-监控基准项目{p}", f"{200000 + p % 20}-监控基准单位{p % 20}", "1,000.00",
                    f"{300 + p % 500}.00"] if first else ["", "", "", ""]  # fmt: skip
            ws.append([*head, *row[:2], f"三级指标{i}", *row[2:]])
    wb.save(path)
    return path


def counted(step: Callable[[], object]) -> int:
    """The SQL statements `step` runs (counted as they run: Django's query log keeps only 9,000)."""
    n = 0

    def count(execute: Callable, sql: str, params: object, many: bool, context: object) -> object:
        nonlocal n
        n += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        step()
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings.DEBUG = False  # as a server runs (no query log); `counted` wraps the executions itself
    on_test_database("monitoring", lambda: run(args.projects, args.runs))


def run(projects: int, runs: int) -> None:
    rows = projects * len(TREE)
    with tempfile.TemporaryDirectory() as tmp:
        path = make_workbook(Path(tmp) / "bench.xlsx", projects)
        print(f"engine: {connection.vendor}; 监控表: {projects} projects × {len(TREE)} indicators = {rows} rows")
        times: dict[str, list[float]] = {}
        queries: dict[str, int] = {}
        floors: list[float] = []
        reads: list[float] = []
        for r in range(runs + 1):  # the last run counts queries (query logging slows it, so it is not timed)
            year, counting = 2030 + r, r == runs
            if not counting:  # both reads in every run, beside the steps: the ratios compare like with like
                start = time.perf_counter()
                our_read(path)
                reads.append(time.perf_counter() - start)
                start = time.perf_counter()
                openpyxl_floor(path)
                floors.append(time.perf_counter() - start)
            for name, step in (
                (
                    "dry-run (read + validate)",
                    lambda y=year: workbook_import(path=path, year=y, dry_run=True, user=None),
                ),
                ("import (create)", lambda y=year: workbook_import(path=path, year=y, user=None)),
                ("re-import (unchanged)", lambda y=year: workbook_import(path=path, year=y, user=None)),
            ):
                if counting:
                    queries[name] = counted(step)
                else:
                    start = time.perf_counter()
                    step()
                    times.setdefault(name, []).append(time.perf_counter() - start)
    floor, read = statistics.median(floors), statistics.median(reads)
    for name, values in times.items():
        median = statistics.median(values)
        paired = statistics.median(t / r for t, r in zip(values, reads, strict=True))
        print(
            f"{name:<26} median {median:7.3f} s  ({median / rows * 1e6:6.1f} µs/row)  queries {queries[name]:5d}"
            f"  {median / floor:5.2f}× openpyxl  {median / read:5.2f}× our reader (run by run {paired:5.2f}×)"
        )
    print(f"{'openpyxl read_only read':<26} median {floor:7.3f} s  (the floor, same file, in each run)")
    print(f"{'our reader (read_sheets)':<26} median {read:7.3f} s  (the safe read, same file, in each run)")


if __name__ == "__main__":
    main()
