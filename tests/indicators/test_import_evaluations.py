"""An import scores each project once: its warnings, stored totals and preview share one evaluation."""

from __future__ import annotations

import datetime
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

import indicators.preview
import indicators.services
import projects.scores
from indicators.importer import parse_rows
from indicators.models import Indicator
from indicators.services import project_warnings, reads_alike, workbook_import
from indicators.workbook import read_workbook
from projects.models import Project
from scoring.rules import evaluate
from scoring.schemes import get_scheme
from scoring.types import BudgetInput, EvaluationInput, IndicatorInput

pytestmark = pytest.mark.django_db

HEADER = ["项目名称", "单位名称", "全年预算数", "全年执行数", "一级指标", "二级指标", "三级指标", "指标值", "度量单位",
          "权重", "实际完成值", "偏差原因分析及改进措施"]  # fmt: skip
# warnings of every kind the workbook can cause: sign assumed, missing reason, over-completion, unit
# mismatch, a qualitative actual read from text, weights off, low execution
ROWS = [
    ("产出指标", "数量指标", "培训人次", "500", "人次", 20, "400", ""),
    ("产出指标", "质量指标", "合格率", "≥90", "%", 15, "150", ""),
    ("产出指标", "成本指标", "人均成本", "≤2000", "元", 5, "1.8万元", ""),
    ("效益指标", "社会效益指标", "就业带动", "明显提升", "", 30, "效果明显", ""),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥90", "%", 10, "80", "原因已说明"),
]


