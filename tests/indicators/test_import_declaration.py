"""A 绩效目标申报表 (a table with targets and no actual column) imports into the targets stage
(contract.md "Targets", domain.md §8): weights may be absent, a target that cannot be measured is
kept for the checks instead of refused, a 不适用 row is kept as such, nothing of the actuals is
written, and targets change only while the targets stage is editable."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.importer import ImportFailed
from indicators.models import Indicator
from indicators.services import workbook_import
from intake.template_workbook import EXAMPLE_NAME, TARGET_COLUMNS, TARGETS, example_rows, template_build
from projects.models import Project, StageState, Status
from scoring.schemes import NATIONAL
from tests import factories
from tests.workbooks import seed000_workbook, seed001_blocks, seed001_header

pytestmark = pytest.mark.django_db

UNIT = "140001-内蒙古自治区妇女联合会"
CODE = "15000021T000000009999"
YEAR = 2021
HEADER = ["项目名称", "单位名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
          "度量单位", "指标方向性"]  # fmt: skip
# a published target table's usual faults (domain-evidence §11): no weights, a blank target, a cost
# standard in words, a template hint, a vague 定性 target, and a row that does not apply
ROWS = [
    [f"{CODE}-测试项目", UNIT, 100, "年度目标", "产出指标", "数量指标", "培训人次", "≥", "", "人次", "正向指标"],
    ["", "", "", "", "产出指标", "数量指标", "培训天数", "≥", 5, "天", "正向指标"],
    ["", "", "", "", "产出指标", "成本指标", "采购成本", "", "参照政府采购成本控制", "", ""],
    ["", "", "", "", "产出指标", "质量指标", "不适用", "", "/", "", ""],
    ["", "", "", "", "效益指标", "社会效益指标", "带动就业", "≥", "**", "人", "正向指标"],
    ["", "", "", "", "满意度指标", "服务对象满意度指标", "参训学员满意度", "≥", 90, "%", "正向指标"],
    ["", "", "", "", "满意度指标", "服务对象满意度指标", "社会满意", "定性", "稳步提高", "", ""],
]


def table(path: Path, rows: list[list[object]] = ROWS, header: list[str] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "绩效目标表"
    sheet.append(["项目支出绩效目标申报表"])
    sheet.append(["单位：万元"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def targets_json(code: str = CODE, year: int = YEAR) -> dict:
    out = StringIO()
    call_command("targets", code, "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def stage_rows(project: Project) -> dict[str, str]:
    return dict(StageState.objects.filter(project=project).values_list("stage", "status"))


def test_a_weightless_table_imports_into_the_targets_stage(tmp_path) -> None:
    report = workbook_import(path=table(tmp_path / "t.xlsx"), year=YEAR, user=None)
    assert (report.projects_created, report.indicators_created) == (1, 7)
    project = Project.objects.get(code=CODE, year=YEAR)
    assert project.status == Status.NOT_OPEN  # no actuals or report before the targets are approved
    assert stage_rows(project) == {"targets": "draft", "self_evaluation": "not_open"}
    data = targets_json()
    assert (data["stage"], data["status"], data["total_weight"]) == ("targets", "draft", None)
    assert {i["weight"] for i in data["indicators"]} == {None}  # the table printed none
    rows = {i["level3"]: i for i in data["indicators"]}
    assert (rows["培训人次"]["comparator"], rows["培训人次"]["target"]) == ("≥", "")  # as the table has it
    assert (rows["带动就业"]["comparator"], rows["带动就业"]["target"], rows["带动就业"]["unit"]) == ("≥", "**", "人")
    assert (rows["培训天数"]["comparator"], rows["培训天数"]["target"], rows["培训天数"]["unit"]) == ("≥", "5", "天")
    assert rows["采购成本"]["target"] == "参照政府采购成本控制"


def test_the_checks_name_what_the_table_leaves_unmeasurable(tmp_path) -> None:
    report = workbook_import(path=table(tmp_path / "t.xlsx"), year=YEAR, user=None)
    checks = [(c["code"], c["level3"]) for c in targets_json()["checks"]]
    assert checks == [
        ("weights_missing", ""),
        ("unmeasurable", "培训人次"),
        ("unmeasurable", "采购成本"),
        ("unmeasurable", "带动就业"),
        ("template_text", "带动就业"),
        ("unmeasurable", "社会满意"),
    ]
    # the import prints the same checks as its warnings, and a check never blocks it
    assert [(w.code, w.indicator) for _, w in report.warnings] == checks
    # `≥` and `**` were declared quantitative: they do not count as 定性 (2 of 6 rows are)
    assert "qualitative_heavy" not in {code for code, _ in checks}


def test_a_row_that_does_not_apply_is_kept_as_such(tmp_path) -> None:
    workbook_import(path=table(tmp_path / "t.xlsx"), year=YEAR, user=None)
    row = Indicator.objects.get(project__code=CODE, level3="不适用")
    assert row.not_applicable and row.target_text == "/"
    assert all(c["level3"] != "不适用" for c in targets_json()["checks"])


def test_the_dry_run_previews_the_checks_and_writes_nothing(tmp_path) -> None:
    report = workbook_import(path=table(tmp_path / "t.xlsx"), year=YEAR, user=None, dry_run=True)
    [preview] = report.previews
    assert not preview.scored  # nothing achieved yet: 未评分, not 0.00 差
    assert [w.code for w in preview.warnings] == ["weights_missing"]
    by_row = {r.level3: [w.code for w in r.warnings] for r in preview.rows}
    assert by_row["带动就业"] == ["unmeasurable", "template_text"] and by_row["培训天数"] == []
    assert next(w for w in preview.warnings).label == "未设权重"
    assert not Project.objects.exists()


def test_seed001_without_its_weight_column_gives_weights_missing(tmp_path) -> None:
    header = seed001_header()
    drop = header.index("权重")
    rows = [[c for n, c in enumerate(cells) if n != drop] for block in seed001_blocks() for cells in block]
    workbook_import(path=table(tmp_path / "s.xlsx", rows, [h for n, h in enumerate(header) if n != drop]), year=YEAR,
                    user=None)  # fmt: skip
    action = targets_json("15000021T000000007928")
    assert [c["code"] for c in action["checks"]] == ["weights_missing", "cost_is_budget"]
    assert len(action["indicators"]) == 11 and action["total_weight"] is None


def test_weights_given_are_read_and_a_bad_one_is_still_a_row_error(tmp_path) -> None:
    weighted = [[*row, weight] for row, weight in zip(ROWS, [10, 10, 10, 0, 30, 10, 20], strict=True)]
    workbook_import(path=table(tmp_path / "w.xlsx", weighted, [*HEADER, "权重"]), year=YEAR, user=None)
    data = targets_json()
    assert data["total_weight"] == "90.00" and data["indicators"][0]["weight"] == "10.00"
    assert "weights_missing" not in {c["code"] for c in data["checks"]}
    bad = [[*ROWS[0], "十分"], *([*row, ""] for row in ROWS[1:])]
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=table(tmp_path / "b.xlsx", bad, [*HEADER, "权重"]), year=2022, user=None)
    assert caught.value.errors[0].startswith("绩效目标表!第4行 权重：")


def test_a_self_evaluation_table_still_needs_its_weights_and_targets(tmp_path) -> None:
    """With an actual column the table is a 自评表: a blank weight or target is the row's error, as before."""
    rows = [[*ROWS[0][:8], "", *ROWS[0][9:], "", "50"], [*ROWS[1], "", "5"]]
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=table(tmp_path / "s.xlsx", rows, [*HEADER, "权重", "实际完成值"]), year=YEAR, user=None)
    assert caught.value.errors == [
        "绩效目标表!第4行 指标值：为空，请填写指标值",
        "绩效目标表!第4行 权重：为空，请填写权重（分值）",
        "绩效目标表!第5行 权重：为空，请填写权重（分值）",
    ]


