"""The Django admin site (后台管理) of evalsys.

- The business tables come first; the system's (permission groups, login security, background
  tasks) are listed apart under 系统, on the index and in the side navigation.
- Every admin page refuses a query parameter holding a NUL character with a Chinese 400:
  PostgreSQL cannot compare text with one, so any list filter, search or autocomplete term with
  `%00` was a 500.

INSTALLED_APPS names `evalsys.lib.adminsite.AdminConfig` instead of `django.contrib.admin`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

NUL_IN_QUERY = "网址中的参数含有无效字符（空字符），请检查后重试。"
SYSTEM_TITLE = "系统"
# app labels, or app_label.model_name, that only keep the system running
SYSTEM = {"auth.group", "axes", "django_tasks_database", "sessions", "admin", "contenttypes"}


def has_nul(request: HttpRequest) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists())


def is_system(app_label: str, model: dict[str, Any]) -> bool:
    return app_label in SYSTEM or f"{app_label}.{model['object_name'].lower()}" in SYSTEM


def split_app(app: dict[str, Any]) -> list[dict[str, Any]]:
    """`app` as its business part and its system part (either may be missing), each marked."""
    business = [m for m in app["models"] if not is_system(app["app_label"], m)]
    system = [m for m in app["models"] if is_system(app["app_label"], m)]
    parts = [{**app, "models": models, "system": flag} for models, flag in ((business, False), (system, True))]
    return [part for part in parts if part["models"]]


class AdminSite(admin.AdminSite):
    site_header = "绩效自评管理系统"
    site_title = "绩效自评"
    index_title = "数据管理"

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Callable[..., HttpResponse]:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def refuse_nul(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if has_nul(request):
                raise BadRequest(NUL_IN_QUERY)
            return inner(request, *args, **kwargs)

        return refuse_nul

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        """Business apps first, then the system's (each group in Django's order)."""
        apps = [part for app in super().get_app_list(request, app_label) for part in split_app(app)]
        return sorted(apps, key=lambda app: app["system"])

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        apps = self.get_app_list(request)
        context = {
            "business_apps": [app for app in apps if not app["system"]],
            "system_apps": [app for app in apps if app["system"]],
            "system_title": SYSTEM_TITLE,
            **(extra_context or {}),
        }
        return super().index(request, context)


class AdminConfig(DjangoAdminConfig):
    default_site = "evalsys.lib.adminsite.AdminSite"
