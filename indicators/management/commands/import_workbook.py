"""`manage.py import_workbook FILE.xlsx --year YYYY [--scheme KEY] [--dry-run]` (contract.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.services import ImportFailed, workbook_import
from scoring.schemes import SCHEMES, UnknownScheme, get_scheme

FAILED = "导入失败：共 {n} 处错误，未写入任何数据"


class Command(BaseCommand):
    help = "导入项目支出绩效表 / 自评表工作簿（任一行有误则整体不写入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx 工作簿")
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--scheme", default=None, help=f"评分方案：{'、'.join(SCHEMES)}（默认 national）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument("--unit", default="", help="工作簿没有单位列时使用的单位（编码-名称）")
        parser.add_argument("--month", type=int, default=None,
                            help="监控表的截至月份（1-12），默认取表头“1-M月执行情况”中的月份")  # fmt: skip
        parser.add_argument("--skip-locked", action="store_true",
                            help="跳过已提交、已审核的项目（列出），只导入其余项目；默认整个工作簿不写入")  # fmt: skip

    def handle(self, *args: object, **options: object) -> None:
        scheme = options["scheme"]
        month = options["month"]
        if month is not None and not 1 <= int(month) <= 12:  # type: ignore[call-overload]
            raise CommandError(f"--month {month}：截至月份须在 1 至 12 之间")
        try:
            if scheme:
                get_scheme(str(scheme))
            report = workbook_import(
                path=str(options["file"]), year=int(options["year"]),  # type: ignore[call-overload]
                scheme_key=str(scheme) if scheme else None, dry_run=bool(options["dry_run"]),
                default_unit=str(options["unit"]), skip_refused=bool(options["skip_locked"]),
                user=None,  # the command line: the server's own rights, every unit
                month=int(month) if month is not None else None,  # type: ignore[call-overload]
            )  # fmt: skip
        except UnknownScheme as exc:
            raise CommandError(str(exc)) from exc
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(FAILED.format(n=len(exc.errors))) from exc
        self.stdout.write(report.summary())
        for line in report.notes:
            self.stdout.write(f"  {line}")
        for line in report.skipped:
            self.stdout.write(f"  跳过 {line}")
        for label, warning in report.warnings:
            where = f"{label} · {warning.indicator}" if warning.indicator else label
            self.stdout.write(f"  警告 [{warning.code}] {where}：{warning.message}")
