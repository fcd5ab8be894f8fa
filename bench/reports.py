"""Benchmark: one report in each format next to bare documents, and a real batch projected to 5,000.

The bare documents hold the same blocks (headings, paragraphs, the annex table) written with
plain python-docx / WeasyPrint and no styling, so the ratio shows what our official look costs.
"Bare WeasyPrint" is `HTML(string=…).write_pdf()` with no options: a new FontConfiguration for
every document, WeasyPrint's default. Ours and bare run interleaved in the same process and the
ratio is of their medians; a line shows bare with one shared FontConfiguration too, for scale.

The batch is `export_report --unit`'s path (batch.export_to_file) on `--batch` copies of the seed
project, docx then pdf, with `--jobs 1` and with `--jobs` processes (default: the number of
cores); 5,000 reports (docx + pdf) are projected from its wall seconds per project, and from its
CPU seconds (this process's and its children's) spread over that many cores, which is what an
otherwise idle machine would take (the machine this runs on is shared: the load average is printed).
Runs against a throw-away test database in about a minute and a half by default:
`.venv/bin/python bench/reports.py [--runs R] [--batch N] [--jobs J]`.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import shutil
import statistics
import subprocess
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

from docx import Document as WordDocument  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from bench.throwaway import on_test_database  # noqa: E402
from indicators.models import Indicator  # noqa: E402
from projects.demo import load_demo  # noqa: E402
from projects.models import Fund, Project  # noqa: E402
from projects.workflow import stages_start  # noqa: E402
from reports import pdf  # noqa: E402
from reports.batch import export_to_file  # noqa: E402
from reports.data import ReportData, report_for  # noqa: E402
from reports.outline import Grid, Heading, Paragraph, outline  # noqa: E402
from reports.services import render  # noqa: E402

SEED_CODE = "15000025T000000000900"
PROJECTED = 5000


def bare_docx(data: ReportData) -> bytes:
    doc, word = outline(data), WordDocument()
    word.add_heading(doc.title, 0)
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, block.level)
        elif isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        elif isinstance(block, Grid):
            table = word.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            for cells, row in zip(table.rows, block.rows, strict=True):
                for cell, text in zip(cells.cells, row, strict=True):
                    cell.text = text
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def bare_pdf(data: ReportData, font_config: FontConfiguration | None = None) -> bytes:
    doc, parts = outline(data), []
    for block in doc.blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level + 1}>{html.escape(block.text)}</h{block.level + 1}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Grid):
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in block.rows)
            parts.append(f"<table>{rows}</table>")
    page = f"<html><body style='font-family: \"Noto Serif CJK SC\"'><h1>{html.escape(doc.title)}</h1>{''.join(parts)}"
    return HTML(string=page + "</body></html>").write_pdf(font_config=font_config)


def medians(steps: dict[str, Callable[[], object]], runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall and CPU seconds of each step, the steps interleaved run by run (the machine is
    shared: CPU seconds are what other processes' load disturbs least)."""
    wall: dict[str, list[float]] = {name: [] for name in steps}
    cpu: dict[str, list[float]] = {name: [] for name in steps}
    for step in steps.values():
        step()  # warm up: imports, templates, the process's fonts
    for _ in range(runs):
        for name, step in steps.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            step()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return ({name: statistics.median(values) for name, values in wall.items()},
            {name: statistics.median(values) for name, values in cpu.items()})  # fmt: skip


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (user + system)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def clone_projects(count: int) -> list[int]:
    """`count` copies of the seed project (funds and indicators included), in bulk."""
    seed = Project.objects.get(code=SEED_CODE)
    funds, indicators = list(seed.funds.all()), list(seed.indicators.all())
    copies = [Project(unit=seed.unit, year=2099, code=f"BENCH{i:05d}", name=f"{seed.name}{i}") for i in range(count)]
    Project.objects.bulk_create(copies)
    stages_start(copies)
    for model, rows in ((Fund, funds), (Indicator, indicators)):
        new = []
        for project in copies:
            for row in rows:
                row.pk, row.project = None, project
                new.append(model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}))
        model.objects.bulk_create(new)
    return [p.pk for p in copies]


