"""The 整改 pages: /monitoring/<pk>/rectifications/ (the reviewer's 需要整改 form beside the lights, the
officer's 整改结果, the reviewer's close or return; errors at their input with what was typed) and
/monitoring/rectifications/ (the items the user may see, open first); the home to-do's 待整改 and
待确认整改 counts linking to the list of their year."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring import rectification as r
from monitoring.models import Rectification
from tests import factories

pytestmark = pytest.mark.django_db
S = Rectification.Status
LIST = reverse("monitoring:rectification_list")
HOME = reverse("projects:list")


def url(project) -> str:
    return reverse("monitoring:rectifications", args=[project.pk])


def test_the_reviewer_marks_the_officer_answers_the_reviewer_closes(client, submitted, officer, evaluator) -> None:
    client.force_login(evaluator)
    page = client.get(url(submitted)).content.decode()
    assert "需要整改" in page and 'data-light="red"' in page and "建议暂缓拨款" in page
    response = client.post(url(submitted), {"action": "open", "requirement": "九月底前完成采购", "hold_funds": "on",
                                            "hold_reason": "执行进度不足三成"})  # fmt: skip
    assert response.status_code == 302
    item = Rectification.objects.get()
    assert (item.status, item.hold_funds, item.opened_by) == (S.OPEN, True, evaluator)
    client.force_login(officer)
    page = client.get(url(submitted)).content.decode()
    assert "九月底前完成采购" in page and "提交整改结果" in page and 'name="requirement"' not in page
    assert client.post(url(submitted), {"action": "answer", "item": item.pk, "answer": "已完成采购"}).status_code == 302
    client.force_login(evaluator)
    page = client.get(url(submitted)).content.decode()
    assert "已完成采购" in page and "确认整改，关闭" in page
    assert client.post(url(submitted), {"action": "close", "item": item.pk, "note": ""}).status_code == 302
    assert Rectification.objects.get().status == S.CLOSED
    assert "整改事项已关闭" in client.get(url(submitted)).content.decode()


def test_errors_show_at_the_input_and_keep_what_was_typed(client, submitted, officer, evaluator) -> None:
    client.force_login(evaluator)
    response = client.post(url(submitted), {"action": "open", "requirement": "请加快支付", "hold_funds": "on",
                                            "hold_reason": ""})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400 and r.HOLD_REASON_EMPTY in page
    assert "请加快支付</textarea>" in page
    assert 'name="hold_funds" class="form-check-input" id="id_hold_funds" checked' in page
    response = client.post(url(submitted), {"action": "open", "requirement": " "})
    assert response.status_code == 400 and r.REQUIREMENT_EMPTY in response.content.decode()
    item = r.rectification_open(project=submitted, user=evaluator, requirement="请加快支付")
    client.force_login(officer)
    response = client.post(url(submitted), {"action": "answer", "item": item.pk, "answer": ""})
    assert response.status_code == 400 and r.ANSWER_EMPTY in response.content.decode()
    r.rectification_answer(item=item, user=officer, answer="已支付")
    client.force_login(evaluator)
    response = client.post(url(submitted), {"action": "return", "item": item.pk, "note": ""})
    assert response.status_code == 400 and r.NOTE_EMPTY in response.content.decode()
    assert Rectification.objects.get().status == S.ANSWERED


def test_roles_units_and_methods(client, submitted, officer, other_officer, evaluator) -> None:
    client.force_login(officer)
    assert client.post(url(submitted), {"action": "open", "requirement": "自己提"}).status_code == 403
    assert client.post(url(submitted), {"action": "bogus"}).status_code == 403
    assert client.put(url(submitted)).status_code == 405
    item = r.rectification_open(project=submitted, user=evaluator, requirement="请加快支付")
    client.force_login(evaluator)
    assert client.post(url(submitted), {"action": "answer", "item": item.pk, "answer": "代答"}).status_code == 403
    client.force_login(other_officer)
    assert client.get(url(submitted)).status_code == 404
    assert client.post(url(submitted), {"action": "answer", "item": item.pk, "answer": "x"}).status_code == 404
    client.logout()
    assert client.get(url(submitted)).status_code == 302
    assert Rectification.objects.get().status == S.OPEN


def test_before_submission_the_reviewer_is_told_why(client, project, evaluator) -> None:
    client.force_login(evaluator)
    page = client.get(url(project)).content.decode()
    assert "运行监控提交后才能提出整改" in page and 'name="requirement"' not in page


def test_the_list_shows_the_users_units_open_first(client, submitted, officer, other_officer, evaluator) -> None:
    done = r.rectification_open(project=submitted, user=evaluator, requirement="第一条")
    r.rectification_close(item=r.rectification_answer(item=done, user=officer, answer="好"), user=evaluator)
    r.rectification_open(project=submitted, user=evaluator, requirement="第二条")
    client.force_login(officer)
    page = client.get(LIST, {"year": 2026}).content.decode()
    assert page.index("第二条") < page.index("第一条") and "2026年度整改事项" in page
    page = client.get(LIST, {"year": 2026, "status": "closed"}).content.decode()
    assert "第一条" in page and "第二条" not in page
    assert client.get(LIST, {"year": 1999, "status": "open"}).status_code == 200  # a stale year: all years
    client.force_login(other_officer)
    assert "第二条" not in client.get(LIST).content.decode()


def test_the_entry_page_and_the_panel_link_to_it(client, submitted, evaluator) -> None:
    client.force_login(evaluator)
    assert url(submitted) in client.get(reverse("monitoring:entry", args=[submitted.pk])).content.decode()
    assert url(submitted) in client.get(reverse("projects:detail", args=[submitted.pk])).content.decode()


def test_the_to_do_shows_open_items_to_officers_and_answered_ones_to_reviewers(
    client, submitted, officer, evaluator, django_assert_max_num_queries
) -> None:
    item = r.rectification_open(project=submitted, user=evaluator, requirement="请加快支付")
    client.force_login(officer)
    page = client.get(HOME).content.decode()
    assert 'data-todo="rectify_open">1<' in page and "待整改" in page
    assert f"{LIST}?year=2026&amp;status=open" in page
    client.force_login(evaluator)
    assert "rectify_answered" not in client.get(HOME).content.decode()  # nothing answered yet
    r.rectification_answer(item=item, user=officer, answer="已支付")
    page = client.get(HOME).content.decode()
    assert 'data-todo="rectify_answered">1<' in page and f"{LIST}?year=2026&amp;status=answered" in page
    client.force_login(officer)
    assert "rectify_open" not in client.get(HOME).content.decode()


def test_the_to_do_costs_one_query_on_the_home_page_only(client, submitted, officer, evaluator,
                                                         django_assert_max_num_queries) -> None:  # fmt: skip
    for _ in range(3):
        r.rectification_open(project=submitted, user=evaluator, requirement="请加快支付")
    client.force_login(officer)
    with django_assert_max_num_queries(40) as captured:
        client.get(reverse("projects:detail", args=[submitted.pk]))
    assert not any("monitoring_rectification" in q["sql"] for q in captured.captured_queries)
    with django_assert_max_num_queries(40) as captured:
        client.get(HOME)
    assert sum("monitoring_rectification" in q["sql"] for q in captured.captured_queries) == 1


def test_the_overview_lists_the_open_items(client, submitted, evaluator) -> None:
    r.rectification_open(project=submitted, user=evaluator, requirement="请加快支付", hold_funds=True,
                         hold_reason="进度不足")  # fmt: skip
    client.force_login(evaluator)
    page = client.get(reverse("monitoring_overview:overview"), {"year": 2026}).content.decode()
    assert 'id="rectifications"' in page and "请加快支付" in page and url(submitted) in page
    assert factories  # the module's helpers
