"""Benchmark: the 10,000-row table (bench/import_and_score.py's) read by each candidate reader.

Each read runs in a fresh child (fork); prints the median seconds and the child's peak memory
above its start. Readers: evalsys.lib.xlsx.read_sheets (what the import uses), openpyxl's
read_only mode, and, when python-calamine is importable (it is not a requirement: issue 15 A2
evaluated it and did not take it), calamine alone and behind `extent`, an exact pre-scan of every
valued cell's position (expat, positions as a reader assigns them, rows and cells without `r`
included): calamine allocates a sheet's whole rectangle before anything can be checked (one cell
at XFD1048576 aborts the process asking for 550 GB), so it may only see a file whose extent was
proven first. `.venv/bin/python bench/readers.py [--projects N] [--runs R]`
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.parsers import expat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsys.settings")
os.environ.setdefault("DEBUG", "1")  # a benchmark, not a server: the development key will do

from bench.import_and_score import make_workbook  # noqa: E402
from evalsys.lib.xlsx import MAX_COLUMNS, MAX_ROWS, read_sheets  # noqa: E402


def ours(path: Path) -> int:
    return sum(len(values) for _, rows in read_sheets(path) for _, values in rows)


def openpyxl_read_only(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    wb.close()
    return cells


def calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        cells += sum(len(row) for row in sheet.iter_rows())
        sheet.merged_cell_ranges  # noqa: B018 - read as the import would need them
    return cells


def _column(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def extent(path: Path) -> list[tuple[int, int]]:
    """(last row, last column) holding a value in each sheet; ValueError past MAX_ROWS × MAX_COLUMNS."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            state = {"row": 0, "col": 0, "cell": (0, 0), "in": False, "max": (0, 0)}

            def start(tag: str, attrs: dict[str, str], state: dict = state) -> None:
                local = tag.rpartition("}")[2]
                if local == "row":
                    r = attrs.get("r", "")
                    state["row"], state["col"] = (int(r) if r.isdigit() else state["row"] + 1), 0
                elif local == "c":
                    ref = attrs.get("r", "").rstrip("0123456789")
                    state["col"] = _column(ref) if ref.isalpha() and ref.isupper() else state["col"] + 1
                    state["cell"], state["in"] = (state["row"], state["col"]), True
                elif state["in"] and local in ("v", "is", "f"):
                    row, col = state["cell"]
                    if row > MAX_ROWS or col > MAX_COLUMNS:
                        raise ValueError(f"a value at row {row}, column {col}")
                    state["max"] = (max(state["max"][0], row), max(state["max"][1], col))

            def end(tag: str, state: dict = state) -> None:
                if tag.rpartition("}")[2] == "c":
                    state["in"] = False

            parser = expat.ParserCreate(namespace_separator="}")
            parser.StartElementHandler, parser.EndElementHandler = start, end
            with archive.open(name) as raw:
                while chunk := raw.read(1 << 16):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
            found.append(state["max"])
    return found


def calamine_after_extent(path: Path) -> int:
    extent(path)
    return calamine(path)


def measure(read, path: Path) -> tuple[float, float]:
    """(seconds, peak MB above the child's start) of one read in a fresh child."""
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(rd)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        read(path)
        seconds = time.perf_counter() - start
        peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
        os.write(wr, f"{seconds} {peak}".encode())
        os._exit(0)
    os.close(wr)
    with os.fdopen(rd) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    seconds, peak = text.split()
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    readers = [ours, openpyxl_read_only]
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        print("python-calamine is not installed: its rows are left out")
    else:
        readers += [extent, calamine, calamine_after_extent]
    with tempfile.TemporaryDirectory() as tmp:
        path = make_workbook(Path(tmp) / "table.xlsx", args.projects)
        print(f"{args.projects * 10:,} rows, {path.stat().st_size / 1024:.0f} KB; median of {args.runs} runs")
        for read in readers:
            runs = [measure(read, path) for _ in range(args.runs)]
            seconds = statistics.median(r[0] for r in runs)
            print(f"{read.__name__:24} {seconds * 1000:8.1f} ms  peak {max(r[1] for r in runs):6.1f} MB")


if __name__ == "__main__":
    main()
