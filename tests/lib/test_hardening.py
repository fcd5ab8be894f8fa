"""Hardening (issue 15 A12): a refusal logs one line, sessions end after SESSION_IDLE_MINUTES idle
and live on while used, and a weak SECRET_KEY refuses to start in production settings."""

from __future__ import annotations

import datetime
import logging
import time
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.access import READ_ONLY
from review.access import REVIEWERS_ONLY
from tests import factories
from tests.test_settings import KEY, manage, run, setting

# --- a refusal is one line in the log -------------------------------------------------------------


@pytest.mark.django_db
def test_a_403_is_one_line_with_its_reason(client, officer, log_lines) -> None:
    client.force_login(officer)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 403
    lines = log_lines.getvalue().splitlines()
    assert len(lines) == 1 and "Forbidden (Permission denied): /review/" in lines[0]  # no traceback
    assert f"WARNING django.request [{response['X-Request-ID']}]" in lines[0] and REVIEWERS_ONLY in lines[0]
    assert "Traceback" not in log_lines.getvalue()


@pytest.mark.django_db
def test_a_403_of_a_read_only_project_is_one_line(client, evaluator, unit_a, log_lines) -> None:
    project = factories.project(unit=unit_a)
    client.force_login(evaluator)
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 403
    log = log_lines.getvalue()
    assert len(log.splitlines()) == 1 and READ_ONLY in log and "Traceback" not in log


def test_a_crash_keeps_its_traceback(log_lines) -> None:
    """The filter shortens 4xx only: a 500's record goes out with its stack."""
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /x/", exc_info=True, extra={"status_code": 500, "request": None}
        )
    log = log_lines.getvalue()
    assert "Traceback (most recent call last)" in log and "RuntimeError: boom" in log


# --- sessions end after a working day idle -------------------------------------------------------


class Clock:
    """Time travel for the session machinery: Django's timezone.now (session expiry) and the
    renewal's clock (evalsys.lib.sessions) move together; freezegun is not installed."""

    def __init__(self, monkeypatch) -> None:
        self.offset = 0.0
        real_now, real_time = timezone.now, time.time
        monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(seconds=self.offset))
        monkeypatch.setattr("evalsys.lib.sessions.time", types.SimpleNamespace(time=lambda: real_time() + self.offset))

    def advance(self, **delta: float) -> None:
        self.offset += datetime.timedelta(**delta).total_seconds()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def signed_in(client) -> bool:
    response = client.get(reverse("projects:list"))
    assert response.status_code in (200, 302)
    return response.status_code == 200


@pytest.mark.django_db
def test_a_session_ends_after_the_idle_time(client, settings, officer, clock) -> None:
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client.post(reverse("login"), {"username": "officer_a", "password": "test-pass-2026"})
    assert signed_in(client)
    clock.advance(hours=8, minutes=1)
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_session_in_use_lives_on(client, settings, officer, clock) -> None:
    """Two requests seven hours apart, then another seven later: fifteen hours after the login, the
    session is still there (Django alone ends it eight hours after its last save, the login)."""
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client.post(reverse("login"), {"username": "officer_a", "password": "test-pass-2026"})
    for _ in range(2):
        clock.advance(hours=7, minutes=30)
        assert signed_in(client)
    clock.advance(hours=8, minutes=1)
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_session_is_renewed_every_few_minutes_not_on_every_request(client, settings, officer, clock) -> None:
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client.post(reverse("login"), {"username": "officer_a", "password": "test-pass-2026"})
    clock.advance(minutes=1)
    with CaptureQueriesContext(connection) as quick:
        assert signed_in(client)
    clock.advance(minutes=10)
    with CaptureQueriesContext(connection) as later:
        assert signed_in(client)
    assert not [q for q in quick.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert [q for q in later.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_the_idle_time_is_a_setting() -> None:
    assert setting("settings.SESSION_COOKIE_AGE", DEBUG="1") == str(8 * 3600)
    assert setting("settings.SESSION_COOKIE_AGE", DEBUG="1", SESSION_IDLE_MINUTES="30") == "1800"


# --- a weak SECRET_KEY refuses to start -----------------------------------------------------------

WEAK = ["short-key", "a" * 60, "ab" * 40, "django-insecure-" + KEY]


@pytest.mark.parametrize("key", WEAK, ids=["short", "one-character", "two-characters", "django-insecure"])
def test_a_weak_secret_key_refuses_to_start_in_production(key) -> None:
    for result in (run("-c", "import evalsys.wsgi", SECRET_KEY=key), manage("check", SECRET_KEY=key, DEBUG="0")):
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is weak" in result.stderr
        assert key not in result.stderr  # the refusal never prints the key


def test_a_weak_key_is_allowed_with_debug_on() -> None:
    assert run("-c", "import evalsys.wsgi", SECRET_KEY="short-key", DEBUG="1").returncode == 0


def test_a_strong_key_starts_and_check_deploy_is_clean() -> None:
    assert run("-c", "import evalsys.wsgi", SECRET_KEY=KEY).returncode == 0
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=KEY,
                    ALLOWED_HOSTS="evalsys.example.gov.cn")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
