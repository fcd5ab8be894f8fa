"""A throw-away test database of the configured engine for a benchmark (SQLite file or PostgreSQL)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection


def on_test_database(name: str, body: Callable[[], None]) -> None:
    """Create `test_…` (a file under the temp folder for SQLite), run `body`, then drop it."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / f"evalsys-bench-{name}.sqlite3")
    else:  # its own name: a test run on the same server uses test_<name> at the same time
        db["TEST"]["NAME"] = f"evalsys_bench_{name}"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        body()
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)
