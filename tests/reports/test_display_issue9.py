"""What the reports print (issue 9): the title without a doubled 项目, amounts with thousands
separators, deadlines and dates in Chinese, targets without trailing zeros, 执行率 as a number."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from projects.models import FundSource
from projects.scores import projects_rescore
from reports import docx, pdf, xlsx
from reports.data import report_for
from tests import factories

pytestmark = pytest.mark.django_db

NAME = "妇女儿童关爱服务项目"


@pytest.fixture
def report(unit_a):
    project = factories.project(unit=unit_a, code="15000022T000000000931", name=NAME)
    factories.fund(project, annual="1230.5", executed="1000", source=FundSource.CARRYOVER)
    factories.fund(project, annual="2000", executed="1900")
    factories.indicator(project, level3="服务成本", comparator="≤", weight="40", level2="成本指标",
                        target=Decimal("1230.5000"), unit="万元", actual=Decimal(1200), actual_text="1200")  # fmt: skip
    factories.indicator(project, level3="完成时限", comparator="≤", weight="50", level2="时效指标", target=None,
                        target_text="2022-12-31", deadline=datetime.date(2022, 12, 31), unit="",
                        actual_date=datetime.date(2022, 12, 20), actual_text="2022-12-20")  # fmt: skip
    projects_rescore(project_ids=[project.pk])
    return report_for(project)


def docx_text(data) -> str:
    document = Document(io.BytesIO(docx.render(data)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(data) -> str:
    """The PDF's text without the line breaks and spaces of wrapped table cells."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.render(data))).pages)
    return re.sub(r"\s+", "", text)


def test_title_says_project_once(report) -> None:
    assert report.title == f"{NAME}绩效自评报告"
    assert docx_text(report).splitlines()[0] == f"{NAME}绩效自评报告"


@pytest.mark.parametrize("render", [docx_text, pdf_text], ids=["docx", "pdf"])
def test_reports_print_separators_chinese_dates_and_plain_targets(report, render) -> None:
    text = render(report)
    assert "3,230.50" in text and "2,900.00" in text  # 年度资金总额
    assert "≤1230.5万元" in text and "1230.5000" not in text
    assert "2022年12月31日前" in text and "2022年12月20日" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_fund_order_in_the_report(report) -> None:
    labels = [line.label for line in report.funds]
    assert labels == ["年度资金总额", "当年财政拨款", "上年结转资金"]


def test_xlsx_rate_is_a_percentage_number_and_amounts_numbers(report) -> None:
    ws = load_workbook(io.BytesIO(xlsx.render(report))).active
    row = next(c.row for col in ws.iter_cols() for c in col if c.value == "年度资金总额")
    assert ws.cell(row, 4).value == 3230.5 and ws.cell(row, 4).number_format == "#,##0.00"
    rate = ws.cell(row, 7)
    assert isinstance(rate.value, float) and round(rate.value, 4) == 0.8977 and rate.number_format == "0.00%"
    deadline = next(c for col in ws.iter_cols() for c in col if c.value == "2022年12月31日前")
    assert ws.cell(deadline.row, deadline.column + 1).value == "2022年12月20日"


def test_the_exported_xlsx_imports_back(report, tmp_path, unit_a) -> None:
    """import_workbook reads the 自评表 it exported (amounts with separators are numbers)."""
    from io import StringIO

    from django.core.management import call_command

    from projects.models import Fund

    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx.render(report))
    call_command("import_workbook", str(path), "--year", "2022", stdout=StringIO())
    assert sorted(Fund.objects.values_list("annual", flat=True)) == [Decimal("1230.50"), Decimal("2000.00")]
