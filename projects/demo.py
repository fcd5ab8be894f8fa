"""Demo data: two units with projects in every state, and the four demo users (contract.md).

The numbers come from the seed reports: seed 000 (2022年北疆布丝瑰创业就业行动, 93.62 / 优 under
`national`) and the Inner Mongolia target table of seed 001.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal as D
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from openpyxl import Workbook

from indicators.models import Indicator, direction_of
from indicators.services import workbook_import
from projects.models import (
    Department,
    Fund,
    FundSource,
    Membership,
    Project,
    ReviewAction,
    ReviewRound,
    Role,
    StageState,
    Status,
    Unit,
    YearPlan,
)
from projects.scores import projects_rescore
from projects.stages import Action, StageKey, StageStatus
from projects.workflow import transition
from reports.models import Narrative
from review.models import ReviewNote

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
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    """A moment of the evaluation season after the fiscal year (the demo's rounds happen then)."""
    return datetime.datetime(YEAR + 1, month, day, hour, 0, tzinfo=SHANGHAI)


# What each state looks like after a real round: (action, who, when, comment) in order.
ROUNDS = {
    Status.DRAFT: (),
    Status.SUBMITTED: ((ReviewAction.SUBMIT, "officer", _at(3, 12), ""),),
    Status.RETURNED: (
        (ReviewAction.SUBMIT, "officer", _at(3, 10), ""),
        (ReviewAction.RETURN, "evaluator", _at(3, 14, 15),
         "“培训（参会）人次”未达目标，请补充两期培训的签到表，并在偏差原因中说明缺席人员的情况后重新提交。"),
    ),
    Status.APPROVED: (
        (ReviewAction.SUBMIT, "officer", _at(3, 5), ""),
        (ReviewAction.APPROVE, "evaluator", _at(3, 9, 16),
         "经核实佐证材料，各项指标完成情况属实；两项时效、成本指标按原自评报告的审核意见调整得分，同意。"),
    ),
}  # fmt: skip
# 审核意见 the evaluator wrote on indicators in the round under review: (三级指标, text)
NOTES = {
    Status.RETURNED: (("培训（参会）人次", "请附两期培训的签到表，缺席两人的情况写入偏差原因。"),),
    Status.APPROVED: (("基础手工技能培训成本", "培训人次超出预期，成本超支有佐证材料，按原审核意见调整为 1 分。"),),
}
# The 自评报告 text an officer writes before submitting (the sections the workflow asks for).
NARRATIVES = {
    "seed000": {
        "introduction": "北疆布丝瑰创业就业行动围绕手工艺技能培训、新产品研发和品牌宣传，带动城乡妇女创业就业。",
        "outputs": "全年开展手工艺技能培训9期，新研发产品98款，促进300名妇女就业增收。",
        "management": "项目资金实行专账核算、专款专用，支出按规定履行审批程序，未发现挤占挪用。",
        "problems": "受疫情影响，基础手工技能培训完成周期延长，培训成本超出预期。",
        "plans": "巩固已有基地并拓展新的基地，继续开展分层分类培训。",
        "measures": "提前制定培训计划，合理测算培训成本，加强过程监控。",
    },
    "training": {
        "introduction": "妇女工作培训经费用于妇女干部履职能力培训。",
        "outputs": "全年举办培训5天，培训48人次。",
        "management": "培训经费按标准支出，专款专用。",
        "problems": "两期培训各有一人因病缺席，参训人次略低于目标。",
        "plans": "下一年度按实际需求安排培训名额。",
        "measures": "培训前确认参训人员，设置候补名单。",
    },
}
LOW_EXECUTION_REASON = "部分培训受疫情影响延期，相关费用未在年内支付。"


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


def _project(units: dict[str, Unit], spec: tuple, users: dict[str, object]) -> None:
    unit_key, code, name, status, annual, executed, rows = spec
    complete = status != Status.DRAFT  # submitted once: everything a real round asks for is there
    defaults = {"unit": units[unit_key], "name": name, "status": status, "annual_goal": GOAL,
                "low_execution_reason": LOW_EXECUTION_REASON if complete else ""}  # fmt: skip
    if complete:
        defaults["actual_summary"] = "各项绩效指标均已完成，详见自评表。"
    project, _ = Project.objects.update_or_create(code=code, year=YEAR, defaults=defaults)
    Fund.objects.update_or_create(project=project, source=FundSource.FISCAL, defaults={
        "initial": D(annual), "annual": D(annual), "executed": D(executed)})  # fmt: skip
    project.indicators.all().delete()
    items = [_indicator(project, i, row) for i, row in enumerate(rows, start=1)]
    if status == Status.APPROVED:  # the published report lowered two scores by hand (domain.md §5)
        for item, score in ((items[5], "3.00"), (items[6], "1.00")):
            item.adjusted_score, item.adjusted_by, item.adjusted_at = D(score), users["evaluator"], _at(3, 9, 15)
            item.adjust_reason = "按原自评报告的审核意见调整"
    Indicator.objects.bulk_create(items)
    _narrative(project, "seed000" if rows is SEED000 else "training", complete=complete)
    _rounds(project, status, officer=users[f"officer_{unit_key.lower()}"], evaluator=users["evaluator"])
    # entered before the rounds, as in a real season (the timeline reads in order)
    Project.history.filter(id=project.pk).update(history_date=_at(2, 20))
    Fund.history.filter(project_id=project.pk).update(history_date=_at(2, 20))


def _narrative(project: Project, key: str, *, complete: bool) -> None:
    if complete:
        Narrative.objects.update_or_create(project=project, defaults=NARRATIVES[key])
    else:
        Narrative.objects.filter(project=project).delete()


def _rounds(project: Project, status: str, *, officer: object, evaluator: object) -> None:
    """The review rounds that left the project in `status`, with who, when and the comments."""
    project.rounds.all().delete()
    actors = {"officer": officer, "evaluator": evaluator}
    for action, who, when, comment in ROUNDS[status]:
        step = ReviewRound.objects.create(project=project, number=1, action=action, actor=actors[who], reason=comment)
        ReviewRound.objects.filter(pk=step.pk).update(created_at=when)  # auto_now_add: the demo's own date
    # the self-evaluation's stage row as the rounds left it (a rerun resets a project changed meanwhile)
    StageState.objects.filter(project=project, stage=StageKey.SELF_EVALUATION).update(
        status=status, round=1 if ROUNDS[status] else 0
    )
    submitted = project.rounds.filter(action=ReviewAction.SUBMIT).first()
    for level3, text in NOTES.get(status, ()):
        indicator = project.indicators.get(level3=level3)
        note = ReviewNote.objects.create(round=submitted, indicator=indicator, indicator_name=level3, text=text,
                                         author=evaluator)  # fmt: skip
        written = ROUNDS[status][-1][2] - datetime.timedelta(hours=1)  # while reviewing, before the verdict
        ReviewNote.objects.filter(pk=note.pk).update(created_at=written, updated_at=written)


@transaction.atomic
def load_demo() -> list[str]:
    """Create or refresh the demo; returns the lines that describe the users."""
    department, _ = Department.objects.get_or_create(name="内蒙古自治区妇女联合会", defaults={"code": "140"})
    units = {}
    for key, (code, name) in UNITS.items():
        units[key], _ = Unit.objects.update_or_create(code=code, defaults={"name": name, "department": department})
    lines = _users(units)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[name for name, *_ in USERS])}
    for spec in PROJECTS:
        _project(units, spec, users)
    projects_rescore(project_ids=list(Project.objects.filter(year=YEAR).values_list("pk", flat=True)))
    _stage_year(users)
    return lines


