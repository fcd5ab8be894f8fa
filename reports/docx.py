"""Write the 自评报告 outline as a Word document in the official look of government papers.

`render` is pure: it turns a `ReportData` into .docx bytes through `outline(data)`, so the words
and numbers are the ones the pdf and xlsx renderers print. Layout follows GB/T 9704 loosely:
A4, 三号仿宋 body on a 28 pt grid, 黑体/楷体 headings, 五号 tables. Fonts are referenced by
name (never embedded) with Times New Roman for Latin text and 仿宋 as the document default.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from copy import deepcopy

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.simpletypes import ST_Merge
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Length, Mm, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.parfmt import ParagraphFormat
from docx.text.run import Run
from lxml import etree

from reports.data import ReportData
from reports.outline import Block, Grid, Heading, PageBreak, Paragraph, outline
from reports.outline import Document as OutlineDocument

LATIN = "Times New Roman"
TITLE_FACE = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体"
FANG = "仿宋"
# What Word should try when a face is missing (fontTable altName); nothing is embedded.
ALT_NAMES = {TITLE_FACE: "宋体", FANG: "FangSong", HEI: "SimHei", KAI: "KaiTi"}

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)  # A4; lengths are whole mm, never floats
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH = Mm(210 - 28 - 26)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Twips(210)  # 五号, 10.5 pt
FOOTER_SIZE = Pt(14)  # 四号
BODY_LINE = Pt(28)
TABLE_LINE = Pt(16)
CENTRE_LIMIT = 12  # table cells with longer text are left-aligned


def render(data: ReportData) -> bytes:
    """The report of `data` as .docx bytes."""
    return render_document(outline(data))


def render_document(document: OutlineDocument) -> bytes:
    """Any outline (one project's report, a unit's report on several projects) as .docx bytes."""
    doc = new_document()
    _set_up(doc, document.title)
    _title(doc, document.title, document.subtitle)
    for block in document.blocks:
        _write(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- document set-up ----------------------------------------------------------------------


def _set_up(doc: DocxDocument, title: str) -> None:
    """Page, default fonts, heading styles, footer and metadata."""
    _page(doc)
    _defaults(doc)
    _font_table(doc)
    _heading_style(doc, "Heading 1", HEI, bold=False)
    _heading_style(doc, "Heading 2", KAI, bold=True)
    _footer(doc)
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN"


def _page(doc: DocxDocument) -> None:
    """A4 portrait with the 公文 margins."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)


def _defaults(doc: DocxDocument) -> None:
    """docDefaults and Normal: 仿宋 三号, Times New Roman for Latin, zh-CN, fixed 28 pt lines."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FANG)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_fonts(normal.element.get_or_add_rPr(), FANG)
    _spacing(normal.paragraph_format, BODY_LINE)


def _font_table(doc: DocxDocument) -> None:
    """Declare the Chinese faces with GB2312 charset and a substitute name."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    fonts = parse_xml(part.blob)
    for name, alt in ALT_NAMES.items():
        fonts.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    # fontTable is a plain Part in python-docx: replace its bytes.
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _heading_style(doc: DocxDocument, name: str, face: str, *, bold: bool) -> None:
    """Restyle a built-in heading (kept for the navigation pane) to the 公文 look."""
    style = doc.styles[name]
    font = style.font
    font.size, font.bold, font.italic = BODY_SIZE, bold, False
    font.color.rgb = None
    _set_fonts(style.element.get_or_add_rPr(), face)
    fmt = style.paragraph_format
    _spacing(fmt, BODY_LINE)
    fmt.first_line_indent = BODY_SIZE * 2
    fmt.keep_with_next = True


