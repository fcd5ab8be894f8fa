"""Admin-uploaded Word templates: docxtpl (Jinja) placeholders filled from a `ReportData`.

`template_context` is the whole vocabulary a template may use; `PLACEHOLDERS` documents it in
Chinese for the admin help page. Rendering is strict: an unknown name is an error, never a blank,
so a typo in a template shows up when it is uploaded (`validate_template`), not in a report.

A template is data written by an admin, never code: before it renders, `_check` refuses every
name, field, import or Python internal (`__class__`, `self`, `|attr`) that is not documented
here, unescaped output (`|safe`, autoescape off), macros, recursive or deeply nested loops, also
in branches a sample would not take; the render itself runs in `ReportEnvironment`, a Jinja
sandbox with no globals that reads nothing but the keys of plain dicts and lists.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reports.data import FundLine, IndicatorLine, ReportData
from reports.outline import indicator_sentence

PLACEHOLDERS: dict[str, str] = {
    "title": "报告标题，如“××项目绩效自评报告”",
    "code": "项目编码",
    "name": "项目名称",
    "year": "年度（数字，如 2025）",
    "unit": "实施单位（编码-名称）",
    "department": "主管部门",
    "attribute": "项目属性",
    "overall_goal": "项目总体目标",
    "annual_goal": "年度绩效目标（预期目标）",
    "actual_summary": "绩效目标实际完成情况",
    "scheme": "评分方案名称",
    "funds": "资金明细列表，第一行为年度资金总额，其后为各资金来源；每行字段见 FUND_FIELDS",
    "funds_total": "年度资金总额一行（字段同 funds 的每一行）",
    "funds_sentences": "资金投入情况三句话（年初预算数、全年预算数、全年执行数），列表",
    "budget": "预算执行指标：weight 分值、score 得分、rate 执行率（部门评价方案为空字符串）",
    "indicators": "全部绩效指标列表，每项字段见 INDICATOR_FIELDS",
    "groups": "按一级指标分组的列表，每组含 level1 一级指标、subtotal 小计得分、indicators 该组指标，"
    "以及 weight 分值、share 得分率（含 %）、grade 一级指标等级（仅 2013 共性指标框架方案，其他方案为空字符串）",
    "subtotals": "一级指标小计列表，每项含 level1 与 score",
    "indicator_total": "绩效指标合计得分（不含预算执行）",
    "total": "总分（两位小数）",
    "grade": "评价等级（优/良/中/差）",
    "narrative": "文字部分，字段见 NARRATIVE_FIELDS，如 narrative.problems",
    "generated_on": "生成日期，如“2025年3月1日”",
}

FUND_FIELDS: dict[str, str] = {
    "label": "资金来源（年度资金总额、当年财政拨款等）",
    "initial": "年初预算数（万元）",
    "annual": "全年预算数（万元）",
    "executed": "全年执行数（万元）",
    "rate": "执行率（含 %）",
}

INDICATOR_FIELDS: dict[str, str] = {
    "n": "序号（从 1 起）",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "comparator": "比较符（≥、≤、=、定性等）",
    "target": "年度指标值（含比较符与单位）",
    "actual": "实际完成值（含单位）",
    "unit": "计量单位",
    "weight": "分值",
    "computed": "系统计算得分",
    "score": "得分（审核调整后）",
    "adjusted": "是否经审核调整（真/假）",
    "adjust_reason": "审核调整理由",
    "reason": "偏差原因分析及改进措施",
    "explanation": "系统评分说明",
    "sentence": "按范文写好的一句话，如“1）开展技能培训，目标值≥9期，实际完成9期，分值7.00，得分7.00。”",
}

NARRATIVE_FIELDS: dict[str, str] = {
    "introduction": "项目基本情况简介",
    "purpose": "绩效自评目的",
    "outputs": "项目资金产出情况",
    "management": "项目资金管理情况",
    "problems": "存在问题",
    "plans": "后续工作计划",
    "measures": "措施及办法",
    "experience": "主要经验及做法",
    "suggestions": "有关建议",
}

BUDGET_FIELDS = ("weight", "score", "rate")
GROUP_FIELDS = ("level1", "subtotal", "indicators", "weight", "share", "grade")
SUBTOTAL_FIELDS = ("level1", "score")
LOOP_FIELDS = ("index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0",
               "previtem", "nextitem")  # fmt: skip
# Every attribute a template may read: the documented fields of the placeholders, and `loop.…` in a for.
FIELDS = frozenset((*FUND_FIELDS, *INDICATOR_FIELDS, *NARRATIVE_FIELDS, *BUDGET_FIELDS, *GROUP_FIELDS,
                    *SUBTOTAL_FIELDS, *LOOP_FIELDS))  # fmt: skip
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # what docxtpl renders
MAX_REPEAT = 100_000  # characters (or items) one `*` may produce
MAX_LOOP_DEPTH = 3  # groups → indicators needs two
# Tags and filters that read no placeholder but write unescaped XML (safe, autoescape false), call
# (macro, call, recursive loops: exponential templates) or read other files (include, import, extends).
REFUSED_NODES = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import",
                 nodes.Extends: "extends", nodes.Macro: "macro", nodes.CallBlock: "call",
                 nodes.EvalContextModifier: "autoescape", nodes.ScopedEvalContextModifier: "autoescape"}  # fmt: skip
REFUSED_FILTERS = frozenset({"attr", "safe"})

NOT_DOCX = "不是有效的 Word（.docx）文件"
HELP = "可用的占位符见“报告模板占位符说明”"
NOT_ALLOWED = "模板使用了不允许的写法“{what}”：模板只能读取“报告模板占位符说明”中列出的占位符和字段。"
TOO_LONG = "重复生成的内容过长（超过 {limit} 个字符）"
TOO_DEEP = f"模板的循环嵌套过深（最多 {MAX_LOOP_DEPTH} 层）。"
NO_POWER = "模板不支持乘方运算（**）"
_UNKNOWN = (re.compile(r"'([^']+)' is undefined"), re.compile(r"has no attribute '([^']+)'"))
_UNSAFE = re.compile(r"attribute '([^']+)' of")


class TemplateProblem(ValueError):
    """A template that cannot be used; the message (Chinese) is shown to the admin."""


# --- context ------------------------------------------------------------------------------


def template_context(data: ReportData) -> dict[str, Any]:
    """Everything a template may use, keyed as in PLACEHOLDERS (all values display-ready)."""
    indicators = [_indicator(n, line) for n, line in enumerate(data.indicators, start=1)]
    return {
        "title": data.title, "code": data.code, "name": data.name, "year": data.year, "unit": data.unit,
        "department": data.department, "attribute": data.attribute, "overall_goal": data.overall_goal,
        "annual_goal": data.annual_goal, "actual_summary": data.actual_summary, "scheme": data.scheme_label,
        "funds": [_fund(f) for f in data.funds], "funds_total": _fund(data.funds[0]),
        "funds_sentences": list(data.funds_sentences),
        "budget": {"weight": data.budget_weight, "score": data.budget_score, "rate": data.budget_rate},
        "indicators": indicators, "groups": _groups(data, indicators),
        "subtotals": [{"level1": name, "score": score} for name, score in data.subtotals],
        "indicator_total": data.indicator_total, "total": data.total, "grade": data.grade,
        "narrative": dataclasses.asdict(data.narrative), "generated_on": _chinese_date(data),
    }  # fmt: skip


def _fund(line: FundLine) -> dict[str, str]:
    return dataclasses.asdict(line)


def _indicator(n: int, line: IndicatorLine) -> dict[str, Any]:
    return {"n": n, **dataclasses.asdict(line), "sentence": indicator_sentence(n, line)}


def _groups(data: ReportData, indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Indicators by 一级指标, in the order of the subtotals, with the 一级's grade where the scheme gives one."""
    graded = {g[0]: g for g in data.level1_grades}
    return [
        {"level1": name, "subtotal": score, "indicators": [i for i in indicators if i["level1"] == name],
         "weight": graded[name][2] if name in graded else "", "share": graded[name][3] if name in graded else "",
         "grade": graded[name][4] if name in graded else ""}
        for name, score in data.subtotals
    ]  # fmt: skip


