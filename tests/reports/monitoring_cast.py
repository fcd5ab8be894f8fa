"""A monitored project for the monitoring exports' tests: §8's worked example (1,000 万元 in two
sources, 1–7月 300: 51.43, red) with a yellow, a green, a 定性 and a red row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitoring.services import Entry, monitoring_save
from projects.models import FundSource, Project, YearPlan
from tests import factories

D = Decimal
CODE = "15000026T000000000701"


@pytest.fixture
def plan() -> YearPlan:
    return YearPlan.objects.create(year=2026, stages=["monitoring", "self_evaluation"], monitoring_month=7)


@pytest.fixture
def monitored(unit_a, plan) -> Project:
    return monitored_project(unit_a, measures="加快资金拨付")


def monitored_project(unit, *, code: str = CODE, year: int = 2026, name: str = "妇女创业就业培训",
                      measures: str = "") -> Project:  # fmt: skip
    """§8's worked example: 1,000 万元 in two sources, 1–7月 300 (51.43, red); a yellow count with two
    causes, a green cost, a 定性 benefit and a red satisfaction row with its 纠偏措施."""
    p = factories.project(unit=unit, code=code, year=year, name=name, annual_goal="培训妇女500人次")
    factories.fund(p, annual="600")
    factories.fund(p, annual="400", source=FundSource.CARRYOVER)
    rows = [
        factories.indicator(p, level3="培训人数", target=D(100), unit="人", weight="20", position=1),
        factories.indicator(p, level3="培训成本", comparator="≤", level2="成本指标", target=D(30), unit="万元",
                            weight="10", position=2),
        factories.indicator(p, level3="群众知晓度", comparator="定性", level1="效益指标", level2="社会效益指标",
                            target=None, target_text="明显提高群众知晓度", unit="", weight="10", position=3),
        factories.indicator(p, level3="满意度", level1="满意度指标", level2="服务对象满意度指标", target=D(90),
                            unit="%", weight="10", position=4),
    ]  # fmt: skip
    entries = {
        rows[0].pk: Entry("40人", "90人", "有可能", ("经费保障", "人员保障"), "师资不足需下半年补充"),
        rows[1].pk: Entry("12", "30", "确定能"),
        rows[2].pk: Entry("宣传已开展", "达成", "确定能"),
        rows[3].pk: Entry("", "70", "完全不可能", ("其他",), "调查推迟", "九月补做调查"),
    }
    p.refresh_from_db()
    monitoring_save(project=p, user=None, system=True, version=p.version, entries=entries, measures=measures,
                    executed={FundSource.FISCAL: D(200), FundSource.CARRYOVER: D(100)})  # fmt: skip
    return Project.objects.get(pk=p.pk)
