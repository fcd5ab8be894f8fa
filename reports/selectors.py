"""Reads for report pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import QuerySet

from projects.access import require_role, visible_projects
from projects.forms import YearFilterForm
from projects.models import Project, Role, Status
from projects.selectors import years_of
from reports.summary import Summary, summary_for
from review.access import reviewable_projects
from review.forms import YearForm
from review.selectors import review_queue, review_years


def batch_scope(
    user: Any, *, year: int | None, department: Any, unit: Any, statuses: Sequence[str] = (Status.APPROVED,)
) -> tuple[str, list[int]]:
    """(description, project ids) of a batch export, within what `user` may see, in `statuses` (已审核 by default)."""
    projects = visible_projects(user).filter(status__in=statuses)
    words = []
    if year:
        projects, words = projects.filter(year=year), [*words, f"{year}年度"]
    if department:
        projects, words = projects.filter(unit__department=department), [*words, department.name]
    if unit:
        projects, words = projects.filter(unit=unit), [*words, str(unit)]
    words.append("、".join(Status(s).label for s in Status.values if s in statuses))
    ids = list(projects.order_by("unit__code", "code", "pk").values_list("pk", flat=True))
    return " · ".join(words), ids


def project_list_summary(user: Any, data: Any) -> Summary:
    """The project list page (projects:list) as a 汇总表: what the user may see, of the page's year."""
    require_role(user)
    visible = visible_projects(user)
    years = years_of(visible)
    form = YearFilterForm(data or None, default=years[0] if years else None)
    if form.errors:
        raise BadRequest("；".join(form.errors["year"]))
    year = form.chosen_year()
    projects = visible.filter(year=year).order_by("unit__code", "code", "pk")
    return summary_for(projects, title=f"{year or ''}年度项目汇总表", scope=f"{year or ''}年度")


def review_queue_summary(user: Any, data: Any) -> Summary:
    """The review queue (review:queue) as a 汇总表: the submitted projects the user reviews, of its year."""
    scope = reviewable_projects(user)
    form = YearForm(data or None, years=review_years(scope))
    if form.errors:
        raise BadRequest("；".join(form.errors["year"]))
    year = form.chosen_year()
    return summary_for(review_queue(scope, year=year), title=f"{year or ''}年度待审核项目汇总表",
                       scope=f"{year or ''}年度 · 已提交（待审核）")  # fmt: skip


UNIT_REPORT_ROLES = "只有管理员或填报人可以生成单位评价报告"


def unit_report_scope(user: Any) -> QuerySet[Project]:
    """The projects `user` may put in a unit's 评价报告: an officer's unit's, or (admin) every one."""
    if require_role(user) not in (Role.ADMIN, Role.OFFICER):
        raise PermissionDenied(UNIT_REPORT_ROLES)
    return visible_projects(user)
