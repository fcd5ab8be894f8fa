"""Store each project's distinct warning codes and whether every indicator is answered, so the lists
filter on a warning and the to-do counts drafts without reading indicators; index the default order."""

from django.db import migrations, models


def fill(apps, schema_editor):
    """Score every project once with the pure engine over the historical rows (no app models)."""
    from projects.scores import all_answered, evaluation_input_of, warning_codes
    from scoring.rules import evaluate

    Project = apps.get_model("projects", "Project")
    Fund = apps.get_model("projects", "Fund")
    Indicator = apps.get_model("indicators", "Indicator")
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        chunk = list(Project.objects.filter(pk__in=ids[start : start + 500]))
        funds, rows = {}, {}
        for f in Fund.objects.filter(project__in=chunk):
            funds.setdefault(f.project_id, []).append(f)
        for i in Indicator.objects.filter(project__in=chunk).order_by("position", "id"):
            rows.setdefault(i.project_id, []).append(i)
        for p in chunk:
            ev = evaluate(evaluation_input_of(p, funds.get(p.pk, []), rows.get(p.pk, [])))
            p.warning_codes, p.answered = warning_codes(ev), all_answered(ev)
        Project.objects.bulk_update(chunk, ["warning_codes", "answered"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_list_indexes"),
        ("indicators", "0005_not_applicable"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="warning_codes",
            field=models.CharField(blank=True, default="", editable=False, max_length=400, verbose_name="提示类型"),
        ),
        migrations.AddField(
            model_name="project",
            name="answered",
            field=models.BooleanField(default=False, editable=False, verbose_name="完成值已填齐"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["year", "code"], name="project_year_code"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["status", "answered", "year"], name="project_status_answered"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
