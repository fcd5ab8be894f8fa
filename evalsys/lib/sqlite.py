"""SQLite: let Django batch bulk queries up to the library's real variable limit.

Django 5.2 assumes SQLite's historical limit of 999 query parameters, so a bulk insert of
10,000 indicators becomes hundreds of queries. SQLite 3.32+ allows 32,766, and Python 3.11
can read the limit of the open connection; Django 6.0 does the same.
"""

from __future__ import annotations

import sqlite3
from typing import Any


def use_real_variable_limit(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: raise `max_query_params` to the connection's limit."""
    if connection.vendor != "sqlite":
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    connection.features.max_query_params = limit
