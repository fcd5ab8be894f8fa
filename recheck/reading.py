"""Read a published 自评表 for 复核: the import's reading plus the table's own scores.

`PublishedParser` is the importer's `RowParser` (same layouts, same row-level errors) that also
keeps each row's 得分, the form's budget 得分, the printed 小计/合计/总分 rows and a printed 等级.
An unreadable published score is a row error here, never in the import.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from evalsys.lib.parsing import CellError, clean_level_name, normalize, parse_decimal
from indicators.importer import INVALID, ParsedIndicator, ParsedProject, RowError, RowParser
from indicators.workbook import PROJECT_FIELDS, SheetRow, header_key
from scoring.recheck import PublishedRow, PublishedSum, PublishedTable

SCORE_LABEL = "得分"
BAD_SCORE = "“{value}”不是得分：请填写 0 至 100 的数字（如 9、9.5 或 9分），没有得分请留空"
PLACEHOLDERS = ("-", "--", "—", "——", "/", "无", "空")
SUBTOTAL_WORDS = ("小计",)
TOTAL_WORDS = ("小计", "合计", "总计", "总分", "得分合计", "自评得分", "得分")
MAX_SCORE = Decimal(100)
LABELLED_NUMBER = re.compile(r"(?:总分|合计|总计|小计|得分)\s*[:：为]?\s*(\d+(?:\.\d+)?)\s*分?")
GRADE = re.compile(
    r"(?:等级|评级|评价结果|结论)\s*[:：为]?\s*[“\"]?(优秀|良好|中等|合格|不合格|较差|优|良|中|差|[A-D])(?![A-Za-z])"
)


def parse_published(cell: Any) -> Decimal | None:
    """A published 得分 (`9`, `9.5`, `9分`, `９．５`); None when blank or a dash; CellError otherwise."""
    text = normalize(cell)
    if not text or text in PLACEHOLDERS:
        return None
    try:
        value = parse_decimal(text.removesuffix("分").rstrip() if isinstance(cell, str) else cell)
    except CellError:
        raise CellError(BAD_SCORE.format(value=text[:30])) from None
    if value < 0 or value > MAX_SCORE or text.endswith("%"):
        raise CellError(BAD_SCORE.format(value=text[:30]))
    return value


def _lenient(cell: Any) -> Decimal | None:
    try:
        return parse_published(cell)
    except CellError:
        return None


class PublishedParser(RowParser):
    """The import's parser, keeping what the table publishes (scores, sums, grade)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._budget_read: set[int] = set()

    def feed(self, r: SheetRow) -> None:
        if r.kind == "total":
            self._total(r)
            return
        super().feed(r)
        project = self.state.project
        if project is not None and "budget_score" in r.context and id(project) not in self._budget_read:
            self._budget_read.add(id(project))
            self._budget(r, project)

    def _indicator(self, r: SheetRow, project: ParsedProject) -> ParsedIndicator | None:
        indicator = super()._indicator(r, project)
        if indicator is not None and self._cell(r, "score") is not None:
            try:
                indicator.published = parse_published(r.values["score"])
            except CellError as exc:
                self._error(r, "score", str(exc))
        return indicator

    def _budget(self, r: SheetRow, project: ParsedProject) -> None:
        row = next((number for source, number, _, _ in r.funds if source == "total"), r.row)
        try:
            project.published_budget = parse_published(r.context["budget_score"])
        except CellError as exc:
            self.errors.append(RowError(r.sheet, row, SCORE_LABEL, str(exc)))

    # -- printed sums ------------------------------------------------------------------------
    def _total(self, r: SheetRow) -> None:
        project = self.state.project if r.sheet == self.state.sheet else None
        if project is None:
            return
        texts = [normalize(c) for c in r.cells if normalize(c)]
        grade = next((m[1] for t in texts if (m := GRADE.search(t))), "")
        levels = [normalize(r.values.get(f)) for f in ("level1", "level2", "level3")] + texts[:1]
        keys = [header_key(t) or t for t in levels if t]
        subtotal = any(word in k for k in keys for word in SUBTOTAL_WORDS)
        if not subtotal:  # a 小计's 等级 is its 一级's (framework2013), not the project's
            project.published_grade = grade or project.published_grade
        value = self._total_value(r, texts)
        if value is None:
            return
        level1 = self._closes(keys) if subtotal else ""
        weight = _lenient(r.values.get("weight")) if normalize(r.values.get("weight")) != normalize(texts[0]) else None
        project.published_totals.append(
            PublishedSum(r.sheet, r.row, "subtotal" if subtotal else "total", value, level1, weight,
                         grade if subtotal else "")
        )  # fmt: skip

    def _total_value(self, r: SheetRow, texts: list[str]) -> Decimal | None:
        """The printed sum: its 得分 cell, else a number written after the label (`总分：93.62`)."""
        if self._cell(r, "score") is not None and normalize(r.values["score"]) != texts[0]:
            try:
                return parse_published(r.values["score"])
            except CellError as exc:
                self._error(r, "score", str(exc))
                return None
        return next((Decimal(m[1]) for t in texts if (m := LABELLED_NUMBER.search(t))), None)

    def _closes(self, keys: list[str]) -> str:
        """The 一级 a 小计 row names (`产出指标小计`), else the 一级 of the rows above it."""
        for key in keys:
            name = key
            for word in TOTAL_WORDS:
                name = name.replace(word, "")
            if name and clean_level_name(name, suffix=self.suffix) in self.scheme.level1_names:
                return clean_level_name(name, suffix=self.suffix)
        inherited = self.state.levels[0]
        return "" if inherited == INVALID else inherited

    # -- which project a row belongs to ----------------------------------------------------------
    def codes(self, rows: list[SheetRow]) -> list[str]:
        """The project code each row belongs to ("" when it has none), without parsing the rows."""
        out, current, sheet = [], "", ""
        for r in rows:
            if r.sheet != sheet:
                current, sheet = "", r.sheet
            own = r.kind != "total" and any(self._cell(r, f) for f in PROJECT_FIELDS)
            if own or (r.kind != "total" and r.context.get("project")):
                ident = self._identity(r)
                current = ident[0] if ident else current
            out.append(current)
        return out


def published_table(project: ParsedProject) -> PublishedTable:
    """What `project`'s table publishes, its rows in the order the evaluation scores them."""
    rows = tuple(PublishedRow(i.sheet, i.row, i.published) for i in project.indicators.values())
    return PublishedTable(rows, project.published_budget, tuple(project.published_totals), project.published_grade)
