"""`manage.py rescore [--year YYYY]`: recompute the stored totals after a manual data change."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from projects.models import Project
from projects.scores import projects_rescore


class Command(BaseCommand):
    help = "重新计算并保存项目总分、等级、执行率和提示数"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="只计算该年度")

    def handle(self, *args: object, **options: object) -> None:
        projects = Project.objects.all()
        if options["year"]:
            projects = projects.filter(year=options["year"])
        count = projects_rescore(project_ids=list(projects.values_list("pk", flat=True)))
        self.stdout.write(f"已重新计算 {count} 个项目")