# --- a year as stages: declarations (绩效目标) and a mid-year 运行监控 ---------------------------

STAGE_YEAR = YEAR - 1  # a year before the evaluated one, so "next year" stays free for copies
UNIT_A, UNIT_B = "140001-内蒙古自治区妇女联合会", "140002-内蒙古妇女干部学校"
DECLARED = ["项目名称", "单位名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
            "度量单位", "权重"]  # fmt: skip
# unit A declares a complete set (submitted for review); unit B a draft with §8's usual faults
DECLARATIONS = (
    [f"15000024T000000000910-北疆布丝瑰创业就业行动（{STAGE_YEAR}）", UNIT_A, 900, GOAL, "产出指标", "数量指标",
     "开展手工艺技能培训", "≥", 9, "期", 20],
    ["", "", None, "", "产出指标", "质量指标", "培训合格率", "≥", 90, "%", 15],
    ["", "", None, "", "产出指标", "成本指标", "人均培训成本", "≤", 2000, "元", 15],
    ["", "", None, "", "效益指标", "社会效益指标", "促进妇女就业增收", "≥", 300, "人", 30],
    ["", "", None, "", "满意度指标", "服务对象满意度指标", "参训学员满意度", "≥", 90, "%", 10],
    [f"15000024T000000007460-妇女干部培训（{STAGE_YEAR}）", UNIT_B, 44, "提升妇女干部履职能力。", "产出指标",
     "数量指标", "培训人次", "≥", "", "人次", None],
    ["", "", None, "", "效益指标", "社会效益指标", "履职能力", "定性", "稳步提高", "", None],
    ["", "", None, "", "满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", "**", "%", None],
)  # fmt: skip
MONITORED = ["项目名称", "单位名称", "全年预算数", "1-7月执行数", "一级指标", "二级指标", "三级指标", "指标性质",
             "指标值", "度量单位", "权重", "1-7月执行情况", "全年预计完成值", "完成目标可能性", "偏差原因类别",
             "偏差原因分析", "纠偏措施"]  # fmt: skip
