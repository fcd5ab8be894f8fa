"""审核意见: an evaluator's note on one indicator, kept with the review round it was written in."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from indicators.models import Indicator
from projects.models import ReviewRound


class ReviewNote(models.Model):
    """One note per indicator and round; the round is the 提交 step under review, so the officer
    reads the notes of the round that sent the project back, and earlier rounds keep theirs."""

    round = models.ForeignKey(ReviewRound, verbose_name="审核轮次", on_delete=models.CASCADE, related_name="notes")
    # a row the officer deletes later keeps its notes under the name it had
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.SET_NULL, null=True, related_name="review_notes"
    )
    indicator_name = models.CharField("三级指标", max_length=300)
    text = models.TextField("审核意见")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核意见"
        ordering = ["round", "indicator_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "indicator"], name="review_note_one_per_indicator"),
            models.CheckConstraint(condition=~models.Q(text=""), name="review_note_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.indicator_name}"
