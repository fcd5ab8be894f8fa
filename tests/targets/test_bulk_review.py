"""Bulk review of declared targets on /targets/ (issue 16 §2: "Bulk review of many projects' targets
as the self-evaluation queue does"): one result (优, 中, 差; 良 lists each project's own changes, so
never in bulk), one shared note per criterion of 88号, a confirmation first, then the single review's
service for every ticked project; a state that changed meanwhile is refused and named in Chinese."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from projects import workflow
from projects.models import Project, ReviewRound, StageState
from projects.stages import Action, StageKey, StageStatus
from targets.forms import OPINION_NEEDED
from targets.models import TargetReview
from targets.services import NO_BULK_GOOD, targets_review_many
from tests import factories
from tests.test_chinese_pages import WORD, visible_text

pytestmark = pytest.mark.django_db

LIST, BULK = reverse("targets:list"), reverse("targets:bulk_review")
CRITERIA = {"completeness": "产出、效益、满意度指标齐全", "relevance": "与单位职能相符",
            "appropriateness": "与资金量匹配", "feasibility": "经过论证，可以实现"}  # fmt: skip


def declaration(unit, code: str, *, year: int = 2026, state: str = StageStatus.SUBMITTED) -> Project:
    """A project whose targets (five indicators, weights adding up to the scheme's 90) are in `state`."""
    project = factories.project(unit=unit, code=code, name=f"申报{code}", year=year, status=StageStatus.NOT_OPEN)
    StageState.objects.filter(project=project, stage=StageKey.SELF_EVALUATION).update(status=StageStatus.NOT_OPEN)
    StageState.objects.filter(project=project, stage=StageKey.TARGETS).update(status=state)
    for n, level2 in enumerate(("数量指标", "质量指标", "成本指标", "社会效益指标", "服务对象满意度指标")):
        level1 = "满意度指标" if n == 4 else "效益指标" if n == 3 else "产出指标"
        factories.indicator(project, level1=level1, level2=level2, level3=f"指标{n}", weight="18",
                            target=Decimal(90), target_text="90")  # fmt: skip
    return Project.objects.get(pk=project.pk)


def status(project: Project, stage: str = StageKey.TARGETS) -> str | None:
    return StageState.objects.filter(project=project, stage=stage).values_list("status", flat=True).first()


def bulk(projects, result: str = "优", opinion: str = "", confirm: bool = True, **extra):
    data = {**CRITERIA, "projects": [p.pk for p in projects], "result": result, "opinion": opinion, "year": 2026}
    return data | ({"confirm": "1"} if confirm else {}) | extra


@pytest.fixture
def two(unit_a, unit_b) -> list[Project]:
    return [declaration(unit_a, "TG-A1"), declaration(unit_b, "TG-B1")]


def test_the_list_offers_the_ticks_and_says_liang_is_one_by_one(client, evaluator, two, unit_a) -> None:
    draft = declaration(unit_a, "TG-A2", state=StageStatus.DRAFT)
    client.force_login(evaluator)
    page = client.get(LIST, {"year": 2026}).content.decode()
    assert f'name="projects" value="{two[0].pk}" form="targets-bulk"' in page
    assert f'name="projects" value="{draft.pk}"' not in page  # a draft waits for its officer, not for review
    assert NO_BULK_GOOD in page and "良（按意见修改后通过）" not in page
    assert all(label in page for label in ("优（审核通过）", "中（退回修改后重新提交）", "差（不予通过）"))


def test_you_approve_many_after_a_confirmation_with_one_note_per_criterion(client, evaluator, two) -> None:
    client.force_login(evaluator)
    shown = client.post(BULK, bulk(two, confirm=False))
    assert shown.status_code == 200 and "确认审核 2 个项目" in shown.content.decode()
    assert "与资金量匹配" in shown.content.decode()
    assert [status(p) for p in two] == [StageStatus.SUBMITTED] * 2  # nothing reviewed before the confirmation
    response = client.post(BULK, bulk(two), follow=True)
    assert response.redirect_chain[-1][0] == f"{LIST}?year=2026"
    assert "已审核 2 个项目的绩效目标，审核结果：优" in response.content.decode()
    assert [status(p) for p in two] == [StageStatus.APPROVED] * 2
    assert [status(p, StageKey.SELF_EVALUATION) for p in two] == [StageStatus.DRAFT] * 2  # the self-evaluation opens
    reviews = TargetReview.objects.order_by("project")
    assert [(r.project_id, r.result, r.round, r.reviewer) for r in reviews] == [(p.pk, "优", 1, evaluator) for p in two]
    assert {(r.completeness, r.relevance, r.appropriateness, r.feasibility) for r in reviews} == {
        tuple(CRITERIA.values())
    }


def test_each_project_keeps_who_when_and_why(client, evaluator, two) -> None:
    client.force_login(evaluator)
    client.post(BULK, bulk(two, result="中", opinion="缺少时效指标"))
    assert [status(p) for p in two] == [StageStatus.RETURNED] * 2
    rounds = ReviewRound.objects.filter(stage=StageKey.TARGETS).order_by("project")
    assert [(r.project_id, r.action, r.actor, r.reason) for r in rounds] == [
        (p.pk, Action.RETURN, evaluator, "缺少时效指标") for p in two
    ]
    assert all(r.created_at is not None for r in rounds)
    history = client.get(reverse("projects:history", args=[two[0].pk])).content.decode()
    assert "缺少时效指标" in history and "evaluator" in history


def test_zhong_and_cha_need_the_reason_and_keep_the_ticks(client, evaluator, two) -> None:
    client.force_login(evaluator)
    response = client.post(BULK, bulk(two, result="差"))
    page = response.content.decode()
    assert response.status_code == 400 and OPINION_NEEDED in page
    assert (
        f'value="{two[0].pk}" form="targets-bulk" id="pick-{two[0].pk}" aria-label="选择 {two[0].name}" checked' in page
    )
    response = client.post(BULK, bulk(two, feasibility=" "))
    assert response.status_code == 400 and "请填写“可行性”的审核意见" in response.content.decode()
    assert client.post(BULK, bulk([], confirm=False)).status_code == 400
    client.post(BULK, bulk(two, result="差", opinion="与项目内容无关"))
    assert [status(p) for p in two] == [StageStatus.REJECTED] * 2


def test_liang_is_never_a_bulk_result(client, evaluator, two) -> None:
    client.force_login(evaluator)
    assert client.post(BULK, bulk(two, result="良", opinion="成本指标改为“≤”")).status_code == 400
    with pytest.raises(ValidationError, match="逐个审核"):
        targets_review_many(projects=two, user=evaluator, result="良", criteria=CRITERIA, opinion="改")
    assert [status(p) for p in two] == [StageStatus.SUBMITTED] * 2


def test_officers_cannot_and_are_offered_nothing(client, officer, two) -> None:
    client.force_login(officer)
    page = client.get(LIST, {"year": 2026}).content.decode()
    assert 'id="targets-bulk"' not in page and 'name="projects"' not in page
    assert client.post(BULK, bulk(two[:1])).status_code == 403
    with pytest.raises(PermissionDenied):
        targets_review_many(projects=two[:1], user=officer, result="优", criteria=CRITERIA)
    assert status(two[0]) == StageStatus.SUBMITTED and not TargetReview.objects.exists()


def test_another_units_declarations_are_invisible(client, unit_b, two) -> None:
    evaluator_b = factories.user("evaluator_b", role="evaluator", review_units=[unit_b])
    client.force_login(evaluator_b)
    page = client.get(LIST, {"year": 2026}).content.decode()
    assert "TG-B1" in page and "TG-A1" not in page
    assert client.post(BULK, bulk(two, confirm=False)).status_code == 404  # the whole request: nothing shown
    assert client.post(BULK, bulk(two)).status_code == 404
    with pytest.raises(Http404):
        targets_review_many(projects=two, user=evaluator_b, result="优", criteria=CRITERIA)
    assert [status(p) for p in two] == [StageStatus.SUBMITTED] * 2 and not ReviewRound.objects.exists()


def test_a_state_changed_meanwhile_is_refused_and_named(client, officer, evaluator, two) -> None:
    client.force_login(evaluator)
    assert "确认审核 2 个项目" in client.post(BULK, bulk(two, confirm=False)).content.decode()
    # between the confirmation page and the confirmation, unit A's officer withdraws
    workflow.transition(projects=[two[0]], stage=StageKey.TARGETS, action=Action.WITHDRAW, user=officer,
                        reason="补充成本指标")  # fmt: skip
    response = client.post(BULK, bulk(two), follow=True)
    page = response.content.decode()
    assert "已审核 1 个项目的绩效目标" in page
    assert "以下 1 个项目未审核（审核期间状态已变化或尚不能审核通过）：TG-A1（绩效目标当前状态为“草稿”）" in page
    assert (status(two[0]), status(two[1])) == (StageStatus.DRAFT, StageStatus.APPROVED)
    assert list(TargetReview.objects.values_list("project", flat=True)) == [two[1].pk]


def test_the_confirmation_leaves_out_what_cannot_take_the_result(client, evaluator, two, unit_a) -> None:
    revising = declaration(unit_a, "TG-A3", state=StageStatus.REVISING)  # 良's changes: only 优 remains
    unready = declaration(unit_a, "TG-A4")
    unready.indicators.filter(level3="指标0").update(weight=Decimal(10))  # the weights no longer add up
    client.force_login(evaluator)
    page = client.post(BULK, bulk([*two, revising, unready], result="中", opinion="补充", confirm=False))
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "确认审核 3 个项目" in text and "TG-A3 申报TG-A3</a>：绩效目标当前状态为“按意见修改”" in text
    page = client.post(BULK, bulk([*two, revising, unready], confirm=False)).content.decode()
    assert "确认审核 3 个项目" in page and "TG-A4 申报TG-A4</a>：" in page  # 优 approves 良's changes, not gaps
    assert not WORD.search(visible_text(page))  # every state and result in Chinese (tests/test_chinese_pages.py)


@pytest.mark.parametrize("count", [1, 30])
def test_the_query_count_does_not_grow(client, evaluator, unit_a, count, django_assert_max_num_queries) -> None:
    chosen = [declaration(unit_a, f"TQ-{n:03d}") for n in range(count)]
    client.force_login(evaluator)
    client.get(LIST)  # the session and the user's role, as a reviewer arrives from the list
    with django_assert_max_num_queries(12):
        assert client.post(BULK, bulk(chosen, confirm=False)).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.post(BULK, bulk(chosen)).status_code == 302
    assert StageState.objects.filter(stage=StageKey.TARGETS, status=StageStatus.APPROVED).count() == count
    assert TargetReview.objects.count() == count
    with django_assert_max_num_queries(10):
        assert client.get(LIST, {"year": 2026}).status_code == 200
