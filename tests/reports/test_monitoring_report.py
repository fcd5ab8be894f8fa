"""The 运行监控报告 as Word and PDF (issue 17 "Import and export", domain.md §8), per project and per
unit, read back from the real files (python-docx, pypdf); the downloads of the 监控表 and the 监控报告
for whoever may see the project; the unit's report inline or as a job; the batch export's 运行监控."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from monitoring.services import Entry, monitoring_save
from projects.models import FundSource, Project, StageState
from projects.stages import StageKey, StageStatus
from reports.monitoring_report import project_outline, render_project, render_unit
from reports.monitoring_table import TITLE, monitoring_sheets
from reports.services import monitoring_unit_for, monitoring_unit_ids
from tests import factories
from tests.reports import monitoring_cast
from tests.reports.monitoring_cast import CODE, monitored_project

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = datetime.date(2026, 8, 10)
plan, monitored = monitoring_cast.plan, monitoring_cast.monitored


def docx_text(content: bytes) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(io.BytesIO(content))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return [p.text for p in doc.paragraphs if p.text], tables


def pdf_text(content: bytes) -> str:
    return (
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace(" ", "").replace("\n", "")
    )


def green_project(unit, code: str, *, executed: str = "700") -> Project:
    """A project all green: budget ahead of time, its one count forecast met and certain."""
    p = factories.project(unit=unit, code=code, year=2026, name=f"绿灯项目{code[-1]}")
    factories.fund(p, annual="1000")
    row = factories.indicator(p, level3="服务人次", target=D(100), unit="人次", weight="90", position=1)
    p.refresh_from_db()
    entries = {row.pk: Entry("70", "100", "确定能")}
    monitoring_save(project=p, user=None, system=True, version=p.version, entries=entries,
                    executed={FundSource.FISCAL: D(executed)})  # fmt: skip
    return Project.objects.get(pk=p.pk)


# --- one project's report -------------------------------------------------------------------------


def test_the_project_report_says_lights_causes_and_measures(monitored) -> None:
    (sheet,) = monitoring_sheets([monitored.pk])
    texts, tables = docx_text(render_project(sheet, "docx", today=TODAY))
    body = "\n".join(texts)
    assert texts[:2] == ["妇女创业就业培训\n运行监控报告", "（2026年度 1–7月）"]
    assert "全年预算数1,000.00万元。年度目标：培训妇女500人次。" in body
    assert "本次监控截至2026年7月，时间进度58.33%。1–7月执行数300.00万元，预算执行进度30.00%，" in body
    assert "执行进度/时间进度51.43，预算执行为红灯。" in body
    assert "绩效指标4个，其中红灯1个、黄灯1个、绿灯2个。项目监控结果为红灯。" in body
    # the red row first, then the yellow one, each with causes, analysis and measures
    red, yellow = body.index("（一）满意度（红灯）"), body.index("（二）培训人数（黄灯）")
    assert red < yellow
    assert "偏差原因：经费保障、人员保障。师资不足需下半年补充" in body and "纠偏措施：九月补做调查" in body
    assert "四、纠偏措施\n加快资金拨付" in body
    (grid,) = tables
    assert grid[0] == [
        "序号",
        "三级指标",
        "年度指标值",
        "1–7月执行情况",
        "全年预计完成情况",
        "完成目标可能性",
        "监控结果",
    ]
    assert grid[1] == ["1", "培训人数", "≥100人", "40人", "90人", "有可能", "黄灯"]
    assert grid[3][2] == "明显提高群众知晓度"


def test_the_project_report_as_pdf_holds_the_same_words(monitored) -> None:
    (sheet,) = monitoring_sheets([monitored.pk])
    content = render_project(sheet, "pdf", today=TODAY)
    assert content[:5] == b"%PDF-"
    text = pdf_text(content)
    for words in ("运行监控报告", "执行进度/时间进度51.43", "（一）满意度（红灯）", "加快资金拨付", "九月补做调查"):
        assert words in text


def test_a_red_project_without_measures_says_what_blocks(unit_a, plan) -> None:
    project = monitored_project(unit_a, code="15000026T000000000702")
    (sheet,) = monitoring_sheets([project.pk])
    blocks = [getattr(b, "text", "") for b in project_outline(sheet, today=TODAY).blocks]
    assert "四、纠偏措施" in blocks and "（未填写）" in blocks and "五、需要说明的问题" not in blocks


# --- a unit's report ------------------------------------------------------------------------------


def test_the_unit_report_lists_red_projects_first_and_groups_causes(unit_a, plan, monitored) -> None:
    green_project(unit_a, "15000026T000000000709")
    factories.project(unit=unit_a, code="15000026T000000000799", year=2026, name="未监控项目")
    data = monitoring_unit_for(monitoring_unit_ids(unit=unit_a, year=2026), unit=unit_a, year=2026)
    texts, tables = docx_text(render_unit(data, "docx"))
    body = "\n".join(texts)
    assert "2026年度共2个项目填报了运行监控（1–7月）：项目监控结果红灯1个、绿灯1个；预算执行红灯1个、绿灯1个。" in body
    assert "尚有1个项目未填报运行监控：15000026T000000000799-未监控项目。" in body
    (grid,) = tables
    assert [row[1] for row in grid[1:]] == [f"{CODE}-妇女创业就业培训", "15000026T000000000709-绿灯项目9"]
    assert grid[1][4:] == ["51.43", "红灯", "1/1/2/0", "红灯"] and grid[2][7] == "绿灯"
    causes = body[body.index("二、偏差原因分析") : body.index("三、纠偏措施")]
    assert (
        causes.index("（一）经费保障（1个指标）")
        < causes.index("（二）人员保障（1个指标）")
        < causes.index("（三）其他（1个指标）")
    )
    assert "“妇女创业就业培训”的“满意度”（红灯）：调查推迟" in causes
    assert "“妇女创业就业培训”（红灯）：加快资金拨付；“满意度”：九月补做调查" in body
    assert "调查推迟" in pdf_text(render_unit(data, "pdf"))


# --- the downloads --------------------------------------------------------------------------------


def get(client, user, name: str, *args):
    client.force_login(user)
    return client.get(reverse(f"reports:{name}", args=args))


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_whoever_sees_the_project_downloads_another_unit_gets_404(client, monitored, officer, evaluator, admin_user,
                                                                  other_officer, fmt) -> None:  # fmt: skip
    for user in (officer, evaluator, admin_user):
        response = get(client, user, "monitoring_download", monitored.pk, fmt)
        assert response.status_code == 200, user
        kind = (
            "%E7%9B%91%E6%8E%A7%E8%A1%A8" if fmt == "xlsx" else "%E8%BF%90%E8%A1%8C%E7%9B%91%E6%8E%A7%E6%8A%A5%E5%91%8A"
        )
        assert response["Content-Disposition"].endswith(f"{kind}.{fmt}")
    assert get(client, other_officer, "monitoring_download", monitored.pk, fmt).status_code == 404


def test_the_download_is_the_monitoring_table(client, monitored, officer) -> None:
    rows = list(load_workbook(io.BytesIO(get(client, officer, "monitoring_download", monitored.pk, "xlsx").content))
                .active.iter_rows(values_only=True))  # fmt: skip
    assert rows[0][0] == TITLE


def test_a_project_without_monitoring_or_a_bad_format_is_404(client, unit_a, plan, officer, monitored) -> None:
    bare = factories.project(unit=unit_a, code="15000026T000000000703", year=2026)
    assert get(client, officer, "monitoring_download", bare.pk, "xlsx").status_code == 404
    assert get(client, officer, "monitoring_download", monitored.pk, "csv").status_code == 404


def test_the_unit_report_for_its_officer_and_the_admin(client, unit_a, monitored, officer, admin_user, evaluator,
                                                       other_officer) -> None:  # fmt: skip
    for user in (officer, admin_user):
        response = get(client, user, "monitoring_unit", unit_a.pk, 2026, "docx")
        assert response.status_code == 200
        assert (
            "2026-140001-%E8%BF%90%E8%A1%8C%E7%9B%91%E6%8E%A7%E6%8A%A5%E5%91%8A.docx" in response["Content-Disposition"]
        )
    assert get(client, evaluator, "monitoring_unit", unit_a.pk, 2026, "docx").status_code == 403
    assert get(client, other_officer, "monitoring_unit", unit_a.pk, 2026, "docx").status_code == 404
    assert get(client, officer, "monitoring_unit", unit_a.pk, 2026, "xlsx").status_code == 404
    assert get(client, officer, "monitoring_unit", unit_a.pk, 2025, "docx").status_code == 404  # none monitored


def test_a_big_unit_gets_its_report_as_a_job(client, settings, unit_a, monitored, officer) -> None:
    from reports.batch import export_job_run
    from reports.models import ExportJob

    green_project(unit_a, "15000026T000000000708")
    settings.EVALSYS_UNIT_REPORT_INLINE_MAX = 1
    page = get(client, officer, "monitoring_unit", unit_a.pk, 2026, "pdf")
    assert page.status_code == 200 and "在后台生成 PDF 报告" in page.content.decode()
    assert not ExportJob.objects.exists()  # a GET writes nothing
    response = client.post(reverse("reports:monitoring_unit", args=[unit_a.pk, 2026, "pdf"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.kind == ExportJob.Kind.MONITORING_UNIT and job.total == 2
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.filename == "2026-140001-运行监控报告.pdf"
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200
    content = b"".join(client.get(reverse("reports:job_file", args=[job.pk])).streaming_content)
    assert "红灯" in pdf_text(content)


# --- the batch export's 运行监控 ----------------------------------------------------------------


def test_the_batch_exports_the_monitored_projects_files(client, admin_user, unit_a, unit_b, monitored) -> None:
    from reports.batch import export_job_run
    from reports.models import ExportJob

    other = green_project(unit_b, "15000026T000000000801")
    StageState.objects.filter(project=other, stage=StageKey.MONITORING).update(status=StageStatus.SUBMITTED)
    factories.project(unit=unit_a, code="15000026T000000000704", year=2026)  # no monitoring: not in the batch
    client.force_login(admin_user)
    preview = client.get(reverse("reports:batch"), {"stage": "monitoring", "year": 2026, "statuses": ["draft"]})
    page = preview.content.decode()
    assert '共 <strong id="batch-count">1</strong> 个项目' in page and "运行监控 · 草稿" in page
    assert "Excel（监控表）" in page and "PDF（运行监控报告）" in page
    data = {"stage": "monitoring", "year": 2026, "statuses": ["draft", "submitted"], "fmt": ["xlsx", "docx"]}
    assert client.post(reverse("reports:batch"), data).status_code == 302
    job = ExportJob.objects.get()
    assert job.kind == ExportJob.Kind.MONITORING and job.filename == "2026-运行监控.zip" and job.total == 2
    export_job_run(job.pk)
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(reverse("reports:job_file", args=[job.pk])).streaming_content))
    )
    folder_a, folder_b = "140001-内蒙古自治区妇女联合会", "140002-内蒙古妇女干部学校"
    assert sorted(archive.namelist()) == sorted(
        [
            f"{folder_a}/{CODE}-妇女创业就业培训-运行监控报告.docx",
            f"{folder_a}/{CODE}-妇女创业就业培训-监控表.xlsx",
            f"{folder_b}/15000026T000000000801-绿灯项目1-运行监控报告.docx",
            f"{folder_b}/15000026T000000000801-绿灯项目1-监控表.xlsx",
        ]
    )
    book = load_workbook(io.BytesIO(archive.read(f"{folder_b}/15000026T000000000801-绿灯项目1-监控表.xlsx"))).active
    assert book["A1"].value == TITLE


def test_the_panel_and_the_page_offer_the_downloads(client, monitored, officer, evaluator) -> None:
    links = [reverse("reports:monitoring_download", args=[monitored.pk, fmt]) for fmt in ("xlsx", "docx", "pdf")]
    unit_link = reverse("reports:monitoring_unit", args=[monitored.unit_id, 2026, "docx"])
    client.force_login(officer)
    for page in ("projects:detail", "monitoring:entry"):
        text = client.get(reverse(page, args=[monitored.pk])).content.decode()
        assert all(link in text for link in links) and unit_link in text, page
    client.force_login(evaluator)
    text = client.get(reverse("monitoring:entry", args=[monitored.pk])).content.decode()
    assert all(link in text for link in links) and unit_link not in text  # the unit report is not a reviewer's
