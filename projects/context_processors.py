"""Template context: the user's role, for the navigation bar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from monitoring.rectification import rectification_todo_items
from projects.access import role_of, visible_projects, visible_units
from projects.models import Role
from projects.selectors import todo_counts


def role(request: HttpRequest) -> dict[str, Any]:
    current = role_of(request.user) if hasattr(request, "user") else None
    return {
        "role_label": Role(current).label if current else "",
        "is_admin": current == Role.ADMIN,
        "is_reviewer": current in (Role.EVALUATOR, Role.ADMIN),
        "can_intake": current in (Role.OFFICER, Role.ADMIN),
    }


def todo_of(request: HttpRequest) -> Any:
    """What waits for the user (projects.selectors.Todo), counted once per request."""
    if not hasattr(request, "_evalsys_todo"):
        default = settings.EVALSYS_SUBMISSION_DEADLINE
        request._evalsys_todo = todo_counts(visible_projects(request.user), role=role_of(request.user) or "",
                                            today=timezone.localdate(), default_deadline=default,
                                            units=visible_units(request.user))  # fmt: skip
    return request._evalsys_todo


def todo(request: HttpRequest) -> dict[str, Any]:
    """The navigation's to-do counts: one aggregate query (the targets stage's a part of it), made
    only when a page shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or role_of(user) is None:
        return {}
    return {"todo": SimpleLazyObject(lambda: todo_of(request)),
            # 整改 (运行监控): its own query, made only where the to-do panel shows it (not by the navigation)
            "rectify_todo": SimpleLazyObject(lambda: rectification_todo_items(user))}  # fmt: skip
