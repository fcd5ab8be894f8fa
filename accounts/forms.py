"""Login and password forms.

Every password typed to prove who one is (the login, the old password on 修改密码, an admin's own
password before a reset) goes through `authenticate()`, so django-axes counts each wrong one and
locks the user name on that address after AXES_FAILURE_LIMIT, as at the login.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest

from projects.models import Membership, Role

SAME_AS_OLD = "新密码不能与旧密码相同，请换一个新密码"
WRONG_OWN_PASSWORD = "您本人的密码不正确，请重新输入"
OFFICER_NEEDS_UNIT = "填报人须选择所在单位"


def password_confirmed(request: HttpRequest, user: Any, password: str) -> bool:
    """Whether `password` is `user`'s, each wrong guess counted as a failed login (django-axes)."""
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


class UserNameWithinLimit:
    """The user name refused as a form error beyond the model's length (150): Django's login form
    sets the field's max_length after its validators are made, so it never checked it, and a
    2,001-character name reached django-axes' 255-character column (a 500 on PostgreSQL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(UserNameWithinLimit, auth_forms.AuthenticationForm):
    pass


class AdminLoginForm(UserNameWithinLimit, AdminAuthenticationForm):
    pass


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (old password, new one twice), the old password checked as a login is, and the
    old password refused as the new one."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not password_confirmed(self.request, self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        old_password = data.get("old_password")
        if old_password and data.get("new_password1") == old_password:
            self.add_error("new_password1", forms.ValidationError(SAME_AS_OLD, code="password_unchanged"))
        return data


class ResetPasswordForm(auth_forms.SetPasswordForm):
    """An admin sets another user's password after confirming their own (re-authentication: a
    session left open, or taken, does not reset anyone's password)."""

    actor_password = forms.CharField(
        label="您本人的密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="重置他人的密码前，请输入您本人的登录密码以确认身份。",
    )
    field_order = ["actor_password", "new_password1", "new_password2"]

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_actor_password(self) -> str:
        password = self.cleaned_data["actor_password"]
        if not password_confirmed(self.request, self.request.user, password):
            raise forms.ValidationError(WRONG_OWN_PASSWORD, code="password_incorrect")
        return password


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "unit", "review_units"]
        help_texts = {"unit": "填报人必填：其所在的单位", "review_units": "审核人负责审核的单位"}

    def clean(self) -> dict[str, Any]:
        """An officer without a unit, said at the field (not the constraint's name, officer_has_unit)."""
        data = super().clean()
        if data.get("role") == Role.OFFICER and not data.get("unit"):
            self.add_error("unit", forms.ValidationError(OFFICER_NEEDS_UNIT, code="officer_has_unit"))
        return data
