"""The latest targets review, for the targets stage's panel on the project page."""

from __future__ import annotations

from django import template

from targets.models import TargetReview

register = template.Library()


@register.simple_tag
def latest_target_review(project: object) -> TargetReview | None:
    return TargetReview.objects.filter(project=project).select_related("reviewer").first()
