"""A project without indicators is 未评分 (scoring.display.has_actuals since issue 15 B20): clear the
stored `scored` of those saved before, which showed a budget-only score such as 8.16 分 · 差."""

from django.db import migrations


def clear(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Indicator = apps.get_model("indicators", "Indicator")
    with_rows = Indicator.objects.values("project_id")
    Project.objects.filter(scored=True).exclude(pk__in=with_rows).update(scored=False)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0011_project_code_one_form"),
        ("indicators", "0005_not_applicable"),
    ]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop, elidable=True)]
