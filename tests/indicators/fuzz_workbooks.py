"""Hypothesis strategies for random 项目支出绩效表 / 自评表 workbooks, and the builder that writes them.

A drawn workbook is plain data (`WorkbookSpec`: sheets of rows, merged ranges and percent-formatted
cells, plus the command's options) so that a shrunk failure prints as something that can be pasted
into a regression test and rebuilt with `build_workbook`.

Layouts: indicator tables with their header row anywhere (column and row offsets, synonyms from
`indicators.workbook.HEADER_SYNONYMS` with brackets, spaces and colons around them, repeated and
duplicate headers, noise columns), titles, `单位：万元`, page numbers, blank and 总分 rows, project
cells merged down each block; the national 自评表 form (项目名称 / 主管部门 / 实施单位 labels, the
funds block, the indicator block, 总分), several forms on a sheet; garbage sheets; random merged
ranges, big and overlapping. Values: plausible cells mixed, at a per-sheet rate, with wild ones
(None, text, Chinese, huge and negative numbers, 1e300, NaN-like strings, 全角 decimals, dates,
booleans, formulas, error codes, control characters openpyxl accepts, 300–5000 character strings,
100+ character codes) and with values that parse but exceed a column (weights ≥ 1e5, targets ≥ 1e16,
amounts ≥ 1e14, over-long names, codes and units).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference

from indicators.workbook import HEADER_SYNONYMS
from scoring.schemes import SCHEMES, get_scheme
from tests.workbooks import SEED000_CODE, SEED000_HEADER, SEED000_NAME, SEED000_ROWS

YEAR = "2025"

# --- the drawn workbook -------------------------------------------------------------------


@dataclass
class SheetSpec:
    title: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_row, min_col, max_row, max_col)
    percent: list[tuple[int, int]] = field(default_factory=list)  # (row, col) formatted "0%"
    rich: list[tuple[int, int]] = field(default_factory=list)  # (row, col) of text written as rich text (bold start)
    where: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)  # (row, col) from 0 -> column

    @property
    def last_row(self) -> int:
        """The lowest row a message may name: the rows written or a merged range below them."""
        return max([len(self.rows), *(m[2] for m in self.merges)])


@dataclass
class WorkbookSpec:
    sheets: list[SheetSpec]
    dry_run: bool = False
    scheme: str | None = None
    unit: str | None = None
    chartsheet: bool = False  # a chart sheet (no cells) first

    def options(self) -> list[str]:
        args = ["--year", YEAR]
        if self.dry_run:
            args.append("--dry-run")
        if self.scheme:
            args += ["--scheme", self.scheme]
        if self.unit is not None:
            args.append(f"--unit={self.unit}")  # a value such as "-5" is not an option
        return args


def build_workbook(spec: WorkbookSpec, path: Path) -> Path:
    """Write `spec` with openpyxl: values, then number formats, then merged ranges (as Excel keeps them)."""
    wb = Workbook()
    wb.remove(wb.active)
    charted = None
    for sheet in spec.sheets:
        ws = wb.create_sheet(sheet.title)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        for r, c in sheet.percent:
            ws.cell(r, c).number_format = "0%"
        for r, c in sheet.rich:
            text = ws.cell(r, c).value
            if isinstance(text, str) and text and not text.startswith("="):
                ws.cell(r, c).value = CellRichText(
                    [TextBlock(InlineFont(b=True), text[:1]), text[1:]] if text[1:] else [text]
                )
        charted = charted or (ws if sheet.rows else None)
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    if spec.chartsheet:
        chart = BarChart()
        if charted is not None:
            chart.add_data(Reference(charted, min_col=1, min_row=1, max_row=2))
        wb.create_chartsheet("图表", 0).add_chart(chart)
    wb.save(path)
    return path


# --- wild values --------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# What openpyxl accepts below U+0020 (\t \n \r), C1 controls, separators, invisible and full-width spaces.
CONTROL = st.sampled_from(["\t", "\n", "\r", "\x7f", "\x85", "\x9f", "\u2028", "\u200b", "\ufeff", "\u3000"])
ANY_CHAR = st.characters(min_codepoint=0x20, exclude_categories=("Cs", "Cn", "Co"))
TEXT_CHAR = st.one_of(ANY_CHAR, CJK, CONTROL)
FULLWIDTH = str.maketrans("0123456789.,-+%", "０１２３４５６７８９．，－＋％")

NAN_LIKE = ["NaN", "nan", "-NaN", "sNaN", "inf", "-inf", "Infinity", "-Infinity", "∞", "1e300", "1E+300",
            "-1e300", "1e-300", "1e16", "1.5e14", "0x1F", "1_000", "--5", "+-3", ".", "-", "%", "1,2,3", "1.2.3",
            "١٢٣"]  # fmt: skip
FORMULAS = ["=1/0", '=HYPERLINK("http://example.com","链接")', "=SUM(A1:A3)", "=A1", "=NA()", "=1E300*1E300",
            '="≥"&50&"人次"', "=NOW()", "=RAND()"]  # fmt: skip
ERROR_CODES = ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NUM!", "#NAME?", "#NULL!"]
FLOATS = [1e300, -1e300, 1e-300, 5e-324, 1e16, 1e14, 1e5, 123456.789, -0.0, 0.1, 1.7976931348623157e308, -1.0]


def long_text(alphabet: st.SearchStrategy[str] = TEXT_CHAR, low: int = 300, high: int = 5000) -> st.SearchStrategy:
    """A 300–5000 character string, built by repetition (hypothesis does not draw 5000 characters cheaply)."""
    return st.builds(lambda base, n: (base * (n // len(base) + 1))[:n], st.text(alphabet, min_size=1, max_size=8),
                     st.integers(low, high))  # fmt: skip


def long_code(low: int = 100, high: int = 300) -> st.SearchStrategy[str]:
    return long_text(st.sampled_from("0123456789ABCDEFT"), low, high)


def fullwidth_decimal() -> st.SearchStrategy[str]:
    number = st.decimals(min_value=-(10**20), max_value=10**20, places=3, allow_nan=False, allow_infinity=False)
    return st.builds(lambda d, grouped: (f"{d:,}" if grouped else str(d)).translate(FULLWIDTH), number, st.booleans())


WILD: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.text(TEXT_CHAR, max_size=20),
    st.text(CJK, min_size=1, max_size=12),
    st.integers(-(10**40), 10**40),
    st.sampled_from(FLOATS),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from(NAN_LIKE),
    fullwidth_decimal(),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(9999, 12, 31)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(9999, 12, 31)),
    st.times(),
    st.booleans(),
    st.sampled_from(FORMULAS + ERROR_CODES),
    long_text(),
    long_code(),
)

# --- cell values: valid, valid but too big for the database, odd -------------------------

SEED_CODE = SEED000_CODE  # stored for the same year by the test's fixture (seed 000)
PROJECT_NAMES = ["乡村道路养护", "县域妇女技能培训", "办公经费", "2022年北疆布丝瑰创业就业行动", "项目　甲"]
CODES = [SEED_CODE, "P0001", "P-2025-001", "Q00001", "１５０００２５Ｔ", "P 0001"]
UNITS = ["140001-内蒙古自治区妇女联合会", "140002-内蒙古妇女干部学校", "某单位", "310001-某县交通运输局",
         "430001－某县妇女联合会", "140001-改名的单位"]  # fmt: skip
DEPARTMENTS = ["某县妇联", "内蒙古自治区妇女联合会（部门）", "某县交通运输局"]
TEXTS = ["提升妇女就业技能", "受疫情因素影响，培训完成周期延长。", "个别路段雨季积水"]
LEVEL3_NAMES = ["培训人次", "就业率", "学员满意度", "完工时间", "单位成本", "养护里程", "投诉件数", "合格率",
                *(row[2] for row in SEED000_ROWS)]  # fmt: skip
SIGNS = ["≥", "≤", ">", "<", "=", "＞＝", "≧", ">=", "不少于", "不超过", "不低于", "至少", ""]
MEASURES = ["人次", "%", "万元", "个", "天", "个月", "公里", "款", "‰"]
TEXT_TARGETS = ["明显改善", "持续提高", "多渠道宣传售卖", "巩固已有基地并拓展新的基地", "有效保障"]
LABELS = ["达成", "部分达成", "未达成", "明显", "效益达成", "基本完成", "有效", "达成年度指标"]
DATES = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2030, 12, 31))


def _with_code(codes: st.SearchStrategy[str], names: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda code, name: f"{code}-{name}", codes, names)


VALID: dict[str, st.SearchStrategy[Any]] = {
    "project": st.one_of(
        st.sampled_from(PROJECT_NAMES), _with_code(st.sampled_from(CODES), st.sampled_from(PROJECT_NAMES))
    ),
    "project_code": st.sampled_from(CODES),
    "unit": st.sampled_from(UNITS),
    "unit_code": st.sampled_from(["140001", "140002", "310001", "１４０００１"]),
    "department": st.sampled_from(DEPARTMENTS),
    "money": st.one_of(
        st.integers(0, 5000),
        st.sampled_from(["1,200.00", "１，１４０", "0", "95%", "900.005", 933.5, "999999999999.99", 0.01]),
    ),
    "text": st.one_of(st.sampled_from(TEXTS), long_text(CJK)),  # 年度目标 and 偏差原因 are text columns
    "weight": st.sampled_from([10, 20, 30, 5, 0, "10分", "１０", 0.5, "7.5", "0.2", 100, "99.995"]),
    "direction": st.sampled_from(["正向", "反向", "正向指标", "反向指标"]),
    "level3": st.sampled_from(LEVEL3_NAMES),
    "measure": st.sampled_from(MEASURES),
    "number": st.one_of(
        st.integers(0, 1000),
        st.sampled_from(
            [
                "1,000",
                "１２０",
                "0.5",
                "95.5",
                "１，１４０．５",
                "12.3456789",
                "99999999999.9999",
                "99999999999.99995",
                0.1,
            ]
        ),
    ),
    "text_target": st.sampled_from(TEXT_TARGETS),
    "label": st.sampled_from(LABELS),
    "deadline": st.one_of(st.sampled_from(["2025年12月31日前", "2025-06-30", "2025年底", "2025年11月"]), DATES),
    "done": st.one_of(st.sampled_from(["2025年11月30日", "按时完成", "2025-12-31", "完成"]), DATES),
}
# What parses but does not fit a column (varchar length, numeric digits): a row error or a clean refusal
# is expected, never a DataError.
EXTREME: dict[str, st.SearchStrategy[Any]] = {
    "project": st.one_of(long_text(CJK, 301, 900), _with_code(long_code(65, 300), st.sampled_from(PROJECT_NAMES))),
    "project_code": long_code(65, 300),
    "unit": st.one_of(long_text(CJK, 201, 400), _with_code(long_code(33, 120), st.just("某单位"))),
    "unit_code": long_code(33, 120),
    "department": long_text(CJK, 201, 400),
    "money": st.sampled_from(
        [
            10**14,
            1e14,
            "99999999999999.995",
            "100,000,000,000,000",
            10**20,
            1e300,
            "１００００００００００００００",
            1e12,
            "999999999999.995",
            "9999999999999.99",
            "99999999999999.99",
        ]
    ),
    "weight": st.sampled_from([100.01, 1e5, 100000, "99999.995", 10**7, "100000分", 123456.789, 1e300]),
    "level3": long_text(CJK, 301, 900),
    "measure": long_text(CJK, 41, 120),  # the 度量单位 column only: a unit inside a value cell is short
    "number": st.sampled_from(
        [
            10**16,
            1e16,
            12345678901234567,
            "9999999999999999.99995",
            "10,000,000,000,000,000",
            1e300,
            10**40,
            1e11,
            "100000000000",
            1e15,
            "9999999999999999.9999",
            "123456789012.3456",
        ]
    ),
    "text_target": long_text(CJK, 501, 1500),
    "label": st.builds(lambda text: f"{text}效益达成", long_text(CJK, 500, 1500)),  # read as 达成; too long to keep
}
# Cells a person might type that the importer must refuse row by row.
ODD: dict[str, st.SearchStrategy[Any]] = {
    "level1": st.sampled_from(["投入指标", "【产出指标】", "产出指标 (50 分)", "指标"]),
    "level2": st.sampled_from(["数量指标", "社会效益指标", "服务对象满意度指标", "满意度", "成本"]),
    "comparator": st.sampled_from(["x", "正向", "中性", "定性指标", "≥≤", "以内"]),
    "target": st.sampled_from(
        ["≥五十款", "2026年2月30日前", "≥50%以内", "≥", "- 147 -", "合计", 5e-324, "0.00000000000000000001"]
    ),
    "actual": st.sampled_from(["无上访", "未按时完成", "五十", "50公里", "2025年13月1日", 1e-300, -5, 99999999999]),
    "weight": st.sampled_from([-1, "十", "-0", "10%", "分"]),
    "money": st.sampled_from([-5, "—", "-1,000", "十万", 1.1368683772161603e-13, 5e-324, "-0"]),
    "direction": st.sampled_from(["中性", "正"]),
}


FAULTS = st.one_of(*ODD.values(), *EXTREME.values(), WILD)
EXTREME_KINDS = {"target": ("number", "text_target"), "actual": ("number", "label"), "unit_of_measure": ("measure",),
                 **{f: ("money",) for f in ("budget", "initial", "annual", "executed")}}  # fmt: skip


def fault(name: str) -> st.SearchStrategy[Any]:
    """A value wrong for column `name`: what a person might type there, too big to keep, or anything."""
    odd = ODD.get("money" if name in ("budget", "initial", "annual", "executed") else name)
    extreme = [EXTREME[k] for k in EXTREME_KINDS.get(name, (name,)) if k in EXTREME]
    return st.one_of(*([odd] if odd is not None else []), *extreme, WILD)


class Rates(NamedTuple):
    """Per sheet, out of 20: how often a cell is wild or odd, and how often it is too big for its column."""

    chaos: int
    extreme: int


# Most sheets are clean (so that imports get as far as writing); some are very wild. Shrinks to clean.
RATES = st.builds(Rates, st.sampled_from([0, 0, 0, 0, 0, 0, 1, 2, 4, 8]), st.sampled_from([0, 0, 0, 0, 1, 2, 4]))


def pick(draw, rates: Rates, kind: str) -> Any:
    """A valid value of `kind`, or (at the sheet's rate) one too big for the database; shrinks to valid."""
    if kind in EXTREME and draw(st.integers(0, 19)) >= 20 - rates.extreme:
        return draw(EXTREME[kind])
    return draw(VALID[kind])


def mutate(draw, rates: Rates, value: Any, field_name: str) -> Any:
    """`value`, or (at the sheet's rate) a wild or odd cell in its place; shrinks to `value`."""
    if draw(st.integers(0, 19)) < 20 - rates.chaos:
        return value
    odd = ODD.get("money" if field_name in MONEY_FIELDS else field_name)
    return draw(st.one_of(WILD, odd) if odd is not None else WILD)


def rarely(draw, out_of: int = 10) -> bool:
    """True about once in `out_of` draws; shrinks to False."""
    return draw(st.integers(0, out_of - 1)) == out_of - 1


MONEY_FIELDS = ("budget", "initial", "annual", "executed")
PROJECT_KINDS = {"project": "project", "project_code": "project_code", "unit": "unit", "unit_code": "unit_code",
                 "department": "department", "goal": "text", **dict.fromkeys(MONEY_FIELDS, "money")}  # fmt: skip


@st.composite
def project_cells(draw, fields: set[str], rates: Rates) -> dict[str, Any]:
    return {f: mutate(draw, rates, pick(draw, rates, kind), f) for f, kind in PROJECT_KINDS.items() if f in fields}


def _level_text(draw, name: str) -> str:
    """A 一级 / 二级 name as tables write it: `产出指标(50分)`, `产出`, `满意度指标等` …"""
    form = draw(st.sampled_from(["{}", "{}", "{}({}分)", "{}（{}分）", "{}等", "short", " {} "]))
    if form == "short":
        return name.removesuffix("指标") or name
    return form.format(name, draw(st.integers(0, 100)))


@st.composite
def indicator_cells(draw, fields: set[str], rates: Rates, scheme_key: str, above: tuple[str, str] | None, n: int):
    """One indicator row, coherent (sign, unit, target and actual agree) before `mutate`; returns (cells, levels)."""
    scheme = get_scheme(scheme_key)
    inherit = above is not None and draw(st.booleans())
    level1 = above[0] if inherit else draw(st.sampled_from(scheme.level1_names))  # type: ignore[index]
    inherit2 = inherit and draw(st.booleans())
    level2 = above[1] if inherit2 else draw(st.sampled_from(scheme.level2_for(level1)))  # type: ignore[index]
    cells: dict[str, Any] = {
        "level1": None if inherit else _level_text(draw, level1),
        "level2": None if inherit2 else _level_text(draw, level2),
        "level3": f"{pick(draw, rates, 'level3')}{n if draw(st.booleans()) else ''}",
        "weight": pick(draw, rates, "weight"),
        "direction": draw(st.one_of(st.none(), VALID["direction"])),
        "reason": draw(st.one_of(st.none(), VALID["text"])),
    }
    kind = draw(st.sampled_from(["quantity", "quantity", "qualitative", "deadline"]))
    if kind == "quantity":
        number, sign, measure = pick(draw, rates, "number"), draw(st.sampled_from(SIGNS)), draw(VALID["measure"])
        sign_in_column = "comparator" in fields and draw(st.booleans())
        measure_in_column = "unit_of_measure" in fields and draw(st.booleans())
        cells["comparator"] = (sign or "定量") if sign_in_column else None
        cells["unit_of_measure"] = pick(draw, rates, "measure") if measure_in_column else None
        inline_sign = "" if sign_in_column else sign
        inline_measure = "" if measure_in_column else measure
        post = draw(st.sampled_from(["", "以上"])) if not inline_sign and not sign_in_column else ""
        plain = not (inline_sign or inline_measure or post) and draw(st.booleans())
        cells["target"] = number if plain else f"{inline_sign}{number}{inline_measure}{post}"
        actual = pick(draw, rates, "number")
        cells["actual"] = draw(st.sampled_from([None, actual, f"{actual}{inline_measure}"]))
    elif kind == "qualitative":
        cells["comparator"] = draw(st.sampled_from(["定性", None])) if "comparator" in fields else None
        cells["target"] = pick(draw, rates, "text_target")
        cells["actual"] = draw(st.one_of(st.none(), st.just(pick(draw, rates, "label"))))
    else:
        cells["comparator"] = draw(st.sampled_from(["≤", None])) if "comparator" in fields else None
        cells["target"] = draw(VALID["deadline"])
        cells["actual"] = draw(st.one_of(st.none(), VALID["done"]))
    cells = {f: mutate(draw, rates, v, f) for f, v in cells.items() if f in fields}
    return cells, (level1, level2)


# --- layouts ------------------------------------------------------------------------------

REQUIRED = ["level1", "level2", "level3", "target"]
OPTIONAL = ["project", "weight", "unit_of_measure", "actual", "unit", "comparator", "project_code", "unit_code",
            "department", "budget", "initial", "annual", "executed", "goal", "direction", "reason"]  # fmt: skip
LIKELY = {"project", "weight", "unit_of_measure", "actual", "unit"}
NOISE_HEADERS = ["序号", "得分", "备注", "自评得分", "执行率", "单位", "年度", "指标值", "项目名称"]
TITLES = ["项目支出绩效表", "项目支出绩效自评表", "表15", "单位：万元", "（2025年度）", "- 147 -", "填报单位（盖章）：",
          "合计", "总分"]  # fmt: skip
TOTAL_WORDS = ["总分", "合计", "小计", "总计", "自评得分"]

# rows, merged ranges, percent-formatted cells, and which column each data cell stands in ((row, col) from 0)
Layout = tuple[list[list[Any]], list[tuple[int, int, int, int]], list[tuple[int, int]], dict[tuple[int, int], str]]


@st.composite
def header_text(draw, field_name: str) -> str:
    synonym = draw(st.sampled_from(HEADER_SYNONYMS[field_name]))
    decoration = draw(st.sampled_from(["{}", "{}", "{}(A)", "{}（分）", " {} ", "{}：", "*{}", "{}\n"]))
    return decoration.format(synonym)


def _percent_cells(draw, line: list[Any], row: int, first_col: int) -> list[tuple[int, int]]:
    """Numbers shown as percentages (0.95 → 95%) here and there."""
    return [(row, c) for c, v in enumerate(line, start=first_col)
            if isinstance(v, int | float) and not isinstance(v, bool) and rarely(draw, 8)]  # fmt: skip


@st.composite
def table_sheet(draw, scheme_key: str) -> Layout:
    """An indicator table: titles, a header anywhere, blocks of project rows, pages between them."""
    rates = draw(RATES)
    fields = list(REQUIRED)
    if rarely(draw, 15):
        fields.remove(draw(st.sampled_from(REQUIRED)))  # not a header at all: its rows are skipped
    for name in OPTIONAL:
        if (name in LIKELY) != rarely(draw, 8 if name in LIKELY else 3):
            fields.append(name)
    if "executed" in fields and not {"budget", "annual"} & set(fields) and not rarely(draw, 4):
        fields.append("budget")  # 全年执行数 needs a 预算数
    columns: list[tuple[str | None, Any]] = [(f, draw(header_text(f))) for f in fields]
    for _ in range(draw(st.integers(0, 2))):  # 序号, 得分, a second 指标值 …
        columns.append((None, draw(st.one_of(st.sampled_from(NOISE_HEADERS), WILD))))
    columns = draw(st.permutations(columns))
    offset = draw(st.integers(1, 3)) if rarely(draw, 4) else 0  # the table does not start in column A
    header = [None] * offset + [text for _, text in columns]
    width = len(header)
    present = set(fields)

    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int, int]] = []
    percent: list[tuple[int, int]] = []
    where: dict[tuple[int, int], str] = {}
    for _ in range(draw(st.integers(0, 3))):
        rows.append([draw(st.one_of(st.sampled_from(TITLES), WILD))])
        if draw(st.booleans()):
            merges.append((len(rows), 1, len(rows), width))
    if rarely(draw, 5):
        rows.append([])
    rows.append(header)
    for block in range(draw(st.integers(1, 3))):
        start = len(rows) + 1
        project = draw(project_cells(present, rates))
        above = None
        n_rows = draw(st.integers(1, 4))
        for i in range(n_rows):
            cells, above = draw(indicator_cells(present, rates, scheme_key, above, len(rows)))
            if i == 0 or rarely(draw, 6):  # project cells on the block's first row (or repeated)
                cells |= project
            line = [None] * offset
            for name, _ in columns:
                noise = name is None and rarely(draw, 3)
                line.append(draw(st.one_of(st.integers(1, 20), WILD)) if noise else cells.get(name or ""))
            rows.append(line)
            percent += _percent_cells(draw, line, len(rows), 1)
            where |= {(len(rows) - 1, c): name for c, (name, _) in enumerate(columns, start=offset) if name}
        if n_rows > 1 and draw(st.booleans()):  # project cells merged down the block
            merges += [(start, c, len(rows), c) for c, (name, _) in enumerate(columns, start=1 + offset)
                       if name in PROJECT_KINDS]  # fmt: skip
        between = draw(st.integers(0, 5))
        if between == 1:
            rows.append([draw(st.sampled_from(TOTAL_WORDS)), *[None] * (width - 2), 100])
        elif between == 2:
            rows += [[], [f"- {146 + block} -"]]
        elif between == 3:
            rows.append(list(header))  # printed pages repeat the header
        elif between == 4:
            rows.append([None] * width)
    return rows, merges, percent, where