def workbook(path: Path, projects: int, *, bad: bool = False) -> Path:
    """`projects` projects of ROWS; with `bad`, every weight is words (each row an error)."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(projects):
        for i, (*cells, weight, actual, reason) in enumerate(ROWS):
            head = [f"E22{n:05d}-项目{n}", "140001-单位", 100, 50] if i == 0 else ["", "", None, None]
            sheet.append([*head, *cells, "十分" if bad else weight, actual, reason])
    book.save(path)
    return path


@pytest.fixture
def evaluations(monkeypatch) -> list[EvaluationInput]:
    """Every input the engine scores during the test."""
    seen: list[EvaluationInput] = []

    def counting(data: EvaluationInput):
        seen.append(data)
        return evaluate(data)

    for module in (indicators.services, indicators.preview, projects.scores):
        monkeypatch.setattr(module, "evaluate", counting)
    return seen


def expected_warnings(path: Path, year: int) -> list:
    scheme = get_scheme("national")
    parsed = parse_rows(list(read_workbook(path)), scheme, year=year)
    return [(p.label, w) for p in parsed for w in project_warnings(p, scheme, year=year)]


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_scores_each_new_project_once(tmp_path, evaluations, dry_run) -> None:
    path = workbook(tmp_path / "w.xlsx", 4)
    report = workbook_import(path=path, year=2022, dry_run=dry_run, user=None)
    assert len(evaluations) == 4
    assert report.warnings == expected_warnings(path, 2022)
    if not dry_run:
        assert [p.warning_count for p in Project.objects.order_by("code")] == [len(report.warnings) // 4] * 4


def test_warnings_stay_the_workbooks_own_where_the_stored_rows_read_otherwise(tmp_path, evaluations) -> None:
    path = workbook(tmp_path / "w.xlsx", 2)
    workbook_import(path=path, year=2022, user=None)
    Indicator.objects.filter(level3="培训人次").update(reason="旧原因")  # kept: the workbook's cell is blank
    Project.objects.update(low_execution_reason="已说明")
    evaluations.clear()
    report = workbook_import(path=path, year=2022, dry_run=True, user=None)
    assert len(evaluations) == 4  # the workbook's reading, and the stored one the preview shows
    assert report.warnings == expected_warnings(path, 2022)
    assert "须说明原因" in " ".join(w.message for _, w in report.warnings)


# --- reads_alike: the engine reads everything but target_text ----------------------------------

LEAF = IndicatorInput("产出指标", "数量指标", "人次", "≥", Decimal(10), target=Decimal(5), target_text="5")
DATA = EvaluationInput(get_scheme("national"), (LEAF,), BudgetInput(Decimal(1), Decimal(1)), ("别名",), "A1", 2022)
DAY = datetime.date(2022, 6, 30)
OTHER = {
    "level1": "效益指标", "level2": "质量指标", "level3": "其他", "comparator": "≤", "weight": Decimal(9),
    "target": Decimal(6), "unit": "个", "deadline": DAY, "actual": Decimal(1), "actual_text": "1",
    "actual_label": "达成", "actual_date": DAY, "actual_assumed": True, "sign_assumed": True,
    "not_applicable": True, "reason": "说明", "adjusted": Decimal(1), "actual_unit": "件",
}  # fmt: skip


def test_only_the_target_text_may_differ() -> None:
    assert reads_alike(DATA, replace(DATA, indicators=(replace(LEAF, target_text=""),)))


@pytest.mark.parametrize("name", sorted(OTHER))
def test_any_other_indicator_field_differs(name) -> None:
    assert not reads_alike(DATA, replace(DATA, indicators=(replace(LEAF, **{name: OTHER[name]}),)))


PROJECT_OTHER = {
    "scheme": get_scheme("hubei"), "indicators": (), "budget": None, "name_variants": (), "code": "B", "year": 2023,
    "low_execution_explained": True,
}  # fmt: skip


def test_every_field_is_listed() -> None:
    assert {f.name for f in fields(IndicatorInput)} == {*OTHER, "target_text"}
    assert {f.name for f in fields(EvaluationInput)} == set(PROJECT_OTHER)


@pytest.mark.parametrize("name", sorted(PROJECT_OTHER))
def test_any_project_field_differs(name) -> None:
    assert not reads_alike(DATA, replace(DATA, **{name: PROJECT_OTHER[name]}))


# --- a created row's input stands for the workbook's reading of it ------------------------------

VARIED = [
    ("产出指标", "数量指标", "培训人次", "500", "人次", 20, "400", ""),  # sign assumed, short
    ("产出指标", "质量指标", "合格率", "≥90", "%", 10, "150", "超额说明"),  # over-completion
    ("产出指标", "成本指标", "人均成本", "≤2000", "元", 5, "1.8万元", ""),  # another unit
    ("产出指标", "时效指标", "完成时间", "2022年6月30日前", "", 5, "2022年7月15日", "延期"),  # a deadline
    ("产出指标", "数量指标", "验收项目", "≥12", "个", 10, "", ""),  # no actual yet
    ("效益指标", "社会效益指标", "就业带动", "明显提升", "", 20, "效果明显", ""),  # a label read from text
    ("效益指标", "可持续影响指标", "长效机制", "建立", "", 10, "不适用", "本年度未涉及"),  # 不适用
    ("满意度指标", "服务对象满意度指标", "满意度", "≥90", "%", 10, "80%", "原因已说明"),
]


def test_a_created_rows_input_reads_as_the_workbook_does(tmp_path) -> None:
    """_Writer._score takes the created rows' own inputs for the workbook's reading of a new project
    (evaluation_input's `created`): they must read alike whatever the row holds, and the warnings stay
    the workbook's own."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i, (*cells, weight, actual, reason) in enumerate(VARIED):
        head = ["E2200001-项目", "140001-单位", 100, 50] if i == 0 else ["", "", None, None]
        sheet.append([*head, *cells, weight, actual, reason])
    book.save(path := tmp_path / "varied.xlsx")
    scheme = get_scheme("national")
    (p,) = parse_rows(list(read_workbook(path)), scheme, year=2022)
    assert any(i.not_applicable for i in p.indicators.values())
    project = Project(code=p.code, year=2022, scheme="national")
    rows = []
    for position, item in enumerate(p.indicators.values(), start=1):
        row = Indicator(project=project, level1=item.level1, level2=item.level2, level3=item.level3)
        indicators.services._apply_indicator(row, item, position)
        rows.append(projects.scores.indicator_input(row))
    shared = indicators.services.evaluation_input(p, scheme, year=2022, created=tuple(rows))
    own = indicators.services.evaluation_input(p, scheme, year=2022)
    assert reads_alike(shared, own)
    assert evaluate(shared).warnings == evaluate(own).warnings
    report = workbook_import(path=path, year=2022, user=None)
    assert report.warnings == expected_warnings(path, 2022)
