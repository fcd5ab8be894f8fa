"""Bulk inserts with their history rows, without the ORM's per-value cost.

`bulk_create_logged(objs, model, reason=..., user=...)` does what simple_history's
`bulk_create_with_history` does (the rows, then one "+" history row each with who, when and
why), converting each column by its field's type once rather than through the ORM's per-value
preparation (three quarters of a 10,000-row import's writing). On PostgreSQL it allocates the
primary keys from the table's sequence and streams both tables with `COPY … FROM STDIN`; on SQLite
it takes the database's write lock, allocates the keys after the table's last one, inserts the rows
with one prepared statement (`executemany`) and their history rows with one INSERT … SELECT of
them. Other databases take simple_history's path.
"""

from __future__ import annotations

import datetime
import inspect
import io
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
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


def bulk_create_logged(objs: Sequence[models.Model], model: type[models.Model], *, reason: str, user: Any,
                       history: bool = True, overlap: bool = False) -> Pending:  # fmt: skip
    """Insert `objs` and a "+" history row for each (who, when, why), as bulk_create_with_history.

    `history` False inserts the rows alone: for writes that are rolled back (an import's dry run).
    `overlap` True sends statements from a worker thread while the caller goes on with work that
    needs no query: PostgreSQL's COPYs (its server inserts and indexes meanwhile, on another core),
    SQLite's history INSERT … SELECT (the database copies the rows without the interpreter's lock);
    SQLite's rows themselves are inserted at once (_sqlite_insert). The caller must call the returned
    Pending's wait() before the connection's next use, also on error."""
    if not objs:
        return Pending([])
    if connection.vendor not in ("postgresql", "sqlite"):
        if history:
            bulk_create_with_history(list(objs), model, default_change_reason=reason, default_user=user)
        else:
            model._default_manager.bulk_create(list(objs))
        return Pending([])
    fields = [f for f in model._meta.concrete_fields]
    _prepare(objs, fields)
    assign_keys(model, objs)
    later: list[Callable[[Any], None]] | None = [] if overlap else None
    texts: dict[tuple[str, Any], list[Any]] = {}  # (attname, converter) -> the column as written
    _copy(model._meta.db_table, fields, [_column(objs, f) for f in fields], texts, later=later)
    if history:
        history_model = model.history.model  # type: ignore[attr-defined]
        now, user_id = timezone.now(), getattr(user, "pk", None)
        extra = {"history_date": now, "history_change_reason": reason, "history_type": "+",
                 "history_user_id": user_id}  # fmt: skip
        columns = [f for f in history_model._meta.concrete_fields if f.attname != "history_id"]
        if _history_selected(model, history_model, columns, extra, objs, later):
            return Pending(later or [])
        same = {name: _Same(value, len(objs)) for name, value in extra.items()}
        # the history row repeats the row's values: each column converted once, for both tables
        values = [same.get(f.attname) or _Lazy(objs, f) for f in columns]
        _copy(history_model._meta.db_table, columns, values, texts, later=later)
    return Pending(later or [])


def _history_selected(model: type[models.Model], history_model: type[models.Model], columns: list[models.Field],
                      extra: dict[str, Any], objs: Sequence[models.Model],
                      later: list[Callable[[Any], None]] | None) -> bool:  # fmt: skip
    """SQLite: insert the history rows of the rows just inserted with one INSERT … SELECT of them (by
    their key range: consecutive, as assign_keys gives them): the database copies every value itself,
    instead of the driver binding each row's thirty values again (a 10,000-row import: 2.97× → 2.54× our read).
    PostgreSQL copies them (its COPY text is the rows' own, already converted: a SELECT of 10,000
    keys measured no faster). False, with nothing sent, when not done: the caller copies."""
    if connection.vendor != "sqlite":
        return False
    pk, quote = model._meta.pk, connection.ops.quote_name
    keys = [getattr(o, pk.attname) for o in objs]
    if max(keys) - min(keys) + 1 != len(keys) or len(set(keys)) != len(keys):
        return False
    stored = {f.column for f in model._meta.concrete_fields}
    if any(f.attname not in extra and f.column not in stored for f in columns):
        return False
    mark = "?" if later is not None else "%s"  # the driver's own placeholders in a worker
    picks, params = [], []
    for f in columns:
        if f.attname in extra:
            picks.append(mark)
            params.append(f.get_db_prep_save(extra[f.attname], connection))
        else:
            picks.append(quote(f.column))
    key = quote(pk.column)
    where = f"{key} BETWEEN {mark} AND {mark}"
    params += [min(keys), max(keys)]
    names = ", ".join(quote(f.column) for f in columns)
    statement = (f"INSERT INTO {quote(history_model._meta.db_table)} ({names}) SELECT {', '.join(picks)} "
                 f"FROM {quote(model._meta.db_table)} WHERE {where} ORDER BY {key}")  # fmt: skip
    if later is not None:
        later.append(lambda cursor: cursor.execute(statement, params))
        return True
    _settle()
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
    return True


