"""黄石市's 监控表 (黄石市项目支出绩效监控表, 2019, as published): its indicator block has 一级指标 and
指标名称 but no 二级指标 column; the 一级指标 column holds 数量 / 质量 / 时效 / 成本 / 社会效益 (the
二级 names, shortened) beside a 绩效指标 column of 产出指标 / 效益指标. Such rows are read: the 二级
is inferred where the scheme leaves one choice (a 二级 name under the only 一级 that has it; the only
二级 of a 一级, 满意度指标 → 服务对象满意度指标), and where it does not the row's error asks for the
二级指标 column. Checked through `manage.py monitor --json` against domain.md §8."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Indicator
from tests.monitoring.test_import_forms import YEAR, imported, monitor, save

pytestmark = pytest.mark.django_db
CODE = "42020019T000000000009"
HEADER = ["绩效指标", "一级 指标", "指标名称", "指标值", "半年度 指标执行情况", "全年预计完成情况",
          "完成目标可能性（确定能、有可能、不可能）", "备注"]  # fmt: skip


def huangshi(path: Path, indicators: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    rows = [
        ["黄石市项目支出绩效监控表"],
        ["（2025年度）"],
        ["项目单位（盖章）：", "", "", "", "", "", "", "单位：万元"],
        ["项目名称", f"{CODE}-申遗经费"],
        ["主管部门", "黄石市文化和旅游局", "", "项目执行单位", "黄石市文物局"],
        ["项目资金（万元）", "年初预算数", "1-6月执行数", "全年预计执行数"],
        ["年度资金总额：", 220, 87.57, 220],
        ["其中：当年一般公共预算拨款", 220, 87.57, 220],
        HEADER,
        *indicators,
        ["偏差或不能完成目标原因分析", "宣传场地受限"],
        ["相关建议或举措", "下半年增加线上宣传"],
    ]  # fmt: skip
    return save(rows, path, merges=("B4:H4", "E5:H5", *merges))


def refused(path: Path) -> str:
    """The row errors `import_workbook` prints for a table it refuses."""
    errors = StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_workbook", str(path), "--year", str(YEAR), stdout=StringIO(), stderr=errors)
    return errors.getvalue()


def test_a_table_without_a_second_level_column_is_read(tmp_path) -> None:
    rows = [
        ["产出指标", "数量", "举办学术交流活动", "≥5场", "3场", "5场", "确定能", ""],
        ["产出指标", "质量", "", "", "", "", "", ""],  # printed without an indicator of its own
        ["产出指标", "时效", "", "", "", "", "", ""],
        ["产出指标", "成本", "年度预算", "≤220万元", "87.57万元", "220万元", "确定能", ""],
        ["效益指标", "社会效益", "申遗宣传覆盖人次", "≥10000人次", "4000人次", "7000人次", "有可能", ""],
        ["满意度指标", "满意度", "观众满意度", "≥90%", "92%", "92%", "确定能", ""],
    ]  # fmt: skip
    out = imported(huangshi(tmp_path / "huangshi.xlsx", rows, merges=("A10:A13",)))
    assert "运行监控：1 个项目（截至 6 月）" in out
    assert list(Indicator.objects.order_by("position").values_list("level1", "level2", "level3")) == [
        ("产出指标", "数量指标", "举办学术交流活动"), ("产出指标", "成本指标", "年度预算"),
        ("效益指标", "社会效益指标", "申遗宣传覆盖人次"), ("满意度指标", "服务对象满意度指标", "观众满意度"),
    ]  # fmt: skip
    data = monitor(CODE)
    lights = {(i["level2"], i["level3"]): i["light"] for i in data["indicators"]}
    # 7,000 of 10,000 forecast: 70% of the weight, red; 92 of 90 is no over-run (under 120%): green
    assert lights == {("数量指标", "举办学术交流活动"): "green", ("成本指标", "年度预算"): "green",
                      ("社会效益指标", "申遗宣传覆盖人次"): "red",
                      ("服务对象满意度指标", "观众满意度"): "green"}  # fmt: skip
    assert (data["budget"]["value"], data["budget"]["light"], data["light"]) == ("79.61", "yellow", "red")


def test_a_first_level_with_several_second_levels_asks_for_the_column(tmp_path) -> None:
    rows = [
        ["", "产出指标", "举办学术交流活动", "≥5场", "3场", "5场", "确定能", ""],
        ["", "满意度指标", "观众满意度", "≥90%", "92%", "92%", "确定能", ""],
    ]  # fmt: skip
    message = refused(huangshi(tmp_path / "ambiguous.xlsx", rows))
    assert "监控表!第10行 二级指标：" in message
    assert ("表中没有“二级指标”列，“产出指标”下有数量指标、质量指标、时效指标、成本指标、经济成本指标、"
            "社会成本指标、生态环境成本指标，无法判断本行属于哪一个：请在“一级 指标”列后增加“二级指标”列并填写"
            ) in message  # fmt: skip
    assert "第11行" not in message  # 满意度指标 has one 二级: inferred
    assert not Indicator.objects.exists()


def test_an_unknown_name_in_the_first_level_column_is_the_rows_error(tmp_path) -> None:
    rows = [["", "宣传", "申遗宣传覆盖人次", "≥10000人次", "4000人次", "7000人次", "有可能", ""]]
    message = refused(huangshi(tmp_path / "unknown.xlsx", rows))
    assert "第10行 一级 指标：“宣传”不是本方案的一级指标，可选：产出指标、效益指标、满意度指标" in message
