"""Who may review: evaluators for the units assigned to them, admins for every unit.

Built on projects.access, so a project of a unit the evaluator does not review is a 404 and an
officer (or a user without a role) gets a 403 on every review page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from projects.access import project_for_user, require_role, visible_projects
from projects.guards import REVIEWERS, REVIEWERS_ONLY
from projects.models import Project


def require_reviewer(user: Any) -> str:
    """The user's role when they review (evaluator or admin); PermissionDenied otherwise."""
    role = require_role(user)
    if role not in REVIEWERS:
        raise PermissionDenied(REVIEWERS_ONLY)
    return role


def reviewable_projects(user: Any) -> QuerySet[Project]:
    """Every project `user` reviews (PermissionDenied for a non-reviewer); evaluate it lazily."""
    require_reviewer(user)
    return visible_projects(user)


def project_for_reviewer(user: Any, pk: int) -> Project:
    """Project `pk` when `user` reviews its unit: 403 for a non-reviewer, 404 for another unit."""
    require_reviewer(user)
    return project_for_user(user, pk)


def projects_for_reviewer(user: Any, pks: Iterable[int]) -> list[Project]:
    """The projects `pks`, all of them reviewable by `user`; one that is not makes the whole request a 404."""
    require_reviewer(user)
    wanted = set(pks)
    found = list(visible_projects(user).filter(pk__in=wanted).select_related("unit").order_by("code", "pk"))
    if len(found) != len(wanted):
        raise Http404("未找到该项目")
    return found
