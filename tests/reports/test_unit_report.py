"""One 项目支出绩效评价报告 for several projects of a unit (seed 002), read back from the files."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from projects.models import Project, Unit
from reports.forms import ONE_UNIT, PICK_ONE
from reports.unit_report import SUMMARY_HEADER, cn_number, unit_outline, unit_report_for
from tests.reports.conftest import ADJUSTED_CODE, SEED_CODE

pytestmark = pytest.mark.django_db
URL = reverse("reports:unit_report")
UNIT = "内蒙古自治区妇女联合会"
SECTIONS = ("一、基本情况", "（一）项目概况。", "（二）项目绩效目标。", "（三）项目组织管理情况。",
            "二、绩效评价工作开展情况", "三、综合评价情况及评价结论（附相关评分表）", "四、绩效评价指标分析",
            "五、主要经验及做法", "六、存在的问题及原因分析", "七、有关建议", "八、其他需要说明的问题")  # fmt: skip
PROJECT_SECTIONS = ("（一）项目一：北疆布丝瑰创业就业行动", "（二）项目二：北疆布丝瑰创业就业行动（已审核示例）")
SUMMARY_ROWS = [
    ("1", SEED_CODE, "北疆布丝瑰创业就业行动", "900.00", "804.73", "89.41%", "93.62", "优"),
    ("2", ADJUSTED_CODE, "北疆布丝瑰创业就业行动（已审核示例）", "900.00", "804.73", "89.41%", "92.94", "优"),
    ("合计", "合计", "2个项目", "1,800.00", "1,609.46", "89.41%", "", ""),
]


def pks(*codes: str) -> list[int]:
    return [Project.objects.get(code=code).pk for code in codes]


def login(client, django_user_model, name: str) -> None:
    client.force_login(django_user_model.objects.get(username=name))


def download(client, fmt: str, *codes: str):
    return client.get(URL, {"year": 2025, "fmt": fmt, "projects": pks(*codes)})


def test_cn_number() -> None:
    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 35, 99)] == ["一", "九", "十", "十一", "二十", "三十五", "九十九"]


def test_the_word_report_has_the_outline_a_section_per_project_and_the_summary(client, django_user_model,
                                                                               demo) -> None:  # fmt: skip
    login(client, django_user_model, "officer_a")
    response = download(client, "docx", SEED_CODE, ADJUSTED_CODE)
    assert response.status_code == 200 and response["Content-Disposition"].endswith(".docx")
    doc = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == f"{UNIT}\n项目支出绩效评价报告" and paragraphs[1] == "（2025年度）"  # a long name: 2 lines
    assert response["Content-Disposition"].endswith(quote(f"{UNIT}项目支出绩效评价报告（2025年度）.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS)
    assert [h for h in headings if h.startswith("（") and "项目" in h and "：" in h] == list(PROJECT_SECTIONS)
    text = "\n".join(paragraphs)
    assert "项目一：北疆布丝瑰创业就业行动" in text and "项目二：北疆布丝瑰创业就业行动（已审核示例）" in text
    assert "项目一绩效评价得分93.62分，等级为优" in text and "项目二绩效评价得分92.94分，等级为优" in text
    assert "本次评价的2个项目中，评价等级为优2个" in text and "全年预算数合计1,800.00万元" in text
    assert paragraphs[-2:] == [UNIT, paragraphs[-1]] and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", paragraphs[-1])
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    summary = next(t for t in tables if tuple(t[0]) == SUMMARY_HEADER)
    assert [tuple(row) for row in summary[1:]] == SUMMARY_ROWS
    score_tables = [t for t in tables if t[0][0] == "项目名称"]  # each project's 评分表
    assert [t[0][1] for t in score_tables] == ["北疆布丝瑰创业就业行动", "北疆布丝瑰创业就业行动（已审核示例）"]
    assert any("93.62" in cell for cell in score_tables[0][-1]) and any("92.94" in c for c in score_tables[1][-1])


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "unit.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_report_says_the_same(client, django_user_model, demo, tmp_path) -> None:
    login(client, django_user_model, "admin")
    response = download(client, "pdf", SEED_CODE, ADJUSTED_CODE)
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    assert round(float(PdfReader(io.BytesIO(response.content)).pages[0].mediabox.width)) == 595  # A4
    text = pdf_text(response.content, tmp_path)
    squeezed = re.sub(r"\s+", "", text)
    for heading in (*SECTIONS, *PROJECT_SECTIONS, f"{UNIT}项目支出绩效评价报告", "项目绩效评价结果汇总表"):
        assert re.sub(r"\s+", "", heading) in squeezed, heading
    for number in ("93.62", "92.94", "1,800.00", "1,609.46", "89.41%"):
        assert number in text, number


def test_the_picker_offers_the_users_projects_and_keeps_the_choice(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_b")
    page = client.get(URL + "?year=2025").content.decode()
    assert "妇女工作培训经费" in page and "北疆布丝瑰" not in page
    login(client, django_user_model, "officer_a")
    response = client.get(URL, {"year": 2025, "fmt": "docx"})  # nothing ticked
    assert response.status_code == 400 and PICK_ONE in response.content.decode()


def test_another_units_project_and_two_units_are_refused(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_b")
    response = download(client, "docx", SEED_CODE)
    assert response.status_code == 400 and "所选项目无效" in response.content.decode()
    login(client, django_user_model, "admin")
    response = download(client, "docx", SEED_CODE, "15000025T000000007457")
    assert response.status_code == 400 and ONE_UNIT in response.content.decode()
    checked = re.findall(r'value="(\d+)" id="unit-pick-\d+" checked', response.content.decode())
    assert sorted(map(int, checked)) == sorted(pks(SEED_CODE, "15000025T000000007457"))  # the choice kept


def test_evaluators_and_anonymous_users_are_refused(client, django_user_model, demo) -> None:
    login(client, django_user_model, "evaluator")
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL)["Location"].startswith("/login/")


def test_the_gather_costs_the_same_queries_for_more_projects(demo) -> None:
    unit = Unit.objects.get(code="140001")

    def count(codes: list[str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            data = unit_report_for(Project.objects.filter(code__in=codes), unit=unit.name)
        assert len(data.parts) == len(codes)
        unit_outline(data)  # pure: no queries
        return len(captured.captured_queries)

    assert count([SEED_CODE]) == count([SEED_CODE, ADJUSTED_CODE, "15000025T000000007928"])


def test_projects_of_different_schemes_share_one_report(department_report) -> None:
    """A 部门评价 project (决策/过程/产出/效益, no budget row) beside a national one: each keeps its 一级."""
    from reports.docx import render_document

    projects = Project.objects.filter(code__in=[SEED_CODE, department_report.code])
    data = unit_report_for(projects, unit=UNIT)
    doc = Document(io.BytesIO(render_document(unit_outline(data))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "项目一：北疆布丝瑰创业就业行动" in text and "项目二：工会社会化聘用人员社保缴费" in text  # by code
    assert "1、产出指标完成情况" in text and "1、决策完成情况" in text
    assert "项目一绩效评价得分93.62分" in text and f"项目二绩效评价得分{department_report.total}分" in text
