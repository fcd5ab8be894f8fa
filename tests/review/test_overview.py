"""The overview: counts by status and grade, rate against total, late submissions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from projects.models import Department, Status
from projects.selectors import submission_deadline
from tests import factories
from tests.review.conftest import make_project

OVERVIEW = reverse("review:overview")


@pytest.mark.parametrize(
    ("year", "text", "due"),
    [
        (2022, "03-31", datetime.date(2023, 3, 31)),
        (2022, "12-01", datetime.date(2023, 12, 1)),
        (2022, "02-29", datetime.date(2023, 2, 28)),
        (2023, "02-29", datetime.date(2024, 2, 29)),
    ],
)
def test_submission_deadline_is_in_the_next_year(year, text, due) -> None:
    assert submission_deadline(year, text) == due


@pytest.mark.parametrize("text", ["3/31", "13-01", "", "03-32", None])
def test_a_bad_deadline_setting_is_reported(text) -> None:
    with pytest.raises(ImproperlyConfigured, match="MM-DD"):
        submission_deadline(2022, text)


@pytest.fixture
def mixed(unit_a, unit_b, project_c):
    """Unit A: 2 submitted (优), 1 draft; unit B: 1 returned, 1 approved scoring 差; unit C elsewhere."""
    make_project(unit_a, code="A-001")
    make_project(unit_a, code="A-002")
    make_project(unit_a, code="A-003", status=Status.DRAFT)
    make_project(unit_b, code="B-001", status=Status.RETURNED, executed="50")
    poor = factories.project(unit=unit_b, code="B-002", name="项目B-002", status=Status.APPROVED)
    factories.fund(poor, annual="100", executed="10")
    # scored once it has indicators (a project without any is 未评分, issue 15 B20)
    factories.indicator(poor, level3="培训人次", weight="90", target=Decimal(10), actual=Decimal(1), actual_text="1")
    from projects.scores import projects_rescore

    projects_rescore(project_ids=[poor.pk])


def bar_values(page: str, chart_id: str) -> list[str]:
    """The counts printed above the bars of one chart, in order."""
    svg = page.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in svg.split('<text class="chart-value"')[1:]]


@pytest.mark.django_db
def test_evaluator_sees_counts_charts_and_late_projects(client, evaluator, mixed) -> None:
    client.force_login(evaluator)
    response = client.get(OVERVIEW, {"year": 2022})
    page = response.content.decode()
    assert response.status_code == 200
    assert "共 5 个项目" in page  # unit C is not reviewed by this evaluator
    assert bar_values(page, "chart-status") == ["1", "2", "1", "1"]  # 草稿 已提交 已退回 已审核
    assert bar_values(page, "chart-grade") == ["4", "0", "0", "1"]  # 优 良 中 差
    assert page.count('<circle class="chart-point"') == 5
    for text in ("预算执行率（%）", "总分（分）", "项目数（个）", "草稿", "已审核", "优", "差"):
        assert text in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]  # charts are plain SVG
    late = page.split('class="table table-sm bg-white overdue"', 1)[1]
    assert "项目A-003" in late and "项目B-001" in late and "项目A-001" not in late
    assert "2023年3月31日" in page


@pytest.mark.django_db
def test_admin_sees_all_and_filters_by_department(client, admin_user, mixed) -> None:
    client.force_login(admin_user)
    assert "共 6 个项目" in client.get(OVERVIEW).content.decode()
    other = Department.objects.get(name="某市")
    page = client.get(OVERVIEW, {"year": 2022, "department": other.pk}).content.decode()
    assert "共 1 个项目" in page and "某市" in page


@pytest.mark.django_db
def test_a_department_the_evaluator_does_not_see_is_refused(client, evaluator, mixed) -> None:
    client.force_login(evaluator)
    other = Department.objects.get(name="某市")
    response = client.get(OVERVIEW, {"year": 2022, "department": other.pk})
    page = response.content.decode()
    assert response.status_code == 400 and "主管部门：请从列表中选择" in page
    assert "某市</option>" not in page


@pytest.mark.django_db
def test_deadline_comes_from_the_setting(client, evaluator, unit_a, settings) -> None:
    this_year = timezone.localdate().year
    make_project(unit_a, code="NOW", status=Status.DRAFT, year=this_year)
    settings.EVALSYS_SUBMISSION_DEADLINE = "06-30"
    client.force_login(evaluator)
    page = client.get(OVERVIEW, {"year": this_year}).content.decode()
    assert f"{this_year + 1}年6月30日" in page and "尚未到提交截止日期" in page
    assert "项目NOW</a>" not in page


@pytest.mark.django_db
def test_without_projects_the_page_still_renders(client, evaluator) -> None:
    client.force_login(evaluator)
    response = client.get(OVERVIEW)
    assert response.status_code == 200 and "共 0 个项目" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "other_officer"])
def test_officers_get_403(client, request, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(OVERVIEW).status_code == 403


@pytest.mark.django_db
def test_user_without_role_gets_403(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("nobody", password="x-pass-2026"))
    assert client.get(OVERVIEW).status_code == 403


@pytest.mark.django_db
def test_wrong_method_gets_405(client, evaluator) -> None:
    client.force_login(evaluator)
    assert client.post(OVERVIEW).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 30])
def test_overview_query_count_does_not_grow(client, evaluator, unit_a, count, django_assert_max_num_queries) -> None:
    for i in range(count):
        status = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)[i % 3]
        project = factories.project(unit=unit_a, code=f"Q{i:03d}", name=f"批量{i}", status=status,
                                    score_total=80 + i % 20, score_grade="良", execution_rate=90,
                                    scored=True)  # fmt: skip
        assert project.pk
    client.force_login(evaluator)
    with django_assert_max_num_queries(14):  # session, user, roles, years, default year, count + 4 aggregates,
        # late count, depts
        page = client.get(OVERVIEW, {"year": 2022}).content.decode()
    assert page.count('<circle class="chart-point"') == count


def test_many_projects_are_binned_into_sized_points(unit_a) -> None:
    from decimal import Decimal

    from projects.models import Project
    from review.selectors import BIN_ABOVE, _scatter_points

    Project.objects.bulk_create(
        [
            Project(
                unit=unit_a,
                year=2030,
                code=f"BIN{i:04d}",
                name=f"p{i}",
                score_total=Decimal("91.20") + i % 2,
                execution_rate=Decimal("95.40"),
            )
            for i in range(BIN_ABOVE + 1)
        ]
    )
    points = _scatter_points(Project.objects.filter(year=2030))
    assert [(rate, total, n) for rate, total, _, n in points] == [
        (Decimal(95), Decimal(91), (BIN_ABOVE + 2) // 2),
        (Decimal(95), Decimal(92), (BIN_ABOVE + 1) // 2),
    ]
    assert "个项目" in points[0][2]


@pytest.mark.django_db
def test_unscored_projects_have_no_grade_nor_point(client, evaluator, mixed, unit_a) -> None:
    """A new draft with a budget and nothing achieved is 未评分, not a 差 at (0, 0) (issue 9)."""
    from projects.scores import projects_rescore

    empty = factories.project(unit=unit_a, code="A-004", name="新草稿", status=Status.DRAFT)
    factories.fund(empty, annual="100", executed="0")
    factories.indicator(empty, level3="培训人次", weight="90")
    projects_rescore(project_ids=[empty.pk])
    client.force_login(evaluator)
    page = client.get(OVERVIEW, {"year": 2022}).content.decode()
    assert "共 6 个项目" in page
    assert bar_values(page, "chart-grade") == ["4", "0", "0", "1"]  # as without it
    assert page.count('<circle class="chart-point"') == 5
