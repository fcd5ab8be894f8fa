"""The lists that grow (project list, review queue, batch-export picker): paged, filtered, searched and
sorted on the server, with their counts from one aggregate and a query count flat in rows (issue 10)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.listing import BAD_CHOICE, QUERY_TOO_LONG
from projects.models import Project, Status, Unit
from projects.scores import projects_rescore
from tests import factories
from tests.review.conftest import make_project

pytestmark = pytest.mark.django_db

LIST, QUEUE, BATCH, APPROVE = (reverse(n) for n in ("projects:list", "review:queue", "reports:batch", "review:approve"))
STATES = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED]
GRADES = ["优", "良", "中", "差"]


def many(unit: Unit, n: int, *, prefix: str = "L", year: int = 2025, status: str | None = None) -> list[Project]:
    """`n` projects with stored totals as the scoring engine leaves them (no indicators needed)."""
    rows = [
        Project(unit=unit, year=year, code=f"{prefix}{i:04d}", name=f"{'校园' if i % 5 == 0 else '道路'}项目{i:04d}",
                status=status or STATES[i % 4], scored=i % 7 != 0, score_total=Decimal(100 - i % 50),
                score_grade=GRADES[i % 4], warning_count=i % 3,
                warning_codes={0: "", 1: ",missing_reason,", 2: ",low_execution,missing_reason,"}[i % 3])
        for i in range(n)
    ]  # fmt: skip
    return Project.objects.bulk_create(rows)


def codes(page: str) -> list[str]:
    """The 项目编码 cells of the list's rows, in order."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r"<tr>\s*(?:<td class=\"select\">.*?</td>\s*)?<td>([^<]*)</td>", body, re.S)


def get(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- paging --------------------------------------------------------------------------------


def test_the_list_shows_50_a_page_and_says_how_many(client, admin_user, unit_a) -> None:
    many(unit_a, 120)
    client.force_login(admin_user)
    first = get(client, LIST, year=2025)
    assert len(codes(first)) == 50 and "共 120 个项目，第 1/3 页" in first
    last = get(client, LIST, year=2025, page=3)
    assert len(codes(last)) == 20
    every = set(codes(first)) | set(codes(get(client, LIST, year=2025, page=2))) | set(codes(last))
    assert len(every) == 120  # no project twice, none skipped


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 3), ("9999", 3), ("-1", 3), ("2\x00", 1)])
def test_a_bad_page_number_shows_a_page_not_an_error(client, admin_user, unit_a, page, shown) -> None:
    many(unit_a, 120)
    client.force_login(admin_user)
    assert f"第 {shown}/3 页" in get(client, LIST, year=2025, page=page)


def test_page_size_is_chosen_from_a_list(client, admin_user, unit_a) -> None:
    many(unit_a, 120)
    client.force_login(admin_user)
    assert len(codes(get(client, LIST, year=2025, per_page=100))) == 100
    response = client.get(LIST, {"year": 2025, "per_page": 100000})
    assert response.status_code == 400 and BAD_CHOICE in response.content.decode()
    assert len(codes(response.content.decode())) == 50  # the default, with the other filters kept


# --- filters -------------------------------------------------------------------------------


def test_each_filter_narrows_the_list_and_the_counts(client, admin_user, unit_a, unit_b) -> None:
    many(unit_a, 40, prefix="A")
    many(unit_b, 12, prefix="B")
    other = factories.department("另一个主管部门")
    unit_b.department = other
    unit_b.save()
    client.force_login(admin_user)
    assert all(c.startswith("B") for c in codes(get(client, LIST, year=2025, department=other.pk)))
    assert "共 12 个项目" in get(client, LIST, year=2025, department=other.pk)
    assert "共 40 个项目" in get(client, LIST, year=2025, unit=unit_a.pk)
    page = get(client, LIST, year=2025, status=Status.SUBMITTED)
    assert "共 13 个项目" in page  # 10 of A (i % 4 == 1 below 40) and 3 of B
    assert set(codes(page)) == {f"A{i:04d}" for i in range(40) if i % 4 == 1} | {f"B{i:04d}" for i in range(12)
                                                                                  if i % 4 == 1}  # fmt: skip
    graded = codes(get(client, LIST, year=2025, unit=unit_a.pk, grade="良"))
    assert graded == [f"A{i:04d}" for i in range(40) if i % 4 == 1 and i % 7 != 0]
    ungraded = codes(get(client, LIST, year=2025, unit=unit_a.pk, grade="none"))
    assert ungraded == [f"A{i:04d}" for i in (0, 7, 14, 21, 28, 35)]
    assert len(codes(get(client, LIST, year=2025, unit=unit_a.pk, warning="any"))) == 26
    assert len(codes(get(client, LIST, year=2025, unit=unit_a.pk, warning="none"))) == 14
    assert len(codes(get(client, LIST, year=2025, unit=unit_a.pk, warning="low_execution"))) == 13
    assert len(codes(get(client, LIST, year=2025, unit=unit_a.pk, warning="missing_reason"))) == 26
    assert codes(get(client, LIST, year=2025, q="A0012")) == ["A0012"]  # by code
    assert len(codes(get(client, LIST, year=2025, unit=unit_a.pk, q="校园"))) == 8  # by name


