"""Bulk inserts with their history rows, through PostgreSQL's COPY where the ORM is the cost.

`bulk_create_logged(objs, model, reason=..., user=...)` does what simple_history's
`bulk_create_with_history` does (the rows, then one "+" history row each with who, when and
why), but on PostgreSQL it allocates the primary keys from the table's sequence and streams both
tables with `COPY … FROM STDIN`, converting each value by its field's type once per field rather
than through the ORM's per-value preparation. Other databases take simple_history's path.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _text(value: Any) -> str:
    return NULL if value is None else str(value).translate(_ESCAPES)


def _number(value: Any) -> str:
    return NULL if value is None else str(int(value))


def _decimal(value: Any) -> str:
    return NULL if value is None else str(Decimal(value))


def _boolean(value: Any) -> str:
    return NULL if value is None else ("t" if value else "f")


def _temporal(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.isoformat()


def _json(value: Any) -> str:
    return NULL if value is None else json.dumps(value, ensure_ascii=False).translate(_ESCAPES)


_BY_TYPE: dict[str, Callable[[Any], str]] = {
    "CharField": _text, "TextField": _text, "SlugField": _text, "EmailField": _text,
    "AutoField": _number, "BigAutoField": _number, "IntegerField": _number, "BigIntegerField": _number,
    "PositiveIntegerField": _number, "PositiveSmallIntegerField": _number, "SmallIntegerField": _number,
    "ForeignKey": _number, "OneToOneField": _number,
    "DecimalField": _decimal, "BooleanField": _boolean,
    "DateField": _temporal, "DateTimeField": _temporal, "JSONField": _json,
}  # fmt: skip


def _converter(field: models.Field) -> Callable[[Any], str]:
    """How a value of `field` is written in COPY's text format (by type, decided once)."""
    found = _BY_TYPE.get(field.get_internal_type())
    if found is not None:
        return found
    return lambda value: _text(field.get_db_prep_save(value, connection))


def bulk_create_logged(objs: Sequence[models.Model], model: type[models.Model], *, reason: str, user: Any) -> None:
    """Insert `objs` and a "+" history row for each (who, when, why), as bulk_create_with_history."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        bulk_create_with_history(list(objs), model, default_change_reason=reason, default_user=user)
        return
    fields = [f for f in model._meta.concrete_fields]
    _prepare(objs, fields)
    _assign_keys(model, objs)
    values = {f.attname: _column(objs, f) for f in fields}
    _copy(model._meta.db_table, fields, [values[f.attname] for f in fields])
    history = model.history.model  # type: ignore[attr-defined]
    now, user_id = timezone.now(), getattr(user, "pk", None)
    extra = {"history_date": now, "history_change_reason": reason, "history_type": "+", "history_user_id": user_id}
    columns = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
    same = {name: _Same(value, len(objs)) for name, value in extra.items()}
    _copy(history._meta.db_table, columns, [same.get(f.attname) or values.get(f.attname) or _column(objs, f)
                                            for f in columns])  # fmt: skip


class Blanks:
    """New unsaved instances of `model`, made fast for a bulk insert of thousands.

    Positional arguments take Model.__init__'s quick path (each value set in field order, as
    `from_db` does); keywords look every field up and call its default one by one, a third of
    the cost of building 10,000 indicators. Defaults are read once; a callable default is called
    for each instance, as Django does. Signals are sent as for any instance.
    """

    def __init__(self, model: type[models.Model]) -> None:
        fields = model._meta.concrete_fields
        self.model = model
        self.values = [f.get_default() for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.fresh = [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]
        self.relations = {f.name: f for f in fields if f.is_relation}

    def new(self, related: dict[str, models.Model] | None = None, **values: Any) -> models.Model:
        """An instance with `values` (attnames) set and `related` objects ({field name: object}) cached."""
        args = self.values.copy()
        for i, field in self.fresh:
            args[i] = field.get_default()
        for name, value in values.items():
            args[self.index[name]] = value
        obj = self.model(*args)
        for name, value in (related or {}).items():  # as `name=value` would: the key, and the object cached
            field = self.relations[name]
            setattr(obj, field.attname, value.pk)
            field.set_cached_value(obj, value)
        return obj


COPY_FROM = 50  # rows from which bulk_update_columns copies instead of bulk_update (PostgreSQL)


def bulk_update_columns(objs: Sequence[models.Model], model: type[models.Model], fields: list[str], *,
                        copy: bool | None = None) -> int:  # fmt: skip
    """Write `fields` of `objs` (rows that exist) as Django's bulk_update does, with no history.

    Django's bulk_update builds a CASE WHEN per row and field, which cost a quarter of a 1,000-project
    import; on PostgreSQL a batch of COPY_FROM rows or more is copied into a temporary table of the
    same column types and applied with one UPDATE … FROM. Fewer rows (an edit's one project), and
    other databases, take bulk_update's path: no scratch table for a single row. `copy` decides
    instead of the row count (an import copies whatever its size: the same statements at any size)."""
    if not objs:
        return 0
    if connection.vendor != "postgresql" or not (len(objs) >= COPY_FROM if copy is None else copy):
        model.objects.bulk_update(objs, fields, batch_size=500)
        return len(objs)
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    table, scratch = quote(meta.db_table), quote(f"evalsys_update_{meta.db_table}")
    names = ", ".join(quote(c.column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} AS SELECT {names} FROM {table} WITH NO DATA")
    _copy(f"evalsys_update_{meta.db_table}", columns, [_column(objs, c) for c in columns])
    sets = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns[1:])
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} AS t SET {sets} FROM {scratch} AS v WHERE t.{pk} = v.{pk}")
        cursor.execute(f"DROP TABLE {scratch}")
    return len(objs)


def _prepare(objs: Sequence[models.Model], fields: list[models.Field]) -> None:
    """What bulk_create does before writing: auto_now values and the instances' state."""
    timed = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objs:
        for field in timed:
            setattr(obj, field.attname, field.pre_save(obj, add=True))
        obj._state.adding = False
        obj._state.db = connection.alias


def _assign_keys(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Primary keys from the table's own sequence, in one query, for the objects without one."""
    pk = model._meta.pk
    missing = [o for o in objs if getattr(o, pk.attname) is None]
    if not missing:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(missing)],
        )
        for obj, (key,) in zip(missing, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, key)


def _copy(table: str, fields: list[models.Field], columns: list[Any]) -> None:
    """COPY the rows given column by column: each a list of values, or _Same (one value for all)."""
    texts: list[Any] = []
    for field, values in zip(fields, columns, strict=True):
        convert = _converter(field)
        texts.append(repeat(convert(values.value), values.count) if isinstance(values, _Same)
                     else list(map(convert, values)))  # fmt: skip
    lines = list(map("\t".join, zip(*texts, strict=True)))
    buffer = io.StringIO("\n".join(lines) + "\n" if lines else "")
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    # The raw driver cursor bypasses Django's error translation: a unique violation (two imports
    # creating the same project at once) must reach callers as django.db.IntegrityError.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({names}) FROM STDIN", buffer)


@dataclass(frozen=True)
class _Same:
    """One value for every row of a column (the history rows' who, when and why): converted once."""

    value: Any
    count: int


def _column(objs: Sequence[models.Model], field: models.Field) -> list[Any]:
    return list(map(attrgetter(field.attname), objs))
