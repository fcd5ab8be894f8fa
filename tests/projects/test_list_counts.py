"""Where the lists' counts come from (issue 16 §1): the kept counts (StateCount, kept by triggers:
projects.counts) for the common case, the projects themselves when a filter reads their own columns;
the years of a scope by a loose index scan. Results equal what counting the projects gives."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import counts
from projects.access import visible_projects, visible_units
from projects.models import Project, StageState, StateCount, Status, YearPlan
from projects.selectors import todo_counts, years_of
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")
STATES = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED]


def bulk(unit, n: int, *, prefix: str, year: int = 2025) -> list[Project]:
    rows = [Project(unit=unit, year=year, code=f"{prefix}{i:03d}", name=f"项目{i}", status=STATES[i % 4])
            for i in range(n)]  # fmt: skip
    return Project.objects.bulk_create(rows)


def counting(client, **params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, {"year": 2025, **params}).status_code == 200
    counted = [q["sql"] for q in captured if "COUNT(" in q["sql"] or "SUM(" in q["sql"]]
    return [sql for sql in counted if '"todo_n"' not in sql and "monitoring_" not in sql]  # the to-do's aside


def test_bulk_created_projects_have_their_stage_rows(unit_a) -> None:
    made = bulk(unit_a, 4, prefix="B")
    rows = StageState.objects.filter(project__in=made, stage="self_evaluation")
    assert sorted(rows.values_list("status", flat=True)) == sorted(STATES)
    assert set(rows.values_list("year", "unit")) == {(2025, unit_a.pk)}
    assert StageState.objects.filter(project__in=made, stage="targets", status="recorded").count() == 4


@pytest.mark.parametrize("who", ["officer", "evaluator", "admin_user"])
def test_each_role_counts_its_own_units_from_the_stage_rows(client, request, unit_a, unit_b, who) -> None:
    bulk(unit_a, 9, prefix="A")
    bulk(unit_b, 6, prefix="B")
    bulk(factories.unit(code="149999", name="别的单位"), 5, prefix="S")
    user = request.getfixturevalue(who)
    client.force_login(user)
    sql = counting(client)
    assert len(sql) == 1 and "projects_statecount" in sql[0]
    assert "projects_project" not in sql[0] and "projects_stagestate" not in sql[0]
    page = client.get(LIST, {"year": 2025}).content.decode()
    expected = visible_projects(user).filter(year=2025).count()
    assert f"共 {expected} 个项目" in page


def test_a_filter_on_the_projects_own_columns_counts_the_projects(client, admin_user, unit_a) -> None:
    bulk(unit_a, 12, prefix="Q")
    client.force_login(admin_user)
    sql = counting(client, q="Q00")
    assert len(sql) == 1 and "projects_project" in sql[0]
    assert "共 10 个项目" in client.get(LIST, {"year": 2025, "q": "Q00"}).content.decode()


def test_the_counts_follow_the_stage_rows(client, admin_user, unit_a) -> None:
    made = bulk(unit_a, 4, prefix="T")
    factories.set_status(Project.objects.filter(pk=made[0].pk), Status.SUBMITTED)
    client.force_login(admin_user)
    page = client.get(LIST, {"year": 2025, "status": Status.SUBMITTED}).content.decode()
    assert "共 2 个项目" in page


def test_years_of_a_scope_newest_first(officer, unit_a, unit_b) -> None:
    for year in (2021, 2023, 2025):
        factories.project(unit=unit_a, code=f"A{year}", year=year)
    factories.project(unit=unit_b, code="B2024", year=2024)
    assert years_of(Project.objects.all()) == [2025, 2024, 2023, 2021]
    assert years_of(visible_projects(officer)) == [2025, 2023, 2021]
    assert years_of(Project.objects.filter(unit__in=visible_units(officer)).filter(year__lt=2023)) == [2021]
    assert years_of(Project.objects.none()) == []


def kept(*, warned: bool = False) -> set[tuple]:
    """The kept counts per (stage, year, status, unit, answered), with or without their split by 提示."""
    key = ["stage", "year", "status", "unit", "answered", *(["warned"] if warned else [])]
    rows = StateCount.objects.values_list(*key).annotate(total=Sum("n")).filter(total__gt=0)
    return set(rows)


def recounted() -> set[tuple]:
    before, split = kept(), kept(warned=True)
    counts.rebuild(connection)
    after = kept()
    assert (before, split) == (after, kept(warned=True)), "the triggers' counts differ from a recount"
    return after


def test_every_writer_keeps_the_counts(unit_a, unit_b) -> None:
    made = bulk(unit_a, 8, prefix="K")  # bulk_create, then stages_start's INSERT ... SELECT
    factories.project(unit=unit_b, code="K-one")  # save()
    assert ("self_evaluation", 2025, Status.DRAFT, unit_a.pk, False, 2) in recounted()
    assert ("targets", 2025, "recorded", unit_a.pk, False, 8) in recounted()
    factories.set_status(Project.objects.filter(pk__in=[p.pk for p in made[:3]]), Status.APPROVED)  # update()
    Project.objects.filter(pk=made[4].pk).update(answered=True, unit=unit_b, year=2024)
    StageState.objects.filter(project=made[5], stage="targets").update(status="submitted")
    Project.objects.filter(pk=made[6].pk).delete()  # its stage rows go first (Django's cascade)
    found = recounted()
    assert ("self_evaluation", 2024, Status.DRAFT, unit_b.pk, True, 1) in found
    assert ("targets", 2025, "submitted", unit_a.pk, False, 1) in found
    assert sum(n for stage, *_, n in found if stage == "self_evaluation") == 8


def test_the_counts_split_by_warnings_follow_the_stored_warnings(unit_a) -> None:
    made = bulk(unit_a, 4, prefix="W")
    Project.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(warning_count=2)  # as a rescore writes them
    Project.objects.filter(pk=made[0].pk).update(warning_count=3)  # still warned: no move
    recounted()
    assert split() == {(Status.DRAFT, True): 1, (Status.SUBMITTED, True): 1, (Status.RETURNED, False): 1,
                       (Status.APPROVED, False): 1}  # fmt: skip
    Project.objects.filter(pk=made[1].pk).update(warning_count=0)
    assert (Status.SUBMITTED, False) in split()
    recounted()


def split() -> dict[tuple[str, bool], int]:
    """The self-evaluation's kept counts by (状态, warned)."""
    return {(status, warned): n for stage, _, status, _, _, warned, n in kept(warned=True) if stage != "targets"}


