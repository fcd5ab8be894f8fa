"""Uploaded docxtpl templates: built here with python-docx, rendered, and read back."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from docx import Document

from reports.data import IndicatorLine, ReportData
from reports.docx_template import (
    FUND_FIELDS,
    INDICATOR_FIELDS,
    NARRATIVE_FIELDS,
    PLACEHOLDERS,
    TemplateProblem,
    render_template,
    template_context,
    validate_template,
)


def make_template(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    """A .docx whose paragraphs (and optional table rows) hold the given template text."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


INDICATOR_TABLE = [
    ["三级指标", "分值", "得分"],
    ["{%tr for i in indicators %}", "", ""],
    ["{{ i.level3 }}", "{{ i.weight }}", "{{ i.score }}"],
    ["{%tr endfor %}", "", ""],
]


def read_back(data: ReportData, template: bytes) -> tuple[list[str], list[list[str]]]:
    doc = Document(io.BytesIO(render_template(data, template)))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return [p.text for p in doc.paragraphs], rows


def problem(template: bytes, sample: ReportData) -> str:
    with pytest.raises(TemplateProblem) as caught:
        validate_template(template, sample)
    return str(caught.value)


# --- context ------------------------------------------------------------------------------


def test_context_keys_are_documented(seed_report):
    context = template_context(seed_report)
    assert set(context) == set(PLACEHOLDERS)
    assert set(context["indicators"][0]) == set(INDICATOR_FIELDS)
    assert {f.name for f in dataclasses.fields(IndicatorLine)} < set(INDICATOR_FIELDS)
    assert set(context["funds"][0]) == set(FUND_FIELDS)
    assert set(context["narrative"]) == set(NARRATIVE_FIELDS)


def test_context_values(seed_report):
    context = template_context(seed_report)
    assert context["total"] == "93.62" and context["grade"] == "优"
    assert context["budget"] == {"weight": "10.00", "score": "8.94", "rate": seed_report.budget_rate}
    assert context["funds"][0]["executed"] == "804.73"
    assert context["funds_sentences"][0].startswith("本年度资金年初预算数900.00万元")
    assert [g["level1"] for g in context["groups"]] == ["产出指标", "效益指标", "满意度指标"]
    assert len(context["groups"][0]["indicators"]) == 8
    day = seed_report.generated_on
    assert context["generated_on"] == f"{day.year}年{day.month}月{day.day}日"


# --- rendering ----------------------------------------------------------------------------


def test_render_paragraphs_and_table_loop(seed_report):
    template = make_template(
        "{{ title }}",
        "项目：{{ name }}（{{ code }}）",
        "总分：{{ total }}，等级：{{ grade }}",
        "{{ funds_sentences[0] }}",
        "{% for g in groups %}{{ g.level1 }}{{ g.subtotal }}；{% endfor %}",
        table=INDICATOR_TABLE,
    )
    paragraphs, rows = read_back(seed_report, template)
    assert "北疆布丝瑰创业就业行动项目绩效自评报告" in paragraphs
    assert "项目：北疆布丝瑰创业就业行动（15000025T000000000900）" in paragraphs
    assert "总分：93.62，等级：优" in paragraphs
    assert "本年度资金年初预算数900.00万元，其中：当年财政拨款900.00万元。" in paragraphs
    assert "产出指标44.68；效益指标30.00；满意度指标10.00；" in paragraphs
    assert rows[0] == ["三级指标", "分值", "得分"]
    assert rows[1:] == [[i.level3, i.weight, i.score] for i in seed_report.indicators]


def test_render_escapes_xml(seed_report):
    data = dataclasses.replace(seed_report, name="A&B <测试> 项目")
    paragraphs, _ = read_back(data, make_template("{{ name }}"))
    assert paragraphs == ["A&B <测试> 项目"]


def test_render_adjusted_sentence(adjusted_report):
    template = make_template("{% for i in indicators %}{% if i.adjusted %}{{ i.sentence }}{% endif %}{% endfor %}")
    paragraphs, _ = read_back(adjusted_report, template)
    assert "得分3.00。（系统计算得分3.50，审核调整理由：按原自评报告的审核意见调整）" in paragraphs[0]


def test_render_unknown_placeholder_raises(seed_report):
    with pytest.raises(TemplateProblem, match="totl"):
        render_template(seed_report, make_template("{{ totl }}"))


# --- validation ---------------------------------------------------------------------------


def test_valid_template_passes(seed_report, department_report):
    template = make_template(
        "{{ name }} {{ total }} {{ narrative.problems }} {{ budget.score }}", table=INDICATOR_TABLE
    )
    validate_template(template, seed_report)
    validate_template(template, department_report)


def test_random_bytes_are_not_docx(seed_report):
    assert problem(bytes(range(256)) * 8, seed_report) == "不是有效的 Word（.docx）文件"


def test_other_zip_is_not_docx(seed_report):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert problem(out.getvalue(), seed_report) == "不是有效的 Word（.docx）文件"


def test_broken_tag(seed_report):
    message = problem(make_template("第一段", "合计：{{ total ", "末段"), seed_report)
    assert message.startswith("模板语法错误（第 2 段）：")
    assert "合计：{{ total" in message  # names the paragraph holding the broken tag


def test_unclosed_block(seed_report):
    message = problem(make_template("{% for i in indicators %}{{ i.level3 }}"), seed_report)
    assert message.startswith("模板语法错误（第 1 段）：“{% for %}”没有结束")


def test_unknown_placeholder(seed_report):
    message = problem(make_template("总分：{{ totl }}"), seed_report)
    assert message.startswith("模板使用了未知的占位符“totl”，可用的占位符见")


def test_unknown_attribute(seed_report):
    assert "“wieght”" in problem(make_template("{{ budget.wieght }}"), seed_report)


def test_unknown_placeholder_in_untaken_branch(seed_report):
    message = problem(make_template("{% if grade == '差' %}{{ totl }}{% endif %}"), seed_report)
    assert "“totl”" in message
