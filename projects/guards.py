"""The check a service makes itself before it reads or writes a project (issue 16 §1, "Access in the
services"). Views check first with projects.access, as a courtesy; a service called from anywhere
else (a command, a task, a later API, a test) refuses the same way: a wrong role is a 403 with the
pages' messages, a project outside the user's visible set a 404 (its existence is not revealed).

`user=None` is the command line or a task running with the server's own rights. A service accepts
it only where it says so (`system=True`) and never as a default a view could forget.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from projects.access import NO_ROLE, READ_ONLY, require_role, visible_projects, visible_units
from projects.models import Project, Role, Unit

NOT_FOUND = "未找到该项目"
REVIEWERS_ONLY = "只有审核人或管理员可以使用审核功能"
REVIEWERS = (Role.EVALUATOR, Role.ADMIN)
WRITERS = (Role.OFFICER, Role.ADMIN)
READERS = (Role.OFFICER, Role.EVALUATOR, Role.ADMIN)


def project_guard(user: Any, project: Project, *, roles: Iterable[str] = WRITERS, denied: str = READ_ONLY,
                  system: bool = False) -> str | None:  # fmt: skip
    """`user`'s role when it is one of `roles` and `project` is among the projects `user` sees."""
    return projects_guard(user, [project.pk], roles=roles, denied=denied, system=system)


def projects_guard(user: Any, ids: Iterable[int], *, roles: Iterable[str] = WRITERS, denied: str = READ_ONLY,
                   system: bool = False) -> str | None:  # fmt: skip
    """projects_guard for many projects: one that `user` does not see makes the whole call a 404."""
    if user is None:
        if system:
            return None
        raise PermissionDenied(NO_ROLE)
    role = require_role(user)
    if role not in tuple(roles):
        raise PermissionDenied(denied)
    if role == Role.ADMIN:  # every project (a deleted one is the service's to tell)
        return role
    if not hasattr(user, "_evalsys_seen"):  # as role_of: a request asks once per project
        user._evalsys_seen = set()
    wanted = set(ids) - user._evalsys_seen
    if wanted and visible_projects(user).filter(pk__in=wanted).count() != len(wanted):
        raise Http404(NOT_FOUND)
    user._evalsys_seen |= wanted
    return role


def unit_guard(user: Any, unit: Unit, *, roles: Iterable[str] = WRITERS, denied: str = READ_ONLY) -> str:
    """`user`'s role when it is one of `roles` and `unit` is among the units `user` sees (a new project's)."""
    role = require_role(user) if user is not None else None
    if role not in tuple(roles):
        raise PermissionDenied(denied if role is not None else NO_ROLE)
    if role != Role.ADMIN and not visible_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(denied)
    return role
