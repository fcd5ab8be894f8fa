"""The bounded workbook reader: merged cells as a sheet shows them, and bombs refused cheaply."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from evalsys.lib import xlsx
from evalsys.lib.xlsx import WorkbookRefused, read_sheets


def _save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _patch_sheet(path: Path, merges: list[str], *, extra_rows: str = "") -> Path:
    """Rewrite sheet1's XML with `merges` (and raw rows appended), as a hand-made file would."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    xml = re.sub(r"<mergeCells.*?</mergeCells>", "", xml)
    xml = xml.replace("</sheetData>", f"{extra_rows}</sheetData>")
    cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
    xml = xml.replace("</sheetData>", f'</sheetData><mergeCells count="{len(merges)}">{cells}</mergeCells>', 1)
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part, data in parts.items():
            out.writestr(part, data)
    return path


def _read(path: Path) -> dict[str, list[tuple[int, list]]]:
    return {title: list(rows) for title, rows in read_sheets(path)}


def _full_mode(path: Path) -> dict[str, list[tuple[int, list]]]:
    """What openpyxl's full mode shows, merged ranges filled from their anchor: the reference."""
    wb = load_workbook(path, data_only=True)
    result = {}
    for ws in wb.worksheets:
        grid = [[c.value for c in row] for row in ws.iter_rows()]
        for rng in ws.merged_cells.ranges:
            anchor = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    grid[r - 1][c - 1] = anchor
        rows = []
        for number, line in enumerate(grid, start=1):
            while line and line[-1] is None:
                line = line[:-1]
            if any(v is not None for v in line):
                rows.append((number, list(line)))
        result[ws.title] = rows
    return result


def test_merged_ranges_are_filled_from_their_anchor(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目", "单位", "指标"])
    ws.append(["甲", "A", "x"])
    ws.append([None, None, "y"])
    ws.append([None, None, "z"])
    ws.merge_cells("A2:B4")
    path = _save(wb, tmp_path / "m.xlsx")
    rows = _read(path)["Sheet"]
    assert rows == [(1, ["项目", "单位", "指标"]), (2, ["甲", "甲", "x"]), (3, ["甲", "甲", "y"]),
                    (4, ["甲", "甲", "z"])]  # fmt: skip


def test_rows_the_file_leaves_out_inside_a_range_are_shown(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["标题"])
    path = _patch_sheet(_save(wb, tmp_path / "gap.xlsx"), ["A1:A3"])
    assert _read(path)["Sheet"] == [(1, ["标题"]), (2, ["标题"]), (3, ["标题"])]


def test_percentage_formatted_numbers_read_as_shown(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append([0.955, 0.5, 12])
    wb.active["A1"].number_format = "0.0%"
    wb.active["B1"].number_format = "0%"
    rows = _read(_save(wb, tmp_path / "p.xlsx"))["Sheet"]
    assert rows == [(1, ["95.5%", "50%", 12])]


CELL = st.one_of(st.none(), st.integers(-5, 5), st.sampled_from(["甲", "乙", "x", " "]))


@st.composite
def sheets(draw: st.DrawFn) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    height, width = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    grid = [[draw(CELL) for _ in range(width)] for _ in range(height)]
    merges: list[tuple[int, int, int, int]] = []
    taken: set[tuple[int, int]] = set()
    for _ in range(draw(st.integers(0, 4))):
        r1, c1 = draw(st.integers(1, height + 2)), draw(st.integers(1, width + 1))
        r2, c2 = r1 + draw(st.integers(0, 3)), c1 + draw(st.integers(0, 2))
        cells = {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        if (r2, c2) != (r1, c1) and not cells & taken:
            merges.append((r1, c1, r2, c2))
            taken |= cells
    return grid, merges


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheets())
def test_reader_agrees_with_openpyxl_full_mode(tmp_path: Path, sheet: tuple[list[list], list]) -> None:
    grid, merges = sheet
    wb = Workbook()
    ws = wb.active
    for line in grid:
        ws.append(line)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    path = _save(wb, tmp_path / "h.xlsx")

    def strip(rows: list) -> list:
        return [(n, [None if v == "" else v for v in line]) for n, line in rows]

    expected = [(n, v) for n, v in strip(_full_mode(path)["Sheet"]) if any(x is not None for x in v)]
    assert strip(_read(path)["Sheet"]) == expected


def test_a_tiny_file_merging_200000_rows_is_refused_in_little_memory(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["项目名称", "一级指标"])
    path = _patch_sheet(_save(wb, tmp_path / "bomb.xlsx"), ["A1:B200000"])
    assert path.stat().st_size < 10_000
    tracemalloc.start()
    with pytest.raises(WorkbookRefused, match="合并单元格 A1:B200000 过大"):
        _read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_many_merged_ranges_together_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_MERGED_CELLS", 100)
    wb = Workbook()
    wb.active.append(["a"])
    path = _patch_sheet(_save(wb, tmp_path / "many.xlsx"), [f"A{r}:J{r + 5}" for r in range(1, 60, 6)])
    with pytest.raises(WorkbookRefused, match="合并单元格合计超过 100 个单元格"):
        _read(path)


def test_rows_past_the_limit_are_refused_with_the_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 10)
    wb = Workbook()
    for n in range(12):
        wb.active.append([f"行{n}"])
    with pytest.raises(WorkbookRefused, match="超过 10 行（工作表“Sheet”第11行）"):
        _read(_save(wb, tmp_path / "rows.xlsx"))


def test_empty_styled_rows_do_not_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    wb = Workbook()
    wb.active.append(["甲"])
    raw = "".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(5, 400))
    path = _patch_sheet(_save(wb, tmp_path / "styled.xlsx"), [], extra_rows=raw)
    assert _read(path)["Sheet"] == [(1, ["甲"])]


