"""One project under review: scores, adjustments (HTMX), return, approve and reopen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from projects.models import Project, ReviewRound, Status
from projects.services import evaluation_approve, evaluation_return, evaluation_submit
from tests import factories
from tests.review.conftest import make_project

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(project: Project) -> str:
    return reverse("review:project", args=[project.pk])


def adjust_url(project: Project, indicator: Indicator) -> str:
    return reverse("review:adjust", args=[project.pk, indicator.pk])


def brand(project: Project) -> Indicator:
    return Indicator.objects.get(project=project, level3="品牌")


def adjust_data(indicator: Indicator, value: str, reason: str) -> dict[str, str]:
    return {f"i{indicator.pk}-value": value, f"i{indicator.pk}-reason": reason}


def status_of(project: Project) -> str:
    return Project.objects.get(pk=project.pk).status


# --- the page -------------------------------------------------------------------------------


def test_page_shows_every_indicator_with_scores_and_forms(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.get(page_url(submitted_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert "培训人次" in page and "品牌" in page
    assert "60.00" in page and "30.00" in page  # computed and current scores
    assert "得满分" in page or "满分" in page  # the engine's explanation
    assert 'id="project-total"' in page and "99.50" in page and "等级：优" in page
    assert page.count('hx-post="/review/') == 4  # an adjustment form and a 审核意见 form per row
    assert reverse("review:return", args=[submitted_a.pk]) in page and "审核通过" in page
    assert reverse("review:reopen", args=[submitted_a.pk]) not in page
    assert 'id="timeline"' in page


def test_page_lists_every_round_with_its_reason(client, evaluator, officer, unit_a) -> None:
    project = make_project(unit_a, code="A-010", status=Status.DRAFT)
    evaluation_submit(project=project, user=officer)
    evaluation_return(project=project, user=evaluator, reason="请补充满意度调查材料")
    evaluation_submit(project=project, user=officer)
    client.force_login(evaluator)
    page = client.get(page_url(project)).content.decode()
    assert page.count("第1轮") >= 2 and "第2轮" in page
    assert "请补充满意度调查材料" in page and "退回" in page


def test_admin_sees_reopen_on_an_approved_project(client, admin_user, evaluator, submitted_a) -> None:
    evaluation_approve(projects=[submitted_a], user=evaluator)
    client.force_login(evaluator)
    assert reverse("review:reopen", args=[submitted_a.pk]) not in client.get(page_url(submitted_a)).content.decode()
    client.force_login(admin_user)
    page = client.get(page_url(submitted_a)).content.decode()
    assert reverse("review:reopen", args=[submitted_a.pk]) in page and "重新打开" in page
    assert 'hx-post="/review/' not in page  # approved: no more adjustments


def test_other_unit_gets_404(client, evaluator, project_c) -> None:
    client.force_login(evaluator)
    assert client.get(page_url(project_c)).status_code == 404
    assert (
        client.post(adjust_url(project_c, brand(project_c)), adjust_data(brand(project_c), "25", "x")).status_code
        == 404
    )
    assert client.post(reverse("review:return", args=[project_c.pk]), {"return-reason": "x"}).status_code == 404
    assert status_of(project_c) == Status.SUBMITTED


@pytest.mark.parametrize("who", ["officer", "other_officer"])
def test_officers_get_403_everywhere(client, request, who, submitted_a) -> None:
    client.force_login(request.getfixturevalue(who))
    b = brand(submitted_a)
    assert client.get(page_url(submitted_a)).status_code == 403
    assert client.post(adjust_url(submitted_a, b), adjust_data(b, "25", "x"), **HTMX).status_code == 403
    assert client.post(reverse("review:return", args=[submitted_a.pk]), {"return-reason": "x"}).status_code == 403
    assert client.post(reverse("review:reopen", args=[submitted_a.pk]), {"reopen-reason": "x"}).status_code == 403
    assert status_of(submitted_a) == Status.SUBMITTED and brand(submitted_a).adjusted_score is None


def test_user_without_role_gets_403(client, django_user_model, submitted_a) -> None:
    client.force_login(django_user_model.objects.create_user("nobody", password="x-pass-2026"))
    assert client.get(page_url(submitted_a)).status_code == 403


def test_wrong_methods_get_405(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    assert client.post(page_url(submitted_a)).status_code == 405
    assert client.get(adjust_url(submitted_a, brand(submitted_a))).status_code == 405
    assert client.get(reverse("review:return", args=[submitted_a.pk])).status_code == 405
    assert client.get(reverse("review:reopen", args=[submitted_a.pk])).status_code == 405


def test_page_query_count_does_not_grow(client, evaluator, submitted_a, django_assert_max_num_queries) -> None:
    for j in range(30):
        factories.indicator(submitted_a, level3=f"附加指标{j}", weight="0")
    client.force_login(evaluator)
    with django_assert_max_num_queries(20):
        assert client.get(page_url(submitted_a)).status_code == 200


# --- adjusting a score ----------------------------------------------------------------------


def test_htmx_adjust_within_band_returns_the_row_and_the_total(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    b = brand(submitted_a)
    response = client.post(adjust_url(submitted_a, b), adjust_data(b, "25", "宣传效果一般"), **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment and "<nav" not in fragment
    assert fragment.lstrip().startswith(f'<tr id="indicator-{b.pk}"')
    assert "25.00" in fragment and "已调整" in fragment and "宣传效果一般" in fragment
    assert 'id="project-total" class="fw-bold" hx-swap-oob="true"' in fragment and "94.50" in fragment
    b.refresh_from_db()
    assert (b.adjusted_score, b.adjust_reason, b.adjusted_by) == (Decimal(25), "宣传效果一般", evaluator)
    assert Project.objects.get(pk=submitted_a.pk).score_total == Decimal("94.50")


def test_htmx_adjust_outside_band_keeps_the_input_and_shows_the_error(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    b = brand(submitted_a)
    response = client.post(adjust_url(submitted_a, b), adjust_data(b, "20", "偏低"), **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200  # htmx 2 swaps only 2xx responses
    assert "<html" not in fragment
    assert "定性指标“达成”的得分须在 [24.00, 30.00] 内" in fragment
    assert 'value="20"' in fragment and 'value="偏低"' in fragment and "is-invalid" in fragment
    assert brand(submitted_a).adjusted_score is None


@pytest.mark.parametrize(
    ("value", "reason", "error"),
    [
        ("25", "", "请填写调整理由"),
        ("31", "太高", "调整后得分须在 0 至 30.00 之间"),
        ("-1", "负数", "调整后得分须在 0 至 30.00 之间"),
        ("abc", "乱填", "“abc”不是数字"),
        ("25.555", "精度", "最多保留两位小数"),
    ],
)
def test_invalid_adjustments_are_refused_in_chinese(client, evaluator, submitted_a, value, reason, error) -> None:
    client.force_login(evaluator)
    b = brand(submitted_a)
    fragment = client.post(adjust_url(submitted_a, b), adjust_data(b, value, reason), **HTMX).content.decode()
    assert error in fragment and f'value="{value}"' in fragment
    assert brand(submitted_a).adjusted_score is None


def test_full_width_digits_are_read(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    b = brand(submitted_a)
    client.post(adjust_url(submitted_a, b), adjust_data(b, "２６", "全角输入"), **HTMX)
    assert brand(submitted_a).adjusted_score == Decimal(26)


def test_an_empty_score_withdraws_the_adjustment(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    b = brand(submitted_a)
    client.post(adjust_url(submitted_a, b), adjust_data(b, "25", "先调低"), **HTMX)
    fragment = client.post(adjust_url(submitted_a, b), adjust_data(b, "", ""), **HTMX).content.decode()
    assert brand(submitted_a).adjusted_score is None and "99.50" in fragment


def test_adjust_without_htmx_redirects_or_rerenders_the_page(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    b = brand(submitted_a)
    ok = client.post(adjust_url(submitted_a, b), adjust_data(b, "26", "按材料核定"))
    assert ok.status_code == 302 and ok["Location"] == page_url(submitted_a)
    bad = client.post(adjust_url(submitted_a, b), adjust_data(b, "29.5", ""))
    page = bad.content.decode()
    assert bad.status_code == 400 and "<html" in page
    assert "请填写调整理由" in page and 'value="29.5"' in page
    assert brand(submitted_a).adjusted_score == Decimal(26)


def test_adjusting_an_approved_project_is_refused(client, evaluator, submitted_a) -> None:
    evaluation_approve(projects=[submitted_a], user=evaluator)
    client.force_login(evaluator)
    b = brand(submitted_a)
    fragment = client.post(adjust_url(submitted_a, b), adjust_data(b, "25", "晚了"), **HTMX).content.decode()
    assert "只有已提交、待审核的项目可以调整得分" in fragment
    assert brand(submitted_a).adjusted_score is None


def test_indicator_of_another_project_is_a_404(client, evaluator, submitted_a, submitted_b) -> None:
    client.force_login(evaluator)
    other = brand(submitted_b)
    assert client.post(adjust_url(submitted_a, other), adjust_data(other, "25", "x")).status_code == 404


# --- return, approve, reopen ----------------------------------------------------------------


def test_return_with_a_reason(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.post(reverse("review:return", args=[submitted_a.pk]), {"return-reason": "请补充偏差原因"})
    assert response.status_code == 302 and response["Location"] == page_url(submitted_a)
    assert status_of(submitted_a) == Status.RETURNED
    assert ReviewRound.objects.get(project=submitted_a, action="return").reason == "请补充偏差原因"


def test_return_without_a_reason_is_refused(client, evaluator, submitted_a) -> None:
    client.force_login(evaluator)
    response = client.post(reverse("review:return", args=[submitted_a.pk]), {"return-reason": "   "})
    assert response.status_code == 400 and "请填写退回理由" in response.content.decode()
    assert status_of(submitted_a) == Status.SUBMITTED


def test_returning_a_draft_is_a_chinese_state_error(client, evaluator, draft_a) -> None:
    client.force_login(evaluator)
    response = client.post(reverse("review:return", args=[draft_a.pk]), {"return-reason": "重新填报"})
    assert response.status_code == 400 and "项目当前状态为“草稿”，不能退回" in response.content.decode()
    assert status_of(draft_a) == Status.DRAFT


def test_admin_reopens_an_approved_project_with_a_reason(client, admin_user, evaluator, submitted_a) -> None:
    evaluation_approve(projects=[submitted_a], user=evaluator)
    client.force_login(admin_user)
    url = reverse("review:reopen", args=[submitted_a.pk])
    refused = client.post(url, {"reopen-reason": ""})
    assert refused.status_code == 400 and "请填写重新打开的理由" in refused.content.decode()
    response = client.post(url, {"reopen-reason": "发现数据错误"})
    assert response.status_code == 302 and status_of(submitted_a) == Status.RETURNED
    assert ReviewRound.objects.get(project=submitted_a, action="reopen").reason == "发现数据错误"


def test_reopen_by_an_evaluator_is_403(client, evaluator, submitted_a) -> None:
    evaluation_approve(projects=[submitted_a], user=evaluator)
    client.force_login(evaluator)
    assert client.post(reverse("review:reopen", args=[submitted_a.pk]), {"reopen-reason": "x"}).status_code == 403
    assert status_of(submitted_a) == Status.APPROVED


def test_reopening_a_submitted_project_is_a_state_error(client, admin_user, submitted_a) -> None:
    client.force_login(admin_user)
    response = client.post(reverse("review:reopen", args=[submitted_a.pk]), {"reopen-reason": "试试"})
    assert response.status_code == 400 and "不能重新打开" in response.content.decode()
