"""Small factories for the test cast and projects."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from indicators.models import Indicator, direction_of
from projects.models import Department, Fund, FundSource, Membership, Project, Unit


def department(name: str = "内蒙古自治区妇女联合会（部门）") -> Department:
    return Department.objects.get_or_create(name=name)[0]


def unit(*, code: str, name: str) -> Unit:
    return Unit.objects.create(code=code, name=name, department=department())


def user(username: str, *, role: str, unit: Unit | None = None, review_units=(), superuser: bool = False):
    model = get_user_model()
    account = model.objects.create_user(username, password="test-pass-2026", is_staff=superuser,
                                        is_superuser=superuser)  # fmt: skip
    membership = Membership.objects.create(user=account, role=role, unit=unit)
    membership.review_units.set(review_units)
    return account


def project(*, unit: Unit, code: str = "P0001", year: int = 2022, name: str = "测试项目", **extra) -> Project:
    return Project.objects.create(unit=unit, code=code, year=year, name=name, **extra)


def fund(project: Project, *, annual: str, executed: str = "0", source: str = FundSource.FISCAL) -> Fund:
    return Fund.objects.create(project=project, source=source, annual=Decimal(annual), executed=Decimal(executed))


def indicator(project: Project, *, level3: str, comparator: str = "≥", weight: str = "10", **extra) -> Indicator:
    values = {"level1": "产出指标", "level2": "数量指标", "unit": "个", "target": Decimal("10")} | extra
    return Indicator.objects.create(project=project, level3=level3, comparator=comparator, weight=Decimal(weight),
                                    direction=direction_of(comparator), **values)  # fmt: skip


def report_text(project: Project, **texts: str):
    """The 自评报告 sections an officer must write before submitting (reports.outline.REQUIRED_SECTIONS)."""
    from reports.models import Narrative

    values = {"management": "资金按规定管理", "problems": "无重大问题", "plans": "继续实施", "measures": "加强管理",
              "experience": "按计划推进", "suggestions": "无"} | texts  # fmt: skip
    return Narrative.objects.update_or_create(project=project, defaults=values)[0]


def set_status(projects, status: str) -> int:
    """Put projects (a queryset, or filter keywords' result) in a self-evaluation state by hand, as a
    database edit would: Project.status and its stage row together (projects.workflow keeps both)."""
    from projects.models import StageState

    ids = list(projects.values_list("pk", flat=True))
    StageState.objects.filter(project__in=ids, stage="self_evaluation").update(status=status)
    return Project.objects.filter(pk__in=ids).update(status=status)
