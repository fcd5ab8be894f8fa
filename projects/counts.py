"""The per-state counts (StateCount) and the database triggers that keep them.

A page's 状态 tabs and the to-do add up a few rows per unit from projects_statecount instead of
counting a province's projects (issue 16 §1: lists at 50,000 projects as fast as at 500). The rows
are written by triggers on the counted tables, so every writer keeps them, the ORM's update() and
raw SQL included: Project counts the self-evaluation (year, unit, status, answered, and warned: whether
it has any 提示, so the lists' 有提示/无提示 filter counts here too), StageState every other stage (year,
unit, status). Each trigger adds -1 to the old key and +1 to the new one with an upsert (on
PostgreSQL once per statement and key, from the statement's transition tables; on SQLite per row);
two transactions moving projects of the same unit and state wait for each other's commit on that
row (as they would on the projects themselves), other units do not.

install() creates the triggers (idempotent); rebuild() recounts from the tables. Migration 0022
runs both (0020 did, before the key had warned); post_migrate runs both again on SQLite, where a
later migration that remakes projects_project or projects_stagestate (SQLite's ALTER TABLE by copy)
drops the triggers and a flush's DELETEs are counted (ensure).
"""

from __future__ import annotations

from typing import Any

from django.db import connections

from evalsys.lib import triggers

SELF_EVALUATION = "self_evaluation"  # projects.stages.StageKey.SELF_EVALUATION (a literal: used in DDL)
TABLE = "projects_statecount"
KEY = "stage, year, status, unit_id, answered, warned"

# (table, stage expression, answered expression, warned expression, condition on the row): what each
# trigger counts
SOURCES = {
    "projects_project": (f"'{SELF_EVALUATION}'", "{row}.answered", "({row}.warning_count > 0)", "TRUE"),
    "projects_stagestate": ("{row}.stage", "FALSE", "FALSE", f"{{row}}.stage <> '{SELF_EVALUATION}'"),
}
# what moves a row to another key when it changes (SQLite's update triggers: PostgreSQL's compare keys)
MOVES = {"projects_project": ("{row}.year", "{row}.unit_id", "{row}.status", "{row}.answered",
                             "({row}.warning_count > 0)"),
         "projects_stagestate": ("{row}.stage", "{row}.year", "{row}.unit_id", "{row}.status")}  # fmt: skip
SQLITE_EVENTS = ("insert", "delete", "update_old", "update_new")  # SQLite: one trigger per event and side
PG_EVENTS = ("insert", "delete", "update")  # PostgreSQL: one statement trigger per event


def _upsert(table: str, row: str, sign: int) -> str:
    """SQLite's row trigger: `sign` on the key of `row` (OLD or NEW)."""
    stage, answered, warned, _ = (part.format(row=row) for part in SOURCES[table])
    answered, warned = ("0" if value == "FALSE" else value for value in (answered, warned))
    return (f"INSERT INTO {TABLE} ({KEY}, n) VALUES ({stage}, {row}.year, {row}.status, {row}.unit_id, {answered}, "
            f"{warned}, {sign}) ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + excluded.n")  # fmt: skip


def _postgresql() -> list[str]:
    """One trigger per event and table, FOR EACH STATEMENT with its transition table: a statement's
    rows are counted per key in one upsert (keys in order, so two statements lock them alike), so
    a bulk change of 50,000 projects writes each key once, not a -1 and a +1 per project (which
    left the table many times its size)."""
    statements = []
    for table in SOURCES:
        *_, where = SOURCES[table]
        for event in PG_EVENTS:
            name = f"{table}_count_{event}"
            if event == "insert":
                rows, tables = _counted(table, "n", 1, where), "REFERENCING NEW TABLE AS n"
            elif event == "delete":
                rows, tables = _counted(table, "o", -1, where), "REFERENCING OLD TABLE AS o"
            else:
                rows = f"{_counted(table, 'o', -1, where)} UNION ALL {_counted(table, 'n', 1, where)}"
                tables = "REFERENCING OLD TABLE AS o NEW TABLE AS n"
            statements += [
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"INSERT INTO {TABLE} ({KEY}, n) SELECT {KEY}, SUM(d) FROM ({rows}) AS moved GROUP BY {KEY} "
                f"HAVING SUM(d) <> 0 ORDER BY {KEY} ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + excluded.n; "
                f"RETURN NULL; END $$",
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} {tables} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {name}()",
            ]
        for name in _pg_legacy(table):
            statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return statements


