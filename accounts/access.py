"""Whose password an admin may reset, and which accounts an admin may change in 后台管理."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from projects.access import require_role
from projects.models import Membership, Role

OWN_PASSWORD = "请在“修改密码”页面修改本人的密码（需要输入旧密码）"
SUPERUSER_ONLY = "只有超级管理员可以重置超级管理员或后台工作人员的密码"
NOT_BELOW = "只能重置权限低于本人的账号的密码（管理员的密码由超级管理员重置）"

# What a role may do in the app, for "fewer rights than the resetter"; no role is least.
ROLE_RANK = {Role.ADMIN: 2, Role.EVALUATOR: 1, Role.OFFICER: 1}


def with_privileges(accounts: QuerySet[Any]) -> QuerySet[Any]:
    """`accounts` annotated with `holds_permissions`: any permission, given directly or by a group."""
    direct = Permission.objects.filter(user=OuterRef("pk"))
    grouped = Permission.objects.filter(group__user=OuterRef("pk"))
    return accounts.annotate(holds_permissions=Exists(direct) | Exists(grouped))


def _rank(user: Any) -> int:
    """The rank of the user's role (its membership, free when selected with the user)."""
    if user.is_superuser:
        return ROLE_RANK[Role.ADMIN]
    try:
        return ROLE_RANK.get(user.membership.role, 0)
    except Membership.DoesNotExist:
        return 0


def _holds_permissions(user: Any) -> bool:
    annotated = getattr(user, "holds_permissions", None)
    if annotated is not None:
        return bool(annotated)
    return with_privileges(get_user_model().objects.filter(pk=user.pk)).filter(holds_permissions=True).exists()


def privileged(user: Any) -> bool:
    """A superuser, or a 后台 account (staff, or holding permissions): a superuser's business only."""
    return user.is_superuser or user.is_staff or _holds_permissions(user)


def refusal(actor: Any, target: Any) -> str:
    """Why `actor` may not reset or change `target`'s account, or "" when they may.

    A superuser may, for anyone else; any other admin only for an account with fewer rights than
    their own: not a superuser or a 后台 account (which could make itself superuser), and not
    another admin.
    """
    if target.pk == actor.pk:
        return OWN_PASSWORD
    if actor.is_superuser:
        return ""
    if privileged(target):
        return SUPERUSER_ONLY
    if _rank(target) >= _rank(actor):
        return NOT_BELOW
    return ""


def user_for_reset(actor: Any, pk: int) -> Any:
    """The account `pk` whose password `actor` (an admin) may reset; 404 or 403 otherwise."""
    require_role(actor, Role.ADMIN)
    target = with_privileges(get_user_model().objects.filter(pk=pk)).first()
    if target is None:
        raise Http404("未找到该用户")
    reason = refusal(actor, target)
    if reason:
        raise PermissionDenied(reason)
    return target
