"""Copy a project into another year with its indicator tree (the 复制到新年度 page, intake's copy view).

It sits in indicators, a layer above projects (.importlinter): the copy writes the indicator tree.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from evalsys.lib.codes import normalize_code
from indicators.models import Indicator
from projects import workflow
from projects.access import IMPORTERS_ONLY
from projects.guards import project_guard
from projects.models import Project, Status
from projects.scores import projects_rescore
from projects.services import code_check_owner
from projects.stages import StageKey

COPY_EXISTS = "{year} 年度已有项目“{name}”，不能重复复制"
COPY_CODE_EXISTS = "{year} 年度已有编码为“{code}”的项目，不能重复复制；如新年度的编码不同，请在“新年度的项目编码”中填写"
COPIED_FIELDS = ("unit", "code", "name", "attribute", "overall_goal", "annual_goal", "scheme")
TREE_FIELDS = ("position", "level1", "level2", "level3", "comparator", "target", "target_text", "unit", "deadline",
               "sign_assumed", "weight", "direction")  # fmt: skip


@transaction.atomic
def project_copy_to_year(*, source: Project, year: int, user: Any, code: str | None = None) -> Project:
    """Start `year` from `source`: basics, goals and the indicator tree with its targets and
    weights; no funds, actuals, reasons, scores or review history (they belong to a year).
    `code` is the new year's 项目编码 (None keeps `source`'s; a new year often brings a new code)."""
    project_guard(user, source, denied=IMPORTERS_ONLY)  # the source's unit's officer, or an admin

    code = normalize_code(source.code if code is None else code)
    clash = Project.objects.filter(year=year, unit=source.unit, name=source.name, code="")
    if code:
        code_check_owner(code=code, unit=source.unit)
        clash = Project.objects.filter(year=year, code=code)
    if clash.exists():
        message = COPY_CODE_EXISTS if code else COPY_EXISTS
        raise ValidationError(message.format(year=year, code=code, name=source.name), code="exists")
    copy = Project(year=year, **{f: getattr(source, f) for f in COPIED_FIELDS})
    copy.code = code
    # a year whose calendar uses the targets stage starts the copy by declaring them, as project_create
    declaring = workflow.year_uses(year, StageKey.TARGETS)
    copy.status = Status.NOT_OPEN if declaring else Status.DRAFT
    copy._change_reason = f"复制自 {source.year} 年度" + (f"（原编码 {source.code}）" if code != source.code else "")
    if declaring:
        copy._change_reason += "，申报绩效目标"
    copy._history_user = user
    copy.full_clean()
    copy.save()
    rows = [Indicator(project=copy, **{f: getattr(i, f) for f in TREE_FIELDS}) for i in source.indicators.all()]
    bulk_create_with_history(rows, Indicator, default_user=user, default_change_reason=f"复制自 {source.year} 年度")

    projects_rescore(project_ids=[copy.pk])
    return copy
