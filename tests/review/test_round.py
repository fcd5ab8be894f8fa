"""The review round beside each indicator: the officer's reason, the score's explanation, the
warnings in Chinese, last year's copy; 审核意见 kept with the round and shown to the officer after
return; the evaluator's adjustments seen by the officer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Indicator
from indicators.services import indicator_adjust
from projects.models import Project, ReviewAction, ReviewRound, Status
from projects.services import evaluation_return, evaluation_submit
from review.models import ReviewNote
from review.services import NOTE_STATE, review_note_save
from tests import factories
from tests.review.conftest import make_project

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, project) -> str:
    return client.get(reverse("review:project", args=[project.pk])).content.decode()


def row(project, name: str = "品牌") -> Indicator:
    return Indicator.objects.get(project=project, level3=name)


def note_url(project, indicator) -> str:
    return reverse("review:note", args=[project.pk, indicator.pk])


@pytest.fixture
def submitted(unit_a, officer):
    """Submitted through the workflow (a 提交 round exists); 培训人次 short with its reason."""
    project = make_project(unit_a, code="R-001", status=Status.DRAFT)
    Indicator.objects.filter(project=project, level3="培训人次").update(actual=Decimal(8), reason="受天气影响延期两期")
    return evaluation_submit(project=project, user=officer)


# --- reasons in view ----------------------------------------------------------------------------


def test_each_row_shows_reason_explanation_and_warnings_in_chinese(client, evaluator, submitted) -> None:
    Indicator.objects.filter(pk=row(submitted).pk).update(actual_assumed=True, actual_text="显著提升")
    client.force_login(evaluator)
    html = page(client, submitted)
    assert "偏差原因分析及改进措施：</span>受天气影响延期两期" in html
    assert "按 实际/目标 × 分值" in html  # the score's explanation
    assert '<span class="badge text-bg-warning me-1" title="实际完成值“显著提升”被认定为' in html
    assert ">定性档位为推定</span>" in html and "qualitative_assumed" not in html


def test_evaluator_sees_what_keeps_a_project_from_approval(client, evaluator, unit_a) -> None:
    hollow = make_project(unit_a, code="R-003")  # submitted by a hand edit, then emptied
    Indicator.objects.filter(project=hollow, level3="培训人次").update(actual=None, actual_text="")
    client.force_login(evaluator)
    html = page(client, hollow)
    assert "不能审核通过" in html and "指标“培训人次”：未填写实际完成值" in html


def test_low_execution_reason_is_shown(client, evaluator, submitted) -> None:
    Project.objects.filter(pk=submitted.pk).update(low_execution_reason="采购延期")
    client.force_login(evaluator)
    assert "执行率偏低原因：</span>采购延期" in page(client, submitted)


def test_last_year_is_shown_beside_the_same_indicator(client, evaluator, submitted, unit_a) -> None:
    before = factories.project(unit=unit_a, code="R-001", year=2021, status=Status.APPROVED)
    factories.indicator(before, level3="培训人次", weight="60", target=Decimal(12), actual=Decimal(6))
    factories.indicator(before, level3="品牌", level1="产出指标", level2="质量指标", comparator="定性", weight="30",
                        target=None, target_text="提升", actual_label="达成")  # other 二级: not the same  # fmt: skip
    client.force_login(evaluator)
    html = page(client, submitted)
    assert "上年（2021年度，本单位同编码项目）：目标 ≥12个 · 实际 6个 · 得分 30.00/60.00" in html
    assert html.count('class="last-year') == 1


def test_last_year_of_another_unit_is_not_shown(client, evaluator, submitted, unit_b) -> None:
    """Another unit's project with this code last year (its values invented) is never shown as 上年."""
    squatted = factories.project(unit=unit_b, code="R-001", year=2021, status=Status.APPROVED)
    factories.indicator(squatted, level3="培训人次", weight="60", target=Decimal(99), actual=Decimal(1))
    client.force_login(evaluator)
    html = page(client, submitted)
    assert 'class="last-year' not in html and "≥99" not in html


def test_last_year_costs_one_query_whatever_the_rows(client, evaluator, submitted, unit_a,
                                                     django_assert_max_num_queries) -> None:  # fmt: skip
    before = factories.project(unit=unit_a, code="R-001", year=2021, status=Status.APPROVED)
    for j in range(30):
        factories.indicator(submitted, level3=f"附加{j}", weight="0")
        factories.indicator(before, level3=f"附加{j}", weight="0", actual=Decimal(1))
    client.force_login(evaluator)
    with django_assert_max_num_queries(24):
        html = page(client, submitted)
    assert html.count('class="last-year') == 30


