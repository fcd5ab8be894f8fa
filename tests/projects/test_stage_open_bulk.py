"""stage_open's bulk insert (evalsys.lib.bulk, from STAGE_ROWS_COPIED_FROM new rows: a 监控表 import's
thousand reports) writes the rows the ORM's bulk_create writes, and the counts the triggers keep."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from projects import workflow
from projects.models import Project, StageState, StateCount
from projects.stages import StageKey, StageStatus
from tests import factories

pytestmark = pytest.mark.django_db


def stored() -> dict[str, Any]:
    """Every stage row (but its key and times), the counts and the projects' monitoring mirror."""
    rows = StageState.objects.order_by("project__code", "stage").values_list(
        "project__code", "stage", "status", "round", "version", "year", "unit_id"
    )
    counts = (
        StateCount.objects.filter(n__gt=0)
        .order_by("stage", "year", "status", "unit_id")
        .values_list("stage", "year", "status", "unit_id", "answered", "warned", "n")
    )
    field = workflow.STAGES[StageKey.MONITORING].project_field
    mirror = list(Project.objects.order_by("code").values_list("code", field)) if field else []
    return {"rows": list(rows), "counts": list(counts), "mirror": mirror}


def opened(projects: list[Project], copied_from: int, monkeypatch) -> dict[str, Any]:
    monkeypatch.setattr(workflow, "STAGE_ROWS_COPIED_FROM", copied_from)
    with transaction.atomic():
        workflow.stage_open(projects=[Project.objects.get(pk=p.pk) for p in projects], stage=StageKey.MONITORING)
        out = stored()
        stamps = list(StageState.objects.filter(stage=StageKey.MONITORING).values_list("opened_at", "updated_at"))
        transaction.set_rollback(True)
    assert all(a is not None and b is not None for a, b in stamps)
    return out


def test_the_bulk_insert_writes_the_orms_rows_and_counts(unit_a, unit_b, monkeypatch) -> None:
    projects = [factories.project(unit=unit_a if n % 3 else unit_b, code=f"SO{n:03d}", year=2025 + n % 2)
                for n in range(12)]  # fmt: skip
    # one project already in 草稿, one waiting (未开始): kept, and moved to 草稿
    StageState.objects.create(project=projects[0], stage=StageKey.MONITORING, status=StageStatus.DRAFT,
                              year=projects[0].year, unit=projects[0].unit)  # fmt: skip
    StageState.objects.create(project=projects[1], stage=StageKey.MONITORING, status=StageStatus.NOT_OPEN,
                              year=projects[1].year, unit=projects[1].unit)  # fmt: skip
    plain = opened(projects, 10**9, monkeypatch)
    bulk = opened(projects, 1, monkeypatch)
    assert bulk == plain
    assert sum(1 for row in bulk["rows"] if row[1] == StageKey.MONITORING) == 12
    assert {row[2] for row in bulk["rows"] if row[1] == StageKey.MONITORING} == {StageStatus.DRAFT}
