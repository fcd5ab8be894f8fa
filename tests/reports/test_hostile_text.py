"""User text is printed as text by every exporter: no live formula, no template code run, no
character XML cannot hold (one of which made every xlsx export of a project a 500)."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from projects.models import Project
from reports.batch import zip_reports
from reports.data import Narrative, ReportData, report_for
from reports.docx_template import render_template
from reports.models import Narrative as StoredNarrative
from reports.sample import sample_report
from reports.services import project_file, render
from reports.text import xml_safe
from tests import factories
from tests.reports.test_admin_templates import template_bytes

FORMULA = '=HYPERLINK("http://x","y")'
CODE = "{{ 7*7 }}"
SCRIPT = "<script>alert(1)</script>"
REASON = f"原因{CODE}\x0b第二行{SCRIPT}\ufffe完"
REASON_SHOWN = f"原因{CODE}\n第二行{SCRIPT}完"  # a vertical tab (Word's line break) becomes a line break
PROBLEMS = f"{CODE}{SCRIPT}\x0b下一行\ufffe\x1f"
PROBLEMS_SHOWN = f"{CODE}{SCRIPT}\n下一行"
GOAL = "+SUM(1,2)\x01目标"
GOAL_SHOWN = "+SUM(1,2)目标"


@pytest.fixture
def hostile(db) -> Project:
    """A project whose words are formulas, template code, markup and control characters."""
    unit = factories.unit(code="140009", name="测试单位")
    project = factories.project(unit=unit, code="", year=2025, name=FORMULA, annual_goal=GOAL,
                                actual_summary=f"-1+2{CODE}")  # fmt: skip
    factories.fund(project, annual="100", executed="50")
    factories.indicator(project, level3=FORMULA, target=Decimal(10), actual=Decimal(5), actual_text="5",
                        reason=REASON, position=1)  # fmt: skip
    factories.indicator(project, level3="@质量", comparator="定性", level1="效益指标", level2="社会效益指标",
                        target=None, target_text="=1+1", unit="", actual_text="@SUM(A1)", actual_label="达成",
                        position=2)  # fmt: skip
    StoredNarrative.objects.create(project=project, problems=PROBLEMS, plans="=2*3")
    return project


@pytest.fixture
def report(hostile) -> ReportData:
    return report_for(hostile)


# --- one place cleans --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("a\x00b", "ab"), ("a\x0bb\x0cc", "a\nb\nc"), ("a\ufffeb\uffff", "ab"), ("a\ud800b", "ab"),
     ("\t制表\r\n换行", "\t制表\r\n换行"), ("𠀀😀", "𠀀😀"), (FORMULA, FORMULA)],
)  # fmt: skip
def test_xml_safe(raw, clean) -> None:
    assert xml_safe(raw) == clean


def test_report_data_holds_only_xml_text() -> None:
    """However a ReportData is built (gathered, sampled or replaced), its text is clean."""
    data = dataclasses.replace(sample_report(), name="A\x00B\ufffeC", narrative=Narrative(problems="x\x00y\x0bz"))
    assert data.name == "ABC" and data.narrative.problems == "xy\nz"
    line = dataclasses.replace(data.indicators[0], reason="r\x00")
    assert line.reason == "r"
    for fmt in ("docx", "pdf", "xlsx"):
        assert render(data, fmt)


def test_report_text_is_cleaned_once_gathered(report) -> None:
    assert report.name == FORMULA and report.annual_goal == GOAL_SHOWN
    assert report.indicators[0].reason == REASON_SHOWN
    assert report.narrative.problems == PROBLEMS_SHOWN


# --- every exporter -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_every_format_exports(hostile, fmt) -> None:
    name, content = project_file(project=hostile, fmt=fmt, user=None)
    assert name.endswith(f".{fmt}") and content[:4] in (b"PK\x03\x04", b"%PDF")
    [member] = zipfile.ZipFile(io.BytesIO(zip_reports([hostile.pk], fmt))).namelist()
    assert member.split("/")[-1] == name


def test_xlsx_stores_user_text_as_strings(report) -> None:
    content = render(report, "xlsx")
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value: c for c in cells}
    for text in (FORMULA, "=1+1", "@SUM(A1)", GOAL_SHOWN, f"-1+2{CODE}", REASON_SHOWN):
        assert values[text].data_type == "s", text
    assert values[FORMULA].quotePrefix  # Excel keeps it text when the cell is edited
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_docx_shows_user_text_literally(report) -> None:
    doc = Document(io.BytesIO(render(report, "docx")))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert FORMULA in text and REASON_SHOWN in text and f"{CODE}{SCRIPT}" in text and "=2*3" in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_shows_user_text_literally(report, tmp_path: Path) -> None:
    path = tmp_path / "hostile.pdf"
    path.write_bytes(render(report, "pdf"))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", out)
    assert f"{CODE}{SCRIPT}".replace(" ", "") in squeezed
    assert 'HYPERLINK("http://x","y")' in squeezed and "=2*3" in squeezed


def test_docx_template_shows_user_text_literally(report) -> None:
    template = template_bytes(
        "{{ name }}",
        "{% for i in indicators %}{{ i.level3 }}｜{{ i.reason }}｜{{ i.target }}；{% endfor %}",
        "{{ narrative.problems }}",
    )
    paragraphs = [p.text for p in Document(io.BytesIO(render_template(report, template))).paragraphs]
    assert paragraphs[0] == FORMULA
    assert paragraphs[1] == f"{FORMULA}｜{REASON_SHOWN}｜≥10个；@质量｜｜=1+1；"
    assert paragraphs[2] == PROBLEMS_SHOWN
    assert "49" not in "".join(paragraphs)
