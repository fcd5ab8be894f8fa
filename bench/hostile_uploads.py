"""Benchmark: hostile and oversized workbooks (each under the 20 MB upload limit) through the
upload's checks and a dry-run import, each in a fresh child process.

Prints, per file: its size, the outcome (imported or the first line of the refusal), the
seconds taken and the child's peak memory above the parent's. The goal (issue "Trust"):
every file ends within 10 s and 300 MB. `.venv/bin/python bench/hostile_uploads.py`
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsys.settings")
os.environ.setdefault("DEBUG", "1")  # a benchmark, not a server: the development key will do

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.import_and_score import make_workbook  # noqa: E402
from bench.throwaway import on_test_database  # noqa: E402
from evalsys.lib.xlsx import MAX_ROWS, WorkbookRefused, check_workbook  # noqa: E402
from indicators.services import ImportFailed, workbook_import  # noqa: E402
from tests import hostile_workbooks as hostile  # noqa: E402

LIMIT_MB = 20


def _patch(path: Path, sheet_xml: str | None = None, merges: str = "", extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    if merges:
        xml = xml.replace("</sheetData>", f"</sheetData><mergeCells>{merges}</mergeCells>", 1)
    parts[name] = (sheet_xml or xml).encode()
    parts |= extra or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part, data in parts.items():
            out.writestr(part, data)
    return path


def merge_bomb(folder: Path) -> Path:
    wb = Workbook()
    wb.active.append(["项目名称", "一级指标", "二级指标", "三级指标", "指标值"])
    wb.save(folder / "merge_bomb.xlsx")
    return _patch(folder / "merge_bomb.xlsx", merges='<mergeCell ref="A1:E200000"/>')


def many_merges(folder: Path) -> Path:
    wb = Workbook()
    wb.active.append(["x"])
    wb.save(folder / "many_merges.xlsx")
    refs = "".join(f'<mergeCell ref="A{r}:BH{r + 9}"/>' for r in range(1, 49_000, 10))
    return _patch(folder / "many_merges.xlsx", merges=refs)


def wide_and_long(folder: Path) -> Path:
    """50,000 rows × 60 columns of numbers: every cell the caps allow, and no table in it."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    for r in range(MAX_ROWS):
        ws.append([r * 60 + c for c in range(60)])
    wb.save(folder / "wide_and_long.xlsx")
    return folder / "wide_and_long.xlsx"


def rows_past_the_cap(folder: Path) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    for r in range(MAX_ROWS * 4):
        ws.append([r])
    wb.save(folder / "rows_past_the_cap.xlsx")
    return folder / "rows_past_the_cap.xlsx"


def shared_strings(folder: Path) -> Path:
    """Long distinct strings: the shared-string table is loaded whole by openpyxl."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("文字")
    for r in range(20_000):
        ws.append([f"{r:08d}" + "说明文字" * 250])
    wb.save(folder / "shared_strings.xlsx")
    return folder / "shared_strings.xlsx"


def zip_bomb(folder: Path) -> Path:
    wb = Workbook()
    wb.active.append(["x"])
    wb.save(folder / "zip_bomb.xlsx")
    return _patch(folder / "zip_bomb.xlsx", extra={"xl/media/pad.bin": b"\0" * (1024 * 1024 * 1024)})


def far_cell(folder: Path) -> Path:
    wb = Workbook()
    wb.active.append(["x"])
    wb.save(folder / "far_cell.xlsx")
    with zipfile.ZipFile(folder / "far_cell.xlsx") as source:
        xml = source.read("xl/worksheets/sheet1.xml").decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return _patch(folder / "far_cell.xlsx", sheet_xml=xml.replace("</sheetData>", f"{far}</sheetData>"))


def legit_table(folder: Path, projects: int) -> Path:
    return make_workbook(folder / f"table_{projects}x10.xlsx", projects)


# The probe's files of issue 15 (A1, A2), as tests/lib/test_hostile_xlsx.py builds them.
PROBE_FILES = [
    lambda f: hostile.merge_scan(f, 30_000), lambda f: hostile.merge_scan(f, 100_000),
    lambda f: hostile.merge_scan(f, 100_001), hostile.nested, lambda f: hostile.nested(f, "xl/workbook.xml"),
    lambda f: hostile.nested(f, "xl/styles.xml"), lambda f: hostile.nested(f, "xl/sharedStrings.xml"),
    hostile.many_styles, hostile.many_content_types, hostile.far_cell,
]  # fmt: skip


def _child(path: str, queue: multiprocessing.Queue) -> None:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        with open(path, "rb") as handle:
            check_workbook(handle)
        report = workbook_import(path=path, year=2024, dry_run=True, user=None)
        outcome = f"imported: {report.projects_created} projects"
    except (WorkbookRefused, ImportFailed) as exc:
        outcome = "refused: " + str(exc).splitlines()[0][:90]
    except Exception as exc:  # a crash is a finding, reported as such
        outcome = f"CRASH {type(exc).__name__}: {exc}"[:120]
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((outcome, elapsed, (peak - base) / 1024))


def measure(path: Path) -> tuple[str, float, float]:
    connection.close()  # the child opens its own connection
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(str(path), queue))
    child.start()
    child.join(120)
    if child.is_alive():
        child.kill()
        return "did not finish in 120 s", 120.0, float("nan")
    return queue.get() if not queue.empty() else (f"died (exit {child.exitcode})", float("nan"), float("nan"))


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="evalsys-hostile-"))
    makers = [merge_bomb, many_merges, zip_bomb, far_cell, rows_past_the_cap, wide_and_long, shared_strings,
              lambda f: legit_table(f, 1000), lambda f: legit_table(f, 3000), *PROBE_FILES]  # fmt: skip
    print(f"{'file':28} {'MB':>6} {'seconds':>8} {'peak MB':>8}  outcome")
    for make in makers:
        path = make(folder)
        size = path.stat().st_size / 1024 / 1024
        outcome, seconds, peak = measure(path)
        flag = "" if size < LIMIT_MB and seconds < 10 and peak < 300 else "  <-- over the goal"
        print(f"{path.name:28} {size:6.2f} {seconds:8.2f} {peak:8.1f}  {outcome}{flag}")


if __name__ == "__main__":
    on_test_database("hostile", main)
