"""`manage.py monitor CODE --year YYYY [--json]` (contract.md "Monitoring") on a project built here:
§8's worked example for the budget (1,000, 1–7月 300 → 51.43, red) and one indicator of each light."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitoring.selectors import monitor_json
from monitoring.services import Entry, monitoring_save, monitoring_start
from projects.models import FundSource, Project
from tests import factories

pytestmark = pytest.mark.django_db
D = Decimal
KEYS = ["code", "year", "month", "time_progress", "budget", "indicators", "light", "warnings"]
ROW_KEYS = ["level1", "level2", "level3", "target", "to_date", "forecast", "possibility", "forecast_score", "light",
            "reason_category", "reason"]  # fmt: skip


def monitor(*args: object) -> str:
    out = StringIO()
    call_command("monitor", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def monitored(project, officer) -> Project:
    ids = {i.level3: i.pk for i in project.indicators.all()}
    entries = {
        ids["培训人数"]: Entry("40人", "90人", "有可能", ("经费保障", "人员保障"), "师资不足，下半年补充"),
        ids["培训成本"]: Entry("12", "30", "确定能"),
        ids["群众知晓度"]: Entry("宣传已开展", "达成", "确定能"),
    }
    project.refresh_from_db()
    monitoring_save(project=project, user=officer, version=project.version, entries=entries,
                    executed={FundSource.FISCAL: D(200), FundSource.CARRYOVER: D(100)})  # fmt: skip
    return project


def test_json_is_the_contracts(monitored) -> None:
    data = json.loads(monitor("MON-1", "--year", 2026, "--json"))
    assert list(data) == KEYS
    assert all(list(row) == ROW_KEYS for row in data["indicators"])
    assert data == {
        "code": "MON-1", "year": 2026, "month": 7, "time_progress": "58.33",
        "budget": {"annual": "1000.00", "executed": "300.00", "progress": "30.00", "value": "51.43", "light": "red"},
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "level3": "培训人数", "target": "100", "to_date": "40",
             "forecast": "90", "possibility": "有可能", "forecast_score": "18.00", "light": "yellow",
             "reason_category": "经费保障、人员保障", "reason": "师资不足，下半年补充"},
            {"level1": "产出指标", "level2": "成本指标", "level3": "培训成本", "target": "30", "to_date": "12",
             "forecast": "30", "possibility": "确定能", "forecast_score": "10.00", "light": "green",
             "reason_category": "", "reason": ""},
            {"level1": "效益指标", "level2": "社会效益指标", "level3": "群众知晓度", "target": "明显提高群众知晓度",
             "to_date": "宣传已开展", "forecast": "达成", "possibility": "确定能", "forecast_score": "10.00",
             "light": "green", "reason_category": "", "reason": ""},
        ],
        "light": "red",
        "warnings": [{"code": "missing_measures", "indicator": "", "message": "项目为红灯，须填写纠偏措施后才能提交"}],
    }  # fmt: skip


def test_blue_and_an_unanswered_row(project, officer) -> None:
    ids = {i.level3: i.pk for i in project.indicators.all()}
    project.refresh_from_db()
    monitoring_save(project=project, user=officer, version=project.version, measures="加快进度",
                    entries={ids["培训人数"]: Entry(forecast="150", possibility="确定能")},
                    executed={FundSource.FISCAL: D(700)})  # fmt: skip
    data = monitor_json(project)
    assert data is not None
    assert (data["budget"]["value"], data["budget"]["light"]) == ("120.00", "green")
    assert [(r["level3"], r["light"], r["forecast_score"], r["to_date"]) for r in data["indicators"]] == [
        ("培训人数", "blue", "20.00", ""),
        ("培训成本", "red", "0.00", ""),
        ("群众知晓度", "red", "0.00", ""),
    ]
    assert data["light"] == "red"
    assert [(w["code"], w["indicator"]) for w in data["warnings"]] == [
        ("missing_forecast", "培训成本"), ("missing_forecast", "群众知晓度")]  # fmt: skip


def test_zero_budget(project, officer) -> None:
    project.funds.all().delete()
    monitoring_start(project=project, user=officer)
    data = monitor_json(project)
    assert data is not None
    assert data["budget"] == {"annual": "0.00", "executed": "0.00", "progress": "0.00", "value": "0.00", "light": "red"}
    assert data["warnings"][0]["code"] == "budget_missing"


def test_plain_text_speaks_chinese(monitored) -> None:
    text = monitor("MON-1", "--year", 2026)
    assert "1–7月运行监控：红灯" in text
    assert "执行进度 30.00%，执行进度/时间进度 51.43：红灯" in text
    assert "培训人数 | 100 | 40 | 90 | 有可能 | 18.00 | 黄灯 | 经费保障、人员保障：师资不足，下半年补充" in text
    assert "[missing_measures] 缺少纠偏措施：项目为红灯，须填写纠偏措施后才能提交" in text


def test_an_unknown_project_or_year_is_a_chinese_error(monitored) -> None:
    with pytest.raises(CommandError, match="未找到"):
        monitor("NO-SUCH", "--year", 2026, "--json")
    with pytest.raises(CommandError, match="未找到"):
        monitor("MON-1", "--year", 2025, "--json")


def test_a_project_without_monitoring_is_a_chinese_error(unit_a) -> None:
    factories.project(unit=unit_a, code="MON-0", year=2026)
    with pytest.raises(CommandError) as refused:
        monitor("MON-0", "--year", 2026, "--json")
    assert str(refused.value) == "项目“MON-0”（2026 年度）尚未填报运行监控"
