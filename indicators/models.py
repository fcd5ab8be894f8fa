"""The three-level indicator tree: targets, actuals and evaluator adjustments (domain.md §1–§2)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from projects.models import Project, audit_history
from scoring.schemes import get_scheme
from scoring.types import QUALITATIVE, QUALITATIVE_LABELS, REVERSE

VALUE = {"max_digits": 20, "decimal_places": 4}
POINTS = {"max_digits": 7, "decimal_places": 2}
# A project's indicators: real tables hold 5–40; the cap keeps totals within score_total's digits.
MAX_PER_PROJECT = 200
TOO_MANY = "每个项目最多 {limit} 条三级指标"


class Comparator(models.TextChoices):
    GE = "≥", "≥"
    GT = ">", ">"
    LE = "≤", "≤"
    LT = "<", "<"
    EQ = "=", "="
    QUALITATIVE = QUALITATIVE, "定性"


class Direction(models.TextChoices):
    POSITIVE = "正向", "正向指标"
    REVERSE = "反向", "反向指标"


def direction_of(comparator: str) -> str:
    """指标方向性 follows from the comparator: ≤ and < are 反向, all others 正向."""
    return Direction.REVERSE if comparator in REVERSE else Direction.POSITIVE


class Indicator(models.Model):
    """One 三级 leaf with its 一级 and 二级 names from the scheme's vocabulary."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField("顺序", default=0)
    level1 = models.CharField("一级指标", max_length=40)
    level2 = models.CharField("二级指标", max_length=40)
    level3 = models.CharField("三级指标", max_length=300)
    comparator = models.CharField("指标性质", max_length=4, choices=Comparator.choices)
    target = models.DecimalField("指标值", null=True, blank=True, **VALUE)
    target_text = models.CharField("指标值（文字）", max_length=500, blank=True)
    unit = models.CharField("度量单位", max_length=40, blank=True)
    deadline = models.DateField("完成期限", null=True, blank=True)
    sign_assumed = models.BooleanField("比较符号为推定", default=False)
    weight = models.DecimalField("权重（分值）", **POINTS)
    direction = models.CharField("指标方向性", max_length=4, choices=Direction.choices, blank=True)  # set by clean()
    actual = models.DecimalField("实际完成值", null=True, blank=True, **VALUE)
    actual_text = models.CharField("实际完成值（原文）", max_length=500, blank=True)
    actual_label = models.CharField(
        "定性完成档位", max_length=8, blank=True, choices=[(x, x) for x in QUALITATIVE_LABELS]
    )
    actual_date = models.DateField("实际完成日期", null=True, blank=True)
    actual_assumed = models.BooleanField("完成档位为推定", default=False)
    # the unit written with the actual when it differs from the target's (unit_mismatch)
    actual_unit = models.CharField("实际完成值的单位", max_length=40, blank=True)
    reason = models.TextField("偏差原因分析及改进措施", blank=True)
    # 不适用: the officer says the indicator could not apply this year; its reason is `reason`, and it
    # scores 0 (the 10号 单位自评表 scores the weights as set: nothing is redistributed)
    not_applicable = models.BooleanField("不适用", default=False)
    adjusted_score = models.DecimalField("审核调整得分", null=True, blank=True, **POINTS)
    adjust_reason = models.TextField("调整理由", blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="调整人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adjusted_at = models.DateTimeField("调整时间", null=True, blank=True)
    history = audit_history(verbose_name="指标修改记录")

    class Meta:
        verbose_name = verbose_name_plural = "绩效指标"
        ordering = ["project", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "level1", "level2", "level3"],
                name="indicator_path_unique",
                violation_error_message="本项目已有相同一级、二级、三级名称的指标，请修改三级指标名称",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="indicator_weight_not_negative"),
            models.CheckConstraint(condition=Q(comparator__in=Comparator.values), name="indicator_comparator_valid"),
            models.CheckConstraint(
                condition=(Q(comparator__in=REVERSE) & Q(direction=Direction.REVERSE))
                | (~Q(comparator__in=REVERSE) & Q(direction=Direction.POSITIVE)),
                name="indicator_direction_follows_comparator",
            ),
            models.CheckConstraint(
                condition=Q(comparator=QUALITATIVE) | Q(target__isnull=False) | Q(deadline__isnull=False),
                name="indicator_quantitative_has_target",
            ),
            # no check that a 定性 target holds text: a declared target may be blank (domain.md §8
            # `unmeasurable`, a check that never blocks the import); the editor's form requires one
            models.CheckConstraint(
                condition=Q(adjusted_score__isnull=True)
                | (Q(adjusted_score__gte=0) & Q(adjusted_score__lte=F("weight")) & ~Q(adjust_reason="")),
                name="indicator_adjustment_in_range_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level1}/{self.level2}/{self.level3}"

    def drop_unfitting_adjustment(self) -> None:
        """An evaluator's adjusted score above a lowered weight no longer fits the row: it goes (the
        history keeps it), and the evaluator judges the row again when it is resubmitted."""
        if self.adjusted_score is not None and self.adjusted_score > self.weight:
            self.adjusted_score, self.adjust_reason, self.adjusted_by, self.adjusted_at = None, "", None, None

    def clean(self) -> None:
        """一级 and 二级 names come from the project's scheme (the unit is optional: domain.md §1)."""
        if self.project_id is None:
            return  # the missing project is the form's own field error
        scheme = get_scheme(self.project.scheme)
        if self.level1 not in scheme.level1_names:
            raise ValidationError({"level1": f"一级指标须为：{'、'.join(scheme.level1_names)}"})
        if self.level2 not in scheme.level2_for(self.level1):
            raise ValidationError({"level2": f"二级指标须为：{'、'.join(scheme.level2_for(self.level1))}"})
        self.direction = direction_of(self.comparator)
