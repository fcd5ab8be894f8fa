"""A reviewer's judgement of a project's declared targets (财预〔2015〕88号, domain.md §8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from projects.models import Project


class TargetResult(models.TextChoices):
    """88号 §25: 优 approves; 良 returns with the listed changes, approved without a new round; 中
    returns for revision and resubmission; 差 rejects (only an admin reopens)."""

    EXCELLENT = "优", "优（审核通过）"
    GOOD = "良", "良（按意见修改后通过）"
    FAIR = "中", "中（退回修改后重新提交）"
    POOR = "差", "差（不予通过）"


CRITERIA = (
    ("completeness", "完整性"),
    ("relevance", "相关性"),
    ("appropriateness", "适当性"),
    ("feasibility", "可行性"),
)
NOTE = {"max_length": 2000}


class TargetReview(models.Model):
    """One review of a project's targets: the four criteria of 88号 each with a note, and a result."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="target_reviews")
    round = models.PositiveIntegerField("轮次")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT)
    result = models.CharField("审核结果", max_length=2, choices=TargetResult.choices)
    completeness = models.TextField("完整性", help_text="绩效目标是否完整、明确，指标是否覆盖产出和效益", **NOTE)
    relevance = models.TextField("相关性", help_text="绩效目标与部门职能、项目内容和预算是否相关", **NOTE)
    appropriateness = models.TextField("适当性", help_text="绩效目标与预算资金量是否匹配", **NOTE)
    feasibility = models.TextField("可行性", help_text="绩效目标是否经过充分论证、可以实现", **NOTE)
    opinion = models.TextField("审核意见", blank=True, **NOTE)
    created_at = models.DateTimeField("审核时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "绩效目标审核"
        ordering = ["project", "-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "-created_at"], name="target_review_latest")]

    def __str__(self) -> str:
        return f"{self.project} 第{self.round}轮 {self.result}"

    @property
    def criteria(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, name)) for name, label in CRITERIA]
