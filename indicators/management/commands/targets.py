"""`manage.py targets CODE --year YYYY [--json]`: a project's 绩效目标 and the §8 checks (contract.md "Targets").

Here, beside import_workbook, rather than beside `score`: the command reads the declared indicator
tree (indicators) and the project's stage (projects.workflow), and nothing of the scores; scoring
holds the pure checks (scoring.targets); the reading it prints (targets.selectors.targets_json) is
the one the pages and a later API share.
"""

from __future__ import annotations

from typing import Any

from projects.management.project_command import ProjectCommand
from projects.models import Project
from projects.stages import STAGES, status_label
from scoring.targets import BLOCKING, LABELS
from scoring.types import QUALITATIVE
from targets.selectors import targets_json


class Command(ProjectCommand):
    help = "查看一个项目的绩效目标及审核提示"

    def project_json(self, project: Project) -> dict[str, Any]:
        return targets_json(project)

    def print_plain(self, project: Project, data: dict[str, Any]) -> None:
        where = f"{STAGES[data['stage']].label} · {status_label(data['status'])}" if data["stage"] else "未开始"
        self.stdout.write(f"{project}（{data['year']} 年度）  阶段：{where}")
        self.stdout.write("一级指标 | 二级指标 | 三级指标 | 指标值 | 权重")
        for i in data["indicators"]:
            target = i["target"] if i["comparator"] == QUALITATIVE else f"{i['comparator']}{i['target']}{i['unit']}"
            self.stdout.write(f"{i['level1']} | {i['level2']} | {i['level3']} | {target} | {i['weight'] or '未设'}")
        self.stdout.write(f"权重合计：{data['total_weight'] or '未设权重'}")
        checks = data["checks"]
        self.stdout.write(f"审核提示 {len(checks)} 条" + ("：" if checks else ""))
        for c in checks:
            blocks = "（须先处理才能提交）" if c["code"] in BLOCKING else ""
            row = f" · {c['level3']}" if c["level3"] else ""
            self.stdout.write(f"  [{c['code']}] {LABELS[c['code']]}{row}：{c['message']}{blocks}")
