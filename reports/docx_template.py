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
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta, nodes, pass_context
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, LoopContext, markup_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg
from jinja2.visitor import NodeTransformer
from markupsafe import escape

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
    "funds": "资金明细列表，第一行为年度资金总额，其后为各资金来源；每行字段见“资金明细的字段”",
    "funds_total": "年度资金总额一行（字段同 funds 的每一行）",
    "funds_sentences": "资金投入情况三句话（年初预算数、全年预算数、全年执行数），列表",
    "budget": "预算执行指标：weight 分值、score 得分、rate 执行率（部门评价方案为空字符串）",
    "indicators": "全部绩效指标列表，每项字段见“绩效指标的字段”",
    "groups": "按一级指标分组的列表，每组含 level1 一级指标、subtotal 小计得分、indicators 该组指标，"
    "以及 weight 分值、share 得分率（含 %）、grade 一级指标等级（仅 2013 共性指标框架方案，其他方案为空字符串）",
    "subtotals": "一级指标小计列表，每项含 level1 与 score",
    "indicator_total": "绩效指标合计得分（不含预算执行）",
    "total": "总分（两位小数）",
    "grade": "评价等级（优/良/中/差）",
    "narrative": "文字部分，字段见“报告文字的字段”，如 narrative.problems",
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
MAX_TEXT = 1_000_000  # characters one value a template computes may have (as text)
MAX_PRODUCED = 10_000_000  # characters one render may produce in all (Budget)
MAX_ITERATIONS = 10_000  # loop iterations of one render, all loops together
MAX_FORMAT_WIDTH = 1_000  # width or precision of a %-format ('%0300000000d')
MAX_INT_BITS = 1_024  # a product of integers may not grow beyond this
MAX_NESTING = 50  # depth of a template's syntax tree (3,000 nested parentheses would crash the parser)
LOOP_FILTER, CONCAT_FILTER, VALUE_FILTER = "_loop", "_concat", "_value"  # internal (Bounded)
MAX_LOOP_DEPTH = 3  # groups → indicators needs two
# Tags and filters that read no placeholder but write unescaped XML (safe, autoescape false), call
# (macro, call, recursive loops: exponential templates) or read other files (include, import, extends).
REFUSED_NODES = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import",
                 nodes.Extends: "extends", nodes.Macro: "macro", nodes.CallBlock: "call",
                 nodes.EvalContextModifier: "autoescape", nodes.ScopedEvalContextModifier: "autoescape"}  # fmt: skip
REFUSED_FILTERS = frozenset({"attr", "safe", LOOP_FILTER, CONCAT_FILTER, VALUE_FILTER})

NOT_DOCX = "不是有效的 Word（.docx）文件"
HELP = "可用的占位符见“报告模板占位符说明”"
NOT_ALLOWED = "模板使用了不允许的写法“{what}”：模板只能读取“报告模板占位符说明”中列出的占位符和字段。"
TOO_LONG = (
    f"模板生成的内容过长：一处内容超过 {MAX_TEXT:,} 个字符。请检查模板中的重复（*、~、+）和宽度（center、indent）。"
)
TOO_MUCH = f"模板生成的内容过多：一份报告超过 {MAX_PRODUCED:,} 个字符。请检查模板中的循环和重复。"
TOO_MANY_LOOPS = f"模板的循环次数过多：一份报告的循环合计超过 {MAX_ITERATIONS:,} 次。请不要对长文字逐字循环。"
FORMAT_TOO_WIDE = f"模板的格式宽度过大：“%…”中的宽度或精度最多 {MAX_FORMAT_WIDTH}，且不能用“*”。"
NUMBER_TOO_BIG = "模板计算的数字过大。"
TOO_NESTED = f"模板嵌套过深：括号、条件或表达式最多嵌套 {MAX_NESTING} 层，请简化模板。"
TOO_DEEP = f"模板的循环嵌套过深（最多 {MAX_LOOP_DEPTH} 层）。"
NO_POWER = "模板不支持乘方运算（**）"
RENDER_FAILED = (
    "模板渲染失败：模板中的某处写法不能用于报告数据（如对数字使用了文字的过滤器），请对照“报告模板占位符说明”检查。"
)
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


class OverBudget(SecurityError):
    """A template asked for more than a report can need (size, loops, numbers); the message is Chinese."""


