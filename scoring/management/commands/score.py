"""`manage.py score CODE --year YYYY --json`: one project's scores (contract.md)."""

from __future__ import annotations

from typing import Any

from projects.management.project_command import ProjectCommand
from projects.models import Project
from projects.scores import evaluation_json, project_evaluate


class Command(ProjectCommand):
    help = "计算一个项目的绩效自评得分"

    def project_json(self, project: Project) -> dict[str, Any]:
        return evaluation_json(project, project_evaluate(project))

    def print_plain(self, project: Project, data: dict[str, Any]) -> None:
        self.stdout.write(f"{project}：总分 {data['total']}，等级 {data['grade']}")
        for w in data["warnings"]:
            self.stdout.write(f"  [{w['code']}] {w['indicator']} {w['message']}")