FUND_LABELS = ["年度资金总额", "其中：当年财政拨款", "当年财政拨款", "上年结转资金", "其他资金", "财政资金",
               "财政专户管理资金", "单位资金", "合计", "资金总额"]  # fmt: skip
FUND_HEADERS = [
    ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [None, "资金来源", "年初预算", "调整后预算数", "预算执行数", "预算执行率"],
]
FORM_HEADERS = [
    (["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
     ["level1", "level2", "level3", "target", "actual", "weight", None, "reason"]),
    (["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "完成值", "未完成原因分析"],
     ["level1", "level2", "level3", "comparator", "target", "unit_of_measure", "weight", "actual", "reason"]),
]  # fmt: skip


@st.composite
def form_sheet(draw, scheme_key: str) -> Layout:
    """One or two national 自评表 forms: label block, funds block, indicator block, 总分."""
    rates = draw(RATES)
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int, int]] = []
    percent: list[tuple[int, int]] = []
    where: dict[tuple[int, int], str] = {}
    for _ in range(draw(st.integers(1, 2))):
        project = draw(project_cells({"project", "project_code", "department", "unit", "goal", *MONEY_FIELDS}, rates))
        if draw(st.booleans()):
            rows += [["项目支出绩效自评表"], ["（2025年度）"]]
            merges.append((len(rows) - 1, 1, len(rows) - 1, 8))
        rows.append(["项目名称", project["project"], None, None, None, None, None, None])
        where[(len(rows) - 1, 1)] = "project"
        if draw(st.booleans()):
            merges.append((len(rows), 2, len(rows), 8))
        if rarely(draw, 3):
            rows.append(["项目编码", project["project_code"]])
            where[(len(rows) - 1, 1)] = "project_code"
        rows.append(["主管部门", project["department"], None, "实施单位", project["unit"], None, None])
        where |= {(len(rows) - 1, 1): "department", (len(rows) - 1, 4): "unit"}
        if draw(st.booleans()):
            top = len(rows) + 1
            rows.append(list(draw(st.sampled_from(FUND_HEADERS))))
            for label in draw(st.lists(st.sampled_from(FUND_LABELS), min_size=1, max_size=5)):
                amounts = [
                    mutate(draw, rates, pick(draw, rates, "money"), f) for f in ("initial", "annual", "executed")
                ]
                rows.append([None, label, *amounts, 10, "95%", 9.5])
                where |= {(len(rows) - 1, 2): "initial", (len(rows) - 1, 3): "annual", (len(rows) - 1, 4): "executed"}
                percent += _percent_cells(draw, rows[-1], len(rows), 1)
            if draw(st.booleans()):
                merges.append((top, 1, len(rows), 1))
        if rarely(draw, 3):
            rows.append(["年度总体目标", project["goal"]])
            where[(len(rows) - 1, 1)] = "goal"
        header, fields = draw(st.sampled_from(FORM_HEADERS))
        rows.append(list(header))
        above = None
        for _ in range(draw(st.integers(1, 4))):
            cells, above = draw(indicator_cells(set(fields) - {None}, rates, scheme_key, above, len(rows)))
            rows.append([cells.get(f) if f else draw(st.one_of(st.none(), st.integers(0, 50))) for f in fields])
            where |= {(len(rows) - 1, c): f for c, f in enumerate(fields) if f}
            percent += _percent_cells(draw, rows[-1], len(rows), 1)
        if draw(st.booleans()):
            rows.append(["总分", None, None, None, None, 100, 99.5, None])
    return rows, merges, percent, where


