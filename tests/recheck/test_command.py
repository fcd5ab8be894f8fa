"""`manage.py recheck` (contract.md, 复核) and its service on tables whose answer is known."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from indicators.models import Indicator
from projects.models import Fund, Project
from recheck.services import workbook_recheck
from reports.sample import sample_report
from reports.xlsx import render
from tests import factories
from tests.recheck.tables import RULE_SCORES, SEED000, flat_table, national_form, seed003_table

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("recheck", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code)
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def as_json(path, *extra: str) -> tuple[int, dict]:
    code, out, _ = run(str(path), "--year", "2022", "--json", *extra)
    return code, json.loads(out)


def with_scores(**changes: object) -> list[object]:
    """The rule scores with some rows' printed 得分 changed, by 0-based row index (`r5="3"`)."""
    scores: list[object] = list(RULE_SCORES)
    for key, value in changes.items():
        scores[int(key[1:])] = value
    return scores


# --- nothing else is flagged --------------------------------------------------------------


@pytest.mark.parametrize("build", [flat_table, national_form])
def test_a_table_as_the_rules_score_it_exits_0_with_no_finding(tmp_path, build):
    code, data = as_json(build(tmp_path / "t.xlsx"))
    (project,) = data["projects"]
    assert code == 0
    assert (project["deviations"], project["sums"], project["rows"], project["judged"]) == ([], [], 11, 11)
    assert (project["code"], project["year"], project["scheme"], project["total"]) == (
        "15000022T000000000900", 2022, "national", "93.62")  # fmt: skip


@pytest.mark.parametrize("outline", ["unit", "department", "framework2013"])
def test_the_apps_own_exported_table_rechecks_clean(tmp_path, outline):
    """The 自评表 `export_report --format xlsx` writes (小计 rows and per-一级 等级 for framework2013)."""
    path = tmp_path / "export.xlsx"
    path.write_bytes(render(sample_report(outline)))
    scheme = {"unit": "national"}.get(outline, outline)
    code, data = as_json(path, "--scheme", scheme)
    assert code == 0, data
    assert data["projects"][0]["judged"] == data["projects"][0]["rows"] > 0


def test_rows_without_published_scores_are_scored_and_not_judged(tmp_path):
    code, data = as_json(flat_table(tmp_path / "t.xlsx", with_scores(r0=None, r5="", r10="—")))
    assert code == 0
    assert (data["projects"][0]["rows"], data["projects"][0]["judged"]) == (11, 8)


# --- every cause, in one published table ---------------------------------------------------


def test_every_cause_with_both_numbers_and_the_rules_explanation(tmp_path):
    scores = with_scores(r2="6", r5="3", r6="0.5", r1="8.5", r9="9分", r10="10.5")
    scores[4] = "5.3"  # above the rule (5) and the weight (5)
    scores[8] = "17"  # 就业增收 met: full 20 by rule
    code, data = as_json(flat_table(tmp_path / "t.xlsx", scores))
    assert code == 1
    found = {d["level3"]: (d["published"], d["computed"], d["cause"]) for d in data["projects"][0]["deviations"]}
    assert found == {
        "研发新产品": ("8.50", "8.00", "over_scored"),
        "区域公用品牌宣传": ("6.00", "7.00", "marked_down_met"),
        "各项工作完成周期": ("5.30", "5.00", "over_scored"),
        "基础手工技能培训完成周期": ("3.00", "3.50", "truncated"),
        "基础手工技能培训成本": ("0.50", "1.18", "other"),  # 1.1779… : nothing explains 0.50
        "促进妇女就业增收": ("17.00", "20.00", "marked_down_met"),
        "提高北疆布丝瑰品牌影响力": ("9.00", "10.00", "marked_down_met"),
        "参训学员满意度": ("10.50", "10.00", "over_scored"),
    }
    cut = next(d for d in data["projects"][0]["deviations"] if d["level3"] == "基础手工技能培训完成周期")
    assert cut == {
        "sheet": "绩效自评表", "row": 8, "level1": "产出指标", "level2": "时效指标",
        "level3": "基础手工技能培训完成周期", "weight": "5.00", "published": "3.00", "computed": "3.50",
        "difference": "-0.50", "cause": "truncated",
        "explanation": "实际 10 个月 超出目标 7 个月，按 目标/实际 × 分值 = 7/10 × 5，得 3.50",
        "note": "公布 3.00 是规则得分 3.5 截断到整数（未四舍五入）的结果；按规则应得 3.50",
    }  # fmt: skip


def test_whole_points_in_the_budget_score_of_the_national_form(tmp_path):
    code, data = as_json(national_form(tmp_path / "t.xlsx", budget=9, total=93.68))
    (budget, total) = data["projects"][0]["sums"]
    assert code == 1
    assert (budget["what"], budget["published"], budget["computed"], budget["cause"]) == (
        "budget", "9.00", "8.94", "whole_points")  # fmt: skip
    assert total == {"what": "total", "level1": "", "published": "93.68", "computed": "93.62", "parts": "93.68",
                     "cause": "bad_sum", "message": "公布总分 93.68，按规则应为 93.62", "sheet": "项目支出绩效自评表",
                     "row": 22}  # fmt: skip