def test_a_value_beyond_the_last_column_is_refused(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.cell(3, 61, "备注")
    with pytest.raises(WorkbookRefused, match="第3行第61列有内容：表格最多 60 列"):
        _read(_save(wb, tmp_path / "wide.xlsx"))


def test_a_far_cell_does_not_allocate_its_row(tmp_path: Path) -> None:
    """One cell in column XFD of row 1,000,000 must not make a million empty rows or columns."""
    wb = Workbook()
    wb.active.append(["甲"])
    raw = '<row r="1000000"><c r="XFD1000000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = _patch_sheet(_save(wb, tmp_path / "far.xlsx"), [], extra_rows=raw)
    tracemalloc.start()
    with pytest.raises(WorkbookRefused, match="列有内容"):
        _read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_a_zip_that_unpacks_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_MB", 1)
    wb = Workbook()
    wb.active.append(["x" * 100])
    path = _save(wb, tmp_path / "zip.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * (2 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    with pytest.raises(WorkbookRefused, match="解压后超过 1 MB"):
        _read(path)


@pytest.mark.parametrize("content", [b"not a workbook", b"PK\x03\x04broken", b""])
def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookRefused, match="无法读取工作簿"):
        _read(path)


def test_a_file_object_is_read_and_rewound(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["甲"])
    data = io.BytesIO(_save(wb, tmp_path / "f.xlsx").read_bytes())
    assert [(t, list(r)) for t, r in read_sheets(data)] == [("Sheet", [(1, ["甲"])])]


def test_one_row_of_a_million_empty_cells_is_refused_in_little_memory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ELEMENTS", 100_000)
    wb = Workbook()
    wb.active.append(["甲"])
    raw = '<row r="2">' + '<c s="0"/>' * 200_000 + "</row>"
    path = _patch_sheet(_save(wb, tmp_path / "row.xlsx"), [], extra_rows=raw)
    tracemalloc.start()
    with pytest.raises(WorkbookRefused, match="单元格过多"):
        _read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_a_sheet_without_dimension_or_row_numbers_is_read(tmp_path: Path) -> None:
    """Hand-written files leave out <dimension> and the r attributes; cells follow in order."""
    wb = Workbook()
    wb.active.append(["x"])
    path = _save(wb, tmp_path / "plain.xlsx")
    with zipfile.ZipFile(path) as source:
        xml = source.read("xl/worksheets/sheet1.xml").decode()
    xml = re.sub(r"<dimension[^>]*/>", "", xml)
    data = (
        "<sheetData><row><c t='inlineStr'><is><t>甲</t></is></c><c><v>2.5</v></c><c t='b'><v>1</v></c></row>"
        "<row><c t='str'><v>公式结果</v></c></row></sheetData>"
    )
    xml = re.sub(r"<sheetData>.*</sheetData>", data, xml)
    parts = {}
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    assert _read(path)["Sheet"] == [(1, ["甲", 2.5, True]), (2, ["公式结果"])]


def test_dates_and_cached_formula_results_read_as_openpyxl_shows_them(tmp_path: Path) -> None:
    import datetime

    wb = Workbook()
    ws = wb.active
    ws.append([datetime.date(2022, 11, 30), "=1+1", 3])
    wb.save(tmp_path / "d.xlsx")
    rows = _read(tmp_path / "d.xlsx")["Sheet"]
    assert rows == [(1, [datetime.datetime(2022, 11, 30), None, 3])]  # a formula never computed has no value
