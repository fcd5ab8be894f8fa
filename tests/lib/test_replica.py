"""The read-replica router: only reads inside `from_replica()` leave `default`, and only when a
replica is configured; writes and migrations never go there."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from evalsys.lib import replica
from evalsys.lib.replica import ReplicaRouter, from_replica
from projects.models import Project

WITH = SimpleNamespace(DATABASES={"default": {}, "replica": {}})
WITHOUT = SimpleNamespace(DATABASES={"default": {}})


@pytest.mark.parametrize(("configured", "inside", "expected"), [
    (WITH, True, "replica"), (WITH, False, None), (WITHOUT, True, None), (WITHOUT, False, None),
])  # fmt: skip
def test_reads_go_to_the_replica_only_inside_the_block(monkeypatch, configured, inside, expected) -> None:
    monkeypatch.setattr(replica, "settings", configured)
    router = ReplicaRouter()
    if inside:
        with from_replica():
            assert router.db_for_read(Project) == expected
            assert router.db_for_write(Project) is None
    else:
        assert router.db_for_read(Project) == expected


def test_the_block_ends_even_on_an_error(monkeypatch) -> None:
    monkeypatch.setattr(replica, "settings", WITH)
    with pytest.raises(RuntimeError), from_replica():
        raise RuntimeError
    assert ReplicaRouter().db_for_read(Project) is None


def test_the_replica_is_never_migrated() -> None:
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "projects") is False
    assert router.allow_migrate("default", "projects") is True
