"""`load_demo`: idempotent demo data and users (contract.md)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Indicator
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
    assert set(Project.objects.values_list("status", flat=True)) == set(Status.values)
    assert Project.objects.values("unit").distinct().count() == 2


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
