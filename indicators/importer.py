"""Turn workbook rows into validated plain projects (contract.md, "Import").

Every row is checked before anything is written; each error names the sheet, the row, the
column and the fix, e.g. `项目支出绩效表!第12行 指标值：“五十”不是数字`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from evalsys.lib.codes import normalize_code
from evalsys.lib.parsing import (
    MAX_AMOUNT,
    MAX_TEXT,
    MAX_UNIT,
    QUALITATIVE,
    Actual,
    BlankTarget,
    CellError,
    Target,
    WordsForNumber,
    clean_level_name,
    comparator_from_direction,
    normalize,
    parse_actual,
    parse_amount,
    parse_comparator,
    parse_target,
    parse_weight,
    split_code_name,
)
from indicators.models import MAX_PER_PROJECT, TOO_MANY
from indicators.workbook import HAS_TEXT, MONITORING_FIELDS, PROJECT_FIELDS, SheetRow, header_month
from scoring.monitoring import POSSIBILITIES
from scoring.targets import says_not_applicable
from scoring.types import Scheme

FIELD_LABELS = {
    "project": "项目名称", "project_code": "项目编码", "unit": "单位名称", "unit_code": "单位编码",
    "department": "主管部门", "budget": "预算数", "initial": "年初预算数", "annual": "全年预算数",
    "executed": "全年执行数", "goal": "年度目标", "level1": "一级指标", "level2": "二级指标",
    "level3": "三级指标", "comparator": "指标性质", "target": "指标值", "unit_of_measure": "度量单位",
    "weight": "权重", "direction": "指标方向性", "actual": "实际完成值", "reason": "偏差原因分析及改进措施",
    "to_date": "1-M月执行情况", "executed_to_date": "1-M月执行数", "forecast": "全年预计完成值",
    "possibility": "完成目标可能性", "cause": "偏差原因类别", "measures": "纠偏措施", "cause_funds": "经费保障",
    "cause_rules": "制度保障", "cause_staff": "人员保障", "cause_hardware": "硬件条件保障", "cause_other": "其他",
}  # fmt: skip
CAUSE_NAMES = {
    "cause_funds": "经费保障",
    "cause_rules": "制度保障",
    "cause_staff": "人员保障",
    "cause_hardware": "硬件条件保障",
    "cause_other": "其他",
}  # fmt: skip  (scoring.monitoring.CAUSES)
NOT_TICKED = ("", "否", "无", "×", "x", "X", "0", "-", "—", "/", "／")  # a tick column's empty answers
CAUSE_SPLIT = re.compile(r"[、,，;；/／\s]+")
BAD_CAUSE = "“{value}”不是偏差原因类别，可选：经费保障、制度保障、人员保障、硬件条件保障、其他（可填多个，用顿号分隔）"
BAD_POSSIBILITY = "“{value}”不是可选项，完成目标可能性须为：确定能、有可能、完全不可能"
MONTH_CONFLICT = "截至月份“{value}”与同一项目第{row}行的{first}月不一致"
MONEY_FIELDS = ("initial", "annual", "executed")
NO_PROJECT = "为空，且上方没有可归属的项目，请填写项目名称"
NOT_APPLICABLE = ("不适用", "不涉及", "本年度不适用")  # an actual cell marking the indicator 不适用
NO_WEIGHT = "为空，请填写权重（分值）"
NO_WEIGHT_GIVEN = Decimal(-1)  # _weight's answer for a declaration's blank weight (the identity is checked)
TEXT_TARGET = (
    "“{target}”不是数字，被当作定性目标，而实际完成值“{actual}”是数值：数量目标请把指标值写成数字"
    "（如 ≥50场），定性目标请把实际完成值填为“达成”、“部分达成”或“未达成”"
)
NO_LEVEL3 = "为空，请填写三级指标名称"
DUPLICATE = "“{name}”与第{row}行的指标重复（同一项目的一级、二级、三级指标须唯一）"
BAD_LEVEL = "“{value}”不是本方案的{label}，可选：{allowed}"
NO_LEVEL2_COLUMN = ("表中没有“二级指标”列，“{level1}”下有{allowed}，无法判断本行属于哪一个：请在“{column}”列后"
                    "增加“二级指标”列并填写")  # fmt: skip
UNIT_CONFLICT = "项目“{code}”在第{row}行属于单位“{first}”，此处为“{second}”"
MONEY_CONFLICT = "“{value}”与同一项目第{row}行的“{first}”不一致"
INDICATOR_FIELDS = ("level1", "level2", "level3", "target", "weight", "actual")  # a row with none is no indicator
INVALID = "\0invalid"  # a 一级/二级 that was reported as wrong; rows inheriting it stay quiet
# (field, longest value) in the order of RowParser._identity; equal to the models' max_length.
IDENTITY_LIMITS = (("project_code", 64), ("project", 300), ("unit_code", 32), ("unit", 200), ("department", 200))
TOO_LONG = "过长（{n} 字），最多 {limit} 字"
LEVEL3_LIMIT = 300
TOO_LARGE_SUM = "超出可保存的范围，须小于 {limit:,.0f}"
FUND_LABELS = {"total": "年度资金总额", "fiscal": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}


def source_label(source: str) -> str:
    return FUND_LABELS.get(source, source)


def _has_budget(values: dict[str, Any]) -> bool:
    return any(values.get(name) is not None for name in ("annual", "initial", "executed"))


def _fill_annual(values: dict[str, Any]) -> dict[str, Any]:
    """domain.md §1: a blank 全年预算数 is the 年初预算数 (budget_assumed), or 0 with no budget at all
    while an execution is given (budget_missing: the budget scores 0)."""
    if values.get("annual") is not None:
        return values
    initial = values.get("initial")
    return {**values, "annual": initial if initial is not None else Decimal(0), "assumed": initial is not None}


class RowError(str):
    """One error line (`sheet!第N行 column：message`) that also knows its cell.

    A `str`, so every caller that prints or joins errors keeps working; `sheet`, `row` (1-based)
    and `column` (0-based index, None when the cell is not known) let the intake page mark the
    cell in the officer's own workbook.
    """

    sheet: str
    row: int
    column: int | None
    message: str

    def __new__(cls, sheet: str, row: int, label: str, message: str, column: int | None = None) -> RowError:
        line = super().__new__(cls, f"{sheet}!第{row}行 {label}：{message}")
        line.sheet, line.row, line.column, line.message = sheet, row, column, message
        return line


class ImportFailed(Exception):
    """The workbook has invalid rows; `errors` lists each of them in Chinese."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Observed:
    """One indicator's 运行监控 as a 监控表 gives it (contract.md "Monitoring"): texts as written (the
    monitoring stage reads values as actuals are read), the cause categories in the form's order."""

    to_date: str = ""
    forecast: str = ""
    possibility: str = ""
    causes: tuple[str, ...] = ()
    reason: str = ""
    measures: str = ""


