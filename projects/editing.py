"""Writes of the officer's edit page: a project's basics and its funds by source.

Every save claims the next project version first (projects.services.project_touch), in the same
transaction, so the second of two concurrent saves is refused and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from projects.guards import project_guard
from projects.models import Fund, Project
from projects.scores import projects_rescore
from projects.services import code_lock, project_create, project_set_code, project_touch

BASIC_FIELDS = ("name", "attribute", "overall_goal", "annual_goal", "actual_summary", "low_execution_reason")
BASICS_REASON = "编辑项目基本信息"
FUNDS_REASON = "编辑项目资金"


@dataclass(frozen=True)
class FundAmounts:
    """One source's amounts in 万元."""

    annual: Decimal
    executed: Decimal
    initial: Decimal | None = None


@transaction.atomic
def project_update(
    *,
    project: Project,
    version: int,
    basics: Mapping[str, Any],
    funds: Mapping[str, FundAmounts | None],
    user: Any,
    code: str | None = None,
) -> Project:
    """Save the basics, the funds (None removes a source) and, when given, the corrected 项目编码
    (projects.services.project_set_code) of `project` as read at `version`."""
    project_guard(user, project)  # the unit's officer, or an admin
    if code is not None:
        code_lock([code])  # before the row: the order the import takes them in
    project_touch(project=project, version=version)
    if code is not None:
        project_set_code(project=project, code=code, user=user)
    _save_basics(project, basics, user)
    _save_funds(project, funds, user)
    projects_rescore(project_ids=[project.pk])
    return project


@transaction.atomic
def project_create_with_funds(*, project: Project, funds: Mapping[str, FundAmounts | None], user: Any) -> Project:
    """A new draft (projects.services.project_create) and its funds by source, in one transaction."""
    project_create(project=project, user=user)
    _save_funds(project, funds, user)
    projects_rescore(project_ids=[project.pk])
    return project


def _save_basics(project: Project, basics: Mapping[str, Any], user: Any) -> None:
    changed = [name for name in BASIC_FIELDS if name in basics and getattr(project, name) != basics[name]]
    if not changed:
        return
    for name in changed:
        setattr(project, name, basics[name])
    project.full_clean()
    project._change_reason = BASICS_REASON
    project._history_user = user
    project.save(update_fields=[*changed, "updated_at"])


def _save_funds(project: Project, funds: Mapping[str, FundAmounts | None], user: Any) -> None:
    existing = {fund.source: fund for fund in Fund.objects.filter(project=project)}
    for source, amounts in funds.items():
        fund = existing.get(source)
        if amounts is None:
            if fund is not None:
                _mark(fund, user)
                fund.delete()
            continue
        fund = fund or Fund(project=project, source=source)
        values = {"initial": amounts.initial, "annual": amounts.annual, "executed": amounts.executed}
        if fund.pk and all(getattr(fund, k) == v for k, v in values.items()):
            continue
        if fund.annual != amounts.annual:  # entered by hand: no longer the 年初预算数 standing in
            fund.annual_assumed = False
        for name, value in values.items():
            setattr(fund, name, value)
        fund.full_clean()
        _mark(fund, user)
        fund.save()


def _mark(fund: Fund, user: Any) -> None:
    fund._change_reason = FUNDS_REASON
    fund._history_user = user
