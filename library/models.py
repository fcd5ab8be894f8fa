"""The indicator library (指标库, issue 16 §3): common indicators per 行业 and 主管部门, each citing
its source, that the editor suggests as an officer types a 三级 name."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from projects.models import audit_history
from scoring.schemes import SCHEMES


class Nature(models.TextChoices):
    GE = "≥", "≥"
    LE = "≤", "≤"
    EQ = "=", "="
    QUALITATIVE = "定性", "定性"


class EntryStatus(models.TextChoices):
    ACCEPTED = "accepted", "已收录"
    PROPOSED = "proposed", "待审核"
    REJECTED = "rejected", "未采纳"


@cache
def vocabulary() -> dict[str, tuple[str, ...]]:
    """一级 name -> its 二级 names, over every built-in scheme (the indicator tree's vocabulary)."""
    found: dict[str, list[str]] = {}
    for scheme in SCHEMES.values():
        for level1, names in scheme.level2_names:
            bucket = found.setdefault(level1, [])
            bucket.extend(n for n in names if n not in bucket)
    return {level1: tuple(names) for level1, names in found.items()}


def vocabulary_error(level1: str, level2: str) -> dict[str, str]:
    """The fields whose names are outside the vocabulary, with the fix (empty when they fit)."""
    known = vocabulary()
    if level1 and level1 not in known:
        return {"level1": f"一级指标须为：{'、'.join(known)}（或留空）"}
    if level2 and not level1:
        return {"level1": "填写了二级指标时，一级指标不能为空"}
    if level2 and level2 not in known[level1]:
        return {"level2": f"“{level1}”下的二级指标须为：{'、'.join(known[level1])}（或留空）"}
    return {}


class LibraryEntry(models.Model):
    sector = models.CharField("行业", max_length=40)
    department = models.CharField("主管部门", max_length=200, blank=True)
    level1 = models.CharField("一级指标", max_length=40, blank=True)
    level2 = models.CharField("二级指标", max_length=40, blank=True)
    level3 = models.CharField("三级指标", max_length=300)
    explanation = models.TextField("指标解释", blank=True)
    nature = models.CharField("指标性质", max_length=4, choices=Nature.choices, blank=True)
    unit = models.CharField("度量单位", max_length=40, blank=True)
    typical_value = models.CharField("指标值", max_length=200, blank=True)
    scoring_standard = models.TextField("评分标准", blank=True)
    data_source = models.CharField("数据来源", max_length=300, blank=True)
    source_title = models.CharField("出处", max_length=300, blank=True)
    source_url = models.URLField("出处网址", max_length=500, blank=True)
    status = models.CharField("状态", max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACCEPTED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提议人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # every save sets it: with the count and the largest id it tells a process its search
    # snapshot is out of date (library.selectors); write through save(), never queryset.update()
    changed_at = models.DateTimeField("修改时间", auto_now=True, db_index=True)
    history = audit_history(verbose_name="指标库修改记录", excluded_fields=["changed_at"])

    class Meta:
        verbose_name = verbose_name_plural = "指标库条目"
        ordering = ["sector", "level1", "level2", "level3", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "department", "level1", "level2", "level3"],
                name="library_entry_unique",
                violation_error_message="指标库已有相同行业、主管部门、一级、二级、三级名称的条目",
            ),
            models.CheckConstraint(condition=Q(nature__in=[*Nature.values, ""]), name="library_entry_nature_valid"),
            models.CheckConstraint(condition=Q(status__in=EntryStatus.values), name="library_entry_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "level1", "level2"], name="library_status_levels"),
            models.Index(fields=["status", "level3"], name="library_status_level3"),
            models.Index(fields=["sector"], name="library_sector"),
            models.Index(fields=["department"], name="library_department"),
        ]

    def __str__(self) -> str:
        return f"{self.sector}：{self.level3}"

    @property
    def shown_value(self) -> str:
        """指标性质 with 指标值 as a suggestion shows them: ≥ 90%, not ≥≥90% when the value says it."""
        value = self.typical_value
        if not self.nature or value.startswith(("≥", "≤", "=", ">", "<", "大于", "小于", "不低于", "不高于")):
            return value
        return f"{self.nature}{value}" if self.nature != Nature.QUALITATIVE else f"定性：{value}" if value else "定性"

    def clean(self) -> None:
        errors = vocabulary_error(self.level1, self.level2)
        if errors:
            raise ValidationError(errors)