@dataclass
class ParsedIndicator:
    sheet: str
    row: int
    level1: str
    level2: str
    level3: str
    target: Target
    weight: Decimal | None  # None: a declaration's blank weight (the stored one stays; a new row's is 0)
    actual: Actual | None
    has_actual: bool
    reason: str | None
    published: Decimal | None = None  # the table's own 得分 (复核 only; the import ignores it)
    observation: Observed | None = None  # a 监控表's row: what the monitoring stage stores
    not_applicable: bool = False  # the actual cell says 不适用 / 不涉及: no actual, scored as the scheme says


@dataclass
class ParsedProject:
    code: str
    name: str
    unit_code: str
    unit_name: str
    department: str
    sheet: str
    row: int
    goal: str = ""
    money: dict[str, tuple[Decimal, int]] = field(default_factory=dict)
    funds: dict[str, dict[str, Decimal | None]] = field(default_factory=dict)
    name_variants: list[str] = field(default_factory=list)
    indicators: dict[tuple[str, str, str], ParsedIndicator] = field(default_factory=dict)
    bad_money: set[str] = field(default_factory=set)  # amounts reported as wrong
    # 复核 only (the import ignores them): the form's printed budget 得分, its 合计/小计/总分 rows, 等级
    published_budget: Decimal | None = None
    published_totals: list[Any] = field(default_factory=list)
    published_grade: str = ""
    annual_assumed: bool = False  # the flat layout's 全年预算数 was blank: 年初预算数 stands in
    # a 绩效目标申报表 (contract.md "Targets"): every indicator row came from a table with no actual
    # column; None until a row is read. Its projects start in the targets stage, and what cannot be
    # measured (a blank target, `≥**`, no weights) is kept for the §8 checks instead of refused.
    declaration: bool | None = None
    # a 监控表: its cut-off month (from `1-M月执行情况`, None when the header names none) and the row of
    # the header that named it; the budget's 1-M月执行数 is money["executed_to_date"]
    monitored: bool = False
    month: tuple[int, int] | None = None
    measures: str = ""  # a 监控表's whole-project 纠偏措施 (the form's label row above or below the indicators)
    department_code: str = ""  # 主管部门及代码's code (`101-市教育局`, `[101]市教育局`)

    @property
    def label(self) -> str:
        return f"{self.code}-{self.name}" if self.code else self.name

    def money_value(self, name: str) -> Decimal | None:
        found = self.money.get(name)
        return found[0] if found else None


