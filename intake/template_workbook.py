"""A blank 项目支出绩效自评表 in the flat layout of contract.md "Import", for officers to fill; its
targets variant (`kind=TARGETS`) is the 项目支出绩效目标申报表 of contract.md "Targets": the same
layout with 预算数 (年度资金总额) for the three budget columns and no actual or reason column, which
the import reads into the targets stage.

One header row (frozen, each header cell with a comment saying what goes in it), drop-downs for
一级/二级 from the chosen scheme (二级 depends on the row's 一级 through named ranges on a hidden
sheet), 指标性质 and 指标方向性, and one example project filled as a real 自评表 is. The file
imports back unchanged through indicators.services.workbook_import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scoring.schemes import DEFAULT_KEY
from scoring.types import COMPARATORS, Scheme

SHEET = "项目支出绩效自评表"
LISTS = "下拉选项"
ROWS_WITH_LISTS = 1000  # rows below the header that get the drop-downs
COMMENT_AUTHOR = "绩效自评管理系统"
EXAMPLE_UNIT = "000000-示例单位"
EXAMPLE_NAME = "妇女创业就业技能培训示例项目"
DIRECTIONS = ("正向", "反向")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF9E5")
FILE_STEM = "项目支出绩效自评表模板"
SELF_EVALUATION, TARGETS, MONITORING = "self_evaluation", "targets", "monitoring"  # the kinds (the stages' keys)
KINDS = {
    SELF_EVALUATION: "项目支出绩效自评表",
    TARGETS: "项目支出绩效目标申报表",
    MONITORING: "项目支出绩效目标执行监控表",
}
TARGETS_SHEET = "项目支出绩效目标申报表"
MONITORING_SHEET = "项目支出绩效目标执行监控表"
POSSIBILITIES = ("确定能", "有可能", "完全不可能")  # scoring.monitoring.POSSIBILITIES
CAUSES = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")  # scoring.monitoring.CAUSES
NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|]')  # what Windows refuses in a file name


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    note: str


COLUMNS = (
    Column(
        "项目名称",
        34,
        "“项目编码-项目名称”（如 15000025T000000000001-某某项目），无编码时只写名称。"
        "同一项目的后续行可留空，视为属于上方的项目。",
    ),
    Column("单位名称", 28, "“单位编码-单位名称”（如 140001-某某单位）。填报人只能导入本单位的项目。"),
    Column("年初预算数", 12, "年初预算数，单位：万元。可留空。"),
    Column("全年预算数", 12, "全年预算数（调整后预算数），单位：万元；用于计算预算执行率。"),
    Column("全年执行数", 12, "全年执行数，单位：万元。执行率 = 全年执行数 ÷ 全年预算数。"),
    Column("年度目标", 30, "项目的年度绩效目标（文字）。"),
    Column("一级指标", 12, "从下拉列表选择本评分方案的一级指标。留空时沿用上一行。"),
    Column("二级指标", 18, "从下拉列表选择所选一级指标下的二级指标。留空时沿用上一行。"),
    Column("三级指标", 28, "三级指标名称，同一项目内（一级、二级、三级）不可重复。必填。"),
    Column("指标性质", 9, "比较符号：≥ > ≤ < = 或 定性。留空时按“指标方向性”，再按二级指标推定（会给出提示）。"),
    Column("指标值", 16, "年度指标值：数字（可带单位，如 500人次、90%），定性指标写文字，期限写“2025年12月31日前”。"),
    Column("度量单位", 9, "计量单位，如 人次、%、个月、万元。定性指标留空。"),
    Column("权重", 7, "分值（权重）。一级指标下各三级指标分值之和应等于方案规定的分值。"),
    Column("指标方向性", 10, "正向（越大越好，≥）或反向（越小越好，≤）；仅在指标性质为空时使用。"),
    Column("实际完成值", 14, "全年实际完成值：数字（可带单位）；定性指标写 达成 / 部分达成 / 未达成；期限写完成日期。"),
    Column("偏差原因分析及改进措施", 36, "未完全达成（得分低于分值）时必须填写原因和改进措施。"),
)

# the 申报表's columns: one 预算数 (年度资金总额) for the three budget columns, no actual or reason
TARGET_COLUMNS = (
    *COLUMNS[:2],
    Column("预算数", 12, "年度资金总额，单位：万元。"),
    *COLUMNS[5:12],  # 年度目标 … 度量单位
    Column("权重", 7, "分值（权重），可暂不填写（系统提示“未设权重”）；填写时各三级指标分值之和应等于方案规定的分值。"),
    COLUMNS[13],  # 指标方向性
)


def monitoring_columns(month: int) -> tuple[Column, ...]:
    """The 监控表's columns at cut-off month `month` (contract.md "Monitoring")."""
    to_date = f"1-{month}月"
    return (
        *COLUMNS[:2],
        COLUMNS[3],  # 全年预算数
        Column(f"{to_date}执行数", 12, f"1月至{month}月的预算执行数，单位：万元；执行进度 = 执行数 ÷ 全年预算数。"),
        *COLUMNS[5:13],  # 年度目标 … 权重
        Column(f"{to_date}执行情况", 14, f"指标截至{month}月底的完成情况：数字（可带单位）；定性指标写文字。"),
        Column("全年预计完成值", 14, "预计全年能完成的值：数字（可带单位）；定性指标写 达成 / 部分达成 / 未达成。"),
        Column("完成目标可能性", 12, "从下拉列表选择：确定能、有可能、完全不可能。"),
        Column(
            "偏差原因类别",
            14,
            "预计完不成时填写：经费保障、制度保障、人员保障、硬件条件保障、其他（可填多个，用顿号分隔）。",
        ),
        Column("偏差原因分析", 30, "黄灯、红灯指标须写明偏差原因。"),
        Column("纠偏措施", 30, "红灯项目须填写纠偏措施。"),
    )


