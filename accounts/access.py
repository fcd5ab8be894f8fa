"""Whose password an admin may reset."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from projects.access import require_role
from projects.models import Role

OWN_PASSWORD = "请在“修改密码”页面修改本人的密码（需要输入旧密码）"
SUPERUSER_ONLY = "只有超级管理员可以重置超级管理员的密码"


def user_for_reset(actor: Any, pk: int) -> Any:
    """The account `pk` whose password `actor` (an admin) may reset.

    Not the admin's own (that needs the old password), and a superuser's only by a superuser:
    an admin role must not take over an account with more rights than its own.
    """
    require_role(actor, Role.ADMIN)
    target = get_user_model().objects.filter(pk=pk).first()
    if target is None:
        raise Http404("未找到该用户")
    if target.pk == actor.pk:
        raise PermissionDenied(OWN_PASSWORD)
    if target.is_superuser and not actor.is_superuser:
        raise PermissionDenied(SUPERUSER_ONLY)
    return target