@dataclass
class _State:
    """What a row without project cells (merged or blank) inherits from the rows above it."""

    project: ParsedProject | None = None
    levels: tuple[str, str] = ("", "")
    sheet: str = ""


class RowParser:
    """Parses rows one by one into `projects`, collecting every error in `errors`."""

    def __init__(self, scheme: Scheme, *, default_unit: str = "", year: int | None = None) -> None:
        self.scheme = scheme
        self.default_unit = default_unit
        self.year = year  # the fiscal year: dates a deadline written without one (`9月前`)
        self.suffix = all(name.endswith("指标") for name in scheme.level1_names)
        self.projects: dict[tuple[str, ...], ParsedProject] = {}
        self.errors: list[str] = []
        self.state = _State()
        self._row: SheetRow | None = None  # the row whose cells with text are in _texts
        self._texts: dict[str, Any] = {}
        # the table's kind (is_monitoring, is_declaration, is_lenient) of the last headers seen: the rows
        # under one header share its dict
        self._headers: dict[str, str] | None = None
        self._kinds = (False, False, False)
        self._level_names: tuple[Scheme, tuple[str, ...], dict[str, tuple[str, ...]]] | None = None

    # -- errors ------------------------------------------------------------------------------
    def _error(self, r: SheetRow, name: str, message: str) -> None:
        label = r.headers.get(name) or FIELD_LABELS[name]
        self.errors.append(RowError(r.sheet, r.row, label, message, r.positions.get(name)))

    def _cell(self, r: SheetRow, name: str) -> Any:
        """The row's cell `name` when it holds text, else None (each cell normalised once per row)."""
        return self._texts_of(r).get(name)

    def _texts_of(self, r: SheetRow) -> dict[str, Any]:
        if r is not self._row:
            self._row, self._texts = r, {k: v for k, v in r.values.items() if HAS_TEXT[v]}
        return self._texts

    def _kind(self, r: SheetRow) -> tuple[bool, bool, bool]:
        """(is_monitoring(r), is_declaration(r), is_lenient(r)), once per header."""
        if r.headers is not self._headers:
            self._headers, self._kinds = r.headers, (is_monitoring(r), is_declaration(r), is_lenient(r))
        return self._kinds

    def _levels(self) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
        """The scheme's 一级 names and 二级 names by 一级 (scheme.level1_names, level2_for), once."""
        if self._level_names is None or self._level_names[0] is not self.scheme:
            self._level_names = (self.scheme, self.scheme.level1_names, {})
        return self._level_names[1], self._level_names[2]

    def _any_cell(self, r: SheetRow, names: tuple[str, ...]) -> bool:
        """any(self._cell(r, name) for name in names): a cell of 0 counts as none, as it always has."""
        return any(map(self._texts_of(r).get, names))

    # -- rows --------------------------------------------------------------------------------
    def feed(self, r: SheetRow) -> None:
        if r.kind == "total":  # printed sums are 复核's, not the import's
            return
        if r.sheet != self.state.sheet:
            self.state = _State(sheet=r.sheet)
        project = self._project(r)
        if project is None:
            return
        self._money(r, project)
        indicator = self._indicator(r, project)
        monitoring, declared, _ = self._kind(r)
        if monitoring:
            self._month(r, project)
        if indicator is not None:
            project.declaration = declared if project.declaration is None else project.declaration and declared
            key = (indicator.level1, indicator.level2, indicator.level3)
            first = project.indicators.get(key)
            if first is not None:
                self._error(r, "level3", DUPLICATE.format(name=indicator.level3, row=first.row))
            elif len(project.indicators) >= MAX_PER_PROJECT:
                self._error(r, "level3", f"{TOO_MANY.format(limit=MAX_PER_PROJECT)}，请检查是否把多个项目合在一起")
            else:
                project.indicators[key] = indicator

    def _identity(self, r: SheetRow, has_own: bool | None = None) -> tuple[str, str, str, str, str] | None:
        """(code, name, unit_code, unit_name, department) from the row or the form above it (`has_own`:
        whether the row names a project, when the caller has asked)."""
        if has_own is None:
            has_own = self._any_cell(r, PROJECT_FIELDS)
        source = r.values if has_own else r.context
        project = normalize(source.get("project"))
        if not project and not normalize(source.get("project_code")):
            return None
        code, name = split_code_name(project)
        # one form of a code (`t` = `T`, full-width = half-width), as the project pages store it
        code = normalize_code(normalize(source.get("project_code")) or code)
        unit_code, unit_name = split_code_name(normalize(source.get("unit")) or self.default_unit)
        unit_code = normalize(source.get("unit_code")) or unit_code
        department = department_name(source.get("department"))
        return code, name or code, unit_code, unit_name or "未指定单位", department

    def _project(self, r: SheetRow) -> ParsedProject | None:
        has_own = self._any_cell(r, PROJECT_FIELDS)
        ident = self._identity(r, has_own) if has_own or r.context.get("project") or not self.state.project else None
        if ident is None:
            if self.state.project is None:
                self._error(r, "project", NO_PROJECT)
            return self.state.project
        self._too_long(r, ident)  # reported; the rows below still belong to this project
        code, name, unit_code, unit_name, department = ident
        key = ("code", code) if code else ("name", unit_code or unit_name, name)
        project = self.projects.get(key)
        if project is None:
            project = ParsedProject(code, name, unit_code, unit_name, department, r.sheet, r.row)
            self.projects[key] = project
        else:
            self._check_same(r, project, ident)
        if department and not project.department_code:
            project.department_code = department_code((r.values if has_own else r.context).get("department"))
        if project is not self.state.project:
            self.state.levels = ("", "")
        self.state.project = project
        return project

    def _too_long(self, r: SheetRow, ident: tuple[str, ...]) -> bool:
        """Names and codes longer than the database holds are the row's error."""
        found = False
        for (name, limit), value in zip(IDENTITY_LIMITS, ident, strict=True):
            if len(value) > limit:
                self._error(r, name, TOO_LONG.format(n=len(value), limit=limit))
                found = True
        return found

    def _check_same(self, r: SheetRow, project: ParsedProject, ident: tuple[str, ...]) -> None:
        _, name, unit_code, unit_name, department = ident
        if name != project.name and name not in project.name_variants:
            project.name_variants.append(name)
        if (unit_code or unit_name) != (project.unit_code or project.unit_name):
            first = f"{project.unit_code}-{project.unit_name}".strip("-")
            second = f"{unit_code}-{unit_name}".strip("-")
            self._error(
                r, "unit", UNIT_CONFLICT.format(code=project.label, row=project.row, first=first, second=second)
            )
        project.department = project.department or department

    # -- money -------------------------------------------------------------------------------
    def _money(self, r: SheetRow, project: ParsedProject) -> None:
        texts = self._texts_of(r)  # self._cell(r, name) is texts.get(name)
        goal = normalize(texts.get("goal"))
        project.goal = project.goal or goal
        if r.context and not project.measures and HAS_TEXT[measures := r.context.get("measures")]:
            project.measures = str(measures).strip()  # as written (its full-width punctuation kept)
        for src, dst in (("budget", "annual"), ("annual", "annual"), ("initial", "initial"), ("executed", "executed"),
                         ("executed_to_date", "executed_to_date")):  # fmt: skip
            raw = texts.get(src)
            if raw is None:
                continue
            try:
                value = parse_amount(raw)
            except CellError as exc:
                self._error(r, src, str(exc))
                project.bad_money.add(dst)
                continue
            self._set_money(r, project, src, dst, value)
        if r.funds and not project.funds:
            project.funds = self._form_funds(r)

    def _set_money(self, r: SheetRow, project: ParsedProject, src: str, dst: str, value: Decimal) -> None:
        if dst in project.money and project.money[dst][0] != value:
            first, row = project.money[dst]
            self._error(r, src, MONEY_CONFLICT.format(value=normalize(r.values.get(src)), row=row, first=first))
        else:
            project.money.setdefault(dst, (value, r.row))

    def _form_funds(self, r: SheetRow) -> dict[str, dict[str, Decimal | None]]:
        """The form's funds block, summed per source (单位资金 and 财政专户管理资金 are both 其他资金)."""
        funds: dict[str, dict[str, Decimal | None]] = {}
        overflowed: set[tuple[str, str]] = set()
        for source, row, cells, positions in r.funds:
            sums = funds.setdefault(source, {})
            for column, raw in cells.items():
                try:
                    value = parse_amount(raw) if normalize(raw) else None
                except CellError as exc:
                    self.errors.append(RowError(r.sheet, row, FIELD_LABELS[column], str(exc), positions.get(column)))
                    continue
                if value is None or (source, column) in overflowed:
                    continue
                total = (sums.get(column) or Decimal(0)) + value
                if total >= MAX_AMOUNT:  # each amount is bounded, their sum must be too: said once
                    overflowed.add((source, column))
                    message = f"“{source_label(source)}”各行合计{TOO_LARGE_SUM.format(limit=MAX_AMOUNT)}"
                    self.errors.append(RowError(r.sheet, row, FIELD_LABELS[column], message, positions.get(column)))
                sums[column] = total
        return {source: _fill_annual(values) for source, values in funds.items() if _has_budget(values)}

    # -- indicators --------------------------------------------------------------------------
    def _level(self, r: SheetRow, name: str, allowed: tuple[str, ...], inherited: str) -> str | None:
        raw = self._cell(r, name)
        if raw is None:
            return inherited or None
        value = _allowed_form(raw, allowed, suffix=self.suffix)
        if value not in allowed:
            label = FIELD_LABELS[name]
            self._error(r, name, BAD_LEVEL.format(value=normalize(raw), label=label, allowed="、".join(allowed)))
            return INVALID
        return value

    def _indicator(self, r: SheetRow, project: ParsedProject) -> ParsedIndicator | None:
        if not self._any_cell(r, INDICATOR_FIELDS):
            return None
        level1_names, level2_names = self._levels()
        if "level2" not in r.headers:  # 一级指标 and 指标名称 only (黄石市's 监控表)
            l1, l2 = self._levels_inferred(r, level1_names, level2_names)
        else:
            l1 = self._level(r, "level1", level1_names, self.state.levels[0])
            if l1 is not None and l1 != INVALID and l1 not in level2_names:
                level2_names[l1] = self.scheme.level2_for(l1)
            l2 = self._level(r, "level2", level2_names[l1], self.state.levels[1]) if l1 not in (None, INVALID) else None
        if l1 is None:
            self._error(r, "level1", "为空，请填写一级指标")
            return None
        if l2 is None and l1 != INVALID:
            self._error(r, "level2", "为空，请填写二级指标")
        # rows below a bad 一级/二级 inherit it: they are not reported again
        self.state.levels = (l1, l2 or INVALID)
        if INVALID in (l1, l2) or l2 is None:
            return None
        l3 = normalize(self._cell(r, "level3"))
        if not l3:
            self._error(r, "level3", NO_LEVEL3)
            return None
        if len(l3) > LEVEL3_LIMIT:
            self._error(r, "level3", TOO_LONG.format(n=len(l3), limit=LEVEL3_LIMIT))
            return None
        # `declared`: lenient, a 申报表 or a 监控表 (what cannot be measured is the checks' to name)
        monitoring, _, declared = self._kind(r)
        target = self._target(r, l2, declared=declared)
        weight = self._weight(r, declared=declared)
        if target is None or weight is None:
            return None
        if weight is NO_WEIGHT_GIVEN:
            weight = None
        has_actual = self._cell(r, "actual") is not None
        not_applicable = _squeezed(self._cell(r, "actual")) in NOT_APPLICABLE or (
            declared and says_not_applicable(l3, target.text)  # a declared row kept as 不适用 (domain.md §8)
        )
        actual = None if not_applicable else self._actual(r, target)
        observation = self._observation(r, target) if monitoring else None
        # a 监控表's 偏差原因分析 is the monitoring's, not the year-end reason
        reason = normalize(r.values.get("reason")) if "reason" in r.values and observation is None else None
        found = ParsedIndicator(r.sheet, r.row, l1, l2, l3, target, weight, actual, has_actual, reason)
        found.not_applicable = not_applicable
        found.observation = observation
        return found

    def _levels_inferred(self, r: SheetRow, level1_names: tuple[str, ...], level2_names: dict[str, tuple[str, ...]]
                         ) -> tuple[str | None, str | None]:  # fmt: skip
        """一级 and 二级 of a row whose table has no 二级指标 column, where the scheme leaves one choice:
        the only 二级 of its 一级 (满意度指标 → 服务对象满意度指标), or, when the 一级 column holds a 二级
        name (黄石市's 监控表 prints 质量 / 时效 / 成本 / 社会效益 there), that 二级 under the only 一级
        that has it. Otherwise the row's error asks for the 二级指标 column. A blank 一级 cell inherits
        the row above's."""
        raw = self._cell(r, "level1")
        if raw is None:
            return self.state.levels[0], self.state.levels[1]
        for name in level1_names:
            if name not in level2_names:
                level2_names[name] = self.scheme.level2_for(name)
        l1 = _allowed_form(raw, level1_names, suffix=self.suffix)
        if l1 in level1_names:
            if len(level2_names[l1]) == 1:
                return l1, level2_names[l1][0]
            allowed = "、".join(level2_names[l1])
            self._error(r, "level2", NO_LEVEL2_COLUMN.format(level1=l1, allowed=allowed, column=r.headers["level1"]))
            return INVALID, INVALID
        as_level2 = {name: _allowed_form(raw, level2_names[name], suffix=self.suffix) for name in level1_names}
        parents = [(name, found) for name, found in as_level2.items() if found in level2_names[name]]
        if len(parents) == 1:
            return parents[0]
        self._error(r, "level1", BAD_LEVEL.format(value=normalize(raw), label=FIELD_LABELS["level1"],
                                                  allowed="、".join(level1_names)))  # fmt: skip
        return INVALID, INVALID

    # -- a 监控表's columns ---------------------------------------------------------------------
    def _observation(self, r: SheetRow, target: Target) -> Observed | None:
        """The row's monitoring; a value that cannot be read, a 完成目标可能性 that is none of the three
        words, or an unknown cause category is the row's error (the stage reads them as here)."""
        text = {name: normalize(self._cell(r, name)) for name in ("to_date", "forecast", "possibility", "cause",
                                                                    "reason", "measures")}  # fmt: skip
        ok = True
        text_only = target.is_qualitative or target.is_deadline
        for name in ("to_date", "forecast"):
            if text[name] and not (text_only and name == "to_date"):
                try:
                    parse_actual(self._cell(r, name), target=target)
                except CellError as exc:
                    self._error(r, name, str(exc))
                    ok = False
        possibility = "".join(text["possibility"].split())
        if possibility and possibility not in POSSIBILITIES:
            self._error(r, "possibility", BAD_POSSIBILITY.format(value=text["possibility"]))
            ok = False
        causes = self._causes(r, text["cause"])
        if causes is None:
            ok = False
        if not ok:
            return None
        return Observed(text["to_date"], text["forecast"], possibility, causes or (), text["reason"], text["measures"])

    def _causes(self, r: SheetRow, column: str) -> tuple[str, ...] | None:
        """The cause categories: the 偏差原因类别 column (several, 、-separated; `经费` reads 经费保障) and
        the five tick columns (any mark but 否/无/×/0/-). None after reporting an unknown one."""
        ticks = tuple(map(r.values.get, CAUSE_NAMES))
        if len(column) <= CAUSES_CACHED and all(t is None or (type(t) is str and len(t) <= CAUSES_CACHED)
                                                for t in ticks):  # fmt: skip
            chosen, bad = _cause_names(column, ticks)  # a table repeats its few answers on every row
        else:
            chosen, bad = _cause_names.__wrapped__(column, ticks)
        if bad is not None:
            self._error(r, "cause", BAD_CAUSE.format(value=bad))
            return None
        return chosen

    def _month(self, r: SheetRow, project: ParsedProject) -> None:
        """The cut-off month the 监控表's header names; two different months for one project are an error."""
        project.monitored = True
        header = r.headers.get("to_date") or r.headers.get("executed_to_date") or ""
        month = header_month(header)
        if month is None and r.context.get("month_header"):  # the form's funds block: 1-M月执行数
            month = header_month(header := r.context["month_header"])
        if month is None:
            return
        if project.month is not None and project.month[0] != month:
            name = "to_date" if "to_date" in r.headers else "executed_to_date"
            self._error(r, name, MONTH_CONFLICT.format(value=header, row=project.month[1], first=project.month[0]))
            return
        project.month = project.month or (month, r.row)

    def _target(self, r: SheetRow, level2: str, *, declared: bool = False) -> Target | None:
        cell, unit = self._cell(r, "target"), normalize(self._cell(r, "unit_of_measure"))
        if len(unit) > MAX_UNIT:
            self._error(r, "unit_of_measure", TOO_LONG.format(n=len(unit), limit=MAX_UNIT))
            return None
        comparator = normalize(self._cell(r, "comparator"))
        try:
            if comparator:
                parse_comparator(comparator)
        except CellError as exc:
            self._error(r, "comparator", str(exc))
            return None
        try:
            target = parse_target(cell, comparator=comparator, unit=unit, level2=level2, year=self.year)
            direction = self._cell(r, "direction")
            if target.sign_assumed and direction is not None:
                target = self._target_by_direction(cell, unit, level2, direction, target)
        except (BlankTarget, WordsForNumber) as exc:
            if declared:
                return self._as_declared(r, cell, comparator, unit)
            self._error(r, "target", str(exc))
            return None
        except CellError as exc:
            self._error(r, "target", str(exc))
            return None
        return target

    def _as_declared(self, r: SheetRow, cell: Any, comparator: str, unit: str) -> Target | None:
        """A declared target that holds no number, kept as written (`≥**`, `参照政府采购成本控制`, blank)
        for the §8 checks to name (unmeasurable, template_text): a declaration is checked, not refused.
        Stored as 定性 text, its sign in front as the table put it, so the check sees the sign."""
        text = normalize(cell)
        try:
            sign = parse_comparator(comparator) if comparator else ""
        except CellError:  # 定量 and the like: no sign
            sign = ""
        if sign != QUALITATIVE and not text.startswith(sign):  # `≥` and `**`, or `≥` and nothing
            text = f"{sign}{text}"
        if len(text) > MAX_TEXT:
            self._error(r, "target", TOO_LONG.format(n=len(text), limit=MAX_TEXT))
            return None
        return Target(QUALITATIVE, None, text, unit, None, False)

    def _target_by_direction(self, cell: Any, unit: str, level2: str, direction: Any, assumed: Target) -> Target:
        """指标方向性 (正向/反向) gives the sign when the table has no 指标性质 column."""
        try:
            sign = comparator_from_direction(normalize(direction))
        except CellError:
            return assumed
        return parse_target(cell, comparator=sign, unit=unit, level2=level2, year=self.year)

    def _weight(self, r: SheetRow, *, declared: bool = False) -> Decimal | None:
        raw = self._cell(r, "weight")
        if raw is None and declared:  # most published target tables print none: kept, or 0 (weights_missing)
            return NO_WEIGHT_GIVEN
        if raw is None:
            self._error(r, "weight", NO_WEIGHT)
            return None
        try:
            return parse_weight(raw)
        except CellError as exc:
            self._error(r, "weight", str(exc))
            return None

    def _actual(self, r: SheetRow, target: Target) -> Actual | None:
        cell = self._cell(r, "actual")
        try:
            return parse_actual(cell, target=target)
        except CellError as exc:
            if self._number_against_text(r, target, cell):  # the target is what to fix: say so there
                self._error(r, "target", TEXT_TARGET.format(target=target.text, actual=normalize(cell)))
            else:
                self._error(r, "actual", str(exc))
            return None

    def _number_against_text(self, r: SheetRow, target: Target, cell: Any) -> bool:
        """A number actual (`48场`) against a target read as words (`五十场`) without a 指标性质 column."""
        if not target.is_qualitative or normalize(self._cell(r, "comparator")):
            return False
        try:
            number = parse_actual(cell, target=Target("≥", Decimal(0), "0", ""))
        except CellError:
            return False
        return number is not None and number.value is not None

    # -- whole workbook ----------------------------------------------------------------------
    def finish(self) -> list[ParsedProject]:
        """The projects, or ImportFailed listing every error."""
        for project in self.projects.values():
            if project.money_value("annual") is None and "annual" not in project.bad_money:
                self._fill_annual(project)
        if self.errors:
            raise ImportFailed(self.errors)
        return list(self.projects.values())

    @staticmethod
    def _fill_annual(project: ParsedProject) -> None:
        """The flat layout's budget gaps, as `_fill_annual` fills the form's."""
        initial, executed = project.money.get("initial"), project.money.get("executed")
        if initial is not None and "initial" not in project.bad_money:
            project.money["annual"] = initial
            project.annual_assumed = True
        elif executed is not None and "initial" not in project.bad_money:
            project.money["annual"] = (Decimal(0), executed[1])