# a 监控表 example by 二级: (1-M月执行情况, 全年预计完成值, 完成目标可能性, 偏差原因类别, 偏差原因分析, 纠偏措施)
MONITORING_EXAMPLES = {
    "数量指标": ("260", "500", "确定能", "", "", ""),
    "质量指标": ("85", "88", "有可能", "人员保障", "部分学员缺课，结业考核通过率偏低。", "增加补课并加强考勤。"),
    "时效指标": ("7", "12", "确定能", "", "", ""),
    "成本指标": ("1200", "1950", "确定能", "", "", ""),
    "社会效益指标": ("已带动就业 120 人", "达成", "确定能", "", "", ""),
    "可持续影响指标": ("成果已在 3 个旗县推广", "达成", "确定能", "", "", ""),
    "服务对象满意度指标": ("92", "95", "确定能", "", "", ""),
}

# Example indicators by 二级: (三级, 指标性质, 指标值, 度量单位, 实际完成值, 偏差原因)
EXAMPLES = {
    "数量指标": ("培训人次", "≥", "500", "人次", "520", ""),
    "质量指标": ("培训合格率", "≥", "90", "%", "88", "部分学员未参加结业考核；下年度加强过程管理。"),
    "时效指标": ("培训完成周期", "≤", "12", "个月", "11", ""),
    "成本指标": ("人均培训成本", "≤", "2000", "元", "2100", "物价上涨，部分场地费用超出预算；下年度提前招标。"),
    "社会效益指标": ("带动妇女就业", "定性", "参训妇女实现就业或创业增收", "", "达成", ""),
    "可持续影响指标": ("培训成果持续应用", "定性", "长期有效", "", "达成", ""),
    "服务对象满意度指标": ("参训学员满意度", "≥", "90", "%", "96", ""),
}


def template_filename(scheme: Scheme, kind: str = SELF_EVALUATION) -> str:
    """The download's name: 项目支出绩效自评表模板.xlsx (or 项目支出绩效目标申报表模板.xlsx), the scheme
    named in Chinese when not the default."""
    stem = f"{KINDS[kind]}模板"
    if scheme.key == DEFAULT_KEY:
        return f"{stem}.xlsx"
    return f"{stem}（{NOT_IN_FILE_NAMES.sub('-', scheme.label)}）.xlsx"


def template_build(*, scheme: Scheme, year: int, unit: str = "", kind: str = SELF_EVALUATION, month: int = 7) -> bytes:
    """The template as .xlsx bytes; `unit` (CODE-NAME) fills the example's 单位名称; `month` is a 监控表's
    cut-off month (the year's calendar's)."""
    columns = {TARGETS: TARGET_COLUMNS, MONITORING: monitoring_columns(month)}.get(kind, COLUMNS)
    book = Workbook()
    sheet = book.active
    sheet.title = {TARGETS: TARGETS_SHEET, MONITORING: MONITORING_SHEET}.get(kind, SHEET)
    _header(sheet, columns)
    _example(sheet, scheme, year, unit or EXAMPLE_UNIT, columns)
    _lists(book, sheet, scheme, columns)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def example_rows(scheme: Scheme, kind: str = SELF_EVALUATION) -> list[tuple[str, str, tuple[str, ...], Decimal]]:
    """(一级, 二级, example cells, weight): up to two 二级 per 一级, sharing the 一级's points. A
    declaration's example is complete by §8: its 产出 has 数量 and 成本 (required since 2021)."""
    out = []
    for level1, points in scheme.level1_points:
        names = scheme.level2_for(level1)
        if kind == TARGETS:  # 数量 and 成本 first
            names = tuple(sorted(names, key=lambda n: "数量" not in n and n not in scheme.cost_level2))
        chosen = [n for n in names if n in EXAMPLES][:2] or list(names[:1])
        first = (points / len(chosen)).to_integral_value() if len(chosen) > 1 else points
        for index, level2 in enumerate(chosen):
            weight = first if index == 0 else points - first
            cells = EXAMPLES.get(level2) or (f"{level2}示例", "≥", "100", "%", "100", "")
            out.append((level1, level2, cells, weight))
    return out


