"""Every exported format carries exactly the numbers of `score --json` (issue 4: they cannot disagree)."""

from __future__ import annotations

import json
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from tests.reports.conftest import ADJUSTED_CODE, SEED_CODE

pytestmark = pytest.mark.django_db


def score(code: str) -> dict:
    out = StringIO()
    call_command("score", code, "--year", "2025", "--json", stdout=out)
    return json.loads(out.getvalue())


def export(code: str, fmt: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{code}.{fmt}"
    call_command("export_report", code, "--year", "2025", "--format", fmt, "--output", str(path), stdout=StringIO())
    return path


def docx_rows(path: Path) -> list[list[str]]:
    table = Document(str(path)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def xlsx_rows(path: Path) -> list[list[str]]:
    """Cells as Excel shows them: numbers with two decimals, 执行率 (a percent format) as 89.41%."""
    sheet = load_workbook(path).active
    return [[_shown(c.value, c.number_format) for c in r] for r in sheet.iter_rows()]


def _shown(value: object, number_format: str) -> str:
    if isinstance(value, int | float):
        return f"{value * 100:.2f}%" if number_format.endswith("%") else format(value, ".2f")
    return str(value or "")


@pytest.mark.parametrize("code", [SEED_CODE, ADJUSTED_CODE])
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_annex_rows_equal_score_json(demo, tmp_path: Path, code: str, fmt: str) -> None:
    data = score(code)
    rows = (docx_rows if fmt == "docx" else xlsx_rows)(export(code, fmt, tmp_path))
    for item in data["indicators"]:
        row = next(r for r in rows if item["level3"] in r)
        assert item["weight"] in row and item["score"] in row, (item["level3"], row)
    total_row = next(r for r in rows if r and r[0] == "总分")
    assert data["total"] in total_row and any(data["grade"] in c for c in total_row)
    budget_row = next(r for r in rows if "年度资金总额" in r)
    assert data["budget"]["score"] in budget_row and f"{data['budget']['rate']}%" in budget_row


@pytest.mark.parametrize("code", [SEED_CODE, ADJUSTED_CODE])
def test_pdf_text_carries_the_scores(demo, tmp_path: Path, code: str) -> None:
    data = score(code)
    text = subprocess.run(["pdftotext", "-layout", str(export(code, "pdf", tmp_path)), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert f"本项目绩效自评得分{data['total']}分，等级为{data['grade']}" in text.replace(" ", "").replace("\n", "")
    for item in data["indicators"]:
        assert f"得分{item['score']}" in text.replace(" ", "").replace("\n", ""), item["level3"]
