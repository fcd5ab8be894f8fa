"""The 运行监控 overview's project list as a 汇总表 (issue 17): the lists' sheet (reports.summary
table_workbook: text cells never formulas, 万元 with two decimals), one row per project in the page's
order, red first. Pure: the reports in, bytes out."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone

from monitoring.models import MonitoringReport
from reports.summary import AMOUNT, Cellish, table_workbook
from scoring.monitoring import LABELS as WARNING_LABELS
from scoring.monitoring import LIGHT_LABELS

HEADERS = ("项目编码", "项目名称", "实施单位", "主管部门", "监控结果", "预算执行", "全年预算数（万元）",
           "1–M月执行数（万元）", "监控截至月份", "预算执行进度", "执行进度/时间进度", "提示")  # fmt: skip
WIDTHS = (24, 36, 30, 26, 10, 10, 16, 16, 12, 12, 14, 30)
RATE = "0.00%"
MONTH = "0"


def _warnings(codes: str) -> str:
    return "、".join(WARNING_LABELS.get(code, code) for code in codes.strip(",").split(",") if code)


def _cells(report: MonitoringReport) -> tuple[Cellish, ...]:
    project = report.project
    department = project.unit.department
    return (project.code, project.name, str(project.unit), department.name if department else "",
            LIGHT_LABELS[report.light], LIGHT_LABELS[report.budget_light], (report.budget_annual, AMOUNT),
            (report.budget_executed, AMOUNT), (report.month, MONTH), (report.budget_progress / 100, RATE),
            (report.budget_value, "0.00"), _warnings(report.warning_codes))  # fmt: skip


def render_overview_xlsx(reports: Iterable[MonitoringReport], *, title: str, scope: str) -> bytes:
    """The list as xlsx bytes: title, the filters and date, the headers, one row per report."""
    rows = [_cells(r) for r in reports]
    info = f"筛选：{scope or '全部'}　共 {len(rows)} 个项目　导出日期：{timezone.localdate():%Y-%m-%d}"
    out = BytesIO()
    table_workbook(title=title, info=info, headers=HEADERS, widths=WIDTHS, rows=rows).save(out)
    return out.getvalue()