def _header(sheet: Worksheet, columns: tuple[Column, ...]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.comment = Comment(f"{column.header}：{column.note}", COMMENT_AUTHOR, width=260, height=110)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30


def _example(sheet: Worksheet, scheme: Scheme, year: int, unit: str, columns: tuple[Column, ...]) -> None:
    code = f"150000{year % 100:02d}T000000000001"
    head = {"项目名称": f"{code}-{EXAMPLE_NAME}", "单位名称": unit, "年初预算数": 100, "全年预算数": 100,
            "全年执行数": 95, "预算数": 100, "年度目标": "开展妇女创业就业技能培训，带动妇女就业增收。"}  # fmt: skip
    kind = TARGETS if columns is TARGET_COLUMNS else SELF_EVALUATION
    to_date = next((c.header.removesuffix("执行情况") for c in columns if c.header.endswith("月执行情况")), "")
    for number, (level1, level2, cells, weight) in enumerate(example_rows(scheme, kind)):
        level3, comparator, target, measure, actual, reason = cells
        values = {"一级指标": level1, "二级指标": level2, "三级指标": level3, "指标性质": comparator,
                  "指标值": _number(target), "度量单位": measure, "权重": _number(weight), "指标方向性": "",
                  "实际完成值": _number(actual), "偏差原因分析及改进措施": reason}  # fmt: skip
        if to_date:  # a 监控表
            seen, forecast, possibility, cause, why, measures = MONITORING_EXAMPLES.get(
                level2, ("60", "100", "确定能", "", "", ""))  # fmt: skip
            values |= {f"{to_date}执行情况": _number(seen), "全年预计完成值": _number(forecast),
                       "完成目标可能性": possibility, "偏差原因类别": cause, "偏差原因分析": why,
                       "纠偏措施": measures}  # fmt: skip
        if number == 0:
            values |= head | {f"{to_date}执行数": 60}
        sheet.append([values.get(c.header) for c in columns])
        for cell in sheet[sheet.max_row]:
            cell.fill = EXAMPLE_FILL
    note = sheet.cell(row=1, column=1).comment
    note.text += "\n浅黄色的行是示例，请替换为本单位的项目（或删除）。"


def _number(value: str | Decimal) -> int | float | str:
    """Numbers as numbers, so that Excel shows them right-aligned and sums them."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _lists(book: Workbook, sheet: Worksheet, scheme: Scheme, columns: tuple[Column, ...]) -> None:
    """Drop-downs; the 二级 list of a row is the named range of its 一级 (INDEX of a hidden sheet)."""
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    level1 = scheme.level1_names
    for index, name in enumerate(level1, start=1):
        lists.cell(row=index, column=1, value=name)
        names = scheme.level2_for(name)
        for offset, level2 in enumerate(names, start=1):
            lists.cell(row=offset, column=index + 1, value=level2)
        letter = get_column_letter(index + 1)
        ref = f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${max(len(names), 1)}"
        book.defined_names[f"L2_{index}"] = DefinedName(f"L2_{index}", attr_text=ref)
    book.defined_names["L1"] = DefinedName("L1", attr_text=f"{quote_sheetname(LISTS)}!$A$1:$A${len(level1)}")
    last = ROWS_WITH_LISTS + 1
    level1_column = _letter("一级指标", columns)
    rules = (
        ("一级指标", "L1", "请从下拉列表选择本评分方案的一级指标"),
        (
            "二级指标",
            f'INDIRECT("L2_"&MATCH(${level1_column}2,L1,0))',
            "请先选一级指标，再从下拉列表选择其下的二级指标",
        ),
        ("指标性质", f'"{",".join(COMPARATORS)}"', "请选择 ≥ > ≤ < = 或 定性"),
        ("指标方向性", f'"{",".join(DIRECTIONS)}"', "请选择 正向 或 反向"),
    )
    if any(c.header == "完成目标可能性" for c in columns):
        rules += (("完成目标可能性", f'"{",".join(POSSIBILITIES)}"', "请选择 确定能、有可能 或 完全不可能"),)
    for title, formula, error in rules:
        if not any(c.header == title for c in columns):  # a 监控表 prints no 指标方向性
            continue
        column = _letter(title, columns)
        rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                              errorTitle=title, error=error)  # fmt: skip
        rule.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(rule)


def _letter(header: str, columns: tuple[Column, ...]) -> str:
    return get_column_letter(next(i for i, c in enumerate(columns, start=1) if c.header == header))
