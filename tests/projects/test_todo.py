"""The to-do: every role's home page starts with what waits for them, counted in the navigation in
one aggregate query; overdue where the year's deadline (set by an admin, else the default) passed."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.access import visible_projects
from projects.models import Project, Status, YearPlan
from projects.scores import projects_rescore
from projects.selectors import todo_counts
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
    # the stored columns the to-do counts on, as every write path leaves them (projects.scores.STORED)
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
    YearPlan.objects.create(year=2022, self_evaluation_due=datetime.date(2023, 6, 30))
    assert counts(officer, "officer").overdue == 0
    YearPlan.objects.create(year=2023, self_evaluation_due=datetime.date(2023, 4, 1))
    assert counts(officer, "officer").overdue == 1  # the 2023 draft


def test_entering_the_last_actual_moves_a_draft_to_be_submitted(world, officer) -> None:
    from evalsys.lib.parsing import Actual
    from indicators.editing import indicator_set_actual

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


def test_the_navigation_counts_what_its_link_opens(client, world, officer) -> None:
    """From the newcomer's walk: 项目 4 opened a year that listed 1 project. The badge counts the
    year the link opens; the other years are in its title (and in the to-do panel)."""
    client.force_login(officer)
    page = client.get(HOME).content.decode()
    link = re.search(r'<a class="nav-link" href="/\?year=(\d+)">项目 <span[^>]*title="([^"]*)">(\d+)</span>', page)
    assert link is not None
    assert (link.group(1), link.group(3)) == ("2023", "1")
    assert link.group(2) == "2023年度待填报、待提交和被退回的项目（全部年度共 4 个）"


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
    assert sum('"todo_n"' in q["sql"] for q in captured.captured_queries) == 1


# --- the default year: where the user's work waits (issue 15 B13) ----------------------------------


QUEUE, OVERVIEW = reverse("review:queue"), reverse("review:overview")


@pytest.fixture
def copied(world, unit_a):
    """officer_a copied one project into 2024: a draft of a year newer than every one to review."""
    return factories.project(unit=unit_a, code="T-1", name="空草稿", year=2024)


def test_the_queue_opens_on_the_year_where_reviews_wait(client, copied, evaluator) -> None:
    client.force_login(evaluator)
    page = client.get(HOME).content.decode()
    assert f'href="{QUEUE}?year=2022">审核 <span' in page  # the navigation's 审核 2 carries its year
    response = client.get(QUEUE)
    assert response.context["year"] == 2022
    assert sorted(p.code for p in response.context["projects"]) == ["T-4", "T-6"]
    assert "没有待审核的项目" not in response.content.decode()
    assert client.get(OVERVIEW).context["data"].year == 2022  # the overview opens there too
    assert client.get(OVERVIEW, {"year": "2024"}).context["data"].year == 2024  # a chosen year is kept


def test_the_officers_list_opens_where_drafts_wait(client, world, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="T-7", name="新年度已提交", year=2024, status=Status.SUBMITTED)
    client.force_login(officer)
    response = client.get(HOME)
    assert response.context["year"] == 2023  # the newest year with a draft or a returned project
    assert f'href="{HOME}?year=2023">项目 <span' in response.content.decode()
    factories.set_status(Project.objects.filter(status__in=[Status.DRAFT, Status.RETURNED]), Status.APPROVED)
    assert client.get(HOME).context["year"] == 2024  # nothing to do: the newest year


def test_every_to_do_link_carries_its_year(client, world, evaluator, admin_user, unit_b) -> None:
    factories.project(unit=unit_b, code="T-8", name="乙单位新年度", year=2023, status=Status.SUBMITTED)
    client.force_login(evaluator)
    page = client.get(HOME).content.decode()
    assert f'href="{QUEUE}?year=2023">2023年度 1 个</a>' in page
    assert f'href="{QUEUE}?year=2022">2022年度 2 个</a>' in page
    client.force_login(admin_user)
    page = client.get(HOME).content.decode()
    assert f'href="{HOME}?year=2022&amp;status=returned">2022年度 1 个</a>' in page
    assert f'href="{HOME}?year=2023&amp;status=draft">2023年度 1 个</a>' in page


def test_the_export_of_a_list_uses_the_pages_year(copied, evaluator) -> None:
    from reports.selectors import review_queue_summary

    assert review_queue_summary(evaluator, {}).title.startswith("2022年度")


def test_the_to_do_counts_per_year(world, officer) -> None:
    todo = counts(officer, "officer")
    assert todo.years("to_fill") == [(2023, 1), (2022, 1)] and todo.officer_year == 2023
    assert todo.review_year == 2022 and todo.years("returned") == [(2022, 1)]
