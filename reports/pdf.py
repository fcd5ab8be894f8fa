"""The 自评报告 as PDF: `outline(data)` → HTML (reports/report.html) → WeasyPrint (domain.md §6).

Pure: no queries, the same ReportData always gives the same words and numbers as the docx and
xlsx renderers. The stylesheet is read from reports/static/reports/report.css and handed to
WeasyPrint directly, never through the (autoescaping) template, and the fonts are the system
families "Noto Serif CJK SC" / "Noto Sans CJK SC" resolved by fontconfig (an @font-face url()
into Debian's .ttc collections would pick the Japanese face).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from reports.data import ReportData
from reports.outline import Document, Grid, Heading, PageBreak, Paragraph, outline

TEMPLATE = "reports/report.html"
STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "report.css"
LONG_TEXT = 12  # cells with more characters than this are left-aligned
NUMBER = re.compile(r"[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")  # amounts, points and rates never wrap


def harfbuzz_subsetting_available() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (~20× slower).

    WeasyPrint's `Font.subset` (weasyprint/pdf/fonts.py) uses HarfBuzz when the optional
    `harfbuzz_subset` library was found by `weasyprint.text.ffi` and HarfBuzz is at least 4.1.0.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


# --- grid → HTML table parts --------------------------------------------------------------


@dataclass
class _Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    classes: str = ""


@dataclass
class _Row:
    cells: list[_Cell] = field(default_factory=list)
    bold: bool = False


def _rows(grid: Grid, first: int, last: int) -> list[_Row]:
    """Rows first..last (inclusive) as HTML rows; merges are clipped to this part.

    A merge that leaves the part downwards gets class "open" (no bottom border); its remainder
    in the next part is an empty cell of class "continued" (no top border), so the two read as one.
    """
    anchors: dict[tuple[int, int], _Cell] = {}
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in grid.merges:
        top, bottom = max(r0, first), min(r1, last)
        if top > bottom:
            continue
        classes = " ".join(name for name, on in (("open", r1 > last), ("continued", r0 < first)) if on)
        text = grid.rows[r0][c0] if r0 >= first else ""
        anchors[(top, c0)] = _Cell(text, bottom - top + 1, c1 - c0 + 1, classes)
        covered |= {(r, c) for r in range(top, bottom + 1) for c in range(c0, c1 + 1)} - {(top, c0)}
    out = []
    for r in range(first, last + 1):
        row = _Row(bold=r in grid.bold_rows)
        for c, text in enumerate(grid.rows[r]):
            if (r, c) in covered:
                continue
            cell = anchors.get((r, c)) or _Cell(text)
            if NUMBER.fullmatch(cell.text):
                cell.classes = f"{cell.classes} num".strip()
            elif len(cell.text) > LONG_TEXT and not row.bold:
                cell.classes = f"{cell.classes} long".strip()
            row.cells.append(cell)
        out.append(row)
    return out


def _crosses(grid: Grid, r: int) -> bool:
    """Whether a merge spans the boundary between rows r-1 and r."""
    return any(r0 < r <= r1 for r0, _, r1, _ in grid.merges)


def _repeat_row(grid: Grid) -> int | None:
    """The header row to repeat on every page: the last bold row before the final one (the
    indicator header 一级指标/二级指标/… of the annex), when the table can be cut just above it."""
    last = len(grid.rows) - 1
    candidates = [r for r in grid.bold_rows if 0 < r < last and not _crosses(grid, r)]
    return max(candidates) if candidates else None


def _table(grid: Grid, first: int, last: int) -> dict[str, list[_Row]]:
    """One <table>: its leading bold rows form a repeating <thead> when body rows follow."""
    head_end = first
    while head_end <= last and head_end in grid.bold_rows:
        head_end += 1
    if head_end == first or head_end > last:
        return {"head": [], "body": _rows(grid, first, last)}
    return {"head": _rows(grid, first, head_end - 1), "body": _rows(grid, head_end, last)}


def _percentages(widths: tuple[int, ...], count: int) -> list[str]:
    widths = widths if len(widths) == count else (1,) * count
    total = Decimal(sum(widths))
    return [str((Decimal(w) * 100 / total).quantize(Decimal("0.001"))) for w in widths]


def _grid(grid: Grid) -> dict[str, Any]:
    last = len(grid.rows) - 1
    cut = _repeat_row(grid)
    spans = [(0, last)] if cut is None else [(0, cut - 1), (cut, last)]
    return {
        "kind": "grid", "title": grid.title, "caption": grid.caption,
        "widths": _percentages(grid.widths, len(grid.rows[0]) if grid.rows else 0),
        "tables": [_table(grid, a, z) for a, z in spans if a <= z],
    }  # fmt: skip


def _block(block: Heading | Paragraph | Grid | PageBreak) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"kind": "heading", "level": block.level, "text": block.text}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text}
    if isinstance(block, Grid):
        return _grid(block)
    return {"kind": "break"}


def html(document: Document) -> str:
    """The report's HTML (without the stylesheet, which WeasyPrint gets as a file)."""
    context = {"title": document.title, "subtitle": document.subtitle, "blocks": [_block(b) for b in document.blocks]}
    return render_to_string(TEMPLATE, context)


# --- PDF ------------------------------------------------------------------------------------


def render(data: ReportData) -> bytes:
    """The report of `data` as PDF bytes (A4, fonts embedded and subset).

    There is no batch variant: sharing one FontConfiguration across reports was measured
    (median of 5, seed report) at the same ~0.5 s per report as rendering them one by one.
    """
    return render_document(outline(data))


def render_document(document: Document) -> bytes:
    """Any outline (one project's report, a unit's report on several projects) as PDF bytes."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(STYLESHEET))
    page = HTML(string=html(document), base_url=str(STYLESHEET.parent))
    return page.write_pdf(stylesheets=[stylesheet])
