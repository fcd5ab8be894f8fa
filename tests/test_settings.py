"""Settings: env-driven, Chinese, and clean under `check --deploy` in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# every variable these tests set, and pytest's settings module, are left out of the inherited environment
OURS = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS", "TRUSTED_PROXY", "ADMINS")
KEY = "".join(chr(97 + i % 26) for i in range(7, 67))
PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean | env, capture_output=True, text=True,
                          check=False)  # fmt: skip


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run("manage.py", *args, **env)


def setting(expression: str, **env: str) -> str:
    """`expression` evaluated in a fresh process on evalsys.settings with exactly `env` set."""
    result = manage("shell", "-c", f"from django.conf import settings; print({expression})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_language_and_time_zone() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


def test_check_deploy_is_clean_in_production() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=KEY,
                    ALLOWED_HOSTS="evalsys.example.gov.cn")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for() -> None:
    assert setting("settings.DEBUG") == "False"
    assert setting("settings.DEBUG", DEBUG="1") == "True"


def test_production_requires_a_secret_key() -> None:
    deploy = manage("check", "--deploy", "--fail-level", "WARNING", ALLOWED_HOSTS="evalsys.example.gov.cn")
    assert deploy.returncode != 0
    assert "SECRET_KEY" in deploy.stderr
    server = run("-c", "import evalsys.wsgi")  # gunicorn, uwsgi and runserver load this
    assert server.returncode != 0
    assert "SECRET_KEY" in server.stderr
    assert "SECRET_KEY" in manage("shell", "-c", "from django.conf import settings; settings.SECRET_KEY").stderr


def test_the_development_key_needs_debug_on() -> None:
    assert setting("settings.SECRET_KEY", DEBUG="1").startswith("insecure-dev-key")
    assert setting("settings.SECRET_KEY", DEBUG="1", SECRET_KEY=KEY) == KEY
    assert run("-c", "import evalsys.wsgi", DEBUG="0", SECRET_KEY=KEY).returncode == 0


def test_commands_that_sign_nothing_run_without_a_key() -> None:
    """CI and build steps: no SECRET_KEY, no DEBUG."""
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_database_url_selects_the_engine() -> None:
    engine = "settings.DATABASES['default']['ENGINE']"
    assert setting(engine, DATABASE_URL="postgres://u@127.0.0.1:5432/x").endswith("postgresql")
    assert setting(engine).endswith("sqlite3")


def test_https_is_taken_from_the_proxy_only_when_one_is_trusted() -> None:
    header = "settings.SECURE_PROXY_SSL_HEADER"
    assert setting(header, DEBUG="0", SECRET_KEY=KEY) == "None"
    assert setting(header, DEBUG="0", SECRET_KEY=KEY, TRUSTED_PROXY="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_bad_trusted_proxy_count_is_reported() -> None:
    result = manage("check", DEBUG="1", TRUSTED_PROXY="yes")
    assert result.returncode != 0
    assert "TRUSTED_PROXY" in result.stderr


def test_admins_get_error_mail_only_when_configured() -> None:
    handlers = "settings.LOGGING['root']['handlers']"
    assert setting(handlers) == "['stderr']"
    assert setting(handlers, ADMINS="张三 <zhang@example.org>,ops@example.org") == "['stderr', 'mail_admins']"
    assert setting("settings.ADMINS", ADMINS="张三 <zhang@example.org>,ops@example.org") == (
        "[('张三', 'zhang@example.org'), ('ops@example.org', 'ops@example.org')]"
    )


def test_static_files_are_compressed_and_hashed_in_production() -> None:
    storage = "settings.STORAGES['staticfiles']['BACKEND']"
    assert setting(storage, DEBUG="0", SECRET_KEY=KEY) == PRODUCTION_STORAGE
    assert setting(storage, DEBUG="1").endswith(".StaticFilesStorage")
    middleware = settings.MIDDLEWARE
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


@pytest.mark.django_db
def test_collected_static_files_are_served_with_debug_off(client, settings, tmp_path, monkeypatch) -> None:
    """What production does: collectstatic into STATIC_ROOT, pages link hashed names, WhiteNoise serves them."""
    monkeypatch.setattr("whitenoise.compress.brotli_installed", False)  # gzip alone: 7 s instead of 60
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    settings.WHITENOISE_AUTOREFRESH = settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", verbosity=0)
    page = client.get(reverse("login")).content.decode()
    for asset in ("bootstrap/css/bootstrap.min", "css/evalsys", "django_htmx/htmx-2.min", "js/evalsys"):
        url = re.search(rf'"(/static/{asset}\.[0-9a-f]{{12}}\.(?:css|js))"', page)
        assert url, asset
        response = client.get(url.group(1), HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip" and "immutable" in response["Cache-Control"]


def test_env_example_lists_every_variable_the_settings_read() -> None:
    source = (ROOT / "evalsys" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'(?:os\.environ\.get|env_bool|env_int|env_addresses)\("([A-Z_]+)"', source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), flags=re.M))
    assert {"DEBUG", "SECRET_KEY", "TRUSTED_PROXY", "ADMINS"} <= read
    assert read <= listed


# --- the client's address for login throttling (django-axes) ------------------------------

FORWARDED = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}


@pytest.mark.parametrize(
    ("proxies", "meta", "address"),
    [
        (0, FORWARDED, "10.0.0.5"),  # no proxy trusted: X-Forwarded-For is whatever the client wrote
        (1, FORWARDED, "198.51.100.7"),  # the address our proxy saw, never the client's own claims left of it
        (2, FORWARDED, "203.0.113.9"),
        (3, FORWARDED, "10.0.0.5"),  # fewer hops than proxies: not believed
        (1, {"REMOTE_ADDR": "10.0.0.5"}, "10.0.0.5"),
        (1, {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.5"),
        (1, {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "2001:db8::1"}, "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, meta, address) -> None:
    settings.TRUSTED_PROXY = proxies
    assert get_client_ip_address(RequestFactory().get("/", **meta)) == address


@pytest.mark.parametrize(("proxies", "recorded"), [(0, "10.0.0.5"), (1, "198.51.100.7")])
def test_failed_login_is_recorded_against_the_client_address(client, settings, officer, proxies, recorded) -> None:
    settings.TRUSTED_PROXY = proxies
    client.post(reverse("login"), {"username": "officer_a", "password": "wrong"}, **FORWARDED)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [recorded]


# --- request ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(("proxies", "given", "kept"), [(0, "abcdef0123456789", False), (1, "abcdef0123456789", True),
                                                        (1, "bad id\nforged log line", False)])  # fmt: skip
def test_request_id_comes_from_a_trusted_proxy_only(client, settings, proxies, given, kept) -> None:
    settings.TRUSTED_PROXY = proxies
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=given)
    assert (response["X-Request-ID"] == given) is kept
    assert len(response["X-Request-ID"]) >= 8
