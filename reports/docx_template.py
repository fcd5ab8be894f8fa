"""Admin-uploaded Word templates: docxtpl (Jinja) placeholders filled from a `ReportData`.

`template_context` is the whole vocabulary a template may use; `PLACEHOLDERS` documents it in
Chinese for the admin help page. Rendering is strict: an unknown name is an error, never a blank,
so a typo in a template shows up when it is uploaded (`validate_template`), not in a report.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError

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
    "groups": "按一级指标分组的列表，每组含 level1 一级指标、subtotal 小计得分、indicators 该组指标",
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

NOT_DOCX = "不是有效的 Word（.docx）文件"
HELP = "可用的占位符见“报告模板占位符说明”"
_UNKNOWN = (re.compile(r"'([^']+)' is undefined"), re.compile(r"has no attribute '([^']+)'"))


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
    """Indicators by 一级指标, in the order of the subtotals."""
    return [
        {"level1": name, "subtotal": score, "indicators": [i for i in indicators if i["level1"] == name]}
        for name, score in data.subtotals
    ]


def _chinese_date(data: ReportData) -> str:
    day = data.generated_on
    return f"{day.year}年{day.month}月{day.day}日"


# --- rendering ----------------------------------------------------------------------------


def render_template(data: ReportData, template: bytes) -> bytes:
    """Fill the uploaded `template` with `data`; TemplateProblem if it cannot be used."""
    return _render(_open(template), template_context(data))


def validate_template(template: bytes, sample: ReportData) -> None:
    """Raise TemplateProblem unless `template` is a .docx that renders `sample` with known names only."""
    document = _open(template)
    _render(document, template_context(sample))
    unknown = sorted(_undeclared(_open(template)) - PLACEHOLDERS.keys())
    if unknown:
        raise TemplateProblem(_unknown_message(unknown[0]))


def _environment() -> Environment:
    return Environment(undefined=StrictUndefined, autoescape=True)


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
    """Render and save, turning every failure into a TemplateProblem with a Chinese message."""
    try:
        document.render(context, _environment(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(_syntax_message(exc)) from exc
    except UndefinedError as exc:
        raise TemplateProblem(_undefined_message(exc)) from exc
    except TemplateError as exc:
        raise TemplateProblem(f"模板渲染失败：{exc.message}") from exc
    except Exception as exc:  # e.g. a filter applied to the wrong type, or output that is not valid XML
        raise TemplateProblem(f"模板渲染失败：{exc}") from exc
    return out.getvalue()


def _undeclared(document: DocxTemplate) -> set[str]:
    """Top-level names the template reads (also in branches the sample does not take)."""
    env = _environment()
    try:
        names = document.get_undeclared_template_variables(env)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(_syntax_message(exc)) from exc
    return set(names) - set(env.globals)


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


def _undefined_message(exc: UndefinedError) -> str:
    name = next((m.group(1) for pattern in _UNKNOWN if (m := pattern.search(exc.message or ""))), "")
    return _unknown_message(name) if name else f"模板渲染失败：{exc.message}"


def _unknown_message(name: str) -> str:
    return f"模板使用了未知的占位符“{name}”，{HELP}。"