class Pending:
    """Statements (COPY, or SQLite's history INSERT … SELECT) sent by a worker thread while the caller computes
    (bulk_create_logged's `overlap`); wait() joins it and raises its error as Django's (an
    IntegrityError stays one). Until then the connection is the thread's: any query the caller's
    thread makes meanwhile, through Django or this module, first waits for the thread to finish
    (an execute wrapper), so an unplanned query costs the overlap, never the statements' order."""

    def __init__(self, work: list[Callable[[Any], None]]) -> None:
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._guard: Any = None
        if work:
            _settle()  # one statement at a time on the connection: an earlier overlapped insert goes first
            connection.ensure_connection()
            self._thread = threading.Thread(target=self._run, args=(connection.connection, work), daemon=True)
            self._guard = connection.execute_wrapper(self._before_query)
            self._guard.__enter__()
            _pending().append(self)
            self._thread.start()

    def _run(self, raw: Any, work: list[Callable[[Any], None]]) -> None:
        cursor = None
        try:
            cursor = raw.cursor()
            for step in work:
                step(cursor)
        except BaseException as exc:  # raised again by wait(), in the caller's thread
            self._error = exc
        finally:
            if cursor is not None:
                cursor.close()

    def _before_query(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        self._join()
        return execute(sql, params, many, context)

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait(self) -> None:
        self._join()
        if self._guard is not None:
            self._guard.__exit__(None, None, None)
            self._guard = None
            _pending().remove(self)
        if self._error is not None:
            error, self._error = self._error, None
            with connection.wrap_database_errors:
                raise error


def wait_all(pending: Iterable[Pending]) -> None:
    """Wait for each of `pending` (every one, also after another's error: none is left holding the
    connection), then raise the first error."""
    errors = []
    for p in pending:
        try:
            p.wait()
        except Exception as exc:  # each insert is waited for, whatever the others did
            errors.append(exc)
    if errors:
        raise errors[0]


_LOCAL = threading.local()  # per thread, as Django's connections are


def _pending() -> list[Pending]:
    """This thread's overlapped inserts not yet waited for."""
    if not hasattr(_LOCAL, "pending"):
        _LOCAL.pending = []
    return _LOCAL.pending


def _settle() -> None:
    """Let this thread's overlapped inserts finish before this module sends a statement of its own."""
    for pending in list(_pending()):
        pending._join()


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
        self.attnames = [f.attname for f in fields]
        # Model.__init__ with every field positional, when no init signal has a receiver, is a fresh
        # state and each value set; on a fresh instance (nothing cached) a foreign key's attribute only
        # stores its value, so with no other data descriptor among the fields the values go in at once
        self.quick = not (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)) and all(
            type(d) is ForeignKeyDeferredAttribute or not hasattr(type(d), "__set__")
            for d in (inspect.getattr_static(model, name, None) for name in self.attnames)
        )

    def new(self, related: dict[str, models.Model] | None = None, **values: Any) -> models.Model:
        """An instance with `values` (attnames) set and `related` objects ({field name: object}) cached."""
        args = self.values.copy()
        for i, field in self.fresh:
            args[i] = field.get_default()
        for name, value in values.items():
            args[self.index[name]] = value
        if self.quick:
            obj = self.model.__new__(self.model)
            obj._state = ModelState()
            obj.__dict__.update(zip(self.attnames, args, strict=True))
        else:
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
    if connection.vendor not in ("postgresql", "sqlite") or not (len(objs) >= COPY_FROM if copy is None else copy):
        model.objects.bulk_update(objs, fields, batch_size=500)
        return len(objs)
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    if connection.vendor == "sqlite":  # one prepared UPDATE by key, executed for every row
        values = [_sqlite_column(c, _column(objs, c)) for c in columns]
        sets = ", ".join(f"{quote(c.column)} = %s" for c in columns[1:])
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s",
                               list(zip(*values[1:], values[0], strict=True)))  # fmt: skip
        return len(objs)
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
    alias = connection.alias  # read once: the connection proxy looks it up in a thread-local each time
    for obj in objs:
        for field in timed:
            setattr(obj, field.attname, field.pre_save(obj, add=True))
        obj._state.adding = False
        obj._state.db = alias