def test_the_status_tabs_count_every_state_in_one_place(client, admin_user, unit_a) -> None:
    many(unit_a, 41)
    client.force_login(admin_user)
    page = get(client, LIST, year=2025, status=Status.RETURNED)
    tabs = re.findall(r'class="nav-link[^"]*"[^>]*>([^<]+) <span class="badge text-bg-light">(\d+)</span>', page)
    assert tabs == [("全部", "41"), ("草稿", "11"), ("已提交", "10"), ("已退回", "10"), ("已审核", "10")]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("code", ["L0000", "L0001", "L0002"]), ("-code", ["L0059", "L0058", "L0057"]),
     ("total", ["L0049", "L0048", "L0047"]), ("-total", ["L0050", "L0000", "L0051"]),
     ("warnings", ["L0000", "L0003", "L0006"]), ("-name", ["L0059", "L0058", "L0057"])],
)  # fmt: skip
def test_every_column_sorts_both_ways(client, admin_user, unit_a, sort, expected) -> None:
    many(unit_a, 60)
    client.force_login(admin_user)
    assert codes(get(client, LIST, year=2025, sort=sort))[:3] == expected


def test_a_column_header_sorts_and_a_second_click_reverses(client, admin_user, unit_a) -> None:
    many(unit_a, 3)
    client.force_login(admin_user)
    page = get(client, LIST, year=2025, sort="total", status=Status.DRAFT)
    assert 'aria-sort="ascending"><a class="sort-link" href="?year=2025&amp;sort=-total&amp;status=draft">总分' in page


def test_an_officer_cannot_filter_on_another_unit(client, officer, unit_a, unit_b) -> None:
    many(unit_a, 3, prefix="A")
    many(unit_b, 3, prefix="B")
    client.force_login(officer)
    response = client.get(LIST, {"year": 2025, "unit": unit_b.pk})
    page = response.content.decode()
    assert response.status_code == 400 and BAD_CHOICE in page
    assert codes(page) == ["A0000", "A0001", "A0002"]  # the unit filter is dropped, never widened


@pytest.mark.parametrize(("param", "value", "message"), [
    ("q", "长" * 101, QUERY_TOO_LONG), ("grade", "甲", BAD_CHOICE), ("warning", "x\x00", BAD_CHOICE),
    ("sort", "password", BAD_CHOICE), ("department", "1 OR 1=1", BAD_CHOICE), ("status", "deleted", BAD_CHOICE),
])  # fmt: skip
def test_a_hostile_filter_is_refused_in_chinese_and_the_rest_applies(client, admin_user, unit_a, param, value,
                                                                      message) -> None:  # fmt: skip
    many(unit_a, 8)
    client.force_login(admin_user)
    response = client.get(LIST, {"year": 2025, param: value, "q": "L000"} if param != "q" else {param: value})
    page = response.content.decode()
    assert response.status_code == 400 and message in page and "其余条件仍然有效" in page
    assert len(codes(page)) == 8


def test_search_is_literal_not_a_pattern(client, admin_user, unit_a) -> None:
    many(unit_a, 3)
    client.force_login(admin_user)
    assert codes(get(client, LIST, year=2025, q="%")) == []
    assert codes(get(client, LIST, year=2025, q="L_00")) == []


# --- the review queue and the batch picker use the same lists ------------------------------


def test_the_queue_is_paged_and_filtered(client, evaluator, unit_a, unit_b) -> None:
    many(unit_a, 130, prefix="A", status=Status.SUBMITTED)
    many(unit_b, 5, prefix="B", status=Status.SUBMITTED)
    client.force_login(evaluator)
    page = get(client, QUEUE, year=2025)
    assert page.count('name="projects"') == 50 and "共 135 个项目" in page
    assert "审核通过全部 135 个符合条件的项目" in page
    page = get(client, QUEUE, year=2025, unit=unit_b.pk)
    assert page.count('name="projects"') == 5 and "审核通过全部 5 个符合条件的项目" in page


