"""`manage.py recheck FILE.xlsx --year YYYY [--scheme KEY] [--json]` (contract.md, 复核).

Exit status 0 when nothing departs, 1 when something does, 2 when the workbook cannot be read
(the import's row-level errors on stderr). A folder instead of FILE re-checks every .xlsx in it
and writes one summary workbook (`--output`, default `<folder>-复核汇总.xlsx` beside it).
Nothing is written to the database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recheck.downloads import summary_line, summary_workbook
from recheck.services import (
    EXIT_CODES,
    ProjectFindings,
    RecheckReport,
    folder_recheck,
    report_json,
    workbook_recheck,
)
from scoring.labels import CAUSE_LABELS
from scoring.rules import pts
from scoring.schemes import SCHEMES, UnknownScheme, get_scheme

UNREADABLE = "无法复核：共 {n} 处错误"
NO_FILE = "找不到文件或文件夹“{path}”"
EMPTY_FOLDER = "文件夹“{path}”中没有 .xlsx 工作簿"
SUMMARY_WRITTEN = "汇总表已写入 {path}"


class Command(BaseCommand):
    help = "复核已公布的自评表：按评分规则重算每行得分与合计，列出与公布得分不符之处（不写入数据库）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx 工作簿，或存放多个工作簿的文件夹")
        parser.add_argument("--year", type=int, required=True, help="年度")
        schemes = "、".join(SCHEMES)
        parser.add_argument("--scheme", default=None, help=f"评分方案：{schemes}（默认：已有项目的方案或 national）")
        parser.add_argument("--json", action="store_true", help="输出 JSON（contract.md 复核）")
        parser.add_argument("--output", default=None, help="文件夹复核时汇总表的保存路径")

    def handle(self, *args: Any, **options: Any) -> None:
        path, scheme = Path(options["file"]), options["scheme"]
        try:
            if scheme:
                get_scheme(scheme)
        except UnknownScheme as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if path.is_dir():
            code = self._folder(path, year=options["year"], scheme=scheme, output=options["output"])
        elif path.is_file():
            report = workbook_recheck(path=path, year=options["year"], scheme_key=scheme)
            code = self._one(report, as_json=options["json"])
        else:
            raise CommandError(NO_FILE.format(path=path), returncode=2)
        if code:
            sys.exit(code)

    def _one(self, report: RecheckReport, *, as_json: bool) -> int:
        for line in report.errors:
            self.stderr.write(line)
        if report.errors:
            self.stderr.write(UNREADABLE.format(n=len(report.errors)))
            return report.exit_code
        if as_json:
            self.stdout.write(json.dumps(report_json(report), ensure_ascii=False, indent=2))
            return report.exit_code
        for line in report.refused:
            self.stdout.write(f"未显示 {line}")
        for p in report.projects:
            self._project(p)
        return report.exit_code

    def _project(self, p: ProjectFindings) -> None:
        r = p.result
        self.stdout.write(
            f"{p.parsed.label}（{p.scheme.key}）：复核 {r.rows} 行，其中有公布得分 {r.judged} 行，"
            f"偏差 {len(r.deviations)} 处，涉及 {pts(r.at_stake)} 分；按规则总分 {pts(p.evaluation.total)}，"
            f"等级 {p.evaluation.grade}"
        )
        for d in r.deviations:
            self.stdout.write(
                f"  {d.sheet}!第{d.row}行 {d.level3}：公布 {pts(d.published)}，复核 {pts(d.computed)}"
                f"（{CAUSE_LABELS[d.cause]}）{d.note}；规则：{d.explanation}"
            )
        for s in r.sums:
            self.stdout.write(f"  [{CAUSE_LABELS[s.cause]}] {s.message}")

    def _folder(self, folder: Path, *, year: int, scheme: str | None, output: str | None) -> int:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))
        if not files:
            raise CommandError(EMPTY_FOLDER.format(path=folder), returncode=2)
        reports = folder_recheck(files=[(f.name, f) for f in files], year=year, scheme_key=scheme)
        for report in reports:
            file, projects, rows, deviations, at_stake, status, _ = summary_line(report)
            line = f"{file}\t项目 {projects}\t行 {rows}\t偏差 {deviations}\t涉及 {pts(at_stake)} 分\t{status}"
            self.stdout.write(line)
            for line in report.errors:
                self.stderr.write(line)
        target = Path(output) if output else folder.parent / f"{folder.name}-复核汇总.xlsx"
        target.write_bytes(summary_workbook(reports))
        self.stdout.write(SUMMARY_WRITTEN.format(path=target))
        return max(EXIT_CODES[r.status] for r in reports)
