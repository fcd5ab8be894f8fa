"""Who may import workbooks and copy projects: officers (their own unit) and admins (any unit)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from projects.access import require_role
from projects.models import Membership, Role, Unit

OFFICERS_ONLY = "只有填报人或管理员可以导入工作簿或复制项目"


def intake_scope(user: Any) -> Unit | None:
    """The unit `user` may import into: the officer's own, or None (every unit) for an admin.

    No role is a 403 (require_role); an evaluator is a 403 too.
    """
    role = require_role(user)
    if role == Role.ADMIN:
        return None
    if role != Role.OFFICER:
        raise PermissionDenied(OFFICERS_ONLY)
    return Membership.objects.select_related("unit").get(user=user).unit
