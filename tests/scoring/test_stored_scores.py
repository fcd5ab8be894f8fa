"""Stored totals (Project.score_total …) always equal what the engine computes."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from indicators.models import Indicator
from indicators.services import indicator_adjust
from projects.demo import load_demo
from projects.models import Project, Status
from projects.scores import project_evaluate
from projects.selectors import projects_with_scoring_data
from tests.workbooks import seed000_workbook

pytestmark = pytest.mark.django_db


def assert_stored_equals_computed() -> None:
    for project in projects_with_scoring_data():
        ev = project_evaluate(project)
        stored = (project.score_total, project.score_grade, project.warning_count)
        assert stored == (ev.total, ev.grade, len(ev.warnings)), project
        assert project.execution_rate == (ev.budget.rate if ev.budget else None)


def test_after_import_and_reimport(tmp_path: Path) -> None:
    path = seed000_workbook(tmp_path / "s0.xlsx")
    call_command("import_workbook", str(path), "--year", "2022", stdout=StringIO())
    assert Project.objects.get().score_total == Decimal("93.62")
    call_command("import_workbook", str(path), "--year", "2022", stdout=StringIO())
    assert_stored_equals_computed()


def test_dry_run_stores_nothing(tmp_path: Path) -> None:
    call_command("import_workbook", str(seed000_workbook(tmp_path / "s0.xlsx")), "--year", "2022", "--dry-run",
                 stdout=StringIO())  # fmt: skip
    assert not Project.objects.exists()


def test_after_demo_adjustment_and_rescore_command(django_user_model) -> None:
    load_demo()
    assert_stored_equals_computed()
    project = Project.objects.get(code="15000025T000000000900")
    assert project.status == Status.SUBMITTED
    row = project.indicators.get(level3="研发新产品")
    indicator_adjust(
        indicator=row, value=Decimal(6), reason="目标偏低", user=django_user_model.objects.get(username="evaluator")
    )
    assert Project.objects.get(pk=project.pk).score_total == Decimal("91.62")
    Indicator.objects.filter(pk=row.pk).update(weight=Decimal(7))  # a change behind the services' back
    out = StringIO()
    call_command("rescore", "--year", "2025", stdout=out)
    assert "已重新计算 5 个项目" in out.getvalue()
    assert_stored_equals_computed()
