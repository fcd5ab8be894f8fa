"""`export_report` (contract.md): one project's file, or a zip by department or unit."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from tests.reports.conftest import SEED_CODE

pytestmark = pytest.mark.django_db


def export(*args: object) -> str:
    out = StringIO()
    call_command("export_report", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_docx_of_one_project(demo, tmp_path: Path) -> None:
    path = tmp_path / "r.docx"
    assert "已写入" in export(SEED_CODE, "--year", 2025, "--format", "docx", "--output", path)
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "93.62" in text and "一、项目基本情况" in text


def test_pdf_of_one_project(demo, tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    export(SEED_CODE, "--year", 2025, "--format", "pdf", "--output", path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "93.62" in text


def test_xlsx_of_one_project(demo, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    export(SEED_CODE, "--year", 2025, "--format", "xlsx", "--output", path)
    values = {str(c.value) for row in load_workbook(path).active.iter_rows() for c in row if c.value is not None}
    assert "93.62" in values or 93.62 in values or any("93.62" in v for v in values)


@pytest.mark.parametrize(
    ("flag", "value", "count"), [("--department", "内蒙古自治区妇女联合会", 5), ("--unit", "140002", 2)]
)
def test_zip_by_department_or_unit(demo, tmp_path: Path, flag: str, value: str, count: int) -> None:
    path = tmp_path / "all.zip"
    export("--year", 2025, flag, value, "--format", "docx", "--output", path)
    archive = zipfile.ZipFile(path)
    assert len(archive.namelist()) == count
    for name in archive.namelist():
        Document(io.BytesIO(archive.read(name)))  # every member opens


def test_unknown_project_and_empty_scope_fail_in_chinese(demo, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="未找到 2025 年度的项目"):
        export("NOPE", "--year", 2025, "--format", "docx", "--output", tmp_path / "x.docx")
    with pytest.raises(CommandError, match="没有符合条件的项目"):
        export("--year", 2025, "--unit", "999999", "--format", "docx", "--output", tmp_path / "x.zip")
    with pytest.raises(CommandError, match="请给出项目编码"):
        export("--year", 2025, "--format", "docx", "--output", tmp_path / "x.docx")


def test_command_line_exit_code_and_stderr(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "export_report", "NOPE", "--year", "2025", "--format", "pdf", "--output",
         str(tmp_path / "x.pdf")],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "未找到 2025 年度的项目“NOPE”" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
