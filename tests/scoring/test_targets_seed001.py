"""Seed 001 (a 绩效目标申报表, Inner Mongolia 2021) checked end to end by the §8 target checks, from the
rows as the importer parses them. Apart from test_targets.py because the importer needs Django's
settings, which `make mutate` runs without.

Read from the seed (tests/fixtures/seeds/001_target_table_inner_mongolia.txt):
- 15000021T000000007457 妇女工作培训经费, 预算数 44.00: two 数量指标 rows weighted 0.2 and 0.1, nothing
  else: weights_sum (0.3, not 90), no 成本 (required in 2021), no 效益, no 满意度.
- 15000021T000000007928 “布丝瑰”专项行动, 预算数 933.00: eleven rows in every category, weights adding
  up to 90, all targets numbers; its 成本指标 布丝魂行动计划总成本 is ≤933 万元, the budget copied:
  cost_is_budget.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from indicators.importer import parse_rows
from indicators.services import evaluation_input
from indicators.workbook import read_workbook
from scoring.schemes import NATIONAL
from scoring.targets import TargetsInput, blocking, check_targets
from scoring.types import Warning
from tests.workbooks import seed001_workbook

YEAR = 2021


def seed001_checks(tmp_path: Path) -> dict[str, tuple[Warning, ...]]:
    parsed = parse_rows(list(read_workbook(seed001_workbook(tmp_path / "s1.xlsx"))), NATIONAL, year=YEAR)
    out = {}
    for p in parsed:
        rows = evaluation_input(p, NATIONAL, year=YEAR).indicators
        out[p.code] = check_targets(TargetsInput(NATIONAL, rows, p.money_value("annual"), YEAR))
    return out


def test_seed001_targets_checks(tmp_path: Path) -> None:
    checks = seed001_checks(tmp_path)
    assert [(w.code, w.indicator) for w in checks["15000021T000000007457"]] == [
        ("weights_sum", ""),
        ("no_cost", ""),
        ("no_benefit", ""),
        ("no_satisfaction", ""),
    ]
    assert checks["15000021T000000007457"][0].message == "指标权重合计 0.3，应为 90"
    assert checks["15000021T000000007928"] == (
        Warning(
            "cost_is_budget",
            "成本指标值 933万元 等于年度资金总额 933 万元，通常是照抄了预算数，而不是成本标准",
            "布丝魂行动计划总成本",
        ),
    )


def test_seed001_only_the_training_project_is_blocked(tmp_path: Path) -> None:
    checks = seed001_checks(tmp_path)
    assert [w.code for w in blocking(checks["15000021T000000007457"])] == ["weights_sum"]
    assert blocking(checks["15000021T000000007928"]) == ()


def test_seed001_budget_is_the_declared_amount(tmp_path: Path) -> None:
    parsed = parse_rows(list(read_workbook(seed001_workbook(tmp_path / "s1.xlsx"))), NATIONAL, year=YEAR)
    assert {p.code: p.money_value("annual") for p in parsed} == {
        "15000021T000000007457": Decimal("44"),
        "15000021T000000007928": Decimal("933"),
    }
