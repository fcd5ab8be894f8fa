"""The review flow as an evaluator and an officer meet it (issue 15 B22): the queue's 提交时间 and
waiting days, the 提示 badge in words, the review page's funds and report text, approving one
project in one step and landing on the next, the 退回 reason's error at its field, 撤回 explained,
提交审核 confirmed, and one timeline entry per workflow step."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.timeline import project_history_rows, project_timeline
from projects.models import Project, ReviewAction, ReviewRound, Status
from projects.services import evaluation_submit, evaluation_withdraw
from tests import factories
from tests.review.conftest import make_project

pytestmark = pytest.mark.django_db
QUEUE = reverse("review:queue")
APPROVE = reverse("review:approve")


def submitted(unit, officer, code: str, *, days_ago: int = 0, year: int = 2022, executed: str = "95") -> Project:
    """A project submitted through the workflow `days_ago` days ago (its 提交 round dated so)."""
    project = make_project(unit, code=code, status=Status.DRAFT, year=year, executed=executed)
    evaluation_submit(project=project, user=officer)
    when = timezone.now() - datetime.timedelta(days=days_ago)
    ReviewRound.objects.filter(project=project, action=ReviewAction.SUBMIT).update(created_at=when)
    return project


def rows_of(page: str) -> list[str]:
    """The 项目编码 of each row of the queue, in order."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r"<tr>\s*<td class=\"select\">.*?</td>\s*<td>([^<]*)</td>", body, re.S)


# --- the queue ----------------------------------------------------------------------------------


def test_the_queue_shows_when_each_project_was_submitted_and_how_long_it_waits(client, evaluator, officer,
                                                                               unit_a) -> None:  # fmt: skip
    old = submitted(unit_a, officer, "A-OLD", days_ago=12)
    submitted(unit_a, officer, "A-NEW", days_ago=0)
    client.force_login(evaluator)
    page = client.get(QUEUE, {"year": 2022}).content.decode()
    assert "提交时间" in page and "等待" in page
    day = timezone.localtime(ReviewRound.objects.get(project=old).created_at).strftime("%Y-%m-%d")
    assert day in page
    assert re.search(r'<td class="num waiting-days"[^>]*>12 天</td>', page)
    assert re.search(r'<td class="num waiting-days"[^>]*>今天</td>', page)


def test_the_queue_sorts_by_submission_time_both_ways(client, evaluator, officer, unit_a) -> None:
    for code, days in (("A-1", 3), ("A-2", 10), ("A-3", 1)):
        submitted(unit_a, officer, code, days_ago=days)
    client.force_login(evaluator)
    oldest_first = client.get(QUEUE, {"year": 2022, "sort": "submitted"}).content.decode()
    assert rows_of(oldest_first) == ["A-2", "A-1", "A-3"]
    newest_first = client.get(QUEUE, {"year": 2022, "sort": "-submitted"}).content.decode()
    assert rows_of(newest_first) == ["A-3", "A-1", "A-2"]
    assert "sort=-submitted" in oldest_first  # the header's second click reverses


def test_the_warning_badge_says_what_it_counts_and_lists_them(client, evaluator, unit_a) -> None:
    project = make_project(unit_a, code="A-009", executed="40")  # low execution: warnings
    client.force_login(evaluator)
    page = client.get(QUEUE, {"year": 2022}).content.decode()
    assert project.warning_count > 0
    badge = re.search(r'<span class="badge text-bg-warning warning-count" title="([^"]*)">([^<]*)</span>', page)
    assert badge, page
    assert badge.group(2) == f"{project.warning_count} 条提示"
    assert "执行率" in badge.group(1)  # the title names the warnings in Chinese, not their codes
    assert "low_execution" not in badge.group(1)


def test_a_project_in_the_queue_links_to_its_page_with_the_queues_year_and_filters(client, evaluator,
                                                                                    submitted_a) -> None:  # fmt: skip
    client.force_login(evaluator)
    page = client.get(QUEUE, {"unit": submitted_a.unit_id, "sort": "-total"}).content.decode()
    link = reverse("review:project", args=[submitted_a.pk])
    found = re.search(rf'href="{link}\?([^"]*)"', page)
    assert found, page
    query = found.group(1).replace("&amp;", "&")
    assert "year=2022" in query and f"unit={submitted_a.unit_id}" in query and "sort=-total" in query


