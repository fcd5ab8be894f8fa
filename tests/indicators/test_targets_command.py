"""`manage.py targets CODE --year YYYY [--json]` on an import of seed 001 (contract.md "Targets")."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.services import workbook_import
from projects.models import Project, StageState
from tests.workbooks import seed001_workbook

pytestmark = pytest.mark.django_db

ACTION = "15000021T000000007928"  # “布丝瑰”专项行动: 11 indicators, weights 90, budget 933.00
TRAINING = "15000021T000000007457"  # 妇女工作培训经费: two 数量 rows weighted 0.2 and 0.1
KEYS = ["code", "year", "stage", "status", "total_weight", "indicators", "checks", "review"]


@pytest.fixture
def seed001(tmp_path: Path) -> None:
    workbook_import(path=seed001_workbook(tmp_path / "s1.xlsx"), year=2021, user=None)


def targets(*args: object) -> str:
    out = StringIO()
    call_command("targets", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def targets_json(code: str, year: int = 2021) -> dict:
    return json.loads(targets(code, "--year", year, "--json"))


def test_json_keys_and_values(seed001) -> None:
    data = targets_json(ACTION)
    assert list(data) == KEYS
    assert (data["code"], data["year"], data["total_weight"], data["review"]) == (ACTION, 2021, "90.00", None)
    # seed 001 has no actual column: a 绩效目标申报表, whose new projects start in the targets stage
    assert (data["stage"], data["status"]) == ("targets", "draft")
    assert len(data["indicators"]) == 11
    assert all(list(i) == ["level1", "level2", "level3", "comparator", "target", "unit", "weight"]
               for i in data["indicators"])  # fmt: skip
    cost = next(i for i in data["indicators"] if i["level3"] == "布丝魂行动计划总成本")
    assert cost == {"level1": "产出指标", "level2": "成本指标", "level3": "布丝魂行动计划总成本", "comparator": "≤",
                    "target": "933", "unit": "万元", "weight": "5.00"}  # fmt: skip
    assert data["indicators"][0]["level3"] == "手工艺竞赛、洽谈"  # the table's order


def test_checks_are_the_section_8_warnings(seed001) -> None:
    assert targets_json(ACTION)["checks"] == [
        {"code": "cost_is_budget", "level3": "布丝魂行动计划总成本",
         "message": "成本指标值 933万元 等于年度资金总额 933 万元，通常是照抄了预算数，而不是成本标准"},
    ]  # fmt: skip
    training = targets_json(TRAINING)
    assert [(c["code"], c["level3"]) for c in training["checks"]] == [
        ("weights_sum", ""), ("no_cost", ""), ("no_benefit", ""), ("no_satisfaction", ""),
    ]  # fmt: skip
    assert training["checks"][0]["message"] == "指标权重合计 0.3，应为 90"
    assert training["total_weight"] == "0.30"
    assert [i["weight"] for i in training["indicators"]] == ["0.20", "0.10"]


def test_stage_is_the_latest_stage_not_recorded(seed001) -> None:
    project = Project.objects.get(code=ACTION, year=2021)
    StageState.objects.filter(project=project, stage="self_evaluation").delete()
    StageState.objects.filter(project=project, stage="targets").update(status="submitted")
    assert (targets_json(ACTION)["stage"], targets_json(ACTION)["status"]) == ("targets", "submitted")
    StageState.objects.filter(project=project, stage="targets").update(status="recorded")
    assert (targets_json(ACTION)["stage"], targets_json(ACTION)["status"]) == (None, None)


def test_the_project_may_be_named_by_its_name(seed001) -> None:
    assert targets_json("妇女工作培训经费")["code"] == TRAINING


def test_plain_output_is_a_chinese_table(seed001) -> None:
    out = targets(TRAINING, "--year", 2021)
    assert "阶段：绩效目标 · 草稿" in out
    assert "产出指标 | 数量指标 | 培训(参会)人次 | ≥50人次 | 0.20" in out
    assert "权重合计：0.30" in out
    assert "审核提示 4 条：" in out
    assert "[weights_sum] 权重合计不符：指标权重合计 0.3，应为 90（须先处理才能提交）" in out
    assert "[no_cost] 缺少成本指标：" in out
    action = targets(ACTION, "--year", 2021)
    assert "[cost_is_budget] 成本目标等于预算 · 布丝魂行动计划总成本：成本指标值 933万元" in action


@pytest.mark.parametrize(("code", "year"), [("NOPE", 2021), (ACTION, 2022)])
def test_unknown_code_or_year_fails_in_chinese(seed001, code, year) -> None:
    with pytest.raises(CommandError, match=f"未找到 {year} 年度的项目“{code}”"):
        targets(code, "--year", year, "--json")