class Budget:
    """What one render may produce: no value longer than MAX_TEXT, no more than MAX_PRODUCED
    characters in all (output, loop bodies, computed values and the work of measuring them), no
    more than MAX_ITERATIONS loop iterations. Every limit is checked before the work it bounds."""

    def __init__(self) -> None:
        self.produced = 0
        self.iterations = 0

    def charge(self, characters: int) -> None:
        self.produced += characters
        if self.produced > MAX_PRODUCED:
            raise OverBudget(TOO_MUCH)

    def allow(self, estimate: int) -> None:
        """Refuse before computing a value that would be longer than MAX_TEXT."""
        if estimate > MAX_TEXT:
            raise OverBudget(TOO_LONG)

    def measure(self, value: Any) -> int:
        """The length `value` has as text (a list with its brackets, commas and quotes), walking
        containers without converting them, stopping as soon as it passes MAX_TEXT (refused).
        Containers that share items count each time they are reached, as their text would."""
        size, steps, stack = 0, 0, [value]
        while stack:
            item = stack.pop()
            steps += 1
            if isinstance(item, str):
                size += len(item) + 2
            elif isinstance(item, list | tuple):
                size += 2
                stack.extend(item)
            elif isinstance(item, dict):
                size += 2
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, bool) or item is None:
                size += 5
            elif isinstance(item, int):
                size += item.bit_length() // 3 + 2
            else:  # Decimal, Undefined, loop, generator: short as text or not text at all
                size += 30
            if size > MAX_TEXT:
                self.charge(steps)
                raise OverBudget(TOO_LONG)
        self.charge(steps)
        return size

    def made(self, value: Any) -> Any:
        """A value the template has just computed: measured and charged."""
        if isinstance(value, str | list | tuple | dict):
            self.charge(self.measure(value))
        return value

    def loop(self, iterable: Any, body: int) -> Iterator[Any]:
        """Each item of a `for`, counted, with the `body` characters the loop writes per item."""
        for item in iterable:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                raise OverBudget(TOO_MANY_LOOPS)
            self.charge(body)
            yield item


_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.S)


def _format_estimate(budget: Budget, pattern: str, values: Any) -> int:
    """An upper bound of len(pattern % values): refuses `*` widths and widths over MAX_FORMAT_WIDTH."""
    specs = [m for m in _PRINTF.finditer(pattern) if m.group(3) != "%"]
    for match in specs:
        for number in match.group(1, 2):
            if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                raise OverBudget(FORMAT_TOO_WIDE)
    widths = sum(int(n or 0) for m in specs for n in m.group(1, 2) if n and n != "*")
    return len(pattern) + widths + len(specs) * budget.measure(values)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _estimate(budget: Budget, name: str, value: Any, args: tuple, kwargs: dict) -> None:
    """Refuse before a filter that can make a value much longer than its input would pass MAX_TEXT."""

    def arg(position: int, key: str, default: Any) -> Any:
        return args[position] if len(args) > position else kwargs.get(key, default)

    if name == "center":
        budget.allow(max(len(_text(value)), _int(arg(0, "width", 80))))
    elif name == "indent":
        width = arg(0, "width", 4)
        pad = len(width) if isinstance(width, str) else _int(width)
        text = _text(value)
        budget.allow(len(text) + (text.count("\n") + 1) * pad)
    elif name == "replace":
        text, old, new = _text(value), _text(arg(0, "old", "")), _text(arg(1, "new", ""))
        occurrences = text.count(old) if old else len(text) + 1
        budget.allow(len(text) + occurrences * max(len(new) - len(old), 0))
    elif name == "format":
        budget.allow(_format_estimate(budget, _text(value), (args, kwargs)))
    elif name == "wordwrap":
        text = _text(value)
        budget.allow(len(text) * (1 + len(_text(arg(2, "wrapstring", None) or "\n"))))
    elif name in ("batch", "slice") and _int(arg(0, "linecount" if name == "batch" else "slices", 1)) > MAX_ITERATIONS:
        raise OverBudget(TOO_MANY_LOOPS)


def _bits(number: int) -> int:
    return number.bit_length()


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


