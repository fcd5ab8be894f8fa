"""Read a 项目支出绩效表 / 自评表 workbook into plain rows (contract.md, "Import").

Only reading happens here: sheets are scanned for header rows, merged cells are filled from
their anchor, titles, blank rows and page numbers are skipped, and each data row becomes a
`SheetRow` mapping canonical field names to raw cell values. Interpreting the values is
`evalsys.lib.parsing`'s job; deciding what to write is `indicators.services`'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import filterfalse
from operator import itemgetter
from pathlib import Path
from typing import Any

from evalsys.lib.parsing import normalize
from evalsys.lib.xlsx import read_sheets

# Canonical field -> header texts that name it (after `header_key`).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "project": ("项目名称",),
    "project_code": ("项目编码", "项目代码", "项目编号"),
    "unit": ("单位名称", "实施单位", "预算单位"),
    "unit_code": ("单位编码", "单位代码", "预算单位编码"),
    "department": ("主管部门", "主管部门名称", "部门名称"),
    "budget": ("预算数", "项目预算数", "预算金额", "资金总额", "年度资金总额"),
    "initial": ("年初预算数", "年初预算"),
    "annual": ("全年预算数", "调整后预算数", "全年预算"),
    "executed": ("全年执行数", "执行数", "预算执行数", "全年执行"),
    "goal": ("年度目标", "年度绩效目标", "年度总体目标", "绩效目标"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称"),  # 指标名称: 黄石市's 监控表, beside 一级指标 with no 二级指标 column
    "comparator": ("指标性质", "计算符号", "比较符号", "运算符号"),
    "target": ("指标值", "年度指标值", "目标值", "年度目标值"),
    "unit_of_measure": ("度量单位", "计量单位", "单位"),
    "weight": ("权重", "分值", "指标分值", "权重分值"),
    "direction": ("指标方向性", "指标方向"),
    "actual": ("实际完成值", "完成值", "全年实际值", "实际值", "全年完成值"),
    "reason": (
        "偏差原因分析及改进措施",
        "偏差原因",
        "未完成原因",
        "偏差原因分析",
        "未完成原因分析",
        "偏差原因及改进措施",
        "未完成原因及拟采取的改进措施",
        "未完成原因和改进措施",
        "未完成原因分析及改进措施",
    ),
    "score": ("得分", "自评得分", "评分"),  # the published score: only 复核 reads it (分值 is the weight)
    # a 监控表 (contract.md "Monitoring"); 1-M月执行情况 and 1-M月执行数 are read by MONTH_COLUMN
    "forecast": (
        "全年预计完成情况",
        "全年预计完成值",
        "全年预计完成",
        "预计全年完成情况",
        "预计全年完成值",
        "全年预计完成数",
        "全年预计",
    ),
    "to_date": ("半年度指标执行情况", "半年度执行情况", "半年指标执行情况"),  # the month: the funds' 1-M月执行数
    "possibility": ("完成目标可能性", "完成可能性", "目标完成可能性", "实现目标可能性"),
    "cause": ("偏差原因类别", "偏差原因分类", "原因类别", "偏差类别"),
    "measures": ("纠偏措施", "拟采取的纠偏措施", "完成目标采取的措施", "纠偏措施及建议"),
    # the national form's five tick columns under 偏差原因 (often on a second header row)
    "cause_funds": ("经费保障",),
    "cause_rules": ("制度保障",),
    "cause_staff": ("人员保障",),
    "cause_hardware": ("硬件条件保障",),
    "cause_other": ("其他", "其他原因"),
}
CAUSE_COLUMNS = ("cause_funds", "cause_rules", "cause_staff", "cause_hardware", "cause_other")
MONITORING_FIELDS = ("to_date", "forecast", "possibility")  # any of them makes the table a 监控表
# `1-7月执行情况`, `1至7月完成情况`, `截至7月底执行情况`, `1-7月执行数`: the value or the budget to date
MONTH_COLUMN = re.compile(
    r"^(?:(?:1|一)\s*[-－—–~～至到]\s*|截至(?:\d{4}年)?|截止(?:\d{4}年)?)(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})"
    r"月(?:底|末|份)?(?:累计)?(?P<what>执行情况|完成情况|完成值|实际完成值|执行数|预算执行数|执行金额|实际执行数)$"
)
MONTH_FIELDS = {
    "执行数": "executed_to_date",
    "预算执行数": "executed_to_date",
    "执行金额": "executed_to_date",
    "实际执行数": "executed_to_date",
}  # fmt: skip  (the rest: "to_date")
CHINESE_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                  "十一": 11, "十二": 12}  # fmt: skip
FIELD_BY_HEADER = {syn: f for f, syns in HEADER_SYNONYMS.items() for syn in syns}
# a header row names these; 二级指标 may be missing (the importer infers it where the scheme leaves one
# choice, indicators.importer.RowParser._levels_inferred)
REQUIRED_HEADERS = ("level1", "level3", "target")
_REQUIRED = frozenset(REQUIRED_HEADERS)
PROJECT_FIELDS = ("project", "project_code", "unit", "unit_code", "department")

# Labels of the national 自评表's key-value block above the indicator block.
FORM_LABELS = {"项目名称": "project", "项目编码": "project_code", "主管部门": "department",
               "实施单位": "unit", "单位名称": "unit", "专项资金名称": "project", "县级主管部门": "department",
               "项目实施单位": "unit", "主管部门及代码": "department", "主管部门及编码": "department",
               "主管部门名称及代码": "department", "主管部门名称及编码": "department",
               "主管部门代码及名称": "department", "项目执行单位": "unit", "实施单位及代码": "unit",
               # a 监控表's whole-project 纠偏措施 (above the indicator block, or a row below it: PROJECT_MEASURES)
               "项目纠偏措施": "measures", "纠偏措施": "measures", "拟采取的纠偏措施": "measures",
               "纠偏措施及建议": "measures", "相关建议或举措": "measures", "整体纠偏措施": "measures"}  # fmt: skip
PROJECT_MEASURES = frozenset(k for k, v in FORM_LABELS.items() if v == "measures")
WHOLE_BUDGET = "部门"  # 部门整体支出绩效自评表: no 项目名称, the 部门's whole budget is what is evaluated
FUND_ROWS = {"年度资金总额": "total", "资金总额": "total", "合计": "total", "总额": "total",
             "年度财政资金总额": "total",
             "当年财政拨款": "fiscal", "本年财政拨款": "fiscal", "财政拨款": "fiscal", "财政资金": "fiscal",
             "上年结转资金": "carryover", "上年结转": "carryover", "结转资金": "carryover",
             "其他资金": "other", "财政专户管理资金": "other", "单位资金": "other"}  # fmt: skip
FUND_COLUMNS = {"年初预算数": "initial", "年初预算": "initial", "全年预算数": "annual", "全年预算": "annual",
                "调整后预算数": "annual", "调整预算数": "annual", "预算数": "annual", "全年执行数": "executed",
                "全年执行": "executed", "预算执行数": "executed", "执行数": "executed"}  # fmt: skip
# 财政拨款's own parts (`其中：一般公共预算`): read as 当年财政拨款 when the block prints no 财政拨款 row of its
# own, left out when it does (they are already in it)
FISCAL_PARTS = ("一般公共预算", "一般公共预算拨款", "当年一般公共预算拨款", "一般公共预算资金", "政府性基金",
                "政府性基金预算", "政府性基金预算拨款", "国有资本经营预算", "国有资本经营预算拨款")  # fmt: skip

BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
TOTAL_ROW = ("总分", "合计", "总计", "小计", "自评得分", "得分合计")
# The first cell of the rows printed below a form's indicator block (Sichuan's 2023 form and others).
FOOTER_ROW = ("评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人", "填表人", "填报人", "审核人", "说明",
              "偏差或不能完成目标原因分析", "项目偏差原因分析")  # fmt: skip
# What a 三级 or value cell holds in a printed template row: `……`, `/`, `-`, an empty `指标2:`.
PLACEHOLDER = re.compile(r"(?:指标\s*\d+\s*[:：.、]?)?[\s/／…．.\-—–]*")
INDICATOR_CELLS = ("level3", "comparator", "target", "unit_of_measure", "weight", "actual")


HEADER_LENGTH = 40  # a header or a label is short; longer cells are data, never looked up


def header_key(value: Any) -> str:
    """Header text without brackets, spaces and a trailing colon: `年度指标值(A)` → `年度指标值`."""
    if not isinstance(value, str) or len(value) > HEADER_LENGTH:
        return ""
    return _header_key(value)


@lru_cache(maxsize=4096)
def _header_key(value: str) -> str:
    text = BRACKETS.sub("", normalize(value))
    return re.sub(r"[\s:：*＊]", "", text)


@lru_cache(maxsize=4096)
def _field_of_text(value: str) -> str | None:
    """The canonical field a header text names (FIELD_BY_HEADER of its header_key), or None."""
    key = _header_key(value)
    found = FIELD_BY_HEADER.get(key)
    if found is None and "月" in key and (month := MONTH_COLUMN.match(key)):
        return MONTH_FIELDS.get(month["what"], "to_date")
    return found


def header_month(text: str) -> int | None:
    """The cut-off month a 监控表 header names (`1-7月执行情况` → 7), None when it names none or one
    outside 1–12."""
    found = MONTH_COLUMN.match(_header_key(text)) if isinstance(text, str) else None
    if found is None:
        return None
    raw = found["month"]
    month = int(raw) if raw.isdigit() else CHINESE_MONTHS.get(raw, 0)
    return month if 1 <= month <= 12 else None


@dataclass(frozen=True)
class SheetRow:
    """One data row: canonical field -> raw value, plus where it came from."""

    sheet: str
    row: int
    values: dict[str, Any]
    headers: dict[str, str]
    context: dict[str, Any] = field(default_factory=dict)
    # (source, row, column -> cell, column -> 0-based index) of the form's funds block
    funds: tuple[tuple[str, int, dict[str, Any], dict[str, int]], ...] = ()
    positions: dict[str, int] = field(default_factory=dict)  # field -> 0-based column index
    kind: str = "data"  # "total": a printed 合计/小计/总分 row (read_sheet(totals=True)), not an indicator
    cells: tuple[Any, ...] = ()  # a total row's every cell, for its label and a printed grade


MEMO_SIZE = 1 << 16  # distinct cell values remembered by each _Memo (cleared when full)


class _Memo(dict):  # type: ignore[type-arg]
    """cell value -> fact(value), each distinct value computed once. Only for facts that agree on
    values a dict takes for one key (1, 1.0 and True are one key): every fact below gives a number, a
    boolean and a date the same answer. Bounded: cleared when MEMO_SIZE values are held."""

    def __init__(self, fact: Any) -> None:
        super().__init__()
        self.fact = fact

    def __missing__(self, key: Any) -> Any:
        if len(self) >= MEMO_SIZE:
            self.clear()
        found = self[key] = self.fact(key)
        return found


# the facts of a cell the row checks ask, once per distinct value: its header field (None for any
# number), its header_key ("" for any number), whether it holds text (always for a number), whether
# it shows nothing (never for a number), whether it names a total, is a template's placeholder or
# starts a breakdown (never for a number)
_FIELD_OF = _Memo(lambda c: _field_of_text(c) if isinstance(c, str) and len(c) <= HEADER_LENGTH else None)
_KEY_OF = _Memo(lambda c: header_key(c))
_FILLED = HAS_TEXT = _Memo(lambda c: bool(normalize(c)))  # HAS_TEXT[value]: bool(normalize(value)), memoised
_BLANK = _Memo(lambda c: c is None or (isinstance(c, str) and not c.strip()))  # nothing shown
_TOTAL_OF = _Memo(lambda c: header_key(c).startswith(TOTAL_ROW))  # names a 合计/小计/总分 row
_PLACEHOLDER_OF = _Memo(lambda c: PLACEHOLDER.fullmatch(normalize(c)) is not None)
_BREAKDOWN_OF = _Memo(lambda c: normalize(c).startswith("其中"))


def _header_map(cells: list[Any]) -> dict[int, tuple[str, str]]:
    """Column index -> (field, header text) when `cells` is an indicator header row, else {}."""
    # FIELD_BY_HEADER.get(header_key(cell)) of every cell of every row, memoised per value
    names = [_FIELD_OF[c] for c in cells]
    if not _REQUIRED.issubset(names):  # a data row (most rows): nothing more to look at
        return {}
    found: dict[int, tuple[str, str]] = {}
    for idx, (cell, name) in enumerate(zip(cells, names, strict=True)):
        if name and name not in {f for f, _ in found.values()}:
            found[idx] = (name, normalize(cell))
    fields = {f for f, _ in found.values()}
    return found if all(f in fields for f in REQUIRED_HEADERS) else {}


def _filled_set(cells: list[Any]) -> set[Any]:
    """The row's different non-blank values (none: the row is blank)."""
    return set(filterfalse(_BLANK.__getitem__, cells))


