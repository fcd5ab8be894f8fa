"""The 自评报告 as a list of blocks, shared by every renderer (domain.md §6).

`unit_outline` follows seed 000 (Inner Mongolia 单位自评报告); `department_outline` follows
财预〔2020〕10号 附件3 (seed 003); `framework2013_outline` follows seed 004 (Hubei 2018, the 2013
投入/过程/产出/效果 framework, with a grade per 一级). `annex_grid` is the national 项目支出绩效自评表 with its
merged cells. docx, pdf and xlsx render these same blocks, so their words and numbers agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from reports.data import IndicatorLine, ReportData

CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Heading:
    level: int  # 1: 一、  2: （一）
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Grid:
    """A bordered table: `rows` of equal width; `merges` are (row0, col0, row1, col1), inclusive.

    Cells covered by a merge (other than its top-left) hold "". `bold_rows` are header rows.
    """

    title: str
    rows: tuple[tuple[str, ...], ...]
    merges: tuple[tuple[int, int, int, int], ...] = ()
    bold_rows: tuple[int, ...] = ()
    widths: tuple[int, ...] = ()  # relative column widths
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Grid | PageBreak


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def cn(n: int) -> str:
    """1 → 一, 10 → 十 (section numbers never pass ten here)."""
    return CHINESE_NUMBERS[n - 1]


def _or(text: str, fallback: str) -> str:
    return text.strip() or fallback


NOT_FILLED = "（未填写）"
INNER_QUOTES = str.maketrans({"“": "‘", "”": "’"})


def quoted(name: str) -> str:
    """“北疆‘布丝瑰’创业就业行动”: a name in quotes, its own quotes made the inner (single) kind,
    so a name that carries “…” does not print three quotes in a row."""
    return f"“{name.strip().translate(INNER_QUOTES)}”"


# --- indicator sentences ------------------------------------------------------------------


def indicator_sentence(n: int, line: IndicatorLine) -> str:
    """1）开展手工艺技能培训，目标值≥9期，实际完成9期，分值7.00，得分7.00。 (seed 000 wording)."""
    actual = line.actual or "未填报"
    text = f"{n}）{line.level3}，目标值{line.target}，实际完成{actual}，分值{line.weight}，得分{line.score}。"
    if line.adjusted:
        text += f"（系统计算得分{line.computed}，审核调整理由：{line.adjust_reason}）"
    if line.reason and line.score != line.weight:
        text += f"偏差原因及改进措施：{line.reason}"
    return text


def _indicator_blocks(
    lines: tuple[IndicatorLine, ...], start: int, group: str = "{n}、{name}"
) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    n = start
    groups: dict[str, list[IndicatorLine]] = {}
    for line in lines:
        groups.setdefault(line.level2, []).append(line)
    for g, (level2, items) in enumerate(groups.items(), start=1):
        blocks.append(Paragraph(group.format(n=g, name=level2)))
        for line in items:
            blocks.append(Paragraph(indicator_sentence(n, line)))
            n += 1
    return blocks, n


def _level1_sections(d: ReportData, title: Callable[[str], str]) -> list[Block]:
    """One （一）… section per 一级, its indicators numbered on across sections."""
    out: list[Block] = []
    counter = 1
    for i, (level1, lines) in enumerate(d.by_level1(), start=1):
        out.append(Heading(2, f"（{cn(i)}）{title(level1)}"))
        blocks, counter = _indicator_blocks(lines, counter)
        out += blocks or [Paragraph("本项目未设置此类指标。")]
    return out


def _score_summary(d: ReportData) -> str:
    parts = [f"{name}{score}分" for name, score in d.subtotals]
    if d.budget_score:
        parts.insert(0, f"预算执行{d.budget_score}分")
    return f"本项目绩效自评得分{d.total}分，等级为{d.grade}。其中：{'，'.join(parts)}。"


# --- the two outlines ---------------------------------------------------------------------


def _introduction(d: ReportData) -> str:
    fallback = f"{quoted(d.name)}项目由{d.unit}实施" + (f"，主管部门为{d.department}" if d.department else "") + "。"
    if d.overall_goal:
        fallback += f"项目总体目标：{d.overall_goal}"
    return _or(d.narrative.introduction, fallback)


def _outputs(d: ReportData) -> str:
    total = d.funds[0]
    fallback = f"本年度全年执行数{total.executed}万元，预算执行率{total.rate}。"
    return _or(d.narrative.outputs, fallback)


def unit_outline(d: ReportData) -> Document:
    """Seed 000 (单位自评报告, Inner Mongolia style)."""
    n = d.narrative
    b: list[Block] = [
        Heading(1, "一、项目基本情况"),
        Heading(2, "（一）项目基本情况简介。"),
        Paragraph(_introduction(d)),
        Heading(2, "（二）绩效目标设定及指标完成情况。"),
        Paragraph(f"预期目标：{_or(d.annual_goal, NOT_FILLED)}"),
        *(Paragraph(s) for s in d.target_adjustments),
        Paragraph(f"绩效目标实际完成情况：{_or(d.actual_summary, NOT_FILLED)}"),
        Heading(1, "二、绩效自评工作情况"),
        Heading(2, "（一）绩效自评目的。"),
        Paragraph(n.purpose),
        Heading(2, "（二）项目资金投入情况。"),
        *(Paragraph(s) for s in d.budget_sentences),
        Heading(2, "（三）项目资金产出情况。"),
        Paragraph(_outputs(d)),
        Heading(2, "（四）项目资金管理情况。"),
        Paragraph(_or(n.management, NOT_FILLED)),
        Heading(1, "三、项目绩效情况"),
    ]
    b += _level1_sections(d, lambda level1: f"{level1.removesuffix('指标')}指标完成情况")
    b += [
        Heading(2, f"（{cn(len(d.subtotals) + 1)}）自评得分情况"),
        Paragraph(_score_summary(d)),
        Heading(1, "四、存在问题"),
        Paragraph(_or(n.problems, NOT_FILLED)),
        Heading(1, "五、其他需要说明的问题"),
        Heading(2, "（一）后续工作计划。"),
        Paragraph(_or(n.plans, NOT_FILLED)),
        Heading(2, "（二）措施及办法。"),
        Paragraph(_or(n.measures, NOT_FILLED)),
        PageBreak(),
        Heading(1, "附件：项目支出绩效自评表"),
        annex_grid(d),
    ]
    return Document(d.title, f"（{d.year}年度）", tuple(b))


GRADE_STANDARD = (
    "评价结果分为优、良、中、差四个等级：优（90分（含）—100分）；良（80分（含）—90分）；"
    "中（60分（含）—80分）；差（0分—60分）。"
)


def department_outline(d: ReportData) -> Document:
    """财预〔2020〕10号 附件3 项目支出绩效评价报告（参考提纲）, as seed 003 writes it."""
    n = d.narrative
    weights = "、".join(f"{name}{_level1_weight(d, name)}分" for name, _ in d.subtotals)
    b: list[Block] = [
        Heading(1, "一、基本情况"),
        Heading(2, "（一）项目概况"),
        Paragraph(_introduction(d)),
        *(Paragraph(s) for s in d.budget_sentences),
        Heading(2, "（二）项目绩效目标"),
        Paragraph(f"年度目标：{_or(d.annual_goal, NOT_FILLED)}"),
        *(Paragraph(s) for s in d.target_adjustments),
        Heading(1, "二、绩效评价工作开展情况"),
        Heading(2, "（一）绩效评价目的、对象和范围"),
        Paragraph(n.purpose),
        Heading(2, "（二）绩效评价原则、评价指标体系、评价方法、评价标准"),
        Paragraph(f"评价指标体系一级指标为：{'、'.join(name for name, _ in d.subtotals)}，分值分别为{weights}。"),
        Paragraph(GRADE_STANDARD),
        Heading(1, "三、综合评价情况及评价结论"),
        Paragraph(_score_summary(d)),
        Heading(1, "四、绩效评价指标分析"),
    ]
    b += _level1_sections(d, lambda level1: f"项目{level1}情况")
    b += [
        Heading(1, "五、主要经验及做法、存在的问题及原因分析"),
        Paragraph(_or(n.experience, NOT_FILLED)),
        Paragraph(_or(n.problems, NOT_FILLED)),
        Heading(1, "六、有关建议"),
        Paragraph(_or(n.suggestions, NOT_FILLED)),
        Heading(1, "七、其他需要说明的问题"),
        Paragraph(_or(n.plans, NOT_FILLED)),
        PageBreak(),
        Heading(1, "附件：项目支出绩效评价评分表"),
        annex_grid(d),
    ]
    return Document(d.title, f"（{d.year}年度）", tuple(b))


LEVEL1_STANDARD = "各一级指标按其得分占分值的比例（得分率）以同样的界限评定等级。"


def _level1_verdict(d: ReportData, level1: str) -> str:
    """根据评价原则，项目投入评价结果为优。 (seed 004) with the 一级's points, weight and share."""
    row = next((g for g in d.level1_grades if g[0] == level1), None)
    if row is None or not row[4]:
        return f"本项目未设置{level1}指标。"
    _, points, weight, share, grade = row
    return f"根据评价原则，项目{level1}评价结果为{grade}。{level1}指标分值{weight}分，得分{points}分，得分率{share}。"


