"""Report templates start off and switch on only after a confirmation naming what changes; the
project page says which layout its Word report uses; template errors are Chinese; a sample
template to download; the placeholder help in Chinese (issue 15 B17). And the sandbox's limits on
every path a template takes: upload, preview, export (A7)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from docx import Document

from projects.models import Project
from reports.docx_template import TOO_LONG, TOO_MANY_LOOPS, render_template, syntax_text
from reports.models import Narrative, ReportTemplate
from reports.sample import sample_report, sample_template
from reports.services import project_file
from tests.reports.conftest import SEED_CODE
from tests.reports.test_admin_templates import admin_user, template_bytes, upload  # noqa: F401

pytestmark = pytest.mark.django_db
BOMB = "{% set a = name %}" + "{% set a = a ~ a %}" * 40 + "{{ a }}"  # ~ doubling: 2^40 characters
LOOPS = "{% for a in narrative.problems %}{% for b in narrative.problems %}{{ b }}{% endfor %}{% endfor %}"


def stored(content: bytes, *, active: bool = False, name: str = "省厅模板") -> ReportTemplate:
    template = ReportTemplate(name=name, outline="unit", active=active)
    template.file.save("t.docx", ContentFile(content))
    return template


def word_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_an_uploaded_template_starts_off_and_changes_no_report(client, admin_user, demo) -> None:  # noqa: F811
    client.force_login(admin_user)
    assert upload(client, template_bytes("模板{{ total }}"), activate=False).status_code == 302
    assert not ReportTemplate.objects.get().active
    _, content = project_file(project=Project.objects.get(code=SEED_CODE), fmt="docx", user=None)
    assert "一、项目基本情况" in word_text(content)  # the built-in layout
    form = client.get(reverse("admin:reports_reporttemplate_add")).content.decode()
    assert 'name="active"' not in form and "上传后为未启用" in form


def test_activation_asks_for_confirmation_naming_what_changes(client, admin_user, demo) -> None:  # noqa: F811
    client.force_login(admin_user)
    old = stored(template_bytes("旧{{ total }}"), active=True, name="旧模板")
    new = stored(template_bytes("新{{ total }}"), name="新模板")
    url = reverse("admin:reports_reporttemplate_activate", args=[new.pk])
    assert url in client.get(reverse("admin:reports_reporttemplate_changelist")).content.decode()
    page = client.get(url).content.decode()
    assert not ReportTemplate.objects.get(pk=new.pk).active  # a GET changes nothing
    assert "所有用户" in page and "单位自评报告（内蒙古式）" in page and "替换当前启用的模板“旧模板”" in page
    assert "PDF 版和 Excel 自评表不受影响" in page
    done = client.post(url, follow=True)
    assert "已启用报告模板“新模板”（替换“旧模板”）" in done.content.decode()
    assert list(ReportTemplate.objects.filter(active=True)) == [new]
    assert not ReportTemplate.objects.get(pk=old.pk).active
    _, content = project_file(project=Project.objects.get(code=SEED_CODE), fmt="docx", user=None)
    assert word_text(content) == "新93.62"
    client.post(reverse("admin:reports_reporttemplate_deactivate", args=[new.pk]))
    assert not ReportTemplate.objects.filter(active=True).exists()


def test_a_new_file_for_an_active_template_switches_it_off(client, admin_user, demo) -> None:  # noqa: F811
    client.force_login(admin_user)
    template = stored(template_bytes("旧{{ total }}"), active=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"name": template.name, "outline": "unit", "file": SimpleUploadedFile("n.docx", template_bytes("新"))}
    assert client.post(reverse("admin:reports_reporttemplate_change", args=[template.pk]), data).status_code == 302
    assert not ReportTemplate.objects.get(pk=template.pk).active


def test_the_project_page_says_which_layout_its_word_report_uses(client, admin_user, demo) -> None:  # noqa: F811
    client.force_login(admin_user)
    url = reverse("projects:detail", args=[Project.objects.get(code=SEED_CODE).pk])
    assert "Word 报告使用内置版式" in client.get(url).content.decode()
    stored(template_bytes("{{ total }}"), active=True, name="省厅2025版")
    page = client.get(url).content.decode()
    assert "Word 报告使用模板“省厅2025版”（PDF 为内置版式）" in page
    stored(template_bytes("{{ total }}"), name="未启用的")
    assert "未启用的" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("text", "chinese"),
    [
        ("合计：{{ total }", "多余或不成对的“}”"),
        ("合计：{{ total ", "此处应为“}}”"),
        ("{% for i in indicators %}{{ i.level3 }}", "“{% for %}”没有结束，缺少“{% endfor %}”或“{% else %}”"),
        ("{% if total %}x{% endfor %}", "“{% endfor %}”与前面的“{% if %}”不成对"),
        ("{% endfor %}", "不认识的标签“{% endfor %}”"),
        ("{{ total !x }}", "不能识别的字符“!”"),
        ("{# 注释", "注释“{#”缺少结尾“#}”"),
        ("{{ indicators|nofilter }}", "不认识的过滤器“nofilter”"),  # was a 500: raised while compiling
        ("{% for %}", "写法有误"),  # the generic Chinese fallback
    ],
)
def test_syntax_errors_are_chinese_at_upload_with_the_paragraph(client, admin_user, demo, text, chinese) -> None:  # noqa: F811
    client.force_login(admin_user)
    response = upload(client, template_bytes("第一段", text, "末段"))
    page = response.content.decode()
    assert response.status_code == 200 and chinese in page and not ReportTemplate.objects.exists()
    errors = re.search(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S).group(1)
    assert not re.search(r"unexpected|expected|Encountered|Jinja|named", errors)
    if "nofilter" not in text:
        assert "第 2 段" in errors


def test_every_syntax_message_has_a_chinese_text() -> None:
    assert syntax_text("something Jinja never said") == "写法有误，请检查“{{ }}”与“{% %}”是否成对、名称是否写对"
    assert syntax_text("unexpected '}'") == "多余或不成对的“}”"


def test_a_stored_broken_template_is_chinese_at_preview(client, admin_user, demo) -> None:  # noqa: F811
    client.force_login(admin_user)
    template = stored(template_bytes("合计：{{ total }"))
    page = client.get(reverse("admin:reports_reporttemplate_preview", args=[template.pk]), follow=True)
    assert "该模板不能使用，请重新上传：模板语法错误（第 1 段）：多余或不成对的“}”" in page.content.decode()
    assert "unexpected" not in page.content.decode()


@pytest.mark.parametrize("outline", ["unit", "department", "framework2013"])
def test_the_sample_template_lists_the_placeholders_and_renders(client, admin_user, outline) -> None:  # noqa: F811
    client.force_login(admin_user)
    response = client.get(reverse("admin:reports_reporttemplate_sample"), {"outline": outline})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    source = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in source.paragraphs)
    assert "项目名称：{{ name }}" in text and "存在问题：{{ narrative.problems }}" in text
    assert source.tables[1].rows[2].cells[3].text == "{{ i.level3 }}"
    report = sample_report(outline)
    rendered = Document(io.BytesIO(render_template(report, response.content)))
    assert f"项目名称：{report.name}" in "\n".join(p.text for p in rendered.paragraphs)
    assert len(rendered.tables[1].rows) == 1 + len(report.indicators)
    assert rendered.tables[1].rows[1].cells[3].text == report.indicators[0].level3
    assert sample_template(outline)  # the same builder the admin page serves
    listing = client.get(reverse("admin:reports_reporttemplate_changelist")).content.decode()
    assert reverse("admin:reports_reporttemplate_sample") in listing


def test_the_placeholder_help_names_fields_in_chinese(client, admin_user) -> None:  # noqa: F811
    client.force_login(admin_user)
    page = client.get(reverse("admin:reports_reporttemplate_placeholders")).content.decode()
    assert "_FIELDS" not in page and "funds 与" not in page
    for title in (
        "资金明细（funds、funds_total）的字段",
        "绩效指标（indicators）的字段",
        "报告文字（narrative）的字段",
    ):
        assert title in page
    assert '<th scope="row">三级指标</th><td><code class="literal">{{ i.level3 }}</code>' in page
    assert '<th scope="row">项目名称</th><td><code class="literal">{{ name }}</code>' in page


# --- A7: the limits on every path ---------------------------------------------------------


def test_a_bomb_is_a_chinese_form_error_at_upload(client, admin_user, demo) -> None:  # noqa: F811
    client.force_login(admin_user)
    response = upload(client, template_bytes(BOMB))
    assert response.status_code == 200 and TOO_LONG in response.content.decode()
    assert not ReportTemplate.objects.exists()


def test_a_stored_bomb_is_a_chinese_message_at_preview(client, admin_user, demo) -> None:  # noqa: F811
    client.force_login(admin_user)
    template = stored(template_bytes(BOMB))
    page = client.get(reverse("admin:reports_reporttemplate_preview", args=[template.pk]), follow=True)
    assert page.status_code == 200 and f"该模板不能使用，请重新上传：{TOO_LONG}" in page.content.decode()


def test_an_export_that_explodes_on_long_text_fails_in_chinese(client, admin_user, demo) -> None:  # noqa: F811
    """The sample's text is short, so the template passes upload; a project's long text makes it
    exceed the loop budget at download: a Chinese message on the project page, not a 500."""
    client.force_login(admin_user)
    assert upload(client, template_bytes(LOOPS)).status_code == 302
    assert ReportTemplate.objects.get().active
    project = Project.objects.get(code=SEED_CODE)
    Narrative.objects.update_or_create(project=project, defaults={"problems": "问" * 10_000})
    response = client.get(reverse("reports:download", args=[project.pk, "docx"]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("projects:detail", args=[project.pk])
    assert "Word 报告未能生成" in page and TOO_MANY_LOOPS in page
    pdf = client.get(reverse("reports:download", args=[project.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def long_text_template(project: Project) -> None:
    """An active template that passes upload (the sample's short text) and a project whose 10,000
    characters of text make it exceed the loop budget."""
    stored(template_bytes(LOOPS), active=True)
    Narrative.objects.update_or_create(project=project, defaults={"problems": "问" * 10_000})


def test_the_command_line_export_fails_in_chinese_and_writes_nothing(demo, tmp_path) -> None:
    from django.core.management import CommandError, call_command

    project = Project.objects.get(code=SEED_CODE)
    long_text_template(project)
    one, many = tmp_path / "one.docx", tmp_path / "unit.zip"
    with pytest.raises(CommandError) as single:
        call_command("export_report", SEED_CODE, "--year", "2025", "--format", "docx", "--output", str(one))
    assert str(single.value) == f"报告模板不能用于该项目：{TOO_MANY_LOOPS}"
    with pytest.raises(CommandError) as zipped:
        call_command("export_report", "--year", "2025", "--unit", project.unit.code, "--format", "docx",
                     "--output", str(many), "--jobs", "1")  # fmt: skip
    assert f"报告模板不能用于项目 {SEED_CODE}：{TOO_MANY_LOOPS}" in str(zipped.value)
    assert not one.exists() and not many.exists()


def test_a_batch_export_names_the_project_its_template_fails_on(demo) -> None:
    from reports.batch import render_files
    from reports.docx_template import TemplateProblem

    project = Project.objects.get(code=SEED_CODE)
    long_text_template(project)
    with pytest.raises(TemplateProblem) as caught:
        list(render_files([project.pk], "docx,pdf"))
    assert str(caught.value) == f"报告模板不能用于项目 {SEED_CODE}：{TOO_MANY_LOOPS}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_activations_at_once_leave_one_active() -> None:
    """Two admins switch on two templates of one outline together: both succeed in turn, one stays on."""
    from reports.services import report_template_activate
    from tests.projects.test_workflow_races import race

    first, second = stored(template_bytes("甲"), name="甲"), stored(template_bytes("乙"), name="乙")
    for _ in range(5):
        ReportTemplate.objects.update(active=False)
        assert race(*(lambda t=t: report_template_activate(template=t) for t in (first, second))) == ["ok", "ok"]
        assert ReportTemplate.objects.filter(active=True).count() == 1
