"""Users in 后台管理: created with their role and unit on one page, listed with name, role and unit.

An admin who is not a superuser changes only accounts with fewer rights than their own (never a
superuser's or a 后台 account's) and never the 后台 rights themselves (is_staff, is_superuser,
groups, permissions): otherwise an admin role could make itself superuser. Passwords are reset on
the accounts page only (re-authentication, the same rules): the admin's own password form sends
there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.access import refusal, with_privileges
from accounts.forms import AdminLoginForm, MembershipForm
from projects.models import Membership

User = get_user_model()
FULL_NAME = "姓名"
ACTIONS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}
ACTIVE = {True: "启用", False: "停用"}
BACKEND_RIGHTS = ["is_staff", "is_superuser", "groups", "user_permissions"]


def permission_label(permission: Permission) -> str:
    """A permission in Chinese: Django names them "Can add <model>" in English whatever the language."""
    action = permission.codename.partition("_")[0]
    model = permission.content_type.model_class()
    if action not in ACTIONS or model is None:
        return str(permission)
    meta = model._meta
    original = getattr(model, "instance_type", None)  # django-simple-history names its tables "historical …"
    name = f"{original._meta.verbose_name}的修改记录" if original else meta.verbose_name
    return f"{meta.app_config.verbose_name} | {name} | {ACTIONS[action]}{name}"


class ChinesePermissions:
    """The permission pickers of users and groups, their choices named by permission_label."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


admin.site.login_form = AdminLoginForm  # the user name's length checked, as at the site's login


class UserAddForm(auth_forms.UserCreationForm):
    """User name, name and the password twice (no 基于密码的验证 switch: an officer signs in with one)."""

    class Meta(auth_forms.UserCreationForm.Meta):
        fields = ["username", "first_name", "email"]
        labels = {"first_name": FULL_NAME}
        help_texts = {"first_name": "如 张三；列表和审核记录中显示", "email": "选填"}


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        labels = {"first_name": FULL_NAME}


class MembershipInline(admin.StackedInline):
    """角色与单位 on the user's own page: a new officer is one form, not a user and then a role."""

    model = Membership
    form = MembershipForm
    fields = ["role", "unit", "review_units"]
    autocomplete_fields = ["unit", "review_units"]
    can_delete = False
    max_num = 1
    verbose_name = verbose_name_plural = "角色与单位"

    def get_min_num(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if obj is None else 0  # a new account gets its role with it


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(ChinesePermissions, auth_admin.UserAdmin):
    add_form = UserAddForm
    form = UserChangeForm
    add_form_template = "admin/accounts/user/add_form.html"
    inlines = [MembershipInline]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "first_name", "email", "password1",
                                                            "password2"]})]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["first_name", "email"]}),
        ("后台权限（由超级管理员设置）", {"fields": ["is_active", *BACKEND_RIGHTS]}),
        ("重要日期", {"fields": ["last_login", "date_joined"]}),
    ]
    list_display = ["username", "full_name", "role", "unit", "active", "last_login"]
    list_select_related = ["membership", "membership__unit"]
    list_filter = ["membership__role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "membership__unit__code",
                     "membership__unit__name"]  # fmt: skip
    list_per_page = 50

    @admin.display(description=FULL_NAME, ordering="first_name")
    def full_name(self, obj: Any) -> str:
        return obj.get_full_name() or "—"

    @admin.display(description="状态", ordering="is_active")
    def active(self, obj: Any) -> str:
        """启用/停用 in words: the admin's boolean icons are read out as "True"/"False"."""
        return ACTIVE[bool(obj.is_active)]

    @admin.display(description="角色", ordering="membership__role")
    def role(self, obj: Any) -> str:
        membership = getattr(obj, "membership", None)
        return membership.get_role_display() if membership else "—"

    @admin.display(description="单位", ordering="membership__unit__name")
    def unit(self, obj: Any) -> str:
        membership = getattr(obj, "membership", None)
        return str(membership.unit.name) if membership and membership.unit else "—"

    def get_queryset(self, request: HttpRequest) -> Any:
        return with_privileges(super().get_queryset(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, *BACKEND_RIGHTS]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def _may_manage(self, request: HttpRequest, obj: Any) -> bool:
        """A superuser any account; another admin their own and those below them (accounts.access)."""
        actor = request.user
        return obj is None or actor.is_superuser or obj.pk == actor.pk or not refusal(actor, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """One place to reset a password: the accounts page (re-authentication, who may whose)."""
        if str(request.user.pk) == id:
            return redirect("accounts:password_change")
        return redirect("accounts:user_password", pk=int(id)) if id.isdigit() else redirect("accounts:users")


@admin.register(Group)
class GroupAdmin(ChinesePermissions, auth_admin.GroupAdmin):
    """Permission groups hand out 后台 rights: a superuser's business only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser
