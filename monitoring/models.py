"""A project's 运行监控 (domain.md §8): the report at the year's cut-off month, its observations per
indicator and its 1–M月执行数 per fund source. The lights are the pure rules' (scoring.monitoring),
stored on every save (monitoring.services) for the overview's counts over many projects."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from indicators.models import POINTS, VALUE, Indicator
from projects.models import MONEY, MONTH_RANGE, FundSource, Project, Unit, audit_history
from scoring.monitoring import BLUE, GREEN, LIGHT_LABELS, POSSIBILITIES, RED, YELLOW

LIGHTS = [(key, LIGHT_LABELS[key]) for key in (GREEN, YELLOW, RED, BLUE)]
# 偏差原因 categories (scoring.monitoring.CAUSES, then none cited) as the stored counts' column suffixes
CAUSE_COLUMNS = {"经费保障": "funds", "制度保障": "rules", "人员保障": "staff", "硬件条件保障": "facilities",
                 "其他": "other", "": "none"}  # fmt: skip
# a report's indicators by light and its yellow and red ones by category (monitoring.counts)
COUNTED = ["ind_red", "ind_yellow", "ind_blue",
           *(f"{light}_{suffix}" for light in (RED, YELLOW) for suffix in CAUSE_COLUMNS.values())]  # fmt: skip
RATE = {"max_digits": 22, "decimal_places": 2}  # as Project.execution_rate: amounts below 1e14 over 0.01


class MonitoringReport(models.Model):
    """One project's monitoring of its year (a project is one year: one report)."""

    project = models.OneToOneField(Project, verbose_name="项目", on_delete=models.CASCADE,
                                   related_name="monitoring_report")  # fmt: skip
    # the project's year and unit, kept here so the overview's counts read this table's index alone
    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(Unit, verbose_name="实施单位", on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(
        "监控截至月份", validators=[MinValueValidator(1, MONTH_RANGE), MaxValueValidator(12, MONTH_RANGE)]
    )
    measures = models.TextField("纠偏措施", blank=True)
    # stored by monitoring.services.report_recompute on every save
    light = models.CharField("监控结果", max_length=8, choices=LIGHTS, default=GREEN, editable=False)
    budget_light = models.CharField("预算执行", max_length=8, choices=LIGHTS, default=GREEN, editable=False)
    budget_annual = models.DecimalField("全年预算数（万元）", default=0, editable=False, **MONEY)
    budget_executed = models.DecimalField("1–M月执行数（万元）", default=0, editable=False, **MONEY)
    budget_progress = models.DecimalField("预算执行进度（%）", default=0, editable=False, **RATE)
    budget_value = models.DecimalField("执行进度/时间进度", default=0, editable=False, **RATE)
    # the distinct warning codes as ",code,code," (as Project.warning_codes)
    warning_codes = models.CharField("提示类型", max_length=200, blank=True, default="", editable=False)
    # the indicators by light and the yellow and red ones by 偏差原因 category (an indicator citing two
    # counts under each; `_none`: none cited), stored with the lights (monitoring.counts.report_counts):
    # what the overview adds up per unit (MonitoringCount) instead of reading the observations
    ind_red = models.PositiveIntegerField("红灯指标数", default=0, editable=False)
    ind_yellow = models.PositiveIntegerField("黄灯指标数", default=0, editable=False)
    ind_blue = models.PositiveIntegerField("蓝灯指标数", default=0, editable=False)
    red_funds = models.PositiveIntegerField("红灯·经费保障", default=0, editable=False)
    red_rules = models.PositiveIntegerField("红灯·制度保障", default=0, editable=False)
    red_staff = models.PositiveIntegerField("红灯·人员保障", default=0, editable=False)
    red_facilities = models.PositiveIntegerField("红灯·硬件条件保障", default=0, editable=False)
    red_other = models.PositiveIntegerField("红灯·其他", default=0, editable=False)
    red_none = models.PositiveIntegerField("红灯·未填写原因", default=0, editable=False)
    yellow_funds = models.PositiveIntegerField("黄灯·经费保障", default=0, editable=False)
    yellow_rules = models.PositiveIntegerField("黄灯·制度保障", default=0, editable=False)
    yellow_staff = models.PositiveIntegerField("黄灯·人员保障", default=0, editable=False)
    yellow_facilities = models.PositiveIntegerField("黄灯·硬件条件保障", default=0, editable=False)
    yellow_other = models.PositiveIntegerField("黄灯·其他", default=0, editable=False)
    yellow_none = models.PositiveIntegerField("黄灯·未填写原因", default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = audit_history(
        excluded_fields=["updated_at", "light", "budget_light", "budget_annual", "budget_executed", "budget_progress",
                         "budget_value", "warning_codes", *COUNTED],
        verbose_name="运行监控修改记录",
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = "运行监控"
        ordering = ["-year", "project"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="monitoring_month_range"),
        ]
        # the overview: a year's projects by light and unit
        indexes = [
            models.Index(fields=["year", "light", "unit"], name="monitoring_year_light_unit"),
            # the overview's project list: a year's red projects first, the furthest behind first
            models.Index(fields=["year", "light", "budget_value"], name="monitoring_year_light_value"),
            # the overview's yellow and red indicators: the reports that have some, the furthest behind first
            models.Index(fields=["year", "budget_value", "id"], condition=Q(ind_red__gt=0),
                         name="monitoring_year_red_value"),
            models.Index(fields=["year", "budget_value", "id"], condition=Q(ind_yellow__gt=0),
                         name="monitoring_year_yellow_value"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.project} · 1–{self.month}月运行监控"


class MonitoringFund(models.Model):
    """1–M月执行数 of one fund source (the 全年预算数 is the project's Fund of that source)."""

    report = models.ForeignKey(MonitoringReport, verbose_name="运行监控", on_delete=models.CASCADE,
                               related_name="funds")  # fmt: skip
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    executed = models.DecimalField("1–M月执行数（万元）", default=0, **MONEY)
    history = audit_history(verbose_name="监控执行数修改记录")

    class Meta:
        verbose_name = verbose_name_plural = "监控执行数"
        ordering = ["report", "source"]
        constraints = [
            models.UniqueConstraint(fields=["report", "source"], name="monitoring_fund_source_unique"),
            models.CheckConstraint(condition=Q(executed__gte=0), name="monitoring_fund_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_source_display()}"


class Observation(models.Model):
    """One indicator at the cut-off: value to date, full-year forecast, 完成目标可能性, 偏差原因 and 纠偏措施.
    The year-end actual stays on the indicator."""

    report = models.ForeignKey(MonitoringReport, verbose_name="运行监控", on_delete=models.CASCADE,
                               related_name="observations")  # fmt: skip
    indicator = models.ForeignKey(Indicator, verbose_name="绩效指标", on_delete=models.CASCADE,
                                  related_name="observations")  # fmt: skip
    to_date = models.DecimalField("1–M月执行情况", null=True, blank=True, **VALUE)
    to_date_text = models.CharField("1–M月执行情况（原文）", max_length=500, blank=True)
    forecast = models.DecimalField("全年预计完成值", null=True, blank=True, **VALUE)
    forecast_text = models.CharField("全年预计完成值（原文）", max_length=500, blank=True)
    forecast_label = models.CharField("预计完成档位", max_length=8, blank=True)  # 定性: 达成/部分达成/未达成
    forecast_date = models.DateField("预计完成日期", null=True, blank=True)  # a deadline target
    possibility = models.CharField("完成目标可能性", max_length=8, blank=True,
                                   choices=[(p, p) for p in POSSIBILITIES])  # fmt: skip
    causes = models.JSONField("偏差原因类别", default=list, blank=True)  # of scoring.monitoring.CAUSES
    reason = models.TextField("偏差原因分析", blank=True)
    measures = models.TextField("纠偏措施", blank=True)
    # stored by monitoring.services.report_recompute
    forecast_score = models.DecimalField("预计得分", null=True, blank=True, editable=False, **POINTS)
    light = models.CharField("监控结果", max_length=8, choices=LIGHTS, blank=True, editable=False)
    history = audit_history(excluded_fields=["forecast_score", "light"], verbose_name="指标监控修改记录")

    class Meta:
        verbose_name = verbose_name_plural = "指标监控情况"
        ordering = ["report", "id"]  # created in the tree's order; selectors sort by indicator position
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="observation_indicator_unique")]
        # the overview's counts of blue, yellow and red indicators read these entries only, not the greens
        indexes = [models.Index(fields=["light", "report"], name="observation_light_report")]

    def __str__(self) -> str:
        return f"{self.report} · {self.indicator.level3}"


class Rectification(models.Model):
    """One 整改 item of a submitted monitoring (domain.md §8): the reviewer's 整改要求和建议 (and maybe a
    暂缓拨款 recommendation for a red project), the officer's 整改结果, the reviewer's close. States:
    open → answered → closed, and answered → open when the reviewer returns the answer with a note.
    Written only by monitoring.rectification, which keeps who and when of each step here and why in
    the history."""

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        ANSWERED = "answered", "待确认"
        CLOSED = "closed", "已关闭"

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="rectifications")
    report = models.ForeignKey(MonitoringReport, verbose_name="运行监控", on_delete=models.CASCADE,
                               related_name="rectifications")  # fmt: skip
    # the project's year and unit, kept here so the to-do and the list read this table's index alone
    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(Unit, verbose_name="实施单位", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    requirement = models.TextField("整改要求和建议")
    hold_funds = models.BooleanField("建议暂缓拨款", default=False)
    hold_reason = models.TextField("暂缓拨款理由", blank=True)
    answer = models.TextField("整改结果", blank=True)
    note = models.TextField("退回或关闭说明", blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT,
                                  related_name="+")  # fmt: skip
    opened_at = models.DateTimeField("提出时间")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="退回人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="关闭人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")  # fmt: skip
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    history = audit_history(verbose_name="整改修改记录")

    class Meta:
        verbose_name = verbose_name_plural = "整改事项"
        ordering = ["-opened_at", "-id"]
        constraints = [
            # 暂缓拨款 is recommended with its reason
            models.CheckConstraint(
                condition=Q(hold_funds=False) | ~Q(hold_reason=""), name="rectification_hold_reason"
            ),
        ]
        # the to-do (counts per year of open or answered items of some units) and the list
        indexes = [models.Index(fields=["status", "year", "unit"], name="rectification_status_year_unit")]

    def __str__(self) -> str:
        return f"{self.project} · 整改（{self.get_status_display()}）"


class MonitoringCount(models.Model):
    """A unit's reports of one year and light, added up: how many, their budget's sums and their
    indicators' counts (MonitoringReport.COUNTED): what the overview's counts per 主管部门 and unit,
    its chart and its 偏差原因 categories read, a few rows per unit instead of a year's reports.

    Written only by the database's triggers on monitoring_monitoringreport (monitoring.counts,
    migration 0004), on every insert, delete and change of a counted column, whoever writes it. A
    key whose reports all left keeps its row at n = 0."""

    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(Unit, verbose_name="实施单位", on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")  # fmt: skip
    light = models.CharField("监控结果", max_length=8)
    n = models.IntegerField("项目数", default=0)
    budget_annual = models.DecimalField("全年预算数（万元）", default=0, **MONEY)
    budget_executed = models.DecimalField("1–M月执行数（万元）", default=0, **MONEY)
    ind_red = models.IntegerField("红灯指标数", default=0)
    ind_yellow = models.IntegerField("黄灯指标数", default=0)
    ind_blue = models.IntegerField("蓝灯指标数", default=0)
    red_funds = models.IntegerField("红灯·经费保障", default=0)
    red_rules = models.IntegerField("红灯·制度保障", default=0)
    red_staff = models.IntegerField("红灯·人员保障", default=0)
    red_facilities = models.IntegerField("红灯·硬件条件保障", default=0)
    red_other = models.IntegerField("红灯·其他", default=0)
    red_none = models.IntegerField("红灯·未填写原因", default=0)
    yellow_funds = models.IntegerField("黄灯·经费保障", default=0)
    yellow_rules = models.IntegerField("黄灯·制度保障", default=0)
    yellow_staff = models.IntegerField("黄灯·人员保障", default=0)
    yellow_facilities = models.IntegerField("黄灯·硬件条件保障", default=0)
    yellow_other = models.IntegerField("黄灯·其他", default=0)
    yellow_none = models.IntegerField("黄灯·未填写原因", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "运行监控计数"
        constraints = [models.UniqueConstraint(fields=["year", "unit", "light"], name="monitoring_count_key")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id} {self.light}: {self.n}"


class Relight(models.Model):
    """A year's stored lights computed again after its 年度安排 changed (the light bands or the
    监控截至月份): saving the plan queues one, the task worker works through the year's reports in
    rounds (monitoring.relight) and moves `done` on, so the admin and the overview see the progress.
    Until the year's latest one is done, the overview says its lights may still be the old ones.

    `months_from`: the calendar months the year's reports were at before the change (and before any
    change still waiting): reports at one of them move to the plan's month; a report whose own table
    named another month (an import's `1-M月执行情况`) keeps it."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        SUPERSEDED = "superseded", "已由后续修改接续"
        FAILED = "failed", "失败"

    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.QUEUED)
    reason = models.CharField("原因", max_length=200)
    months_from = models.JSONField("原监控截至月份", default=list, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    total = models.PositiveIntegerField("报告数", default=0)
    done = models.PositiveIntegerField("已计算", default=0)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最近进展", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "运行监控重新计算"
        ordering = ["-id"]
        indexes = [models.Index(fields=["year", "state"], name="monitoring_relight_year_state")]

    def __str__(self) -> str:
        return f"{self.year} 年度运行监控重新计算（{self.get_state_display()}）"

    @property
    def open(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(self.done, self.total) * 100 // self.total if self.total else 0
