"""A stage on the project page (issue 16 §1): a stage added in a test (its spec, its readiness and
its template) shows its panel, and its steps go through the engine: role, unit, state and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from projects import stages, workflow
from projects.models import ReviewRound, StageState
from projects.stages import Action, Part, StageSpec, StageStatus, review_cycle
from tests import factories

pytestmark = pytest.mark.django_db

KEY = "test_page_stage"
TEMPLATE = """{% extends "projects/stages/_panel.html" %}
{% block stage_body %}<span class="test-stage-note">测试阶段专用内容</span>{% endblock %}"""


@pytest.fixture
def page_stage(settings, tmp_path: Path):
    folder = tmp_path / "templates"
    (folder / "teststage").mkdir(parents=True)
    (folder / "teststage" / "panel.html").write_text(TEMPLATE, encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], folder]}]
    spec = stages.register(StageSpec(KEY, "测试阶段", 15, review_cycle(KEY),
                                     locks={StageStatus.SUBMITTED: frozenset([Part.MONITORING])},
                                     template="teststage/panel.html"))  # fmt: skip
    yield spec
    stages.unregister(KEY)


@pytest.fixture
def project(unit_a, page_stage):
    project = factories.project(unit=unit_a, code="SP-1")
    workflow.stage_open(projects=[project], stage=KEY)
    return project


def detail(client, user, project) -> str:
    client.force_login(user)
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def step_url(project, action: str) -> str:
    return reverse("projects:stage_step", args=[project.pk, KEY, action])


def test_the_stage_shows_its_own_template_and_the_officers_step(client, officer, project) -> None:
    page = detail(client, officer, project)
    assert 'id="stage-test_page_stage"' in page and "测试阶段专用内容" in page and "草稿" in page
    assert step_url(project, Action.SUBMIT) in page
    assert step_url(project, Action.APPROVE) not in page


def test_a_step_goes_through_the_engine_and_back_to_the_page(client, officer, evaluator, project) -> None:
    client.force_login(officer)
    response = client.post(step_url(project, Action.SUBMIT), follow=True)
    assert "测试阶段：已提交" in response.content.decode()
    assert StageState.objects.get(project=project, stage=KEY).status == StageStatus.SUBMITTED
    page = detail(client, evaluator, project)
    assert step_url(project, Action.APPROVE) in page and step_url(project, Action.RETURN) in page
    response = client.post(step_url(project, Action.RETURN), {f"{KEY}-return-reason": ""}, follow=True)
    assert "请填写退回理由" in response.content.decode()
    client.post(step_url(project, Action.RETURN), {f"{KEY}-return-reason": "补充指标"})
    row = StageState.objects.get(project=project, stage=KEY)
    assert row.status == StageStatus.RETURNED
    assert ReviewRound.objects.filter(stage=KEY, action=Action.RETURN, reason="补充指标").exists()


def test_another_units_officer_and_a_wrong_role_are_refused_and_nothing_moves(client, other_officer, evaluator,
                                                                             project) -> None:  # fmt: skip
    client.force_login(other_officer)
    assert client.post(step_url(project, Action.SUBMIT)).status_code == 404
    client.force_login(evaluator)
    assert client.post(step_url(project, Action.SUBMIT)).status_code == 403
    assert StageState.objects.get(project=project, stage=KEY).status == StageStatus.DRAFT
    assert not ReviewRound.objects.exists()


def test_an_unknown_stage_or_step_is_a_404_and_a_get_writes_nothing(client, officer, project) -> None:
    client.force_login(officer)
    assert client.post(reverse("projects:stage_step", args=[project.pk, "nothing", "submit"])).status_code == 404
    assert client.post(step_url(project, "jump")).status_code == 404
    assert client.get(step_url(project, Action.SUBMIT)).status_code == 405


def test_recorded_targets_show_no_panel(client, officer, unit_a) -> None:
    plain = factories.project(unit=unit_a, code="SP-2")
    assert 'id="stage-targets"' not in detail(client, officer, plain)
