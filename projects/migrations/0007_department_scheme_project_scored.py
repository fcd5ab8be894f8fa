import scoring.schemes
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_withdraw_deadline_low_execution_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="department",
            name="scheme",
            field=models.CharField(
                blank=True,
                choices=scoring.schemes.scheme_choices,
                help_text="本部门所属单位新建项目采用的评分方案；留空时使用系统默认方案",
                max_length=40,
                verbose_name="评分方案",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="scored",
            field=models.BooleanField(default=False, editable=False, verbose_name="已有完成值"),
        ),
    ]
