"""`load_demo`: idempotent demo data and users (contract.md)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Indicator
from projects.demo import STAGE_YEAR, YEAR
from projects.models import Membership, Project, Role, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug_on(settings):
    """load_demo runs only in development (DEBUG on); pytest-django turns DEBUG off."""
    settings.DEBUG = True


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_users_can_log_in_with_their_roles(rf) -> None:
    out = load()
    for username in ("officer_a", "officer_b", "evaluator", "admin"):
        assert username in out
        assert authenticate(rf.post("/login/"), username=username, password="demo-pass-2026") is not None
    assert "demo-pass-2026" in out
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"officer_a": Role.OFFICER, "officer_b": Role.OFFICER, "evaluator": Role.EVALUATOR,
                     "admin": Role.ADMIN}  # fmt: skip
    a, b = (Membership.objects.get(user__username=u).unit for u in ("officer_a", "officer_b"))
    assert a != b
    assert set(Membership.objects.get(user__username="evaluator").review_units.all()) == {a, b}


def test_demo_has_projects_in_every_state_in_two_units() -> None:
    load()
    # every state of the self-evaluation (the demo's year declares no targets: none is 未开始)
    assert set(evaluated().values_list("status", flat=True)) == set(Status.values) - {Status.NOT_OPEN}
    assert evaluated().values("unit").distinct().count() == 2


def test_demo_is_idempotent() -> None:
    load()
    counts = Project.objects.count(), Indicator.objects.count(), Membership.objects.count()
    load()
    assert (Project.objects.count(), Indicator.objects.count(), Membership.objects.count()) == counts


def test_demo_seed_project_scores_like_the_worked_example() -> None:
    load()
    out = StringIO()
    call_command("score", "15000025T000000000900", "--year", "2025", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["total"], data["grade"]) == ("93.62", "优")


def test_demo_refused_in_production(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="生产环境"):
        load()
    assert not Project.objects.exists()


# --- every demo state as a real round leaves it (issue 9) ----------------------------------------


def test_returned_demo_project_shows_its_return_reason(client) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    load()
    project = Project.objects.get(status=Status.RETURNED)
    client.force_login(get_user_model().objects.get(username="officer_b"))
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="return-reason"' in page and "请补充两期培训的签到表" in page and "evaluator" in page


def test_approved_demo_project_has_its_approval_round() -> None:
    from projects.models import ReviewAction

    load()
    project = Project.objects.get(status=Status.APPROVED)
    rounds = list(project.rounds.select_related("actor").order_by("created_at"))
    assert [(r.action, r.actor.username) for r in rounds] == [(ReviewAction.SUBMIT, "officer_a"),
                                                              (ReviewAction.APPROVE, "evaluator")]  # fmt: skip
    assert rounds[1].reason and rounds[0].created_at < rounds[1].created_at
    assert rounds[1].created_at.year == 2026  # the season after the fiscal year, not the load's moment
    adjusted = project.indicators.exclude(adjusted_score=None)
    assert adjusted.count() == 2 and all(i.adjusted_by.username == "evaluator" and i.adjust_reason for i in adjusted)
    note = rounds[0].notes.get()  # the 审核意见 of the round under review
    assert note.author.username == "evaluator" and note.indicator.level3 == "基础手工技能培训成本"


def test_returned_demo_project_has_the_evaluators_note_on_the_short_indicator() -> None:
    load()
    project = Project.objects.get(status=Status.RETURNED)
    note = project.rounds.get(action="submit").notes.get()
    assert note.indicator.level3 == "培训（参会）人次" and "签到表" in note.text


def test_each_state_has_the_rounds_that_lead_to_it() -> None:
    from projects.models import ReviewAction

    load()
    expected = {Status.DRAFT: [], Status.SUBMITTED: [ReviewAction.SUBMIT],
                Status.RETURNED: [ReviewAction.SUBMIT, ReviewAction.RETURN],
                Status.APPROVED: [ReviewAction.SUBMIT, ReviewAction.APPROVE]}  # fmt: skip
    for project in evaluated():
        assert list(project.rounds.order_by("created_at").values_list("action", flat=True)) == expected[project.status]


def test_submitted_returned_and_approved_demo_projects_are_complete() -> None:
    """Actuals, deviation reasons, the low-execution reason and the report text: nothing a real
    submission would have been refused for."""
    from projects.readiness import submission_gaps

    load()
    for project in evaluated().exclude(status=Status.DRAFT):
        assert submission_gaps(project) == [], project
        assert all(i.actual_text for i in project.indicators.all())
        assert project.narrative.problems and project.narrative.introduction


def test_reloading_the_demo_keeps_one_set_of_rounds() -> None:
    from projects.models import ReviewRound

    load()
    count = ReviewRound.objects.count()
    load()
    assert ReviewRound.objects.count() == count == 6  # 5 of the self-evaluation, 1 of a declaration


def test_the_demo_projects_stage_rows_say_what_their_status_and_rounds_say() -> None:
    from django.db.models import Max

    from projects.models import ReviewRound, StageState

    load()
    evaluated().update(status=Status.APPROVED)  # changed meanwhile: a rerun puts both back
    load()
    for state in StageState.objects.filter(stage="self_evaluation", year=YEAR).select_related("project"):
        last = ReviewRound.objects.filter(project=state.project).aggregate(n=Max("number"))["n"] or 0
        assert (state.status, state.round) == (state.project.status, last), state.project.code
    assert set(StageState.objects.filter(stage="targets", year=YEAR).values_list("status", flat=True)) == {"recorded"}


def evaluated() -> Any:
    """The demo's self-evaluation year (the stage year's projects are declarations and a monitoring)."""
    return Project.objects.filter(year=YEAR)


def test_the_stage_year_shows_a_declaration_under_review_one_with_faults_and_a_monitoring() -> None:
    from projects.models import StageState, YearPlan

    load()
    assert YearPlan.objects.get(year=STAGE_YEAR).stages == ["targets", "monitoring", "self_evaluation"]
    stages = {(s.project.code, s.stage): s.status for s in StageState.objects.filter(year=STAGE_YEAR)
              .select_related("project")}  # fmt: skip
    assert stages[("15000024T000000000910", "targets")] == "submitted"
    assert stages[("15000024T000000007460", "targets")] == "draft"
    assert stages[("15000024T000000000920", "monitoring")] == "draft"
    out = StringIO()
    call_command("monitor", "15000024T000000000920", "--year", str(STAGE_YEAR), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["budget"]["value"], data["light"]) == ("51.43", "red")
    assert {i["light"] for i in data["indicators"]} == {"yellow", "green", "blue", "red"}
    load()  # a rerun leaves the submitted declaration as it is
    assert StageState.objects.get(project__code="15000024T000000000910", stage="targets").status == "submitted"