SEED_FIELDS = ["project", "unit", "initial", "annual", "executed", "level1", "level2", "level3", "target", "actual",
               "weight", "reason"]  # fmt: skip


@st.composite
def seed_sheet(draw, scheme_key: str) -> Layout:
    """Seed 000's 自评表, which the fixture stored, again with some cells changed: the update path."""
    rates = draw(RATES)
    scheme = get_scheme(scheme_key)
    replacements: dict[str, st.SearchStrategy[Any]] = {
        "project": st.builds(lambda name: f"{SEED000_CODE}-{name}", st.sampled_from(PROJECT_NAMES)),
        "level1": st.sampled_from(scheme.level1_names),
        "level2": st.sampled_from([n for l1 in scheme.level1_names for n in scheme.level2_for(l1)]),  # or not theirs
        "target": st.one_of(
            VALID["text_target"], st.builds(lambda s, n: f"{s}{n}期", st.sampled_from(SIGNS), VALID["number"])
        ),
        "actual": st.one_of(st.none(), VALID["label"], st.builds(lambda n: f"{n}期", VALID["number"])),
        "reason": VALID["text"],
    }
    kinds = {"unit": "unit", "initial": "money", "annual": "money", "executed": "money", "level3": "level3",
             "weight": "weight"}  # fmt: skip
    project = [f"{SEED000_CODE}-{SEED000_NAME}", "140001-内蒙古自治区妇女联合会", 900, 900, 804.73]
    rows: list[list[Any]] = [["项目支出绩效自评表"], list(SEED000_HEADER)]
    reweighted = rarely(draw, 3)  # every weight changed: below an evaluator's adjustment, say
    for i, seed_row in enumerate(SEED000_ROWS):
        line = (project if i == 0 else [None] * 5) + list(seed_row)
        if reweighted:
            line[SEED_FIELDS.index("weight")] = pick(draw, rates, "weight")
        if rarely(draw, 3):  # one cell changed: another weight, target, name …
            c = draw(st.integers(0 if i == 0 else 5, len(SEED_FIELDS) - 1))
            name = SEED_FIELDS[c]
            line[c] = draw(replacements[name]) if name in replacements else pick(draw, rates, kinds[name])
        line = [mutate(draw, rates, value, name) for value, name in zip(line, SEED_FIELDS, strict=True)]
        rows.append(line)
    merges = [(3, c, len(rows), c) for c in range(1, 6)] if draw(st.booleans()) else []
    where = {(r, c): name for r in range(2, len(rows)) for c, name in enumerate(SEED_FIELDS)}
    return rows, merges, [], where


