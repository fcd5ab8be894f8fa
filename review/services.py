"""Writes of the review pages: a bulk approval that names every project it refuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import Project, Status
from projects.services import evaluation_approve

NOT_SUBMITTED = "以下项目不是“已提交”状态，不能审核通过（均未审核）：{items}"
NOTHING_CHOSEN = "请至少选择一个项目"


@transaction.atomic
def projects_approve(*, projects: Sequence[Project], user: Any) -> int:
    """Approve every project or none; the error lists each one that is not 已提交."""
    if not projects:
        raise ValidationError(NOTHING_CHOSEN, code="empty")
    fresh = list(Project.objects.select_for_update().filter(pk__in=[p.pk for p in projects]).order_by("code", "pk"))
    wrong = [p for p in fresh if p.status != Status.SUBMITTED]
    if wrong:
        items = "、".join(f"{p.code or p.name}（{p.get_status_display()}）" for p in wrong)
        raise ValidationError(NOT_SUBMITTED.format(items=items), code="state")
    return evaluation_approve(projects=fresh, user=user)
