"""Reading the library: the search the editor asks as an officer types a 三级 name."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from library.models import EntryStatus, LibraryEntry

MAX_QUERY = 50  # characters of a typed name that are searched (a 三级 name is short)
SUGGESTED_FIELDS = ("id", "sector", "department", "level1", "level2", "level3", "explanation", "nature", "unit",
                    "typical_value")  # fmt: skip


def _names(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def search(
    q: str,
    level1: str | Iterable[str] | None = None,
    level2: str | Iterable[str] | None = None,
    limit: int = 10,
    *,
    blank_levels: bool = False,
) -> list[LibraryEntry]:
    """Accepted entries whose 三级 name or 指标解释 holds `q` (substring, so Chinese needs no word
    breaks), best first: a 三级 name starting with `q`, then one containing it, then an explanation
    containing it; shorter names first within each. `level1`/`level2` narrow to those names (one or
    several); with `blank_levels`, entries that name no 一级 are kept too."""
    q = " ".join(q.split())[:MAX_QUERY]
    if not q:
        return []
    rows = LibraryEntry.objects.filter(status=EntryStatus.ACCEPTED).filter(
        Q(level3__icontains=q) | Q(explanation__icontains=q)
    )
    for field, names in (("level1", _names(level1)), ("level2", _names(level2))):
        if names is not None:
            narrowed = Q(**{f"{field}__in": names})
            rows = rows.filter(narrowed | Q(**{field: ""}) if blank_levels else narrowed)
    rank = Case(
        When(level3__istartswith=q, then=Value(0)),
        When(level3__icontains=q, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    ranked = rows.annotate(rank=rank, length=Length("level3")).order_by("rank", "length", "level3", "id")
    return list(ranked.only(*SUGGESTED_FIELDS)[:limit])


def entries(status: str | None = None) -> QuerySet[LibraryEntry]:
    rows = LibraryEntry.objects.all()
    return rows.filter(status=status) if status else rows
