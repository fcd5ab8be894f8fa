"""Reading the library: the search the editor asks as an officer types a 三级 name.

The search runs over a per-process snapshot of the accepted entries' search fields, not in SQL:
substring matching (Chinese needs no word breaks) over 20,000 rows took 30–45 ms in SQLite and
PostgreSQL alike (LIKE '%…%' on two columns, then ranking), and a trigram index does not help the
one- and two-character names officers type first. Each search asks the database one cheap question,
the library's generation (count, largest id, last change), and reloads the snapshot when it moved,
so every process sees an accepted, rejected, imported or deleted entry on its next keystroke.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from library.models import EntryStatus, LibraryEntry

MAX_QUERY = 50  # characters of a typed name that are searched (a 三级 name is short)
SUGGESTED_FIELDS = ("id", "sector", "department", "level1", "level2", "level3", "explanation", "nature", "unit",
                    "typical_value")  # fmt: skip


_TABLE = LibraryEntry._meta.db_table
# three scalar subqueries, each answered from an index (one aggregate with all three scans the table)
GENERATION = (
    f'SELECT (SELECT COUNT(*) FROM "{_TABLE}"), (SELECT MAX("id") FROM "{_TABLE}"), '
    f'(SELECT MAX("changed_at") FROM "{_TABLE}")'
)


@dataclass(frozen=True)
class _Row:
    values: tuple  # SUGGESTED_FIELDS' values
    level1: str
    level2: str
    name: str  # the 三级 name, case-folded (icontains: ASCII letters match either case)
    explanation: str  # case-folded


class _Snapshot:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation: tuple | None = None
        self.rows: list[_Row] = []

    def current(self) -> list[_Row]:
        with connection.cursor() as cursor:
            cursor.execute(GENERATION)
            generation = tuple(cursor.fetchone())
        with self.lock:
            if generation != self.generation:
                accepted = LibraryEntry.objects.filter(status=EntryStatus.ACCEPTED).values_list(*SUGGESTED_FIELDS)
                self.rows = [
                    _Row(values, values[3], values[4], values[5].casefold(), values[6].casefold())
                    for values in accepted.iterator(chunk_size=5000)
                ]
                self.generation = generation
            return self.rows

    def clear(self) -> None:
        with self.lock:
            self.generation = None


_SNAPSHOT = _Snapshot()


@receiver([post_save, post_delete], sender=LibraryEntry, dispatch_uid="library_snapshot_clear")
def _changed(**kwargs: object) -> None:
    """This process's own writes show at once (others' through the generation)."""
    _SNAPSHOT.clear()


def _names(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset([value] if isinstance(value, str) else value)


def search(
    q: str,
    level1: str | Iterable[str] | None = None,
    level2: str | Iterable[str] | None = None,
    limit: int = 10,
    *,
    blank_levels: bool = False,
) -> list[LibraryEntry]:
    """Accepted entries whose 三级 name or 指标解释 holds `q` (substring, so Chinese needs no word
    breaks; ASCII letters in either case), best first: a 三级 name starting with `q`, then one
    containing it, then an explanation containing it; shorter names first within each.
    `level1`/`level2` narrow to those names (one or several); with `blank_levels`, entries that
    name no 一级 (or 二级) are kept too. The entries are unsaved copies holding SUGGESTED_FIELDS."""
    q = " ".join(q.split())[:MAX_QUERY].casefold()
    if not q:
        return []
    level1s, level2s = _names(level1), _names(level2)
    found = []
    for row in _SNAPSHOT.current():
        if level1s is not None and row.level1 not in level1s and not (blank_levels and not row.level1):
            continue
        if level2s is not None and row.level2 not in level2s and not (blank_levels and not row.level2):
            continue
        if q in row.name:
            rank = 0 if row.name.startswith(q) else 1
        elif q in row.explanation:
            rank = 2
        else:
            continue
        found.append((rank, len(row.name), row.values[5], row.values[0], row))
    best = heapq.nsmallest(limit, found, key=lambda item: item[:4])
    return [LibraryEntry(**dict(zip(SUGGESTED_FIELDS, item[4].values, strict=True))) for item in best]


def entries(status: str | None = None) -> QuerySet[LibraryEntry]:
    rows = LibraryEntry.objects.all()
    return rows.filter(status=status) if status else rows