def _chinese_date(data: ReportData) -> str:
    day = data.generated_on
    return f"{day.year}年{day.month}月{day.day}日"


# --- the sandbox --------------------------------------------------------------------------


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """Jinja that can read the placeholders and nothing else.

    No globals (lipsum, cycler, joiner, namespace, range, dict), no attribute of any Python
    object (the context is plain dicts and lists, whose keys Jinja reads by subscription) but
    the `loop.…` fields, no calls at all, and no unbounded `*` or `**`.
    """

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True)
        self.globals.clear()

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return isinstance(obj, LoopContext) and attr in LOOP_FIELDS

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError(NO_POWER)
        sized, count = (left, right) if isinstance(left, str | list | tuple) else (right, left)
        if isinstance(sized, str | list | tuple) and isinstance(count, int) and len(sized) * count > MAX_REPEAT:
            raise SecurityError(TOO_LONG.format(limit=MAX_REPEAT))
        return super().call_binop(context, operator, left, right)


def _plain(value: Any) -> Any:
    """`value` as plain dicts, lists, str, int, bool, Decimal and None: no object reaches a template."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)  # a plain str, never Markup (which autoescape would not escape)
    if value is None or isinstance(value, int | Decimal):
        return value
    raise TypeError(f"not plain report data: {type(value).__name__}")


# --- checking a template before it runs ----------------------------------------------------


def _source(document: DocxTemplate) -> str:
    """The Jinja source of every part docxtpl renders (body, headers, footers, footnotes, core
    properties), laid out as docxtpl lays it out so that line numbers name the paragraph."""
    docx = document.docx
    parts = [docx._element.body]
    parts += [rel.target_part.element for rel in docx.part.rels.values()
              if rel.reltype in (document.HEADER_URI, document.FOOTER_URI) and not rel.is_external]  # fmt: skip
    parts += [parse_xml(p.blob) for p in docx.part.package.iter_parts() if p.content_type == FOOTNOTES]
    xml = "".join(document.patch_xml(document.xml_to_string(part)) for part in parts)
    properties = [getattr(docx.core_properties, name) or "" for name in CORE_PROPERTIES]
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml) + "\n".join(["", *properties])


def _parse(document: DocxTemplate, env: ReportEnvironment) -> nodes.Template:
    source = _source(document)
    try:
        return env.parse(source)
    except TemplateSyntaxError as exc:
        first = max((exc.lineno or 1) - 4, 0)
        exc.docx_context = [re.sub(r"<[^>]+>", "", line) for line in source.splitlines()[first : first + 7]]
        raise TemplateProblem(_syntax_message(exc)) from exc


def _post_order(node: nodes.Node) -> Iterator[nodes.Node]:
    """Children before their parent, so `a.b.c` yields `a.b` before `(a.b).c` (reading order)."""
    for child in node.iter_child_nodes():
        yield from _post_order(child)
    yield node


def _refusal(node: nodes.Node) -> str | None:
    """Why `node` may not appear in a template, or None."""
    if type(node) in REFUSED_NODES:
        return NOT_ALLOWED.format(what=REFUSED_NODES[type(node)])
    if isinstance(node, nodes.For) and node.recursive:
        return NOT_ALLOWED.format(what="recursive")
    if isinstance(node, nodes.For) and _loop_depth(node) > MAX_LOOP_DEPTH:
        return TOO_DEEP
    if isinstance(node, nodes.Name) and node.name == "self":
        return NOT_ALLOWED.format(what="self")
    if isinstance(node, nodes.Filter) and node.name in REFUSED_FILTERS:
        return NOT_ALLOWED.format(what=node.name)
    if isinstance(node, nodes.Const) and isinstance(node.value, str) and "__" in node.value:
        return NOT_ALLOWED.format(what=node.value)
    field = node.attr if isinstance(node, nodes.Getattr) else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        field = node.arg.value
    if field is not None and field.startswith("_"):
        return NOT_ALLOWED.format(what=field)
    if field is not None and field not in FIELDS:
        return _unknown_message(field)
    return None


def _loop_depth(node: nodes.Node) -> int:
    inner = max((_loop_depth(child) for child in node.iter_child_nodes()), default=0)
    return inner + 1 if isinstance(node, nodes.For) else inner


def _check(document: DocxTemplate) -> None:
    """Refuse a template that reads anything but the documented placeholders, also in branches
    a sample would not take: unknown names first, then internals, unknown fields and imports."""
    env = ReportEnvironment()
    tree = _parse(document, env)
    unknown = sorted(meta.find_undeclared_variables(tree) - PLACEHOLDERS.keys())
    if unknown:
        raise TemplateProblem(_unknown_message(unknown[0]))
    for node in _post_order(tree):
        if reason := _refusal(node):
            raise TemplateProblem(reason)


# --- rendering ----------------------------------------------------------------------------


def render_template(data: ReportData, template: bytes) -> bytes:
    """Fill the uploaded `template` with `data`; TemplateProblem if it cannot be used."""
    document = _open(template)
    _check(document)
    return _render(document, template_context(data))


def validate_template(template: bytes, sample: ReportData) -> None:
    """Raise TemplateProblem unless `template` is a .docx that uses known placeholders only and
    renders `sample`."""
    render_template(sample, template)


def _open(template: bytes) -> DocxTemplate:
    """A DocxTemplate over `template`, or TemplateProblem when the bytes are not a Word file."""
    if not zipfile.is_zipfile(io.BytesIO(template)):
        raise TemplateProblem(NOT_DOCX)
    document = DocxTemplate(io.BytesIO(template))
    try:
        document.init_docx()
    except Exception as exc:  # an arbitrary upload fails to open in many ways (zip, OPC, XML)
        raise TemplateProblem(NOT_DOCX) from exc
    return document


def _render(document: DocxTemplate, context: dict[str, Any]) -> bytes:
    """Render (sandboxed) and save, turning every failure into a TemplateProblem with a Chinese message."""
    try:
        document.render(_plain(context), ReportEnvironment(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(_syntax_message(exc)) from exc
    except UndefinedError as exc:
        raise TemplateProblem(_undefined_message(exc)) from exc
    except SecurityError as exc:
        raise TemplateProblem(_security_message(exc)) from exc
    except TemplateError as exc:
        raise TemplateProblem(f"模板渲染失败：{exc.message}") from exc
    except Exception as exc:  # e.g. a filter applied to the wrong type, or output that is not valid XML
        raise TemplateProblem(f"模板渲染失败：{exc}") from exc
    return out.getvalue()


def _syntax_message(exc: TemplateSyntaxError) -> str:
    """模板语法错误：<jinja message>（位置：“<text of the paragraph>”）."""
    message = f"模板语法错误：{exc.message}"
    where = _error_text(exc)
    return f"{message}（位置：“{where}”）" if where else message


def _error_text(exc: TemplateError) -> str:
    """The text of the offending paragraph, from the context docxtpl attaches (one line per paragraph)."""
    lines = list(getattr(exc, "docx_context", None) or [])
    lineno = getattr(exc, "lineno", None)
    if not lines or not lineno:
        return ""
    index = lineno - 1 - max(lineno - 4, 0)
    text = lines[index].strip() if 0 <= index < len(lines) else ""
    return text if len(text) <= 60 else text[:60] + "…"


def _security_message(exc: SecurityError) -> str:
    unsafe = _UNSAFE.search(exc.message or "")
    return NOT_ALLOWED.format(what=unsafe.group(1)) if unsafe else f"模板渲染失败：{exc.message}"


def _undefined_message(exc: UndefinedError) -> str:
    name = next((m.group(1) for pattern in _UNKNOWN if (m := pattern.search(exc.message or ""))), "")
    return _unknown_message(name) if name else f"模板渲染失败：{exc.message}"


def _unknown_message(name: str) -> str:
    return f"模板使用了未知的占位符“{name}”，{HELP}。"