# domain.md §8's worked example: 1,000 万元, 300 by July (v 51.43, red), one indicator of each light
MONITORING = (
    [f"15000024T000000000920-妇女创业就业技能培训（{STAGE_YEAR}）", UNIT_A, 1000, 300, "产出指标", "数量指标",
     "培训人次", "≥", 500, "人次", 30, "200", "450", "有可能", "经费保障", "资金拨付滞后，两期培训推迟",
     "申请调度资金，8月起加开两期"],
    ["", "", None, None, "产出指标", "成本指标", "人均培训成本", "≤", 2000, "元", 20, "1500", "1900", "确定能", "",
     "", ""],
    ["", "", None, None, "效益指标", "社会效益指标", "带动妇女就业", "≥", 100, "人", 30, "80", "130", "确定能", "",
     "", ""],
    ["", "", None, None, "满意度指标", "服务对象满意度指标", "参训学员满意度", "≥", 90, "%", 10, "", "80",
     "完全不可能", "人员保障、其他", "培训师资不足，学员反映课程偏少", "聘请外部师资，增加实操课程"],
)  # fmt: skip


def _stage_year(users: dict[str, object]) -> None:
    """STAGE_YEAR uses the targets and monitoring stages (年度安排); its declarations and one project's
    monitoring come in through the real import (the same reading, checks, locks and lights as a
    user's), so the demo shows the 绩效目标 list, its review queue and the 运行监控 overview."""
    stages = [StageKey.TARGETS, StageKey.MONITORING, StageKey.SELF_EVALUATION]
    YearPlan.objects.update_or_create(year=STAGE_YEAR, defaults={"stages": stages, "monitoring_month": 7})
    with TemporaryDirectory() as folder:
        for name, header, rows in (("declared", DECLARED, DECLARATIONS), ("monitored", MONITORED, MONITORING)):
            book = Workbook()
            book.active.append(header)
            for row in rows:
                book.active.append(row)
            book.save(f"{folder}/{name}.xlsx")
            # a re-run leaves what moved on (the declaration already submitted) as it is
            workbook_import(path=f"{folder}/{name}.xlsx", year=STAGE_YEAR, user=None, skip_refused=True)
    declared = Project.objects.filter(year=STAGE_YEAR, code="15000024T000000000910")
    if StageState.objects.filter(project__in=declared, stage=StageKey.TARGETS, status=StageStatus.DRAFT).exists():
        with transaction.atomic():
            transition(projects=list(declared), action=Action.SUBMIT, user=users["officer_a"],
                       stage=StageKey.TARGETS)  # fmt: skip
