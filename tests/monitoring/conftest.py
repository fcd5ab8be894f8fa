"""A year that uses the monitoring stage, and a project of it to monitor."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projects.models import FundSource, Project, YearPlan
from tests import factories

D = Decimal


@pytest.fixture
def plan() -> YearPlan:
    return YearPlan.objects.create(year=2026, stages=["monitoring", "self_evaluation"], monitoring_month=7)


@pytest.fixture
def project(unit_a, plan) -> Project:
    """1,000 万元 in two sources, a 正向 count, a 反向 cost and a 定性 benefit."""
    p = factories.project(unit=unit_a, code="MON-1", year=2026)
    factories.fund(p, annual="600")
    factories.fund(p, annual="400", source=FundSource.CARRYOVER)
    factories.indicator(p, level3="培训人数", target=D(100), unit="人", weight="20", position=1)
    factories.indicator(p, level3="培训成本", comparator="≤", level2="成本指标", target=D(30), unit="万元", weight="10",
                        position=2)  # fmt: skip
    factories.indicator(p, level3="群众知晓度", comparator="定性", level1="效益指标", level2="社会效益指标",
                        target=None, target_text="明显提高群众知晓度", unit="", weight="10", position=3)  # fmt: skip
    return Project.objects.get(pk=p.pk)


@pytest.fixture
def submitted(project, officer) -> Project:
    """`project`'s 运行监控 saved red (300 of 1,000 by July) with its 纠偏措施, and submitted."""
    from monitoring.services import Entry, monitoring_save
    from projects import workflow
    from projects.stages import Action, StageKey

    rows = {i.level3: i.pk for i in project.indicators.all()}
    entries = {rows["培训人数"]: Entry("60人", "120人", "确定能"), rows["培训成本"]: Entry("12", "30", "确定能"),
               rows["群众知晓度"]: Entry("宣传已开展", "达成", "确定能")}  # fmt: skip
    monitoring_save(project=project, user=officer, version=project.version, entries=entries,
                    executed={FundSource.FISCAL: D(300)}, measures="加快资金支付进度")  # fmt: skip
    workflow.transition(projects=[project], action=Action.SUBMIT, user=officer, stage=StageKey.MONITORING)
    return Project.objects.get(pk=project.pk)
