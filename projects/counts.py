"""The per-state counts (StateCount) and the database triggers that keep them.

A page's 状态 tabs and the to-do add up a few rows per unit from projects_statecount instead of
counting a province's projects (issue 16 §1: lists at 50,000 projects as fast as at 500). The rows
are written by triggers on the counted tables, so every writer keeps them, the ORM's update() and
raw SQL included: Project counts the self-evaluation (year, unit, status, answered), StageState
every other stage (year, unit, status). Each trigger adds -1 to the old key and +1 to the new one
with an upsert; two transactions moving projects of the same unit and state wait for each other's
commit on that row (as they would on the projects themselves), other units do not.

install() creates the triggers (idempotent); rebuild() recounts from the tables. Migration 0020
runs both; post_migrate runs install() again on SQLite, where a later migration that remakes
projects_project or projects_stagestate (SQLite's ALTER TABLE by copy) drops the triggers, and
rebuilds the counts when it had to recreate one.
"""

from __future__ import annotations

from typing import Any

SELF_EVALUATION = "self_evaluation"  # projects.stages.StageKey.SELF_EVALUATION (a literal: used in DDL)
TABLE = "projects_statecount"
KEY = "stage, year, status, unit_id, answered"

# (table, stage expression, answered expression, condition on the row): what each trigger counts
SOURCES = {
    "projects_project": (f"'{SELF_EVALUATION}'", "{row}.answered", "TRUE"),
    "projects_stagestate": ("{row}.stage", "FALSE", f"{{row}}.stage <> '{SELF_EVALUATION}'"),
}
# the columns whose change moves a row to another key
MOVES = {"projects_project": ("year", "unit_id", "status", "answered"),
         "projects_stagestate": ("stage", "year", "unit_id", "status")}  # fmt: skip
SQLITE_EVENTS = ("insert", "delete", "update_old", "update_new")  # SQLite: one trigger per event and side


def _upsert(table: str, row: str, sign: int, sqlite: bool) -> str:
    stage, answered, _ = (part.format(row=row) for part in SOURCES[table])
    if sqlite:
        answered = "0" if answered == "FALSE" else answered
    return (f"INSERT INTO {TABLE} ({KEY}, n) VALUES ({stage}, {row}.year, {row}.status, {row}.unit_id, {answered}, "
            f"{sign}) ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + excluded.n")  # fmt: skip


def _postgresql() -> list[str]:
    statements = []
    for table in SOURCES:
        _, _, where = SOURCES[table]
        old, new = where.format(row="OLD"), where.format(row="NEW")
        name = f"{table}_count"
        statements += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN IF {old} THEN {_upsert(table, 'OLD', -1, False)}; END IF; END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') THEN IF {new} THEN {_upsert(table, 'NEW', 1, False)}; END IF; END IF; "
            f"RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
            f"DROP TRIGGER IF EXISTS {name}_update ON {table}",
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW WHEN ("
            + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in MOVES[table])
            + f") EXECUTE FUNCTION {name}()",
        ]
    return statements


def _sqlite() -> list[str]:
    statements = []
    for table in SOURCES:
        _, _, where = SOURCES[table]
        old, new = (where.format(row=r).replace("TRUE", "1") for r in ("OLD", "NEW"))
        name = f"{table}_count"
        moved = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in MOVES[table])
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {table} WHEN {new} "
            f"BEGIN {_upsert(table, 'NEW', 1, True)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {table} WHEN {old} "
            f"BEGIN {_upsert(table, 'OLD', -1, True)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_update_old AFTER UPDATE ON {table} WHEN ({moved}) AND {old} "
            f"BEGIN {_upsert(table, 'OLD', -1, True)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_update_new AFTER UPDATE ON {table} WHEN ({moved}) AND {new} "
            f"BEGIN {_upsert(table, 'NEW', 1, True)}; END",
        ]
    return statements


def _triggers(vendor: str) -> list[str]:
    return _postgresql() if vendor == "postgresql" else _sqlite()


def trigger_names(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [name for table in SOURCES for name in (f"{table}_count", f"{table}_count_update")]
    return [f"{table}_count_{event}" for table in SOURCES for event in SQLITE_EVENTS]


def installed(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def install(connection: Any) -> bool:
    """Create the triggers where missing; whether any was missing (then the counts need rebuild())."""
    missing = bool(set(trigger_names(connection.vendor)) - installed(connection))
    if missing or connection.vendor == "postgresql":  # CREATE OR REPLACE: the function's body is current
        with connection.cursor() as cursor:
            for statement in _triggers(connection.vendor):
                cursor.execute(statement)
    return missing


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        for table in SOURCES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_count ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_count_update ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_count()")
            else:
                for event in SQLITE_EVENTS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_count_{event}")


def rebuild(connection: Any) -> None:
    """Recount every key from the tables (two INSERT ... SELECT ... GROUP BY)."""
    false = "FALSE" if connection.vendor == "postgresql" else "0"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} ({KEY}, n) SELECT %s, year, status, unit_id, answered, COUNT(*) "
                       "FROM projects_project GROUP BY year, status, unit_id, answered", [SELF_EVALUATION])  # fmt: skip
        cursor.execute(f"INSERT INTO {TABLE} ({KEY}, n) SELECT stage, year, status, unit_id, {false}, COUNT(*) "
                       f"FROM projects_stagestate WHERE stage <> %s GROUP BY stage, year, status, unit_id",
                       [SELF_EVALUATION])  # fmt: skip


def ensure(sender: Any = None, *, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the triggers back where a migration dropped them (SQLite), and the counts recounted."""
    from django.db import connections

    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return  # before migration 0020 (a migration test going back)
    if connection.vendor != "postgresql" and install(connection):
        rebuild(connection)
