"""What the 自评报告 needs beyond the scores: the officer's narrative and admin templates."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from projects.models import Project, Unit, audit_history

# A report section holds at most this many characters (a seed's longest section is about 1,500):
# the forms say so, the textarea stops there and full_clean refuses more, so a report's text stays
# a few pages and its PDF renders in seconds (a 250,000-character section took 21 s).
SECTION_MAX = 10_000


def section(label: str) -> models.TextField:
    """A report section's text: blank allowed, SECTION_MAX characters at most."""
    return models.TextField(label, blank=True, max_length=SECTION_MAX, validators=[MaxLengthValidator(SECTION_MAX)])


class Narrative(models.Model):
    """The text an officer writes for the 自评报告 (domain.md §6); numbers never live here."""

    project = models.OneToOneField(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="narrative")
    introduction = section("项目基本情况简介")
    purpose = section("绩效自评目的")
    outputs = section("项目资金产出情况")
    management = section("项目资金管理情况")
    problems = section("存在问题")
    plans = section("后续工作计划")
    measures = section("措施及办法")
    experience = section("主要经验及做法")
    suggestions = section("有关建议")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = audit_history()  # who, when, old → new and why: the project page and the admin alike

    class Meta:
        verbose_name = verbose_name_plural = "自评报告文字"

    def __str__(self) -> str:
        return f"{self.project} · 报告文字"


class UnitReportText(models.Model):
    """A unit's own words for its 项目支出绩效评价报告 of a year (seed 002): the sections that speak
    of the unit's work as a whole; the per-project sections come from the projects' report text."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="report_texts")
    year = models.PositiveIntegerField("年度")
    goals = section("项目绩效目标（单位总体）")
    management = section("项目组织管理情况")
    purpose = section("绩效评价目的、对象和范围")
    basis = section("绩效评价原则、依据、评价指标体系")
    process = section("绩效评价工作过程")
    conclusion = section("绩效评价综合结论")
    achievement = section("绩效目标实现情况")
    experience = section("主要经验及做法")
    problems = section("存在的问题及原因分析")
    suggestions = section("有关建议")
    other = section("其他需要说明的问题")
    version = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = audit_history()

    TEXTS = ("goals", "management", "purpose", "basis", "process", "conclusion", "achievement", "experience",
             "problems", "suggestions", "other")  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = "单位评价报告文字"
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unit_report_text_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}年度评价报告文字"


class Outline(models.TextChoices):
    UNIT = "unit", "单位自评报告（内蒙古式）"
    DEPARTMENT = "department", "部门评价报告（10号 附件3）"
    FRAMEWORK2013 = "framework2013", "2013 共性指标框架自评报告（投入/过程/产出/效果）"


class ReportTemplate(models.Model):
    """An admin-uploaded .docx (docxtpl placeholders) used instead of the built-in outline."""

    name = models.CharField("模板名称", max_length=100)
    outline = models.CharField("适用报告", max_length=16, choices=Outline.choices)
    file = models.FileField("模板文件（.docx）", upload_to="report_templates/")
    active = models.BooleanField("启用", default=False)  # on only after the confirmation page (admin)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "报告模板"
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["outline"], condition=models.Q(active=True), name="one_active_template"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_outline_display()}）"


class ExportJob(models.Model):
    """A batch export running in the background (django-tasks); the page polls its progress.

    The worker moves `heartbeat_at` on as it goes; a queued or running job whose heartbeat is
    older than EVALSYS_EXPORT_STALE_MINUTES lost its worker and is failed (services).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Kind(models.TextChoices):
        BATCH = "batch", "批量导出（压缩包）"
        UNIT = "unit", "单位评价报告"
        TARGETS = "targets", "绩效目标申报表（压缩包）"
        MONITORING = "monitor", "运行监控表和报告（压缩包）"
        MONITORING_UNIT = "monunit", "单位运行监控报告"

    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.BATCH)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.CASCADE)
    scope = models.TextField("导出范围", blank=True)  # year · department · unit names: no length to cut
    project_ids = models.JSONField("项目", default=list)
    fmt = models.CharField("格式", max_length=16)  # one or more of docx,pdf,xlsx, comma separated
    filename = models.CharField("文件名", max_length=200, blank=True)  # the download's name, no spaces
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField("项目数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    file = models.FileField("压缩包", upload_to="exports/", blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    heartbeat_at = models.DateTimeField("最近进展", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批量导出"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.scope}（{self.formats_display}）"

    @property
    def formats_display(self) -> str:
        return "、".join(f.strip() for f in self.fmt.split(","))

    @property
    def final(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        return 100 if self.state == self.State.DONE else (self.done * 100 // self.total if self.total else 0)


class ExportChunk(models.Model):
    """A part of a batch export that one worker renders (reports.batch); retried if its worker dies."""

    job = models.ForeignKey(ExportJob, verbose_name="导出任务", on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField("序号")
    project_ids = models.JSONField("项目", default=list)
    state = models.CharField("状态", max_length=8, choices=ExportJob.State.choices, default=ExportJob.State.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    heartbeat_at = models.DateTimeField("最近进展", default=timezone.now)
    file = models.FileField("部分压缩包", upload_to="exports/parts/", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批量导出分块"
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="export_chunk_index_unique")]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="export_chunk_state_beat")]

    def __str__(self) -> str:
        return f"{self.job} · {self.index + 1}"
