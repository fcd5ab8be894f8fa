"""framework2013 end to end (domain.md §9, seed 004): a flat workbook imports, scores and reports.

The workbook is seed 004's table under the 2013 tree (`reports.sample.SEED004`), written the way
published tables are: project cells on the first row only, blank 一级/二级 cells continuing the row
above, the report's own words in the 实际完成值 cells of the 定性 rows, and a deadline for 完成及时率.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import Workbook

from projects.models import Project
from reports import pdf
from reports.data import ReportData, report_for
from reports.docx import render as render_docx
from reports.models import Narrative
from reports.sample import SEED004, sample_report
from tests import factories

D = Decimal
NAME = "2018年武昌区工商联服务企业商会经费"
HEADER = ["项目名称", "单位名称", "预算数", "全年执行数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质",
          "指标值", "度量单位", "权重", "实际完成值", "偏差原因分析及改进措施"]  # fmt: skip
# The report's own words for its 定性 findings (the importer reads them as 达成 / 未达成).
WORDS = {
    "绩效指标明确性": "未将项目绩效目标细化分解为具体的绩效指标",
    "制度执行有效性": "未严格按照制度执行，执行不到位",
    "管理制度健全性": "无本单位的资金管理办法，业务管理不够完善",
}
HEADINGS_2013 = ["一、项目基本情况", "二、绩效分析及评价结论", "三、经验总结", "四、问题", "五、建议",
                 "附件：项目支出绩效自评评分表"]  # fmt: skip
VERDICTS = ["根据评价原则，项目投入评价结果为良。投入指标分值20.00分，得分17.00分，得分率85.00%。",
            "根据评价原则，项目过程评价结果为中。过程指标分值20.00分，得分13.00分，得分率65.00%。",
            "根据评价原则，项目产出评价结果为优。产出指标分值30.00分，得分30.00分，得分率100.00%。",
            "根据评价原则，项目效果评价结果为优。效果指标分值30.00分，得分30.00分，得分率100.00%。"]  # fmt: skip
CONCLUSION = ("本项目绩效自评得分90.00分，评价结论为优。其中：投入17.00分（良），过程13.00分（中），产出30.00分（优），"
              "效果30.00分（优）。")  # fmt: skip


def seed004_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    ws.append(["2018年度项目支出绩效自评表"])
    ws.append(["单位：万元"])
    ws.append(HEADER)
    previous = ("", "")
    for i, r in enumerate(SEED004):
        project = (
            [NAME, "420106-武昌区工商联", 48, 44.9, "发挥工商联联系服务企业的桥梁和纽带作用。"] if i == 0 else [""] * 5
        )
        level1 = "" if r.level1 == previous[0] else r.level1
        level2 = "" if (r.level1, r.level2) == previous else r.level2
        previous = (r.level1, r.level2)
        sign, target, unit, actual = r.comparator, r.target, r.unit, r.actual
        if r.level3 == "按时完成率":  # 完成及时率 as the seed states it: due 2018年底, done by then
            sign, target, unit, actual = "", "2018年12月31日前", "", "2018年12月31日"
        elif r.comparator == "定性":
            actual = WORDS.get(r.level3, "完成目标") if r.actual == "未达成" else "完成目标"
        ws.append([*project, level1, level2, r.level3, sign, target, unit, r.weight, actual, r.reason])
    wb.save(path)
    return path


@pytest.fixture
def imported(db, tmp_path: Path) -> Project:
    out = io.StringIO()
    call_command("import_workbook", str(seed004_workbook(tmp_path / "seed004.xlsx")), "--year", "2018",
                 "--scheme", "framework2013", stdout=out)  # fmt: skip
    project = Project.objects.get(name=NAME, year=2018)
    Narrative.objects.create(
        project=project,
        experience="完善制度提升服务水平；优化民营经济发展环境。",
        problems="服务民营经济转型升级工作载体有待进一步创新。",
        suggestions="财政部门建立健全项目指标库。",
        measures="强化部门联动，不断提高服务能力和服务水平。",
    )
    return project


@pytest.fixture
def report(imported: Project) -> ReportData:
    return report_for(imported)


def test_import_builds_the_2013_tree(imported: Project) -> None:
    assert imported.scheme == "framework2013"
    rows = list(imported.indicators.order_by("position"))
    assert len(rows) == len(SEED004) == 23
    assert [r.level1 for r in rows] == [r.level1 for r in SEED004]
    assert [r.level2 for r in rows] == [r.level2 for r in SEED004]
    assert sum((r.weight for r in rows), D(0)) == D(100)
    fund = imported.funds.get()
    assert (fund.annual, fund.executed) == (D(48), D("44.90"))
    labels = {r.level3: r.actual_label for r in rows if r.comparator == "定性"}
    assert labels["绩效指标明确性"] == labels["制度执行有效性"] == "未达成"
    assert labels["项目立项规范性"] == "达成"
    deadline = next(r for r in rows if r.level3 == "按时完成率")
    assert (str(deadline.deadline), str(deadline.actual_date)) == ("2018-12-31", "2018-12-31")


def test_score_json_carries_the_level1_grades(imported: Project) -> None:
    out = io.StringIO()
    call_command("score", NAME, "--year", "2018", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["scheme"] == "framework2013" and data["budget"] is None
    assert (data["total"], data["grade"]) == ("90.00", "优")
    assert data["subtotals"] == {"投入": "17.00", "过程": "13.00", "产出": "30.00", "效果": "30.00"}
    assert data["level1_grades"] == {
        "投入": {"points": "17.00", "weight": "20.00", "share": "85.00", "grade": "良"},
        "过程": {"points": "13.00", "weight": "20.00", "share": "65.00", "grade": "中"},
        "产出": {"points": "30.00", "weight": "30.00", "share": "100.00", "grade": "优"},
        "效果": {"points": "30.00", "weight": "30.00", "share": "100.00", "grade": "优"},
    }
    codes = {w["code"] for w in data["warnings"]}
    assert "qualitative_assumed" in codes  # the report's words were read as bands: the evaluator confirms
    assert not codes & {"weights_sum", "missing_reason", "low_execution", "budget_divergence"}


def test_stored_total_and_grade(imported: Project) -> None:
    imported.refresh_from_db()
    assert (imported.score_total, imported.score_grade, imported.execution_rate) == (D("90.00"), "优", None)


def test_report_data(report: ReportData) -> None:
    assert report.outline == "framework2013"
    assert report.title == f"{NAME}项目绩效自评报告"
    assert report.level1_grades == (
        ("投入", "17.00", "20.00", "85.00%", "良"),
        ("过程", "13.00", "20.00", "65.00%", "中"),
        ("产出", "30.00", "30.00", "100.00%", "优"),
        ("效果", "30.00", "30.00", "100.00%", "优"),
    )
    assert report.level1_grade("过程") == "中" and report.level1_grade("无此指标") == ""


def test_docx_follows_seed004(report: ReportData) -> None:
    doc = Document(io.BytesIO(render_docx(report)))
    lines = [p.text for p in doc.paragraphs]
    assert lines[0] == report.title
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS_2013
    level2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert level2 == ["（一）绩效目标", "（二）经费使用情况", "（一）绩效分析", "（二）项目绩效指标完成情况分析",
                      "（三）评价结论", "（一）政策性建议", "（二）改进措施", "（三）后续工作计划"]  # fmt: skip
    for verdict in VERDICTS:
        assert verdict in lines
    analysis = [t for t in lines if re.fullmatch(r"\d、.+指标完成情况分析", t)]
    assert analysis == [
        "1、投入指标完成情况分析",
        "2、过程指标完成情况分析",
        "3、产出指标完成情况分析",
        "4、效果指标完成情况分析",
    ]
    assert "（1）项目立项" in lines and "（2）资金落实" in lines
    assert any(t.startswith("3）绩效指标明确性") and "得分0.00" in t for t in lines)
    assert any(t.endswith(CONCLUSION) for t in lines)
    assert "本年度资金全年执行数44.90万元。" in lines
    assert "本年度资金年初预算数未填写。" in lines  # the table has no 年初预算数 (was “年初预算数万元”)
    assert "本年度全年执行数44.90万元，预算执行率93.54%。" in lines
    assert "完善制度提升服务水平；优化民营经济发展环境。" in lines
    table = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    subtotals = [row for row in cells if row[0].startswith("小计：")]
    assert [(r[0], r[6], r[7], r[8]) for r in subtotals] == [
        ("小计：投入（得分率85.00%）", "20.00", "17.00", "等级：良"),
        ("小计：过程（得分率65.00%）", "20.00", "13.00", "等级：中"),
        ("小计：产出（得分率100.00%）", "30.00", "30.00", "等级：优"),
        ("小计：效果（得分率100.00%）", "30.00", "30.00", "等级：优"),
    ]
    total = cells[-1]
    assert (total[0], total[6], total[7], total[8]) == ("总分", "100.00", "90.00", "自评等级：优")
    assert not any("年初预算数" in c for row in cells for c in row)  # no budget block under this scheme


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_follows_seed004(report: ReportData, tmp_path: Path) -> None:
    path = tmp_path / "seed004.pdf"
    path.write_bytes(pdf.render(report))
    raw = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    body = re.sub(r"\s+", "", raw)
    assert report.title in body
    for text in [
        *HEADINGS_2013,
        *VERDICTS,
        CONCLUSION,
        "小计：过程（得分率65.00%）",
        "20.0013.00等级：中",
        "自评等级：优",
    ]:
        assert text in body, text
    assert "\ufffd" not in raw


def test_the_template_preview_sample_is_seed004() -> None:
    data = sample_report("framework2013")
    assert (data.outline, data.total, data.grade) == ("framework2013", "90.00", "优")
    assert data.level1_grade("投入") == "良"
    doc = Document(io.BytesIO(render_docx(data)))
    assert "根据评价原则，项目过程评价结果为中。过程指标分值20.00分，得分13.00分，得分率65.00%。" in [
        p.text for p in doc.paragraphs
    ]


# --- where schemes are chosen, and the pages that show the grades ----------------------------

LEVEL1_LINE = "过程 13.00/20.00（得分率 65.00%）中"


def test_the_scheme_is_offered_wherever_schemes_are_chosen(db) -> None:
    from intake.forms import UploadForm
    from projects.models import Department

    label = "2013 共性指标框架（投入 20 / 过程 20 / 产出 30 / 效果 30）"
    for model in (Project, Department):  # the admin's forms of both; a 主管部门's scheme is its projects'
        assert dict(model._meta.get_field("scheme").formfield().choices)["framework2013"] == label
    assert dict(UploadForm(admin=True).fields["scheme"].choices)["framework2013"] == label
    assert Project(scheme="framework2013").get_scheme_display() == label


def test_editor_detail_and_review_pages_show_the_level1_grades(client, admin_user, imported: Project) -> None:
    from django.urls import reverse

    from projects.models import Status

    client.force_login(admin_user)
    for name in ("indicators:editor", "projects:detail"):
        page = client.get(reverse(name, args=[imported.pk])).content.decode()
        assert "一级指标评价" in page and LEVEL1_LINE in page, name
        assert "投入 17.00/20.00（得分率 85.00%）良" in page and "效果 30.00/30.00（得分率 100.00%）优" in page
    factories.set_status(Project.objects.filter(pk=imported.pk), Status.SUBMITTED)
    review = reverse("review:project", args=[imported.pk])
    assert LEVEL1_LINE in client.get(review).content.decode()
    # an adjustment at the top of the 未达成 band lifts 投入 to 优, and the total row says so at once
    row = imported.indicators.get(level3="绩效指标明确性")
    data = {f"i{row.pk}-value": "1.79", f"i{row.pk}-reason": "已细化部分指标"}
    response = client.post(reverse("review:adjust", args=[imported.pk, row.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "投入 18.79/20.00（得分率 93.95%）优" in response.content.decode()


def test_pages_of_other_schemes_show_no_level1_grades(client, admin_user, imported: Project) -> None:
    from django.urls import reverse

    Project.objects.filter(pk=imported.pk).update(scheme="department")
    client.force_login(admin_user)
    assert "一级指标评价" not in client.get(reverse("projects:detail", args=[imported.pk])).content.decode()


def test_uploaded_templates_read_the_level1_grades_from_groups() -> None:
    from reports.docx_template import render_template, validate_template
    from tests.reports.test_docx_template import make_template

    template = make_template("{% for g in groups %}{{ g.level1 }}：{{ g.grade }}（{{ g.share }}）{% endfor %}")
    data = sample_report("framework2013")
    validate_template(template, data)
    text = Document(io.BytesIO(render_template(data, template))).paragraphs[0].text
    assert text == "投入：良（85.00%）过程：中（65.00%）产出：优（100.00%）效果：优（100.00%）"
    unit = Document(io.BytesIO(render_template(sample_report("unit"), template))).paragraphs[0].text
    assert unit == "产出指标：（）效益指标：（）满意度指标：（）"


def test_exported_workbook_imports_back_with_the_same_scores(report: ReportData, tmp_path: Path) -> None:
    """The annex workbook, 小计 rows included, reads back under framework2013 to the same numbers."""
    from reports import xlsx

    path = tmp_path / "自评评分表.xlsx"
    path.write_bytes(xlsx.render(report))
    call_command("import_workbook", str(path), "--year", "2019", "--scheme", "framework2013", stdout=io.StringIO())
    out = io.StringIO()
    call_command("score", NAME, "--year", "2019", "--json", stdout=out)
    scored = json.loads(out.getvalue())
    assert (scored["total"], scored["grade"]) == ("90.00", "优")
    assert len(scored["indicators"]) == len(SEED004)
    assert {k: v["grade"] for k, v in scored["level1_grades"].items()} == {"投入": "良", "过程": "中", "产出": "优",
                                                                           "效果": "优"}  # fmt: skip