def assign_keys(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Primary keys from the table's own sequence, in one query, for the objects without one."""
    pk = model._meta.pk
    missing = [o for o in objs if getattr(o, pk.attname) is None]
    if not missing:
        return
    if connection.vendor == "sqlite":
        first = _sqlite_next_key(model._meta.db_table, pk.column)
        for key, obj in enumerate(missing, start=first):
            setattr(obj, pk.attname, key)
        return
    with connection.cursor() as cursor:
        # the sequence looked up once (a materialised CTE), not pg_get_serial_sequence in the select
        # list, which looks it up again for each key: 50 ms against 9 ms for 10,000 keys
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
            "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(missing)],
        )
        for obj, (key,) in zip(missing, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, key)


def _sqlite_next_key(table: str, column: str) -> int:
    """The first free key of an AUTOINCREMENT table, under the database's write lock: the UPDATE
    takes it (SQLite has one writer at a time, and the lock is held to the transaction's end), so
    no other connection inserts between this read and our insert. The keys continue after both the
    last one used (sqlite_sequence: AUTOINCREMENT never reuses a key) and the largest stored. A
    table that never held a row has no sequence row: its largest stored key, if any, is read then."""
    quote = connection.ops.quote_name
    largest = f"(SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)})"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE sqlite_sequence SET seq = MAX(seq, {largest}) WHERE name = %s RETURNING seq", [table])
        found = cursor.fetchone()
        if found is None:
            cursor.execute(f"SELECT {largest}")
            found = cursor.fetchone()
        return int(found[0]) + 1


# What SQLite's driver takes as it is (Django registers Decimal's adapter): the ORM's preparation
# of these types returns such a value unchanged, so a column of them is passed on without it.
_SQLITE_PLAIN_FIELDS = {
    "CharField", "TextField", "SlugField", "EmailField", "AutoField", "BigAutoField", "IntegerField",
    "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "ForeignKey",
    "OneToOneField", "DecimalField", "BooleanField",
}  # fmt: skip
_SQLITE_PLAIN_VALUES = {str, int, bool, Decimal, type(None)}
_SQLITE_TEMPORAL = {"DateField", "DateTimeField", "TimeField"}
_SQLITE_JSON_VALUES = {list, dict, type(None)}  # a JSONField's values dumped here (a str or a number: the ORM's)


def _sqlite_plain(kind: type) -> bool:
    """A plain type, or a choices enum's (a str or int subclass): the ORM passes such a member as it is,
    or as its int, and the driver binds either as its str or int value."""
    return kind in _SQLITE_PLAIN_VALUES or issubclass(kind, str | int)


def _sqlite_column(field: models.Field, values: list[Any]) -> list[Any]:
    """A column's values as the ORM would pass them to SQLite's driver: a column of plain values of a
    plain field as it is, any other through the field's own get_db_prep_save (dates, JSON, enums)."""
    kind, types = field.get_internal_type(), {type(v) for v in values}
    if kind in _SQLITE_PLAIN_FIELDS and all(map(_sqlite_plain, types)):
        return values
    if kind in _SQLITE_TEMPORAL and types <= {type(None)}:  # a column of NULLs: prepared, each stays None
        return values
    if type(field) is models.JSONField and field.encoder is None and types <= _SQLITE_JSON_VALUES:
        # what JSONField.get_db_prep_save gives (NULL for None, else json.dumps with its encoder, here
        # none), without its three calls a value: a 监控表's 10,000 observations' causes
        return [None if v is None else json.dumps(v) for v in values]
    return [field.get_db_prep_save(v, connection) for v in values]


