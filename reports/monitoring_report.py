"""The 运行监控报告 (domain.md §8, issue 17 "Import and export"), as Word and PDF: one project's
(`project_outline`: the cut-off and the time progress, the budget's progress and light, the counts of
lights, each yellow and red indicator with its causes, analysis and 纠偏措施, the project's measures)
and one unit's for a year (`unit_outline`: the lights by project in a table, red projects first, the
causes grouped by category, the measures). Both read the `MonitoringSheet`s of reports.monitoring_table
(gathered in a fixed number of queries) and render through reports.docx / reports.pdf's
`render_document`, so the 监控表 and the 监控报告 print the same numbers. Pure: no queries here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from reports.monitoring_table import MonitoringSheet, WatchLine
from reports.outline import Block, Document, Grid, Heading, Paragraph, cn, quoted
from reports.text import CleanText
from scoring.display import amount, chinese_date
from scoring.monitoring import BLUE, CAUSES, GREEN, LIGHT_LABELS, RANK, RED, YELLOW
from scoring.rules import pts
from scoring.types import HUNDRED, ZERO

KIND = "运行监控报告"
FORMATS = ("docx", "pdf")
UNKNOWN_FORMAT = "运行监控报告不支持格式“{fmt}”，可选：docx、pdf"
NOTHING_FLAGGED = "各项绩效指标预计均能完成，未出现黄灯或红灯指标。"
NO_MEASURES = "（未填写）"
NOT_MONITORED_SHOWN = 50  # a unit report names at most this many projects not yet monitored
ORDER = (RED, YELLOW, GREEN, BLUE)


def _counts(lights: list[str]) -> str:
    """红灯1个、黄灯2个、绿灯3个 (the lights present, worst first), or 无."""
    found = [f"{LIGHT_LABELS[k]}{lights.count(k)}个" for k in ORDER if lights.count(k)]
    return "、".join(found) or "无"


def _sentence(text: str) -> str:
    """`text` ending with 。 (unless it ends with a mark already)."""
    text = text.strip()
    return text if not text or text[-1] in "。；！？.;!?" else f"{text}。"


def _causes(line: WatchLine) -> str:
    return "、".join(line.causes) or "未选择偏差原因类别"


def _target(line: WatchLine) -> str:
    """年度指标值 as printed: ≥100人, ≤30万元, the 定性 text."""
    sign = "" if line.comparator in ("定性", "=") else line.comparator
    return f"{sign}{line.target}{line.unit}"


def _flagged(n: int, line: WatchLine, month: int) -> list[Block]:
    """（一）培训人数（黄灯）: the forecast against the target, the causes, the analysis and the measures."""
    said = (f"年度指标值{_target(line)}，1–{month}月执行情况：{line.to_date or '未填'}，"
            f"全年预计完成：{line.forecast or '未填'}，完成目标可能性：{line.possibility or '未填'}。")  # fmt: skip
    return [
        Heading(2, f"（{cn(n)}）{line.level3}（{line.light_label}）"),
        Paragraph(said),
        Paragraph(f"偏差原因：{_causes(line)}。{line.reason or '未填写偏差原因分析。'}"),
        Paragraph(f"纠偏措施：{line.measures or NO_MEASURES}"),
    ]


def indicators_grid(s: MonitoringSheet) -> Grid:
    """Every indicator's line: 年度指标值, 1–M月执行情况, 全年预计完成情况, 完成目标可能性 and the light."""
    rows = [
        ("序号", "三级指标", "年度指标值", f"1–{s.month}月执行情况", "全年预计完成情况", "完成目标可能性", "监控结果")
    ]
    for i, line in enumerate(s.lines, start=1):
        rows.append(
            (str(i), line.level3, _target(line), line.to_date, line.forecast, line.possibility, line.light_label)
        )
    return Grid(title="绩效指标监控情况", rows=tuple(rows), bold_rows=(0,), widths=(5, 22, 14, 13, 13, 10, 8))