def _is_noise(cells: list[Any], raw: set[Any] | None = None) -> bool:
    """Titles (项目支出绩效表, 单位：万元, 表15) and page numbers (- 147 -): one text alone on its row.

    Merged titles span every column once filled, so they also count as one text. `raw`: the row's
    _filled_set when the caller has it.
    """
    if raw is None:
        raw = _filled_set(cells)
    if len(raw) > 3:  # several different values: a data row, without normalising them all
        return False
    return len({normalize(c) for c in raw}) == 1


class _FormReader:
    """Collects the national 自评表's key-value block and funds block above an indicator block."""

    def __init__(self) -> None:
        self.context: dict[str, Any] = {}
        self.funds: list[tuple[str, int, dict[str, Any], dict[str, int]]] = []
        self._fund_cols: dict[int, str] = {}
        self._score_col: int | None = None  # the funds header's 得分 (复核 reads the budget score)
        self._fiscal = False  # the block printed a 财政拨款 row (its 其中 parts are not read then)

    def feed(self, cells: list[Any], number: int) -> None:
        keys = [header_key(c) for c in cells]
        self._labels(cells, keys)
        cols = {i: name for i, k in enumerate(keys) if (name := _fund_column(k))}
        # a funds header: 全年预算数, or a 监控表's 年初预算数 beside its 1-M月执行数 (no 全年预算数 printed)
        if "annual" in cols.values() or {"initial", "executed_to_date"} <= set(cols.values()):
            self._fund_cols = cols
            # the 1-M月执行数 header names the cut-off month when the indicator block's does not
            month = next((normalize(cells[i]) for i, name in cols.items() if name == "executed_to_date"), None)
            if month:
                self.context["month_header"] = month
            self._score_col = next((i for i, k in enumerate(keys) if k in HEADER_SYNONYMS["score"]), None)
            return
        source = _fund_row(keys)
        if source == "fiscal_part":  # in 财政拨款 when the block has that row, else 财政拨款 itself
            source = None if self._fiscal else "fiscal"
        elif source == "fiscal":
            self._fiscal = True
        if source == "total" and self._score_col is not None and self._score_col < len(cells):
            self.context["budget_score"] = cells[self._score_col]
        if source and self._fund_cols:
            values = {name: cells[i] for i, name in self._fund_cols.items() if i < len(cells)}
            positions = {name: i for i, name in self._fund_cols.items()}
            self.funds.append((source, number, values, positions))

    def _labels(self, cells: list[Any], keys: list[str]) -> None:
        for i, key in enumerate(keys):
            name = FORM_LABELS.get(key) or ("project" if key == WHOLE_BUDGET and "project" not in self.context else "")
            if not name:
                continue
            value = next((c for c in cells[i + 1 :] if normalize(c) and normalize(c) != normalize(cells[i])), None)
            if value is not None and header_key(value) not in FORM_LABELS:
                if name == "project":  # a new form starts: forget the previous one's funds
                    self.funds, self._fund_cols, self._fiscal = [], {}, False
                    self.context.pop("measures", None)
                    self.context.pop("budget_score", None)
                self.context[name] = value