def one_report(data: ReportData, runs: int) -> None:
    print(f"one report ({len(data.indicators)} indicators), median of {runs}, seconds per report:")
    shared = FontConfiguration()
    steps: dict[str, Callable[[], object]] = {
        "docx": lambda: render(data, "docx"), "bare docx": lambda: bare_docx(data),
        "pdf": lambda: render(data, "pdf"), "bare pdf": lambda: bare_pdf(data),
        "bare pdf, shared fonts": lambda: bare_pdf(data, shared), "xlsx": lambda: render(data, "xlsx"),
    }  # fmt: skip
    m, c = medians(steps, runs)
    for fmt in ("docx", "pdf"):
        ours, bare = m[fmt], m[f"bare {fmt}"]
        ratio_cpu = c[fmt] / c[f"bare {fmt}"]
        print(f"  {fmt:<5} ours {ours:6.3f}   bare {bare:6.3f}   ours : bare {ours / bare:4.2f}", end="")
        print(f"   (CPU {ratio_cpu:4.2f})")
    shared_bare, shared_cpu = m["bare pdf, shared fonts"], c["pdf"] / c["bare pdf, shared fonts"]
    print(f"        bare pdf with one shared FontConfiguration {shared_bare:6.3f}: "
          f"ours : that {m['pdf'] / shared_bare:4.2f}   (CPU {shared_cpu:4.2f})")  # fmt: skip
    print(f"  xlsx  ours {m['xlsx']:6.3f}")
    page = pdf.html(outline(data))
    fixed, tables = page.count('<table class="fixed">'), page.count("<table")
    print(f"  pdf faces embedded: {', '.join(faces(render(data, 'pdf')))}; tables laid out fixed: {fixed} of {tables}")


def faces(document: bytes) -> list[str]:
    """The font faces a PDF embeds, from poppler's pdffonts (when installed)."""
    if not shutil.which("pdffonts"):
        return ["(pdffonts not installed)"]
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(document)
        file.flush()
        lines = subprocess.run(["pdffonts", file.name], capture_output=True, text=True, check=True).stdout
    return sorted({line.split()[0].split("+", 1)[-1] for line in lines.splitlines()[2:] if line.strip()})


def batch_run(ids: list[int], jobs: int) -> None:
    """Time `export_report --unit`'s path on `ids`, docx then pdf, with 1 and with `jobs` processes."""
    print(f"batch of {len(ids)} projects (export_to_file, zip on disk), projected to {PROJECTED:,} reports:")
    with tempfile.TemporaryDirectory(prefix="evalsys-bench-") as folder:
        for n in sorted({1, jobs}):
            wall, cpu = {}, {}
            for fmt in ("docx", "pdf"):
                path = Path(folder) / f"batch-{n}.{fmt}.zip"
                start, start_cpu = time.perf_counter(), _cpu_seconds()
                export_to_file(ids, fmt, path, jobs=n)
                wall[fmt], cpu[fmt] = (time.perf_counter() - start) / len(ids), (_cpu_seconds() - start_cpu) / len(ids)
            busy = min(n, os.cpu_count() or 1)
            per_wall, per_cpu = wall["docx"] + wall["pdf"], cpu["docx"] + cpu["pdf"]
            cores = f"{busy} idle core{'s' if busy > 1 else ''}"
            print(f"  --jobs {n}: docx {wall['docx']:6.3f} s/project, pdf {wall['pdf']:6.3f} s/project  "
                  f"→ {PROJECTED:,} docx + pdf ≈ {PROJECTED * per_wall / 60:5.1f} min;  CPU {per_cpu:6.3f} s/project "
                  f"→ {PROJECTED * per_cpu / busy / 60:5.1f} min on {cores}")  # fmt: skip


def run(runs: int, batch: int, jobs: int) -> None:
    load_demo()
    data = report_for(Project.objects.get(code=SEED_CODE))
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start")
    one_report(data, runs)
    batch_run(clone_projects(batch), jobs)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of one report per format (median)")
    parser.add_argument("--batch", type=int, default=40, help="projects in the measured batch")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: cores)")
    args = parser.parse_args()
    on_test_database("reports", lambda: run(args.runs, args.batch, max(1, args.jobs)))


if __name__ == "__main__":
    main()
