"""Chinese names for third-party apps in the Django admin (their own AppConfigs name them in English).

INSTALLED_APPS lists these instead of the bare packages; their models' names come from
locale/zh_Hans (their packages carry no Chinese catalog).
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "登录安全"


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "后台任务"