def _level1_analysis(d: ReportData) -> list[Block]:
    """1、投入指标完成情况分析 … one part per 一级, its verdict first, then its indicators by 二级."""
    out: list[Block] = []
    counter = 1
    for i, (level1, lines) in enumerate(d.by_level1(), start=1):
        out += [Paragraph(f"{i}、{level1}指标完成情况分析"), Paragraph(_level1_verdict(d, level1))]
        blocks, counter = _indicator_blocks(lines, counter, group="（{n}）{name}")
        out += blocks
    return out


def _conclusion_2013(d: ReportData) -> str:
    names = "、".join(f"项目{name}" for name, _ in d.subtotals)
    parts = "，".join(f"{g[0]}{g[1]}分（{g[4]}）" for g in d.level1_grades if g[4])
    text = f"通过对{d.year}年度项目在{names}等方面的综合评价，本项目绩效自评得分{d.total}分，评价结论为{d.grade}。"
    return text + (f"其中：{parts}。" if parts else "")


def framework2013_outline(d: ReportData) -> Document:
    """财预〔2013〕53号 framework report, as seed 004 (武昌区工商联 2018) writes it."""
    n = d.narrative
    b: list[Block] = [
        Paragraph(n.purpose),
        Heading(1, "一、项目基本情况"),
        Heading(2, "（一）绩效目标"),
        Paragraph(_introduction(d)),
        Paragraph(f"年度目标：{_or(d.annual_goal, NOT_FILLED)}"),
        *(Paragraph(s) for s in d.target_adjustments),
        Paragraph(f"绩效目标实际完成情况：{_or(d.actual_summary, NOT_FILLED)}"),
        Heading(2, "（二）经费使用情况"),
        *(Paragraph(s) for s in d.budget_sentences),
        Paragraph(_outputs(d)),
        Heading(1, "二、绩效分析及评价结论"),
        Heading(2, "（一）绩效分析"),
        Paragraph(f"项目资金管理情况：{_or(n.management, NOT_FILLED)}"),
        Heading(2, "（二）项目绩效指标完成情况分析"),
        *_level1_analysis(d),
        Heading(2, "（三）评价结论"),
        Paragraph(_conclusion_2013(d)),
        Paragraph(GRADE_STANDARD + LEVEL1_STANDARD),
        Heading(1, "三、经验总结"),
        Paragraph(_or(n.experience, NOT_FILLED)),
        Heading(1, "四、问题"),
        Paragraph(_or(n.problems, NOT_FILLED)),
        Heading(1, "五、建议"),
        Heading(2, "（一）政策性建议"),
        Paragraph(_or(n.suggestions, NOT_FILLED)),
        Heading(2, "（二）改进措施"),
        Paragraph(_or(n.measures, NOT_FILLED)),
        Heading(2, "（三）后续工作计划"),
        Paragraph(_or(n.plans, NOT_FILLED)),
        PageBreak(),
        Heading(1, "附件：项目支出绩效自评评分表"),
        annex_grid(d),
    ]
    return Document(d.title, f"（{d.year}年度）", tuple(b))


