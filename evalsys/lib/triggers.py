"""Database triggers kept by the apps' counts tables (projects.counts, monitoring.counts): which are
there, and creating the missing ones, on PostgreSQL and SQLite alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def installed(connection: Any) -> set[str]:
    """The names of the database's own (not internal) triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def install(connection: Any, names: Iterable[str], statements: Iterable[str]) -> bool:
    """Run `statements` when a trigger of `names` is missing, and always on PostgreSQL (its CREATE OR
    REPLACE keeps the function's body current); whether any was missing (then the counts need a rebuild)."""
    missing = bool(set(names) - installed(connection))
    if missing or connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return missing
