"""Report fixtures: the demo projects, gathered into ReportData."""

from __future__ import annotations

import pytest

from projects.demo import load_demo
from projects.models import Project
from reports.data import ReportData, report_for

SEED_CODE = "15000025T000000000900"  # seed 000 numbers: 93.62, 优
ADJUSTED_CODE = "15000025T000000000901"  # the same, approved with two scores lowered: 92.94


@pytest.fixture
def demo(db) -> None:
    load_demo()


@pytest.fixture
def seed_report(demo) -> ReportData:
    return report_for(Project.objects.get(code=SEED_CODE))


@pytest.fixture
def adjusted_report(demo) -> ReportData:
    return report_for(Project.objects.get(code=ADJUSTED_CODE))


@pytest.fixture
def department_report(demo) -> ReportData:
    """A 部门评价 project (seed 003 shape: 决策/过程/产出/效益) with a narrative."""
    from decimal import Decimal

    from indicators.models import Indicator, direction_of
    from projects.models import Fund, Unit
    from reports.models import Narrative

    project = Project.objects.create(
        unit=Unit.objects.get(code="140001"), year=2025, code="DEPT-2025-001", name="工会社会化聘用人员社保缴费",
        scheme="department", annual_goal="保障24名社会化聘用人员社保缴费。",
    )  # fmt: skip
    Fund.objects.create(project=project, source="fiscal", annual=Decimal("33.46"), executed=Decimal("31.98"))
    rows = [
        ("决策", "项目立项", "立项依据充分性", "定性", None, "依据充分", "", 5, "达成"),
        ("决策", "绩效目标", "绩效目标合理性", "定性", None, "目标合理", "", 15, "达成"),
        ("过程", "资金管理", "预算执行率", "≥", Decimal(100), "", "%", 10, Decimal("95.58")),
        ("过程", "组织实施", "管理制度健全性", "定性", None, "制度健全", "", 10, "达成"),
        ("产出", "产出数量", "缴费人数", "≥", Decimal(24), "", "人", 20, Decimal(24)),
        ("产出", "产出成本", "社保缴费金额", "≤", Decimal("33.46"), "", "万元", 20, Decimal("31.98")),
        ("效益", "项目效益", "服务群众满意度", "≥", Decimal(95), "", "%", 20, Decimal(95)),
    ]
    for i, (l1, l2, l3, comp, target, text, unit, weight, actual) in enumerate(rows, start=1):
        qualitative = comp == "定性"
        Indicator.objects.create(
            project=project, position=i, level1=l1, level2=l2, level3=l3, comparator=comp,
            direction=direction_of(comp), target=target, target_text=text, unit=unit, weight=Decimal(weight),
            actual=None if qualitative else actual, actual_text=str(actual), actual_label=actual if qualitative else "",
            reason="" if l3 != "预算执行率" else "部分人员年中离职，缴费月数减少。",
        )  # fmt: skip
    Narrative.objects.create(project=project, problems="自评价存在自我审定的局限性。", suggestions="强化预算执行管理。")
    return report_for(project)
