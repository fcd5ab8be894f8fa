"""Who may see and change what. The only way a view obtains a project.

A user without a role sees nothing; an officer sees their unit's projects; an evaluator the
units assigned to them; an admin (or superuser) everything. Another unit's project is a 404,
so its existence is not revealed; a known project with a wrong role is a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from projects.locks import is_locked
from projects.models import Membership, Project, Role, Unit

NO_ROLE = "您的账号尚未分配角色，请联系管理员"
READ_ONLY = "您没有修改此项目的权限"
LOCKED = "项目已提交或已审核，不能修改"
ADMIN_ONLY = "只有管理员可以执行此操作"


def role_of(user: Any) -> str | None:
    """The user's role; superusers are admins."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    if not hasattr(user, "_evalsys_role"):  # asked several times per request: one query
        membership = Membership.objects.filter(user=user).only("role").first()
        user._evalsys_role = membership.role if membership else None
    return user._evalsys_role


def visible_projects(user: Any) -> QuerySet[Project]:
    """Projects `user` may read."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Project.objects.all()
    if role == Role.OFFICER:
        return Project.objects.filter(unit__membership__user=user)
    if role == Role.EVALUATOR:
        return Project.objects.filter(unit__reviewers__user=user)
    return Project.objects.none()


def visible_units(user: Any) -> QuerySet[Unit]:
    """Units whose projects `user` may read (the lists' unit filter offers these)."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Unit.objects.all()
    if role == Role.OFFICER:
        return Unit.objects.filter(membership__user=user)
    if role == Role.EVALUATOR:
        return Unit.objects.filter(reviewers__user=user)
    return Unit.objects.none()


def require_role(user: Any, *roles: str) -> str:
    """The user's role when it is one of `roles`; PermissionDenied otherwise."""
    role = role_of(user)
    if role is None:
        raise PermissionDenied(NO_ROLE)
    if roles and role not in roles:
        raise PermissionDenied(ADMIN_ONLY if roles == (Role.ADMIN,) else READ_ONLY)
    return role


def project_for_user(user: Any, pk: int, *, write: bool = False) -> Project:
    """The project `pk` if `user` may read it (and change it, with `write`)."""
    role = require_role(user)
    project = visible_projects(user).select_related("unit", "unit__department").filter(pk=pk).first()
    if project is None:
        raise Http404("未找到该项目")
    if write:
        if role == Role.EVALUATOR:
            raise PermissionDenied(READ_ONLY)
        if is_locked(project):  # every part locked (admins too: an approved evaluation is reopened first)
            raise PermissionDenied(LOCKED)
    return project


def can_write(user: Any, project: Project) -> bool:
    try:
        project_for_user(user, project.pk, write=True)
    except (PermissionDenied, Http404):
        return False
    return True


OFFICERS_ONLY = "只有填报人可以新建本单位的项目"
IMPORTERS_ONLY = "只有填报人或管理员可以导入工作簿或复制项目"


def import_scope(user: Any) -> Any:
    """The unit `user` may import into: the officer's own, or None (every unit) for an admin.

    `None` as the user is the command line, which runs with the server's own rights. No role,
    or an evaluator, is a 403.
    """
    if user is None:
        return None
    role = require_role(user)
    if role == Role.ADMIN:
        return None
    if role != Role.OFFICER:
        raise PermissionDenied(IMPORTERS_ONLY)
    return Membership.objects.select_related("unit").get(user=user).unit


def unit_for_officer(user: Any) -> Any:
    """The unit an officer creates projects for; other roles get a 403."""
    if role_of(user) != Role.OFFICER:
        raise PermissionDenied(OFFICERS_ONLY)
    return Membership.objects.select_related("unit").get(user=user).unit