def _fund_column(key: str) -> str | None:
    """The funds block's column a header key names: FUND_COLUMNS, or a 监控表's `1-M月执行数`."""
    found = FUND_COLUMNS.get(key)
    if found is None and "月" in key and (month := MONTH_COLUMN.match(key)):
        return MONTH_FIELDS.get(month["what"])
    return found


def _fund_row(keys: list[str]) -> str | None:
    """The source a funds row names (FUND_ROWS, or "fiscal_part" for FISCAL_PARTS), None for another row."""
    for key in keys:
        key = key.removeprefix("其中")
        if key in FUND_ROWS:
            return FUND_ROWS[key]
        if key in FISCAL_PARTS:
            return "fiscal_part"
    return None


def read_sheet(title: str, rows: Iterable[tuple[int, list[Any]]], *, totals: bool = False) -> Iterator[SheetRow]:
    """Data rows of one sheet, with the header mapping in force where each row stands.

    With `totals`, printed 合计/小计/总分 rows are yielded too, as `kind="total"` (复核 reads them).
    """
    columns: dict[int, tuple[str, str]] = {}
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    tree: list[int] = []  # the 一级/二级/三级 columns
    heading: dict[str, Any] = {}  # the 一级/二级 of a template row above, for the next indicator row
    fresh = False  # the row just read was a header row
    form = _FormReader()
    take = _Columns({})
    header_cells: list[Any] = []
    for number, cells in rows:
        raw = _filled_set(cells)
        if not raw:  # a blank row
            continue
        header = _header_map(cells)
        if header:  # shared by the rows below it, built once
            columns, header_cells = header, cells
            headers = {name: text for name, text in columns.values()}
            positions = {name: i for i, (name, _) in columns.items()}
            tree = [i for i, (name, _) in columns.items() if name in ("level1", "level2", "level3")]
            take = _Columns(columns)
            heading = {}
            fresh = True  # the row below may be a second header row (_cause_row)
            continue
        if not columns:
            form.feed(cells, number)
            continue
        if fresh and (causes := _cause_row(cells)):
            # the national 监控表 prints the five causes on a second header row under 偏差原因
            fresh = False
            # a merged 偏差原因 over the ticks was read as the reason column: the reason is the header's
            # next column of that name (偏差原因分析), if any
            displaced = {columns[i][0] for i in causes if i in columns and columns[i][0] not in CAUSE_COLUMNS}
            columns = {**columns, **causes}
            for name in displaced:
                later = next((i for i, c in enumerate(header_cells) if i not in columns and _FIELD_OF[c] == name), None)
                if later is not None:
                    columns[later] = (name, normalize(header_cells[later]))
            headers = {name: text for name, text in columns.values()}
            positions = {name: i for i, (name, _) in columns.items()}
            take = _Columns(columns)
            continue
        fresh = False
        if _is_noise(cells, raw):  # a 二级 alone on its row (not merged) still names the rows below
            heading = _lone_heading(cells, columns) or heading
            continue
        first = _first_key(cells)
        if first in PROJECT_MEASURES:  # a 监控表's whole-project 纠偏措施 printed below its indicator block
            text = next((c for c in cells if _FILLED[c] and _KEY_OF[c] != first), None)
            if text is not None:
                form.context["measures"] = text
                yield SheetRow(title, number, {}, headers, dict(form.context), tuple(form.funds), positions)
            continue
        if _is_footer(first):
            continue
        if _is_total(cells, tree, first):
            if totals:
                yield SheetRow(title, number, take(cells), headers, dict(form.context), tuple(form.funds), positions,
                               kind="total", cells=tuple(cells))  # fmt: skip
            continue
        if _restarts_form(cells):
            columns, form = {}, _FormReader()
            form.feed(cells, number)
            continue
        values = take(cells)
        if _is_template(values):  # carries its 一级/二级 to the rows below that leave them blank
            heading = {name: values[name] for name in ("level1", "level2") if normalize(values.get(name))}
            continue
        if _is_breakdown(values):
            continue
        values, heading = _with_heading(values, heading), {}
        yield SheetRow(title, number, values, headers, dict(form.context), tuple(form.funds), positions)


