"""`manage.py monitor CODE --year YYYY [--json]`: a project's latest 运行监控 (contract.md "Monitoring").

The object printed is monitoring.selectors.monitor_json, the one the pages and a later API share;
the lights are the pure rules' (scoring.monitoring)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from monitoring.selectors import monitor_json
from projects.management.project_command import ProjectCommand
from projects.models import Project
from scoring.monitoring import LABELS, LIGHT_LABELS

NO_MONITORING = "项目“{project}”（{year} 年度）尚未填报运行监控"


class Command(ProjectCommand):
    help = "查看一个项目的运行监控（预算执行进度、指标预计完成情况和监控结果）"

    def project_json(self, project: Project) -> dict[str, Any]:
        data = monitor_json(project)
        if data is None:
            raise CommandError(NO_MONITORING.format(project=project.code or project.name, year=project.year))
        return data

    def print_plain(self, project: Project, data: dict[str, Any]) -> None:
        b = data["budget"]
        month = data["month"]
        self.stdout.write(f"{project}（{data['year']} 年度）  1–{month}月运行监控：{LIGHT_LABELS[data['light']]}")
        self.stdout.write(f"时间进度 {data['time_progress']}%；预算 {b['annual']} 万元，1–{month}月执行 "
                          f"{b['executed']} 万元，执行进度 {b['progress']}%，执行进度/时间进度 {b['value']}："
                          f"{LIGHT_LABELS[b['light']]}")  # fmt: skip
        self.stdout.write(
            "三级指标 | 指标值 | 1–M月执行情况 | 全年预计完成值 | 完成目标可能性 | 预计得分 | 监控结果 | 偏差原因"
        )
        for i in data["indicators"]:
            why = "：".join(x for x in (i["reason_category"], i["reason"]) if x)
            self.stdout.write(f"{i['level3']} | {i['target']} | {i['to_date'] or '—'} | {i['forecast'] or '—'} | "
                              f"{i['possibility'] or '—'} | {i['forecast_score']} | {LIGHT_LABELS[i['light']]} | "
                              f"{why or '—'}")  # fmt: skip
        warnings = data["warnings"]
        self.stdout.write(f"提示 {len(warnings)} 条" + ("：" if warnings else ""))
        for w in warnings:
            row = f" · {w['indicator']}" if w["indicator"] else ""
            self.stdout.write(f"  [{w['code']}] {LABELS[w['code']]}{row}：{w['message']}")