@pytest.mark.parametrize(("warning", "codes"), [("any", ["V000", "V002"]), ("none", ["V001", "V003"])])
def test_the_warning_filter_counts_from_the_kept_counts(client, admin_user, unit_a, warning, codes) -> None:
    made = bulk(unit_a, 4, prefix="V")
    Project.objects.filter(pk__in=[made[0].pk, made[2].pk]).update(warning_count=1, warning_codes=",missing_reason,")
    client.force_login(admin_user)
    sql = counting(client, warning=warning)
    assert len(sql) == 1 and "projects_statecount" in sql[0] and "projects_project" not in sql[0]
    page = client.get(LIST, {"year": 2025, "warning": warning}).content.decode()
    assert "共 2 个项目" in page and all(code in page for code in codes)
    by_type = counting(client, warning="missing_reason")  # a type of 提示: counted through the projects
    assert len(by_type) == 1 and "projects_project" in by_type[0]


def test_the_to_do_from_the_kept_counts_equals_counting_the_projects(officer, evaluator, admin_user, unit_a,
                                                                     unit_b) -> None:  # fmt: skip

    bulk(unit_a, 9, prefix="A")
    bulk(unit_b, 6, prefix="B", year=2022)
    Project.objects.filter(code__in=["A001", "B002"]).update(answered=True)
    for user, role in ((officer, "officer"), (evaluator, "evaluator"), (admin_user, "admin")):
        args = {"role": role, "today": datetime.date(2026, 1, 10), "default_deadline": "03-31"}
        fast = todo_counts(visible_projects(user), units=visible_units(user), **args)
        slow = todo_counts(visible_projects(user), **args)
        assert fast == slow


