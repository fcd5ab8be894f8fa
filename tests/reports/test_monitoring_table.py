"""The 项目支出绩效目标执行监控表 as Excel (issue 17 "Import and export", domain.md §8): the national
layout read back from the real file (openpyxl), the workbook imported back into a fresh year (a dry
run, then for real) giving the same `monitor --json`, and hostile text kept as text."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from monitoring.models import MonitoringReport
from projects.models import FundSource, Project
from reports.monitoring_table import TITLE, monitoring_sheets, render_xlsx
from tests.reports import monitoring_cast
from tests.reports.monitoring_cast import CODE

pytestmark = pytest.mark.django_db
D = Decimal
plan, monitored = monitoring_cast.plan, monitoring_cast.monitored


def values(content: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def find(rows: list[list], text: str) -> tuple[int, int]:
    return next((r, c) for r, row in enumerate(rows) for c, v in enumerate(row) if v == text)


def monitor(code: str, year: int) -> dict:
    out = StringIO()
    call_command("monitor", code, "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_workbook_is_the_national_layout(monitored) -> None:
    (sheet,) = monitoring_sheets([monitored.pk])
    content = render_xlsx(sheet)
    rows = values(content)
    assert rows[0][0] == TITLE and rows[1][0] == "（2026年度 1-7月）" and rows[1][-2] == "金额单位：万元"
    r, _ = find(rows, "项目名称")
    assert rows[r][1] == f"{CODE}-妇女创业就业培训"
    assert find(rows, "主管部门及代码")[1] == 0
    r, c = find(rows, "实施单位")
    assert rows[r][1] == "内蒙古自治区妇女联合会（部门）" and rows[r][c + 2] == "140001-内蒙古自治区妇女联合会"
    r, _ = find(rows, "资金来源")
    head = rows[r]
    assert [head[c] for c in (4, 6, 8, 10, 12, 14, 16, 17)] == [
        "年初预算数", "全年预算数", "1-7月执行数", "1-7月执行率", "全年预计执行数", "时间进度", "执行进度/时间进度",
        "预算执行结果"]  # fmt: skip
    total, fiscal, carry, other = rows[r + 1 : r + 5]
    assert (total[1], total[6], total[8], total[10], total[14], total[16], total[17]) == (
        "年度资金总额", 1000, 300, "30.00%", "58.33%", 51.43, "红灯")  # fmt: skip
    assert (fiscal[1], fiscal[6], fiscal[8], fiscal[10]) == ("其中：当年财政拨款", 600, 200, "33.33%")
    assert (carry[6], carry[8], other[6], other[8]) == (400, 100, None, None)
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.cell(FIRST := r + 4, 7).number_format == "#,##0.00" and FIRST


def test_the_indicator_table_ticks_causes_and_shows_lights(monitored) -> None:
    (sheet,) = monitoring_sheets([monitored.pk])
    content = render_xlsx(sheet)
    rows = values(content)
    head, _ = find(rows, "一级指标")
    assert rows[head][:10] == ["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位",
                               "权重", "1-7月执行情况", "全年预计完成情况"]  # fmt: skip
    assert rows[head][10] == "偏差原因"
    assert rows[head][15:] == ["完成目标可能性", "偏差原因分析", "纠偏措施", "监控结果"]  # the budget: in its block
    assert rows[head + 1][10:15] == ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]
    body = {row[3]: row for row in rows[head + 2 : head + 6]}
    count = body["培训人数"]
    assert count[4:10] == ["≥", "100", "人", 20, "40人", "90人"]
    assert count[10:19] == ["√", None, "√", None, None, "有可能", "师资不足需下半年补充", None, "黄灯"]
    assert body["群众知晓度"][4:10] == ["定性", "明显提高群众知晓度", None, 10, "宣传已开展", "达成"]
    assert body["满意度"][14:19] == ["√", "完全不可能", "调查推迟", "九月补做调查", "红灯"]
    assert body["培训成本"][18] == "绿灯"
    r, _ = find(rows, "项目纠偏措施")
    assert rows[r][1] == "加快资金拨付"
    ws = load_workbook(io.BytesIO(content)).active
    merged = {str(m) for m in ws.merged_cells.ranges}
    first = head + 3  # 1-based row of the first indicator
    assert f"K{head + 1}:O{head + 1}" in merged  # 偏差原因 over its five ticks
    assert f"B{first}:B{first + 1}" in merged  # 产出指标 over its two rows
    red = next(c for c in ws[first + 3] if c.value == "红灯")
    assert red.fill.fgColor.rgb.endswith("F4B6B6")


def test_the_workbook_imports_back_into_a_fresh_year(tmp_path, monitored, capsys) -> None:
    (sheet,) = monitoring_sheets([monitored.pk])
    path = tmp_path / "监控表.xlsx"
    path.write_bytes(render_xlsx(sheet))
    call_command("import_workbook", str(path), "--year", "2027", "--dry-run")
    out = capsys.readouterr().out
    assert "项目 新建 1 个" in out and "运行监控：1 个项目（截至 7 月）" in out
    assert Project.objects.filter(year=2027).count() == 0  # a dry run writes nothing
    call_command("import_workbook", str(path), "--year", "2027")
    before, after = monitor(CODE, 2026), monitor(CODE, 2027)
    assert after == before | {"year": 2027}
    funds = {f.source: f.annual for f in Project.objects.get(year=2027).funds.all()}
    assert funds == {FundSource.FISCAL: D(600), FundSource.CARRYOVER: D(400)}
    # the funds block's 1-7月执行数 by source, and the project's 纠偏措施, come back as they were
    report = MonitoringReport.objects.get(project__year=2027)
    assert {f.source: f.executed for f in report.funds.all()} == {FundSource.FISCAL: D(200),
                                                                  FundSource.CARRYOVER: D(100)}  # fmt: skip
    assert report.measures == "加快资金拨付"


def test_user_text_stays_text(unit_a, plan) -> None:
    from monitoring.services import Entry, monitoring_save
    from tests import factories

    formula = '=HYPERLINK("http://x","y")'
    project = factories.project(unit=unit_a, code="15000026T000000000705", year=2026, name=formula)
    row = factories.indicator(project, level3="@质量", target=D(10))
    project.refresh_from_db()
    monitoring_save(project=project, user=None, system=True, version=project.version, measures="+SUM(1,2)\x0b补救",
                    entries={row.pk: Entry("5", "6", "有可能", ("其他",), "-1 原因", "=1+1")})  # fmt: skip
    (sheet,) = monitoring_sheets([project.pk])
    ws = load_workbook(io.BytesIO(render_xlsx(sheet))).active
    texts = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in texts} >= {"@质量", "-1 原因", "=1+1"}
    assert ws["B3"].value == f"15000026T000000000705-{formula}" and ws["B3"].data_type == "s"
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    assert any(c.value == "+SUM(1,2)\n补救" for c in texts)  # Word's line break as a new line, not a control