def test_seed000_as_published_truncated_budget_and_rows(tmp_path):
    """The seed report: 3 and 1 for the ≤ rows, 8.90 for the budget, 92.90 in total, A."""
    path = national_form(tmp_path / "t.xlsx", with_scores(r5=3, r6=1), budget=8.9, total=92.9, grade="A")
    code, data = as_json(path)
    project = data["projects"][0]
    assert code == 1
    assert [d["cause"] for d in project["deviations"]] == ["truncated", "truncated"]
    assert [(s["what"], s["published"], s["cause"]) for s in project["sums"]] == [
        ("budget", "8.90", "truncated"), ("total", "92.90", "bad_sum")]  # fmt: skip
    assert project["at_stake"] == "0.72"


# --- sums and grade -------------------------------------------------------------------------


def test_a_subtotal_and_a_total_that_do_not_add_up(tmp_path):
    totals = [[None, None, None, None, "产出指标", None, "小计", None, None, 50, 45],
              ["合计", None, None, None, None, None, None, None, None, 90, 84.68]]  # fmt: skip
    code, data = as_json(flat_table(tmp_path / "t.xlsx", totals=totals))
    (subtotal,) = data["projects"][0]["sums"]
    assert code == 1
    assert (subtotal["what"], subtotal["level1"], subtotal["parts"], subtotal["computed"], subtotal["row"]) == (
        "subtotal", "产出指标", "44.68", "44.68", 14)  # fmt: skip
    assert (
        subtotal["message"]
        == "公布产出指标小计 45.00，但所列各项之和为 44.68；公布产出指标小计 45.00，按规则应为 44.68"
    )


def test_a_grade_that_does_not_match_the_total(tmp_path):
    code, data = as_json(national_form(tmp_path / "t.xlsx", grade="良"))
    (grade,) = data["projects"][0]["sums"]
    assert code == 1
    assert (grade["what"], grade["published"], grade["computed"], grade["cause"], grade["message"]) == (
        "grade", "良", "优", "bad_grade", "公布等级“良”与总分 93.62 应得的等级“优”不符")  # fmt: skip


def test_weights_that_do_not_sum_to_the_scheme(tmp_path):
    rows = [*SEED000[:-1], (*SEED000[-1][:5], 5, "5")]
    code, data = as_json(flat_table(tmp_path / "t.xlsx", [*RULE_SCORES[:-1], "5"], rows=rows))
    assert code == 1
    assert data["projects"][0]["sums"] == [{
        "what": "weights", "level1": "", "published": "85.00", "computed": "90.00", "parts": None,
        "cause": "weights_sum", "message": "指标分值合计 85，本方案应为 90", "sheet": "", "row": None}]  # fmt: skip


# --- seeds 003 and 004 ----------------------------------------------------------------------


def test_seed003_published_scores_under_the_department_scheme(tmp_path):
    code, data = as_json(seed003_table(tmp_path / "s3.xlsx"), "--scheme", "department")
    project = data["projects"][0]
    assert code == 1
    assert [(d["level3"], d["published"], d["computed"], d["cause"]) for d in project["deviations"]] == [
        ("社保金缴费资金及时发放率", "9.61", "9.60", "over_scored"),
        ("社保金缴费", "9.55", "9.56", "truncated"),
    ]
    assert [(s["what"], s["level1"], s["published"], s["parts"], s["computed"]) for s in project["sums"]] == [
        ("subtotal", "产出", "39.22", "39.16", "39.16"),
        ("total", "", "99.00", "99.00", "98.94"),
    ]


def test_seed004_under_framework2013_and_a_wrong_level1_grade(tmp_path):
    """Seed 004 grades each 一级 (“项目投入评价结果为优”): the export prints 小计 with 得分率 and 等级."""
    path = tmp_path / "s4.xlsx"
    path.write_bytes(render(sample_report("framework2013")))
    book = load_workbook(path)
    sheet = book.active
    row = next(r for r in sheet.iter_rows() if str(r[0].value or "").startswith("小计：投入"))
    row[8].value = "等级：优"  # 17 of 20 is 良
    book.save(path)
    code, data = as_json(path, "--scheme", "framework2013")
    assert code == 1
    assert data["projects"][0]["sums"] == [{
        "what": "grade", "level1": "投入", "published": "优", "computed": "良", "parts": None, "cause": "bad_grade",
        "message": "公布投入等级“优”与其得分 17.00（得分率 85.00%）应得的等级“良”不符", "sheet": sheet.title,
        "row": row[0].row}]  # fmt: skip


# --- scheme -----------------------------------------------------------------------------------