class _Columns:
    """A row's values by field under a header: {field: cell} (None past the row's last cell)."""

    def __init__(self, columns: dict[int, tuple[str, str]]) -> None:
        self.names = [name for name, _ in columns.values()]
        self.indexes = list(columns)
        self.width = max(self.indexes, default=-1) + 1
        self.get = itemgetter(*self.indexes) if len(self.indexes) > 1 else None

    def __call__(self, cells: list[Any]) -> dict[str, Any]:
        if self.get is None:  # fewer than two columns (never under a header): one by one
            pairs = zip(self.names, self.indexes, strict=True)
            return {name: cells[i] if i < len(cells) else None for name, i in pairs}
        if len(cells) < self.width:
            cells = [*cells, *[None] * (self.width - len(cells))]
        return dict(zip(self.names, self.get(cells), strict=True))


def _cause_row(cells: list[Any]) -> dict[int, tuple[str, str]]:
    """Column index -> (cause field, text) when at least two cells of `cells` name a cause column."""
    found = {}
    for idx, cell in enumerate(cells):
        name = _field_of_text(cell) if isinstance(cell, str) and len(cell) <= HEADER_LENGTH else None
        if name in CAUSE_COLUMNS:
            found[idx] = (name, normalize(cell))
    return found if len(found) >= 2 else {}


