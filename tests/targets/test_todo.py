"""The targets stage in the to-do and the default year (issue 16 §1: "The default year everywhere is
the year whose stage is open for that user, and to-do links lead to the year where the work waits"):
submitted declarations wait for their reviewers, returned ones and 良's changes for the unit's
officers, drafts for them too; the navigation's 绩效目标 count, the home page's to-do and the lists
open on the year where that work waits, counted in the to-do's one query."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from indicators.copying import project_copy_to_year
from projects.access import visible_projects, visible_units
from projects.models import Project, Status
from projects.selectors import todo_counts
from projects.stages import StageStatus
from tests import factories
from tests.targets.test_bulk_review import declaration

pytestmark = pytest.mark.django_db

HOME, TARGETS, QUEUE = reverse("projects:list"), reverse("targets:list"), reverse("review:queue")
S = StageStatus


@pytest.fixture
def world(unit_a, unit_b) -> dict[str, Project]:
    """Unit A: 2027 a draft and a returned declaration and one submitted, 2026 one in 良's changes and
    one submitted; unit B: one submitted in 2027."""
    return {
        "draft": declaration(unit_a, "TD-1", year=2027, state=S.DRAFT),
        "returned": declaration(unit_a, "TD-2", year=2027, state=S.RETURNED),
        "submitted": declaration(unit_a, "TD-3", year=2027),
        "revising": declaration(unit_a, "TD-4", year=2026, state=S.REVISING),
        "old": declaration(unit_a, "TD-5", year=2026),
        "b": declaration(unit_b, "TD-6", year=2027),
    }


def counts(user, role: str, *, units: bool = True):
    return todo_counts(visible_projects(user), role=role, today=datetime.date(2027, 1, 10), default_deadline="03-31",
                       units=visible_units(user) if units else None)  # fmt: skip


def test_each_role_counts_the_targets_waiting_for_it(world, officer, evaluator, admin_user) -> None:
    for units in (True, False):  # by the user's units (the navigation) or through the projects
        todo = counts(officer, "officer", units=units)
        assert (todo.targets_to_declare, todo.targets_to_revise, todo.targets_to_review) == (1, 2, 2)
        assert [k for k, _, _ in todo.shown][-2:] == ["targets_to_declare", "targets_to_revise"]
        assert counts(evaluator, "evaluator", units=units).targets_to_review == 3
    assert [k for k, _, _ in counts(evaluator, "evaluator").shown] == ["to_review", "overdue", "targets_to_review"]
    admin = counts(admin_user, "admin")
    assert (admin.targets_total, admin.targets_year, admin.targets_year_count) == (6, 2027, 4)
    assert admin.years("targets_to_review") == [(2027, 2), (2026, 1)]


def test_the_counts_stay_one_query(world, officer, admin_user, django_assert_num_queries) -> None:
    for user, role in ((officer, "officer"), (admin_user, "admin")):
        scope, units = visible_projects(user), visible_units(user)
        with django_assert_num_queries(1):
            todo_counts(scope, role=role, today=datetime.date(2027, 1, 10), default_deadline="03-31", units=units)


def test_the_navigation_counts_what_its_link_opens(client, world, officer, evaluator) -> None:
    nav = r'<a class="nav-link" href="/targets/\?year=(\d+)">绩效目标 <span[^>]*title="([^"]*)">(\d+)</span>'
    client.force_login(officer)
    found = re.search(nav, client.get(HOME).content.decode())
    assert found is not None and found.groups() == ("2027", "2027年度等待您处理的绩效目标（全部年度共 3 个）", "2")
    client.force_login(evaluator)
    found = re.search(nav, client.get(HOME).content.decode())
    assert found is not None and found.groups() == ("2027", "2027年度等待您处理的绩效目标（全部年度共 3 个）", "2")


def test_the_to_do_links_carry_the_year_where_targets_wait(client, world, officer, evaluator) -> None:
    client.force_login(evaluator)
    page = client.get(HOME).content.decode()
    assert 'data-todo="targets_to_review">3<' in page
    assert f'href="{TARGETS}?year=2027&amp;status=submitted">2027年度 2 个</a>' in page
    assert f'href="{TARGETS}?year=2026&amp;status=submitted">2026年度 1 个</a>' in page
    client.force_login(officer)
    page = client.get(HOME).content.decode()
    assert 'data-todo="targets_to_revise">2<' in page and "绩效目标待申报" in page
    assert f'href="{TARGETS}?year=2026">2026年度 1 个</a>' in page  # 良's changes wait in 2026


def test_without_declarations_the_to_do_is_as_before(client, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="T-1", status=Status.RETURNED)
    client.force_login(officer)
    page = client.get(HOME).content.decode()
    assert "绩效目标待" not in page and f'href="{TARGETS}">绩效目标</a>' in page


def test_the_targets_list_opens_where_the_users_targets_work_waits(client, world, officer, evaluator,
                                                                   unit_a) -> None:  # fmt: skip
    Project.objects.filter(code__in=["TD-3", "TD-6"]).delete()  # 2027 has no submitted declaration left
    client.force_login(evaluator)
    response = client.get(TARGETS)
    assert response.context["year"] == 2026  # where the submitted one waits, not the newest year
    assert reverse("targets:review", args=[world["old"].pk]) in response.content.decode()
    assert f'href="{TARGETS}?year=2026">绩效目标 <span' in client.get(HOME).content.decode()
    client.force_login(officer)
    assert client.get(TARGETS).context["year"] == 2027  # the officer's drafts
    assert client.get(TARGETS, {"year": "2026"}).context["year"] == 2026  # a chosen year is kept
    Project.objects.filter(code__in=["TD-1", "TD-2", "TD-4", "TD-5"]).delete()
    declaration(unit_a, "TD-7", year=2025, state=S.APPROVED)
    declaration(unit_a, "TD-8", year=2026, state=S.APPROVED)
    assert client.get(TARGETS).context["year"] == 2026  # nothing waits: the newest declared year


def test_copying_into_next_year_leaves_reviewers_where_their_work_is(client, officer, evaluator, unit_a,
                                                                      unit_b) -> None:  # fmt: skip
    waiting = declaration(unit_a, "TC-1", year=2026)  # submitted targets
    source = factories.project(unit=unit_a, code="TC-2", year=2026, status=Status.SUBMITTED)
    project_copy_to_year(source=source, year=2027, user=officer)
    declaration(unit_b, "TC-3", year=2027, state=S.DRAFT)  # unit B starts declaring 2027
    client.force_login(evaluator)
    response = client.get(TARGETS)
    assert (
        response.context["year"] == 2026 and reverse("targets:review", args=[waiting.pk]) in response.content.decode()
    )
    assert client.get(QUEUE).context["year"] == 2026  # the self-evaluation waits there too
    page = client.get(HOME).content.decode()
    assert f'href="{TARGETS}?year=2026">绩效目标 <span' in page and f'href="{QUEUE}?year=2026">审核 <span' in page


def test_the_project_list_opens_where_targets_are_being_declared(client, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="TL-1", year=2025)  # a self-evaluation draft
    declaration(unit_a, "TL-2", year=2026, state=S.DRAFT)  # the next year's targets being declared
    factories.project(unit=unit_a, code="TL-3", year=2027, status=Status.APPROVED)
    client.force_login(officer)
    assert client.get(HOME).context["year"] == 2026  # the newest year where either stage's work waits
    assert client.get(QUEUE).status_code == 403
