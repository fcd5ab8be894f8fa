"""Benchmark: import a 1,000-project × 10-indicator workbook, then score every project.

Prints medians over several runs and the SQL query count of each step. Runs against a
throw-away test database of the configured engine (SQLite file, or PostgreSQL when
DATABASE_URL is set): `.venv/bin/python bench/import_and_score.py [--projects N] [--runs R]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsys.settings")
os.environ.setdefault("DEBUG", "1")  # a benchmark, not a server: the development key will do

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.throwaway import on_test_database  # noqa: E402
from evalsys.lib.xlsx import read_sheets  # noqa: E402
from indicators.services import workbook_import  # noqa: E402
from projects.models import Project  # noqa: E402
from projects.scores import project_evaluate  # noqa: E402
from projects.selectors import projects_with_scoring_data  # noqa: E402

HEADER = ["项目名称", "单位名称", "预算数", "全年执行数", "年度目标", "一级指标", "二级指标", "三级指标",
          "指标性质", "指标值", "度量单位", "权重", "实际完成值", "偏差原因分析及改进措施"]  # fmt: skip
TREE = [("产出指标", "数量指标", "≥", "10", "个", 10, "9"), ("产出指标", "数量指标", "≥", "120", "人次", 10, "150"),
        ("产出指标", "质量指标", "≥", "95", "%", 10, "96"), ("产出指标", "时效指标", "≤", "12", "个月", 10, "11"),
        ("产出指标", "成本指标", "≤", "100", "万元", 10, "104.5"),
        ("效益指标", "社会效益指标", "定性", "有效提升", "", 10, "达成"),
        ("效益指标", "经济效益指标", "≥", "500", "万元", 10, "480"),
        ("效益指标", "可持续影响指标", "定性", "持续提高", "", 10, "部分达成"),
        ("效益指标", "生态效益指标", "=", "100", "%", 5, "98"),
        ("满意度指标", "服务对象满意度指标", "≥", "90", "%", 5, "93")]  # fmt: skip


def make_workbook(path: Path, projects: int) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目支出绩效表")
    ws.append(["项目支出绩效表"])
    ws.append(["单位：万元"])
    ws.append(HEADER)
    for p in range(projects):
        for i, (l1, l2, sign, target, unit, weight, actual) in enumerate(TREE):
            first = i == 0
            ws.append([
                f"B{p:06d}-基准项目{p}" if first else "", f"{100000 + p % 20}-基准单位{p % 20}" if first else "",
                "1,000.00" if first else "", "935.50" if first else "", "年度目标" if first else "",
                l1, l2, f"三级指标{i}", sign, target, unit, weight, actual, "原因说明" if i in (0, 4, 6, 8) else "",
            ])  # fmt: skip
    wb.save(path)
    return path


def our_read(path: Path) -> int:
    """What the import reads with: evalsys.lib.xlsx.read_sheets, every value of the same file."""
    return sum(len(values) for _, rows in read_sheets(path) for _, values in rows)


def openpyxl_floor(path: Path) -> int:
    """The floor: a bare openpyxl read_only read of every cell value of the same file."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    wb.close()
    return cells


FLOOR_SCRIPT = (
    "import sys; from openpyxl import load_workbook; wb = load_workbook(sys.argv[1], read_only=True, data_only=True);"
    " [r for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]"
)


def whole_process(path: Path, year: int) -> tuple[float, float]:
    """(import_workbook command, bare openpyxl script) wall times as separate processes, same file."""
    import subprocess

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evalsys.settings", "DATABASE_URL": _database_url()}
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "import_workbook", str(path), "--year", str(year)], cwd=ROOT,
                   env=env, check=True, capture_output=True)  # fmt: skip
    ours = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, str(path)], check=True)
    return ours, time.perf_counter() - start


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def score_all(year: int) -> int:
    projects = list(projects_with_scoring_data(Project.objects.filter(year=year)))
    return sum(1 for p in projects if project_evaluate(p).grade)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # a server runs with DEBUG off: no query log (its per-query formatting was a sixth of an import on
    # SQLite); the counting run logs through CaptureQueriesContext, which forces it
    settings.DEBUG = False
    on_test_database("import", lambda: run(args.projects, args.runs))


def run(projects: int, runs: int) -> None:
    rows = projects * len(TREE)
    with tempfile.TemporaryDirectory() as tmp:
        path = make_workbook(Path(tmp) / "bench.xlsx", projects)
        print(f"engine: {connection.vendor}; workbook: {projects} projects × {len(TREE)} indicators = {rows} rows")
        times: dict[str, list[float]] = {}
        queries: dict[str, int] = {}
        floors: list[float] = []
        reads: list[float] = []
        for r in range(runs + 1):  # the last run counts queries (query logging slows it, so it is not timed)
            year, counting = 2030 + r, r == runs
            if not counting:  # the safe read in every run, beside the steps: the ratios compare like with like
                start = time.perf_counter()
                our_read(path)
                reads.append(time.perf_counter() - start)
            for name, step in (
                (
                    "dry-run (read + validate)",
                    lambda y=year: workbook_import(path=path, year=y, dry_run=True, user=None),
                ),
                ("import (create)", lambda y=year: workbook_import(path=path, year=y, user=None)),
                ("re-import (unchanged)", lambda y=year: workbook_import(path=path, year=y, user=None)),
                ("score all projects", lambda y=year: score_all(y)),
            ):
                if counting:
                    with CaptureQueriesContext(connection) as ctx:
                        step()
                    queries[name] = len(ctx)
                else:
                    start = time.perf_counter()
                    step()
                    times.setdefault(name, []).append(time.perf_counter() - start)
        for _ in range(runs):
            start = time.perf_counter()
            openpyxl_floor(path)
            floors.append(time.perf_counter() - start)
        processes = [whole_process(path, 2090 + r) for r in range(max(1, runs // 2))] if connection.vendor else []
    floor, read = statistics.median(floors), statistics.median(reads)
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<28} median {median:7.3f} s  ({median / rows * 1e6:6.1f} µs/row)  queries {queries[name]:4d}"
              f"  {median / floor:4.2f}× openpyxl")  # fmt: skip
    print(f"{'openpyxl read_only read':<28} median {floor:7.3f} s  (the floor, same file, same run)")
    print(f"{'our reader (read_sheets)':<28} median {read:7.3f} s  (the fastest safe read, same file, in each run)")
    for name in ("import (create)", "dry-run (read + validate)"):  # issue 15 A2's goal: at most 3× our read
        paired = statistics.median(t / r for t, r in zip(times[name], reads, strict=True))
        print(f"{name:<28} {statistics.median(times[name]) / read:4.2f}× our reader  (run by run: {paired:4.2f}×)")
    ours = statistics.median(p[0] for p in processes)
    bare = statistics.median(p[1] for p in processes)
    ratio = ours / bare
    print(f"{'whole process':<28} import_workbook {ours:.3f} s : bare openpyxl script {bare:.3f} s = {ratio:.2f}×")


if __name__ == "__main__":
    main()