def test_the_queue_lists_only_what_the_evaluator_reviews(client, evaluator, unit_a) -> None:
    stranger = factories.unit(code="149999", name="别的单位")
    many(stranger, 3, prefix="S", status=Status.SUBMITTED)
    client.force_login(evaluator)
    assert "共 0 个项目" in get(client, QUEUE, year=2025)
    assert client.get(QUEUE, {"year": 2025, "unit": stranger.pk}).status_code == 400


def test_the_batch_picker_previews_what_it_exports(client, admin_user, unit_a) -> None:
    many(unit_a, 70, status=Status.APPROVED)
    client.force_login(admin_user)
    page = get(client, BATCH, year=2025, q="校园")
    assert '<strong id="batch-count">14</strong>' in page and "开始导出 14 个项目" in page
    page = get(client, BATCH, year=2025)
    assert '<strong id="batch-count">70</strong>' in page and page.count("<tr><td>L") == 50
    assert get(client, BATCH, year=2025, page=2).count("<tr><td>L") == 20


def test_the_list_links_to_the_batch_export_with_its_filters(client, admin_user, unit_a) -> None:
    many(unit_a, 12)
    client.force_login(admin_user)
    page = get(client, BATCH, year=2025, status=Status.SUBMITTED, warning="any")
    assert '<strong id="batch-count">2</strong>' in page  # i % 4 == 1 and i % 3 != 0: 1, 5 (not 9)


# --- query counts flat in rows -------------------------------------------------------------


def queries_of(client, url: str, django_assert_max_num_queries, **params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("url", "who", "params", "status"), [
    (LIST, "admin_user", {"year": 2025}, None),
    (LIST, "admin_user", {"year": 2025, "department": "@dept", "grade": "优", "warning": "missing_reason", "q": "项目",
                          "sort": "-total", "page": 2}, None),
    (LIST, "evaluator", {"year": 2025, "status": Status.SUBMITTED, "sort": "unit"}, None),
    (QUEUE, "evaluator", {"year": 2025}, Status.SUBMITTED),
    (QUEUE, "evaluator", {"year": 2025, "unit": "@unit", "sort": "-warnings", "page": 2}, Status.SUBMITTED),
    (BATCH, "admin_user", {"year": 2025, "statuses": [Status.SUBMITTED]}, Status.SUBMITTED),
])  # fmt: skip
def test_the_lists_cost_the_same_queries_at_10_and_at_150_projects(client, request, unit_a, url, who, params, status,
                                                                    django_assert_max_num_queries) -> None:  # fmt: skip
    client.force_login(request.getfixturevalue(who))
    refs = {"@dept": unit_a.department_id, "@unit": unit_a.pk}
    values = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    counted = []
    for n, prefix in ((10, "S"), (140, "T")):  # 10, then 150 in all
        many(unit_a, n, prefix=prefix, status=status)
        counted.append(queries_of(client, url, django_assert_max_num_queries, **values))
    assert counted[0] == counted[1], counted


def test_the_list_counts_come_from_one_aggregate(client, admin_user, unit_a) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many(unit_a, 30)
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as captured:
        client.get(LIST, {"year": 2025})
    tables = ("projects_project", "projects_stagestate", "projects_statecount")
    counting = [q["sql"] for q in captured if ("COUNT(" in q["sql"] or "SUM(" in q["sql"])
                and any(t in q["sql"] for t in tables)]  # fmt: skip
    # the navigation's to-do counts and the list's counts: one query each, no COUNT(*) from the paginator
    assert len(counting) == 2, counting


# --- bulk approval of all that match the filter ----------------------------------------------


def approvable(unit: Unit, n: int, prefix: str) -> list[Project]:
    return [make_project(unit, code=f"{prefix}{i:03d}", year=2025) for i in range(n)]


def test_approve_all_matching_states_n_and_approves_exactly_those(client, evaluator, unit_a, unit_b) -> None:
    chosen = approvable(unit_a, 4, "A")
    left = approvable(unit_b, 2, "B")
    client.force_login(evaluator)
    page = client.post(APPROVE, {"all": "1", "year": 2025, "unit": unit_a.pk}).content.decode()
    assert '<strong id="approve-count">4</strong>' in page and "确认审核通过 4 个项目" in page
    assert "单位：内蒙古自治区妇女联合会" in page  # the filter in words
    assert not Project.objects.filter(status=Status.APPROVED).exists()  # nothing yet
    expected = re.search(r'name="expected" value="([0-9a-f]+)"', page).group(1)
    response = client.post(APPROVE, {"all": "1", "year": 2025, "unit": unit_a.pk, "confirm": "1",
                                     "expected": expected})  # fmt: skip
    assert response.status_code == 302
    assert set(Project.objects.filter(status=Status.APPROVED).values_list("pk", flat=True)) == {p.pk for p in chosen}
    assert all(Project.objects.get(pk=p.pk).status == Status.SUBMITTED for p in left)