@st.composite
def garbage_sheet(draw, scheme_key: str) -> Layout:
    return draw(st.lists(st.lists(WILD, max_size=8), max_size=8)), [], [], {}


TITLE_CHARS = st.one_of(CJK, st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="\\*?:/[]"))
SHEET_TITLES = ["项目支出绩效表", "续表", "自评表", "Sheet1", "表 15", "A!B", "第2页", "项目支出绩效自评表"]


@st.composite
def extra_merges(draw, rows: list[list[Any]]) -> list[tuple[int, int, int, int]]:
    """Random merged ranges over and beyond the data: small, big, and overlapping each other."""
    if not rarely(draw, 3):
        return []
    height = max(len(rows), 1)
    width = max([len(r) for r in rows] + [1])
    merges = []
    for _ in range(draw(st.integers(1, 3))):
        r1, c1 = draw(st.integers(1, height + 3)), draw(st.integers(1, width + 2))
        big = rarely(draw, 4)
        h, w = draw(st.integers(0, 120 if big else 4)), draw(st.integers(0, 20 if big else 4))
        merges.append((r1, c1, r1 + h, c1 + w))
    return merges


@st.composite
def workbooks(draw) -> WorkbookSpec:
    scheme = draw(st.sampled_from(sorted(SCHEMES))) if rarely(draw, 6) else None
    sheets: list[SheetSpec] = []
    seen: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        layouts = [table_sheet, form_sheet, seed_sheet, table_sheet, form_sheet, garbage_sheet]
        if scheme and scheme.startswith("department"):  # seed 000's 一级/二级 are not the 部门评价's
            layouts.remove(seed_sheet)
        layout = draw(st.sampled_from(layouts))
        rows, merges, percent, where = draw(layout(scheme or "national"))
        merges = merges + draw(extra_merges(rows))
        title = draw(st.one_of(st.sampled_from(SHEET_TITLES), st.text(TITLE_CHARS, min_size=1, max_size=31)))
        title = title.strip().strip("'") or "Sheet"
        if title.casefold() in seen:
            title = f"{title[:27]}~{len(seen)}"
        seen.add(title.casefold())
        rich = [(r + 1, c + 1) for (r, c), _ in where.items() if rarely(draw, 12)]  # a bold first character
        sheets.append(SheetSpec(title, rows, merges, percent, rich, where))
    if draw(st.booleans()):  # one fault in an otherwise clean workbook: nothing else masks it
        sheet = draw(st.sampled_from(sheets))
        if sheet.where:  # a value wrong for its column
            (r, c), name = draw(st.sampled_from(sorted(sheet.where.items())))
            sheet.rows[r][c] = draw(fault(name))
        elif sheet.rows:
            row = sheet.rows[draw(st.integers(0, len(sheet.rows) - 1))]
            row[(c := draw(st.integers(0, len(row)))) : c + 1] = [draw(FAULTS)]
    unit = None
    if rarely(draw, 8):
        unit = draw(st.one_of(st.sampled_from(UNITS), EXTREME["unit"], WILD.map(lambda v: "" if v is None else str(v))))
    return WorkbookSpec(sheets, dry_run=rarely(draw, 4), scheme=scheme, unit=unit, chartsheet=rarely(draw, 10))
