from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_outline_framework2013"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reporttemplate",
            name="outline",
            field=models.CharField(
                choices=[
                    ("unit", "单位自评报告（内蒙古式）"),
                    ("department", "部门评价报告（10号 附件3）"),
                    ("framework2013", "2013 共性指标框架自评报告（投入/过程/产出/效果）"),
                ],
                max_length=16,
                verbose_name="适用报告",
            ),
        ),
    ]
