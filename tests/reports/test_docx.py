"""The Word report, read back with python-docx: words, numbers, merges and page set-up."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table

from reports.data import ReportData
from reports.docx import render

UNIT_HEADINGS = [
    "一、项目基本情况",
    "二、绩效自评工作情况",
    "三、项目绩效情况",
    "四、存在问题",
    "五、其他需要说明的问题",
]
DEPARTMENT_HEADINGS = [
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要经验及做法、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
]


def read(data: ReportData) -> DocxDocument:
    return Document(io.BytesIO(render(data)))


def texts(doc: DocxDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]


def annex(doc: DocxDocument) -> Table:
    assert len(doc.tables) == 1
    return doc.tables[0]


def row_of(table: Table, first: str, col: int = 0) -> int:
    """Index of the first row whose cell `col` reads `first`."""
    return next(i for i, row in enumerate(table.rows) if row.cells[col].text == first)


def cm(length: Length) -> float:
    """Word stores lengths in twips: compare centimetres to 0.01."""
    return round(length.cm, 2)


def level1_headings(doc: DocxDocument) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


def test_unit_headings_in_order(seed_report):
    headings = level1_headings(read(seed_report))
    assert headings == [*UNIT_HEADINGS, "附件：项目支出绩效自评表"]


def test_title_and_body_sentences(seed_report):
    lines = texts(read(seed_report))
    assert lines[0] == "北疆布丝瑰创业就业行动项目绩效自评报告"
    assert any(t.startswith("本年度资金年初预算数900.00万元") for t in lines)
    sentence = next(t for t in lines if "研发新产品" in t)
    assert "目标值≥70款" in sentence and "得分8.00" in sentence
    summary = next(t for t in lines if t.startswith("本项目绩效自评得分"))
    assert "93.62" in summary and "等级为优" in summary


def test_annex_funds_rows(seed_report):
    table = annex(read(seed_report))
    assert table.cell(0, 0).text == "项目名称"
    assert table.cell(0, 1).text == seed_report.name
    header = [c.text for c in table.rows[row_of(table, "年初预算数", 2)].cells]
    total = [c.text for c in table.rows[row_of(table, "年度资金总额", 1)].cells]
    by_header = dict(zip(header, total, strict=True))
    assert by_header["全年预算数"] == "900.00"
    assert by_header["全年执行数"] == "804.73"
    assert by_header["执行率"] == "89.41%"
    assert by_header["得分"] == "8.94"


def test_annex_indicator_scores_equal_report_data(seed_report):
    table = annex(read(seed_report))
    for line in seed_report.indicators:
        cells = table.rows[row_of(table, line.level3, 3)].cells
        assert (cells[4].text, cells[6].text, cells[7].text) == (line.target, line.weight, line.score)
    total = table.rows[row_of(table, "总分")].cells
    assert total[7].text == "93.62" == seed_report.total
    assert total[8].text == "自评等级：优"


def test_annex_merges(seed_report):
    table = annex(read(seed_report))
    outputs = [i for i, row in enumerate(table.rows) if row.cells[3].text in _level3(seed_report, "产出指标")]
    assert len(outputs) == 8
    first = table.cell(outputs[0], 1)._tc
    assert all(table.cell(r, 1)._tc is first for r in outputs)  # vMerge continuations resolve to the first
    rest = [table.rows[r]._tr.tc_lst[1] for r in outputs[1:]]
    assert first.tcPr.vMerge.get(qn("w:val")) == "restart"
    assert all(tc.tcPr.vMerge.get(qn("w:val"), "continue") == "continue" for tc in rest)
    name_row = table.rows[0]._tr.tc_lst
    assert len(name_row) == 2 and name_row[1].grid_span == 8  # 项目名称 value spans eight columns


def _level3(data: ReportData, level1: str) -> set[str]:
    return {i.level3 for i in data.indicators if i.level1 == level1}


def test_page_setup_and_footer(seed_report):
    doc = read(seed_report)
    section = doc.sections[0]
    assert (cm(section.page_width), cm(section.page_height)) == (21, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [cm(m) for m in margins] == [3.7, 3.5, 2.8, 2.6]
    footer = section.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert section.footer.paragraphs[0].text.startswith("— ")


def test_fonts_and_spacing(seed_report):
    doc = read(seed_report)
    faces = {r._r.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for r in p.runs if r.text}
    assert faces == {"方正小标宋简体", "楷体", "黑体", "仿宋"}
    latin = {r._r.rPr.rFonts.get(qn("w:ascii")) for p in doc.paragraphs for r in p.runs if r.text}
    assert latin == {"Times New Roman"}
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert defaults.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    body = next(p for p in doc.paragraphs if p.text.startswith("本年度资金"))
    normal = doc.styles["Normal"].paragraph_format
    assert body.style.name == "Normal" and normal.line_spacing.pt == 28
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.paragraph_format.first_line_indent.pt == 32
    assert body.runs[0].font.size.pt == 16
    table = annex(doc)
    header = table.cell(row_of(table, "一级指标", 1), 1).paragraphs[0]
    assert header.runs[0].font.size.pt == 10.5 and header.runs[0].bold
    cell = table.cell(0, 0).paragraphs[0]
    assert cell.runs[0].font.size.pt == 10.5 and not cell.runs[0].bold
    assert cell.paragraph_format.line_spacing.pt == 16


def test_fonts_declared_not_embedded(seed_report):
    archive = zipfile.ZipFile(io.BytesIO(render(seed_report)))
    assert not [n for n in archive.namelist() if n.startswith("word/fonts/")]
    table = archive.read("word/fontTable.xml").decode()
    assert 'w:name="方正小标宋简体"' in table and 'w:altName w:val="宋体"' in table
    assert "embedRegular" not in table


def test_every_cell_bordered(seed_report):
    table = annex(read(seed_report))
    for tr in table._tbl.tr_lst:
        for tc in tr.tc_lst:
            borders = tc.tcPr.find(qn("w:tcBorders"))
            assert [b.get(qn("w:val")) for b in borders] == ["single"] * 4


def test_page_break_before_annex(seed_report):
    body = read(seed_report).element.body
    assert len(body.xpath('.//w:br[@w:type="page"]')) == 1


def test_adjusted_score_and_reason(adjusted_report):
    lines = texts(read(adjusted_report))
    sentence = next(t for t in lines if "基础手工技能培训完成周期" in t)
    assert "得分3.00" in sentence
    assert "系统计算得分3.50" in sentence
    assert "审核调整理由：按原自评报告的审核意见调整" in sentence


def test_department_outline(department_report):
    doc = read(department_report)
    assert level1_headings(doc) == [*DEPARTMENT_HEADINGS, "附件：项目支出绩效评价评分表"]
    summary = next(t for t in texts(doc) if t.startswith("本项目绩效自评得分"))
    assert "99.56" in summary and "等级为优" in summary
    table = annex(doc)
    cells = {c.text for row in table.rows for c in row.cells}
    assert "年度资金总额" not in cells and "项目资金（万元）" not in cells
    total = table.rows[row_of(table, "总分")].cells
    assert total[7].text == "99.56"


def test_opens_in_libreoffice(seed_report, tmp_path: Path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "report.docx"
    source.write_bytes(render(seed_report))
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    command = [office, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