class Bounded(NodeTransformer):
    """Rewrites a parsed template so that what can grow goes through the budget: each loop's items
    (`_loop`, charging the loop body's own text per item), each `~` (`_concat`) and each list,
    tuple or dict the template builds (`_value`). Runs on the tree docxtpl compiles, after `_check`
    has read the tree as written."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        body = sum(len(n.data) for item in node.body for n in item.find_all(nodes.TemplateData))
        body += sum(len(n.value) for item in node.body for n in item.find_all(nodes.Const) if isinstance(n.value, str))
        node.iter = _filter(node.iter, LOOP_FILTER, nodes.Const(body))
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _filter(nodes.List(node.nodes, lineno=node.lineno), CONCAT_FILTER)

    def visit_List(self, node: nodes.List) -> nodes.Node:
        return _filter(self.generic_visit(node), VALUE_FILTER)

    def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
        return _filter(self.generic_visit(node), VALUE_FILTER)

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        self.generic_visit(node)
        return _filter(node, VALUE_FILTER) if node.ctx == "load" else node


def _filter(node: nodes.Expr, name: str, *args: nodes.Expr) -> nodes.Filter:
    return nodes.Filter(node, name, list(args), [], None, None, lineno=node.lineno)


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """Jinja that can read the placeholders and nothing else, within a budget.

    No globals (lipsum, cycler, joiner, namespace, range, dict), no attribute of any Python
    object (the context is plain dicts and lists, whose keys Jinja reads by subscription) but
    the `loop.…` fields, no calls at all, no `**`; and what a template computes is bounded
    (`Budget`, one per environment, so one per render): `*`, `+`, `%`, `~`, every filter, every
    loop and every output. Filters take the context, which also keeps Jinja from running them
    while it compiles (a folded constant would be written per loop item without being charged).
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True)
        self.globals.clear()
        self.budget = Budget()
        self.finalize = self._output
        self.filters = {name: self._bounded(name, func) for name, func in self.filters.items()}
        self.filters[LOOP_FILTER] = pass_context(lambda context, items, body: self.budget.loop(items, body))
        self.filters[CONCAT_FILTER] = pass_context(lambda context, parts: self._concat(parts))
        self.filters[VALUE_FILTER] = pass_context(lambda context, value: self.budget.made(value))

    def _generate(
        self, source: nodes.Template, name: str | None, filename: str | None, defer_init: bool = False
    ) -> str:
        """Jinja's hook between parsing and code generation ("can be overridden"): compile the bounded tree."""
        return super()._generate(Bounded().visit(source), name, filename, defer_init)

    def _output(self, value: Any) -> Any:
        """Each {{ … }}: escaped here (so Jinja does not escape it again) and charged."""
        self.budget.measure(value)
        text = escape(value)
        self.budget.charge(len(text))
        return text

    def _concat(self, parts: list[Any]) -> str:
        """`a ~ b`: Jinja's own join (escaping what is not markup), once the parts' length is allowed."""
        self.budget.allow(sum(self.budget.measure(part) for part in parts))
        return self.budget.made(markup_join(parts))

    def _bounded(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        """`func` (a Jinja filter) checked before (`_estimate`) and its result measured after."""
        passed = _PassArg.from_obj(func)

        @pass_context
        def bounded(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
            if name == "join":
                value = list(value) if not isinstance(value, str) else value
                separator = _text(args[0] if args else kwargs.get("d", ""))
                self.budget.allow(self.budget.measure(value) + len(value) * len(separator))
            else:
                _estimate(self.budget, name, value, args, kwargs)
            first = {_PassArg.context: (context,), _PassArg.eval_context: (context.eval_ctx,),
                     _PassArg.environment: (self,)}.get(passed, ())  # fmt: skip
            return self.budget.made(func(*first, value, *args, **kwargs))

        return bounded

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return isinstance(obj, LoopContext) and attr in LOOP_FIELDS

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError(NO_POWER)
        budget = self.budget
        if operator == "*":
            sized, count = (left, right) if isinstance(left, str | list | tuple) else (right, left)
            if isinstance(sized, str | list | tuple) and isinstance(count, int):
                budget.allow(budget.measure(sized) * max(count, 0))
            elif isinstance(left, int) and isinstance(right, int) and _bits(left) + _bits(right) > MAX_INT_BITS:
                raise OverBudget(NUMBER_TOO_BIG)
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            budget.allow(budget.measure(left) + budget.measure(right))
        elif operator == "%" and isinstance(left, str):
            budget.allow(_format_estimate(budget, left, right))
        return budget.made(super().call_binop(context, operator, left, right))


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
    """The template's syntax tree, at most MAX_NESTING deep (the checks below and Jinja's compiler recurse)."""
    source = _source(document)
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        first = max((exc.lineno or 1) - 4, 0)
        exc.docx_context = [re.sub(r"<[^>]+>", "", line) for line in source.splitlines()[first : first + 7]]
        raise TemplateProblem(_syntax_message(exc)) from exc
    except (RecursionError, MemoryError) as exc:  # Jinja's parser recurses once per parenthesis
        raise TemplateProblem(TOO_NESTED) from exc
    if _depth(tree) > MAX_NESTING:
        raise TemplateProblem(TOO_NESTED)
    return tree


def _depth(tree: nodes.Node) -> int:
    """How deep the tree is, without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_NESTING:
            stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest


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
    try:
        undeclared = meta.find_undeclared_variables(tree)  # compiles: an unknown filter is found here
    except TemplateSyntaxError as exc:
        raise TemplateProblem(_syntax_message(exc)) from exc
    unknown = sorted(undeclared - PLACEHOLDERS.keys())
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
    except OverBudget as exc:
        raise TemplateProblem(str(exc)) from exc
    except SecurityError as exc:
        raise TemplateProblem(_security_message(exc)) from exc
    except (RecursionError, MemoryError) as exc:
        raise TemplateProblem(TOO_NESTED if isinstance(exc, RecursionError) else TOO_MUCH) from exc
    except TemplateError as exc:
        raise TemplateProblem(RENDER_FAILED) from exc
    except Exception as exc:  # e.g. a filter applied to the wrong type, or output that is not valid XML
        raise TemplateProblem(RENDER_FAILED) from exc
    return out.getvalue()


# Jinja's parser and compiler messages in Chinese; anything else gets SYNTAX_FALLBACK (never English).
_TOKENS = {"end of print statement": "“}}”", "end of statement block": "“%}”", "end of template": "模板结尾",
           "name": "名称", "integer": "数字", "float": "数字", "string": "文字", "begin of print statement": "“{{”",
           "begin of statement block": "“{%”", "end of comment": "“#}”", "operator": "运算符"}  # fmt: skip
SYNTAX_FALLBACK = "写法有误，请检查“{{ }}”与“{% %}”是否成对、名称是否写对"


def _token(name: str) -> str:
    return _TOKENS.get(name, f"“{name}”")


def _tags(listed: str) -> str:
    return "或".join(f"“{{% {tag} %}}”" for tag in re.findall(r"'(\w+)'", listed))


_SYNTAX = (
    (re.compile(r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\. "
                r"The innermost block that needs to be closed is '(\w+)'"),
     lambda m: f"“{{% {m[2]} %}}”没有结束，缺少{_tags(m[1])}"),
    (re.compile(r"Encountered unknown tag '(\w+)'\. Jinja was looking for the following tags: (.+?)\. "
                r"The innermost block that needs to be closed is '(\w+)'"),
     lambda m: f"“{{% {m[1]} %}}”与前面的“{{% {m[3]} %}}”不成对，此处应为{_tags(m[2])}"),
    (re.compile(r"Encountered unknown tag '(\w+)'"),
     lambda m: f"不认识的标签“{{% {m[1]} %}}”（多余的结束标签或拼写错误）"),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"), lambda m: f"此处应为{_token(m[1])}，却是{_token(m[2])}"),
    (re.compile(r"unexpected '(.+?)', expected '(.+?)'"), lambda m: f"此处应为{_token(m[2])}，却是{_token(m[1])}"),
    (re.compile(r"unexpected '(.+?)'"), lambda m: f"多余或不成对的{_token(m[1])}"),
    (re.compile(r"unexpected char '(.+?)'"), lambda m: f"不能识别的字符“{m[1]}”"),
    (re.compile(r"Missing end of comment tag"), lambda m: "注释“{#”缺少结尾“#}”"),
    (re.compile(r"(?i)unexpected end of template"), lambda m: "模板意外结束，有没有闭合的“{{”或“{%”"),
    (re.compile(r"No filter named '(.+?)'"), lambda m: f"不认识的过滤器“{m[1]}”"),
    (re.compile(r"No test named '(.+?)'"), lambda m: f"不认识的判断“{m[1]}”"),
    (re.compile(r"expected name or number"), lambda m: "此处应为名称或数字"),
    (re.compile(r"tag name expected"), lambda m: "“{%”之后应为标签名"),
)  # fmt: skip


def syntax_text(message: str) -> str:
    """Jinja's (English) syntax message `message` in Chinese, or SYNTAX_FALLBACK."""
    for pattern, text in _SYNTAX:
        if found := pattern.search(message or ""):
            return text(found)
    return SYNTAX_FALLBACK


def _syntax_message(exc: TemplateSyntaxError) -> str:
    """模板语法错误（第 N 段）：<the mistake in Chinese>（位置：“<text of the paragraph>”）. The
    source has one paragraph a line after the body's opening line (_source), so line N is paragraph N - 1."""
    paragraph = f"（第 {exc.lineno - 1} 段）" if getattr(exc, "docx_context", None) and (exc.lineno or 0) > 1 else ""
    message = f"模板语法错误{paragraph}：{syntax_text(exc.message or '')}"
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
    return NOT_ALLOWED.format(what=unsafe.group(1)) if unsafe else RENDER_FAILED


def _undefined_message(exc: UndefinedError) -> str:
    name = next((m.group(1) for pattern in _UNKNOWN if (m := pattern.search(exc.message or ""))), "")
    return _unknown_message(name) if name else f"模板使用了未定义的内容，{HELP}。"


def _unknown_message(name: str) -> str:
    return f"模板使用了未知的占位符“{name}”，{HELP}。"
