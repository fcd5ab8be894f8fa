"""Password writes: a user's own change and an admin's reset, each recorded in the admin log.

The record is Django's `LogEntry` (the admin's 历史 of the user: who, when, what), so an admin
sees every password change of an account next to the admin's own edits of it.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

CHANGED_OWN = "修改了本人的密码"
RESET = "重置了该用户的密码"  # the admin who did it is the entry's user


@transaction.atomic
def user_set_password(*, user: Any, password: str, actor: Any) -> None:
    """Set `user`'s password (validated by AUTH_PASSWORD_VALIDATORS) and record who did it.

    An admin's reset also lifts a login lockout of that user name (django-axes): the user was
    most likely locked out by forgetting the old password.
    """
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    own = actor.pk == user.pk
    accounts = get_user_model().objects.filter(pk=user.pk)
    LogEntry.objects.log_actions(actor.pk, accounts, CHANGE, CHANGED_OWN if own else RESET, single_object=True)
    if not own:
        axes_reset(username=user.get_username())