# --- the review page -----------------------------------------------------------------------------


def test_the_review_page_shows_the_funds_and_the_report_text_read_only(client, evaluator, unit_a) -> None:
    project = make_project(unit_a, code="A-F1")
    fund = project.funds.get()
    fund.initial, fund.annual, fund.executed = 1234.5, 1300, 1210.456
    fund.save()
    factories.report_text(project, introduction="本项目用于城乡妇女技能培训")
    client.force_login(evaluator)
    page = client.get(reverse("review:project", args=[project.pk])).content.decode()
    funds = page[page.index('id="review-funds"') :]
    assert "年初预算数" in funds and "全年预算数" in funds and "全年执行数" in funds
    assert "1,234.50" in funds and "1,300.00" in funds and "1,210.46" in funds and "万元" in funds
    text = page[page.index('id="review-narrative"') :]
    assert "项目基本情况简介" in text and "本项目用于城乡妇女技能培训" in text and "存在问题" in text
    assert "<textarea" not in text[: text.index("</section>")]  # read only
    assert reverse("reports:narrative", args=[project.pk]) not in page


# --- approving one project: one step, then the next ----------------------------------------------


def test_approving_one_project_is_one_post_from_its_page(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    page = client.get(reverse("review:project", args=[submitted_a.pk])).content.decode()
    form = page[page.index('id="approve-one"') :]
    form = form[: form.index("</form>")]
    assert 'name="confirm" value="1"' in form and "审核通过后项目锁定" in form
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    response = client.post(APPROVE, data)
    assert response.status_code == 302  # no second screen
    assert Project.objects.get(pk=submitted_a.pk).status == Status.APPROVED


def test_after_approving_one_the_next_waiting_project_opens(client, evaluator, officer, unit_a) -> None:
    first, second, third = (submitted(unit_a, officer, code) for code in ("A-1", "A-2", "A-3"))
    client.force_login(evaluator)
    data = {"projects": second.pk, "single": "1", "confirm": "1", "year": "2022"}
    response = client.post(APPROVE, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("review:project", args=[third.pk]))  # the one after it
    assert "year=2022" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "已审核通过项目“项目A-2”" in page and "下一个待审核项目" in page
    # the last in the queue's order wraps to the first still waiting
    response = client.post(APPROVE, {**data, "projects": third.pk})
    assert response["Location"].startswith(reverse("review:project", args=[first.pk]))


def test_the_next_project_follows_the_queues_filter_and_sort(client, evaluator, officer, unit_a, unit_b) -> None:
    a1, a2 = submitted(unit_a, officer, "A-1"), submitted(unit_a, officer, "A-2")
    make_project(unit_b, code="B-0")  # another unit, first by code: not in the filtered queue
    client.force_login(evaluator)
    data = {"projects": a2.pk, "single": "1", "confirm": "1", "year": "2022", "unit": unit_a.pk, "sort": "-code"}
    response = client.post(APPROVE, data)
    assert response["Location"].startswith(reverse("review:project", args=[a1.pk]))
    assert f"unit={unit_a.pk}" in response["Location"] and "sort=-code" in response["Location"]


def test_approving_the_last_one_goes_back_to_the_queue_with_a_message(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.post(APPROVE, {"projects": submitted_a.pk, "single": "1", "confirm": "1", "year": "2022"},
                           follow=True)  # fmt: skip
    assert response.redirect_chain[-1][0].startswith(QUEUE)
    page = response.content.decode()
    assert "已审核通过项目“项目A-001”" in page and "没有其他待审核的项目" in page


# --- 退回 -------------------------------------------------------------------------------------------


def test_an_empty_return_reason_is_said_at_the_field_with_focus(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.post(reverse("review:return", args=[submitted_a.pk]), {"return-reason": "  "})
    page = response.content.decode()
    assert response.status_code == 400
    textarea = re.search(r"<textarea[^>]*name=\"return-reason\"[^>]*>", page).group(0)
    assert "is-invalid" in textarea and "autofocus" in textarea
    assert 'aria-describedby="id_return-reason-error"' in textarea
    after = page[page.index(textarea) :]
    error = after.index('id="id_return-reason-error"')
    assert error < after.index("</form>")  # the error is next to the textarea, inside its form
    assert "请填写退回理由" in after[error : after.index("</form>")]
    # autofocus brings the field into the window (a #fragment in the action would block autofocus in
    # Chromium); the queue's year goes along
    assert re.search(r'action="[^"#]*/return/\?year=2022"', page)


# --- 撤回 -------------------------------------------------------------------------------------------


def test_a_withdrawn_project_is_explained_in_the_queue_with_the_officers_reason(client, evaluator, officer,
                                                                                 unit_a) -> None:  # fmt: skip
    project = submitted(unit_a, officer, "A-W")
    submitted(unit_a, officer, "A-STAY")
    evaluation_withdraw(project=project, user=officer, reason="资金数据填错，需更正")
    client.force_login(evaluator)
    page = client.get(QUEUE, {"year": 2022}).content.decode()
    notice = page[page.index('id="withdrawn"') :]
    assert "项目A-W" in notice and "资金数据填错，需更正" in notice and "撤回" in notice
    assert reverse("review:project", args=[project.pk]) in notice


def test_the_review_page_of_a_withdrawn_project_says_so_with_the_reason(client, evaluator, officer, unit_a) -> None:
    project = submitted(unit_a, officer, "A-W")
    evaluation_withdraw(project=project, user=officer, reason="资金数据填错，需更正")
    client.force_login(evaluator)
    page = client.get(reverse("review:project", args=[project.pk])).content.decode()
    banner = page[page.index('id="withdrawn-notice"') :]
    assert "填报人已撤回" in banner[:400] and "资金数据填错，需更正" in banner[:400]


def test_approving_a_project_withdrawn_meanwhile_says_it_was_withdrawn_and_why(client, evaluator, officer,
                                                                               unit_a) -> None:  # fmt: skip
    project = submitted(unit_a, officer, "A-W")
    evaluation_withdraw(project=project, user=officer, reason="资金数据填错")
    client.force_login(evaluator)
    response = client.post(APPROVE, {"projects": project.pk, "single": "1", "confirm": "1", "year": "2022"},
                           follow=True)  # fmt: skip
    page = response.content.decode()
    assert "填报人已撤回" in page and "资金数据填错" in page


# --- 提交审核 asks first ------------------------------------------------------------------------------


def test_submitting_asks_for_confirmation_first(client, officer, unit_a) -> None:
    project = make_project(unit_a, code="A-S", status=Status.DRAFT)
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    form = page[page.index('id="submit-confirm"') :]
    form = form[: form.index("</details>")]
    assert "<summary" in form and "提交后" in form and 'name="confirm" value="1"' in form
    response = client.post(reverse("projects:submit", args=[project.pk]))  # no confirmation: nothing happens
    assert Project.objects.get(pk=project.pk).status == Status.DRAFT
    assert response.status_code == 200 and "确认提交审核" in response.content.decode()
    response = client.post(reverse("projects:submit", args=[project.pk]), {"confirm": "1"})
    assert response.status_code == 302 and Project.objects.get(pk=project.pk).status == Status.SUBMITTED


# --- the timeline ---------------------------------------------------------------------------------


def test_one_submit_is_one_timeline_entry(officer, unit_a) -> None:
    project = make_project(unit_a, code="A-T", status=Status.DRAFT)
    before = len(project_timeline(project))
    evaluation_submit(project=project, user=officer)
    timeline = project_timeline(project)
    assert len(timeline) == before + 1, [(e.what, e.changes) for e in timeline]
    assert timeline[0].what == "第1轮 提交"
    assert project_history_rows(project).count() == len(timeline)


def test_a_withdrawal_is_one_entry_with_its_reason(officer, unit_a) -> None:
    project = make_project(unit_a, code="A-T", status=Status.DRAFT)
    evaluation_submit(project=project, user=officer)
    before = len(project_timeline(project))
    evaluation_withdraw(project=project, user=officer, reason="需更正")
    timeline = project_timeline(project)
    assert len(timeline) == before + 1
    assert timeline[0].what == "第1轮 撤回" and timeline[0].reason == "需更正"


# --- 已逾期 ---------------------------------------------------------------------------------------


def test_overdue_on_the_home_page_links_to_the_late_projects_and_says_why(client, evaluator, officer,
                                                                           unit_a) -> None:  # fmt: skip
    late = make_project(unit_a, code="A-LATE", status=Status.DRAFT)  # 2022: its deadline 2023-03-31 has passed
    client.force_login(evaluator)
    home = client.get(reverse("projects:list")).content.decode()
    link = re.search(r'<a class="[^"]*todo-overdue-link" href="([^"]+)"[^>]*>\s*<span[^>]*>已逾期</span>', home)
    assert link, home[home.index("待办事项") :][:2000]
    assert link.group(1).replace("&amp;", "&") == f"{reverse('review:overview')}?year=2022#overdue"
    overview = client.get(link.group(1).split("#")[0]).content.decode()
    section = overview[overview.index('id="overdue"') :]
    assert "提交截止日期：2023年3月31日" in section and late.name in section
    days = (timezone.localdate() - datetime.date(2023, 3, 31)).days
    assert f"尚未提交，已逾期 {days} 天" in section
    client.force_login(officer)  # an officer's 已逾期 leads to the year's list (the overview is the reviewers')
    home = client.get(reverse("projects:list")).content.decode()
    assert re.search(rf'todo-overdue-link" href="{reverse("projects:list")}\?year=2022"', home)


@pytest.mark.parametrize("sort", ["code", "-code", "total", "-total", "grade", "-warnings", "unit", "submitted",
                                  "-submitted"])  # fmt: skip
def test_the_next_project_is_the_one_after_it_in_every_order_of_the_queue(evaluator, unit_a, unit_b, sort) -> None:
    """first_after walks the queue in its order, ties and missing totals included, and wraps round."""
    from decimal import Decimal

    from projects.access import visible_projects, visible_units
    from projects.listing import first_after, list_position, matching_projects

    for i in range(12):
        factories.project(unit=unit_a if i % 3 else unit_b, code=f"K{i:02d}", status=Status.SUBMITTED, scored=True,
                          score_total=None if i % 4 == 0 else Decimal(90 - i % 3), score_grade="优良"[i % 2],
                          warning_count=i % 2)  # fmt: skip
    query = {"year": "2022", "sort": sort}
    form, rows = matching_projects(visible_projects(evaluator), visible_units(evaluator), query, default_year=2022,
                                   fixed_status=Status.SUBMITTED)  # fmt: skip
    order = list(rows.values_list("pk", flat=True))
    assert len(order) == 12
    for here, expected in zip(order, order[1:] + order[:1], strict=True):
        position = list_position(rows, form, here)
        assert first_after(rows.exclude(pk=here), form, position).pk == expected


def test_more_late_projects_than_listed_point_to_the_project_list(client, evaluator, unit_a) -> None:
    Project.objects.bulk_create([Project(unit=unit_a, year=2022, code=f"L{i:03d}", name=f"逾期{i}") for i in range(51)])
    client.force_login(evaluator)
    page = client.get(reverse("review:overview"), {"year": 2022}).content.decode()
    assert "共 51 个逾期项目，此处列出前 50 个" in page
    assert f'<a href="{reverse("projects:list")}?year=2022">项目列表</a>' in page  # the queue lists no draft


def test_the_project_list_says_what_its_warning_badge_counts(client, admin_user, unit_a) -> None:
    project = make_project(unit_a, code="A-009", executed="40")
    client.force_login(admin_user)
    page = client.get(reverse("projects:list"), {"year": 2022}).content.decode()
    badge = re.search(r'<span class="badge text-bg-warning warning-count" title="([^"]*)">([^<]*)</span>', page)
    assert badge and badge.group(2) == f"{project.warning_count} 条提示" and "执行率" in badge.group(1)