def _first_key(cells: list[Any]) -> str:
    """The header_key of the row's first cell with text ("" when none)."""
    for c in cells:
        if _FILLED[c]:
            return _KEY_OF[c]
    return ""


def _is_total(cells: list[Any], tree: list[int], first: str) -> bool:
    """总分 / 合计 rows at the foot of an indicator block: in a `tree` column or the `first` text."""
    width = len(cells)
    return any(_TOTAL_OF[cells[i]] for i in tree if i < width) or first.startswith(TOTAL_ROW)


@lru_cache(maxsize=1024)
def _is_footer(first: str) -> bool:
    """评价结论 / 存在问题 / 改进措施 / 说明 rows below the indicator block; sign-offs (`项目负责人:查小兵`):
    `first` is the header_key of the row's first text."""
    return any(first == word or (word.endswith("人") and first.startswith(word)) for word in FOOTER_ROW)


def _is_template(values: dict[str, Any]) -> bool:
    """A row with no indicator: a 二级 printed without rows of its own, `……`, an empty `指标2:`.

    Such rows carry a 一级 or 二级 name (often merged down from above) and nothing else.
    """
    if not any(_FILLED[values.get(name)] for name in ("level1", "level2")):
        return False
    return all(_PLACEHOLDER_OF[values.get(name)] for name in INDICATOR_CELLS)


