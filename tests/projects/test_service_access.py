"""Every service that reads or writes a project checks the user itself (issue 16 §1, "Access in the
services"): called directly, as a command, a task or a later API would, with another unit's officer
or an evaluator of another unit, it refuses (404 for a project the user does not see, 403 for a
wrong role, or the import's refusal of another unit's rows) and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from evalsys.lib.parsing import Target
from indicators import editing
from indicators.copying import project_copy_to_year
from indicators.models import Indicator
from indicators.services import ImportFailed, indicator_adjust, workbook_import
from projects.editing import project_update
from projects.models import Fund, Project, ReviewRound, Status
from projects.services import (
    SubmissionBlocked,
    project_create,
    project_delete_draft,
    project_set_code,
)
from reports.batch import export_job_create, unit_report_job_create
from reports.models import ExportJob, Narrative
from reports.services import narrative_delete, narrative_save, project_file
from review.models import ReviewNote
from review.services import projects_approve, review_note_save
from tests import factories
from tests.indicators.test_import_trust import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluator_b(unit_b):
    """An evaluator of unit B only."""
    return factories.user("evaluator_b", role="evaluator", review_units=[unit_b])


@pytest.fixture
def project_a(unit_a, officer) -> Project:
    project = factories.project(unit=unit_a, code="A-001", name="单位A项目")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="90")
    factories.indicator(project, level3="满意度", weight="10")
    factories.report_text(project)
    return project


def submitted(project: Project, officer) -> None:
    """As if the unit's officer had submitted `project` (tests.factories.set_status writes the stage
    rows too where the workflow keeps them)."""
    setter = getattr(factories, "set_status", None)
    rows = Project.objects.filter(pk=project.pk)
    setter(rows, Status.SUBMITTED) if setter else rows.update(status=Status.SUBMITTED)
    ReviewRound.objects.create(project=project, number=1, action="submit", actor=officer)


def snapshot() -> tuple:
    rows = [Project, Fund, Indicator, Narrative, ReviewRound, ReviewNote, ExportJob]
    histories = [Project.history, Fund.history, Indicator.history, Narrative.history]
    return (*(list(m.objects.order_by("pk").values_list()) for m in rows), *(h.count() for h in histories))


def first(project: Project) -> Indicator:
    return project.indicators.order_by("position", "pk").first()


DEFINITION = editing.Definition("产出指标", "数量指标", "新指标", Target("≥", Decimal(5), "5", "个"), Decimal(5))

# Each call takes (user, project, tmp_path); SUBMITTED: the review services act on 已提交 projects.
CALLS: dict[str, Callable[[Any, Project, Path], Any]] = {
    "project_copy_to_year": lambda u, p, _: project_copy_to_year(source=p, year=2023, user=u),
    "project_create": lambda u, p, _: project_create(project=Project(unit=p.unit, year=2023, name="新"), user=u),
    "project_set_code": lambda u, p, _: project_set_code(project=p, code="A-009", user=u),
    "project_delete_draft": lambda u, p, _: project_delete_draft(project=p, user=u),
    "project_update": lambda u, p, _: project_update(project=p, version=p.version, basics={"name": "改"}, funds={},
                                                     user=u),
    "indicator_create": lambda u, p, _: editing.indicator_create(project=p, version=p.version, definition=DEFINITION,
                                                                 user=u),
    "indicator_update": lambda u, p, _: editing.indicator_update(indicator=first(p), version=p.version,
                                                                 definition=DEFINITION, user=u),
    "indicator_delete": lambda u, p, _: editing.indicator_delete(indicator=first(p), version=p.version, user=u),
    "indicator_move": lambda u, p, _: editing.indicator_move(indicator=first(p), version=p.version, direction="down",
                                                             user=u),
    "indicator_set_actual": lambda u, p, _: editing.indicator_set_actual(indicator=first(p), version=p.version,
                                                                         actual=None, reason="无", user=u),
    "workbook_import": lambda u, p, tmp: workbook_import(path=workbook(tmp / "a.xlsx"), year=2022, user=u),
    "indicator_adjust": lambda u, p, _: indicator_adjust(indicator=first(p), value=Decimal(1), reason="偏高", user=u),
    "review_note_save": lambda u, p, _: review_note_save(indicator=first(p), text="请核实", user=u),
    "projects_approve": lambda u, p, _: projects_approve(projects=[p], user=u),
    "narrative_save": lambda u, p, _: narrative_save(project=p, version=p.version, texts={"problems": "改"}, user=u),
    "narrative_delete": lambda u, p, _: narrative_delete(narrative=p.narrative, version=p.version, reason="x",
                                                         user=u),
    "project_file": lambda u, p, _: project_file(project=p, fmt="xlsx", user=u),
    "export_job_create": lambda u, p, _: export_job_create(user=u, scope="2022年度", project_ids=[p.pk], fmt="xlsx"),
    "unit_report_job_create": lambda u, p, _: unit_report_job_create(user=u, unit=p.unit, year=2022,
                                                                     project_ids=[p.pk], fmt="docx"),
}  # fmt: skip
SUBMITTED = {"indicator_adjust", "review_note_save", "projects_approve", "unit_report_job_create"}


@pytest.mark.parametrize("who", ["other_officer", "evaluator_b"])
@pytest.mark.parametrize("name", list(CALLS))
def test_another_units_user_is_refused_and_nothing_is_written(request, officer, project_a, tmp_path, name,
                                                              who) -> None:  # fmt: skip
    if name in SUBMITTED:  # as the unit's officer would have submitted it (the calls would succeed otherwise)
        submitted(project_a, officer)
    project = Project.objects.get(pk=project_a.pk)
    user = request.getfixturevalue(who)
    before = snapshot()
    with pytest.raises((Http404, PermissionDenied, ImportFailed)):
        CALLS[name](user, project, tmp_path)
    assert snapshot() == before


@pytest.mark.parametrize("name", ["project_copy_to_year", "project_set_code", "narrative_save", "indicator_create"])
def test_the_units_own_evaluator_may_not_write_either(request, project_a, tmp_path, evaluator, name) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        CALLS[name](evaluator, Project.objects.get(pk=project_a.pk), tmp_path)
    assert snapshot() == before


def test_only_the_command_line_is_the_server(project_a) -> None:
    """`user=None` is the command line's, accepted where a command needs it (the file, the import),
    refused by a service no command calls."""
    assert project_file(project=project_a, fmt="xlsx", user=None)[0].endswith(".xlsx")
    with pytest.raises(PermissionDenied):
        narrative_save(project=project_a, version=project_a.version, texts={"problems": "改"}, user=None)
    with pytest.raises(TypeError):  # no default: a caller that forgets the user fails at once
        workbook_import(path="x.xlsx", year=2022)  # type: ignore[call-arg]


def test_the_units_officer_still_writes(officer, project_a) -> None:
    saved = narrative_save(project=project_a, version=project_a.version, texts={"problems": "改"}, user=officer)
    record = Narrative.history.filter(id=saved.pk).latest("history_id")
    assert (record.problems, record.history_user) == ("改", officer)
    copy = project_copy_to_year(source=project_a, year=2023, user=officer)
    assert copy.unit == project_a.unit and copy.indicators.count() == 2


@pytest.mark.parametrize("name", sorted(SUBMITTED))
def test_the_units_own_reviewer_or_officer_gets_through(officer, evaluator, project_a, tmp_path, name) -> None:
    """The refusals above are the check's: the same calls by unit A's own evaluator (officer for the
    unit report) are accepted."""
    submitted(project_a, officer)
    user = officer if name == "unit_report_job_create" else evaluator
    if name == "projects_approve":  # past the access and state checks, to the readiness one (no actuals)
        with pytest.raises(SubmissionBlocked):
            CALLS[name](user, Project.objects.get(pk=project_a.pk), tmp_path)
        return
    CALLS[name](user, Project.objects.get(pk=project_a.pk), tmp_path)
