"""The 自评报告 as PDF: `outline(data)` → HTML (reports/report.html) → WeasyPrint (domain.md §6).

Pure: no queries, the same ReportData always gives the same words and numbers as the docx and
xlsx renderers. The stylesheet is read from reports/static/reports/report.css and handed to
WeasyPrint directly, never through the (autoescaping) template, and the fonts are the system
families "Noto Serif CJK SC" / "Noto Sans CJK SC" resolved by fontconfig (an @font-face url()
into Debian's .ttc collections would pick the Japanese face).

Speed (bench/reports.py prints it next to bare WeasyPrint): one FontConfiguration and one parsed
stylesheet per process and thread (`shared()`), not one per report, and tables laid out with
`table-layout: fixed` (the column widths the outline gives) whenever that looks exactly like the
automatic layout, i.e. when no cell holds a word wider than its column (`_fits`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from reports.data import ReportData
from reports.outline import Document, Grid, Heading, PageBreak, Paragraph, outline

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

TEMPLATE = "reports/report.html"
STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "report.css"
LONG_TEXT = 12  # cells with more characters than this are left-aligned
NUMBER = re.compile(r"[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")  # amounts, points and rates never wrap

# What report.css gives a table cell, for `_fits`: A4 (595.28pt) less the @page side margins
# (2.6cm + 2.8cm), the table's font size, and each cell's padding (2 × 1.5pt) and collapsed border (1px).
# Decimal, as every number in this module (tests/scoring/test_no_float.py): layout estimates too
TEXT_WIDTH_PT = Decimal("442.2")
CELL_FONT_PT = Decimal("10.5")
CELL_INSET_PT = Decimal("3.75")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
OPENING, CLOSING = "（《【〔", "）》】〕、。，；：！？"  # a line may break before / after these (and Han)


def _ems(text: str) -> dict[str, Decimal]:
    """'0=0.557 1=0.471 …' as {character: width in em}."""
    return {pair[0]: Decimal(pair[2:]) for pair in text.split()}


# Advance widths (em) in Noto Serif CJK SC regular and bold of what narrow cells hold (amounts, points,
# rates); Han characters and the full-width marks above are 1 em, and anything else counts 1.1 em
# (more than any other Latin letter or sign: W, the widest, is 1.091 em in bold).
NARROW_EM = {
    False: _ems("0=0.557 1=0.471 2=0.558 3=0.557 4=0.555 5=0.558 6=0.558 7=0.549 8=0.558 9=0.562"
                " ,=0.327 .=0.327 %=0.923 -=0.346 −=0.58 +=0.58"),
    True: _ems("0=0.593 1=0.466 2=0.594 3=0.593 4=0.593 5=0.594 6=0.594 7=0.588 8=0.594 9=0.596"
               " ,=0.335 .=0.335 %=0.966 -=0.37 −=0.603 +=0.603"),
}  # fmt: skip
FULL_EM, WIDE_EM = Decimal(1), Decimal("1.1")


def harfbuzz_subsetting_available() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (~20× slower).

    WeasyPrint's `Font.subset` (weasyprint/pdf/fonts.py) uses HarfBuzz when the optional
    `harfbuzz_subset` library was found by `weasyprint.text.ffi` and HarfBuzz is at least 4.1.0.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset  # WeasyPrint (1.3 s): with the first PDF

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


# --- grid → HTML table parts --------------------------------------------------------------


@dataclass
class _Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    classes: str = ""
    column: int = 0  # the first column it covers


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
            cell.column = c
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


def _full_width(ch: str) -> bool:
    return bool(HAN.match(ch)) or ch in OPENING or ch in CLOSING


def _words(text: str) -> list[str]:
    """The pieces of `text` that a line never breaks inside, or longer ones: lines break at white
    space, between two Han characters and around the full-width brackets and stops (CJK line
    breaking allows more, which could only make the pieces shorter)."""
    out = []
    for piece in text.split():
        start = 0
        for i in range(1, len(piece)):
            before, after = piece[i - 1], piece[i]
            if (HAN.match(before) or before in CLOSING) and (HAN.match(after) or after in OPENING):
                out.append(piece[start:i])
                start = i
        out.append(piece[start:])
    return out


def _width_pt(word: str, bold: bool) -> Decimal:
    """An upper bound of `word`'s width in a table cell (report.css: 10.5pt)."""
    narrow = NARROW_EM[bold]
    return sum((narrow.get(ch) or (FULL_EM if _full_width(ch) else WIDE_EM) for ch in word), Decimal(0)) * CELL_FONT_PT


