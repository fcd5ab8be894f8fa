"""`manage.py load_demo`: idempotent demo units, projects and users (contract.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from projects.demo import PROJECTS, YEAR, load_demo

REFUSED = "生产环境（DEBUG 关闭）不能加载演示数据"


class Command(BaseCommand):
    help = "加载演示数据：两个单位、各状态的项目和四个演示用户（可重复执行）"

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError(REFUSED)
        lines = load_demo()
        self.stdout.write(f"演示数据已就绪：{len(PROJECTS)} 个 {YEAR} 年度项目。演示用户（密码相同）：")
        for line in lines:
            self.stdout.write(line)
        call_command("library_load", stdout=self.stdout)  # the 指标库 the editor suggests from