def _footer(doc: DocxDocument) -> None:
    """Centred page number as a PAGE field: — 1 —."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _run(paragraph, "— ", FANG, FOOTER_SIZE)
    run = _run(paragraph, "", FANG, FOOTER_SIZE)
    for xml in (
        '<w:fldChar {} w:fldCharType="begin"/>',
        '<w:instrText {} xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar {} w:fldCharType="separate"/>',
        "<w:t {}>1</w:t>",
        '<w:fldChar {} w:fldCharType="end"/>',
    ):
        run._r.append(parse_xml(xml.format(nsdecls("w"))))
    _run(paragraph, " —", FANG, FOOTER_SIZE)


# --- fonts and paragraphs -----------------------------------------------------------------


def _set_fonts(rpr: BaseOxmlElement, face: str) -> None:
    """rFonts: `face` for East-Asian text, Times New Roman for Latin; theme fonts removed."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attr}"), LATIN)
    fonts.set(qn("w:eastAsia"), face)
    fonts.set(qn("w:hint"), "eastAsia")


@functools.cache
def _rpr(face: str, size: int, bold: bool) -> BaseOxmlElement:
    """Run properties with explicit fonts, built once per (face, size, bold) and copied."""
    fonts = f'w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:cs="{LATIN}" w:eastAsia="{face}" w:hint="eastAsia"'
    half_points = size // 6350  # EMU → half-points
    weight = "<w:b/>" if bold else ""  # no w:b at all unless bold
    return parse_xml(
        f"<w:rPr {nsdecls('w')}><w:rFonts {fonts}/>{weight}"
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    )


def _run(paragraph: DocxParagraph, text: str, face: str, size: Length, *, bold: bool = False) -> Run:
    """Append a run with explicit fonts (the faces do not exist everywhere, see ALT_NAMES)."""
    run = paragraph.add_run(text)
    run._r.insert(0, deepcopy(_rpr(face, int(size), bold)))
    return run


def _spacing(fmt: ParagraphFormat, line: Length) -> None:
    """No space around paragraphs, exact line height."""
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line


def _indent_two_chars(paragraph: DocxParagraph) -> None:
    """First-line indent of 2 characters (firstLineChars, with the length for other readers)."""
    paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
    paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")