# --- 审核意见 -----------------------------------------------------------------------------------


def test_note_is_kept_with_the_round(submitted, evaluator) -> None:
    note = review_note_save(indicator=row(submitted), text=" 请补充宣传材料 ", user=evaluator)
    first = ReviewRound.objects.get(project=submitted, action=ReviewAction.SUBMIT)
    assert (note.round, note.text, note.author, note.indicator_name) == (first, "请补充宣传材料", evaluator, "品牌")
    review_note_save(indicator=row(submitted), text="请补充照片", user=evaluator)  # one per indicator and round
    assert ReviewNote.objects.get().text == "请补充照片"
    review_note_save(indicator=row(submitted), text="", user=evaluator)
    assert not ReviewNote.objects.exists()


def test_a_note_needs_a_submitted_project(unit_a, evaluator) -> None:
    draft = make_project(unit_a, code="R-002", status=Status.DRAFT)
    with pytest.raises(ValidationError, match=NOTE_STATE):
        review_note_save(indicator=row(draft), text="x", user=evaluator)


def test_officer_sees_notes_after_return_not_during_review(client, submitted, officer, evaluator) -> None:
    review_note_save(indicator=row(submitted), text="请补充宣传材料", user=evaluator)
    detail = reverse("projects:detail", args=[submitted.pk])
    client.force_login(officer)
    assert "请补充宣传材料" not in client.get(detail).content.decode()
    evaluation_return(project=submitted, user=evaluator, reason="请补充")
    html = client.get(detail).content.decode()
    assert "审核意见（第1轮）" in html and "请补充宣传材料" in html
    # resubmitted: round 2's page starts without notes, round 1 keeps its own
    evaluation_submit(project=submitted, user=officer)
    client.force_login(evaluator)
    assert "请补充宣传材料" not in page(client, submitted)
    assert ReviewNote.objects.get().round.number == 1


def test_officer_sees_the_adjustment_with_its_reason(client, submitted, officer, evaluator) -> None:
    indicator_adjust(indicator=row(submitted), value=Decimal(25), reason="宣传效果一般", user=evaluator)
    client.force_login(officer)
    html = client.get(reverse("projects:detail", args=[submitted.pk])).content.decode()
    assert 'id="review-feedback"' in html and "宣传效果一般" in html
    assert '<td class="num">30.00</td><td class="num">25.00</td>' in html


def test_note_view_htmx_returns_the_row(client, submitted, evaluator) -> None:
    client.force_login(evaluator)
    response = client.post(note_url(submitted, row(submitted)), {f"n{row(submitted).pk}-text": "请核实"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("{% load") is False
    assert f'id="indicator-{row(submitted).pk}"' in html and "请核实" in html and "<html" not in html
    assert ReviewNote.objects.get().text == "请核实"


def test_note_view_without_htmx_redirects(client, submitted, evaluator) -> None:
    client.force_login(evaluator)
    response = client.post(note_url(submitted, row(submitted)), {f"n{row(submitted).pk}-text": "请核实"})
    assert response.status_code == 302 and response["Location"].endswith(f"#indicator-{row(submitted).pk}")


def test_note_on_a_returned_project_is_refused_at_the_row(client, submitted, evaluator) -> None:
    evaluation_return(project=submitted, user=evaluator, reason="请补充")
    client.force_login(evaluator)
    response = client.post(note_url(submitted, row(submitted)), {f"n{row(submitted).pk}-text": "x"}, **HTMX)
    assert NOTE_STATE in response.content.decode() and not ReviewNote.objects.exists()
    response = client.post(note_url(submitted, row(submitted)), {f"n{row(submitted).pk}-text": "x"})
    assert response.status_code == 400


def test_note_access(client, submitted, officer, evaluator, unit_b) -> None:
    other = make_project(unit_b, code="R-B")
    client.force_login(officer)
    assert client.post(note_url(submitted, row(submitted)), {}).status_code == 403
    client.force_login(evaluator)
    assert client.get(note_url(submitted, row(submitted))).status_code == 405
    assert client.post(note_url(submitted, row(other))).status_code == 404  # another project's row


def test_note_of_an_unreviewed_unit_is_404(client, evaluator, project_c) -> None:
    client.force_login(evaluator)
    assert client.post(note_url(project_c, row(project_c)), {}).status_code == 404
