"""The latest targets review, for the targets stage's panel on the project page."""

from __future__ import annotations

from django import template

from targets.models import TargetReview
from targets.selectors import target_adjustments as adjustments

register = template.Library()


@register.simple_tag
def latest_target_review(project: object) -> TargetReview | None:
    return TargetReview.objects.filter(project=project).select_related("reviewer").first()


@register.simple_tag
def target_adjustments(project: object) -> list:
    """调整绩效目标 with each target before and after (targets.selectors)."""
    return adjustments(project)
