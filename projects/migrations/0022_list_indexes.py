"""The lists at 50,000 projects as at 500 (issue 16 §1, bench/lists.py).

- StateCount.warned: the kept counts split the self-evaluations with any 提示, so the lists' 有提示/无提示
  filter counts its 状态 tabs from them too; the triggers (projects.counts) are made again with the
  longer key and the counts recounted.
- (year, score_total, id): a page of a list sorted by 总分 reads its offset's entries; on PostgreSQL
  also the descending order's own index (score_total DESC NULLS LAST, which no ascending index serves).
- (stage, year, status, updated_at DESC, id): the 绩效目标 list's page per state.
- PostgreSQL only: pg_trgm and trigram GIN indexes on UPPER(code) and UPPER(name), the expressions
  the lists' search (icontains) compares, so a search reads the matching rows, not the year's.
"""

from django.db import migrations, models

# what PostgreSQL gets beside the model's indexes (SQLite has neither pg_trgm nor NULLS LAST in an index)
POSTGRESQL = [
    ("CREATE EXTENSION IF NOT EXISTS pg_trgm", ""),
    (
        "CREATE INDEX project_code_trgm ON projects_project USING gin ((UPPER(code::text)) gin_trgm_ops)",
        "DROP INDEX IF EXISTS project_code_trgm",
    ),
    (
        "CREATE INDEX project_name_trgm ON projects_project USING gin ((UPPER(name::text)) gin_trgm_ops)",
        "DROP INDEX IF EXISTS project_name_trgm",
    ),
    (
        "CREATE INDEX project_year_total_desc ON projects_project (year, score_total DESC NULLS LAST, id DESC)",
        "DROP INDEX IF EXISTS project_year_total_desc",
    ),
]


def postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for create, _ in POSTGRESQL:
            schema_editor.execute(create)


def postgresql_indexes_dropped(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _, drop in reversed(POSTGRESQL):
            if drop:  # the extension stays: other databases' objects may use it
                schema_editor.execute(drop)


def triggers_dropped(apps, schema_editor):
    from projects import counts

    counts.uninstall(schema_editor.connection)


def counts_dropped(apps, schema_editor):
    """Back: no triggers and no counts (the shorter key would hold duplicates); 0022 recounts."""
    triggers_dropped(apps, schema_editor)
    schema_editor.execute("DELETE FROM projects_statecount")


def counts_kept(apps, schema_editor):
    from projects import counts

    counts.install(schema_editor.connection)
    counts.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("projects", "0021_year_plan_monitoring_opened")]

    operations = [
        # the triggers write the key the constraint names: off while both change, then made again
        migrations.RunPython(triggers_dropped, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="statecount", name="state_count_key"),
        migrations.AddField(
            model_name="statecount", name="warned", field=models.BooleanField(default=False, verbose_name="有提示")
        ),
        migrations.AddConstraint(
            model_name="statecount",
            constraint=models.UniqueConstraint(
                fields=("stage", "year", "status", "unit", "answered", "warned"), name="state_count_key"
            ),
        ),
        migrations.RunPython(counts_kept, counts_dropped),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["year", "score_total", "id"], name="project_year_total"),
        ),
        migrations.AddIndex(
            model_name="stagestate",
            index=models.Index(
                fields=["stage", "year", "status", "-updated_at", "id"], name="stage_year_status_updated"
            ),
        ),
        migrations.RunPython(postgresql_indexes, postgresql_indexes_dropped),
    ]
