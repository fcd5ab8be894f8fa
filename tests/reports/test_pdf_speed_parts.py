"""What makes the PDF fast (issue 10) and must not change what it prints: one FontConfiguration and
one parsed stylesheet per process and thread, only the faces the report prints, and
`table-layout: fixed` only where it looks exactly like the automatic layout."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import re
import shutil
import subprocess
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from weasyprint import CSS, HTML
from weasyprint.text import fonts as weasy_fonts

from reports import pdf
from reports.data import ReportData
from reports.outline import outline
from reports.sample import sample_report
from reports.unit_report import ProjectPart, UnitReportData, unit_outline

POPPLER = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
FACES = {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC-Bold"}  # 正文, 表头/标题, 黑体 headings


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """No shared FontConfiguration yet in this thread; returns the FontConfigurations made from now on."""
    made: list[object] = []
    init = weasy_fonts.FontConfiguration.__init__

    def counting(self: object) -> None:
        made.append(self)
        init(self)

    monkeypatch.setattr(weasy_fonts.FontConfiguration, "__init__", counting)
    pdf._shared.__dict__.clear()
    yield made
    pdf._shared.__dict__.clear()


def test_one_font_configuration_for_many_reports(fresh: list[object]) -> None:
    """Neither we nor WeasyPrint (which makes one per document when given none) make one per report."""
    first, second = pdf.render(sample_report()), pdf.render(sample_report("department"))
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert len(fresh) == 1
    assert pdf.shared()[0] is fresh[0]
    assert pdf.shared()[1] is pdf.shared()[1]  # the stylesheet is parsed once too


def test_one_font_configuration_per_thread_and_per_forked_process(
    fresh: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pango font maps are not thread-safe, and a process forked by `export_report --jobs N` makes
    its own rather than use its parent's."""
    mine = pdf.shared()[0]
    theirs: list[object] = []
    worker = threading.Thread(target=lambda: theirs.append(pdf.shared()[0]))
    worker.start()
    worker.join()
    assert len(fresh) == 2 and theirs[0] is not mine
    assert pdf.shared()[0] is mine
    monkeypatch.setattr(pdf.os, "getpid", lambda: -1)  # as in a child after fork()
    assert pdf.shared()[0] is not mine and len(fresh) == 3


def test_stylesheet_names_only_the_system_sc_families() -> None:
    css = re.sub(r"/\*.*?\*/", "", pdf.STYLESHEET.read_text(), flags=re.S)  # its comments say why
    assert "@font-face" not in css and "url(" not in css
    families = set(re.findall(r'font-family:\s*"([^"]+)"', css))
    assert families == {"Noto Serif CJK SC", "Noto Sans CJK SC"}


def _pdffonts(document: bytes, tmp_path: Path) -> set[str]:
    path = tmp_path / "faces.pdf"
    path.write_bytes(document)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+", 1)[-1] for line in lines.splitlines()[2:] if line.strip()}


