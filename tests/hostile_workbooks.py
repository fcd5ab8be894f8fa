"""Hostile .xlsx files, built at run time, as the probe of issue 15 (A1, A2) made them.

Each maker writes a small workbook with openpyxl and then replaces or adds one part by hand, the
way an attacker would: the files are a few KB to a few hundred KB, and their parts unpack to what
a careless reader spends seconds and gigabytes on. Used by tests/lib/test_hostile_xlsx.py, the
upload page's test and bench/hostile_uploads.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NESTED = 5_000_000  # nested <a> elements of the probe's 20 KB upload


def base(path: Path, rows: list[list[object]] | None = None) -> Path:
    """A plain one-sheet workbook (the header of a 自评表 by default)."""
    wb = Workbook()
    for row in rows or [["项目名称", "一级指标", "二级指标", "三级指标", "指标值"]]:
        wb.active.append(row)
    wb.save(path)
    return path


def replace_parts(path: Path, parts: dict[str, bytes]) -> Path:
    """Rewrite the package with `parts` replacing (or added to) its members, deflated."""
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members |= parts
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as source:
        return source.read(SHEET).decode()


def merge_scan(folder: Path, repeats: int = 100_000) -> Path:
    """(a) A sheet repeating `<mergeCell ` with no `>` and no ref: a backtracking regex looks
    ahead from every tag to the end of the part (35 s and more for 30,000 to 100,000 tags)."""
    path = base(folder / f"merge_scan_{repeats}.xlsx")
    xml = sheet_xml(path).replace("</sheetData>", "</sheetData><mergeCells>" + "<mergeCell " * repeats, 1)
    return replace_parts(path, {SHEET: xml.encode()})


def nested(folder: Path, part: str = SHEET, depth: int = NESTED) -> Path:
    """(b) One part replaced by `depth` nested <a> elements (15 MB unpacked, about 20 KB packed)."""
    stem = part.rsplit("/", 1)[-1].removesuffix(".xml")
    path = base(folder / f"nested_{stem}.xlsx")
    parts = {part: b"<a>" * depth}
    if part == "xl/sharedStrings.xml":  # openpyxl wrote none for a sheet of inline strings: name one
        parts |= _with_shared_strings(path)
    return replace_parts(path, parts)


def _with_shared_strings(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as source:
        rels = source.read("xl/_rels/workbook.xml.rels").decode()
        types = source.read("[Content_Types].xml").decode()
    if "sharedStrings" not in rels:
        rel = ('<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
               'officeDocument/2006/relationships/sharedStrings"/>')  # fmt: skip
        rels = rels.replace("</Relationships>", rel + "</Relationships>")
    if "sharedStrings" not in types:
        override = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')  # fmt: skip
        types = types.replace("</Types>", override + "</Types>")
    return {"xl/_rels/workbook.xml.rels": rels.encode(), "[Content_Types].xml": types.encode()}


def many_styles(folder: Path, count: int = 1_000_000) -> Path:
    """(c) A stylesheet of a million cell formats (about 160 KB packed; openpyxl built 1.5 GB)."""
    path = base(folder / "many_styles.xlsx")
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    styles = (
        (
            f'<styleSheet xmlns="{NS}"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            f'<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            f'<cellXfs count="{count}">'
        ).encode()
        + xf * count
        + b"</cellXfs></styleSheet>"
    )
    return replace_parts(path, {"xl/styles.xml": styles})


def many_content_types(folder: Path, count: int = 500_000) -> Path:
    """(d) [Content_Types].xml with 500,000 Override entries besides the real ones (600 MB in openpyxl)."""
    path = base(folder / "many_content_types.xlsx", rows=[["甲", 1], ["乙", 2]])
    with zipfile.ZipFile(path) as source:
        types = source.read("[Content_Types].xml")
    extra = b"".join(b'<Override PartName="/xl/x%d.xml" ContentType="application/xml"/>' % i for i in range(count))
    return replace_parts(path, {"[Content_Types].xml": types.replace(b"</Types>", extra + b"</Types>")})


def far_cell(folder: Path) -> Path:
    """(e) One cell at XFD1048576 and nothing else: a reader that allocates the sheet's rectangle
    (python-calamine) asks for hundreds of GB."""
    path = base(folder / "far_cell_alone.xlsx")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}">'
        '<dimension ref="A1:XFD1048576"/><sheetData><row r="1048576">'
        '<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    )
    return replace_parts(path, {SHEET: xml.encode()})


def table(path: Path, projects: int = 1_000) -> Path:
    """The legitimate counterpart: a 自评表 of `projects` × 10 indicator rows (bench/import_and_score.py's)."""
    tree = [("产出指标", "数量指标", "≥", "10", "个", 10, "9"), ("产出指标", "质量指标", "≥", "95", "%", 10, "96"),
            ("产出指标", "时效指标", "≤", "12", "个月", 10, "11"),
            ("产出指标", "成本指标", "≤", "100", "万元", 10, "104.5"),
            ("效益指标", "社会效益指标", "定性", "有效提升", "", 10, "达成"),
            ("效益指标", "经济效益指标", "≥", "500", "万元", 10, "480"),
            ("效益指标", "可持续影响指标", "定性", "持续提高", "", 10, "部分达成"),
            ("效益指标", "生态效益指标", "=", "100", "%", 10, "98"),
            ("产出指标", "数量指标", "≥", "120", "人次", 10, "150"),
            ("满意度指标", "服务对象满意度指标", "≥", "90", "%", 10, "93")]  # fmt: skip
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目支出绩效表")
    ws.append(["项目支出绩效表"])
    ws.append(["项目名称", "单位名称", "预算数", "全年执行数", "年度目标", "一级指标", "二级指标", "三级指标",
               "指标性质", "指标值", "度量单位", "权重", "实际完成值"])  # fmt: skip
    for p in range(projects):
        for i, (l1, l2, sign, target, unit, weight, actual) in enumerate(tree):
            head = [f"B{p:06d}-基准项目{p}", f"{100000 + p % 20}-基准单位{p % 20}", "1,000.00", "935.50", "年度目标"]
            ws.append([*(head if i == 0 else [""] * 5), l1, l2, f"三级指标{i}", sign, target, unit, weight, actual])
    wb.save(path)
    return path


def many_relationships(folder: Path, count: int = 200_000) -> Path:
    """A sheet's relationships part listing 200,000 hyperlinks that no cell uses (read whole by openpyxl)."""
    path = base(folder / "many_relationships.xlsx", rows=[["甲", 1]])
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
    rels = b"".join(b'<Relationship Id="rId%d" Type="%s" Target="http://x/%d" TargetMode="External"/>'
                    % (i, kind.encode(), i) for i in range(count))  # fmt: skip
    xml = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>'
    return replace_parts(path, {"xl/worksheets/_rels/sheet1.xml.rels": xml % rels})