def test_approve_all_asks_again_when_the_matching_set_changed(client, evaluator, unit_a) -> None:
    approvable(unit_a, 3, "A")
    client.force_login(evaluator)
    page = client.post(APPROVE, {"all": "1", "year": 2025}).content.decode()
    expected = re.search(r'name="expected" value="([0-9a-f]+)"', page).group(1)
    approvable(unit_a, 1, "N")  # submitted meanwhile
    response = client.post(APPROVE, {"all": "1", "year": 2025, "confirm": "1", "expected": expected})
    assert response.status_code == 409
    page = response.content.decode()
    assert "有变化" in page and '<strong id="approve-count">4</strong>' in page
    assert not Project.objects.filter(status=Status.APPROVED).exists()


def test_approve_all_leaves_out_what_cannot_be_approved_and_says_why(client, evaluator, unit_a) -> None:
    approvable(unit_a, 2, "A")
    bare = factories.project(unit=unit_a, code="A999", name="空项目", year=2025, status=Status.SUBMITTED)
    projects_rescore(project_ids=[bare.pk])
    client.force_login(evaluator)
    page = client.post(APPROVE, {"all": "1", "year": 2025}).content.decode()
    assert '<strong id="approve-count">2</strong>' in page and "以下 1 个项目不能审核通过" in page
    expected = re.search(r'name="expected" value="([0-9a-f]+)"', page).group(1)
    client.post(APPROVE, {"all": "1", "year": 2025, "confirm": "1", "expected": expected})
    assert Project.objects.filter(status=Status.APPROVED).count() == 2
    assert Project.objects.get(pk=bare.pk).status == Status.SUBMITTED


def test_approve_all_never_reaches_another_reviewers_units(client, evaluator, unit_a) -> None:
    stranger = factories.unit(code="149999", name="别的单位")
    approvable(stranger, 2, "S")
    approvable(unit_a, 1, "A")
    client.force_login(evaluator)
    page = client.post(APPROVE, {"all": "1", "year": 2025}).content.decode()
    assert '<strong id="approve-count">1</strong>' in page
    expected = re.search(r'name="expected" value="([0-9a-f]+)"', page).group(1)
    client.post(APPROVE, {"all": "1", "year": 2025, "confirm": "1", "expected": expected})
    assert list(Project.objects.filter(status=Status.APPROVED).values_list("code", flat=True)) == ["A000"]


def test_the_confirmation_lists_50_and_counts_the_rest(client, evaluator, unit_a) -> None:
    from review.selectors import ApprovalSummary

    rows = approvable(unit_a, 3, "A")
    summary = ApprovalSummary(tuple(rows), (), ())
    assert summary.fingerprint == ApprovalSummary(tuple(reversed(rows)), (), ()).fingerprint  # order-free
    assert summary.fingerprint != ApprovalSummary(tuple(rows[:2]), (), ()).fingerprint


# --- the stored warning codes --------------------------------------------------------------


def test_rescoring_stores_the_distinct_warning_codes(unit_a) -> None:
    project = factories.project(unit=unit_a, code="W1", year=2025)
    factories.fund(project, annual="100", executed="20")
    factories.indicator(project, level3="培训人次", weight="50", actual=Decimal(5), actual_text="5")
    projects_rescore(project_ids=[project.pk])
    project.refresh_from_db()
    assert project.warning_codes.startswith(",") and project.warning_codes.endswith(",")
    stored = project.warning_codes.strip(",").split(",")
    assert stored == sorted(set(stored)) and {"low_execution", "missing_reason", "weights_sum"} <= set(stored)


def test_the_migration_fills_the_codes_of_existing_projects(unit_a) -> None:
    import importlib

    from django.apps import apps

    project = factories.project(unit=unit_a, code="W2", year=2025)
    factories.fund(project, annual="100", executed="20")
    Project.objects.filter(pk=project.pk).update(warning_codes="")
    importlib.import_module("projects.migrations.0009_warning_codes").fill(apps, None)
    assert ",low_execution," in Project.objects.get(pk=project.pk).warning_codes
