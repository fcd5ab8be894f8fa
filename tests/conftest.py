"""The fixed cast of every test: two units, two officers, an evaluator and an admin."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from evalsys.lib.requestid import RequestIdFilter
from tests import factories


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the configured stderr handler writes (settings.LOGGING, its filters included), into a buffer."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.fixture
def unit_a(db):
    return factories.unit(code="140001", name="内蒙古自治区妇女联合会")


@pytest.fixture
def unit_b(db):
    return factories.unit(code="140002", name="内蒙古妇女干部学校")


@pytest.fixture
def officer(unit_a):
    return factories.user("officer_a", role="officer", unit=unit_a)


@pytest.fixture
def other_officer(unit_b):
    return factories.user("officer_b", role="officer", unit=unit_b)


@pytest.fixture
def evaluator(unit_a, unit_b):
    return factories.user("evaluator", role="evaluator", review_units=[unit_a, unit_b])


@pytest.fixture
def admin_user(db):
    return factories.user("admin", role="admin", superuser=True)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded templates and export archives go to a temporary folder, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
