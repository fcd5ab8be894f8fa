"""The lists at 50,000 projects as at 500, continued (issue 16 §1, bench/lists.py).

- 有提示 sorted by 总分 descending (and 无提示 ascending): the highest totals rarely carry a 提示, so the
  year's (year, score_total) index read past about 8,500 entries for a page at 50,000 projects.
  Partial indexes hold only the rows the filter keeps: project_unwarned_total (warning_count = 0,
  ascending, on both engines) and, PostgreSQL only, project_warned_total_desc (warning_count > 0,
  score_total DESC NULLS LAST, which SQLite cannot put in an index). The other two directions read
  the year's indexes and skip few rows (a high total with a 提示 is rare, a low one without too).
- (code, name) on Unit: the batch-export picker's order (unit code, project code) walks the units in
  order and each unit's chosen projects through project_year_status_unit, so a page of 50 reads a few
  units instead of sorting the year's chosen rows (12,000 at 50,000 projects); the unit selects of
  the lists (ORDER BY code, name LIMIT 301) read it too.
- Not here: the review queue sorted by 提示 already reads its page's offset from project_state_warnings;
  a page at the same place costs 0.42 ms at 50,000 projects against 0.22 ms at 500 (one probe of the
  reviewer's units per entry instead of a hash of 130 rows), and carrying unit_id in that index
  (INCLUDE) saved nothing measurable there (20% at page 10), so it was left out.
"""

from django.db import migrations, models

# what PostgreSQL gets beside the model's indexes
POSTGRESQL = [
    (
        "CREATE INDEX project_warned_total_desc ON projects_project (year, score_total DESC NULLS LAST, id DESC) "
        "WHERE warning_count > 0",
        "DROP INDEX IF EXISTS project_warned_total_desc",
    ),
]


def postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for create, _ in POSTGRESQL:
            schema_editor.execute(create)


def postgresql_indexes_dropped(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _, drop in reversed(POSTGRESQL):
            schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [("projects", "0022_list_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(fields=["code", "name"], name="unit_code_name"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                condition=models.Q(("warning_count", 0)),
                fields=["year", "score_total", "id"],
                name="project_unwarned_total",
            ),
        ),
        migrations.RunPython(postgresql_indexes, postgresql_indexes_dropped),
    ]
