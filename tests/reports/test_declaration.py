"""The 项目支出绩效目标申报表 as Excel and Word (issue 16 §2 "Exports", domain.md §8): the national
layout read back from the real files (openpyxl, python-docx), the workbook imported back into a
fresh year (`import_workbook --dry-run`), hostile text, and the downloads on the project's targets
panel and the review page for whoever may see the project."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from indicators.services import workbook_import
from projects.models import FundSource, Project, StageState
from projects.stages import StageKey, StageStatus
from reports.declaration import NO_INDICATORS, TITLE, declarations_for, render
from reports.services import declaration_file
from tests import factories

pytestmark = pytest.mark.django_db

GOAL = "开展妇女创业就业技能培训，带动妇女就业增收。"
MEDIUM = "三年内培训妇女1500人次。"
# (一级, 二级, 三级, 指标性质, 指标值, target_text, 度量单位, 权重)
ROWS = (
    ("产出指标", "数量指标", "培训人次", "≥", Decimal(500), "", "人次", "20"),
    ("产出指标", "数量指标", "培训天数", "≥", Decimal(5), "", "天", "10"),
    ("产出指标", "质量指标", "培训合格率", "≥", Decimal(90), "", "%", "10"),
    ("产出指标", "成本指标", "人均培训成本", "≤", Decimal("2000.5"), "", "元", "10"),
    ("效益指标", "社会效益指标", "带动妇女就业", "定性", None, "带动500名妇女实现就业", "", "30"),
    ("满意度指标", "服务对象满意度指标", "参训学员满意度", "≥", Decimal(90), "", "%", "10"),
)


def declare(unit, *, code: str = "15000026T000000000001", weights: bool = True, **extra) -> Project:
    """A project declaring its targets (targets stage 草稿) with funds from two sources."""
    project = factories.project(unit=unit, code=code, year=2026, name="妇女创业就业培训", annual_goal=GOAL,
                                overall_goal=MEDIUM, attribute="延续项目", **extra)  # fmt: skip
    StageState.objects.filter(project=project, stage=StageKey.TARGETS).update(status=StageStatus.DRAFT)
    factories.fund(project, annual="1230.5")
    factories.fund(project, annual="20", source=FundSource.CARRYOVER)
    for n, (l1, l2, l3, comparator, target, text, measure, weight) in enumerate(ROWS):
        factories.indicator(project, level1=l1, level2=l2, level3=l3, comparator=comparator, target=target,
                            target_text=text, unit=measure, weight=weight if weights else "0",
                            position=n)  # fmt: skip
    return Project.objects.get(pk=project.pk)


@pytest.fixture
def declared(unit_a) -> Project:
    return declare(unit_a)


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def values(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def find(rows: list[list], text: str) -> tuple[int, int]:
    return next((r, c) for r, row in enumerate(rows) for c, v in enumerate(row) if v == text)


# --- the workbook ---------------------------------------------------------------------------------


def test_the_workbook_is_the_national_layout(declared) -> None:
    ws = sheet_of(render(declarations_for([declared.pk])[0], "xlsx"))
    rows = values(ws)
    assert rows[0][0] == TITLE and rows[1][0] == "（2026年度）" and rows[1][-2] == "金额单位：万元"
    labels = [row[0] for row in rows[2:]]
    for label in ("项目名称", "主管部门及代码", "项目属性", "项目资金（万元）", "总体目标", "绩效指标"):
        assert label in labels
    r, _ = find(rows, "项目名称")
    assert rows[r][1] == "15000026T000000000001-妇女创业就业培训"
    r, _ = find(rows, "主管部门及代码")
    assert rows[r][1] == "内蒙古自治区妇女联合会（部门）" and rows[r][4] == "实施单位"
    assert rows[r][5] == "140001-内蒙古自治区妇女联合会"
    r, _ = find(rows, "项目属性")
    assert (rows[r][1], rows[r][4], rows[r][5]) == ("延续项目", "项目期", None)
    # 万元 as numbers with two decimals; a source the project does not have stays blank
    amounts = {rows[r][1]: rows[r][4] for r in range(len(rows)) if rows[r][1] and rows[r][0] is None}
    assert amounts["年度资金总额"] == Decimal("1250.50") or amounts["年度资金总额"] == 1250.5
    r, _ = find(rows, "年度资金总额")
    assert ws.cell(r + 1, 5).number_format == "#,##0.00"
    assert (rows[r + 1][4], rows[r + 2][4], rows[r + 3][4]) == (1230.5, 20, None)
    assert [rows[r + n][1] for n in range(1, 4)] == ["其中：当年财政拨款", "上年结转资金", "其他资金"]
    r, _ = find(rows, "中期目标")
    assert (rows[r][4], rows[r + 1][1], rows[r + 1][4]) == ("年度目标", MEDIUM, GOAL)


def test_the_indicator_table_is_merged_as_the_national_form(declared) -> None:
    ws = sheet_of(render(declarations_for([declared.pk])[0], "xlsx"))
    rows = values(ws)
    head, _ = find(rows, "一级指标")
    assert rows[head] == ["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]
    body = rows[head + 1 :]
    assert [row[3] for row in body] == [r[2] for r in ROWS]
    assert body[0][4:] == ["≥", "500", "人次", 20] and body[3][4:6] == ["≤", "2000.5"]
    assert body[4][4:7] == ["定性", "带动500名妇女实现就业", None]
    assert ws.cell(head + 2, 8).number_format == "0.00"
    merged = {str(m) for m in ws.merged_cells.ranges}
    first = head + 2  # the first indicator's row, 1-based
    assert f"B{first}:B{first + 3}" in merged  # 产出指标 over its four rows
    assert f"C{first}:C{first + 1}" in merged  # 数量指标 over its two
    assert f"A{head + 1}:A{head + 1 + len(ROWS)}" in merged  # 绩效指标 down the table
    assert body[1][1] is None and body[1][2] is None  # covered cells hold nothing


def test_without_weights_the_weight_column_is_blank(unit_a) -> None:
    rows = values(sheet_of(render(declarations_for([declare(unit_a, weights=False).pk])[0], "xlsx")))
    head, _ = find(rows, "权重")
    assert [row[7] for row in rows[head + 1 :]] == [None] * len(ROWS)


def test_a_project_without_indicators_says_so(unit_a) -> None:
    project = factories.project(unit=unit_a, code="T-EMPTY", year=2026)
    rows = values(sheet_of(render(declarations_for([project.pk])[0], "xlsx")))
    assert rows[-1][1] == NO_INDICATORS


def test_a_qualitative_target_that_kept_its_sign_shows_it(unit_a) -> None:
    """The import keeps `≥` and `**` (no number) as the 定性 text `≥**`: the form shows ≥ and **."""
    project = factories.project(unit=unit_a, code="T-SIGN", year=2026)
    factories.indicator(project, level3="项目总成本", comparator="定性", target=None, target_text="≥**", unit="万元")
    rows = values(sheet_of(render(declarations_for([project.pk])[0], "xlsx")))
    assert rows[-1][4:7] == ["≥", "**", "万元"]


@pytest.mark.parametrize("weights", [True, False], ids=["weighted", "no-weights"])
def test_the_workbook_imports_back_into_a_fresh_year(tmp_path, unit_a, weights, capsys) -> None:
    project = declare(unit_a, weights=weights)
    path = tmp_path / "申报表.xlsx"
    path.write_bytes(render(declarations_for([project.pk])[0], "xlsx"))
    call_command("import_workbook", str(path), "--year", "2027", "--dry-run")
    assert "项目 新建 1 个" in capsys.readouterr().out
    report = workbook_import(path=path, year=2027, dry_run=True, user=None)
    (found,) = report.previews
    assert found.label == "15000026T000000000001-妇女创业就业培训" and found.unit == str(unit_a)
    declared_rows = declarations_for([project.pk])[0].indicators
    assert [(r.level1, r.level2, r.level3, r.comparator, r.target, r.unit) for r in found.rows] == [
        (r.level1, r.level2, r.level3, r.comparator, r.target, r.unit) for r in declared_rows
    ]
    assert [r.weight for r in found.rows] == [line.weight or "0.00" for line in declared_rows]
    assert Project.objects.filter(year=2027).count() == 0  # a dry run writes nothing


def test_the_funds_import_back(tmp_path, declared) -> None:
    path = tmp_path / "申报表.xlsx"
    path.write_bytes(render(declarations_for([declared.pk])[0], "xlsx"))
    workbook_import(path=path, year=2027, user=None)
    funds = {f.source: f.annual for f in Project.objects.get(year=2027).funds.all()}
    assert funds == {FundSource.FISCAL: Decimal("1230.50"), FundSource.CARRYOVER: Decimal("20.00")}


# --- the Word file --------------------------------------------------------------------------------


def test_the_word_file_holds_the_same_form(declared) -> None:
    doc = Document(io.BytesIO(render(declarations_for([declared.pk])[0], "docx")))
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[:3] == [TITLE, "（2026年度）", "金额单位：万元"]
    (table,) = doc.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0][0] == "项目名称" and cells[0][1] == "15000026T000000000001-妇女创业就业培训"
    head = next(i for i, row in enumerate(cells) if row[1] == "一级指标")
    assert cells[head] == ["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]
    assert cells[head + 1][1:] == ["产出指标", "数量指标", "培训人次", "≥", "500", "人次", "20.00"]
    # merged as in the workbook: python-docx repeats a merged cell's text in each row it covers
    assert cells[head + 4][1] == "产出指标" and cells[head + 5][1] == "效益指标"
    years = next(row for row in cells if row[0] == "总体目标" and row[1] != "中期目标")
    assert (years[1], years[4]) == (MEDIUM, GOAL)
    funds = {row[1]: row[4] for row in cells if row[0] == "项目资金（万元）"}
    assert funds["年度资金总额"] == "1,250.50" and funds["其他资金"] == ""


# --- hostile text ---------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://x","y")'


def test_user_text_stays_text(unit_a) -> None:
    project = factories.project(unit=unit_a, code="", year=2026, name=FORMULA, annual_goal="+SUM(1,2)\x01目标",
                                overall_goal="-1\x0b第二行" + "长" * 40_000)  # fmt: skip
    factories.indicator(project, level3="@质量", comparator="定性", target=None, target_text="=1+1", unit="")
    ws = sheet_of(render(declarations_for([project.pk])[0], "xlsx"))
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row if c.value is not None}
    texts = [c for c in cells.values() if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert texts and all(c.data_type == "s" and c.quotePrefix for c in texts)
    assert FORMULA in [c.value for c in texts] and "+SUM(1,2)目标" in [c.value for c in texts]
    medium = next(c.value for c in texts if c.value.startswith("-1"))
    assert medium.startswith("-1\n第二行") and len(medium) <= 32_767 and medium.endswith("以下从略）")
    doc = Document(io.BytesIO(render(declarations_for([project.pk])[0], "docx")))
    assert FORMULA in [c.text for row in doc.tables[0].rows for c in row.cells]


# --- the downloads --------------------------------------------------------------------------------


def download(client, user, project: Project, fmt: str, name: str = "targets_download"):
    client.force_login(user)
    return client.get(reverse(f"reports:{name}", args=[project.pk, fmt]))


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_the_unit_and_its_reviewer_download_another_unit_gets_404(client, declared, officer, evaluator,
                                                                   other_officer, admin_user, fmt) -> None:  # fmt: skip
    for user in (officer, evaluator, admin_user):
        response = download(client, user, declared, fmt)
        assert response.status_code == 200
        assert "%E7%BB%A9%E6%95%88%E7%9B%AE%E6%A0%87%E7%94%B3%E6%8A%A5%E8%A1%A8" in response["Content-Disposition"]
    assert download(client, other_officer, declared, fmt).status_code == 404


def test_an_unknown_format_is_404(client, declared, officer) -> None:
    assert download(client, officer, declared, "pdf").status_code == 404


def test_the_service_asks_for_the_user(declared, other_officer) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        declaration_file(project=declared, fmt="xlsx", user=other_officer)
    name, content = declaration_file(project=declared, fmt="xlsx", user=None)  # the command line
    assert name == "15000026T000000000001-妇女创业就业培训-绩效目标申报表.xlsx" and content[:2] == b"PK"


def test_the_panel_and_the_review_page_offer_both_files(client, declared, officer, evaluator) -> None:
    links = [reverse("reports:targets_download", args=[declared.pk, fmt]) for fmt in ("xlsx", "docx")]
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[declared.pk])).content.decode()
    assert all(link in page for link in links)
    client.force_login(evaluator)
    page = client.get(reverse("targets:review", args=[declared.pk])).content.decode()
    assert all(link in page for link in links)
    downloaded = sheet_of(client.get(links[0]).content)
    assert values(downloaded)[0][0] == TITLE


# --- the batch export: 申报表 of a unit or a 主管部门 (stage filter) ----------------------------------


@pytest.fixture
def several(unit_a, unit_b) -> list[Project]:
    """Unit A: two declared (草稿 and 已审核 targets) and one 随自评填报 (no 申报表); unit B: one declared."""
    first = declare(unit_a, code="A-1")
    second = declare(unit_a, code="A-2")
    StageState.objects.filter(project=second, stage=StageKey.TARGETS).update(status=StageStatus.APPROVED)
    factories.project(unit=unit_a, code="A-OLD", year=2026, name="随自评填报的项目")  # targets recorded
    other = declare(unit_b, code="B-1")
    return [first, second, other]


def test_the_batch_previews_the_declared_projects_in_their_targets_state(client, admin_user, several) -> None:
    client.force_login(admin_user)
    query = {"stage": "targets", "year": 2026, "statuses": ["draft", "approved"]}
    page = client.get(reverse("reports:batch"), query).content.decode()
    assert '共 <strong id="batch-count">3</strong> 个项目' in page and "绩效目标申报表 · 草稿、已审核" in page
    assert "A-OLD" not in page and "Excel（绩效目标申报表）" in page and 'value="pdf"' not in page
    approved = client.get(reverse("reports:batch"), {"stage": "targets", "year": 2026}).content.decode()
    assert "A-2" in approved and "A-1" not in approved  # none ticked: 已审核 targets only
    assert "<td>已审核</td>" in approved


def test_the_batch_of_a_unit_holds_each_projects_files(client, admin_user, unit_a, several) -> None:
    from reports.batch import export_job_run
    from reports.models import ExportJob

    client.force_login(admin_user)
    data = {"stage": "targets", "year": 2026, "unit": unit_a.pk, "statuses": ["draft", "approved"],
            "fmt": ["docx", "xlsx"]}  # fmt: skip
    response = client.post(reverse("reports:batch"), data)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.kind == ExportJob.Kind.TARGETS
    assert job.filename == "2026-140001-绩效目标申报表.zip" and job.total == 2
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    folder = "140001-内蒙古自治区妇女联合会"
    assert sorted(archive.namelist()) == [f"{folder}/A-{n}-妇女创业就业培训-绩效目标申报表.{fmt}"
                                          for n in (1, 2) for fmt in ("docx", "xlsx")]  # fmt: skip
    book = values(sheet_of(archive.read(f"{folder}/A-2-妇女创业就业培训-绩效目标申报表.xlsx")))
    assert book[0][0] == TITLE and book[2][:2] == ["项目名称", "A-2-妇女创业就业培训"]
    doc = Document(io.BytesIO(archive.read(f"{folder}/A-1-妇女创业就业培训-绩效目标申报表.docx")))
    assert doc.tables[0].rows[0].cells[1].text == "A-1-妇女创业就业培训"


def test_a_department_batch_takes_every_unit_of_it(client, admin_user, unit_a, several) -> None:
    from reports.models import ExportJob

    client.force_login(admin_user)
    data = {"stage": "targets", "year": 2026, "department": unit_a.department.pk, "statuses": ["draft"],
            "fmt": ["xlsx"]}  # fmt: skip
    assert client.post(reverse("reports:batch"), data).status_code == 302
    job = ExportJob.objects.get()
    names = dict(Project.objects.filter(pk__in=job.project_ids).values_list("code", "unit__code"))
    assert names == {"A-1": "140001", "B-1": "140002"}  # both units share the fixture's 主管部门


def test_the_batch_of_declarations_refuses_pdf(client, admin_user, several) -> None:
    client.force_login(admin_user)
    response = client.post(reverse("reports:batch"), {"stage": "targets", "year": 2026, "fmt": ["pdf"]})
    assert response.status_code == 400 and "绩效目标申报表只能导出 Word 或 Excel" in response.content.decode()


def test_the_self_evaluation_batch_is_as_before(client, admin_user, several) -> None:
    from reports.models import ExportJob

    client.force_login(admin_user)
    data = {"year": 2026, "statuses": ["draft"], "fmt": ["xlsx"]}
    assert client.post(reverse("reports:batch"), data).status_code == 302
    job = ExportJob.objects.get()
    assert job.kind == ExportJob.Kind.BATCH and job.filename == "2026-自评表.zip"
    assert "绩效目标" not in job.scope


def test_only_an_admin_exports_a_batch_of_declarations(several, officer) -> None:
    from django.core.exceptions import PermissionDenied

    from reports.batch import export_job_create
    from reports.models import ExportJob

    with pytest.raises(PermissionDenied):
        export_job_create(user=officer, scope="x", project_ids=[several[0].pk], fmt="xlsx", kind=ExportJob.Kind.TARGETS)


# --- the /targets/ list as Excel (the lists' export with stage=targets) -----------------------------


def list_export(client, user, **query):
    client.force_login(user)
    return client.get(reverse("reports:projects_xlsx"), {"stage": "targets", **query})


def test_the_targets_list_exports_its_rows(client, officer, several) -> None:
    StageState.objects.filter(project=several[0], stage=StageKey.TARGETS).update(status=StageStatus.SUBMITTED)
    response = list_export(client, officer, year=2026)
    assert response.status_code == 200
    assert "2026%E5%B9%B4%E5%BA%A6%E7%BB%A9%E6%95%88%E7%9B%AE%E6%A0%87%E6%B1%87%E6%80%BB%E8%A1%A8.xlsx" in (
        response["Content-Disposition"])  # fmt: skip
    rows = values(sheet_of(response.content))
    assert rows[0][0] == "2026年度绩效目标汇总表" and rows[2][:5] == ["项目编码", "项目名称", "实施单位", "主管部门",
                                                                  "绩效目标状态"]  # fmt: skip
    body = rows[3:]
    assert [r[0] for r in body] == ["A-1", "A-2"]  # the officer's unit; waiting first; not 随自评填报
    assert body[0][4:9] == ["已提交", 1250.5, 6, 90, None]
    assert "缺少" not in (body[0][9] or "")  # 数量, 成本, 效益 and 满意度 are all there
    only = values(sheet_of(list_export(client, officer, year=2026, status="approved").content))[3:]
    assert [r[0] for r in only] == ["A-2"] and only[0][4] == "已审核"


def test_the_targets_list_export_shows_the_review_and_the_checks(client, evaluator, unit_a) -> None:
    from targets.models import TargetReview

    project = declare(unit_a, code="A-W", weights=False)
    TargetReview.objects.create(project=project, round=1, reviewer=evaluator, result="中", completeness="缺成本",
                                relevance="相关", appropriateness="适当", feasibility="可行")  # fmt: skip
    (row,) = values(sheet_of(list_export(client, evaluator, year=2026).content))[3:]
    assert row[7:9] == [None, "中"] and "未设权重" in row[9]


def test_another_units_declarations_are_not_exported(client, other_officer, several) -> None:
    rows = values(sheet_of(list_export(client, other_officer, year=2026).content))[3:]
    assert [r[0] for r in rows] == ["B-1"]


def test_a_bad_filter_is_refused(client, officer, several) -> None:
    assert list_export(client, officer, year=2026, status="nonsense").status_code == 400
    assert list_export(client, officer, year="x").status_code == 400


def test_the_targets_list_export_asks_a_fixed_number_of_queries(client, officer, unit_a,
                                                                django_assert_max_num_queries) -> None:  # fmt: skip
    declare(unit_a, code="Q-1")
    client.force_login(officer)
    with django_assert_max_num_queries(20) as few:
        list_export(client, officer, year=2026)
    for n in range(2, 8):
        declare(unit_a, code=f"Q-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(values(sheet_of(list_export(client, officer, year=2026).content))) == 3 + 7


def test_the_targets_list_links_its_exports(client, officer, admin_user, several) -> None:
    client.force_login(officer)
    page = client.get(reverse("targets:list"), {"year": 2026}).content.decode()
    assert f"{reverse('reports:projects_xlsx')}?stage=targets&amp;year=2026&amp;status=" in page
    assert reverse("reports:batch") not in page.split("targets-exports", 1)[1].split("</div>", 1)[0]
    client.force_login(admin_user)
    page = client.get(reverse("targets:list"), {"year": 2026}).content.decode()
    assert f"{reverse('reports:batch')}?stage=targets&amp;year=2026" in page


def test_the_projects_list_export_is_unchanged(client, officer, several) -> None:
    client.force_login(officer)
    rows = values(sheet_of(client.get(reverse("reports:projects_xlsx"), {"year": 2026}).content))
    assert rows[2][4] == "状态" and "A-OLD" in [r[0] for r in rows[3:]]


# --- the command line: export_report --stage targets -------------------------------------------------


def test_export_report_writes_one_declaration(tmp_path, declared) -> None:
    path = tmp_path / "one.docx"
    call_command("export_report", declared.code, "--year", "2026", "--format", "docx", "--output", str(path),
                 "--stage", "targets")  # fmt: skip
    assert Document(str(path)).paragraphs[0].text == TITLE


def test_export_report_zips_a_units_declarations(tmp_path, unit_a, several) -> None:
    path = tmp_path / "unit.zip"
    call_command("export_report", "--unit", "140001", "--year", "2026", "--format", "xlsx", "--output", str(path),
                 "--stage", "targets", "--jobs", "1")  # fmt: skip
    names = sorted(zipfile.ZipFile(path).namelist())
    assert names == [f"140001-内蒙古自治区妇女联合会/A-{n}-妇女创业就业培训-绩效目标申报表.xlsx" for n in (1, 2)]


def test_export_report_refuses_a_pdf_declaration(tmp_path, declared) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="绩效目标申报表只能导出 docx 或 xlsx"):
        call_command("export_report", declared.code, "--year", "2026", "--format", "pdf", "--output",
                     str(tmp_path / "x.pdf"), "--stage", "targets")  # fmt: skip


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the children render with their own connections
def test_export_report_renders_declarations_in_processes_the_same_archive(tmp_path, unit_a) -> None:
    for n in range(5):
        declare(unit_a, code=f"J-{n}")
    outputs = {}
    for jobs in (1, 3):
        path = tmp_path / f"jobs{jobs}.zip"
        call_command("export_report", "--unit", "140001", "--year", "2026", "--format", "xlsx", "--output",
                     str(path), "--stage", "targets", "--jobs", str(jobs))  # fmt: skip
        outputs[jobs] = zipfile.ZipFile(path).namelist()
    assert outputs[1] == outputs[3] and len(outputs[1]) == 5


def test_a_deadline_target_reads_as_a_date(tmp_path, unit_a) -> None:
    import datetime

    project = factories.project(unit=unit_a, code="T-DATE", year=2026)
    factories.indicator(project, level3="完成时限", level2="时效指标", comparator="≤", target=None, target_text="",
                        unit="", deadline=datetime.date(2026, 11, 30))  # fmt: skip
    rows = values(sheet_of(render(declarations_for([project.pk])[0], "xlsx")))
    assert rows[-1][4:6] == ["≤", "2026年11月30日前"]
