"""The dry run's preview (indicators.preview): rows as they will be stored, scores, warnings by row,
and old → new against what is stored, built in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from indicators.preview import KEPT, NEW, SAME, WARNING_LABELS
from indicators.services import workbook_import
from intake.services import PREVIEW_DETAIL_LIMIT
from projects.models import Project
from tests import factories
from tests.workbooks import SEED000_CODE, SEED000_ROWS, seed000_workbook, seed001_workbook

pytestmark = pytest.mark.django_db

UNIT_A = "140001-内蒙古自治区妇女联合会"
FLAT = ["项目名称", "单位名称", "全年预算数", "全年执行数", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
        "度量单位", "权重", "实际完成值", "偏差原因分析及改进措施"]  # fmt: skip
# six rows summing to 90, all met: 100 points with the budget fully executed
ROWS = [
    ("产出指标", "数量指标", "培训人次", "≥", 500, "人次", 20, 520),
    ("产出指标", "质量指标", "培训合格率", "≥", 90, "%", 15, 95),
    ("产出指标", "时效指标", "完成周期", "≤", 12, "个月", 10, 11),
    ("产出指标", "成本指标", "人均培训成本", "≤", 2000, "元", 5, 1800),
    ("效益指标", "社会效益指标", "就业带动", "定性", "明显提升", "", 30, "达成"),
    ("满意度指标", "服务对象满意度指标", "学员满意度", "≥", 90, "%", 10, 96),
]


def flat_workbook(path: Path, projects: int, *, rows=ROWS, budget=(100, 100), code="A22{:05d}", first=0) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "自评表"
    sheet.append(FLAT)
    for n in range(first, first + projects):
        for i, row in enumerate(rows):
            head = [f"{code.format(n)}-项目{n}", UNIT_A, *budget] if i == 0 else ["", "", None, None]
            sheet.append([*head, *row, ""])
    book.save(path)
    return path


def dry_run(path: Path, user, year: int = 2022):
    return workbook_import(path=path, year=year, dry_run=True, user=user)


def test_a_new_project_shows_its_rows_scores_and_warnings(tmp_path, officer) -> None:
    report = dry_run(seed000_workbook(tmp_path / "s.xlsx"), officer)
    [p] = report.previews
    assert (p.label, p.state, p.state_label, p.unit) == (f"{SEED000_CODE}-2022年北疆布丝瑰创业就业行动", NEW, "新建",
                                                         UNIT_A)  # fmt: skip
    assert (p.total, p.grade) == ("93.62", "优")  # domain.md §5
    assert (p.budget.annual, p.budget.executed, p.budget.rate, p.budget.score) == ("900.00", "804.73", "89.41", "8.94")
    assert len(p.rows) == len(SEED000_ROWS) and {r.state for r in p.rows} == {NEW}
    first = p.rows[0]
    assert (first.level1, first.level2, first.level3, first.comparator, first.target, first.unit, first.weight,
            first.actual, first.score) == ("产出指标", "数量指标", "开展手工艺技能培训", "≥", "9", "期", "7.00", "9",
                                           "7.00")  # fmt: skip
    assert first.explanation and (first.sheet, first.row) == ("项目支出绩效自评表", 4)
    late = next(r for r in p.rows if r.level3 == "基础手工技能培训完成周期")
    assert late.score == "3.50" and "7/10" in late.explanation
    # warnings stand next to their row; the budget's at the project's head, each with its label
    over = next(r for r in p.rows if r.level3 == "研发新产品")
    assert [(w.code, w.label) for w in over.warnings] == [("over_completion", WARNING_LABELS["over_completion"])]
    assert [w.code for w in p.warnings] == ["low_execution"]
    listed = sorted(w.code for _, w in report.warnings)
    shown = sorted([w.code for w in p.warnings] + [w.code for r in p.rows for w in r.warnings])
    assert shown == listed


def test_the_preview_scores_what_confirm_stores(tmp_path, officer) -> None:
    path = flat_workbook(tmp_path / "f.xlsx", 2)
    totals = [p.total for p in dry_run(path, officer).previews]
    workbook_import(path=path, year=2022, user=officer)
    assert [str(p.score_total) for p in Project.objects.order_by("code")] == totals == ["100.00", "100.00"]


def test_an_existing_project_shows_old_to_new_and_keeps_rows_the_workbook_leaves_out(tmp_path, officer, unit_a):
    project = factories.project(unit=unit_a, code="A2200000", name="项目0", annual_goal="旧目标")
    factories.fund(project, annual="80", executed="60")
    factories.indicator(project, level3="培训人次", unit="人次", target=Decimal(400), weight="20", actual=Decimal(380))
    factories.indicator(project, level3="旧指标", weight="5", actual=Decimal(10), position=9)
    report = dry_run(flat_workbook(tmp_path / "f.xlsx", 1), officer)
    [p] = report.previews
    assert p.state == "changed"
    assert [(c.label, c.old, c.new) for c in p.changes] == [
        ("资金（当年财政拨款）全年预算数", "80.00", ""),
        ("资金（当年财政拨款）全年执行数", "60.00", ""),
        ("资金（未分来源）全年预算数", "", "100.00"),
        ("资金（未分来源）全年执行数", "", "100.00"),
    ]
    trained = next(r for r in p.rows if r.level3 == "培训人次")
    assert trained.state == "changed" and trained.state_label == "更新"
    assert {(c.label, c.old, c.new) for c in trained.changes} >= {
        ("指标值", "400", "500"),
        ("实际完成值", "380", "520"),
    }
    assert [r.state for r in p.rows if r.level3 != "培训人次"].count(NEW) == 5
    kept = p.rows[-1]
    assert (kept.level3, kept.state, kept.state_label, kept.row) == ("旧指标", KEPT, "保留", None)
    assert "导入不删除指标" in kept.explanation
    # the kept row counts as it will be stored: 90 + its 5 + the budget's 10, and the weights are off
    assert p.total == "105.00" and "weights_sum" in [w.code for w in p.warnings]


def test_an_unchanged_reimport_shows_nothing_changed(tmp_path, officer) -> None:
    path = flat_workbook(tmp_path / "f.xlsx", 1)
    workbook_import(path=path, year=2022, user=officer)
    [p] = dry_run(path, officer).previews
    assert (p.state, p.changes, {r.state for r in p.rows}) == (SAME, (), {SAME})
    assert all(r.changes == () for r in p.rows)


def test_only_admitted_projects_are_previewed(tmp_path, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="A2200001", name="项目1", status="submitted")
    report = workbook_import(path=flat_workbook(tmp_path / "f.xlsx", 2), year=2022, dry_run=True, user=officer,
                             skip_refused=True)  # fmt: skip
    assert [p.label for p in report.previews] == ["A2200000-项目0"] and len(report.skipped) == 1


def test_a_real_import_builds_no_preview(tmp_path, officer) -> None:
    assert workbook_import(path=flat_workbook(tmp_path / "f.xlsx", 1), year=2022, user=officer).previews == []


def test_year_mismatch_reaches_the_projects_head(tmp_path, officer) -> None:
    path = flat_workbook(tmp_path / "f.xlsx", 1, code="15000021T{:012d}")
    [p] = dry_run(path, officer).previews
    assert "year_mismatch" in [w.code for w in p.warnings]
    assert next(w.label for w in p.warnings if w.code == "year_mismatch") == "编码年度不符"


def _queries(path: Path, officer) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = dry_run(path, officer)
    assert report.previews
    return len(captured)


def test_the_preview_costs_the_same_queries_for_2_and_20_projects(tmp_path, officer) -> None:
    workbook_import(path=flat_workbook(tmp_path / "stored.xlsx", 10, first=9), year=2022, user=officer)
    changed = [(*row[:7], 1) if i == 0 else row for i, row in enumerate(ROWS)]  # an actual differs: an update
    small = _queries(flat_workbook(tmp_path / "s.xlsx", 2, rows=changed, first=8), officer)  # 1 new, 1 stored
    large = _queries(flat_workbook(tmp_path / "l.xlsx", 20, rows=changed), officer)  # 10 new, 10 stored
    assert large == small


def test_the_dry_run_stays_within_its_query_budget(tmp_path, officer, django_assert_max_num_queries) -> None:
    path = flat_workbook(tmp_path / "l.xlsx", 20)
    with django_assert_max_num_queries(30):
        report = dry_run(path, officer)
    assert len(report.previews) == 20


# --- the page -----------------------------------------------------------------------------------


def _upload(client, path: Path):
    file = SimpleUploadedFile("表.xlsx", path.read_bytes())
    return client.post(reverse("intake:upload"), {"file": file, "year": "2022"})


def test_the_page_costs_the_same_queries_for_2_and_20_projects(client, officer, tmp_path) -> None:
    client.force_login(officer)
    _upload(client, flat_workbook(tmp_path / "warm.xlsx", 1))  # sessions, memberships: cached or created
    counts = []
    for n in (2, 20):
        with CaptureQueriesContext(connection) as captured:
            response = _upload(client, flat_workbook(tmp_path / f"{n}.xlsx", n))
        assert response.status_code == 200 and response.content.decode().count('class="card mb-2 preview-project') == n
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_large_upload_lists_the_projects_past_the_limit_one_line_each(client, officer, tmp_path) -> None:
    client.force_login(officer)
    page = _upload(client, flat_workbook(tmp_path / "big.xlsx", PREVIEW_DETAIL_LIMIT + 2)).content.decode()
    assert page.count('class="card mb-2 preview-project') == PREVIEW_DETAIL_LIMIT
    assert "preview-brief" in page and f"A22{PREVIEW_DETAIL_LIMIT + 1:05d}-项目{PREVIEW_DETAIL_LIMIT + 1}" in page
    assert " open>" not in page  # many projects: every block starts folded


def test_a_small_upload_opens_its_blocks(client, officer, tmp_path) -> None:
    client.force_login(officer)
    page = _upload(client, flat_workbook(tmp_path / "one.xlsx", 1)).content.decode()
    assert 'preview-project state-new" open>' in page and "学员满意度" in page and "100.00" in page


def test_a_published_table_previews_what_it_imports(tmp_path) -> None:
    """Seed 001 (merged project cells, repeated headers, several units): the preview's totals are
    the stored ones."""
    path = seed001_workbook(tmp_path / "seed001.xlsx")
    report = workbook_import(path=path, year=2022, dry_run=True, user=None)
    assert len(report.previews) == report.projects_created > 1
    workbook_import(path=path, year=2022, user=None)
    stored = {f"{p.code}-{p.name}" if p.code else p.name: str(p.score_total) for p in Project.objects.all()}
    assert {p.label: p.total for p in report.previews} == stored
