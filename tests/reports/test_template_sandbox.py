"""Uploaded templates are data, never code: a hostile .docx is refused at upload and never runs."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from projects.models import Project
from reports.docx_template import TOO_DEEP, TemplateProblem, render_template, template_context, validate_template
from reports.models import ReportTemplate
from reports.sample import sample_report
from reports.services import project_file
from tests.reports.conftest import SEED_CODE
from tests.reports.test_admin_templates import template_bytes, upload


def make_template(*paragraphs: str) -> bytes:
    return template_bytes(*paragraphs)


def refusal(template: bytes) -> str:
    with pytest.raises(TemplateProblem) as caught:
        validate_template(template, sample_report())
    return str(caught.value)


def shell_payload(marker: Path) -> str:
    return "{{ lipsum.__globals__['os'].popen('touch " + str(marker) + "').read() }}"


# --- code execution -----------------------------------------------------------------------


def test_shell_payload_is_refused_and_never_runs(tmp_path) -> None:
    marker = tmp_path / "pwned"
    template = make_template(shell_payload(marker))
    assert "lipsum" in refusal(template)
    with pytest.raises(TemplateProblem):
        render_template(sample_report(), template)  # a template stored before uploads were checked
    assert not marker.exists()


@pytest.mark.django_db
def test_shell_payload_is_refused_at_upload(client, admin_user, tmp_path) -> None:
    marker = tmp_path / "pwned"
    client.force_login(admin_user)
    response = upload(client, make_template("总分{{ total }}", shell_payload(marker)))
    assert response.status_code == 200
    assert "模板使用了未知的占位符“lipsum”" in response.content.decode()
    assert not ReportTemplate.objects.exists()
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{{ ''.__class__.__mro__ }}", "__class__"),
        ("{{ name.__class__.__init__.__globals__ }}", "__class__"),
        ("{{ indicators.__len__() }}", "__len__"),
        ("{{ name['__class__'] }}", "__class__"),
        ("{{ funds_total|attr('label') }}", "attr"),
        ("{{ indicators|map(attribute='__class__')|list }}", "__class__"),
        ("{% for i in indicators %}{{ loop.__class__ }}{% endfor %}", "__class__"),
        ("{% if grade == '差' %}{{ ''.__class__ }}{% endif %}", "__class__"),  # in a branch the sample skips
        ("{{ self }}", "self"),
        ("{{ self.__dict__ }}", "self"),
        ("{% include 'other.docx' %}", "include"),
        ("{% import 'macros' as m %}", "import"),
        ("{% extends 'base' %}", "extends"),
    ],
)
def test_python_internals_are_refused(text, shown) -> None:
    assert f"模板使用了不允许的写法“{shown}”" in refusal(make_template(text))


@pytest.mark.parametrize("name", ["lipsum", "cycler", "joiner", "namespace", "range", "dict"])
def test_jinja_globals_are_unknown_placeholders(name) -> None:
    assert refusal(make_template(f"{{{{ {name} }}}}")).startswith(f"模板使用了未知的占位符“{name}”")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{{ name.upper() }}", "upper"),  # methods of the values are not placeholders either
        ("{{ funds_total.items() }}", "items"),
        ("{% for i in indicators %}{{ i.project.unit.department }}{% endfor %}", "project"),
        ("{% for g in groups %}{% for i in g.indicators %}{{ i.indicator.project }}{% endfor %}{% endfor %}",
         "indicator"),
    ],
)  # fmt: skip
def test_attribute_walks_are_refused(text, shown) -> None:
    assert refusal(make_template(text)).startswith(f"模板使用了未知的占位符“{shown}”")


@pytest.mark.parametrize(
    "text",
    [
        "{{ settings.SECRET_KEY }}",
        "{{ config }}",
        "{{ request.META }}",
        "{{ lipsum.__globals__.os.environ.DATABASE_URL }}",
        "{{ cycler.__init__.__globals__.os.environ }}",
        "{% for k in funds_total %}{{ funds_total[k].__class__.__init__.__globals__ }}{% endfor %}",
    ],
)
def test_settings_cannot_be_printed(text) -> None:
    message = refusal(make_template(text))
    assert message.startswith("模板使用了")
    assert settings.SECRET_KEY not in message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{{ narrative.problems|safe }}", "safe"),  # officers' text would be written into the XML unescaped
        ("{% autoescape false %}{{ narrative.problems }}{% endautoescape %}", "autoescape"),
        ("{% macro m() %}{{ m() }}{{ m() }}{% endmacro %}{{ m() }}", "macro"),  # exponential recursion
        ("{% for i in indicators recursive %}{{ loop(indicators) }}{% endfor %}", "recursive"),
    ],
)
def test_constructs_that_escape_or_never_end_are_refused(text, shown) -> None:
    assert f"模板使用了不允许的写法“{shown}”" in refusal(make_template(text))


def test_deeply_nested_loops_are_refused() -> None:
    loops = "".join(f"{{% for x{n} in indicators %}}" for n in range(4)) + "{{ x3.n }}" + "{% endfor %}" * 4
    assert refusal(make_template(loops)) == TOO_DEEP
    two = "{% for g in groups %}{% for i in g.indicators %}{{ i.n }}{% endfor %}{% endfor %}"
    validate_template(make_template(two), sample_report())


def test_huge_repetition_is_refused() -> None:
    assert refusal(make_template("{{ name * 100000000 }}")).startswith("模板渲染失败：")


# --- what templates may still do ----------------------------------------------------------


def test_documented_placeholders_loops_and_filters_still_work() -> None:
    template = make_template(
        "{{ name }}｜{{ total }}｜{{ budget.score }}｜{{ budget['rate'] }}｜{{ narrative.problems }}",
        "{% for i in indicators %}{% if loop.first %}{{ loop.length }}项：{% endif %}{{ i.n }}{% endfor %}",
        "{{ funds_sentences|join('') }}｜{{ indicators|length }}｜{{ groups|map(attribute='level1')|join('、') }}",
    )
    report = sample_report()
    validate_template(template, report)
    paragraphs = [p.text for p in Document(io.BytesIO(render_template(report, template))).paragraphs]
    first = f"{report.name}｜{report.total}｜{report.budget_score}｜{report.budget_rate}｜示例：存在问题。"
    assert paragraphs[0] == first
    assert paragraphs[1].startswith(f"{len(report.indicators)}项：123")
    assert paragraphs[2].endswith("｜产出指标、效益指标、满意度指标")


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | bool | Decimal)


def test_context_is_plain_data() -> None:
    assert _plain(template_context(sample_report()))


@pytest.mark.django_db
def test_a_stored_hostile_template_is_refused_at_preview_and_export(client, demo, tmp_path) -> None:
    """A template saved before uploads were checked (or by hand) still never runs."""
    from django.contrib.auth import get_user_model

    marker = tmp_path / "pwned"
    template = ReportTemplate(name="旧模板", outline="unit")
    template.file.save("old.docx", ContentFile(make_template(shell_payload(marker))))
    client.force_login(get_user_model().objects.get(username="admin"))
    preview = client.get(reverse("admin:reports_reporttemplate_preview", args=[template.pk]), follow=True)
    assert preview.status_code == 200 and "模板使用了未知的占位符“lipsum”" in preview.content.decode()
    with pytest.raises(TemplateProblem):
        project_file(project=Project.objects.get(code=SEED_CODE), fmt="docx")
    assert not marker.exists()