def _copy(table: str, fields: list[models.Field], columns: list[Any],
          converted: dict[tuple[str, Any], list[Any]] | None = None, *,
          later: list[Callable[[Any], None]] | None = None) -> None:  # fmt: skip
    """Insert the rows given column by column: each a list of values, _Same (one value for all) or
    _Lazy (the objects' attribute, read only when `converted`, the columns already converted by
    (attname, converter), does not hold it). COPY on PostgreSQL, executemany on SQLite (at once). With `later`
    (PostgreSQL), the COPY is prepared and appended to it as a step for a driver cursor, not sent."""
    if connection.vendor == "sqlite":
        _sqlite_insert(table, fields, columns, converted)
        return
    texts: list[Any] = []
    for field, values in zip(fields, columns, strict=True):
        convert = _converter(field)
        if isinstance(values, _Same):
            texts.append(repeat(convert(values.value), values.count))
            continue
        key = (field.attname, convert)
        found = converted.get(key) if converted is not None else None
        if found is None:
            found = _convert(convert, values.values() if isinstance(values, _Lazy) else values)
            if converted is not None:
                converted[key] = found
        texts.append(found)
    lines = list(map("\t".join, zip(*texts, strict=True)))
    data = "\n".join(lines) + "\n" if lines else ""
    buffer = io.StringIO(data)
    # read in one piece: the driver takes the interpreter's lock for each piece it reads, and a worker
    # thread (`later`) waits for that lock while the caller computes, so 8 KB pieces overlap almost nothing
    size = max(len(data), 8192)
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    statement = f"COPY {quote(table)} ({names}) FROM STDIN"
    if later is not None:
        later.append(lambda cursor: cursor.copy_expert(statement, buffer, size))
        return
    # The raw driver cursor bypasses Django's error translation: a unique violation (two imports
    # creating the same project at once) must reach callers as django.db.IntegrityError.
    _settle()  # the raw cursor passes no execute wrapper
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(statement, buffer, size)


def _sqlite_insert(table: str, fields: list[models.Field], columns: list[Any],
                   converted: dict[tuple[str, Any], list[Any]] | None) -> None:  # fmt: skip
    """_copy on SQLite: one INSERT prepared once and executed for every row (executemany), now, also
    when the caller overlaps: the driver binds each row holding the interpreter's lock and takes it
    again after each row's write, so a worker thread waits for the lock at every row while the caller
    computes (measured: a dry run's overlapped insert was slower, 2.95× against 2.77× our read)."""
    values: list[Any] = []
    for field, column in zip(fields, columns, strict=True):
        if isinstance(column, _Same):
            values.append(repeat(_sqlite_column(field, [column.value])[0], column.count))
            continue
        key = (field.attname, _sqlite_column)
        found = converted.get(key) if converted is not None else None
        if found is None:
            found = _sqlite_column(field, column.values() if isinstance(column, _Lazy) else column)
            if converted is not None:
                converted[key] = found
        values.append(found)
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    rows = list(zip(*values, strict=True))
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:  # Django's cursor: its errors arrive as django.db errors
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def _convert(convert: Callable[[Any], str], values: list[Any]) -> list[str]:
    """list(map(convert, values)); a constant column (None, a bool, "") converted once; a column of text
    all at once: the values themselves when none holds a character COPY escapes (most), else the
    column escaped in one pass."""
    if not values:
        return []
    first = values[0]
    # a column of one constant (NULLs, False, blank text: a new row's unset fields) is converted once
    if (first is None or first is True or first is False or first == "") and all(v is first for v in values):
        return [convert(first)] * len(values)
    if convert is not _text:
        return list(map(convert, values))
    try:
        joined = "\0".join(values)  # every value a str (None or another type: one by one)
    except TypeError:
        return list(map(convert, values))
    if "\0" in joined:  # a value holds the separator: one by one (PostgreSQL refuses it anyway)
        return list(map(convert, values))
    if not any(c in joined for c in "\\\t\n\r"):
        return [str(v) for v in values]
    return joined.translate(_ESCAPES).split("\0")


@dataclass(frozen=True)
class _Same:
    """One value for every row of a column (the history rows' who, when and why): converted once."""

    value: Any
    count: int


@dataclass(frozen=True)
class _Lazy:
    """The objects' values of a field, read when needed."""

    objs: Sequence[models.Model]
    field: models.Field

    def values(self) -> list[Any]:
        return _column(self.objs, self.field)


def _column(objs: Sequence[models.Model], field: models.Field) -> list[Any]:
    return list(map(attrgetter(field.attname), objs))