def test_the_stored_projects_scheme_is_used_when_none_is_asked(tmp_path, unit_a):
    factories.project(unit=unit_a, code="15000022T000000000900", year=2022, scheme="national_linear")
    _, data = as_json(flat_table(tmp_path / "t.xlsx"))
    assert data["projects"][0]["scheme"] == "national_linear"
    # the linear rule scores 基础手工技能培训完成周期 10 of ≤7 as (2·7 − 10)/7 × 5 = 2.86: the table's 3.50 deviates
    assert [d["computed"] for d in data["projects"][0]["deviations"]] == ["2.86", "0.00"]
    _, other_year = as_json(flat_table(tmp_path / "t.xlsx"), "--scheme", "national")
    assert other_year["projects"][0]["scheme"] == "national"


def test_an_unknown_scheme_exits_2(tmp_path):
    code, _, err = run(str(flat_table(tmp_path / "t.xlsx")), "--year", "2022", "--scheme", "nope")
    assert code == 2 and "未知的评分方案“nope”" in err


# --- unreadable -----------------------------------------------------------------------------


def test_an_unreadable_table_exits_2_with_the_imports_row_errors(tmp_path):
    rows = [SEED000[0], ("产出指标", "数量指标", "研发新产品", "≥七十款", "98款", 8, "8"), *SEED000[2:]]
    code, out, err = run(str(flat_table(tmp_path / "t.xlsx", rows=rows)), "--year", "2022")
    assert (code, out) == (2, "")
    assert "绩效自评表!第4行 年度指标值：" in err and "无法复核：共 1 处错误" in err


def test_an_unreadable_published_score_is_a_row_error_in_recheck_only(tmp_path):
    path = flat_table(tmp_path / "t.xlsx", with_scores(r1="八分"))
    code, _, err = run(str(path), "--year", "2022")
    assert code == 2
    assert "绩效自评表!第4行 得分：“八分”不是得分：请填写 0 至 100 的数字（如 9、9.5 或 9分），没有得分请留空" in err
    call_command("import_workbook", str(path), "--year", "2022", "--dry-run", stdout=StringIO())  # the import reads it


def test_not_a_workbook_exits_2(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"not a workbook")
    code, _, err = run(str(path), "--year", "2022")
    assert code == 2 and "t.xlsx" in err


# --- writes nothing -------------------------------------------------------------------------


def test_recheck_writes_nothing_to_the_database(tmp_path, unit_a):
    factories.project(unit=unit_a, code="15000022T000000000900", year=2022)
    before = (Project.objects.count(), Indicator.objects.count(), Fund.objects.count())
    with CaptureQueriesContext(connection) as queries:
        assert run(str(national_form(tmp_path / "t.xlsx", with_scores(r5=3))), "--year", "2022")[0] == 1
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert (Project.objects.count(), Indicator.objects.count(), Fund.objects.count()) == before


# --- a folder of tables -----------------------------------------------------------------------


def test_a_folder_gives_one_summary_workbook(tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    flat_table(folder / "a.xlsx")
    national_form(folder / "b.xlsx", with_scores(r5=3))
    (folder / "c.xlsx").write_bytes(b"broken")
    code, out, _ = run(str(folder), "--year", "2022", "--output", str(tmp_path / "sum.xlsx"))
    assert code == 2
    rows = [[c.value for c in r] for r in load_workbook(tmp_path / "sum.xlsx").active.iter_rows()]
    assert rows[0] == ["文件", "项目数", "指标行数", "偏差数", "涉及分值", "状态", "说明"]
    assert [r[:6] for r in rows[1:]] == [["a.xlsx", 1, 11, 0, 0, "无差异"], ["b.xlsx", 1, 11, 1, 0.5, "有差异"],
                                         ["c.xlsx", 0, 0, 0, 0, "无法读取"]]  # fmt: skip
    assert "b.xlsx\t项目 1\t行 11\t偏差 1\t涉及 0.50 分\t有差异" in out


def test_the_service_keeps_officers_to_their_unit(tmp_path, officer, other_officer):
    path = flat_table(tmp_path / "t.xlsx")
    assert len(workbook_recheck(path=path, year=2022, user=officer).projects) == 1
    report = workbook_recheck(path=path, year=2022, user=other_officer)
    assert report.projects == []
    assert report.refused == [
        "绩效自评表!第3行 该项目不属于本单位，未显示；您只能复核本单位（140002-内蒙古妇女干部学校）的项目"
    ]


def test_every_number_in_the_json_is_a_two_decimal_string(tmp_path):
    path = national_form(tmp_path / "t.xlsx", with_scores(r5=3, r6=1), budget=8.9, total=92.9, grade="良")
    _, data = as_json(path)
    project = data["projects"][0]
    numbers = [project["at_stake"], project["total"]]
    numbers += [d[k] for d in project["deviations"] for k in ("weight", "published", "computed", "difference")]
    numbers += [s[k] for s in project["sums"] if s["what"] != "grade" for k in ("published", "computed") if s[k]]
    assert numbers and all(re.fullmatch(r"-?\d+\.\d\d", n) for n in numbers), numbers
