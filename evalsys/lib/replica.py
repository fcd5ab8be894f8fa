"""Reads that may lag a little go to a read replica when one is configured (README "Production").

`DATABASE_REPLICA_URL` adds a `replica` database; code that reads for display or reports and
can live with a replica's lag of a second wraps itself in `from_replica()`. Everything else,
and every write, uses `default`, so a user always reads what they just wrote. Without a replica
the router answers None and Django uses `default` throughout.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reading = contextvars.ContextVar("evalsys_replica_reads", default=False)


@contextmanager
def from_replica() -> Iterator[None]:
    """Send the reads inside this block to the replica (when there is one)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """Reads inside `from_replica()` go to `replica`; all else to `default`."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return REPLICA if _reading.get() and REPLICA in settings.DATABASES else None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary by replication, never by migrate
