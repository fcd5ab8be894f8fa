"""Benchmark: one report in each format, and a batch of 200, next to bare documents.

The bare documents hold the same blocks (headings, paragraphs, the annex table) written with
plain python-docx / WeasyPrint and no styling, so the ratio shows what our official look costs.
Runs against a throw-away test database: `.venv/bin/python bench/reports.py [--runs R] [--batch N]`.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import statistics
import sys
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

from bench.throwaway import on_test_database  # noqa: E402
from indicators.models import Indicator  # noqa: E402
from projects.demo import load_demo  # noqa: E402
from projects.models import Fund, Project  # noqa: E402
from reports.batch import zip_reports  # noqa: E402
from reports.data import ReportData, report_for  # noqa: E402
from reports.outline import Grid, Heading, Paragraph, outline  # noqa: E402
from reports.services import render  # noqa: E402

SEED_CODE = "15000025T000000000900"


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


def bare_pdf(data: ReportData) -> bytes:
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
    return HTML(string=page + "</body></html>").write_pdf()


def median(step: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def clone_projects(count: int) -> list[int]:
    """`count` copies of the seed project (funds and indicators included), in bulk."""
    seed = Project.objects.get(code=SEED_CODE)
    funds, indicators = list(seed.funds.all()), list(seed.indicators.all())
    copies = [Project(unit=seed.unit, year=2099, code=f"BENCH{i:05d}", name=f"{seed.name}{i}") for i in range(count)]
    Project.objects.bulk_create(copies)
    for model, rows in ((Fund, funds), (Indicator, indicators)):
        new = []
        for project in copies:
            for row in rows:
                row.pk, row.project = None, project
                new.append(model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}))
        model.objects.bulk_create(new)
    return [p.pk for p in copies]


def run(runs: int, batch: int) -> None:
    load_demo()
    data = report_for(Project.objects.get(code=SEED_CODE))
    print(f"one report ({len(data.indicators)} indicators), median of {runs}:")
    for fmt in ("docx", "pdf", "xlsx"):
        ours = median(lambda f=fmt: render(data, f), runs)
        line = f"  {fmt:<5} ours {ours * 1000:8.1f} ms"
        bare = {"docx": bare_docx, "pdf": bare_pdf}.get(fmt)
        if bare:
            plain = median(lambda b=bare: b(data), runs)
            line += f"   bare {plain * 1000:8.1f} ms   ratio {ours / plain:4.2f}"
        print(line)
    ids = clone_projects(batch)
    for fmt in ("docx", "pdf", "xlsx"):
        start = time.perf_counter()
        size = len(zip_reports(ids, fmt))
        elapsed = time.perf_counter() - start
        per = elapsed / batch * 1000
        print(f"batch of {batch} {fmt:<5} {elapsed:7.2f} s  ({per:6.1f} ms/project, zip {size // 1024} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    on_test_database("reports", lambda: run(args.runs, args.batch))


if __name__ == "__main__":
    main()
