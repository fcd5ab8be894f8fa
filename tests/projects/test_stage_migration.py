"""Migration 0013 (the year as stages) loses nothing: a database filled by load_demo plus an import
is taken back to 0012 and forward again; every project, score, round and history row is compared,
and every project's stage rows say what its status and rounds said (issue 16 §1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.models import Indicator
from indicators.services import workbook_import
from projects.models import Fund, Project, ReviewRound, StageState
from tests.workbooks import seed000_workbook, seed001_workbook

BEFORE = ("projects", "0012_unscored_without_indicators")
ROUND_FIELDS = ("pk", "project", "number", "action", "actor", "reason", "created_at")
PROJECT_FIELDS = [f.attname for f in Project._meta.concrete_fields]


def snapshot() -> dict[str, list]:
    return {
        "projects": list(Project.objects.order_by("pk").values_list(*PROJECT_FIELDS)),
        "funds": list(Fund.objects.order_by("pk").values_list()),
        "indicators": list(Indicator.objects.order_by("pk").values_list()),
        "rounds": list(ReviewRound.objects.order_by("pk").values_list(*ROUND_FIELDS)),
        "project_history": list(Project.history.order_by("pk").values_list()),
        "indicator_history": list(Indicator.history.order_by("pk").values_list()),
        "fund_history": list(Fund.history.order_by("pk").values_list()),
    }


def migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_the_stage_migration_keeps_every_row_and_gives_each_project_its_stages(settings, tmp_path: Path) -> None:
    settings.DEBUG = True  # load_demo runs only in development
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the command's own output, unread
    workbook_import(path=seed000_workbook(tmp_path / "000.xlsx"), year=2022, user=None)
    workbook_import(path=seed001_workbook(tmp_path / "001.xlsx"), year=2023, user=None)
    before = snapshot()
    assert len(before["projects"]) >= 5 and before["rounds"] and before["project_history"]
    statuses = {row[0]: row[PROJECT_FIELDS.index("status")] for row in before["projects"]}
    assert len(set(statuses.values())) >= 3  # drafts, submitted, returned or approved: the states migrate

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()  # every app: going back took its dependents
    migrate([BEFORE])
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "projects_stagestate" not in tables
    migrate(latest)
    with connection.cursor() as cursor:  # every app's tables are back, those that depend on projects too
        assert {"targets_targetreview", "projects_stagestate"} <= set(connection.introspection.table_names(cursor))

    assert snapshot() == before
    rows = list(StageState.objects.values_list("project", "stage", "status", "round", "year", "unit"))
    assert len(rows) == 2 * len(statuses)
    projects = {p.pk: p for p in Project.objects.all()}
    last_round = {}
    for pk, number in ReviewRound.objects.values_list("project", "number"):
        last_round[pk] = max(last_round.get(pk, 0), number)
    for pk, stage, status, number, year, unit in rows:
        project = projects[pk]
        assert (year, unit) == (project.year, project.unit_id)
        if stage == "self_evaluation":
            assert (status, number) == (statuses[pk], last_round.get(pk, 0)), project
        else:
            assert (stage, status, number) == ("targets", "recorded", 0)
    assert set(ReviewRound.objects.values_list("stage", flat=True)) == {"self_evaluation"}