def project_outline(s: MonitoringSheet, *, today: datetime.date) -> Document:
    """One project's 运行监控报告 (see the module's docstring)."""
    lights = [line.light for line in s.lines]
    flagged = s.flagged
    blocks: list[Block] = [
        Heading(1, "一、项目基本情况"),
        Paragraph(f"项目名称：{s.label}；实施单位：{s.unit_name}；主管部门：{s.department or '—'}。"),
        Paragraph(f"全年预算数{s.budget_annual}万元。年度目标：{_sentence(s.goal) or '（未填写）'}"),
        Heading(1, "二、监控结果"),
        Paragraph(
            f"本次监控截至{s.year}年{s.month}月，时间进度{s.time_progress}%。1–{s.month}月执行数{s.budget_executed}万元，"
            f"预算执行进度{s.budget_progress}%，执行进度/时间进度{s.budget_value}，预算执行为{LIGHT_LABELS[s.budget_light]}。"
        ),
        Paragraph(f"绩效指标{len(s.lines)}个，其中{_counts(lights)}。项目监控结果为{LIGHT_LABELS[s.light]}。"),
        indicators_grid(s),
        Heading(1, "三、偏差原因分析"),
        *([b for n, line in enumerate(flagged, 1) for b in _flagged(n, line, s.month)] or [Paragraph(NOTHING_FLAGGED)]),
        Heading(1, "四、纠偏措施"),
        Paragraph(s.measures or NO_MEASURES),
    ]
    if s.warnings:
        blocks += [Heading(1, "五、需要说明的问题"), *(Paragraph(f"{i}. {w}") for i, w in enumerate(s.warnings, 1))]
    blocks += [Paragraph(s.unit_name), Paragraph(chinese_date(today))]
    return Document(f"{s.name}\n运行监控报告", f"（{s.year}年度 1–{s.month}月）", tuple(blocks))


# --- a unit's report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitMonitoring(CleanText):
    """A unit's projects of a year with their 监控表 (red first), and those without a monitoring."""

    unit: str
    year: int
    sheets: tuple[MonitoringSheet, ...]
    missing: tuple[str, ...] = ()  # CODE-NAME of projects not yet monitored (at most NOT_MONITORED_SHOWN)
    missing_count: int = 0
    generated_on: datetime.date = field(default_factory=datetime.date.today)

    @property
    def months(self) -> str:
        found = sorted({s.month for s in self.sheets})
        return "、".join(f"1–{m}月" for m in found)

    @property
    def title(self) -> str:
        return f"{self.unit}\n运行监控报告"

    @property
    def subtitle(self) -> str:
        return f"（{self.year}年度{' ' + self.months if self.months else ''}）"

    @property
    def filename(self) -> str:
        return f"{self.year}-{self.unit}-{KIND}"


def red_first(sheets: list[MonitoringSheet]) -> list[MonitoringSheet]:
    """Red projects first, then yellow, then green; the furthest behind first within a light."""
    return sorted(sheets, key=lambda s: (RANK[s.light], Decimal(s.budget_value), s.code, s.name))


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text else ZERO


def _unit_summary(u: UnitMonitoring) -> list[Block]:
    annual = sum((_money(s.budget_annual) for s in u.sheets), ZERO)
    executed = sum((_money(s.budget_executed) for s in u.sheets), ZERO)
    progress = f"{pts(executed * HUNDRED / annual)}%" if annual > 0 else "—"
    lines = [line.light for s in u.sheets for line in s.lines]
    projects, budgets = _counts([s.light for s in u.sheets]), _counts([s.budget_light for s in u.sheets])
    out: list[Block] = [
        Paragraph(
            f"{u.unit}{u.year}年度共{len(u.sheets)}个项目填报了运行监控（{u.months or '—'}）："
            f"项目监控结果{projects}；预算执行{budgets}。"
        ),
        Paragraph(
            f"全年预算数合计{amount(annual)}万元，执行数合计{amount(executed)}万元，预算执行进度{progress}；"
            f"绩效指标{len(lines)}个，其中{_counts(lines)}。"
        ),
    ]
    if u.missing_count:
        names = "、".join(u.missing) + ("等" if u.missing_count > len(u.missing) else "")
        out.append(Paragraph(f"尚有{u.missing_count}个项目未填报运行监控：{names}。"))
    return out