def _sum(values: Iterable[str]) -> str:
    """Sum two-decimal strings exactly."""
    return format(sum((Decimal(v) for v in values), Decimal(0)).quantize(Decimal("0.01")), "f")


def _level1_weight(d: ReportData, level1: str) -> str:
    return _sum(i.weight for i in d.indicators if i.level1 == level1)


OUTLINES: dict[str, Callable[[ReportData], Document]] = {
    "unit": unit_outline,
    "department": department_outline,
    "framework2013": framework2013_outline,
}


def outline(d: ReportData) -> Document:
    return OUTLINES[d.outline](d)


# The narrative sections (reports.models.Narrative fields) an officer must write before submitting,
# per outline: those the outline prints as （未填写） when empty. The others have a generated
# fallback (简介, 资金产出) or a standard text (自评目的).
REQUIRED_SECTIONS: dict[str, tuple[str, ...]] = {
    "unit": ("management", "problems", "plans", "measures"),
    "department": ("experience", "problems", "suggestions", "plans"),
    "framework2013": ("management", "experience", "problems", "suggestions", "measures", "plans"),
}


# --- the annex: 项目支出绩效自评表 ----------------------------------------------------------

WIDTH = 9
INDICATOR_HEADER = ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                    "偏差原因分析及改进措施")  # fmt: skip


