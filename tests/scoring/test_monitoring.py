"""The 运行监控 lights (domain.md §8 "Monitoring") as tables with their edges, and hypothesis
properties. Pure engine, no database: run by `make mutate` without Django.

§8's worked example: budget 1,000, 1–7月 300: p = 30.00%, τ = 58.33%, v = 51.43 → red.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.monitoring import (
    BLOCKING,
    BLUE,
    CAUSES,
    CERTAIN,
    GREEN,
    IMPOSSIBLE,
    LABELS,
    MONTH_RANGE,
    POSSIBILITIES,
    POSSIBILITY_WORDS,
    POSSIBLE,
    RANK,
    RED,
    YELLOW,
    MonitoringInput,
    Observation,
    Thresholds,
    blocking,
    budget_light,
    forecast_input,
    indicator_light,
    monitor,
    over_run,
    read_possibility,
    worst,
)
from scoring.schemes import HUBEI, NATIONAL
from scoring.types import IndicatorInput

D = Decimal
SETTINGS = settings(max_examples=150, deadline=None)
TH = Thresholds()


def target(comparator: str = "≥", t: str | None = "100", *, weight: str = "10", unit: str = "人", **extra):
    """A declared row; its actual fields are set to show that monitoring never reads them."""
    values = {"actual": D("1"), "actual_label": "", "reason": "年终原因", "adjusted": D("1")} | extra
    return IndicatorInput("产出指标", "数量指标", "培训人数", comparator, D(weight),
                          target=None if t is None else D(t), unit=unit, **values)  # fmt: skip


def obs(forecast: str | None = "100", possibility: str = CERTAIN, *, row: IndicatorInput | None = None, **extra):
    return Observation(row or target(), forecast=None if forecast is None else D(forecast), possibility=possibility,
                       **extra)  # fmt: skip


def qual(label: str, possibility: str = CERTAIN, **extra) -> Observation:
    row = IndicatorInput("效益指标", "社会效益指标", "群众知晓度", "定性", D(10), target_text="明显提高群众知晓度")
    return Observation(row, forecast_label=label, possibility=possibility, **extra)


def project(*observations: Observation, annual: str = "1000", executed: str = "600", month: int = 6, **extra):
    return monitor(MonitoringInput(NATIONAL, month, D(annual), D(executed), tuple(observations), **extra))


# --- the budget ---------------------------------------------------------------------------------

BUDGET = [
    # (annual, executed, month, progress, value, light)
    ("1000", "300", 7, "30.00", "51.43", RED),  # §8's worked example
    ("1000", "300", 6, "30.00", "60.00", YELLOW),  # v exactly 60
    ("1000", "299.99", 6, "30.00", "60.00", RED),  # 59.998 prints 60.00 but is below 60
    ("1000", "400", 6, "40.00", "80.00", GREEN),  # v exactly 80
    ("1000", "399.99", 6, "40.00", "80.00", YELLOW),  # 79.998
    ("1000", "800", 12, "80.00", "80.00", GREEN),  # month 12: v = p
    ("1000", "799", 12, "79.90", "79.90", YELLOW),
    ("1000", "599.99", 12, "60.00", "60.00", RED),
    ("1000", "1200", 6, "120.00", "240.00", GREEN),  # over-executed
    ("1000", "0", 7, "0.00", "0.00", RED),
    ("900", "100", 1, "11.11", "133.33", GREEN),  # τ = 8.33%
    ("3", "1", 7, "33.33", "57.14", RED),
    ("0.03", "0.01", 7, "33.33", "57.14", RED),
    ("1000", "0.05", 12, "0.01", "0.01", RED),  # half a cent rounds up
    ("0.5", "0.5", 12, "100.00", "100.00", GREEN),  # a budget under one 万元 is a budget
]


@pytest.mark.parametrize(("annual", "executed", "month", "progress", "value", "light"), BUDGET)
def test_budget_light(annual, executed, month, progress, value, light):
    b = budget_light(D(annual), D(executed), month, TH)
    assert (str(b.progress), str(b.value), b.light) == (progress, value, light)
    assert (b.annual, b.executed) == (D(annual), D(executed))


def test_worked_example_explains_itself():
    m = project(annual="1000", executed="300", month=7)
    assert (str(m.time_progress), str(m.budget.progress), str(m.budget.value)) == ("58.33", "30.00", "51.43")
    assert m.budget.explanation == "执行进度 300/1000 = 30.00%，时间进度 7/12，执行进度/时间进度 × 100 = 51.43，红灯"
    assert (m.light, [w.code for w in m.warnings]) == (RED, ["missing_measures"])


@pytest.mark.parametrize("annual", ["0", "-5"])
def test_no_budget_is_red_with_budget_missing(annual):
    m = project(annual=annual, executed="50.5", month=7, measures="加快支付")
    assert (m.budget.progress, m.budget.value, m.budget.light) == (D(0), D(0), RED)
    assert (m.budget.annual, m.budget.executed) == (D(annual), D("50.5"))
    assert m.budget.explanation == "无全年预算数（或为 0），预算执行进度按 0 计，红灯"
    assert [(w.code, w.message, w.indicator) for w in m.warnings] == [
        ("budget_missing", "没有全年预算数（或为 0），1–7月执行数 50.50 万元无法计算执行进度", "")
    ]
    assert m.light == RED


def test_a_budget_under_one_is_no_missing_budget():
    m = project(annual="0.5", executed="0.3", month=12)
    assert (m.light, codes(m)) == (YELLOW, [])


def test_thresholds_are_data():
    strict = Thresholds(budget_green=D(90), budget_yellow=D(70))
    assert budget_light(D(1000), D(450), 6, strict).light == GREEN  # 90
    assert budget_light(D(1000), D("449.9"), 6, strict).light == YELLOW
    assert budget_light(D(1000), D(350), 6, strict).light == YELLOW  # 70
    assert budget_light(D(1000), D("349.9"), 6, strict).light == RED
    assert budget_light(D(1000), D(450), 6, TH).light == GREEN  # 90 under the defaults
    assert budget_light(D(1000), D(350), 6, TH).light == YELLOW  # 70


@pytest.mark.parametrize(
    ("month", "progress"), [(1, "8.33"), (6, "50.00"), (7, "58.33"), (11, "91.67"), (12, "100.00")]
)
def test_time_progress(month, progress):
    assert str(project(month=month).time_progress) == progress
    assert project(month=month).month == month


@pytest.mark.parametrize("month", [0, 13, -1])
def test_month_outside_the_year_is_refused(month):
    with pytest.raises(ValueError, match=MONTH_RANGE):
        project(month=month)
    assert MONTH_RANGE == "监控截至月份须在 1 到 12 之间"


# --- the indicators -----------------------------------------------------------------------------

GE = target("≥", "100")
LE = target("≤", "30", unit="万元")
EQ = target("=", "100")
ZERO_TARGET = target("≥", "0")
INDICATORS = [
    # (observation, forecast score, light)
    (obs("100"), "10.00", GREEN),
    (obs("119.99"), "10.00", GREEN),
    (obs("120"), "10.00", BLUE),  # forecast exactly 120% of the target
    (obs("150"), "10.00", BLUE),
    (obs("120", POSSIBLE), "10.00", YELLOW),  # blue only instead of green
    (obs("120", ""), "10.00", YELLOW),
    (obs("100", IMPOSSIBLE), "10.00", RED),
    (obs("99.99"), "10.00", GREEN),  # 9.999 rounds to the full weight, as at year end
    (obs("99.9"), "9.99", YELLOW),
    (obs("80"), "8.00", YELLOW),  # exactly 80% of the weight
    (obs("79.96"), "8.00", YELLOW),
    (obs("79.94"), "7.99", RED),
    (obs("0"), "0.00", RED),
    (obs("90", POSSIBLE), "9.00", YELLOW),
    (obs("90", IMPOSSIBLE), "9.00", RED),
    (obs("30", row=LE), "10.00", GREEN),  # 反向: at the target
    (obs("10", row=LE), "10.00", GREEN),  # 反向 far below: never blue
    (obs("36", row=LE), "8.33", YELLOW),
    (obs("37.5", row=LE), "8.00", YELLOW),
    (obs("37.6", row=LE), "7.98", RED),
    (obs("30", IMPOSSIBLE, row=LE), "10.00", RED),
    (obs("100", row=EQ), "10.00", GREEN),
    (obs("120", row=EQ), "8.33", YELLOW),  # = is not 正向 in the over-run sense
    (obs("0", row=ZERO_TARGET), "10.00", GREEN),  # a zero target is never over-run
    (obs("5", row=ZERO_TARGET), "10.00", GREEN),
    (obs("12", row=target(">", "10")), "10.00", BLUE),
    (obs("0.6", row=target("≥", "0.5")), "10.00", BLUE),  # a target under 1 can be over-run
    (obs("12", row=target("<", "10")), "8.33", YELLOW),
    (qual("达成"), "10.00", GREEN),  # 定性: never blue
    (qual("达成", POSSIBLE), "10.00", YELLOW),
    (qual("部分达成"), "6.00", RED),
    (qual("未达成"), "0.00", RED),
    (obs(None), "0.00", RED),  # nothing forecast
    (obs(None, row=target(weight="0")), "0.00", RED),  # a weightless row is judged on a nominal 100: nothing forecast
    (obs("200", row=target(weight="0")), "0.00", BLUE),
]


@pytest.mark.parametrize(("observation", "score", "light"), INDICATORS)
def test_indicator_light(observation, score, light):
    item = indicator_light(observation, NATIONAL, TH)
    assert (str(item.score.computed), item.light) == (score, light)
    assert item.observation is observation


DEADLINE = target("≥", None, unit="", deadline=datetime.date(2024, 10, 31))


@pytest.mark.parametrize(
    ("when", "light"), [(datetime.date(2024, 10, 31), GREEN), (datetime.date(2024, 9, 1), GREEN),
                        (datetime.date(2024, 11, 1), RED)]
)  # fmt: skip
def test_a_deadline_is_forecast_as_a_date(when, light):
    item = indicator_light(Observation(DEADLINE, forecast_date=when, possibility=CERTAIN), NATIONAL, TH)
    assert item.light == light


def test_a_deadline_with_a_number_is_not_over_run():
    row = target("≥", "10", deadline=datetime.date(2024, 10, 31))
    item = indicator_light(Observation(row, forecast=D(20), forecast_date=datetime.date(2024, 10, 1),
                                       possibility=CERTAIN), NATIONAL, TH)  # fmt: skip
    assert (item.light, over_run(item.observation, TH)) == (GREEN, False)


def test_the_forecast_replaces_the_actual():
    row = target(
        "≥",
        "100",
        actual=D(5),
        actual_text="5",
        actual_label="达成",
        actual_date=datetime.date(2024, 1, 1),
        actual_assumed=True,
        not_applicable=True,
        adjusted=D(3),
        actual_unit="个",
        reason="年终原因",
    )
    got = forecast_input(Observation(row, forecast=D(90)))
    assert (got.actual, got.actual_text, got.actual_label, got.actual_date) == (D(90), "", "", None)
    assert (got.actual_assumed, got.not_applicable, got.adjusted, got.actual_unit, got.reason) == (
        False, False, None, "", "")  # fmt: skip
    assert (got.target, got.comparator, got.weight, got.unit) == (row.target, row.comparator, row.weight, row.unit)


EXPLANATIONS = [
    (obs("100"), "实际 100 人 ≥ 目标 100 人，得满分 10.00；预计得满分且确定能完成，绿灯"),
    (obs("130"), "实际 130 人 ≥ 目标 100 人，得满分 10.00；预计完成值达到目标的 120% 及以上，目标可能设置偏低，蓝灯"),
    (obs("90", POSSIBLE),
     "实际 90 人 未达目标 100 人，按 实际/目标 × 分值 = 90/100 × 10，得 9.00；"
     "预计不能得满分或完成目标可能性不是“确定能”，黄灯"),
    (obs("50"), "实际 50 人 未达目标 100 人，按 实际/目标 × 分值 = 50/100 × 10，得 5.00；预计得分低于分值的 80%，红灯"),
    (obs("100", IMPOSSIBLE), "实际 100 人 ≥ 目标 100 人，得满分 10.00；完成目标可能性为“完全不可能”，红灯"),
]  # fmt: skip


@pytest.mark.parametrize(("observation", "text"), EXPLANATIONS)
def test_indicator_explanation(observation, text):
    assert indicator_light(observation, NATIONAL, TH).explanation == text


def test_indicator_thresholds_are_data():
    loose = Thresholds(indicator_red=D(50), over_run=D(150))
    assert indicator_light(obs("60"), NATIONAL, loose).light == YELLOW
    assert indicator_light(obs("49.9"), NATIONAL, loose).light == RED
    assert indicator_light(obs("149"), NATIONAL, loose).light == GREEN
    assert indicator_light(obs("150"), NATIONAL, loose).light == BLUE
    assert indicator_light(obs("150"), NATIONAL, loose).explanation.endswith(
        "预计完成值达到目标的 150% 及以上，目标可能设置偏低，蓝灯"
    )
    assert indicator_light(obs("40"), NATIONAL, loose).explanation.endswith("预计得分低于分值的 50%，红灯")


def test_the_forecast_is_scored_by_the_projects_scheme():
    hubei_partial = qual("部分达成")  # 部分达成 is 0.5w under hubei
    assert str(indicator_light(hubei_partial, HUBEI, TH).score.computed) == "5.00"


def test_over_run_needs_a_forecast_and_a_positive_target():
    assert over_run(obs(None), TH) is False
    assert over_run(obs("120", row=target("≥", None, unit="")), TH) is False
    assert over_run(obs("120"), TH) is True
    assert over_run(obs("119.99"), TH) is False
    assert over_run(obs("0", row=ZERO_TARGET), TH) is False
    assert over_run(obs("-1", row=target("≥", "-1")), TH) is False


# --- the project --------------------------------------------------------------------------------

REASONED = {"causes": ("经费保障",), "reason": "资金拨付滞后"}


def test_project_light_is_the_worst_and_blue_counts_as_green():
    assert project(obs("150")).light == GREEN  # budget 600/1000 at month 6: v 120
    assert project(obs("150"), obs("90", **REASONED)).light == YELLOW
    assert project(obs("100"), executed="100", measures="加快支付").light == RED
    assert project().light == GREEN
    assert [i.light for i in project(obs("150"), obs("100")).indicators] == [BLUE, GREEN]


@pytest.mark.parametrize(
    ("lights", "expected"),
    [((), GREEN), ((BLUE,), GREEN), ((BLUE, BLUE), GREEN), ((GREEN, BLUE), GREEN), ((BLUE, YELLOW), YELLOW),
     ((YELLOW, RED, GREEN), RED), ((RED,), RED), ((YELLOW, YELLOW), YELLOW)],
)  # fmt: skip
def test_worst(lights, expected):
    assert worst(lights) == expected


def codes(m) -> list[tuple[str, str]]:
    return [(w.code, w.indicator) for w in m.warnings]


def test_yellow_and_red_indicators_need_a_cause_and_its_text():
    assert codes(project(obs("90", **REASONED))) == []
    assert codes(project(obs("90"))) == [("missing_reason", "培训人数")]
    assert codes(project(obs("90", causes=("经费保障",)))) == [("missing_reason", "培训人数")]
    assert codes(project(obs("90", causes=("其他",), reason="  "))) == [("missing_reason", "培训人数")]
    assert codes(project(obs("90", reason="资金拨付滞后"))) == [("missing_reason", "培训人数")]
    assert codes(project(obs("100"))) == []
    assert codes(project(obs("150"))) == []
    m = project(obs("50"), measures="加快进度")
    assert [(w.code, w.message) for w in m.warnings] == [("missing_reason", "红灯指标须选择偏差原因类别并填写原因分析")]
    m = project(obs("90"))
    assert [w.message for w in m.warnings] == ["黄灯指标须选择偏差原因类别并填写原因分析"]


def test_a_missing_forecast_or_possibility_is_asked_for_before_the_reason():
    for observation in (obs(None), obs("100", ""), obs("100", "可能"), qual(""), obs(None, row=target(weight="0"))):
        m = project(observation, measures="措施")
        assert [(w.code, w.message, w.indicator) for w in m.warnings] == [
            ("missing_forecast", "须填写全年预计完成值和完成目标可能性", observation.target.level3)
        ]


def test_a_red_project_needs_measures():
    red = obs("50", **REASONED)
    m = project(red)
    assert [(w.code, w.message, w.indicator) for w in m.warnings] == [
        ("missing_measures", "项目为红灯，须填写纠偏措施后才能提交", "")
    ]
    assert codes(project(red, measures="加快实施进度")) == []
    assert codes(project(red, measures=" \n")) == [("missing_measures", "")]
    assert codes(project(obs("50", measures="增加培训班次", **REASONED))) == []
    assert codes(project(obs("50", measures=" ", **REASONED))) == [("missing_measures", "")]
    assert codes(project(obs("90", **REASONED))) == []  # yellow needs none
    assert codes(project(executed="10")) == [("missing_measures", "")]  # red by the budget alone


def test_blocking():
    m = project(obs(None), obs("90"), obs("50"), annual="0")
    assert [w.code for w in m.warnings] == ["budget_missing", "missing_forecast", "missing_reason", "missing_reason",
                                            "missing_measures"]  # fmt: skip
    assert [w.code for w in blocking(m.warnings)] == ["missing_forecast", "missing_reason", "missing_reason",
                                                      "missing_measures"]  # fmt: skip
    assert set(LABELS) == {*BLOCKING, "budget_missing"}
    assert LABELS["missing_measures"] == "缺少纠偏措施"


def test_words():
    assert POSSIBILITIES == ("确定能", "有可能", "完全不可能")
    assert CAUSES == ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
    assert POSSIBILITY_WORDS == "完成目标可能性须为：确定能、有可能、完全不可能"
    assert read_possibility(" 确定 能\n") == CERTAIN
    assert read_possibility("完全不可能") == IMPOSSIBLE
    assert read_possibility(" 不 可能") == IMPOSSIBLE  # 黄石市's form: 确定能 / 有可能 / 不可能
    assert read_possibility("不") == ""
    assert read_possibility("可能") == ""
    assert read_possibility("") == ""
    assert read_possibility(None) == ""  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------------------

amounts = st.decimals(min_value=D(0), max_value=D(100000), places=2)
months = st.integers(min_value=1, max_value=12)
possibilities = st.sampled_from((*POSSIBILITIES, ""))
comparators = st.sampled_from(("≥", ">", "≤", "<", "="))


@st.composite
def observations(draw) -> Observation:
    weight = draw(st.decimals(min_value=D("0.01"), max_value=D(50), places=2))
    if draw(st.booleans()):
        row = IndicatorInput("效益指标", "社会效益指标", "定性", "定性", weight, target_text="明显提高")
        return Observation(row, forecast_label=draw(st.sampled_from(("达成", "部分达成", "未达成"))),
                           possibility=draw(possibilities))  # fmt: skip
    row = IndicatorInput("产出指标", "数量指标", "数量", draw(comparators), weight, target=draw(amounts))
    return Observation(row, forecast=draw(amounts), possibility=draw(possibilities))


@SETTINGS
@given(st.lists(observations(), max_size=5), amounts, amounts, months)
def test_the_project_is_never_better_than_any_part(items, annual, executed, month):
    m = monitor(MonitoringInput(NATIONAL, month, annual, executed, tuple(items)))
    parts = [m.budget.light, *(i.light for i in m.indicators)]
    assert all(RANK[m.light] <= RANK[p] for p in parts)
    assert m.light in parts or (m.light == GREEN and BLUE in parts)
    assert m.light != BLUE


@SETTINGS
@given(amounts, amounts, amounts, months)
def test_more_execution_never_worsens_the_budget_light(annual, low, extra, month):
    before = budget_light(annual, low, month, TH)
    after = budget_light(annual, low + extra, month, TH)
    assert RANK[after.light] >= RANK[before.light]
    assert after.value >= before.value >= 0


@SETTINGS
@given(amounts.filter(lambda a: a > 0), amounts, months)
def test_budget_value_is_progress_over_time_progress(annual, executed, month):
    b = budget_light(annual, executed, month, TH)
    exact = executed / annual * 12 / month * 100
    assert abs(b.value - exact) <= D("0.005")
    exact_v = executed * 1200 / (annual * month)  # the same value in one division: the bands are exact
    assert b.light == (GREEN if exact_v >= 80 else YELLOW if exact_v >= 60 else RED)


@SETTINGS
@given(observations())
def test_monotone_in_possibility(observation):
    ranks = [RANK[indicator_light(Observation(observation.target, forecast=observation.forecast,
                                              forecast_label=observation.forecast_label, possibility=p),
                                  NATIONAL, TH).light] for p in (IMPOSSIBLE, POSSIBLE, CERTAIN)]  # fmt: skip
    assert ranks == sorted(ranks)
    assert ranks[0] == RANK[RED]


@SETTINGS
@given(observations(), amounts)
def test_a_larger_positive_forecast_never_worsens_the_light(observation, extra):
    if observation.target.comparator not in ("≥", ">"):
        return
    bigger = Observation(observation.target, forecast=observation.forecast + extra, possibility=observation.possibility)
    assert RANK[indicator_light(bigger, NATIONAL, TH).light] >= RANK[indicator_light(observation, NATIONAL, TH).light]


@SETTINGS
@given(observations())
def test_green_means_the_full_weight_and_certain(observation):
    item = indicator_light(observation, NATIONAL, TH)
    if item.light in (GREEN, BLUE):
        assert item.score.computed == observation.target.weight and observation.possibility == CERTAIN
    if item.light == BLUE:
        assert observation.target.comparator in ("≥", ">")


# --- a row without a weight (most published 监控表 print none) ------------------------------------


@pytest.mark.parametrize(
    ("forecast", "possibility", "light"),
    [
        ("450", CERTAIN, YELLOW),  # 90% of the target: 90 of a nominal 100, short of full
        ("79", CERTAIN, RED),  # 79% of the target: below 80% of the weight
        ("80", CERTAIN, YELLOW),  # exactly 80%: not red
        ("100", CERTAIN, GREEN),
        ("100", POSSIBLE, YELLOW),
        ("120", CERTAIN, BLUE),
        ("450", IMPOSSIBLE, RED),
    ],
)
def test_a_row_without_a_weight_is_judged_by_its_share(forecast, possibility, light) -> None:
    t = "500" if forecast == "450" else "100"
    item = project(obs(forecast, possibility, row=target(t=t, weight="0"))).indicators[0]
    assert item.light == light
    assert item.score.computed == 0  # the score printed is the row's own (no weight: 0)
