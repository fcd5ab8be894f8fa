"""The PDF 自评报告, read back from real files with pypdf, pdftotext and pdffonts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports import pdf
from reports.data import ReportData

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")

A4 = (595, 842)


@pytest.fixture
def seed_pdf(seed_report: ReportData, tmp_path: Path) -> Path:
    path = tmp_path / "seed.pdf"
    path.write_bytes(pdf.render(seed_report))
    return path


def text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeezed(path: Path) -> str:
    """The text without the spaces and line breaks that layout puts inside sentences."""
    return re.sub(r"\s+", "", text(path))


def fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts rows: name, emb, sub (e.g. {"name": "LWGGBP+Noto-Serif-CJK-SC", "emb": "yes", ...})."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name, type words…, encoding, emb, sub, uni, object, id
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def test_text_title_score_grade_and_sections(seed_pdf: Path, seed_report: ReportData) -> None:
    body = squeezed(seed_pdf)
    assert seed_report.title in body
    assert "本项目绩效自评得分93.62分，等级为优" in body
    for heading in ("一、项目基本情况", "二、绩效自评工作情况", "三、项目绩效情况", "四、存在问题",
                    "五、其他需要说明的问题", "附件：项目支出绩效自评表"):  # fmt: skip
        assert heading in body
    assert "本年度资金年初预算数900.00万元" in body


def test_no_missing_glyphs_and_only_embedded_subset_cjk_fonts(seed_pdf: Path) -> None:
    raw = text(seed_pdf)
    assert "\ufffd" not in raw and "□" not in raw
    rows = fonts(seed_pdf)
    assert rows
    for row in rows:
        name = row["name"].split("+", 1)[-1].replace("-", "")
        assert "+" in row["name"], row  # subset tag, e.g. LWGGBP+
        assert name.startswith(("NotoSerifCJK", "NotoSansCJK")), row
        assert (row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes"), row
    names = {r["name"].split("+", 1)[-1] for r in rows}
    assert any("Serif" in n for n in names) and any("Sans" in n for n in names)  # body 宋体-like, headings 黑体-like


def test_simplified_chinese_face(seed_pdf: Path) -> None:
    """值 (with 直, whose Japanese form differs) and every other glyph come from the SC faces."""
    rows = fonts(seed_pdf)
    assert all(r["name"].endswith(("CJK-SC", "CJK-SC-Bold")) for r in rows), rows
    seen: dict[str, set[str]] = {}

    def visit(chunk: str, cm: object, tm: object, font: dict | None, size: object) -> None:
        if font is not None:
            for ch in "值令骨直":
                if ch in chunk:
                    seen.setdefault(ch, set()).add(str(font.get("/BaseFont")))

    for page in PdfReader(seed_pdf).pages:
        page.extract_text(visitor_text=visit)
    assert "值" in seen
    assert all("CJK-SC" in name for names in seen.values() for name in names), seen


def test_pages_a4_and_page_numbers(seed_pdf: Path) -> None:
    reader = PdfReader(seed_pdf)
    assert len(reader.pages) > 1
    box = reader.pages[0].mediabox
    assert abs(box.width - A4[0]) <= 1 and abs(box.height - A4[1]) <= 1
    pages = text(seed_pdf).split("\f")
    for number in (1, 2, len(reader.pages)):
        assert re.search(rf"—\s*{number}\s*—", pages[number - 1]), number


def test_annex_table(seed_pdf: Path) -> None:
    annex = re.sub(r"\s+", "", text(seed_pdf).split("附件：项目支出绩效自评表", 1)[1])
    for value in ("8.94", "804.73", "900.00", "89.41%", "93.62", "自评等级：优"):
        assert value in annex
    assert annex.count("三级指标") == 2  # the indicator header repeats on the annex's second page


def test_harfbuzz_subsetting_is_used() -> None:
    assert pdf.harfbuzz_subsetting_available() is True


def test_department_report(department_report: ReportData, tmp_path: Path) -> None:
    path = tmp_path / "dept.pdf"
    path.write_bytes(pdf.render(department_report))
    body = squeezed(path)
    assert department_report.title in body
    assert "99.56" in body and "七、其他需要说明的问题" in body
    assert "附件：项目支出绩效评价评分表" in body


def test_html_has_no_inline_style_and_merges(seed_report: ReportData) -> None:
    from reports.outline import outline

    page = pdf.html(outline(seed_report))
    assert "<style" not in page and "&quot;" not in page
    assert 'colspan="8"' in page  # 项目名称 value
    assert "<thead>" in page and 'rowspan="' in page
