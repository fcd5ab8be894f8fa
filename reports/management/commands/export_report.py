"""`manage.py export_report CODE --year YYYY --format docx|pdf|xlsx --output PATH` (contract.md).

`--department NAME` or `--unit CODE` instead of CODE writes every matching project into PATH
as a zip archive (a folder per unit), rendered by `--jobs N` processes (default: the number of
cores); the archive appears at PATH only when every report is in it. `--stage targets` writes the
项目支出绩效目标申报表 (docx or xlsx) instead, of the projects that declared their targets.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.models import Project, StageState
from projects.selectors import ProjectLookupError, project_by_key
from projects.stages import StageKey, StageStatus
from reports.batch import ExportFailed, export_to_file
from reports.declaration import FORMATS as DECLARATION_FORMATS
from reports.docx_template import TemplateProblem
from reports.models import ExportJob
from reports.services import FORMATS, declaration_file, project_file

NEED_ONE = "请给出项目编码，或 --department / --unit 之一"
NONE_FOUND = "{year} 年度没有符合条件的项目"
WROTE = "已写入 {path}（{n} 个项目）"
DECLARATION_FORMAT = "绩效目标申报表只能导出 docx 或 xlsx"


class Command(BaseCommand):
    help = "导出自评报告（docx、pdf）或自评表（xlsx），或绩效目标申报表（--stage targets）；按部门或单位导出为 zip"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="项目编码（无编码的项目用项目名称）")
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--format", choices=FORMATS, required=True, dest="fmt", help="格式")
        parser.add_argument("--output", required=True, help="输出文件路径")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--department", help="主管部门名称（导出 zip）")
        scope.add_argument("--unit", help="单位编码（导出 zip）")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="并行进程数（默认：CPU 核数）")
        parser.add_argument("--stage", choices=(StageKey.SELF_EVALUATION, StageKey.TARGETS),
                            default=StageKey.SELF_EVALUATION,
                            help="self_evaluation：自评报告/自评表（默认）；targets：绩效目标申报表")  # fmt: skip

    def handle(self, *args: object, **o: object) -> None:
        year, fmt, output = int(o["year"]), str(o["fmt"]), Path(str(o["output"]))  # type: ignore[call-overload]
        targets = o["stage"] == StageKey.TARGETS
        if targets and fmt not in DECLARATION_FORMATS:
            raise CommandError(DECLARATION_FORMAT)
        if o["department"] or o["unit"]:
            ids = self._scope(year, o["department"], o["unit"], targets=targets)
            kind = ExportJob.Kind.TARGETS if targets else ExportJob.Kind.BATCH
            try:
                export_to_file(ids, fmt, output, jobs=max(1, int(o["jobs"])), kind=kind)  # type: ignore[call-overload]
            except ExportFailed as exc:  # nothing written at --output
                raise CommandError(str(exc)) from exc
            self.stdout.write(WROTE.format(path=output, n=len(ids)))
            return
        if not o["code"]:
            raise CommandError(NEED_ONE)
        try:
            project = project_by_key(key=str(o["code"]), year=year)
        except ProjectLookupError as exc:
            raise CommandError(str(exc)) from exc
        if targets:
            output.write_bytes(declaration_file(project=project, fmt=fmt, user=None)[1])
            self.stdout.write(WROTE.format(path=output, n=1))
            return
        try:
            content = project_file(project=project, fmt=fmt, user=None)[1]  # the server's rights
        except TemplateProblem as exc:  # the admin's Word template fails on this project: nothing written
            raise CommandError(f"报告模板不能用于该项目：{exc}") from exc
        output.write_bytes(content)
        self.stdout.write(WROTE.format(path=output, n=1))

    @staticmethod
    def _scope(year: int, department: object, unit: object, *, targets: bool = False) -> list[int]:
        projects = Project.objects.filter(year=year)
        if targets:  # the projects that declared their targets (not those 随自评填报)
            recorded = StageState.objects.filter(stage=StageKey.TARGETS, status=StageStatus.RECORDED)
            projects = projects.filter(stages__stage=StageKey.TARGETS).exclude(pk__in=recorded.values("project"))
        projects = projects.filter(unit__department__name=department) if department else projects
        projects = projects.filter(unit__code=unit) if unit else projects
        ids = list(projects.order_by("unit__code", "code", "pk").values_list("pk", flat=True))
        if not ids:
            raise CommandError(NONE_FOUND.format(year=year))
        return ids
