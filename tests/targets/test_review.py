"""The targets stage and its review by 财预〔2015〕88号 (issue 16 §2, domain.md §8): submit, the four
criteria with notes, 优/良/中/差 and what each does, approval locking the targets and opening the
self-evaluation, all through the stage engine."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from projects import workflow
from projects.models import Project, ReviewRound, StageState
from projects.services import project_touch
from projects.stages import Action, Part, StageKey, StageStatus
from targets.models import TargetReview
from targets.services import targets_review
from tests import factories

pytestmark = pytest.mark.django_db

CRITERIA = {"completeness": "产出、效益、满意度指标齐全", "relevance": "与单位职能相符",
            "appropriateness": "与资金量匹配", "feasibility": "经过论证，可以实现"}  # fmt: skip


@pytest.fixture
def declared(unit_a) -> Project:
    """A project declaring its targets: its targets stage in 草稿, its self-evaluation not yet open."""
    project = factories.project(unit=unit_a, code="TG-1", year=2026)
    StageState.objects.filter(project=project, stage=StageKey.SELF_EVALUATION).delete()
    StageState.objects.filter(project=project, stage=StageKey.TARGETS).update(status=StageStatus.DRAFT)
    for n, level2 in enumerate(("数量指标", "质量指标", "成本指标", "社会效益指标", "服务对象满意度指标")):
        level1 = "满意度指标" if n == 4 else "效益指标" if n == 3 else "产出指标"
        factories.indicator(project, level1=level1, level2=level2, level3=f"指标{n}", weight="18",
                            target=Decimal(90), target_text="90")  # fmt: skip
    return Project.objects.get(pk=project.pk)


def status(project: Project, stage: str = StageKey.TARGETS) -> str | None:
    return StageState.objects.filter(project=project, stage=stage).values_list("status", flat=True).first()


def submit(client, officer, project: Project) -> None:
    client.force_login(officer)
    client.post(reverse("projects:stage_step", args=[project.pk, StageKey.TARGETS, Action.SUBMIT]))


def review(client, user, project: Project, result: str, opinion: str = "", **criteria: str):
    client.force_login(user)
    data = {**CRITERIA, **criteria, "result": result, "opinion": opinion}
    return client.post(reverse("targets:review", args=[project.pk]), data)


def test_the_officer_submits_and_the_reviewer_approves_with_the_four_criteria(client, officer, evaluator,
                                                                             declared) -> None:  # fmt: skip
    submit(client, officer, declared)
    assert status(declared) == StageStatus.SUBMITTED
    page = client.get(reverse("projects:detail", args=[declared.pk])).content.decode()
    assert 'id="stage-targets"' in page and "已提交" in page
    client.force_login(evaluator)
    page = client.get(reverse("projects:detail", args=[declared.pk])).content.decode()
    assert reverse("targets:review", args=[declared.pk]) in page  # the panel links the review page
    form = client.get(reverse("targets:review", args=[declared.pk])).content.decode()
    assert all(label in form for label in ("完整性", "相关性", "适当性", "可行性")) and "指标0" in form
    response = review(client, evaluator, declared, "优")
    assert response.status_code == 302
    assert status(declared) == StageStatus.APPROVED
    assert status(declared, StageKey.SELF_EVALUATION) == StageStatus.DRAFT  # the self-evaluation opens
    saved = TargetReview.objects.get()
    assert (saved.result, saved.round, saved.reviewer, saved.relevance) == ("优", 1, evaluator, "与单位职能相符")
    rounds = list(ReviewRound.objects.filter(stage=StageKey.TARGETS).values_list("action", flat=True))
    assert rounds == [Action.SUBMIT, Action.APPROVE]
    # approved targets are locked, the actuals of the self-evaluation are open
    project = Project.objects.get(pk=declared.pk)
    assert workflow.is_locked(project, Part.TARGETS) and not workflow.is_locked(project, Part.ACTUALS)
    with pytest.raises(ValidationError, match="绩效目标当前状态为“已审核”"):
        project_touch(project=project, version=project.version, parts=(Part.TARGETS,))


def test_zhong_returns_for_resubmission_and_cha_rejects_until_an_admin_reopens(
    client, officer, evaluator, admin_user, declared
) -> None:
    submit(client, officer, declared)
    response = review(client, evaluator, declared, "中")
    assert response.status_code == 400 and "请在审核意见中写明" in response.content.decode()
    review(client, evaluator, declared, "中", opinion="缺少时效指标")
    assert status(declared) == StageStatus.RETURNED
    assert not workflow.is_locked(Project.objects.get(pk=declared.pk), Part.TARGETS)  # the officer revises
    submit(client, officer, declared)
    review(client, evaluator, declared, "差", opinion="与项目内容无关")
    assert status(declared) == StageStatus.REJECTED
    assert StageState.objects.get(project=declared, stage=StageKey.TARGETS).round == 2
    assert [r.result for r in TargetReview.objects.order_by("pk")] == ["中", "差"]
    client.force_login(admin_user)
    client.post(reverse("projects:stage_step", args=[declared.pk, StageKey.TARGETS, Action.REOPEN]),
                {"targets-reopen-reason": "单位补充了论证材料"})  # fmt: skip
    assert status(declared) == StageStatus.RETURNED


def test_liang_sends_the_changes_back_and_the_reviewer_approves_them_without_a_new_round(
    client, officer, evaluator, declared
) -> None:
    submit(client, officer, declared)
    review(client, evaluator, declared, "良", opinion="成本指标改为“≤”")
    assert status(declared) == StageStatus.REVISING
    project = Project.objects.get(pk=declared.pk)
    assert not workflow.is_locked(project, Part.TARGETS)  # the listed changes can be made
    project_touch(project=project, version=project.version, parts=(Part.TARGETS,))
    form = client.get(reverse("targets:review", args=[declared.pk])).content.decode()
    assert "优（审核通过）" in form and "中（退回修改后重新提交）" not in form  # only approval remains
    review(client, evaluator, declared, "优")
    assert status(declared) == StageStatus.APPROVED
    assert StageState.objects.get(project=declared, stage=StageKey.TARGETS).round == 1  # no new round


def test_submission_waits_for_weights_that_add_up(client, officer, declared) -> None:
    declared.indicators.filter(level3="指标0").update(weight=Decimal(10))
    client.force_login(officer)
    response = client.post(reverse("projects:stage_step", args=[declared.pk, StageKey.TARGETS, Action.SUBMIT]),
                           follow=True)  # fmt: skip
    assert "指标权重合计 82，应为 90" in response.content.decode()
    assert status(declared) == StageStatus.DRAFT


def test_the_service_checks_role_unit_and_criteria_itself(declared, officer, unit_b, evaluator) -> None:
    evaluator_b = factories.user("evaluator_b", role="evaluator", review_units=[unit_b])
    with pytest.raises(ValidationError, match="请填写“可行性”的审核意见"):
        targets_review(project=declared, user=evaluator, result="优", criteria={**CRITERIA, "feasibility": " "})
    workflow.transition(projects=[declared], stage=StageKey.TARGETS, action=Action.SUBMIT, user=officer)
    with pytest.raises(PermissionDenied):
        targets_review(project=declared, user=officer, result="优", criteria=CRITERIA)
    with pytest.raises(Http404):  # an evaluator of another unit: the project is not found
        targets_review(project=declared, user=evaluator_b, result="优", criteria=CRITERIA)
    assert not TargetReview.objects.exists() and status(declared) == StageStatus.SUBMITTED


def test_the_review_page_is_for_reviewers_of_the_unit(client, officer, other_officer, declared) -> None:
    url = reverse("targets:review", args=[declared.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(other_officer)
    assert client.get(url).status_code == 403  # an officer is no reviewer, whatever the unit


def test_an_adjustment_of_approved_targets_is_reviewed_again_and_shows_before_and_after(
    client, officer, evaluator, declared
) -> None:
    from indicators.models import Indicator
    from targets.selectors import target_adjustments

    submit(client, officer, declared)
    review(client, evaluator, declared, "优")
    project = Project.objects.get(pk=declared.pk)
    with pytest.raises(ValidationError):  # approved: the targets are locked until an adjustment is asked
        project_touch(project=project, version=project.version, parts=(Part.TARGETS,))
    client.force_login(officer)
    url = reverse("projects:stage_step", args=[declared.pk, StageKey.TARGETS, Action.ADJUST])
    response = client.post(url, {"targets-adjust-reason": ""}, follow=True)
    assert "请填写调整理由" in response.content.decode() and status(declared) == StageStatus.APPROVED
    client.post(url, {"targets-adjust-reason": "预算追加，培训人次提高"})
    assert status(declared) == StageStatus.ADJUSTING
    project = Project.objects.get(pk=declared.pk)
    project_touch(project=project, version=project.version, parts=(Part.TARGETS,))  # open for the change
    row = Indicator.objects.get(project=declared, level3="指标0")
    row.target, row.target_text = Decimal(120), "120"
    row.save()
    [waiting] = target_adjustments(declared)
    assert waiting.approved_at is None and waiting.reason == "预算追加，培训人次提高"
    submit(client, officer, declared)
    review(client, evaluator, declared, "优")
    assert status(declared) == StageStatus.APPROVED
    [done] = target_adjustments(declared)
    assert done.approved_at is not None
    assert [(c.before, c.after) for c in done.changes] == [("指标0：≥90个（权重 18）", "指标0：≥120个（权重 18）")]
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[declared.pk])).content.decode()
    assert "调整前" in page and "指标0：≥120个（权重 18）" in page and "预算追加，培训人次提高" in page
    client.force_login(evaluator)
    page = client.get(reverse("review:project", args=[declared.pk])).content.decode()
    assert "指标0：≥90个（权重 18）" in page and "指标0：≥120个（权重 18）" in page


def test_the_review_page_shows_the_section_8_checks_beside_their_rows(client, evaluator, declared) -> None:
    from indicators.models import Indicator

    Indicator.objects.filter(project=declared, level3="指标3").update(comparator="定性", target=None,
                                                                      target_text="效果良好")  # fmt: skip
    client.force_login(evaluator)
    page = client.get(reverse("targets:review", args=[declared.pk])).content.decode()
    row = page[page.index("<td>指标3</td>") :]
    row = row[: row.index("</tr>")]
    assert 'data-code="unmeasurable"' in row
    first = page[page.index("<td>指标0</td>") :]
    assert 'data-code="unmeasurable"' not in first[: first.index("</tr>")]  # ≥90: a number, measurable


def test_targets_json_carries_the_latest_review(client, officer, evaluator, declared) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    submit(client, officer, declared)
    review(client, evaluator, declared, "中", opinion="补充时效指标", relevance="与职能相关，但缺少时效")
    out = StringIO()
    call_command("targets", declared.code, "--year", "2026", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["stage"], data["status"]) == ("targets", "returned")
    assert data["review"] == {"result": "中", "criteria": {"完整性": CRITERIA["completeness"],
                                                          "相关性": "与职能相关，但缺少时效",
                                                          "适当性": CRITERIA["appropriateness"],
                                                          "可行性": CRITERIA["feasibility"]}}  # fmt: skip


def test_the_editor_shows_the_checks_beside_the_rows_while_targets_are_declared(client, officer, declared,
                                                                                unit_a) -> None:  # fmt: skip
    from indicators.models import Indicator

    Indicator.objects.filter(project=declared, level3="指标3").update(comparator="定性", target=None,
                                                                      target_text="稳步提高")  # fmt: skip
    Indicator.objects.filter(project=declared, level2="成本指标").delete()
    client.force_login(officer)
    page = client.get(reverse("indicators:editor", args=[declared.pk])).content.decode()
    assert 'data-code="unmeasurable"' in page and 'data-code="no_cost"' in page
    recorded = factories.project(unit=unit_a, code="TG-2", year=2026)  # targets 随自评填报: the year end's warnings
    factories.indicator(recorded, level3="稳步提高的指标", comparator="定性", target_text="稳步提高")
    page = client.get(reverse("indicators:editor", args=[recorded.pk])).content.decode()
    assert "target-checks" not in page


def test_a_year_that_declares_targets_starts_new_projects_there_and_opens_the_self_evaluation_on_approval(
    client, officer, evaluator
) -> None:
    from evalsys.lib.parsing import Actual
    from indicators.editing import indicator_set_actual
    from projects.models import YearPlan

    YearPlan.objects.create(year=2027, stages=["targets", "self_evaluation"])
    client.force_login(officer)
    response = client.post(reverse("projects:create"), {"year": 2027, "code": "A2700001", "name": "新申报项目",
                                                         "scheme": "national"})  # fmt: skip
    assert response.status_code == 302
    project = Project.objects.get(code="A2700001")
    assert project.status == "not_open"
    assert (status(project), status(project, StageKey.SELF_EVALUATION)) == ("draft", "not_open")
    row = factories.indicator(project, level3="培训人次", weight="90", target=Decimal(100), target_text="100")
    project = Project.objects.get(pk=project.pk)
    with pytest.raises(ValidationError, match="自评尚未开始（绩效目标审核通过后开始），完成情况暂不能填写"):
        indicator_set_actual(indicator=row, version=project.version, actual=Actual(Decimal(1), "1", "", False),
                             reason="", user=officer)  # fmt: skip
    listing = client.get(reverse("targets:list")).content.decode()
    assert "新申报项目" in listing and "草稿" in listing
    submit(client, officer, project)
    client.force_login(evaluator)
    listing = client.get(reverse("targets:list"), {"year": 2027}).content.decode()
    assert reverse("targets:review", args=[project.pk]) in listing
    review(client, evaluator, project, "优")
    project = Project.objects.get(pk=project.pk)
    assert (project.status, status(project, StageKey.SELF_EVALUATION), status(project)) == ("draft", "draft",
                                                                                            "approved")  # fmt: skip
    indicator_set_actual(indicator=row, version=project.version, actual=Actual(Decimal(95), "95", "", False),
                         reason="", user=officer)  # fmt: skip


def test_the_report_prints_each_approved_adjustment_before_and_after(client, officer, evaluator, declared) -> None:
    import io

    from docx import Document

    from indicators.models import Indicator
    from reports.data import reports_for

    submit(client, officer, declared)
    review(client, evaluator, declared, "优")
    client.force_login(officer)
    client.post(reverse("projects:stage_step", args=[declared.pk, StageKey.TARGETS, Action.ADJUST]),
                {"targets-adjust-reason": "资金追加"})  # fmt: skip
    row = Indicator.objects.get(project=declared, level3="指标1")
    row.target, row.target_text = Decimal(99), "99"
    row.save()
    [data] = reports_for([declared])
    assert data.target_adjustments == ()  # not approved yet: nothing printed
    submit(client, officer, declared)
    review(client, evaluator, declared, "优")
    [data] = reports_for([declared])
    [sentence] = data.target_adjustments
    assert "调整理由：资金追加" in sentence and "指标1：≥90个（权重 18） 调整为 指标1：≥99个（权重 18）" in sentence
    client.force_login(officer)
    docx = client.get(reverse("reports:download", args=[declared.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content if docx.streaming
                                                                   else [docx.content]))).paragraphs)  # fmt: skip
    assert sentence in text
