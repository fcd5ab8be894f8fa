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
from tests import factories
from tests.reports.conftest import ADJUSTED_CODE, SEED_CODE

pytestmark = pytest.mark.django_db
URL = reverse("reports:unit_report")
UNIT = "内蒙古自治区妇女联合会"
SECTIONS = ("一、基本情况", "（一）项目概况。", "（二）项目绩效目标。", "（三）项目组织管理情况。",
            "二、绩效评价工作开展情况", "（三）绩效评价工作过程。", "三、综合评价情况及评价结论（附相关评分表）",
            "四、绩效评价指标分析",
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


# --- issue 15 B18: unfinished projects, the unit's own text, seed 002's outline, quotes, the picker ---

DRAFT_CODE = "15000025T000000007928"  # unit A's draft “布丝瑰”专项行动 (demo): unscored
SEED_002_PROCESS = "1.前期准备：成立部门绩效评价小组，学习评价指标体系和绩效相关文件通知。\n2.组织实施。"


def docx_text(content: bytes) -> tuple[str, list[str]]:
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs), [p.text for p in doc.paragraphs]


def test_a_ticked_draft_is_refused_by_name_and_the_picker_marks_it(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_a")
    response = download(client, "docx", SEED_CODE, DRAFT_CODE)
    page = response.content.decode()
    assert response.status_code == 400
    assert "草稿和未评分的项目不能列入评价报告" in page and "“‘布丝瑰’专项行动”（草稿）" in page
    picker = client.get(URL, {"year": 2025}).content.decode()
    draft = pks(DRAFT_CODE)[0]
    assert f'value="{draft}"' not in picker and "不列入" in picker  # no box to tick: marked instead
    assert f'value="{pks(SEED_CODE)[0]}"' in picker


def test_select_all_leaves_drafts_out_so_none_prints_as_0_00_差(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_a")
    response = client.post(URL + "?year=2025", {"all": "1", "fmt": "docx"})
    assert response.status_code == 200, response.content.decode()[:2000]
    text, _ = docx_text(response.content)
    assert "本次评价的2个项目中，评价等级为优2个" in text and "差" not in text.split("本次评价的")[1].split("\n")[0]
    assert "项目三" not in text and "“布丝瑰”专项行动" not in text and "得分0.00分" not in text
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(response.content)).tables]
    summary = next(t for t in tables if tuple(t[0]) == SUMMARY_HEADER)
    assert [row[-1] for row in summary[1:-1]] == ["优", "优"]  # no draft row as 0.00 差


def test_quotes_in_a_name_do_not_double(demo) -> None:
    projects = Project.objects.filter(code__in=[DRAFT_CODE])
    text = "\n".join(b.text for b in unit_outline(unit_report_for(projects, unit=UNIT)).blocks if hasattr(b, "text"))
    assert "项目一“‘布丝瑰’专项行动”" in text  # 二（一）'s scope: quoted once, its own quotes made inner
    assert "““" not in text and "””" not in text


def text_url(code: str = "140001", year: int = 2025) -> str:
    return reverse("reports:unit_report_text", args=[Unit.objects.get(code=code).pk, year])


def test_the_unit_text_is_written_on_its_page_and_printed_in_seed_002s_sections(client, django_user_model,
                                                                               demo) -> None:  # fmt: skip
    login(client, django_user_model, "officer_a")
    page = client.get(text_url()).content.decode()
    assert 'maxlength="10000"' in page and "最多 10,000 字" in page and 'name="version" value="0"' in page
    assert text_url() in client.get(URL, {"year": 2025}).content.decode()  # the picker links it
    texts = {"process": SEED_002_PROCESS, "experience": "根据部门工作性质合理分配项目资金。",
             "suggestions": "进一步健全财务管理制度。", "other": "无其他需要说明的。"}  # fmt: skip
    response = client.post(text_url(), {"version": 0, **texts})
    assert response.status_code == 302 and response["Location"] == text_url()
    _, paragraphs = docx_text(download(client, "docx", SEED_CODE, ADJUSTED_CODE).content)
    for heading, first in (("（三）绩效评价工作过程。", "1.前期准备：成立部门绩效评价小组"),
                           ("五、主要经验及做法", texts["experience"]), ("七、有关建议", texts["suggestions"]),
                           ("八、其他需要说明的问题", texts["other"])):  # fmt: skip
        assert paragraphs[paragraphs.index(heading) + 1].startswith(first), heading
    assert "2.组织实施。" in paragraphs  # a line of the text is a paragraph
    headings = [p for p in paragraphs if p.startswith(("二、", "（三）绩效评价工作过程", "三、"))]
    assert headings == [
        "二、绩效评价工作开展情况",
        "（三）绩效评价工作过程。",
        "三、综合评价情况及评价结论（附相关评分表）",
    ]
    # a second save from the same (now stale) page writes nothing
    stale = client.post(text_url(), {"version": 0, **texts, "experience": "覆盖"})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    from reports.models import UnitReportText

    saved = UnitReportText.objects.get(unit__code="140001", year=2025)
    assert saved.version == 1 and saved.experience == texts["experience"] and saved.history.count() == 1
    history = client.get(text_url()).content.decode().split('id="unit-text-history"')[1]
    assert "officer_a · 修改了：绩效评价工作过程、主要经验及做法、有关建议、其他需要说明的问题" in history