# 主管部门及代码: `101-市教育局`, `[101]市教育局`, `101 市教育局`, `市教育局（101）` (codes of 3 digits and more)
_DEPARTMENT = (
    re.compile(r"[\[【]\s*(?P<code>[0-9A-Za-z]{2,})\s*[\]】]\s*(?P<name>\S.*)"),
    re.compile(r"(?P<code>[0-9][0-9A-Za-z]{1,})\s*[-—–‐‑\s]\s*(?P<name>[^\d\s].*)"),
    re.compile(r"(?P<name>.*\S)\s*[(（]\s*(?P<code>[0-9][0-9A-Za-z]{1,})\s*[)）]"),
)


def _department(cell: Any) -> tuple[str, str]:
    text = normalize(cell)
    for pattern in _DEPARTMENT:
        if found := pattern.fullmatch(text):
            return found["code"], found["name"].strip()
    return split_code_name(text)


def department_name(cell: Any) -> str:
    """The 主管部门's name without its code (`101-市教育局` → 市教育局)."""
    return _department(cell)[1]


def department_code(cell: Any) -> str:
    """The 主管部门's code when the cell prints one (`[101]市教育局` → 101), else ""."""
    return _department(cell)[0]


CAUSES_CACHED = 100  # a longer 偏差原因类别 cell is read afresh (its memo would hold a paragraph)


