"""Who may re-check which tables (domain.md §7): reading only, so nothing here writes.

Evaluators and admins re-check any table they receive; an officer only their own unit's
projects: rows of another unit are refused as the import refuses them (projects.access.import_scope),
and a project code that is another unit's project in that year is refused too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from projects.access import require_role, visible_projects
from projects.models import Membership, Project, Role

# The refused project is not named: its rows are not shown, not even as a label.
OTHER_UNIT = "该项目不属于本单位，未显示；您只能复核本单位（{own}）的项目"
FOREIGN_PROJECT = "该项目编码在 {year} 年度属于其他单位的项目，未显示；请核对项目编码"


def recheck_scope(user: Any) -> Any:
    """The only unit whose tables `user` may re-check (an officer's), or None for every unit.

    `None` as the user is the command line; a user without a role is a 403.
    """
    if user is None:
        return None
    if require_role(user) != Role.OFFICER:
        return None
    return Membership.objects.select_related("unit").get(user=user).unit


def stored_projects(user: Any, *, year: int, codes: set[str]) -> QuerySet[Project]:
    """The year's projects with these codes that `user` may see (every project on the command line)."""
    base = Project.objects.all() if user is None else visible_projects(user)
    return base.filter(year=year, code__in=codes)


def refusal(scope: Any, *, unit_code: str, unit_name: str, foreign: bool, year: int) -> str:
    """Why a parsed project is not shown to an officer of `scope` ("" when it is shown)."""
    if scope is None:
        return ""
    if unit_code != scope.code if unit_code else unit_name != scope.name:
        return OTHER_UNIT.format(own=scope)
    return FOREIGN_PROJECT.format(year=year) if foreign else ""
