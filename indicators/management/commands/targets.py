"""`manage.py targets CODE --year YYYY [--json]`: a project's 绩效目标 and the §8 checks (contract.md "Targets").

Here, beside import_workbook, rather than beside `score`: the command reads the declared indicator
tree (indicators) and the project's stage (projects.workflow), and nothing of the scores; scoring
holds the pure checks (scoring.targets) it calls. targets_input, targets_json and review_json are
the reading a page or the API will share: they move to the targets stage's selectors with it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.models import Project
from projects.selectors import ProjectLookupError, project_by_key
from projects.stages import STAGES, StageStatus, ordered, status_label
from projects.workflow import states_of
from scoring.rules import fmt, pts
from scoring.schemes import get_scheme
from scoring.services import indicator_input
from scoring.targets import BLOCKING, LABELS, TargetsInput, check_targets
from scoring.types import QUALITATIVE, ZERO


def project_stage(project: Project) -> tuple[str | None, str | None]:
    """(stage, status) where the project stands in its year: the latest stage by order that has a
    row and is not 'recorded' (targets that came with the self-evaluation); (None, None) if none."""
    states = states_of(project)
    for spec in reversed(ordered()):
        status = states.get(spec.key)
        if status is not None and status != StageStatus.RECORDED:
            return spec.key, status
    return None, None


def targets_input(project: Project) -> TargetsInput:
    """The checks' input: the indicator rows, 年度资金总额 (the funds' 全年预算数) and the year.
    Expects funds and indicators prefetched (projects.selectors.projects_with_scoring_data)."""
    funds = list(project.funds.all())
    budget = sum((f.annual for f in funds), ZERO) if funds else None
    rows = tuple(indicator_input(row) for row in project.indicators.all())
    return TargetsInput(get_scheme(project.scheme), rows, budget, project.year)


def review_json(project: Project) -> dict[str, Any] | None:
    """The targets review ({"result", "criteria": {"完整性", "相关性", "适当性", "可行性"}}): None until
    the review of the targets stage exists."""
    return None


def _target(row: Any) -> str:
    """The target as entered: the text of a 定性 or deadline target, else the number (as `score --json`)."""
    if row.comparator == QUALITATIVE or row.deadline is not None or row.target is None:
        return row.target_text
    return fmt(row.target)


def _weight(value: Decimal | None) -> str | None:
    return None if value is None else pts(value)


def targets_json(project: Project) -> dict[str, Any]:
    """The `targets --json` object of contract.md: numbers as two-decimal strings, like `score --json`."""
    rows = list(project.indicators.all())
    weights = [r.weight for r in rows if r.weight is not None]
    stage, status = project_stage(project)
    return {
        "code": project.code, "year": project.year, "stage": stage, "status": status,
        "total_weight": pts(sum(weights, ZERO)) if weights else None,
        "indicators": [
            {"level1": r.level1, "level2": r.level2, "level3": r.level3, "comparator": r.comparator,
             "target": _target(r), "unit": r.unit, "weight": _weight(r.weight)}
            for r in rows
        ],
        "checks": [{"code": w.code, "level3": w.indicator, "message": w.message}
                   for w in check_targets(targets_input(project))],
        "review": review_json(project),
    }  # fmt: skip


class Command(BaseCommand):
    help = "查看一个项目的绩效目标及审核提示"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="项目编码（无编码的项目用项目名称）")
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: object, **options: object) -> None:
        try:
            project = project_by_key(key=str(options["code"]), year=int(options["year"]))  # type: ignore[call-overload]
        except ProjectLookupError as exc:
            raise CommandError(str(exc)) from exc
        data = targets_json(project)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self._print(project, data)

    def _print(self, project: Project, data: dict[str, Any]) -> None:
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