def test_the_unit_text_is_its_units_officers_and_admins(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_b")
    assert client.get(text_url()).status_code == 404  # another unit's
    assert client.post(text_url(), {"version": 0, "process": "x"}).status_code == 404
    login(client, django_user_model, "evaluator")
    assert client.get(text_url()).status_code == 403
    login(client, django_user_model, "admin")
    assert client.post(text_url("140002"), {"version": 0, "process": "管理员填写"}).status_code == 302
    too_long = client.post(text_url(), {"version": 0, "process": "字" * 10_001})
    assert too_long.status_code == 400 and "10000" in too_long.content.decode().replace(",", "")


def test_the_picker_has_the_lists_filters_and_pages(client, django_user_model, demo) -> None:
    login(client, django_user_model, "officer_a")
    page = client.get(URL, {"year": 2025, "q": "已审核示例"}).content.decode()
    assert "北疆布丝瑰创业就业行动（已审核示例）" in page and f'id="unit-pick-{pks(SEED_CODE)[0]}"' not in page
    assert 'name="grade"' in page and 'name="warning"' in page and 'data-select-all="projects"' in page
    assert 'name="all"' in page and 'id="list-count"' in page
    # 全选 with a filter: only what it matches
    response = client.post(URL + "?year=2025&q=已审核示例", {"all": "1", "fmt": "docx"})
    text, _ = docx_text(response.content)
    assert "本次评价的1个项目中" in text and "项目一：北疆布丝瑰创业就业行动（已审核示例）" in text


# --- issue 15 A11: a big unit report is the worker's, with progress; text fields state their limit ---


def test_a_unit_report_over_the_threshold_is_a_job_with_progress(client, django_user_model, demo, settings) -> None:
    from reports.batch import export_job_run
    from reports.models import ExportJob

    settings.EVALSYS_UNIT_REPORT_INLINE_MAX = 1
    login(client, django_user_model, "officer_a")
    # a GET link never writes: the page offers the job instead
    page = client.get(URL, {"year": 2025, "fmt": "docx", "projects": pks(SEED_CODE, ADJUSTED_CODE)})
    assert page.status_code == 200 and "报告将在后台生成" in page.content.decode()
    assert not ExportJob.objects.exists()
    response = client.post(URL + "?year=2025", {"all": "1", "fmt": "docx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    assert job.kind == ExportJob.Kind.UNIT and job.total == 2 and job.created_by.username == "officer_a"
    assert sorted(job.project_ids) == sorted(pks(SEED_CODE, ADJUSTED_CODE))
    progress = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "单位评价报告" in progress and "0/2" in progress
    export_job_run(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.done == 2
    done = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "下载评价报告" in done
    file = client.get(reverse("reports:job_file", args=[job.pk]))
    assert file.status_code == 200 and file["Content-Disposition"].endswith(quote("2025-140001-单位评价报告.docx"))
    text, _ = docx_text(b"".join(file.streaming_content))
    assert "本次评价的2个项目中，评价等级为优2个" in text and "项目二：北疆布丝瑰创业就业行动（已审核示例）" in text
    login(client, django_user_model, "officer_b")
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 403  # not theirs


def test_21_projects_are_not_rendered_in_the_request(client, django_user_model, demo, monkeypatch) -> None:
    """52 projects took 7 s and 430 MB in the request: above 20 (the default) the worker renders."""
    from decimal import Decimal

    from projects.models import Status
    from projects.scores import projects_rescore
    from reports import views
    from reports.models import ExportJob
    from tests import factories

    unit = Unit.objects.get(code="140001")
    made = []
    for n in range(views.UNIT_REPORT_INLINE_MAX - 1):  # with the demo's 2 finished projects: 21
        project = factories.project(unit=unit, code=f"A2025{n:04d}", year=2025, name=f"项目{n}",
                                    status=Status.SUBMITTED)  # fmt: skip
        factories.fund(project, annual="10", executed="9")
        factories.indicator(project, level3="培训人次", actual=Decimal("10"), actual_text="10")
        made.append(project.pk)
    projects_rescore(project_ids=made)

    def refuse(*args, **kwargs):
        raise AssertionError("rendered in the request")

    monkeypatch.setattr(views, "render_unit_report", refuse)
    login(client, django_user_model, "officer_a")
    page = client.get(URL, {"year": 2025, "per_page": 20}).content.decode()
    assert "第 1/2 页" in page and "全部 22 个项目" in page  # paged; the draft counts in the list but not below
    response = client.post(URL + "?year=2025&per_page=20", {"all": "1", "fmt": "pdf"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (
        job.total == views.UNIT_REPORT_INLINE_MAX + 1 and job.fmt == "pdf" and pks(DRAFT_CODE)[0] not in job.project_ids
    )


def test_report_text_fields_state_their_limit() -> None:
    from reports.forms import NarrativeForm

    html = str(NarrativeForm())
    assert html.count('maxlength="10000"') == len(NarrativeForm.Meta.fields)
    assert html.count("最多 10,000 字") == len(NarrativeForm.Meta.fields)


def test_an_admin_chooses_a_unit_for_select_all_and_its_text(client, django_user_model, demo) -> None:
    from reports.forms import PICK_UNIT

    login(client, django_user_model, "admin")
    response = client.post(URL + "?year=2025", {"all": "1", "fmt": "docx"})  # units A and B match
    assert response.status_code == 400 and ONE_UNIT + PICK_UNIT in response.content.decode()
    unit_b = Unit.objects.get(code="140002")
    page = client.get(URL, {"year": 2025, "unit": unit_b.pk}).content.decode()
    assert text_url("140002") in page and text_url() not in page  # the text of the unit filtered on


def test_a_project_back_to_draft_before_the_worker_runs_is_left_out(client, django_user_model, demo,
                                                                      settings) -> None:  # fmt: skip
    from projects.models import Status
    from reports.batch import export_job_run
    from reports.models import ExportJob

    settings.EVALSYS_UNIT_REPORT_INLINE_MAX = 1
    login(client, django_user_model, "officer_a")
    client.post(URL + "?year=2025", {"all": "1", "fmt": "docx"})
    factories.set_status(Project.objects.filter(code=SEED_CODE), Status.DRAFT)  # withdrawn meanwhile
    job = ExportJob.objects.get()
    export_job_run(job.pk)
    job.refresh_from_db()
    text, _ = docx_text(job.file.read())
    assert "本次评价的1个项目中，评价等级为优1个" in text and "项目二" not in text


def test_a_unit_jobs_progress_stays_short_of_done_until_rendered(client, django_user_model, demo, settings,
                                                                  monkeypatch) -> None:  # fmt: skip
    """Gathering is quick, rendering slow (52 projects: a PDF took 44 s in the worker): the page must
    not say 2/2 (100%) while the document is still being laid out."""
    from reports import unit_report
    from reports.batch import export_job_run
    from reports.models import ExportJob

    settings.EVALSYS_UNIT_REPORT_INLINE_MAX = 1
    login(client, django_user_model, "officer_a")
    client.post(URL + "?year=2025", {"all": "1", "fmt": "docx"})
    job = ExportJob.objects.get()
    seen = []
    real = unit_report.render

    def render(data, fmt):
        seen.append(ExportJob.objects.values_list("state", "done").get(pk=job.pk))
        seen.append(client.get(reverse("reports:job", args=[job.pk])).content.decode())
        return real(data, fmt)

    monkeypatch.setattr(unit_report, "render", render)
    export_job_run(job.pk)
    assert seen[0] == (ExportJob.State.RUNNING, 1) and "1/2" in seen[1] and "再排版成一份报告" in seen[1]
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.done == 2
