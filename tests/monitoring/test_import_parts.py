"""The 监控表 import's fast paths write what its plain paths write (issue 17): the new rows inserted in
parts, each while the next part's lights are computed (monitoring.importing.PARTS_OF_WRITE), against one
insert of each table after every light; every stored field and history row is compared, by natural keys
(a rolled-back import leaves PostgreSQL's sequences advanced, so the keys themselves differ). The cause
categories' memo (indicators.importer._cause_names) reads as a fresh reading."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, models, transaction
from openpyxl import Workbook

from evalsys.lib import bulk
from indicators import importer
from indicators.importer import ImportFailed
from indicators.models import Indicator
from indicators.services import workbook_import
from monitoring import importing
from monitoring.models import MonitoringFund, MonitoringReport, Observation
from projects.models import Project, StageState, Unit

pytestmark = pytest.mark.django_db

YEAR = 2025
HEADER = ["项目名称", "单位名称", "全年预算数", "1-7月执行数", "一级指标", "二级指标", "三级指标", "指标性质",
          "指标值", "度量单位", "权重", "1-7月执行情况", "全年预计完成值", "完成目标可能性", "偏差原因类别",
          "偏差原因分析", "纠偏措施"]  # fmt: skip
# every light (green, yellow, red, blue), 定性, a blank to date, causes
TREE = [("产出指标", "数量指标", "≥", 10, "个", 20, "6", "10", "确定能", "", "", ""),
        ("产出指标", "数量指标", "≥", 120, "人次", 20, "60", "100", "有可能", "经费保障", "资金拨付滞后", "加快拨付"),
        ("产出指标", "成本指标", "≤", 100, "万元", 20, "50", "98", "确定能", "", "", ""),
        ("效益指标", "社会效益指标", "定性", "有效提升", "", 10, "已开展", "部分达成", "有可能", "制度保障",
         "制度待完善", "完善制度"),
        ("效益指标", "经济效益指标", "≥", 500, "万元", 20, "400", "900", "确定能", "", "", ""),
        ("满意度指标", "服务对象满意度指标", "≥", 90, "%", 10, "", "70", "完全不可能", "人员保障、其他", "调查推迟",
         "九月补做调查")]  # fmt: skip


def workbook(path: Path, projects: range, forecast: str = "") -> Path:
    """`projects` flat 监控表 projects; `forecast` replaces the second row's forecast (a changed entry)."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for p in projects:
        for i, row in enumerate(TREE):
            head = [f"P{p:04d}-分批项目{p}", f"{400000 + p % 2}-分批单位{p % 2}", 1000, 100 + 50 * p] if i == 0 else [
                "", "", "", ""]  # fmt: skip
            cells = list(row)
            if forecast and i == 1:
                cells[7] = forecast
            sheet.append([*head, *cells[:2], f"指标{i}", *cells[2:]])
    book.save(path)
    return path


def _natural(obj: Any) -> Any:
    """A row referred to by what names it, not by its key."""
    if isinstance(obj, Project):
        return obj.code
    if isinstance(obj, Unit):
        return obj.code
    if isinstance(obj, MonitoringReport):
        return ("report", obj.project.code)
    if isinstance(obj, Indicator):
        return ("indicator", obj.project.code, obj.level3)
    return getattr(obj, "username", obj.pk)


def _rows(model: type[models.Model], *, skip: tuple[str, ...] = ()) -> list[tuple]:
    """Every row of `model` (every stored field but keys and times, references by natural key), sorted."""
    out = []
    for obj in model.objects.all():
        values = []
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in skip or isinstance(f, models.DateTimeField):
                continue
            if f.is_relation:
                related = getattr(obj, f.name)
                values.append((f.name, None if related is None else _natural(related)))
            else:
                values.append((f.name, getattr(obj, f.attname)))
        out.append(tuple(values))
    return sorted(out, key=repr)


def stored() -> dict[str, list[tuple]]:
    """The monitoring tables, their history tables and the stage rows."""
    out = {}
    for model in (MonitoringReport, Observation, MonitoringFund):
        out[model.__name__] = _rows(model)
        out[model.__name__ + " history"] = _rows(model.history.model, skip=("history_id", "id"))
    out["StageState"] = _rows(StageState)
    return out


