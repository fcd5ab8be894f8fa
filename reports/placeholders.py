"""The 报告模板占位符说明 admin page: every docxtpl placeholder (reports.docx_template.PLACEHOLDERS)
and field with its meaning and the value it takes for the sample project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports.docx_template import (
    BUDGET_FIELDS,
    FUND_FIELDS,
    GROUP_FIELDS,
    INDICATOR_FIELDS,
    NARRATIVE_FIELDS,
    PLACEHOLDERS,
    SUBTOTAL_FIELDS,
    template_context,
)
from reports.sample import sample_report

BUDGET_MEANINGS = {"weight": "预算执行分值", "score": "预算执行得分", "rate": "预算执行率（含 %）"}
GROUP_MEANINGS = {
    "level1": "一级指标",
    "subtotal": "该一级指标小计得分",
    "indicators": "该组指标列表（字段同 indicators）",
    "weight": "该一级指标的分值合计",
    "share": "得分率（按一级指标评等级的方案）",
    "grade": "该一级指标的等级（按一级指标评等级的方案，其他方案为空）",
}
SUBTOTAL_MEANINGS = {"level1": "一级指标", "score": "小计得分"}
EXAMPLE_LENGTH = 60


@dataclass(frozen=True)
class Row:
    code: str  # as written in the template: {{ name }}, {{ i.level3 }}
    meaning: str
    example: str

    @property
    def label(self) -> str:
        """The field's Chinese name: its meaning up to the first note (项目属性, 资金来源, 实际完成值)."""
        return self.meaning.split("，")[0].split("（")[0].split("：")[0]


@dataclass(frozen=True)
class Section:
    title: str
    note: str
    rows: tuple[Row, ...]


def _example(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return f"列表，共 {len(value)} 项"
    if isinstance(value, dict):
        return "对象，字段见下表"
    text = str(value)
    return text if len(text) <= EXAMPLE_LENGTH else text[:EXAMPLE_LENGTH] + "……"


def _fields(prefix: str, meanings: dict[str, str], item: dict[str, Any]) -> tuple[Row, ...]:
    return tuple(Row(f"{{{{ {prefix}.{name} }}}}", meaning, _example(item.get(name, ""))) for name, meaning in
                 meanings.items())  # fmt: skip


def help_sections() -> list[Section]:
    """The page's tables, with the sample project's values (the preview renders the same project)."""
    context = template_context(sample_report("unit"))
    top = tuple(Row(f"{{{{ {name} }}}}", meaning, _example(context[name])) for name, meaning in PLACEHOLDERS.items())
    indicator = context["indicators"][0]
    return [
        Section("占位符（项目数据）", "在模板中直接写 {{ 名称 }}。", top),
        Section("资金明细（funds、funds_total）的字段", "{%tr for f in funds %} … {{ f.label }} … {%tr endfor %}",
                _fields("f", FUND_FIELDS, context["funds"][0])),
        Section("绩效指标（indicators）的字段", "{%tr for i in indicators %} … {{ i.level3 }} … {%tr endfor %}",
                _fields("i", INDICATOR_FIELDS, indicator)),
        Section("报告文字（narrative）的字段", "报告文字，如 {{ narrative.problems }}。",
                _fields("narrative", NARRATIVE_FIELDS, context["narrative"])),
        Section("预算执行（budget）的字段", "",
                _fields("budget", {k: BUDGET_MEANINGS.get(k, k) for k in BUDGET_FIELDS}, context["budget"])),
        Section("按一级指标分组（groups）的字段", "{% for g in groups %} … {% for i in g.indicators %} …",
                _fields("g", {k: GROUP_MEANINGS.get(k, k) for k in GROUP_FIELDS}, context["groups"][0])),
        Section("一级指标小计（subtotals）的字段", "",
                _fields("s", {k: SUBTOTAL_MEANINGS.get(k, k) for k in SUBTOTAL_FIELDS}, context["subtotals"][0])),
    ]  # fmt: skip
