"""Settings: env-driven, Chinese, and clean under `check --deploy` in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True,
                          text=True, check=False)  # fmt: skip


def test_language_and_time_zone() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


def test_check_deploy_is_clean_in_production() -> None:
    key = "".join(chr(97 + i % 26) for i in range(7, 67))
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=key,
                    ALLOWED_HOSTS="evalsys.example.gov.cn")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_requires_a_secret_key() -> None:
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_url_selects_the_engine() -> None:
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = manage("shell", "-c", code, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.stdout.strip().endswith("postgresql")
    assert manage("shell", "-c", code).stdout.strip().endswith("sqlite3")