def _text(document: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(document)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@POPPLER
def test_embeds_exactly_the_faces_it_prints(tmp_path: Path) -> None:
    """Serif for the body, its bold for table headers and the title, Sans bold (黑体) for headings:
    nothing else is embedded, and no face is there that the report does not print."""
    assert _pdffonts(pdf.render(sample_report()), tmp_path) == FACES


@POPPLER
def test_reports_rendered_one_after_another_read_back_alike(tmp_path: Path) -> None:
    """A shared FontConfiguration carries nothing from one report into the next: the seed report
    before and after another one reads back the same, Chinese text included."""
    first = _text(pdf.render(sample_report()), tmp_path, "1.pdf")
    _text(pdf.render(sample_report("framework2013")), tmp_path, "2.pdf")
    again = _text(pdf.render(sample_report()), tmp_path, "3.pdf")
    assert first == again
    body = re.sub(r"\s+", "", first)
    assert "项目支出绩效自评表" in body and "本年度资金年初预算数" in body and "\ufffd" not in first


# --- table-layout: fixed only where it looks the same ------------------------------------------


def _fixed(page: str) -> list[bool]:
    return [bool(flag) for flag in re.findall(r'<table( class="fixed")?>', page)]


def _big_amounts(data: ReportData) -> ReportData:
    funds = tuple(dataclasses.replace(f, initial="9,999,999.99", annual="9,999,999.99") for f in data.funds)
    return dataclasses.replace(data, funds=funds)


def _unit_report() -> UnitReportData:
    parts = tuple(ProjectPart(sample_report(o), Decimal("900.00"), Decimal("804.73")) for o in ("unit", "department"))
    return UnitReportData(unit="测试单位", years=(2025,), parts=parts, generated_on=datetime.date(2025, 1, 1))


def test_annex_tables_are_fixed_when_every_word_fits() -> None:
    for name in ("unit", "department", "framework2013"):
        assert _fixed(pdf.html(outline(sample_report(name)))) == [True, True], name


def test_tables_keep_the_automatic_layout_when_a_word_is_wider_than_its_column() -> None:
    """A huge amount (nowrap) or the unit report's 21-character project codes widen their column in
    the automatic layout; a fixed layout would print them over the next cell or cut them."""
    assert _fixed(pdf.html(outline(_big_amounts(sample_report())))) == [False, True]
    summary, *annexes = _fixed(pdf.html(unit_outline(_unit_report())))
    assert summary is False and annexes and all(annexes)


def test_words_and_widths() -> None:
    assert pdf._words("项目资金（万元）") == ["项", "目", "资", "金", "（万", "元）"]
    assert pdf._words("15000022T000000000900 89.41%") == ["15000022T000000000900", "89.41%"]
    # Upper bounds of the printed width: 89.41% is 35.7pt in Noto Serif CJK SC at 10.5pt, 37.1pt in bold.
    assert Decimal("35.6") < pdf._width_pt("89.41%", False) < 36
    assert 37 < pdf._width_pt("89.41%", True) < Decimal("37.4")
    assert pdf._width_pt("Wi", False) == 2 * Decimal("1.1") * Decimal("10.5")


def test_text_width_matches_the_stylesheet() -> None:
    """TEXT_WIDTH_PT is A4 less report.css's @page side margins."""
    margins = re.search(
        r"@page\s*{[^}]*?margin:\s*([\d.]+)cm\s+([\d.]+)cm\s+([\d.]+)cm\s+([\d.]+)cm", pdf.STYLESHEET.read_text()
    )
    assert margins
    right, left = Decimal(margins[2]), Decimal(margins[4])
    assert abs(pdf.TEXT_WIDTH_PT - (21 - right - left) / Decimal("2.54") * 72) < Decimal("0.1")
    assert re.search(r"table\s*{[^}]*font-size:\s*10\.5pt", pdf.STYLESHEET.read_text())


def _pages(page: str, stylesheet: str, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(
        HTML(string=page, base_url=str(pdf.STYLESHEET.parent)).write_pdf(stylesheets=[CSS(string=stylesheet)])
    )
    subprocess.run(["pdftoppm", "-r", "72", "-gray", str(path), str(tmp_path / name)], check=True)
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(tmp_path.glob(f"{name}-*.pgm"))]


@POPPLER
@pytest.mark.parametrize("name", ["unit", "department"])
def test_fixed_layout_prints_the_same_pages(name: str, tmp_path: Path) -> None:
    """The seed reports' pages, rasterised, are the same pixels with and without `table.fixed`."""
    page = pdf.html(outline(sample_report(name)))
    assert any(_fixed(page))
    stylesheet = pdf.STYLESHEET.read_text()
    automatic = stylesheet.replace("table.fixed { table-layout: fixed; }", "")
    assert automatic != stylesheet
    fixed_pages, automatic_pages = (
        _pages(page, stylesheet, tmp_path, "fixed"),
        _pages(page, automatic, tmp_path, "auto"),
    )
    assert len(fixed_pages) > 1 and fixed_pages == automatic_pages


@pytest.mark.parametrize("big", [False, True])
def test_same_bytes_as_a_fresh_font_configuration_and_the_automatic_layout(big: bool) -> None:
    """Neither the shared FontConfiguration and stylesheet nor the fixed layout change one byte of
    a report's PDF (WeasyPrint writes no date or random id unless asked), huge amounts included."""
    data = _big_amounts(sample_report()) if big else sample_report("framework2013")
    page = pdf.html(outline(data))
    automatic = pdf.STYLESHEET.read_text().replace("table.fixed { table-layout: fixed; }", "")
    plain = HTML(string=page, base_url=str(pdf.STYLESHEET.parent)).write_pdf(stylesheets=[CSS(string=automatic)])
    pdf.render(sample_report())  # the shared FontConfiguration has seen another report first
    assert pdf.render(data) == plain
