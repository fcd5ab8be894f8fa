"""One 项目支出绩效评价报告 of a unit covering several of its projects (seed 002: 武定县总工会, 2020),
in the 部门评价 outline of 财预〔2020〕10号 附件3: the common sections, a section with its score
table per project under 四、绩效评价指标分析, and a summary table of every project's result.

`unit_report_for(projects)` gathers a frozen `UnitReportData` (the projects' `ReportData` from
reports/data.py plus their amounts, a fixed number of queries per GATHER_BATCH projects, and the
unit's own text: reports.models.UnitReportText); `unit_outline(data)` turns it into the blocks that
reports/docx.py and reports/pdf.py render (`render_document`), so the narrative, the tables and
the summary print the same numbers.

Which projects may be in a report is the caller's business (reports.forms.UnitReportForm: one
unit, no draft and no unscored project, see `unfinished`): a draft would print as 0.00 差.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from projects.models import Fund, Project, Status
from reports.data import DEFAULT_PURPOSE, ReportData, reports_for
from reports.outline import (
    GRADE_STANDARD,
    NOT_FILLED,
    Block,
    Document,
    Grid,
    Heading,
    Paragraph,
    annex_grid,
    indicator_sentence,
    quoted,
)
from scoring.display import amount, chinese_date
from scoring.types import ZERO

DIGITS = "零一二三四五六七八九"
GRADES = ("优", "良", "中", "差")
LONG_NAME, LONG_NAME_BREAK = 8, "\n"  # a title line holds about 18 characters at 二号
GATHER_BATCH = 20  # projects gathered at a time (the worker's progress moves on after each batch)
NO_OTHER = "无其他需要说明的问题。"
SUMMARY_HEADER = ("序号", "项目编码", "项目名称", "全年预算数", "全年执行数", "执行率", "总分", "等级")  # 万元: caption


def unfinished() -> Q:
    """Projects a unit report leaves out: drafts and projects without a score (their 0.00 差 is no result)."""
    return Q(status=Status.DRAFT) | Q(scored=False) | Q(score_grade="")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (projects in one report stay below 100)."""
    tens, ones = divmod(n, 10)
    if not tens:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class ProjectPart:
    """One project of the unit's report: its report data and its amounts (万元) as numbers."""

    report: ReportData
    annual: Decimal
    executed: Decimal

    @property
    def rate(self) -> Decimal | None:
        return self.executed * 100 / self.annual if self.annual > 0 else None


@dataclass(frozen=True)
class UnitReportData:
    unit: str  # the unit's name, as the report's title and signature print it
    years: tuple[int, ...]
    parts: tuple[ProjectPart, ...]
    generated_on: datetime.date
    texts: Mapping[str, str] = field(default_factory=dict)  # UnitReportText's sections by field name

    @property
    def title(self) -> str:
        """As seed 002 (武定县总工会项目支出绩效评价报告); a long unit name on a line of its own."""
        return f"{self.unit}{LONG_NAME_BREAK if len(self.unit) > LONG_NAME else ''}项目支出绩效评价报告"

    @property
    def filename(self) -> str:
        return f"{self.title.replace(LONG_NAME_BREAK, '')}{self.subtitle}"

    @property
    def subtitle(self) -> str:
        return f"（{'、'.join(str(y) for y in self.years)}年度）"

    @property
    def annual(self) -> Decimal:
        return sum((p.annual for p in self.parts), ZERO)

    @property
    def executed(self) -> Decimal:
        return sum((p.executed for p in self.parts), ZERO)


def unit_report_for(projects: QuerySet[Project], *, unit: str, texts: Mapping[str, str] | None = None,
                    progress: Callable[[int], None] | None = None) -> UnitReportData:  # fmt: skip
    """The report of `projects` (one unit's, finished ones: checked by the caller) in code order,
    with the unit's `texts`; `progress(n)` is told how many projects are gathered so far."""
    order = ("year", "code", "pk")
    ids = list(projects.order_by(*order).values_list("pk", flat=True))
    reports: list[ReportData] = []
    for start in range(0, len(ids), GATHER_BATCH):
        reports += reports_for(Project.objects.filter(pk__in=ids[start : start + GATHER_BATCH]).order_by(*order))
        if progress:
            progress(len(reports))
    sums = {
        row["project"]: (row["annual"] or ZERO, row["executed"] or ZERO)
        for row in Fund.objects.filter(project__in=ids).values("project").annotate(
            annual=Sum("annual"), executed=Sum("executed"))
    }  # fmt: skip
    parts = tuple(ProjectPart(r, *sums.get(pk, (ZERO, ZERO))) for pk, r in zip(ids, reports, strict=True))
    years = tuple(sorted({r.year for r in reports}))
    return UnitReportData(unit=unit, years=years, parts=parts, generated_on=timezone.localdate(),
                          texts={k: v for k, v in (texts or {}).items() if v and v.strip()})  # fmt: skip


