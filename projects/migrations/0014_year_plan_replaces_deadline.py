# The year's calendar (YearPlan) takes over the per-year submission deadlines: each
# SubmissionDeadline row becomes its year's self_evaluation_due, then the model goes.

import django.core.validators
from django.db import migrations, models


def deadlines_to_plans(apps, schema_editor):
    deadline = apps.get_model("projects", "SubmissionDeadline")
    plan = apps.get_model("projects", "YearPlan")
    for row in deadline.objects.all():
        plan.objects.update_or_create(
            year=row.year, defaults={"self_evaluation_due": row.due, "stages": ["self_evaluation"]}
        )


def plans_to_deadlines(apps, schema_editor):
    deadline = apps.get_model("projects", "SubmissionDeadline")
    plan = apps.get_model("projects", "YearPlan")
    for row in plan.objects.exclude(self_evaluation_due=None):
        deadline.objects.update_or_create(year=row.year, defaults={"due": row.self_evaluation_due})


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0013_stages"),
    ]

    operations = [
        migrations.RunPython(deadlines_to_plans, plans_to_deadlines),
        migrations.DeleteModel(
            name="SubmissionDeadline",
        ),
        migrations.AlterField(
            model_name="historicalyearplan",
            name="monitoring_month",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="运行监控填报截至几月的执行情况（1–12）",
                validators=[
                    django.core.validators.MinValueValidator(1, "监控截至月份须在 1 到 12 之间"),
                    django.core.validators.MaxValueValidator(12, "监控截至月份须在 1 到 12 之间"),
                ],
                verbose_name="监控截至月份",
            ),
        ),
        migrations.AlterField(
            model_name="historicalyearplan",
            name="year",
            field=models.PositiveSmallIntegerField(
                db_index=True,
                validators=[
                    django.core.validators.MinValueValidator(2000, "年度须在 2000 到 2100 之间"),
                    django.core.validators.MaxValueValidator(2100, "年度须在 2000 到 2100 之间"),
                ],
                verbose_name="年度",
            ),
        ),
        migrations.AlterField(
            model_name="yearplan",
            name="monitoring_month",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="运行监控填报截至几月的执行情况（1–12）",
                validators=[
                    django.core.validators.MinValueValidator(1, "监控截至月份须在 1 到 12 之间"),
                    django.core.validators.MaxValueValidator(12, "监控截至月份须在 1 到 12 之间"),
                ],
                verbose_name="监控截至月份",
            ),
        ),
        migrations.AlterField(
            model_name="yearplan",
            name="year",
            field=models.PositiveSmallIntegerField(
                unique=True,
                validators=[
                    django.core.validators.MinValueValidator(2000, "年度须在 2000 到 2100 之间"),
                    django.core.validators.MaxValueValidator(2100, "年度须在 2000 到 2100 之间"),
                ],
                verbose_name="年度",
            ),
        ),
    ]
