"""The to-do: every role's home page starts with what waits for them, counted in the navigation in
one aggregate query; overdue where the year's deadline (set by an admin, else the default) passed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.access import visible_projects
from projects.models import Project, Status, SubmissionDeadline
from projects.selectors import todo_counts
from scoring.services import projects_rescore
from tests import factories

pytestmark = pytest.mark.django_db
HOME = reverse("projects:list")
TODAY = datetime.date(2023, 5, 1)  # past 2023-03-31, the default deadline of fiscal 2022


@pytest.fixture
def world(unit_a, unit_b):
    """Unit A: a blank draft, a filled draft, a returned and a submitted project (2022); one draft of
    2023. Unit B: one submitted project."""
    blank = factories.project(unit=unit_a, code="T-1", name="空草稿")
    factories.indicator(blank, level3="未填", weight="90")
    filled = factories.project(unit=unit_a, code="T-2", name="已填草稿")
    factories.indicator(filled, level3="已填", weight="90", actual=Decimal(10))
    factories.indicator(filled, level3="不适用", weight="0", not_applicable=True, reason="未实施")
    factories.project(unit=unit_a, code="T-3", name="退回项目", status=Status.RETURNED)
    factories.project(unit=unit_a, code="T-4", name="已提交项目", status=Status.SUBMITTED)
    factories.project(unit=unit_a, code="T-5", name="新年度草稿", year=2023)  # no indicator yet: 待填报
    factories.project(unit=unit_b, code="T-6", name="乙单位已提交", status=Status.SUBMITTED)
    # the stored columns the to-do counts on, as every write path leaves them (scoring.services.STORED)
    projects_rescore(project_ids=list(Project.objects.values_list("pk", flat=True)))


def counts(user, role: str, today=TODAY):
    return todo_counts(visible_projects(user), role=role, today=today, default_deadline="03-31")


def test_officer_counts(world, officer) -> None:
    todo = counts(officer, "officer")
    assert (todo.to_fill, todo.to_submit, todo.returned, todo.to_review) == (2, 1, 1, 1)
    # fiscal 2022 was due 2023-03-31: its blank and filled drafts and the returned one are late
    assert todo.overdue == 3
    assert [k for k, _, _ in todo.shown] == ["to_fill", "to_submit", "returned", "overdue"]


def test_evaluator_and_admin_see_what_is_theirs(world, evaluator, admin_user) -> None:
    assert counts(evaluator, "evaluator").to_review == 2
    assert [k for k, _, _ in counts(evaluator, "evaluator").shown] == ["to_review", "overdue"]
    assert len(counts(admin_user, "admin").shown) == 5


def test_before_the_deadline_nothing_is_late(world, officer) -> None:
    assert counts(officer, "officer", today=datetime.date(2023, 3, 31)).overdue == 0


def test_an_admins_deadline_replaces_the_default(world, officer) -> None:
    SubmissionDeadline.objects.create(year=2022, due=datetime.date(2023, 6, 30))
    assert counts(officer, "officer").overdue == 0
    SubmissionDeadline.objects.create(year=2023, due=datetime.date(2023, 4, 1))
    assert counts(officer, "officer").overdue == 1  # the 2023 draft


def test_entering_the_last_actual_moves_a_draft_to_be_submitted(world, officer) -> None:
    from indicators.editing import indicator_set_actual
    from indicators.parsing import Actual

    row = Project.objects.get(code="T-1").indicators.get()
    nine = Actual(Decimal(9), "9", "", False)
    indicator_set_actual(indicator=row, version=row.project.version, actual=nine, reason="", user=officer)
    todo = counts(officer, "officer")
    assert (todo.to_fill, todo.to_submit) == (1, 2)
    indicator_set_actual(indicator=row, version=Project.objects.get(code="T-1").version, actual=None, reason="",
                         user=officer)  # fmt: skip
    assert (counts(officer, "officer").to_fill, counts(officer, "officer").to_submit) == (2, 1)


def test_counts_are_one_query(world, officer, django_assert_num_queries) -> None:
    scope = visible_projects(officer)
    with django_assert_num_queries(1):
        todo_counts(scope, role="officer", today=TODAY, default_deadline="03-31")


def test_home_page_starts_with_the_to_do(client, world, officer) -> None:
    client.force_login(officer)
    page = client.get(HOME).content.decode()
    assert page.index('id="todo"') < page.index("年度项目</h1>")
    assert 'data-todo="to_fill">2<' in page and 'data-todo="returned">1<' in page
    blank = Project.objects.get(code="T-1")  # its id: PostgreSQL does not restart sequences between tests
    assert "空草稿" in page and reverse("indicators:editor", args=[blank.pk]) in page
    assert 'class="badge rounded-pill text-bg-light nav-todo"' in page  # the navigation's count


def test_evaluator_sees_the_review_count_in_the_navigation(client, world, evaluator) -> None:
    client.force_login(evaluator)
    page = client.get(HOME).content.decode()
    assert 'data-todo="to_review">2<' in page
    assert "审核 <span" in page and 'title="待审核的项目">2</span>' in page


def test_home_query_count_does_not_grow(client, officer, unit_a, django_assert_max_num_queries) -> None:
    for i in range(30):
        project = factories.project(unit=unit_a, code=f"Q{i:03d}", status=Status.RETURNED if i % 2 else Status.DRAFT)
        factories.indicator(project, level3="指标", weight="90")
    client.force_login(officer)
    with django_assert_max_num_queries(14):  # the list's, plus the counts and the to-do's projects: one each
        assert client.get(HOME).status_code == 200


def test_the_navigation_counts_once_per_page(client, world, officer, django_assert_max_num_queries) -> None:
    client.force_login(officer)
    detail = reverse("projects:detail", args=[1])
    with django_assert_max_num_queries(30) as captured:
        client.get(detail)
    assert sum('"to_fill"' in q["sql"] for q in captured.captured_queries) == 1
