"""`manage.py score CODE --year YYYY --json`: one project's scores (contract.md)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.scores import evaluation_json, project_evaluate
from projects.selectors import ProjectLookupError, project_by_key


class Command(BaseCommand):
    help = "计算一个项目的绩效自评得分"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="项目编码（无编码的项目用项目名称）")
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: object, **options: object) -> None:
        try:
            project = project_by_key(key=str(options["code"]), year=int(options["year"]))  # type: ignore[call-overload]
        except ProjectLookupError as exc:
            raise CommandError(str(exc)) from exc
        data = evaluation_json(project, project_evaluate(project))
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{project}：总分 {data['total']}，等级 {data['grade']}")
        for w in data["warnings"]:
            self.stdout.write(f"  [{w['code']}] {w['indicator']} {w['message']}")