def test_a_declaration_changes_targets_and_never_actuals(tmp_path) -> None:
    """An evaluated project (its 自评表 imported) re-declared by a target table: the targets change,
    the actuals and reasons stay, and the project keeps its self-evaluation stage."""
    workbook_import(path=seed000_workbook(tmp_path / "s0.xlsx"), year=2022, user=None)
    project = Project.objects.get(year=2022)
    before = {i.level3: (i.actual, i.actual_text, i.reason) for i in project.indicators.all()}
    rows = [[f"{project.code}-{project.name}", str(project.unit), 933, "", "产出指标", "数量指标", "开展手工艺技能培训",
             "≥", 10, "期", "正向指标"]]  # fmt: skip
    report = workbook_import(path=table(tmp_path / "t.xlsx", rows), year=2022, user=None)
    assert (report.projects_updated, report.indicators_updated) == (1, 1)
    project.refresh_from_db()
    row = project.indicators.get(level3="开展手工艺技能培训")
    assert row.target == Decimal(10) and row.weight == Decimal(7)  # the table printed none: the stored one stays
    assert {i.level3: (i.actual, i.actual_text, i.reason) for i in project.indicators.all()} == before
    assert project.status == Status.DRAFT and stage_rows(project)["self_evaluation"] == "draft"


def test_targets_change_only_while_their_stage_is_editable(tmp_path) -> None:
    workbook_import(path=table(tmp_path / "t.xlsx"), year=YEAR, user=None)
    project = Project.objects.get(code=CODE, year=YEAR)
    StageState.objects.filter(project=project, stage="targets").update(status="submitted")
    changed = [[*ROWS[0][:8], 60, *ROWS[0][9:]], *ROWS[1:]]
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=table(tmp_path / "c.xlsx", changed), year=YEAR, user=None)
    [error] = caught.value.errors
    assert error.startswith(f"绩效目标表!第4行 项目名称：项目“{CODE}-测试项目”：") and "绩效目标" in error
    assert Indicator.objects.get(project=project, level3="培训人次").target_text == "≥"  # nothing written
    StageState.objects.filter(project=project, stage="targets").update(status="returned")
    workbook_import(path=table(tmp_path / "c.xlsx", changed), year=YEAR, user=None)
    row = Indicator.objects.get(project=project, level3="培训人次")
    assert (row.comparator, row.target) == ("≥", Decimal(60))


