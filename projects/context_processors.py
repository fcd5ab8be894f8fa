"""Template context: the user's role, for the navigation bar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from projects.access import role_of
from projects.models import Role


def role(request: HttpRequest) -> dict[str, Any]:
    current = role_of(request.user) if hasattr(request, "user") else None
    return {
        "role_label": Role(current).label if current else "",
        "is_admin": current == Role.ADMIN,
        "is_reviewer": current in (Role.EVALUATOR, Role.ADMIN),
        "can_intake": current in (Role.OFFICER, Role.ADMIN),
    }
