"""The per-state counts the lists and the to-do read (projects.counts): the table, its triggers on
projects_project and projects_stagestate, and the counts of what is there."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    """Nothing here any more: the triggers and the counts come with 0022, whose key (warned) this
    table does not have yet (projects.counts writes the current key)."""


def backwards(apps, schema_editor):
    from projects import counts

    counts.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("projects", "0019_year_plan_light_lines")]

    operations = [
        migrations.CreateModel(
            name="StateCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stage", models.CharField(max_length=24, verbose_name="阶段")),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("status", models.CharField(max_length=16, verbose_name="状态")),
                ("answered", models.BooleanField(default=False, verbose_name="已全部填报")),
                ("n", models.IntegerField(default=0, verbose_name="项目数")),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.unit",
                        verbose_name="实施单位",
                    ),
                ),
            ],
            options={"verbose_name": "状态计数", "verbose_name_plural": "状态计数"},
        ),
        migrations.AddConstraint(
            model_name="statecount",
            constraint=models.UniqueConstraint(
                fields=("stage", "year", "status", "unit", "answered"), name="state_count_key"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
