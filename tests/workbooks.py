"""Test workbooks built the way published tables are laid out.

`seed001_workbook` rebuilds the Inner Mongolia 项目支出绩效表 of seed 001 (tests/fixtures/seeds)
as printed: title rows, a header repeated on every page, project cells merged down each block,
page-number rows, and the last page on a second sheet. `seed000_workbook` holds the numbers of
seed 000 (domain.md §5) in a national 自评表 with sign and unit inside the value cells.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FIXTURES = Path(__file__).parent / "fixtures"
SEED001 = FIXTURES / "seeds" / "001_target_table_inner_mongolia.txt"
SEED001_HEADER = "项目名称"
PROJECT_COLUMNS = 4  # 项目名称, 单位名称, 预算数, 年度目标 are merged down a block


def seed001_blocks() -> list[list[list[str]]]:
    """The seed's table blocks: each a list of data rows (tab-separated cells)."""
    blocks: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in SEED001.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if cells[0] == SEED001_HEADER:
            current = []
            blocks.append(current)
        elif current is not None and len(cells) >= 12:
            current.append(cells[:12])
        elif current is not None and line.strip() and len(cells) < 12:
            current = None
    return blocks


def seed001_header() -> list[str]:
    for line in SEED001.read_text(encoding="utf-8").splitlines():
        if line.startswith(SEED001_HEADER):
            return line.split("\t")[:12]
    raise AssertionError("seed 001 header not found")


def _write_block(ws: Worksheet, rows: list[list[str]], *, page: int) -> None:
    width = len(rows[0])
    for title in ("表15", "项目支出绩效表"):
        ws.append([title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.append(["单位：万元"])
    ws.append(seed001_header())
    start = None
    for cells in rows:
        ws.append([_typed(c) for c in cells])
        if cells[0]:
            _merge_project(ws, start)
            start = ws.max_row
    _merge_project(ws, start)
    ws.append([])
    ws.append([f"- {page} -"])


def _merge_project(ws: Worksheet, start: int | None) -> None:
    """Merge the project cells from `start` down to the last row that left them empty."""
    if start is None:
        return
    end = start
    while end < ws.max_row and ws.cell(end + 1, 1).value in (None, ""):
        end += 1
    if end > start:
        for col in range(1, PROJECT_COLUMNS + 1):
            if col != 4:  # the seed repeats 年度目标 on every row; keep those cells as printed
                ws.merge_cells(start_row=start, start_column=col, end_row=end, end_column=col)


def _typed(cell: str) -> object:
    """Numbers as numbers, the way Excel stores them."""
    try:
        return int(cell) if cell.isdigit() else float(cell) if cell.replace(".", "", 1).isdigit() else cell
    except ValueError:
        return cell


def seed001_workbook(path: Path) -> Path:
    blocks = seed001_blocks()
    wb = Workbook()
    first = wb.active
    first.title = "项目支出绩效表"
    for page, rows in enumerate(blocks[:-1], start=146):
        _write_block(first, rows, page=page)
    second = wb.create_sheet("续表")
    _write_block(second, blocks[-1], page=146 + len(blocks) - 1)
    wb.save(path)
    return path


SEED000_CODE = "15000022T000000000900"
SEED000_NAME = "2022年北疆布丝瑰创业就业行动"
SEED000_HEADER = ["项目名称", "单位名称", "年初预算数", "全年预算数", "全年执行数", "一级指标", "二级指标",
                  "三级指标", "年度指标值", "实际完成值", "分值", "偏差原因分析及改进措施"]  # fmt: skip
# domain.md §5: seed 000 under `national` gives 93.62 and 优.
SEED000_ROWS = [
    ["产出指标(50分)", "数量指标", "开展手工艺技能培训", "≥9期", "9期", 7, ""],
    ["", "", "研发新产品", "≥70款", "98款", 8, ""],
    ["", "质量指标", "区域公用品牌宣传", "多渠道宣传售卖", "明显", 7, ""],
    ["", "", "创建北疆布丝瑰基地", "巩固已有基地并拓展新的基地", "达成", 8, ""],
    ["", "时效指标", "各项工作完成周期", "≤12个月", "11个月", 5, ""],
    ["", "", "基础手工技能培训完成周期", "≤7个月", "10个月", 5, "受疫情因素影响，培训完成周期延长。"],
    ["", "成本指标", "基础手工技能培训成本", "≤30万元", "127.34万元", 5, "培训人次与收益人次超预期人数。"],
    ["", "", "各项活动总成本", "≤900万元", "804.73万元", 5, ""],
    ["效益指标（30分）", "社会效益指标", "促进妇女就业增收", "≥300人", "300人", 20, ""],
    ["", "可持续影响指标", "提高北疆布丝瑰品牌影响力", "持续提高", "效益达成", 10, ""],
    ["满意度指标", "服务对象满意度指标", "参训学员满意度", "≥90%", "95%", 10, ""],
]


def seed000_workbook(path: Path, *, rows: list[list[object]] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    ws.append(["项目支出绩效自评表"])
    ws.append(["（2022年度）"])
    ws.append(SEED000_HEADER)
    project = [f"{SEED000_CODE}-{SEED000_NAME}", "140001-内蒙古自治区妇女联合会", 900, 900, 804.73]
    for i, row in enumerate(rows or SEED000_ROWS):
        ws.append((project if i == 0 else ["", "", "", "", ""]) + list(row))
    last = ws.max_row
    for col in range(1, 6):
        ws.merge_cells(start_row=4, start_column=col, end_row=last, end_column=col)
    ws.append(["总分", "", "", "", "", "", "", "", "", "", 100])
    wb.save(path)
    return path