@lru_cache(maxsize=1024)
def _cause_names(column: str, ticks: tuple[Any, ...]) -> tuple[tuple[str, ...], str | None]:
    """RowParser._causes' reading of a 偏差原因类别 cell and the five tick cells (CAUSE_NAMES' order): the
    categories in the form's order, and the first word that is none of them (None when all are).
    Memoised for text and empty cells only (1 and True are equal keys that read differently)."""
    chosen: set[str] = set()
    for word in filter(None, CAUSE_SPLIT.split(column)):
        name = next((n for n in CAUSE_NAMES.values() if n == word or n.startswith(word.removesuffix("原因"))), None)
        if name is None:
            return (), word
        chosen.add(name)
    for tick, name in zip(ticks, CAUSE_NAMES.values(), strict=True):
        if _squeezed(tick) not in NOT_TICKED:
            chosen.add(name)
    return tuple(n for n in CAUSE_NAMES.values() if n in chosen), None


def _squeezed(cell: Any) -> str:
    return normalize(cell).replace(" ", "").rstrip("。.")


def _allowed_form(raw: Any, allowed: tuple[str, ...], *, suffix: bool) -> str:
    """The scheme's name for a 一级/二级 cell: `项目产出` = 产出指标 (but 项目立项 stays itself), and
    under a scheme whose names carry no 指标 (`投入`, `决策`) `投入指标` = 投入."""
    if type(raw) is str and len(raw) <= LEVEL_CACHED:  # a table repeats its few level names on every row
        return _allowed_text_form(raw, allowed, suffix)
    return _find_allowed_form(raw, allowed, suffix)