def _fits(rows: list[_Row], percentages: list[str]) -> bool:
    """Whether every cell's widest unbreakable piece fits its columns' share of the text width.

    Then the automatic table layout gives each column exactly its percentage (no cell's
    min-content width asks for more), which is what `table-layout: fixed` gives at a fraction of
    the cost; otherwise (a long project code, a huge amount) the table keeps the automatic layout.
    """
    shares = [Decimal(p) / 100 for p in percentages]
    for row in rows:
        for cell in row.cells:
            room = sum(shares[cell.column : cell.column + cell.colspan], Decimal(0)) * TEXT_WIDTH_PT - CELL_INSET_PT
            words = [cell.text] if "num" in cell.classes.split() else _words(cell.text)
            if any(_width_pt(word, row.bold) > room for word in words):
                return False
    return True


def _table(grid: Grid, first: int, last: int, percentages: list[str]) -> dict[str, Any]:
    """One <table>: its leading bold rows form a repeating <thead> when body rows follow."""
    head_end = first
    while head_end <= last and head_end in grid.bold_rows:
        head_end += 1
    if head_end == first or head_end > last:
        head, body = [], _rows(grid, first, last)
    else:
        head, body = _rows(grid, first, head_end - 1), _rows(grid, head_end, last)
    return {"head": head, "body": body, "fixed": _fits(head + body, percentages)}


def _percentages(widths: tuple[int, ...], count: int) -> list[str]:
    widths = widths if len(widths) == count else (1,) * count
    total = Decimal(sum(widths))
    return [str((Decimal(w) * 100 / total).quantize(Decimal("0.001"))) for w in widths]


def _grid(grid: Grid) -> dict[str, Any]:
    last = len(grid.rows) - 1
    cut = _repeat_row(grid)
    spans = [(0, last)] if cut is None else [(0, cut - 1), (cut, last)]
    percentages = _percentages(grid.widths, len(grid.rows[0]) if grid.rows else 0)
    return {
        "kind": "grid", "title": grid.title, "caption": grid.caption, "widths": percentages,
        "tables": [_table(grid, a, z, percentages) for a, z in spans if a <= z],
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
    """The report of `data` as PDF bytes (A4, fonts embedded and subset)."""
    return render_document(outline(data))


def render_document(document: Document) -> bytes:
    """Any outline (one project's report, a unit's report on several projects) as PDF bytes."""
    from weasyprint import HTML  # WeasyPrint takes 1.3 s to import: loaded with the first PDF

    fonts, stylesheet = shared()
    page = HTML(string=html(document), base_url=str(STYLESHEET.parent), url_fetcher=static_fetcher())
    return page.write_pdf(stylesheets=[stylesheet], font_config=fonts)


_shared = threading.local()


def shared() -> tuple[FontConfiguration, CSS]:
    """This process's (and thread's) FontConfiguration and parsed report.css, made on first use.

    A FontConfiguration is a fontconfig configuration and a Pango font map: making one per report
    loads the system's fonts again and drops Pango's caches of the faces, their metrics and
    shaping, measured at ~15% of a report's time. The stylesheet names no @font-face, so one parse
    serves every report. Pango font maps are not thread-safe, and a process forked by
    `export_report --jobs N` makes its own rather than use its parent's.
    """
    from weasyprint import CSS  # WeasyPrint (1.3 s): with the first PDF
    from weasyprint.text.fonts import FontConfiguration

    state = _shared.__dict__
    if state.get("pid") != os.getpid():
        fonts = FontConfiguration()
        state.update(pid=os.getpid(), fonts=fonts, css=CSS(filename=str(STYLESHEET), font_config=fonts))
    return state["fonts"], state["css"]


# --- what WeasyPrint may read -----------------------------------------------------------------

NOT_STATIC = "报告只能引用本系统的静态文件：{url}"


def static_roots() -> tuple[Path, ...]:
    """The folders of the app's own static files: the report's stylesheet folder and Django's."""
    roots = [STYLESHEET.parent.parent, *settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(settings.STATIC_ROOT)
    return tuple(Path(root).resolve() for root in roots)


def is_static(url: str, roots: Iterable[Path]) -> bool:
    """Whether `url` is a file:// URL of a file inside one of `roots` (after resolving `..` and links)."""
    if not url.lower().startswith("file://"):
        return False
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return any(path.is_relative_to(root) for root in roots)


def static_fetcher() -> URLFetcher:
    """A WeasyPrint URL fetcher that reads the app's own static files and nothing else: no other
    file (file:///etc/passwd), no http(s), ftp or data URL. Refused URLs raise, which WeasyPrint
    logs as a warning and renders without the resource."""
    from weasyprint.urls import URLFetcher  # loaded with the first PDF, as WeasyPrint is above

    roots = static_roots()

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not is_static(url, roots):
                raise ValueError(NOT_STATIC.format(url=url[:200]))
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=("file",), allow_redirects=False)
