"""Reads of the account pages."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from accounts.access import with_privileges
from accounts.services import CHANGED_OWN, RESET


def users_for_admin() -> QuerySet[Any]:
    """Every account with its role, unit and whether it holds permissions (one query)."""
    accounts = get_user_model().objects.select_related("membership", "membership__unit").order_by("username")
    return with_privileges(accounts)


def password_log(user: Any, *, limit: int = 10) -> list[LogEntry]:
    """The last password changes of `user` made on these pages, newest first: who and when."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=str(user.pk),
        change_message__in=(CHANGED_OWN, RESET),
    )
    return list(entries.select_related("user").order_by("-action_time", "-pk")[:limit])