def _is_breakdown(values: dict[str, Any]) -> bool:
    """`其中…` rows without 分值: a breakdown of the weighted row above, already counted in it."""
    return _BREAKDOWN_OF[values.get("level3")] and not _FILLED[values.get("weight")]


def _lone_heading(cells: list[Any], columns: dict[int, tuple[str, str]]) -> dict[str, Any]:
    """{一级 or 二级: name} when the only text of the row stands in that column."""
    filled = [i for i, c in enumerate(cells) if normalize(c)]
    if len(filled) != 1 or columns.get(filled[0], ("",))[0] not in ("level1", "level2"):
        return {}
    if not re.search(r"[\u4e00-\u9fff]", normalize(cells[filled[0]])):  # a page number (- 147 -), not a name
        return {}
    return {columns[filled[0]][0]: cells[filled[0]]}


def _with_heading(values: dict[str, Any], heading: dict[str, Any]) -> dict[str, Any]:
    """Blank 一级/二级 cells of the first row below a template row take the template's names."""
    if not heading or normalize(values.get("level1")):
        return values
    filled = dict(values)
    for name, value in heading.items():
        if not normalize(filled.get(name)):
            filled[name] = value
    return filled


def _restarts_form(cells: list[Any]) -> bool:
    """A 项目名称 label after an indicator block starts the next form on the same sheet."""
    keys = [_KEY_OF[c] for c in cells[:2]]
    return "项目名称" in keys and len([c for c in cells if normalize(c)]) >= 2


def read_workbook(path: str | Path, *, max_rows: int | None = None, totals: bool = False) -> Iterator[SheetRow]:
    """Every data row of every sheet, in order; WorkbookRefused for a file beyond the limits."""
    for title, rows in read_sheets(path, max_rows=max_rows):
        yield from read_sheet(title, rows, totals=totals)
