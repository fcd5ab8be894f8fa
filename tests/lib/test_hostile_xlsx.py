"""Hostile workbooks of issue 15 (A1, A2) are refused in Chinese within bounds the OS enforces.

Each file is built in the test (tests/hostile_workbooks.py) and read by evalsys.lib.xlsx in a
fresh interpreter that first limits itself with setrlimit: CPU_SECONDS of processor time
(RLIMIT_CPU: past it the kernel kills the child) and HEADROOM more address space than it had
after its imports (RLIMIT_AS: past it an allocation fails with MemoryError). A child that was
killed, ran out of memory or crashed fails the test; a child that ends normally reports the
refusal (or the rows read) and its peak resident memory. No wall clock is consulted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import hostile_workbooks as hostile
from tests.lib.test_xlsx import _full_mode
from tests.workbooks import seed000_workbook, seed001_workbook

ROOT = Path(__file__).resolve().parents[2]
CPU_SECONDS = 10  # the new reader needs well under a second for any of these files
HEADROOM = 256 << 20  # bytes of address space above the child's own after its imports

CHILD = r"""
import json, resource, sys
from evalsys.lib.xlsx import WorkbookRefused, check_package, check_workbook, read_sheets

def address_space():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))

path, cpu, headroom, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
resource.setrlimit(resource.RLIMIT_AS, (address_space() + headroom, resource.getrlimit(resource.RLIMIT_AS)[1]))
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    if mode == "package":  # before openpyxl's full mode opens it (the annotated error workbook)
        check_package(path)
        result = {"checked": True}
    else:
        check_workbook(path)
        result = {"rows": {title: list(rows) for title, rows in read_sheets(path)}}
except WorkbookRefused as exc:
    result = {"refused": str(exc)}
result["peak_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) / 1024
print(json.dumps(result, ensure_ascii=False, default=str))
"""


def read_bounded(path: Path, mode: str = "read") -> dict:
    """What the reader makes of `path` (or check_package, mode "package") in a child held to
    CPU_SECONDS and HEADROOM by the OS."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(CPU_SECONDS), str(HEADROOM), mode],
        cwd=ROOT, capture_output=True, text=True, timeout=600,  # a safety net only: RLIMIT_CPU ends it first
    )  # fmt: skip
    assert done.returncode == 0, f"the child was killed or crashed (exit {done.returncode}): {done.stderr[-1500:]}"
    return json.loads(done.stdout)


def refusal(path: Path, mode: str = "read") -> str:
    result = read_bounded(path, mode)
    assert "refused" in result, f"accepted: {str(result)[:300]}"
    return result["refused"]


@pytest.mark.parametrize("repeats", [30_000, 100_000])
def test_a_sheet_repeating_an_unclosed_merge_cell_tag_is_refused_as_bad_xml(tmp_path: Path, repeats: int) -> None:
    """(a) A 35 s backtracking regex before; now one linear scan, then the parser's error in Chinese."""
    path = hostile.merge_scan(tmp_path, repeats)
    assert path.stat().st_size < 10_000
    assert "工作表“Sheet”不是有效的 XML" in refusal(path)


def test_more_merge_cell_tags_than_the_limit_are_refused_by_the_scan(tmp_path: Path) -> None:
    path = hostile.merge_scan(tmp_path, 100_001)
    assert "合并单元格超过 100000 处" in refusal(path)


@pytest.mark.parametrize(
    ("part", "what"),
    [(hostile.SHEET, "工作表“Sheet”"), ("xl/workbook.xml", "工作簿目录"), ("xl/styles.xml", "样式表"),
     ("xl/sharedStrings.xml", "文字表")],
)  # fmt: skip
def test_five_million_nested_elements_are_refused_at_the_depth_limit(tmp_path: Path, part: str, what: str) -> None:
    """(b) A 20 KB upload grew a worker to 1.4 GB: elements are now counted, and nesting bounded, as they start."""
    path = hostile.nested(tmp_path, part)
    assert path.stat().st_size < 25_000
    assert f"文件中的{what}嵌套超过 64 层" in refusal(path)


def test_a_million_cell_formats_are_refused(tmp_path: Path) -> None:
    """(c) 160 KB took 1.55 GB and 26 s in openpyxl's stylesheet; only the formats' ids are kept now."""
    path = hostile.many_styles(tmp_path)
    assert path.stat().st_size < 250_000
    assert "单元格格式超过 65536 种" in refusal(path)


def test_half_a_million_content_types_are_not_read(tmp_path: Path) -> None:
    """(d) 600 MB in openpyxl's manifest; the reader never opens [Content_Types].xml and reads the sheet."""
    path = hostile.many_content_types(tmp_path)
    result = read_bounded(path)
    assert result.get("rows") == {"Sheet": [[1, ["甲", 1]], [2, ["乙", 2]]]}, str(result)[:300]


@pytest.mark.parametrize(
    ("make", "part"),
    [(hostile.many_content_types, "[Content_Types].xml"),
     (hostile.many_relationships, "xl/worksheets/_rels/sheet1.xml.rels")],
)  # fmt: skip
def test_long_package_listings_are_refused_before_openpyxl_parses_them_whole(tmp_path: Path, make, part) -> None:
    """(d) The annotated error workbook opens the upload in openpyxl's full mode, which parses the
    content types and every relationships part whole (500,000 content types: 400 MB): check_package
    holds each listing to ooxml.MAX_LISTING elements first."""
    path = make(tmp_path)
    assert f"文件中的部件“{part}”内容过多（超过 10000 个 XML 元素）" in refusal(path, "package")


def test_a_cell_at_the_last_row_and_column_alone_is_refused(tmp_path: Path) -> None:
    """(e) The extent python-calamine would allocate whole (550 GB) is refused by its column."""
    path = hostile.far_cell(tmp_path)
    assert "第1048576行第16384列有内容：表格最多 60 列" in refusal(path)


@pytest.mark.parametrize("make", [seed001_workbook, seed000_workbook])
def test_real_workbooks_read_as_before_within_the_same_bounds(tmp_path: Path, make) -> None:
    """The published layouts (merged project cells, page rows, two sheets) read as openpyxl's full mode shows them."""
    path = make(tmp_path / "real.xlsx")

    def plain(rows: list) -> list:
        return [[n, [None if v == "" else v for v in line]] for n, line in rows]

    expected = {title: [r for r in plain(rows) if any(v is not None for v in r[1])]
                for title, rows in _full_mode(path).items()}  # fmt: skip
    result = read_bounded(path)
    assert {title: plain(rows) for title, rows in result["rows"].items()} == expected


def test_a_ten_thousand_row_table_is_read_within_the_same_bounds(tmp_path: Path) -> None:
    path = hostile.table(tmp_path / "table.xlsx", projects=1_000)
    result = read_bounded(path)
    rows = result["rows"]["项目支出绩效表"]
    assert len(rows) == 10_002
    assert rows[2] == [3, ["B000000-基准项目0", "100000-基准单位0", "1,000.00", "935.50", "年度目标", "产出指标",
                           "数量指标", "三级指标0", "≥", "10", "个", 10, "9"]]  # fmt: skip
    assert rows[-1][0] == 10_002 and rows[-1][1][-1] == "93"