def test_an_officer_declares_only_their_units_projects(tmp_path) -> None:
    unit_a = factories.unit(code="140001", name="内蒙古自治区妇女联合会")
    factories.unit(code="140002", name="内蒙古妇女干部学校")
    officer = factories.user("officer_x", role="officer", unit=unit_a)
    other = [[f"{CODE}-测试项目", "140002-内蒙古妇女干部学校", *ROWS[0][2:]], *ROWS[1:]]
    with pytest.raises(ImportFailed) as caught:
        workbook_import(path=table(tmp_path / "o.xlsx", other), year=YEAR, user=officer)
    assert "您只能导入本单位" in caught.value.errors[0]
    workbook_import(path=table(tmp_path / "t.xlsx"), year=YEAR, user=officer)
    assert stage_rows(Project.objects.get(code=CODE))["targets"] == "draft"


# --- the template's targets variant ----------------------------------------------------------------


def test_the_targets_template_has_no_actual_column_and_imports_as_a_declaration(tmp_path) -> None:
    content = template_build(scheme=NATIONAL, year=2026, unit=UNIT, kind=TARGETS)
    sheet = load_workbook(BytesIO(content)).active
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header for c in TARGET_COLUMNS]
    assert "实际完成值" not in headers and "全年执行数" not in headers and "预算数" in headers
    path = tmp_path / "targets.xlsx"
    path.write_bytes(content)
    report = workbook_import(path=path, year=2026, user=None)
    project = Project.objects.get(name=EXAMPLE_NAME)
    assert stage_rows(project) == {"targets": "draft", "self_evaluation": "not_open"}
    expected = [(l1, l2, cells[0]) for l1, l2, cells, _ in example_rows(NATIONAL, TARGETS)]
    assert [(i.level1, i.level2, i.level3) for i in project.indicators.all()] == expected
    assert ("产出指标", "成本指标", "人均培训成本") in expected
    assert report.warnings == []  # the example is a complete declaration: weights 90, every category
    assert sum(f.annual for f in project.funds.all()) == Decimal(100)


def test_the_upload_page_offers_both_templates(client, tmp_path) -> None:
    unit_a = factories.unit(code="140001", name="内蒙古自治区妇女联合会")
    client.force_login(factories.user("officer_t", role="officer", unit=unit_a))
    page = client.get(reverse("intake:upload")).content.decode()
    assert 'name="template_kind"' in page and "项目支出绩效目标申报表" in page
    response = client.get(reverse("intake:template"), {"template_kind": "targets"})
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"]).endswith("项目支出绩效目标申报表模板.xlsx")
    assert "实际完成值" not in [c.value for c in load_workbook(BytesIO(response.content)).active[1]]
    default = client.get(reverse("intake:template"), {"template_kind": "nonsense"})
    assert "实际完成值" in [c.value for c in load_workbook(BytesIO(default.content)).active[1]]


def test_traditional_names_and_the_2015_satisfaction_row_read_as_domain_8_says(tmp_path) -> None:
    """`產出指標` reads as 产出指标, and the 2015 layout's 社会公众或服务对象满意度指标 is kept under 效益指标
    where it sits and counts as 满意度 (no `no_satisfaction`); a 2021 deadline in 2022 is stale_date."""
    header = ["项目名称", "实施单位", "年度资金总额", "年度目标", "一级指标", "二级指标", "三级指标", "指标值"]
    rows = [
        ["某某设备购置项目", "某某局", "50万元", "完成设备购置", "產出指標", "數量指標", "购置设备数量", "≥10台"],
        ["", "", "", "", "", "质量指标", "设备验收合格率", "100%"],
        ["", "", "", "", "", "时效指标", "完成时间", "2021年12月前"],
        ["", "", "", "", "", "成本指标", "项目总成本(≤**万元)", "≤50万元"],
        ["", "", "", "", "效益指标", "社会效益指标", "提升服务能力", "显著提升"],
        ["", "", "", "", "", "社会公众或服务对象满意度指标", "群众满意度", "≥90%"],
    ]
    workbook_import(path=table(tmp_path / "2015.xlsx", rows, header), year=2022, user=None)
    data = targets_json("某某设备购置项目", 2022)
    assert next((i["level1"], i["level2"]) for i in data["indicators"]) == ("产出指标", "数量指标")
    assert data["indicators"][-1]["level2"] == "社会公众或服务对象满意度指标"
    assert [(c["code"], c["level3"]) for c in data["checks"]] == [
        ("weights_missing", ""),
        ("stale_date", "完成时间"),
        ("template_text", "项目总成本(≤**万元)"),
        ("cost_is_budget", "项目总成本(≤**万元)"),
        ("unmeasurable", "提升服务能力"),
    ]
