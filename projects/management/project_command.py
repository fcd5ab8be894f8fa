"""The shape of the per-project commands of contract.md (`score`, `targets`, later `monitor`):
`manage.py <name> CODE --year YYYY [--json]`, the project looked up by code or else by name, an
unknown one a Chinese CommandError, --json the object as the contract states, else plain Chinese."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.models import Project
from projects.selectors import ProjectLookupError, project_by_key


class ProjectCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="项目编码（无编码的项目用项目名称）")
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: object, **options: object) -> None:
        try:
            project = project_by_key(key=str(options["code"]), year=int(options["year"]))  # type: ignore[call-overload]
        except ProjectLookupError as exc:
            raise CommandError(str(exc)) from exc
        data = self.project_json(project)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.print_plain(project, data)

    def project_json(self, project: Project) -> dict[str, Any]:
        raise NotImplementedError

    def print_plain(self, project: Project, data: dict[str, Any]) -> None:
        raise NotImplementedError