def unit_grid(u: UnitMonitoring) -> Grid:
    """The lights by project: red projects first."""
    rows = [
        ("序号", "项目名称", "全年预算数", "执行数", "执行进度/时间进度", "预算执行", "指标（红/黄/绿/蓝）", "监控结果")
    ]
    for i, s in enumerate(u.sheets, start=1):
        counts = "/".join(str(s.count(k)) for k in ORDER)
        rows.append((str(i), s.label, s.budget_annual, s.budget_executed, s.budget_value,
                     LIGHT_LABELS[s.budget_light], counts, LIGHT_LABELS[s.light]))  # fmt: skip
    return Grid(title="项目运行监控结果汇总表", rows=tuple(rows), bold_rows=(0,), widths=(5, 30, 11, 11, 10, 8, 11, 8),
                caption="金额单位：万元")  # fmt: skip


def _by_cause(u: UnitMonitoring) -> list[Block]:
    """Each category with the yellow and red indicators that name it (a row may name several)."""
    out: list[Block] = []
    n = 0
    for cause in (*CAUSES, ""):
        found = [
            (s, line) for s in u.sheets for line in s.flagged if (cause in line.causes if cause else not line.causes)
        ]
        if not found:
            continue
        n += 1
        out.append(Heading(2, f"（{cn(n)}）{cause or '未选择类别'}（{len(found)}个指标）"))
        for s, line in found:
            reason = line.reason or "未填写偏差原因分析"
            out.append(Paragraph(f"{quoted(s.name)}的“{line.level3}”（{line.light_label}）：{reason}"))
    return out or [Paragraph(NOTHING_FLAGGED)]


def _measures(u: UnitMonitoring) -> list[Block]:
    out: list[Block] = []
    for s in u.sheets:
        rows = [f"“{line.level3}”：{line.measures}" for line in s.flagged if line.measures]
        said = [*([s.measures] if s.measures else []), *rows]
        if said:
            out.append(Paragraph(f"{quoted(s.name)}（{LIGHT_LABELS[s.light]}）：{'；'.join(said)}"))
    return out or [Paragraph("各项目均未填写纠偏措施。")]


def unit_outline(u: UnitMonitoring) -> Document:
    blocks: list[Block] = [
        Heading(1, "一、总体情况"),
        *_unit_summary(u),
        unit_grid(u),
        Heading(1, "二、偏差原因分析（按类别）"),
        *_by_cause(u),
        Heading(1, "三、纠偏措施"),
        *_measures(u),
        Paragraph(u.unit),
        Paragraph(chinese_date(u.generated_on)),
    ]
    return Document(u.title, u.subtitle, tuple(blocks))


# --- render -------------------------------------------------------------------------------------


def render_document(document: Document, fmt: str) -> bytes:
    """A 运行监控报告 as .docx or .pdf bytes (the renderers load with the first file of a format)."""
    if fmt == "docx":
        from reports.docx import render_document as render_docx  # python-docx: with the first Word file

        return render_docx(document)
    if fmt == "pdf":
        from reports.pdf import render_document as render_pdf  # WeasyPrint: 1.3 s to import, with the first PDF

        return render_pdf(document)
    raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt))


def render_project(s: MonitoringSheet, fmt: str, *, today: datetime.date) -> bytes:
    return render_document(project_outline(s, today=today), fmt)


def render_unit(u: UnitMonitoring, fmt: str) -> bytes:
    return render_document(unit_outline(u), fmt)