# --- the outline ---------------------------------------------------------------------------------


def _rate(value: Decimal | None) -> str:
    return f"{amount(value)}%" if value is not None else "—"


def _label(i: int) -> str:
    return f"项目{cn_number(i)}"


def _unit_text(data: UnitReportData, name: str) -> list[Block]:
    """The unit's own text of section `name` (UnitReportText), a paragraph per line."""
    return [Paragraph(line.strip()) for line in data.texts.get(name, "").splitlines() if line.strip()]


def _each(data: UnitReportData, text: str, fallback: str = NOT_FILLED, *, unit: str = "",
          words: Callable[[ReportData], str] | None = None) -> list[Block]:  # fmt: skip
    """The unit's own text of section `unit` first, then 项目一：… for each project whose narrative
    field `text` (or `words(report)`) is filled; one `fallback` line when there is nothing."""
    said = words or (lambda d: getattr(d.narrative, text))
    found = [(i, said(p.report).strip()) for i, p in enumerate(data.parts, start=1)]
    lines = [*_unit_text(data, unit), *(Paragraph(f"{_label(i)}：{w}") for i, w in found if w)]
    return lines or [Paragraph(fallback)]


def _overview(data: UnitReportData) -> list[Block]:
    out: list[Block] = []
    for i, part in enumerate(data.parts, start=1):
        d = part.report
        intro = d.narrative.introduction.strip() or d.overall_goal.strip() or f"{quoted(d.name)}项目由{d.unit}实施。"
        out += [
            Paragraph(f"{_label(i)}：{d.name}"),
            Paragraph(intro),
            Paragraph(
                f"全年预算数{amount(part.annual)}万元，全年执行数{amount(part.executed)}万元，"
                f"预算执行率{_rate(part.rate)}。"
            ),
        ]
    return out


def _scope(data: UnitReportData) -> str:
    names = "；".join(f"{_label(i)}{quoted(p.report.name)}" for i, p in enumerate(data.parts, start=1))
    return (
        f"本次评价对象为{data.unit}{data.subtitle[1:-1]}的{len(data.parts)}个项目：{names}。"
        f"全年预算数合计{amount(data.annual)}万元，全年执行数合计{amount(data.executed)}万元，"
        f"预算执行率{_rate(data.executed * 100 / data.annual if data.annual > 0 else None)}。"
    )


def _system(data: UnitReportData) -> str:
    schemes = "；".join(f"{_label(i)}按{p.report.scheme_label}" for i, p in enumerate(data.parts, start=1))
    return (
        "按照《项目支出绩效评价管理办法》（财预〔2020〕10号）的要求，结合项目实际，"
        f"对照各项目的绩效目标和评价指标逐项核实评分：{schemes}。"
    )


def _conclusion(data: UnitReportData) -> str:
    counts = {g: sum(1 for p in data.parts if p.report.grade == g) for g in GRADES}
    grades = "、".join(f"{g}{n}个" for g, n in counts.items() if n)
    return f"本次评价的{len(data.parts)}个项目中，评价等级为{grades or '无'}；各项目得分见下表。"


def summary_grid(data: UnitReportData) -> Grid:
    """One row per project (code, name, budget, execution, rate, total, grade) and a 合计 row."""
    rows = [SUMMARY_HEADER]
    for i, part in enumerate(data.parts, start=1):
        d = part.report
        rows.append((str(i), d.code or "—", d.name, amount(part.annual), amount(part.executed), _rate(part.rate),
                     d.total, d.grade))  # fmt: skip
    total_rate = data.executed * 100 / data.annual if data.annual > 0 else None
    rows.append(("合计", "", f"{len(data.parts)}个项目", amount(data.annual), amount(data.executed), _rate(total_rate),
                 "", ""))  # fmt: skip
    last = len(rows) - 1
    return Grid(
        title="项目绩效评价结果汇总表", rows=tuple(rows), merges=((last, 0, last, 1),), bold_rows=(0, last),
        widths=(7, 23, 27, 12, 12, 11, 9, 7), caption=f"{data.subtitle}　金额单位：万元",
    )  # fmt: skip