class _GridBuilder:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.bold: list[int] = []

    def add(self, *cells: str, bold: bool = False, spans: tuple[tuple[int, int], ...] = ()) -> int:
        """Append a row of WIDTH cells; `spans` merge (first, last) columns of this row."""
        row = list(cells) + [""] * (WIDTH - len(cells))
        r = len(self.rows)
        self.rows.append(tuple(row[:WIDTH]))
        self.merges += [(r, a, r, z) for a, z in spans]
        if bold:
            self.bold.append(r)
        return r

    def merge_down(self, col: int, first: int, last: int) -> None:
        if last > first:
            self.merges.append((first, col, last, col))


def _funds_rows(g: _GridBuilder, d: ReportData) -> None:
    first = g.add("项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "",
                  bold=True, spans=((7, 8),))  # fmt: skip
    for i, f in enumerate(d.funds):
        label = ("其中：" if i == 1 else "") + f.label
        weight, score = (d.budget_weight, d.budget_score) if i == 0 else ("—", "—")
        g.add("", label, f.initial, f.annual, f.executed, weight, f.rate, score, "", spans=((7, 8),))
    g.merge_down(0, first, len(g.rows) - 1)


def _indicator_rows(g: _GridBuilder, d: ReportData) -> None:
    header = g.add(*INDICATOR_HEADER, bold=True)
    start1 = start2 = header + 1
    lines = d.indicators
    for i, line in enumerate(lines):
        r = g.add("", line.level1, line.level2, line.level3, line.target, line.actual, line.weight, line.score,
                  line.reason)  # fmt: skip
        last = i == len(lines) - 1
        if last or lines[i + 1].level1 != line.level1:
            g.merge_down(1, start1, r)
            g.merge_down(2, start2, r)
            start1 = start2 = r + 1
        elif lines[i + 1].level2 != line.level2:
            g.merge_down(2, start2, r)
            start2 = r + 1
    g.merge_down(0, header, len(g.rows) - 1)


def _blank_covered(rows: list[tuple[str, ...]], merges: list[tuple[int, int, int, int]]) -> tuple[tuple[str, ...], ...]:
    """Cells under a merge, other than its top-left one, hold ""."""
    grid = [list(r) for r in rows]
    for r0, c0, r1, c1 in merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    grid[r][c] = ""
    return tuple(tuple(r) for r in grid)


ANNEX_TITLES = {"unit": "项目支出绩效自评表", "department": "项目支出绩效评价评分表",
                "framework2013": "项目支出绩效自评评分表"}  # fmt: skip


def annex_grid(d: ReportData) -> Grid:
    """The national 项目支出绩效自评表 (10号 附件1), or the 评分表 for the department outline."""
    g = _GridBuilder()
    g.add("项目名称", d.name, spans=((1, 8),))
    g.add("主管部门", d.department, "", "", "实施单位", d.unit, spans=((1, 3), (5, 8)))
    if d.outline == "unit":
        _funds_rows(g, d)
        goal = g.add("年度总体目标", "预期目标", "", "", "", "实际完成情况", bold=True, spans=((1, 4), (5, 8)))
        g.add("", d.annual_goal, "", "", "", d.actual_summary, spans=((1, 4), (5, 8)))
        g.merge_down(0, goal, goal + 1)
    _indicator_rows(g, d)
    for level1, points, weight, share, grade in d.level1_grades:  # 小计 rows: the importer skips them
        if grade:
            label = f"小计：{level1}（得分率{share}）"
            g.add(label, "", "", "", "", "", weight, points, f"等级：{grade}", spans=((0, 5),))
    total_weight = (
        _sum(i.weight for i in d.indicators)
        if not d.budget_weight
        else _sum([d.budget_weight, *(i.weight for i in d.indicators)])
    )
    g.add("总分", "", "", "", "", "", total_weight, d.total, f"自评等级：{d.grade}", bold=True, spans=((0, 5),))
    title = ANNEX_TITLES[d.outline]
    return Grid(
        title=title, rows=_blank_covered(g.rows, g.merges), merges=tuple(g.merges), bold_rows=tuple(g.bold),
        widths=(8, 10, 10, 14, 12, 12, 9, 9, 16), caption=f"（{d.year}年度）　金额单位：万元",
    )  # fmt: skip
