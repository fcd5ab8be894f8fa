"""Units, projects, funds and who works on them (domain.md §1)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.dispatch import Signal
from simple_history.models import HistoricalRecords

from evalsys.lib.codes import normalize_code
from projects.stages import STAGES, StageKey, StageStatus
from scoring.schemes import DEFAULT_KEY, scheme_choices

MONEY = {"max_digits": 16, "decimal_places": 2}


def audit_history(**kwargs: Any) -> HistoricalRecords:
    """Who, when, old → new and why for every change; a reason is kept whole, however long."""
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True), **kwargs)


class Department(models.Model):
    """主管部门."""

    code = models.CharField("部门编码", max_length=32, blank=True)
    name = models.CharField("部门名称", max_length=200, unique=True)
    # set by an admin: the scheme every new project of the department's units is scored by
    scheme = models.CharField("评分方案", max_length=40, choices=scheme_choices, blank=True,
                              help_text="本部门所属单位新建项目采用的评分方案；留空时使用系统默认方案")  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = "主管部门"
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="department_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}-{self.name}" if self.code else self.name


class Unit(models.Model):
    """预算单位 / 实施单位."""

    department = models.ForeignKey(
        Department, verbose_name="主管部门", on_delete=models.PROTECT, null=True, blank=True, related_name="units"
    )
    code = models.CharField("单位编码", max_length=32, blank=True)
    name = models.CharField("单位名称", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "预算单位"
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="unit_code_unique"),
            models.UniqueConstraint(fields=["name"], condition=Q(code=""), name="unit_uncoded_name_unique"),
        ]
        # the units in their order (the lists' unit selects; the batch-export picker walks it unit by unit,
        # each unit's projects by an index of Project, instead of sorting the year's chosen projects)
        indexes = [models.Index(fields=["code", "name"], name="unit_code_name")]

    def __str__(self) -> str:
        return f"{self.code}-{self.name}" if self.code else self.name


class Role(models.TextChoices):
    OFFICER = "officer", "填报人"
    EVALUATOR = "evaluator", "审核人"
    ADMIN = "admin", "管理员"


class Membership(models.Model):
    """A user's role: an officer belongs to one unit; an evaluator reviews assigned units."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE)
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.PROTECT, null=True, blank=True)
    review_units = models.ManyToManyField(Unit, verbose_name="负责审核的单位", blank=True, related_name="reviewers")

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"
        constraints = [
            models.CheckConstraint(condition=~Q(role=Role.OFFICER) | Q(unit__isnull=False), name="officer_has_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


def stage_choices() -> list[tuple[str, str]]:  # callable choices: a stage added needs no migration
    return [(spec.key, spec.label) for spec in sorted(STAGES.values(), key=lambda s: s.order)]


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"
    NOT_OPEN = "not_open", "未开始"  # the targets are being declared: the self-evaluation opens on their approval


class CodeField(models.CharField):
    """A 预算项目编码, always in its one form (evalsys.lib.codes.normalize_code): a form's input,
    every save and every lookup (`code=`, `code__in=`) are normalised, so `t` finds `T`."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalize_code(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return normalize_code(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str) and value != normalize_code(value):
            setattr(model_instance, self.attname, normalize_code(value))
        return super().pre_save(model_instance, add)


CODE_YEAR_TAKEN = "该年度已有此项目编码的项目；同一编码每个年度只能有一个项目，请直接编辑已有项目或核对编码"
NAME_YEAR_TAKEN = "本单位该年度已有同名且无编码的项目，请直接编辑已有项目或换一个名称"


# sent with the new projects by Project.objects.bulk_create, which sends no post_save: the stage rows
# every project has (projects.signals) come with them whichever path inserts in bulk
projects_created = Signal()


class ProjectQuerySet(models.QuerySet):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(objs, *args, **kwargs)
        projects_created.send(sender=self.model, projects=created)
        return created


class Project(models.Model):
    """项目: identified by code + fiscal year, or by exact name within its unit when uncoded."""

    unit = models.ForeignKey(Unit, verbose_name="实施单位", on_delete=models.PROTECT, related_name="projects")
    year = models.PositiveSmallIntegerField("年度")
    code = CodeField("项目编码", max_length=64, blank=True)
    name = models.CharField("项目名称", max_length=300)
    attribute = models.CharField("项目属性", max_length=50, blank=True)
    overall_goal = models.TextField("总体目标", blank=True)
    annual_goal = models.TextField("年度目标", blank=True)
    actual_summary = models.TextField("实际完成情况", blank=True)
    # asked for when the execution rate is below the scheme's threshold (low_execution blocks submission)
    low_execution_reason = models.TextField("执行率偏低原因", blank=True)
    # a callable: a scheme added to scoring/schemes.py needs no migration
    scheme = models.CharField("评分方案", max_length=40, choices=scheme_choices, default=DEFAULT_KEY)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    name_variants = models.JSONField("导入时出现的其他名称", default=list, blank=True)
    version = models.PositiveIntegerField("版本", default=0, help_text="每次保存加一，用于发现并发修改")
    # The scoring engine's result, stored for list pages and overviews over thousands of projects;
    # every write path calls projects.scores.projects_rescore, and `manage.py rescore` rebuilds it.
    score_total = models.DecimalField("总分", max_digits=7, decimal_places=2, null=True, blank=True, editable=False)
    score_grade = models.CharField("等级", max_length=8, blank=True, editable=False)
    # amounts below 1e14 over at least 0.01 万元: a rate below 1e18 %
    execution_rate = models.DecimalField("预算执行率（%）", max_digits=22, decimal_places=2, null=True, blank=True,
                                         editable=False)  # fmt: skip
    warning_count = models.PositiveIntegerField("提示数", default=0, editable=False)
    # the distinct warning codes as ",code,code," (the lists filter on one with LIKE on either engine)
    warning_codes = models.CharField("提示类型", max_length=400, blank=True, default="", editable=False)
    # every indicator has an actual or is 不适用 (and there is one): 待提交 rather than 待填报 in the to-do
    answered = models.BooleanField("完成值已填齐", default=False, editable=False)
    # whether any actual or executed amount exists: until then the page says 未评分, not 0.00 分 · 差
    scored = models.BooleanField("已有完成值", default=False, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = audit_history(
        excluded_fields=[
            "updated_at",
            "version",
            "score_total",
            "score_grade",
            "execution_rate",
            "warning_count",
            "warning_codes",
            "answered",
            "scored",
        ],
        verbose_name="项目修改记录",
    )
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "项目"
        ordering = ["-year", "code", "name"]
        constraints = [
            # said in Chinese wherever a form meets them (Django's default names the constraint)
            models.UniqueConstraint(
                fields=["code", "year"],
                condition=~Q(code=""),
                name="project_code_year_unique",
                violation_error_code="code_year_taken",
                violation_error_message=CODE_YEAR_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "name"],
                condition=Q(code=""),
                name="project_uncoded_name_unique",
                violation_error_code="name_year_taken",
                violation_error_message=NAME_YEAR_TAKEN,
            ),
            # codes are stored in their one form (CodeField): `t` and `T` cannot both exist in a year
            models.CheckConstraint(
                condition=Q(code=Upper("code")),
                name="project_code_upper",
                violation_error_message="项目编码须为大写形式",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="project_year_range"),
        ]
        # what the project lists and the review queue filter by: a year's projects by state, by unit
        indexes = [
            # the lists' counts per 状态 within a year (and, with unit, an evaluator's units) from the index alone
            models.Index(fields=["year", "status", "unit"], name="project_year_status_unit"),
            models.Index(fields=["year", "unit"], name="project_year_unit"),
            # the lists' default order (项目编码)
            models.Index(fields=["year", "code"], name="project_year_code"),
            # the to-do counts of every year by state
            models.Index(fields=["status", "answered", "year", "unit"], name="project_todo"),
            # the review queue (one state) sorted by 提示: a page reads its offset's entries, not the year's
            models.Index(fields=["year", "status", "warning_count", "id"], name="project_state_warnings"),
            # the lists sorted by 总分 (ascending; the descending order, NULLS LAST, and the search's
            # trigram indexes are PostgreSQL's own: migration 0022)
            models.Index(fields=["year", "score_total", "id"], name="project_year_total"),
            # 无提示 sorted by 总分 ascending: the lowest totals are mostly those with 提示, which the
            # index above would read past (有提示 descending likewise: PostgreSQL's own, migration 0023)
            models.Index(
                fields=["year", "score_total", "id"], condition=Q(warning_count=0), name="project_unwarned_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.code}-{self.name}" if self.code else f"{self.year} {self.name}"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Project:
        instance = super().from_db(db, field_names, values)
        # where the project was when read: a save that moves it moves its stage rows (projects.signals)
        instance._loaded_place = (instance.__dict__.get("year"), instance.__dict__.get("unit_id"))
        return instance


class FundSource(models.TextChoices):
    FISCAL = "fiscal", "当年财政拨款"
    CARRYOVER = "carryover", "上年结转资金"
    OTHER = "other", "其他资金"
    UNSPLIT = "unsplit", "未分来源"


class Fund(models.Model):
    """项目资金 by source, in 万元; 年度资金总额 is their sum and is what is scored."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="funds")
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    initial = models.DecimalField("年初预算数（万元）", null=True, blank=True, **MONEY)
    annual = models.DecimalField("全年预算数（万元）", **MONEY)
    executed = models.DecimalField("全年执行数（万元）", default=0, **MONEY)
    # set by the import when 全年预算数 was blank and 年初预算数 stands in for it (budget_assumed)
    annual_assumed = models.BooleanField("全年预算数按年初预算数", default=False)
    history = audit_history(verbose_name="资金修改记录")

    class Meta:
        verbose_name = verbose_name_plural = "项目资金"
        ordering = ["project", "source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="fund_source_unique"),
            models.CheckConstraint(
                condition=Q(annual__gte=0) & Q(executed__gte=0) & (Q(initial__isnull=True) | Q(initial__gte=0)),
                name="fund_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_source_display()}"


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", "提交"
    WITHDRAW = "withdraw", "撤回"
    RETURN = "return", "退回"
    APPROVE = "approve", "审核通过"
    REOPEN = "reopen", "重新打开"
    REJECT = "reject", "不予通过"
    REVISE = "revise", "按意见修改"
    ADJUST = "adjust", "调整绩效目标"


class ReviewRound(models.Model):
    """One step of the workflow; every round is kept (issue: 草稿 → 已提交 → 已审核 / 退回)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="rounds")
    stage = models.CharField("阶段", max_length=24, choices=stage_choices, default=StageKey.SELF_EVALUATION)
    number = models.PositiveIntegerField("轮次")
    action = models.CharField("操作", max_length=16, choices=ReviewAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT)
    reason = models.TextField("意见或理由", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核记录"
        ordering = ["project", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["submit", "approve"]) | ~Q(reason=""), name="return_and_reopen_need_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} 第{self.number}轮 {self.get_action_display()}"


class StageState(models.Model):
    """One stage of one project's year (projects.stages): its state, round and version.

    The self-evaluation's row is mirrored into Project.status by the one transition function
    (projects.workflow.transition), the only writer of either.
    """

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField("阶段", max_length=24, choices=stage_choices)
    status = models.CharField("状态", max_length=16, choices=StageStatus.CHOICES, default=StageStatus.DRAFT)
    round = models.PositiveIntegerField("轮次", default=0)
    version = models.PositiveIntegerField("版本", default=0)
    # the project's year and unit, kept here so counts per stage and status read this table's index alone
    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(Unit, verbose_name="实施单位", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("开始时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "阶段状态"
        ordering = ["project", "stage"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="stage_state_unique")]
        indexes = [
            models.Index(fields=["stage", "year", "status", "unit"], name="stage_year_status_unit"),
            # the 绩效目标 list: each state's rows newest first (targets.selectors.DeclaredPaginator)
            models.Index(fields=["stage", "year", "status", "-updated_at", "id"], name="stage_year_status_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_stage_display()} · {self.get_status_display()}"


# The kept counts where someone's work waits (the to-do: projects.selectors._todo_kept): the
# self-evaluation's 草稿, 已退回 and 已提交 (已审核 waits for nobody) and the targets stage's declaring
# and submitted states, with projects in them. The index state_count_todo holds these rows alone.
TODO_STATES = {
    StageKey.SELF_EVALUATION: (Status.DRAFT, Status.RETURNED, Status.SUBMITTED),
    StageKey.TARGETS: (StageStatus.DRAFT, StageStatus.ADJUSTING, StageStatus.RETURNED, StageStatus.REVISING,
                       StageStatus.SUBMITTED),
}  # fmt: skip
TODO_WAITING = (Q(stage=StageKey.SELF_EVALUATION, status__in=TODO_STATES[StageKey.SELF_EVALUATION])
                | Q(stage=StageKey.TARGETS, status__in=TODO_STATES[StageKey.TARGETS])) & Q(n__gt=0)  # fmt: skip


class StateCount(models.Model):
    """How many projects of a unit and year stand in each state of a stage: what the lists' 状态 tabs
    and the to-do count, read in a few rows per unit instead of counting a province's projects.

    Written only by the database's triggers (projects.counts, migration 0020), on every insert,
    delete and change of the rows counted, whoever writes them (the workflow, imports, the admin, a
    queryset's update()): the self-evaluation from Project (its status, the stage's mirror, and
    answered, which splits 待填报 from 待提交), every other stage from its StageState rows (answered
    False), warned splitting those with any 提示 (the lists' 有提示/无提示 filter). A key whose projects
    all left keeps its row at n = 0.
    """

    stage = models.CharField("阶段", max_length=24)
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16)
    unit = models.ForeignKey(Unit, verbose_name="实施单位", on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")  # fmt: skip
    answered = models.BooleanField("已全部填报", default=False)
    warned = models.BooleanField("有提示", default=False)
    n = models.IntegerField("项目数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "状态计数"
        constraints = [models.UniqueConstraint(fields=["stage", "year", "status", "unit", "answered", "warned"],
                                               name="state_count_key")]  # fmt: skip
        # the to-do of every unit (an admin's, a reviewer's of the province) adds up the waiting rows of
        # every unit: this index holds only those (11 of 19 rows a unit at 50,000 projects), in the
        # to-do's grouping order with n, so the sum is read from the index alone (index-only, presorted)
        # instead of the table's every row hashed (6 -> 2.5 ms at 1,000 units on PostgreSQL)
        indexes = [models.Index(fields=["year", "stage", "status", "answered", "n"], condition=TODO_WAITING,
                                name="state_count_todo")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.stage} {self.year} {self.status} {self.unit_id}: {self.n}"


MONTH_RANGE = "监控截至月份须在 1 到 12 之间"
MONTH_AFTER_SELF_EVALUATION = "{year} 年度已有项目提交自评，监控截至月份不能再修改（原为 {month} 月）"
LIGHT_ORDER = "预算执行黄灯线须低于绿灯线"
LIGHT_RANGE = "灯线须在 0 到 1000（%）之间"
LIGHT_LINE = {"max_digits": 6, "decimal_places": 2,
              "validators": [MinValueValidator(0, LIGHT_RANGE), MaxValueValidator(1000, LIGHT_RANGE)]}  # fmt: skip
YEAR_RANGE = "年度须在 2000 到 2100 之间"
PLAN_STAGES_HELP = "本年度使用的阶段（targets、monitoring、self_evaluation）；留空为只做自评"


class YearPlan(models.Model):
    """A fiscal year's calendar, set by an admin: the stages it uses and their dates.

    A year without a row (or without a date) does the self-evaluation only, due by
    EVALSYS_SUBMISSION_DEADLINE ("MM-DD" of the following year); its self_evaluation_due replaces
    that default for the year (the 已逾期 counts of the home page and the overview).
    """

    year = models.PositiveSmallIntegerField(
        "年度", unique=True, validators=[MinValueValidator(2000, YEAR_RANGE), MaxValueValidator(2100, YEAR_RANGE)]
    )
    stages = models.JSONField(
        "启用的阶段",
        default=list,
        blank=True,
        help_text="本年度使用的阶段（targets、monitoring、self_evaluation）；留空为只做自评",
    )
    targets_due = models.DateField("绩效目标申报截止日期", null=True, blank=True)
    monitoring_month = models.PositiveSmallIntegerField(
        "监控截至月份",
        default=7,
        help_text="运行监控填报截至几月的执行情况（1–12）",
        validators=[MinValueValidator(1, MONTH_RANGE), MaxValueValidator(12, MONTH_RANGE)],
    )
    monitoring_due = models.DateField("运行监控截止日期", null=True, blank=True)
    # when an admin opened the year's monitoring (monitoring.services.monitoring_open_year): a project
    # made after that gets its monitoring stage with its other stages (projects.workflow.stages_start)
    monitoring_opened_at = models.DateTimeField("运行监控开始时间", null=True, blank=True, editable=False)
    # the 运行监控 light bands (domain.md §8; scoring.monitoring.Thresholds), in percent: the national defaults
    budget_green = models.DecimalField(
        "预算执行绿灯线（%）", default=80, help_text="执行进度/时间进度 × 100 不低于此值为绿灯", **LIGHT_LINE
    )
    budget_yellow = models.DecimalField(
        "预算执行黄灯线（%）", default=60, help_text="不低于此值（低于绿灯线）为黄灯，更低为红灯", **LIGHT_LINE
    )
    indicator_red = models.DecimalField(
        "指标红灯线（占分值 %）", default=80, help_text="全年预计得分低于分值的此比例为红灯", **LIGHT_LINE
    )
    over_run = models.DecimalField(
        "指标蓝灯线（占目标值 %）",
        default=120,
        help_text="正向定量指标预计完成值达到目标值的此比例及以上为蓝灯（目标可能偏低）",
        **LIGHT_LINE,
    )
    self_evaluation_due = models.DateField("自评提交截止日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = audit_history(verbose_name="年度安排修改记录")

    class Meta:
        verbose_name = verbose_name_plural = "年度安排"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="year_plan_year_range"),
            models.CheckConstraint(
                condition=Q(monitoring_month__gte=1, monitoring_month__lte=12), name="year_plan_monitoring_month"
            ),
            models.CheckConstraint(
                condition=Q(budget_yellow__lt=F("budget_green")),
                name="year_plan_light_order",
                violation_error_message=LIGHT_ORDER,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度安排"

    def clean(self) -> None:
        """The 监控截至月份 is the one the year's monitoring was reported at: once a project of the year
        has submitted its self-evaluation (the year-end stage under way), it no longer moves."""
        if self.pk is None:
            return
        before = YearPlan.objects.filter(pk=self.pk).values_list("monitoring_month", flat=True).first()
        if before is None or before == self.monitoring_month:
            return
        started = (StageStatus.SUBMITTED, StageStatus.RETURNED, StageStatus.APPROVED)
        if StageState.objects.filter(stage=StageKey.SELF_EVALUATION, year=self.year, status__in=started).exists():
            raise ValidationError(
                {"monitoring_month": MONTH_AFTER_SELF_EVALUATION.format(year=self.year, month=before)}
            )