def _centred(doc: DocxDocument, text: str, face: str, size: Length, *, bold: bool = False) -> DocxParagraph:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _spacing(paragraph.paragraph_format, max(BODY_LINE, Emu(size * 3 // 2)))
    _run(paragraph, text, face, size, bold=bold)
    return paragraph


# --- blocks -------------------------------------------------------------------------------


def _title(doc: DocxDocument, title: str, subtitle: str) -> None:
    _centred(doc, title, TITLE_FACE, TITLE_SIZE, bold=True)
    if subtitle:
        _centred(doc, subtitle, KAI, BODY_SIZE)
    doc.add_paragraph()  # one blank line before the body, as in the seeds


def _write(doc: DocxDocument, block: Block) -> None:
    if isinstance(block, Heading):
        _heading(doc, block)
    elif isinstance(block, Paragraph):
        _body(doc, block.text)
    elif isinstance(block, Grid):
        _grid(doc, block)
    elif isinstance(block, PageBreak):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _heading(doc: DocxDocument, heading: Heading) -> None:
    """一、 in 黑体, （一） in bold 楷体; the 附件 heading sits at the left margin."""
    level = 1 if heading.level <= 1 else 2
    paragraph = doc.add_paragraph()
    paragraph._p.style = f"Heading{level}"  # the style id: looking up the name costs more than the paragraph
    face, bold = (HEI, False) if level == 1 else (KAI, True)
    _run(paragraph, heading.text, face, BODY_SIZE, bold=bold)
    if heading.text.startswith("附件"):
        paragraph.paragraph_format.first_line_indent = Pt(0)
    else:
        _indent_two_chars(paragraph)


def _body(doc: DocxDocument, text: str) -> None:
    """One body paragraph per line of text (narratives may hold several)."""
    for line in text.splitlines() or [""]:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY
        _indent_two_chars(paragraph)
        _run(paragraph, line.strip(), FANG, BODY_SIZE)


# --- tables -------------------------------------------------------------------------------


def _grid(doc: DocxDocument, grid: Grid) -> None:
    """Title and caption centred above a full-width bordered table."""
    if grid.title:
        _centred(doc, grid.title, HEI, BODY_SIZE)
    if grid.caption:
        _centred(doc, grid.caption, FANG, Pt(12)).paragraph_format.line_spacing = Pt(20)
    table = doc.add_table(rows=len(grid.rows), cols=len(grid.rows[0]))
    widths = _column_widths(grid)
    _table_layout(table, widths)
    # table.cell() rebuilds the whole cell list on every call (quadratic); take the cells once.
    cells = [list(row.cells) for row in table.rows]
    for merge in grid.merges:
        _merge(cells, widths, *merge)
    covered = _covered(grid.merges)
    for r, row in enumerate(grid.rows):
        for c, text in enumerate(row):
            if (r, c) not in covered:
                _cell_text(cells[r][c], text, bold=r in grid.bold_rows)


def _merge(cells: list[list[_Cell]], widths: list[int], r0: int, c0: int, r1: int, c1: int) -> None:
    """Merge empty cells as Word does: gridSpan across, vMerge restart/continue down.

    Written directly: python-docx's cell.merge() recomputes the table's layout on each call.
    """
    for r in range(r0, r1 + 1):
        tc = cells[r][c0]._tc
        if c1 > c0:
            tc.grid_span, tc.width = c1 - c0 + 1, sum(widths[c0 : c1 + 1])
            for c in range(c0 + 1, c1 + 1):
                covered = cells[r][c]._tc
                covered.getparent().remove(covered)
        if r1 > r0:
            tc.vMerge = ST_Merge.RESTART if r == r0 else ST_Merge.CONTINUE


def _column_widths(grid: Grid) -> list[int]:
    """Relative widths scaled to the text width, in EMU."""
    cols = len(grid.rows[0])
    weights = list(grid.widths) if len(grid.widths) == cols else [1] * cols
    return [int(TEXT_WIDTH * w / sum(weights)) for w in weights]


def _table_layout(table: Table, widths: list[int]) -> None:
    """Fixed layout, full width, centred, every cell bordered and vertically centred."""
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:w"), str(sum(widths) // 635))  # EMU to twips
    tbl_w.set(qn("w:type"), "dxa")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # One prepared tcPr per column, copied into each cell: the API costs ~40x more per cell.
    properties = [_tc_pr(width) for width in widths]
    for tr in table._tbl.tr_lst:
        for tc, prepared in zip(tr.tc_lst, properties, strict=True):
            if tc.tcPr is not None:
                tc.remove(tc.tcPr)
            tc.insert(0, deepcopy(prepared))


_SIDES = ("top", "left", "bottom", "right")


def _tc_pr(width: int) -> BaseOxmlElement:
    """Cell properties: width, a single 0.5 pt border on four sides, vertically centred."""
    borders = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for s in _SIDES)
    return parse_xml(
        f'<w:tcPr {nsdecls("w")}><w:tcW w:w="{width // 635}" w:type="dxa"/>'
        f'<w:tcBorders>{borders}</w:tcBorders><w:vAlign w:val="center"/></w:tcPr>'
    )


def _covered(merges: Iterable[tuple[int, int, int, int]]) -> set[tuple[int, int]]:
    """Positions inside a merge other than its top-left cell."""
    return {
        (r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)
    }


def _cell_ppr(align: str) -> BaseOxmlElement:
    """No indent, no space around, exact 16 pt lines: what every table cell paragraph carries."""
    line = int(TABLE_LINE) // 635  # EMU → twips
    return parse_xml(
        f'<w:pPr {nsdecls("w")}><w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'
        f'<w:ind w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
    )


_CELL_PPR = {True: _cell_ppr("center"), False: _cell_ppr("left")}


def _cell_text(cell: _Cell, text: str, *, bold: bool) -> None:
    """五号仿宋 with explicit single-spaced 16 pt lines (else cells inherit the 28 pt body grid)."""
    paragraph = cell.paragraphs[0]
    centred = len(text) <= CENTRE_LIMIT or bold
    paragraph._p.insert(0, deepcopy(_CELL_PPR[centred]))
    lines = text.splitlines() or [""]
    run = _run(paragraph, lines[0], FANG, TABLE_SIZE, bold=bold)
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