def _analysis(data: UnitReportData) -> list[Block]:
    """四、: per project its indicators by 一级, its score and its 评分表."""
    out: list[Block] = []
    for i, part in enumerate(data.parts, start=1):
        d = part.report
        out.append(Heading(2, f"（{cn_number(i)}）{_label(i)}：{d.name}"))
        counter = 1
        for k, (level1, lines) in enumerate(d.by_level1(), start=1):
            out.append(Paragraph(f"{k}、{level1}完成情况"))
            for line in lines:
                out.append(Paragraph(indicator_sentence(counter, line)))
                counter += 1
        parts = "，".join(f"{name}{score}分" for name, score in d.subtotals)
        budget = f"预算执行{d.budget_score}分，" if d.budget_score else ""
        out.append(Paragraph(f"{_label(i)}绩效评价得分{d.total}分，等级为{d.grade}。其中：{budget}{parts}。"))
        grid = annex_grid(d)
        out.append(dataclasses.replace(grid, title=f"{_label(i)}　{grid.title}"))
    return out


def unit_outline(data: UnitReportData) -> Document:
    """财预〔2020〕10号 附件3 项目支出绩效评价报告, for several projects as seed 002 writes it: the
    unit's own text (UnitReportText) where seed 002 speaks of the unit, each project's beside it."""
    first = data.parts[0].report.narrative if data.parts else None
    purpose = _unit_text(data, "purpose") or [Paragraph(first.purpose if first else DEFAULT_PURPOSE)]
    blocks: list[Block] = [
        Heading(1, "一、基本情况"),
        Heading(2, "（一）项目概况。"),
        *_overview(data),
        Heading(2, "（二）项目绩效目标。"),
        *_each(data, "", unit="goals", words=lambda d: d.annual_goal),
        Heading(2, "（三）项目组织管理情况。"),
        *_each(data, "management", unit="management"),
        Heading(1, "二、绩效评价工作开展情况"),
        Heading(2, "（一）绩效评价目的、对象和范围。"),
        *purpose,
        Paragraph(_scope(data)),
        Heading(2, "（二）绩效评价原则、依据、评价指标体系。"),
        *_unit_text(data, "basis"),
        Paragraph(_system(data)),
        Paragraph(GRADE_STANDARD),
        Heading(2, "（三）绩效评价工作过程。"),
        *(_unit_text(data, "process") or [Paragraph(NOT_FILLED)]),
        Heading(1, "三、综合评价情况及评价结论（附相关评分表）"),
        Heading(2, "（一）绩效评价综合结论。"),
        *_unit_text(data, "conclusion"),
        Paragraph(_conclusion(data)),
        summary_grid(data),
        Heading(2, "（二）绩效目标实现情况。"),
        *_each(data, "", unit="achievement", words=lambda d: d.actual_summary),
        Heading(1, "四、绩效评价指标分析"),
        *_analysis(data),
        Heading(1, "五、主要经验及做法"),
        *_each(data, "experience", unit="experience"),
        Heading(1, "六、存在的问题及原因分析"),
        *_each(data, "problems", unit="problems"),
        Heading(1, "七、有关建议"),
        *_each(data, "suggestions", unit="suggestions"),
        Heading(1, "八、其他需要说明的问题"),
        *_each(data, "plans", NO_OTHER, unit="other"),
        Paragraph(data.unit),
        Paragraph(chinese_date(data.generated_on)),
    ]
    return Document(data.title, data.subtitle, tuple(blocks))


def render(data: UnitReportData, fmt: str) -> bytes:
    """The unit's report as .docx or .pdf bytes (pure: no queries)."""
    document = unit_outline(data)
    if fmt == "docx":
        from reports.docx import render_document as render_docx  # python-docx: with the first Word report

        return render_docx(document)
    if fmt == "pdf":
        from reports.pdf import render_document as render_pdf  # WeasyPrint: 1.3 s to import, with the first PDF

        return render_pdf(document)
    raise ValueError(f"不支持的格式“{fmt}”，可选：docx、pdf")
