"""The overview's stored counts (issue 17: "It stays flat at 50,000 projects").

Two levels, so the overview never reads a year's observations nor its reports:
- each report keeps its indicators' counts by light and the yellow and red ones by 偏差原因 category
  (MonitoringReport.COUNTED), stored with the lights (monitoring.services.report_recompute; the
  observations' lights are written only there) or recounted from the observations (recount);
- MonitoringCount adds those up per (year, unit, report light) with the budget's sums, written by
  database triggers on monitoring_monitoringreport, so every writer of a report keeps it (the
  services, a project's delete that cascades, a queryset's update(), raw SQL), as projects.counts
  keeps the lists' StateCount. Each trigger adds the old row's values negated to its key and the new
  row's to its own with an upsert.

install() creates the triggers (idempotent); rebuild() recounts MonitoringCount from the reports.
Migration 0004 runs both; post_migrate runs install() again on SQLite, where a later migration that
remakes monitoring_monitoringreport (SQLite's ALTER TABLE by copy) drops the triggers, and rebuilds
the counts when it had to recreate one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections

from evalsys.lib import triggers
from monitoring.models import CAUSE_COLUMNS, COUNTED, MonitoringReport, Observation

FLAGGED = ("red", "yellow")
SOURCE, TABLE = "monitoring_monitoringreport", "monitoring_monitoringcount"
KEY = ("year", "unit_id", "light")
VALUES = ("budget_annual", "budget_executed", *COUNTED)  # added up per key, with n
NAME = f"{SOURCE}_count"
SQLITE_EVENTS = ("insert", "delete", "update_old", "update_new")


def report_counts(lights: Iterable[tuple[str, Sequence[str]]]) -> dict[str, int]:
    """A report's COUNTED values from its indicators' (light, 偏差原因 categories)."""
    out = dict.fromkeys(COUNTED, 0)
    for light, causes in lights:
        if light == "blue":
            out["ind_blue"] += 1
        if light not in FLAGGED:
            continue
        out[f"ind_{light}"] += 1
        cited = [c for c in causes or () if c in CAUSE_COLUMNS and c]
        for cause in cited or [""]:
            out[f"{light}_{CAUSE_COLUMNS[cause]}"] += 1
    return out


def recount(report_ids: Sequence[int] | None = None, *, apps: Any = None) -> int:
    """Store every report's (or these reports') COUNTED values from its observations' stored lights:
    for rows written around the services (the migration, with its `apps`; a benchmark's bulk load;
    a test's rows)."""
    report_model, observation_model = (
        (apps.get_model("monitoring", n) for n in ("MonitoringReport", "Observation"))
        if apps is not None
        else (MonitoringReport, Observation)
    )
    reports = report_model.objects.order_by("pk")
    if report_ids is not None:
        reports = reports.filter(pk__in=list(report_ids))
    ids = list(reports.values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        found: dict[int, list[tuple[str, Sequence[str]]]] = {pk: [] for pk in chunk}
        rows = observation_model.objects.filter(report__in=chunk, light__in=("red", "yellow", "blue"))
        for report, light, causes in rows.values_list("report_id", "light", "causes"):
            found[report].append((light, causes))
        report_model.objects.bulk_update(
            [report_model(pk=pk, **report_counts(lights)) for pk, lights in found.items()], COUNTED, batch_size=500
        )
    return len(ids)


# --- the triggers -------------------------------------------------------------------------------


def _upsert(row: str, sign: int) -> str:
    minus = "-" if sign < 0 else ""
    columns = ", ".join((*KEY, "n", *VALUES))
    values = ", ".join((*(f"{row}.{c}" for c in KEY), str(sign), *(f"{minus}{row}.{c}" for c in VALUES)))
    added = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in ("n", *VALUES))
    return (f"INSERT INTO {TABLE} ({columns}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {added}")  # fmt: skip


def _moved(distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in (*KEY, *VALUES))


def _postgresql() -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_upsert('OLD', -1)}; END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_upsert('NEW', 1)}; END IF; "
        f"RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {NAME} ON {SOURCE}",
        f"CREATE TRIGGER {NAME} AFTER INSERT OR DELETE ON {SOURCE} FOR EACH ROW EXECUTE FUNCTION {NAME}()",
        f"DROP TRIGGER IF EXISTS {NAME}_update ON {SOURCE}",
        f"CREATE TRIGGER {NAME}_update AFTER UPDATE ON {SOURCE} FOR EACH ROW WHEN ({_moved('IS DISTINCT FROM')}) "
        f"EXECUTE FUNCTION {NAME}()",
    ]


def _sqlite() -> list[str]:
    moved = _moved("IS NOT")
    return [
        f"CREATE TRIGGER IF NOT EXISTS {NAME}_insert AFTER INSERT ON {SOURCE} BEGIN {_upsert('NEW', 1)}; END",
        f"CREATE TRIGGER IF NOT EXISTS {NAME}_delete AFTER DELETE ON {SOURCE} BEGIN {_upsert('OLD', -1)}; END",
        f"CREATE TRIGGER IF NOT EXISTS {NAME}_update_old AFTER UPDATE ON {SOURCE} WHEN {moved} "
        f"BEGIN {_upsert('OLD', -1)}; END",
        f"CREATE TRIGGER IF NOT EXISTS {NAME}_update_new AFTER UPDATE ON {SOURCE} WHEN {moved} "
        f"BEGIN {_upsert('NEW', 1)}; END",
    ]


def trigger_names(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [NAME, f"{NAME}_update"]
    return [f"{NAME}_{event}" for event in SQLITE_EVENTS]


def install(connection: Any) -> bool:
    """Create the triggers where missing; whether any was missing (then the counts need rebuild())."""
    statements = _postgresql() if connection.vendor == "postgresql" else _sqlite()
    return triggers.install(connection, trigger_names(connection.vendor), statements)


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON {SOURCE}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {NAME}_update ON {SOURCE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {NAME}()")
        else:
            for event in SQLITE_EVENTS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {NAME}_{event}")


def rebuild(connection: Any) -> None:
    """Add every key up again from the reports (one INSERT ... SELECT ... GROUP BY)."""
    columns = ", ".join((*KEY, "n", *VALUES))
    sums = ", ".join(f"SUM({c})" for c in VALUES)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} ({columns}) SELECT {', '.join(KEY)}, COUNT(*), {sums} FROM {SOURCE} "
                       f"GROUP BY {', '.join(KEY)}")  # fmt: skip


def ensure(sender: Any = None, *, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the triggers back where a migration dropped them (SQLite), and the counts added up."""
    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return  # before migration 0004 (a migration test going back)
    if connection.vendor != "postgresql" and install(connection):
        rebuild(connection)
