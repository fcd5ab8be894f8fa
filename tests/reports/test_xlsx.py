"""The 项目支出绩效自评表 workbook, read back with openpyxl and with our own importer."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from projects.models import Project
from reports import xlsx
from reports.data import ReportData
from tests.reports.conftest import SEED_CODE


def sheet(data: ReportData) -> Worksheet:
    wb = load_workbook(BytesIO(xlsx.render(data)))
    assert len(wb.sheetnames) == 1
    return wb.worksheets[0]


def find(ws: Worksheet, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not in the sheet")


def number(value: object) -> Decimal:
    """A numeric cell as Decimal (openpyxl reads numbers back as int or float)."""
    assert isinstance(value, int | float | Decimal) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_sheet_title_caption_and_merges(seed_report):
    ws = sheet(seed_report)
    assert ws.title == "项目支出绩效自评表"
    assert ws["A1"].value == "项目支出绩效自评表" and "A1:I1" in merged(ws)
    assert ws["A2"].value == f"（{seed_report.year}年度）" and ws["H2"].value == "金额单位：万元"
    assert ws["B3"].value == f"{SEED_CODE}-{seed_report.name}" and "B3:I3" in merged(ws)
    funds_row, _ = find(ws, "项目资金（万元）")
    funds_rows = len(seed_report.funds) + 1
    assert f"A{funds_row}:A{funds_row + funds_rows - 1}" in merged(ws)
    header, _ = find(ws, "一级指标")
    last = header + len(seed_report.indicators)
    assert f"A{header}:A{last}" in merged(ws)  # 绩效指标 down the indicator block
    level1 = {}
    for line in seed_report.indicators:
        level1.setdefault(line.level1, 0)
        level1[line.level1] += 1
    start = header + 1
    for name, count in level1.items():
        assert ws.cell(start, 2).value == name
        if count > 1:
            assert f"B{start}:B{start + count - 1}" in merged(ws)
        start += count
    assert ws.cell(header, 2).font.b and ws.cell(header, 9).value == "偏差原因分析及改进措施"
    assert all(ws.cell(header + 1, c).border.left.style == "thin" for c in range(1, 10))
    assert ws.cell(header + 1, 4).alignment.wrap_text
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["I"].width > ws.column_dimensions["G"].width


def test_funds_row_values(seed_report):
    ws = sheet(seed_report)
    row, _ = find(ws, "年度资金总额")
    total = seed_report.funds[0]
    values = [ws.cell(row, c).value for c in range(3, 9)]
    assert [number(v) for v in values[:4]] == [Decimal(total.initial), Decimal("900.00"), Decimal("804.73"),
                                               Decimal("10.00")]  # fmt: skip
    # 执行率 is a number shown as a percentage, amounts with thousands separators (issue 9)
    assert Decimal(repr(values[4])) == Decimal("0.8941") and ws.cell(row, 7).number_format == "0.00%"
    assert number(values[5]) == Decimal("8.94") and ws.cell(row, 8).number_format == "0.00"
    assert ws.cell(row, 3).number_format == "#,##0.00"
    other, _ = find(ws, "其中：当年财政拨款")
    assert ws.cell(other, 6).value == "—"


def test_every_indicator_weight_and_score_and_total(seed_report):
    ws = sheet(seed_report)
    header, _ = find(ws, "一级指标")
    for i, line in enumerate(seed_report.indicators, start=1):
        r = header + i
        assert ws.cell(r, 4).value == line.level3
        assert ws.cell(r, 5).value == line.target and ws.cell(r, 6).value == (line.actual or None)
        assert number(ws.cell(r, 7).value) == Decimal(line.weight)
        assert number(ws.cell(r, 8).value) == Decimal(line.score)
        assert ws.cell(r, 7).number_format == "0.00"
    total_row, _ = find(ws, "总分")
    assert total_row == header + len(seed_report.indicators) + 1
    assert number(ws.cell(total_row, 7).value) == Decimal("100.00")
    assert number(ws.cell(total_row, 8).value) == Decimal("93.62")
    assert ws.cell(total_row, 9).value == "自评等级：优"


def test_department_workbook(department_report):
    ws = load_workbook(BytesIO(xlsx.render(department_report))).worksheets[0]
    total_row, _ = find(ws, "总分")
    assert number(ws.cell(total_row, 8).value) == Decimal(department_report.total) == Decimal("99.56")
    with pytest.raises(AssertionError):
        find(ws, "项目资金（万元）")


def test_round_trip_through_import_workbook(seed_report, tmp_path: Path):
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(xlsx.render(seed_report))
    out = StringIO()
    call_command("import_workbook", str(path), "--year", "2031", stdout=out, stderr=StringIO())
    assert "项目 新建 1 个" in out.getvalue()
    project = Project.objects.get(code=SEED_CODE, year=2031)
    assert project.name == seed_report.name
    assert str(project.unit) == "140001-内蒙古自治区妇女联合会"
    assert project.indicators.count() == len(seed_report.indicators)
    out = StringIO()
    call_command("score", SEED_CODE, "--year", "2031", "--json", stdout=out)
    scored = json.loads(out.getvalue())
    assert scored["total"] == "93.62" and scored["grade"] == "优"
    assert scored["budget"]["annual"] == "900.00" and scored["budget"]["executed"] == "804.73"
