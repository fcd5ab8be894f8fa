"""Uploaded templates are data, never code: a hostile .docx is refused at upload and never runs."""

from __future__ import annotations

import dataclasses
import io
import signal
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from projects.models import Project
from reports.data import ReportData
from reports.docx_template import (
    FORMAT_TOO_WIDE,
    MAX_PRODUCED,
    NUMBER_TOO_BIG,
    PLACEHOLDERS,
    TOO_DEEP,
    TOO_LONG,
    TOO_MANY_LOOPS,
    TOO_MUCH,
    TOO_NESTED,
    ReportEnvironment,
    TemplateProblem,
    render_template,
    template_context,
    validate_template,
)
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


# --- output bombs (issue 15 A7): refused in Chinese, within seconds, in bounded memory ----------

MEMORY_CAP = 64 * 1024 * 1024  # bytes Python may allocate while refusing one (unbounded: 0.5-2.9 GB)
DOUBLE = "".join("{% set a = a ~ a %}" for _ in range(40))
PLUS = "".join("{% set a = a + a %}" for _ in range(40))
SQUARE = "".join("{% set n = n * n %}" for _ in range(30))
TEN = ",".join(["a"] * 10)
NESTED_LISTS = "{% set a = [name * 1000] %}" + "".join(
    f"{{% set {b} = [{TEN.replace('a', a)}] %}}" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@contextmanager
def bounded(seconds: int = 60) -> Iterator[None]:
    """Fail (TimeoutError) rather than hang when a bomb is not stopped; the figure that matters is memory."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"not refused within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def refused_within_bounds(template: bytes, report: ReportData | None = None) -> str:
    """The Chinese refusal of rendering `template`, with Python's peak allocation checked."""
    tracemalloc.start()
    try:
        with bounded(), pytest.raises(TemplateProblem) as caught:
            render_template(report or sample_report(), template)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_CAP, f"{peak / 2**20:.0f} MiB"
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ name * 100000000 }}", TOO_LONG),
        ("{% set a = name %}" + DOUBLE + "{{ a }}", TOO_LONG),  # ~ doubling
        ("{% set a = name %}" + PLUS + "{{ a }}", TOO_LONG),  # + doubling
        ("{% set a = [name] %}" + PLUS + "{{ a|length }}", TOO_LONG),  # lists too
        ("{{ '%0300000000d' % 1 }}", FORMAT_TOO_WIDE),
        ("{{ '%0300000000d'|format(1) }}", FORMAT_TOO_WIDE),
        ("{{ '%.*f' % (300000000, 1) }}", FORMAT_TOO_WIDE),
        ("{{ ('%(k)s' * 1000) % {'k': name * 1000} }}", TOO_LONG),  # one key used 1,000 times
        ("{{ name|center(1000000000) }}", TOO_LONG),
        ("{{ name|indent(1000000000, true) }}", TOO_LONG),
        ("{{ ('a\\n' * 100000)|indent(name * 100, true, true) }}", TOO_LONG),
        ("{{ (name * 1000)|replace('', name * 100) }}", TOO_LONG),
        ("{{ (name * 1000)|wordwrap(1, true, name * 100) }}", TOO_LONG),
        ("{{ [name * 1000] * 1000 }}", TOO_LONG),
        ("{{ ([name * 10000] * 10)|join(name * 10000) }}", TOO_LONG),
        (NESTED_LISTS + "{{ i|length }}", TOO_LONG),  # lists of lists by reference: 10^8 × 16,000
        ("{{ name|batch(1000000000, 'x')|list }}", TOO_MANY_LOOPS),
        ("{{ name|slice(1000000000, 'x')|list }}", TOO_MANY_LOOPS),
        ("{% set n = 99999999999 %}" + SQUARE + "{{ n }}", NUMBER_TOO_BIG),
        ("{% set s = name * 10000 %}{% for a in s %}{% for b in s %}{% for c in s %}{{ name }}{% endfor %}"
         "{% endfor %}{% endfor %}", TOO_MANY_LOOPS),  # nested loops over a long string
        ("{% set s = name * 40000 %}{% for i in indicators %}{{ s }}{{ s }}{{ s }}{% endfor %}", TOO_MUCH),
        ("{% for i in indicators %}{% for f in funds %}{{ name * 50000 }}{% endfor %}{% endfor %}", TOO_MUCH),
        ("{% for i in indicators %}{% set x %}{% for f in funds %}{{ name * 50000 }}{% endfor %}{% endset %}"
         "{% endfor %}", TOO_MUCH),  # in a {% set %} block, never written
        ("{% for i in indicators %}{% for f in funds %}{{ '" + "长" * 500_000 + "' }}{% endfor %}{% endfor %}",
         TOO_MUCH),  # a constant written per item
    ],
)  # fmt: skip
def test_output_bombs_are_refused_in_bounded_memory(text: str, message: str) -> None:
    assert refused_within_bounds(make_template(text)) == message


@pytest.mark.parametrize("depth", [3_000, 200])
def test_deep_nesting_is_a_chinese_refusal(depth: int) -> None:
    parentheses = "{{ " + "(" * depth + "1" + ")" * depth + " }}"
    assert refused_within_bounds(make_template(parentheses)) == TOO_NESTED
    conditions = "{% if true %}" * depth + "x" + "{% endif %}" * depth
    assert refused_within_bounds(make_template(conditions)) == TOO_NESTED


def test_a_loop_over_real_text_is_refused_at_export_not_at_upload() -> None:
    """The sample's text is short; a project's 10,000 characters make the same template too big."""
    loops = "{% for a in narrative.problems %}{% for b in narrative.problems %}{{ b }}{% endfor %}{% endfor %}"
    template = make_template(loops)
    validate_template(template, sample_report())
    report = sample_report()
    long = dataclasses.replace(report, narrative=dataclasses.replace(report.narrative, problems="问" * 10_000))
    assert refused_within_bounds(template, long) == TOO_MANY_LOOPS


def test_a_real_report_stays_far_within_the_budget() -> None:
    """The limits leave room: a template that prints every placeholder and loops over every list."""
    template = make_template(
        *(f"{{{{ {name} }}}}" for name in PLACEHOLDERS if name not in ("funds", "indicators", "groups", "subtotals",
                                                                        "funds_total", "budget", "narrative")),
        "{% for g in groups %}{{ g.level1 }}{% for i in g.indicators %}{{ i.sentence }}{{ i.explanation }}"
        "{% endfor %}{% endfor %}",
        "{% for f in funds %}{{ f.label }}{{ f.annual }}{% endfor %}{{ narrative.problems ~ '。' }}",
        "{{ indicators|map(attribute='level3')|join('、') }}{{ '%.2f'|format(3.14159) }}{{ name|center(40) }}",
    )  # fmt: skip
    env = ReportEnvironment()
    rendered = env.from_string("{% for i in indicators %}{{ i.sentence }}{% endfor %}").render(
        template_context(sample_report())
    )
    assert rendered and env.budget.produced < MAX_PRODUCED // 100
    validate_template(template, sample_report())


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
    template = ReportTemplate(name="旧模板", outline="unit", active=True)
    template.file.save("old.docx", ContentFile(make_template(shell_payload(marker))))
    client.force_login(get_user_model().objects.get(username="admin"))
    preview = client.get(reverse("admin:reports_reporttemplate_preview", args=[template.pk]), follow=True)
    assert preview.status_code == 200 and "模板使用了未知的占位符“lipsum”" in preview.content.decode()
    with pytest.raises(TemplateProblem):
        project_file(project=Project.objects.get(code=SEED_CODE), fmt="docx", user=None)
    assert not marker.exists()