LEVEL_CACHED = 100  # longest level cell memoised


@lru_cache(maxsize=4096)
def _allowed_text_form(raw: str, allowed: tuple[str, ...], suffix: bool) -> str:
    return _find_allowed_form(raw, allowed, suffix)


def _find_allowed_form(raw: Any, allowed: tuple[str, ...], suffix: bool) -> str:
    value = clean_level_name(raw, suffix=suffix)
    if value in allowed:
        return value
    text = normalize(raw)
    for candidate in (text.removeprefix("项目"), clean_level_name(text, suffix=False).removesuffix("指标")):
        found = clean_level_name(candidate, suffix=suffix)
        if found in allowed:
            return found
    return value


def is_declaration(r: SheetRow) -> bool:
    """The row comes from a 绩效目标申报表: its table has no actual column and no monitoring column
    (contract.md "Targets")."""
    return "actual" not in r.headers and not is_monitoring(r)


def is_monitoring(r: SheetRow) -> bool:
    """The row comes from a 监控表 (contract.md "Monitoring"): its table has a to-date, forecast or
    possibility column."""
    return any(name in r.headers for name in MONITORING_FIELDS)


def is_lenient(r: SheetRow) -> bool:
    """A table without the year end's actual column (a 申报表 or a 监控表): weights may be absent and a
    target that cannot be measured is kept for the checks."""
    return "actual" not in r.headers


def parse_rows(
    rows: list[SheetRow] | Any, scheme: Scheme, *, default_unit: str = "", year: int | None = None
) -> list[ParsedProject]:
    parser = RowParser(scheme, default_unit=default_unit, year=year)
    for r in rows:
        parser.feed(r)
    return parser.finish()
