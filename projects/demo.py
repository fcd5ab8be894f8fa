"""Demo data: two units with projects in every state, and the four demo users (contract.md).

The numbers come from the seed reports: seed 000 (2022年北疆布丝瑰创业就业行动, 93.62 / 优 under
`national`) and the Inner Mongolia target table of seed 001.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators.models import Indicator, direction_of
from projects.models import Department, Fund, FundSource, Membership, Project, Role, Status, Unit

PASSWORD = "demo-pass-2026"
YEAR = 2025
USERS = (
    ("officer_a", Role.OFFICER, "A", "填报人（单位 A）"),
    ("officer_b", Role.OFFICER, "B", "填报人（单位 B）"),
    ("evaluator", Role.EVALUATOR, "", "审核人（单位 A、B）"),
    ("admin", Role.ADMIN, "", "管理员"),
)


@dataclass(frozen=True)
class Row:
    level1: str
    level2: str
    level3: str
    comparator: str
    target: str
    unit: str
    weight: int
    actual: str = ""
    reason: str = ""


SEED000 = (
    Row("产出指标", "数量指标", "开展手工艺技能培训", "≥", "9", "期", 7, "9"),
    Row("产出指标", "数量指标", "研发新产品", "≥", "70", "款", 8, "98"),
    Row("产出指标", "质量指标", "区域公用品牌宣传", "定性", "多渠道宣传售卖", "", 7, "达成"),
    Row("产出指标", "质量指标", "创建北疆布丝瑰基地", "定性", "巩固已有基地并拓展新的基地", "", 8, "达成"),
    Row("产出指标", "时效指标", "各项工作完成周期", "≤", "12", "个月", 5, "11"),
    Row(
        "产出指标",
        "时效指标",
        "基础手工技能培训完成周期",
        "≤",
        "7",
        "个月",
        5,
        "10",
        "受疫情因素影响，培训完成周期延长。",
    ),
    Row(
        "产出指标", "成本指标", "基础手工技能培训成本", "≤", "30", "万元", 5, "127.34", "培训人次与收益人次超预期人数。"
    ),
    Row("产出指标", "成本指标", "各项活动总成本", "≤", "900", "万元", 5, "804.73"),
    Row("效益指标", "社会效益指标", "促进妇女就业增收", "≥", "300", "人", 20, "300"),
    Row("效益指标", "可持续影响指标", "提高北疆布丝瑰品牌影响力", "定性", "持续提高", "", 10, "达成"),
    Row("满意度指标", "服务对象满意度指标", "参训学员满意度", "≥", "90", "%", 10, "95"),
)
SEED001 = (
    Row("产出指标", "数量指标", "手工竞赛、展洽活动次数", "≥", "5", "次", 10),
    Row("产出指标", "数量指标", "布丝魂工坊打造数量", "≥", "12", "个", 10),
    Row("产出指标", "质量指标", "工竞赛、展洽活动完成率", "≥", "90", "%", 10),
    Row("产出指标", "质量指标", "培训人员合格率", "≥", "90", "%", 10),
    Row("产出指标", "时效指标", "培训项目完成及时率", "≥", "90", "%", 5),
    Row("产出指标", "成本指标", "布丝魂行动计划总成本", "≤", "933", "万元", 5),
    Row("效益指标", "社会效益指标", "促进手工艺制作订单比率", "≥", "90", "%", 15),
    Row("效益指标", "可持续影响指标", "就业贫困妇女脱贫率", "≥", "90", "%", 15),
    Row("满意度指标", "服务对象满意度指标", "手工艺竞赛、洽谈", "≥", "80", "%", 4),
    Row("满意度指标", "服务对象满意度指标", "手工技能培训", "≥", "80", "%", 3),
    Row("满意度指标", "服务对象满意度指标", "布丝瑰工坊", "≥", "80", "%", 3),
)
TRAINING = (
    Row("产出指标", "数量指标", "培训（参会）人次", "≥", "50", "人次", 30, "48", "两期培训各有一人因病缺席。"),
    Row("产出指标", "数量指标", "培训（会议）天数", "≥", "5", "天", 20, "5"),
    Row("效益指标", "社会效益指标", "参训妇女干部履职能力提升", "定性", "有效提升", "", 30, "达成"),
    Row("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", "90", "%", 10, "93"),
)
# (unit, code, name, status, annual, executed, rows)
PROJECTS = (
    ("A", "15000025T000000000900", "北疆布丝瑰创业就业行动", Status.SUBMITTED, "900", "804.73", SEED000),
    ("A", "15000025T000000007928", "“布丝瑰”专项行动", Status.DRAFT, "933", "0", SEED001),
    ("A", "15000025T000000000901", "北疆布丝瑰创业就业行动（已审核示例）", Status.APPROVED, "900", "804.73", SEED000),
    ("B", "15000025T000000007457", "妇女工作培训经费", Status.RETURNED, "44", "43.10", TRAINING),
    ("B", "15000025T000000007458", "妇女干部培训（草稿）", Status.DRAFT, "44", "0", TRAINING[:2]),
)
GOAL = "推动妇女创业就业、增收致富。"
UNITS = {"A": ("140001", "内蒙古自治区妇女联合会"), "B": ("140002", "内蒙古妇女干部学校")}


def _indicator(project: Project, position: int, row: Row) -> Indicator:
    qualitative = row.comparator == "定性"
    return Indicator(
        project=project, position=position, level1=row.level1, level2=row.level2, level3=row.level3,
        comparator=row.comparator, direction=direction_of(row.comparator), weight=D(row.weight),
        target=None if qualitative else D(row.target), target_text=row.target if qualitative else "",
        unit=row.unit, actual=D(row.actual) if row.actual and not qualitative else None,
        actual_text=row.actual, actual_label=row.actual if qualitative else "", reason=row.reason,
    )  # fmt: skip


def _users(units: dict[str, Unit]) -> list[str]:
    model = get_user_model()
    lines = []
    for username, role, unit_key, label in USERS:
        user, _ = model.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(PASSWORD)
        user.save()
        defaults = {"role": role, "unit": units.get(unit_key)}
        membership, _ = Membership.objects.update_or_create(user=user, defaults=defaults)
        if role == Role.EVALUATOR:
            membership.review_units.set(units.values())
        lines.append(f"  {username:<10} {PASSWORD}  {label}")
    return lines


def _project(units: dict[str, Unit], spec: tuple, evaluator: object) -> None:
    unit_key, code, name, status, annual, executed, rows = spec
    defaults = {"unit": units[unit_key], "name": name, "status": status, "annual_goal": GOAL}
    project, _ = Project.objects.update_or_create(code=code, year=YEAR, defaults=defaults)
    Fund.objects.update_or_create(project=project, source=FundSource.FISCAL, defaults={
        "initial": D(annual), "annual": D(annual), "executed": D(executed)})  # fmt: skip
    project.indicators.all().delete()
    items = [_indicator(project, i, row) for i, row in enumerate(rows, start=1)]
    if status == Status.APPROVED:  # the published report lowered two scores by hand (domain.md §5)
        for item, score in ((items[5], "3.00"), (items[6], "1.00")):
            item.adjusted_score, item.adjusted_by, item.adjusted_at = D(score), evaluator, timezone.now()
            item.adjust_reason = "按原自评报告的审核意见调整"
    Indicator.objects.bulk_create(items)


@transaction.atomic
def load_demo() -> list[str]:
    """Create or refresh the demo; returns the lines that describe the users."""
    department, _ = Department.objects.get_or_create(name="内蒙古自治区妇女联合会", defaults={"code": "140"})
    units = {}
    for key, (code, name) in UNITS.items():
        units[key], _ = Unit.objects.update_or_create(code=code, defaults={"name": name, "department": department})
    lines = _users(units)
    evaluator = get_user_model().objects.get(username="evaluator")
    for spec in PROJECTS:
        _project(units, spec, evaluator)
    from scoring.services import projects_rescore  # scoring builds on projects

    projects_rescore(project_ids=list(Project.objects.filter(year=YEAR).values_list("pk", flat=True)))
    return lines
