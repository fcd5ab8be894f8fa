"""The 复核 downloads as xlsx: the table with 复核得分 and 差异 added, and a batch's summary.

Built with openpyxl from the parsed rows (never by copying the uploaded file). Every text cell
is a string cell, and one that a spreadsheet would read as a formula (= + - @) gets the quote
prefix: a table from outside cannot smuggle a formula into the evaluator's download. Control
characters, which a worksheet cannot hold (a zip member's name may), are shown as U+FFFD.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from indicators.importer import ParsedIndicator
from recheck.services import STATUS_LABELS, WHAT_LABELS, ProjectFindings, RecheckReport
from scoring.labels import CAUSE_LABELS
from scoring.rules import fmt

FORMULA_STARTS = ("=", "+", "-", "@")
FINDINGS_HEADER = ("项目编码", "项目名称", "工作表", "行", "一级指标", "二级指标", "三级指标", "年度指标值",
                   "实际完成值", "分值", "得分", "复核得分", "差异", "原因", "规则说明", "原因说明")  # fmt: skip
SUMS_HEADER = ("项目编码", "项目名称", "项目", "一级指标", "公布", "各项之和", "复核", "原因", "说明")
SUMMARY_HEADER = ("文件", "项目数", "指标行数", "偏差数", "涉及分值", "状态", "说明")
HIGHLIGHT = PatternFill("solid", fgColor="FFF3CD")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _text(cell: Cell, text: str) -> None:
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _append(ws: Worksheet, values: tuple[Any, ...] | list[Any]) -> list[Cell]:
    """One row: Decimals as numbers (0.00), ints as they are, everything else as text."""
    ws.append([None] * len(values))
    cells = list(ws[ws.max_row])
    for cell, value in zip(cells, values, strict=True):
        if isinstance(value, Decimal):
            cell.value, cell.number_format = value, "0.00"
        elif isinstance(value, int) and not isinstance(value, bool):
            cell.value = value
        elif value not in (None, ""):
            _text(cell, str(value))
    return cells


def _header(ws: Worksheet, header: tuple[str, ...]) -> None:
    for cell in _append(ws, header):
        cell.font = BOLD


def _as_entered(i: ParsedIndicator) -> tuple[str, str]:
    t, a = i.target, i.actual
    target = t.text if t.is_qualitative or t.is_deadline or t.value is None else f"{t.comparator}{fmt(t.value)}{t.unit}"
    if a is None:
        return target, ""
    actual = a.text if a.value is None else f"{fmt(a.value)}{a.unit or t.unit}"
    return target, actual


def _project_rows(ws: Worksheet, p: ProjectFindings) -> None:
    for item, score in zip(p.parsed.indicators.values(), p.evaluation.indicators, strict=True):
        target, actual = _as_entered(item)
        found = p.deviation_at(item.sheet, item.row)
        diff = item.published - score.score if item.published is not None else None
        cells = _append(ws, (p.code, p.name, item.sheet, item.row, item.level1, item.level2, item.level3, target,
                             actual, item.weight, item.published, score.score, diff,
                             str(CAUSE_LABELS[found.cause]) if found else "", score.explanation,
                             found.note if found else ""))  # fmt: skip
        if found:
            for cell in cells:
                cell.fill = HIGHLIGHT


def _sum_rows(ws: Worksheet, p: ProjectFindings) -> None:
    for s in p.result.sums:
        _append(ws, (p.code, p.name, str(WHAT_LABELS[s.what]), s.level1, s.published, s.parts, s.computed,
                     str(CAUSE_LABELS[s.cause]), s.message))  # fmt: skip


def findings_workbook(report: RecheckReport) -> bytes:
    """The re-checked table: each indicator row with its 得分, 复核得分 and 差异; a sheet of the sums."""
    wb = Workbook()
    rows = wb.active
    rows.title = "复核明细"
    _header(rows, FINDINGS_HEADER)
    sums = wb.create_sheet("合计与等级")
    _header(sums, SUMS_HEADER)
    for p in report.projects:
        _project_rows(rows, p)
        _sum_rows(sums, p)
    for ws in (rows, sums):
        ws.freeze_panes = "A2"
    return _bytes(wb)


def summary_line(report: RecheckReport) -> tuple[Any, ...]:
    note = report.errors[0] if report.errors else "；".join(report.refused[:1])
    return (report.filename, len(report.projects), report.rows, report.deviations, report.at_stake,
            str(STATUS_LABELS[report.status]), note)  # fmt: skip


def summary_workbook(reports: list[RecheckReport]) -> bytes:
    """One line per table of a batch: file, projects, rows, deviations, points at stake, status."""
    wb = Workbook()
    ws = wb.active
    ws.title = "复核汇总"
    _header(ws, SUMMARY_HEADER)
    for report in reports:
        cells = _append(ws, summary_line(report))
        if report.status != "ok":
            cells[5].fill = HIGHLIGHT
        cells[6].alignment = WRAP
    ws.freeze_panes = "A2"
    return _bytes(wb)


def _bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