@pytest.mark.parametrize("every_unit", [True, False])
def test_an_evaluators_to_do_is_one_query_and_exact_whether_they_review_every_unit_or_some(
    evaluator, unit_a, unit_b, every_unit, django_assert_num_queries
) -> None:

    bulk(unit_a, 9, prefix="A")
    bulk(unit_b, 6, prefix="B", year=2022)
    other = factories.unit(code="149999", name="别的单位")
    bulk(other, 5, prefix="S")
    Project.objects.filter(code__in=["A001", "B002", "S003"]).update(answered=True)
    if every_unit:  # the evaluator's units are every unit: the kept counts are read without a unit condition
        evaluator.membership.review_units.add(other)
    args = {"role": "evaluator", "today": datetime.date(2026, 1, 10), "default_deadline": "03-31"}
    scope, units = visible_projects(evaluator), visible_units(evaluator)
    with django_assert_num_queries(1):
        fast = todo_counts(scope, units=units, **args)
    assert fast == todo_counts(visible_projects(evaluator), **args)
    assert fast.to_review == visible_projects(evaluator).filter(status=Status.SUBMITTED).count()


def _todo_sql(user, role: str) -> str:
    args = {"role": role, "today": datetime.date(2026, 1, 10), "default_deadline": "03-31"}
    scope, units = visible_projects(user), visible_units(user)
    with CaptureQueriesContext(connection) as captured:
        todo_counts(scope, units=units, **args)
    (query,) = captured.captured_queries
    return query["sql"]


def test_the_to_do_of_every_unit_is_one_query_equal_to_counting_whatever_the_units(admin_user, unit_a) -> None:
    """An admin's to-do adds up the waiting kept counts of every unit (the index state_count_todo):
    one query at 2 units as at 12, equal to counting the projects, late years (a set deadline, the
    default one) included."""
    YearPlan.objects.create(year=2023, self_evaluation_due=datetime.date(2026, 6, 30))  # 2023 not late (yet)
    bulk(unit_a, 9, prefix="A")
    args = {"role": "admin", "today": datetime.date(2026, 1, 10), "default_deadline": "03-31"}
    for n in (2, 12):
        for i in range(StateCount.objects.values("unit").distinct().count(), n):
            bulk(factories.unit(code=f"1480{i:02d}", name=f"单位{i}"), 5, prefix=f"U{i:02d}-", year=2022 + (i + 1) % 4)
        Project.objects.filter(code__endswith="1").update(answered=True)
        with CaptureQueriesContext(connection) as captured:
            fast = todo_counts(visible_projects(admin_user), units=visible_units(admin_user), **args)
        assert len(captured.captured_queries) == 1
        assert fast == todo_counts(visible_projects(admin_user), **args)
        late = Project.objects.filter(status__in=[Status.DRAFT, Status.RETURNED], year__lte=2024).exclude(year=2023)
        assert fast.overdue == late.count() > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL, where the lists run at scale")
@pytest.mark.parametrize("who", ["admin_user", "evaluator"])
def test_the_to_do_reads_the_waiting_rows_from_their_index(request, unit_a, unit_b, who) -> None:
    """The to-do's condition is the index's (projects.models.TODO_WAITING): PostgreSQL can read the sum
    from state_count_todo alone. With sequential scans off, a query the index does not cover would
    still scan the table."""
    bulk(unit_a, 9, prefix="A")
    bulk(unit_b, 6, prefix="B")
    user = request.getfixturevalue(who)
    sql = _todo_sql(user, "admin" if who == "admin_user" else "evaluator")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "state_count_todo" in plan and "Seq Scan on projects_statecount" not in plan, plan