def _counted(table: str, row: str, sign: int, where: str) -> str:
    """The keys of the transition table `row` (n: new rows, o: old), each row counted `sign`."""
    stage, answered, warned, _ = (part.format(row=row) for part in SOURCES[table])
    return (
        f"SELECT {stage} AS stage, {row}.year, {row}.status, {row}.unit_id, {answered} AS answered, "
        f"{warned} AS warned, {sign} AS d FROM {row} WHERE {where.format(row=row)}"
    )


def _pg_legacy(table: str) -> list[str]:
    """Migration 0020's row trigger of inserts and deletes (its update trigger had the name of ours)."""
    return [f"{table}_count"]


def _sqlite() -> list[str]:
    statements = []
    for table in SOURCES:
        *_, where = SOURCES[table]
        old, new = (where.format(row=r).replace("TRUE", "1") for r in ("OLD", "NEW"))
        name = f"{table}_count"
        moved = " OR ".join(f"{c.format(row='OLD')} IS NOT {c.format(row='NEW')}" for c in MOVES[table])
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {table} WHEN {new} "
            f"BEGIN {_upsert(table, 'NEW', 1)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {table} WHEN {old} "
            f"BEGIN {_upsert(table, 'OLD', -1)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_update_old AFTER UPDATE ON {table} WHEN ({moved}) AND {old} "
            f"BEGIN {_upsert(table, 'OLD', -1)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_update_new AFTER UPDATE ON {table} WHEN ({moved}) AND {new} "
            f"BEGIN {_upsert(table, 'NEW', 1)}; END",
        ]
    return statements


def _triggers(vendor: str) -> list[str]:
    return _postgresql() if vendor == "postgresql" else _sqlite()


def trigger_names(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"{table}_count_{event}" for table in SOURCES for event in PG_EVENTS]
    return [f"{table}_count_{event}" for table in SOURCES for event in SQLITE_EVENTS]


def install(connection: Any) -> bool:
    """Create the triggers where missing; whether any was missing (then the counts need rebuild())."""
    return triggers.install(connection, trigger_names(connection.vendor), _triggers(connection.vendor))


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        for table in SOURCES:
            if connection.vendor == "postgresql":
                for name in (*_pg_legacy(table), *(f"{table}_count_{event}" for event in PG_EVENTS)):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                for event in SQLITE_EVENTS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_count_{event}")


def rebuild(connection: Any) -> None:
    """Recount every key from the tables (two INSERT ... SELECT ... GROUP BY)."""
    false = "FALSE" if connection.vendor == "postgresql" else "0"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} ({KEY}, n) SELECT %s, year, status, unit_id, answered, warning_count > 0, "
                       "COUNT(*) FROM projects_project GROUP BY year, status, unit_id, answered, warning_count > 0",
                       [SELF_EVALUATION])  # fmt: skip
        cursor.execute(f"INSERT INTO {TABLE} ({KEY}, n) SELECT stage, year, status, unit_id, {false}, {false}, "
                       f"COUNT(*) FROM projects_stagestate WHERE stage <> %s GROUP BY stage, year, status, unit_id",
                       [SELF_EVALUATION])  # fmt: skip


def ensure(sender: Any = None, *, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: on SQLite the triggers back where a migration dropped them, and the counts
    recounted: also after a flush (a transactional test's teardown sends post_migrate), whose DELETEs
    the triggers counted, table by table, into rows for units and projects no longer there
    (PostgreSQL's flush is a TRUNCATE, which no trigger counts)."""
    connection = connections[using]
    if connection.vendor == "postgresql" or TABLE not in connection.introspection.table_names():
        return  # nothing to do, or before migration 0020 (a migration test going back)
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}
    if "warned" in columns:  # else before migration 0022, whose key the triggers write
        install(connection)
        rebuild(connection)
