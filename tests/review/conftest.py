"""Projects ready for review: funds and indicators that score 100 when met, totals stored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projects.models import Project, Status, Unit
from projects.scores import projects_rescore
from tests import factories


def make_project(unit, *, code: str, status: str = Status.SUBMITTED, year: int = 2022, executed: str = "95") -> Project:
    project = factories.project(unit=unit, code=code, name=f"项目{code}", year=year, status=status)
    factories.fund(project, annual="100", executed=executed)
    factories.indicator(project, level3="培训人次", weight="60", target=Decimal(10), actual=Decimal(10),
                        actual_text="10")  # fmt: skip
    factories.indicator(project, level3="品牌", comparator="定性", weight="30", target=None, target_text="提升",
                        actual_label="达成", actual_text="达成")  # fmt: skip
    factories.report_text(project)
    projects_rescore(project_ids=[project.pk])
    project.refresh_from_db()
    return project


@pytest.fixture
def unit_c(db):
    """A unit nobody in the cast reviews, in a department of its own."""
    return Unit.objects.create(code="150001", name="某市财政局", department=factories.department("某市"))


@pytest.fixture
def submitted_a(unit_a):
    return make_project(unit_a, code="A-001")


@pytest.fixture
def submitted_b(unit_b):
    return make_project(unit_b, code="B-001")


@pytest.fixture
def draft_a(unit_a):
    return make_project(unit_a, code="A-002", status=Status.DRAFT)


@pytest.fixture
def project_c(unit_c):
    return make_project(unit_c, code="C-001")