def rolled_back(body: Callable[[], Any]) -> Any:
    """What `body` returns and leaves stored, then undone."""
    with transaction.atomic():
        result = body(), stored()
        transaction.set_rollback(True)
    return result


def imports(tmp_path: Path) -> tuple[list, dict[str, list[tuple]]]:
    """A create of five projects, a dry run and a re-import changing two of them and adding one: each
    import's notes, warnings and previews, and every row stored at the end."""
    first = workbook(tmp_path / "first.xlsx", range(5))
    second = workbook(tmp_path / "second.xlsx", range(3, 6), forecast="130")
    reports = [workbook_import(path=first, year=YEAR, user=None),
               workbook_import(path=second, year=YEAR, user=None, dry_run=True),
               workbook_import(path=second, year=YEAR, user=None)]  # fmt: skip
    return [(r.notes, r.warnings, repr(r.previews)) for r in reports], stored()


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_the_parts_write_what_one_insert_of_each_table_writes(tmp_path, monkeypatch, parts) -> None:
    monkeypatch.setitem(importing.PARTS_OF_WRITE, connection.vendor, 1)  # one insert a table, no worker
    plain = rolled_back(lambda: imports(tmp_path))
    monkeypatch.setitem(importing.PARTS_OF_WRITE, connection.vendor, parts)
    fast = rolled_back(lambda: imports(tmp_path))
    assert fast == plain
    _, rows = fast[0]
    assert len(rows["MonitoringReport"]) == 6 and len(rows["Observation"]) == 6 * len(TREE)
    assert len(rows["MonitoringReport history"]) == 6  # created (+) only: the re-import's changes are entries
    assert {light for row in rows["Observation"] for name, light in row if name == "light"} >= {"green", "red"}
    assert {value for row in rows["MonitoringFund"] for name, value in row if name == "executed"} == {
        Decimal(100 + 50 * p) for p in range(6)}  # fmt: skip


def test_an_insert_error_is_raised_after_every_part_is_waited_for(tmp_path, monkeypatch) -> None:
    """A worker's error (PostgreSQL: the COPY's) reaches the import, as the import's error for a unique
    violation, and leaves no insert running."""
    path = workbook(tmp_path / "first.xlsx", range(3))
    monkeypatch.setitem(importing.PARTS_OF_WRITE, connection.vendor, 3)
    original = importing.bulk_create_logged

    def clashing(rows: list, model: Any, **kwargs: Any) -> Any:
        if model is Observation and rows:
            for o in rows:
                o.indicator_id = rows[0].indicator_id  # the (report, indicator) unique constraint
        return original(rows, model, **kwargs)

    monkeypatch.setattr(importing, "bulk_create_logged", clashing)
    with pytest.raises(ImportFailed, match="另一项导入"):
        workbook_import(path=path, year=YEAR, user=None)
    assert not bulk._pending()
    assert not MonitoringReport.objects.exists()


CAUSE_CELLS = ["", "经费保障", "经费、其他", "经费原因，人员", "制度保障 硬件", "天气", "经费、天气"]
TICKS = [(None,) * 5, ("√", None, "否", "x", "是"), (1, 0, True, False, "0"), ("1", "0", "", "—", "／"),
         (1.0, None, None, None, None)]  # fmt: skip


@pytest.mark.parametrize("column", CAUSE_CELLS)
def test_the_cause_memo_reads_as_a_fresh_reading(column) -> None:
    """Every cell of a row read through RowParser._causes (memoised for text) as _cause_names afresh; a
    number or a bool tick is read afresh, not answered by an equal text's or number's memo."""

    class Row:
        def __init__(self, ticks: tuple) -> None:
            self.values = dict(zip(importer.CAUSE_NAMES, ticks, strict=True))

    errors: list = []
    parser = type("P", (), {"_error": lambda self, r, name, message: errors.append(message)})()
    for ticks in TICKS * 2:  # the second time from the memo
        fresh = importer._cause_names.__wrapped__(column, ticks)
        got = importer.RowParser._causes(parser, Row(ticks), column)
        assert got == (None if fresh[1] is not None else fresh[0]), (column, ticks)
    assert importer.RowParser._causes(parser, Row((1,) * 5), "") == importer.RowParser._causes(
        parser, Row((True,) * 5), "")  # fmt: skip
    assert importer._cause_names.__wrapped__("", (True, None, None, None, None))[0] != ()
