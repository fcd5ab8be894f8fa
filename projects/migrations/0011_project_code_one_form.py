"""Project codes in one form (evalsys.lib.codes.normalize_code): full-width and lower-case codes
are rewritten before the check constraint is added. Two projects of one year whose codes become
the same code cannot both be kept: the migration then stops, changes nothing and names them, for
an admin to correct one of the codes first (no project is merged or renamed behind anyone's back).
"""

from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models

import projects.models
from evalsys.lib.codes import normalize_code

CLASH = (
    "以下项目的编码仅大小写或全角/半角不同，统一写法后会重复，迁移未执行任何修改；"
    "请先在后台管理中修改其中一个项目的编码后再迁移：{pairs}"
)


def normalize_codes(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    rows = Project.objects.exclude(code="").values_list("pk", "year", "code").order_by("pk")
    groups = defaultdict(list)
    for pk, year, code in rows.iterator(chunk_size=2000):
        groups[(year, normalize_code(code))].append((pk, code))
    clashes = [f"{year} 年度 {'、'.join(c for _, c in found)}（id {'、'.join(str(pk) for pk, _ in found)}）"
               for (year, _), found in groups.items() if len(found) > 1]
    if clashes:
        raise RuntimeError(CLASH.format(pairs="；".join(clashes)))
    for (_, code), found in groups.items():
        pk, stored = found[0]
        if stored != code:
            Project.objects.filter(pk=pk).update(code=code)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0010_list_count_indexes'),
    ]

    operations = [
        migrations.RunPython(normalize_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='historicalproject',
            name='code',
            field=projects.models.CodeField(blank=True, max_length=64, verbose_name='项目编码'),
        ),
        migrations.AlterField(
            model_name='project',
            name='code',
            field=projects.models.CodeField(blank=True, max_length=64, verbose_name='项目编码'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('code', django.db.models.functions.text.Upper('code'))), name='project_code_upper', violation_error_message='项目编码须为大写形式'),
        ),
        migrations.AlterConstraint(
            model_name='project',
            name='project_code_year_unique',
            constraint=models.UniqueConstraint(condition=models.Q(('code', ''), _negated=True), fields=('code', 'year'), name='project_code_year_unique', violation_error_code='code_year_taken', violation_error_message='该年度已有此项目编码的项目；同一编码每个年度只能有一个项目，请直接编辑已有项目或核对编码'),
        ),
        migrations.AlterConstraint(
            model_name='project',
            name='project_uncoded_name_unique',
            constraint=models.UniqueConstraint(condition=models.Q(('code', '')), fields=('unit', 'year', 'name'), name='project_uncoded_name_unique', violation_error_code='name_year_taken', violation_error_message='本单位该年度已有同名且无编码的项目，请直接编辑已有项目或换一个名称'),
        ),
    ]
