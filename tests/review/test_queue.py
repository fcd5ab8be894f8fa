"""The review queue and (bulk) approval (style.md checklist)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Indicator
from projects.forms import BAD_YEAR
from projects.models import Project, ReviewRound, Status
from tests import factories
from tests.review.conftest import make_project

pytestmark = pytest.mark.django_db
QUEUE = reverse("review:queue")
APPROVE = reverse("review:approve")


def statuses(*projects: Project) -> list[str]:
    return [Project.objects.get(pk=p.pk).status for p in projects]


def test_evaluator_sees_submitted_projects_of_reviewed_units(
    client, evaluator, submitted_a, submitted_b, draft_a, project_c
) -> None:
    client.force_login(evaluator)
    response = client.get(QUEUE, {"year": 2022})
    page = response.content.decode()
    assert response.status_code == 200
    assert "项目A-001" in page and "项目B-001" in page
    assert "项目A-002" not in page  # a draft is not waiting for review
    assert "项目C-001" not in page  # a unit the evaluator does not review
    assert "99.50" in page and "优" in page  # stored total and grade
    assert f'value="{submitted_a.pk}"' in page and reverse("review:project", args=[submitted_a.pk]) in page


def test_admin_sees_every_unit(client, admin_user, submitted_a, project_c) -> None:
    client.force_login(admin_user)
    page = client.get(QUEUE).content.decode()
    assert "项目A-001" in page and "项目C-001" in page


def test_queue_shows_the_warning_count(client, evaluator, unit_a) -> None:
    project = make_project(unit_a, code="A-009", executed="40")  # low execution: warnings
    client.force_login(evaluator)
    page = client.get(QUEUE).content.decode()
    assert project.warning_count > 0
    assert f"{project.warning_count} 条提示</span>" in page  # in words (issue 15 B22): tests/review/test_flow.py


def test_year_selector_chooses_the_year(client, evaluator, submitted_a, unit_a) -> None:
    make_project(unit_a, code="A-2023", year=2023)
    client.force_login(evaluator)
    default = client.get(QUEUE).content.decode()
    assert "2023年度待审核项目" in default and "项目A-2023" in default and "项目A-001" not in default
    older = client.get(QUEUE, {"year": 2022}).content.decode()
    assert "项目A-001" in older and "项目A-2023" not in older


def test_unknown_year_is_a_400_with_a_chinese_error(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.get(QUEUE, {"year": 1999})
    page = response.content.decode()
    assert response.status_code == 400 and BAD_YEAR in page
    assert "项目A-001" in page  # the newest year is listed: one bad value empties nothing


@pytest.mark.parametrize("who", ["officer", "other_officer"])
def test_officers_get_403(client, request, who, submitted_a) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403
    assert client.post(APPROVE, {"projects": [submitted_a.pk]}).status_code == 403
    assert statuses(submitted_a) == [Status.SUBMITTED]


def test_user_without_role_gets_403(client, django_user_model, submitted_a) -> None:
    client.force_login(django_user_model.objects.create_user("nobody", password="x-pass-2026"))
    assert client.get(QUEUE).status_code == 403
    assert client.post(APPROVE, {"projects": [submitted_a.pk]}).status_code == 403


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get(QUEUE)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_wrong_methods_get_405(client, evaluator) -> None:
    client.force_login(evaluator)
    assert client.post(QUEUE).status_code == 405
    assert client.get(APPROVE).status_code == 405


def test_bulk_approve(client, evaluator, submitted_a, submitted_b) -> None:
    client.force_login(evaluator)
    data = {"projects": [submitted_a.pk, submitted_b.pk], "year": "2022", "confirm": "1"}
    response = client.post(APPROVE, data, follow=True)
    assert response.redirect_chain[-1][0] == f"{QUEUE}?year=2022"
    assert "已审核通过 2 个项目" in response.content.decode()
    assert statuses(submitted_a, submitted_b) == [Status.APPROVED, Status.APPROVED]
    assert ReviewRound.objects.filter(action="approve", actor=evaluator).count() == 2


def test_approving_a_draft_refuses_the_whole_batch_and_keeps_the_ticks(client, evaluator, submitted_a, draft_a) -> None:
    client.force_login(evaluator)
    response = client.post(APPROVE, {"projects": [submitted_a.pk, draft_a.pk], "year": "2022", "confirm": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "不能审核通过" in page and "A-002（草稿）" in page
    assert statuses(submitted_a, draft_a) == [Status.SUBMITTED, Status.DRAFT]
    assert f'value="{submitted_a.pk}" id="pick-{submitted_a.pk}" aria-label="选择 项目A-001" checked' in page


def test_approving_nothing_asks_for_a_choice(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.post(APPROVE, {"year": "2022"})
    assert response.status_code == 400 and "请至少选择一个项目" in response.content.decode()


def test_garbage_ids_are_a_chinese_error(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.post(APPROVE, {"projects": ["abc"]})
    assert response.status_code == 400 and "所选项目无效" in response.content.decode()


def test_approving_a_project_of_another_unit_is_a_404(client, evaluator, submitted_a, project_c) -> None:
    client.force_login(evaluator)
    assert client.post(APPROVE, {"projects": [submitted_a.pk, project_c.pk]}).status_code == 404
    assert statuses(submitted_a, project_c) == [Status.SUBMITTED, Status.SUBMITTED]


def test_single_approve_goes_on_to_the_queue_when_nothing_else_waits(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.post(APPROVE, {"projects": [submitted_a.pk], "single": "1", "year": "2022", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?year=2022"  # next: test_flow.py
    assert statuses(submitted_a) == [Status.APPROVED]


def test_single_approve_of_a_draft_explains_on_the_project_page(client, evaluator, draft_a) -> None:
    client.force_login(evaluator)
    response = client.post(APPROVE, {"projects": [draft_a.pk], "single": "1", "confirm": "1"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("review:project", args=[draft_a.pk]) + "?year=2022"
    assert "alert-danger" in page and "A-002（草稿）" in page and "不能审核通过" in page
    assert statuses(draft_a) == [Status.DRAFT]


@pytest.mark.parametrize("count", [5, 30])
def test_queue_query_count_does_not_grow(client, evaluator, unit_a, count, django_assert_max_num_queries) -> None:
    for i in range(count):
        project = factories.project(unit=unit_a, code=f"Q{i:03d}", name=f"批量{i}", status=Status.SUBMITTED)
        factories.fund(project, annual="10", executed="9")
    client.force_login(evaluator)
    # session, user, 3 role look-ups, the to-do counts, years, the counts, the page, 主管部门 and unit options
    with django_assert_max_num_queries(11):
        page = client.get(QUEUE).content.decode()
    assert page.count('name="projects"') == count


def test_bulk_approve_query_count_does_not_grow(client, evaluator, unit_a) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counted = []
    for count, prefix in ((3, "S"), (40, "T")):
        ids = [make_project(unit_a, code=f"{prefix}{i:03d}").pk for i in range(count)]
        client.force_login(evaluator)
        # many projects move together (projects.services._move_many): locked, written with their
        # history rows and rounds in a fixed number of queries; the readiness check likewise
        with CaptureQueriesContext(connection) as captured:
            assert client.post(APPROVE, {"projects": ids, "confirm": "1"}).status_code == 302
        assert Project.objects.filter(pk__in=ids, status=Status.APPROVED).count() == count
        counted.append(len(captured))
    assert counted[0] == counted[1], counted


def test_a_bulk_approval_records_who_when_and_why_for_each_project(client, evaluator, unit_a) -> None:
    projects = [make_project(unit_a, code=f"H{i:03d}") for i in range(3)]
    client.force_login(evaluator)
    client.post(APPROVE, {"projects": [p.pk for p in projects], "confirm": "1"})
    for project in projects:
        last = project.history.order_by("-history_date", "-history_id").first()
        assert (last.status, last.history_user, last.history_change_reason) == (Status.APPROVED, evaluator, "审核通过")
        step = ReviewRound.objects.filter(project=project).order_by("-pk").first()
        assert (step.action, step.actor, step.number) == ("approve", evaluator, 1)
        fresh = Project.objects.get(pk=project.pk)
        assert fresh.version == project.version + 1 and fresh.updated_at > project.updated_at


@pytest.mark.parametrize("count", [5, 30])
def test_confirmation_query_count_is_bounded(client, evaluator, unit_a, count, django_assert_max_num_queries) -> None:
    ids = [make_project(unit_a, code=f"Q{i:03d}").pk for i in range(count)]
    client.force_login(evaluator)
    with django_assert_max_num_queries(14):
        assert client.post(APPROVE, {"projects": ids}).status_code == 200
    assert not Project.objects.filter(pk__in=ids, status=Status.APPROVED).exists()


# --- the confirmation page ---------------------------------------------------------------------


def test_approve_without_confirmation_shows_what_remains(client, evaluator, submitted_a, submitted_b) -> None:
    Project.objects.filter(pk=submitted_b.pk).update(code="B-001")
    client.force_login(evaluator)
    response = client.post(APPROVE, {"projects": [submitted_a.pk, submitted_b.pk], "year": "2022"})
    page = response.content.decode()
    assert response.status_code == 200 and "确认审核通过" in page
    assert '<strong id="approve-count">2</strong>' in page
    assert statuses(submitted_a, submitted_b) == [Status.SUBMITTED, Status.SUBMITTED]
    # both execute 95%: no warning; the page says so rather than listing codes
    assert "没有任何提示" in page and 'name="confirm" value="1"' in page


def test_confirmation_counts_each_warning_in_chinese(client, evaluator, unit_a) -> None:
    low = [make_project(unit_a, code=f"L-{i}", executed="50") for i in range(3)]
    for p in low:
        Project.objects.filter(pk=p.pk).update(low_execution_reason="疫情影响，采购延期")
    client.force_login(evaluator)
    page = client.post(APPROVE, {"projects": [p.pk for p in low]}).content.decode()
    assert "预算执行率偏低" in page and "low_execution" not in page
    assert '<span class="badge text-bg-warning">预算执行率偏低</span></td><td class="num">3</td>' in page


def test_confirmation_leaves_out_what_cannot_be_submitted(client, evaluator, submitted_a, unit_a) -> None:
    empty = make_project(unit_a, code="E-001")
    Indicator.objects.filter(project=empty).update(actual=None, actual_text="")
    client.force_login(evaluator)
    page = client.post(APPROVE, {"projects": [submitted_a.pk, empty.pk]}).content.decode()
    assert '<strong id="approve-count">1</strong>' in page and "不能审核通过" in page
    assert "指标“培训人次”：未填写实际完成值" in page
    assert f'name="projects" value="{empty.pk}"' not in page and f'name="projects" value="{submitted_a.pk}"' in page
    # posted anyway, the whole batch is refused and nothing is approved
    response = client.post(APPROVE, {"projects": [submitted_a.pk, empty.pk], "confirm": "1", "year": "2022"})
    assert response.status_code == 400 and "尚有未填写完整的内容" in response.content.decode()
    assert statuses(submitted_a, empty) == [Status.SUBMITTED, Status.SUBMITTED]


def test_queue_has_a_select_all_box(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    page = client.get(QUEUE + "?year=2022").content.decode()
    assert 'data-select-all="projects"' in page and "js/review.js" in page
