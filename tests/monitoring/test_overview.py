"""The 运行监控 overview (issue 17, "Overview for reviewers and admins"): lights per 主管部门 and unit,
red projects first, 执行总体偏离度, yellow and red indicators by 偏差原因 category, filters, the xlsx
export, who may see what, and a query budget that does not grow with the year's projects."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.counts import recount
from monitoring.models import MonitoringReport, Observation
from monitoring.overview import CAUSE_SHOWN, Lights, cause_groups, deviation_chart, overview
from monitoring.services import Entry, monitoring_save
from projects.models import Department, Project, Unit
from tests import factories

D = Decimal
YEAR = 2026
URL = reverse("monitoring_overview:overview")
XLSX = reverse("monitoring_overview:xlsx")


def report(project: Project, light: str, *, annual: str = "100", executed: str = "50", value: str = "85.71",
           budget_light: str = "", month: int = 7) -> MonitoringReport:  # fmt: skip
    """A project's report with its lights stored as report_recompute leaves them (the overview reads
    only the stored columns; test_the_lights_come_from_the_services shows the services' own)."""
    annual_d, executed_d = D(annual), D(executed)
    return MonitoringReport.objects.create(
        project=project, year=project.year, unit_id=project.unit_id, month=month, light=light,
        budget_light=budget_light or light, budget_annual=annual_d, budget_executed=executed_d,
        budget_progress=(executed_d * 100 / annual_d).quantize(D("0.01")) if annual_d else D(0), budget_value=D(value),
    )  # fmt: skip


def observe(rep: MonitoringReport, light: str, *, causes=(), reason: str = "", level3: str = "") -> Observation:
    """An indicator's observation with its light stored, and its report's counts as report_recompute
    leaves them (monitoring.counts.recount)."""
    row = factories.indicator(rep.project, level3=level3 or f"指标{Observation.objects.count()}")
    made = Observation.objects.create(report=rep, indicator=row, light=light, causes=list(causes), reason=reason)
    recount([rep.pk])
    return made


@pytest.fixture
def dept_b(db) -> Department:
    return Department.objects.create(code="B", name="乙主管部门")


@pytest.fixture
def unit_c(dept_b) -> Unit:
    return Unit.objects.create(code="150001", name="丙单位", department=dept_b)


@pytest.fixture
def year_data(unit_a, unit_b, unit_c):
    """Unit A: a red, a yellow and a green project; unit B: a green one; unit C (another 主管部门): a red one."""
    made = {}
    for key, unit, light, value in [("a_red", unit_a, "red", "30.00"), ("a_yellow", unit_a, "yellow", "70.00"),
                                    ("a_green", unit_a, "green", "95.00"), ("b_green", unit_b, "green", "90.00"),
                                    ("c_red", unit_c, "red", "10.00")]:  # fmt: skip
        p = factories.project(unit=unit, code=f"M-{key.upper()}", name=f"监控项目{key}", year=YEAR)
        made[key] = report(p, light, executed=str(D(value) * 7 / 12), value=value)
    observe(made["a_red"], "red", causes=["经费保障", "制度保障"], reason="资金未到位", level3="培训人数")
    observe(made["a_red"], "yellow", causes=["人员保障"], reason="人员不足")
    observe(made["a_yellow"], "yellow", causes=["经费保障"], reason="拨付延迟")
    observe(made["a_yellow"], "yellow", reason="")  # missing_reason: listed apart
    observe(made["a_green"], "blue")
    observe(made["a_green"], "green")
    observe(made["c_red"], "red", causes=["硬件条件保障"], reason="设备未采购", level3="丙单位指标")
    return made


# --- the page ------------------------------------------------------------------------------------


def test_evaluator_sees_counts_per_department_and_unit_red_first(client, evaluator, year_data) -> None:
    client.force_login(evaluator)
    response = client.get(URL)
    assert response.status_code == 200
    data = response.context["data"]
    assert data.year == YEAR  # the newest year with reports the evaluator may see, without ?year=
    assert data.total.lights == Lights(red=1, yellow=1, green=2, blue=1)  # units A and B only
    assert [(g.name, g.lights.total) for g in data.departments] == [("内蒙古自治区妇女联合会（部门）", 4)]
    assert [(g.name, g.lights.red, g.lights.yellow, g.lights.green, g.lights.blue) for g in data.units] == [
        ("内蒙古自治区妇女联合会", 1, 1, 1, 1), ("内蒙古妇女干部学校", 0, 0, 1, 0)]  # fmt: skip
    assert [r.project.code for r in data.projects] == ["M-A_RED", "M-A_YELLOW", "M-B_GREEN", "M-A_GREEN"]
    page = response.content.decode()
    assert "丙单位" not in page and "M-C_RED" not in page  # unit C is not the evaluator's
    assert "执行总体偏离度" in page and "<svg" in page


def test_admin_sees_every_department_and_the_total(client, admin_user, year_data) -> None:
    client.force_login(admin_user)
    data = client.get(URL, {"year": YEAR}).context["data"]
    assert [g.name for g in data.departments] == ["乙主管部门", "内蒙古自治区妇女联合会（部门）"] or [
        g.name for g in data.departments] == ["内蒙古自治区妇女联合会（部门）", "乙主管部门"]  # fmt: skip
    assert data.total.lights == Lights(red=2, yellow=1, green=2, blue=1)
    assert [r.project.code for r in data.projects][:2] == ["M-C_RED", "M-A_RED"]  # red, furthest behind first
    assert len(data.chart.bars) == 3  # two 主管部门 and the total


def test_filters_narrow_the_page(client, admin_user, year_data, dept_b, unit_a) -> None:
    client.force_login(admin_user)
    data = client.get(URL, {"year": YEAR, "department": dept_b.pk}).context["data"]
    assert data.total.lights == Lights(red=1) and [r.project.code for r in data.projects] == ["M-C_RED"]
    data = client.get(URL, {"year": YEAR, "unit": unit_a.pk, "light": "yellow"}).context["data"]
    assert data.total.lights.total == 3  # the counts show every light of the unit
    assert [r.project.code for r in data.projects] == ["M-A_YELLOW"]  # the list only the chosen one


def test_a_bad_filter_is_said_in_chinese_and_left_out(client, evaluator, year_data, unit_c) -> None:
    client.force_login(evaluator)
    response = client.get(URL, {"unit": unit_c.pk, "light": "purple"})
    assert response.status_code == 400
    assert "请从列表中选择" in response.content.decode()
    assert response.context["data"].total.lights.total == 4  # the evaluator's own units, unfiltered


def test_indicators_by_cause_category_with_counts(client, evaluator, year_data) -> None:
    client.force_login(evaluator)
    data = client.get(URL).context["data"]
    found = {g.label: (g.red, g.yellow, [o.indicator.level3 for o in g.rows][:1]) for g in data.causes}
    assert found == {
        "经费保障": (1, 1, ["培训人数"]), "制度保障": (1, 0, ["培训人数"]),
        "人员保障": (0, 1, found["人员保障"][2]), "未填写偏差原因": (0, 1, found["未填写偏差原因"][2]),
    }  # fmt: skip
    assert data.flagged == 4  # unit C's red indicator is not the evaluator's
    page = client.get(URL).content.decode()
    assert "资金未到位" in page and "设备未采购" not in page


def test_a_cause_lists_the_first_rows_and_counts_all(unit_a, admin_user) -> None:
    rep = report(factories.project(unit=unit_a, code="MANY", year=YEAR), "red")
    for i in range(CAUSE_SHOWN + 3):
        observe(rep, "red" if i % 2 else "yellow", causes=["其他"], level3=f"第{i}个")
    groups, flagged = cause_groups(MonitoringReport.objects.filter(year=YEAR), admin_user)
    assert flagged == CAUSE_SHOWN + 3
    (other,) = groups
    assert other.total == CAUSE_SHOWN + 3 and len(other.rows) == CAUSE_SHOWN
    assert [o.light for o in other.rows][: other.red] == ["red"] * other.red  # red first


def test_the_deviation_chart_compares_progress_with_time(year_data, admin_user) -> None:
    data = overview(admin_user, year=YEAR)
    assert data.time_progress == D("58.33")
    bars = {b.label: b for b in data.chart.bars}
    total = bars["合计"]
    assert total.progress == (sum(r.budget_executed for r in year_data.values()) * 100 / 500).quantize(D("0.01"))
    assert data.chart.left < data.chart.time_x < data.chart.right
    assert deviation_chart((), data.total, time_progress=D("58.33")).bars == ()
    over = deviation_chart(data.departments[:1], data.total, time_progress=D(50))
    assert over.top == 100


def test_the_lights_come_from_the_services(client, evaluator, officer, unit_a) -> None:
    """§8's worked example saved through monitoring_save: 300 of 1,000 at 1–7月 is red (51.43)."""
    from projects.models import YearPlan

    YearPlan.objects.create(year=YEAR, stages=["monitoring", "self_evaluation"], monitoring_month=7)
    p = factories.project(unit=unit_a, code="MON-W", year=YEAR)
    factories.fund(p, annual="1000")
    row = factories.indicator(p, level3="培训人数", target=D(100), unit="人", weight="20")
    p = Project.objects.get(pk=p.pk)
    monitoring_save(project=p, user=officer, version=p.version, measures="加快拨付", executed={"fiscal": D(300)},
                    entries={row.pk: Entry(to_date="40", forecast="130", possibility="确定能")})  # fmt: skip
    client.force_login(evaluator)
    data = client.get(URL).context["data"]
    assert data.total.lights == Lights(red=1, blue=1)
    assert data.total.budget.value == D("51.43") and data.total.budget.progress == D("30.00")
    (listed,) = data.projects
    assert listed.budget_value == D("51.43")


def test_without_reports_the_page_says_so(client, evaluator) -> None:
    client.force_login(evaluator)
    response = client.get(URL)
    assert response.status_code == 200 and "尚无运行监控数据" in response.content.decode()


def test_the_project_list_pages(client, admin_user, unit_a) -> None:
    for i in range(55):
        report(factories.project(unit=unit_a, code=f"PG{i:03d}", year=YEAR), ["red", "yellow", "green"][i % 3],
               value=f"{i}.00")  # fmt: skip
    client.force_login(admin_user)
    first = client.get(URL).context["data"].projects
    second = client.get(URL, {"page": 2}).context["data"].projects
    lights = [r.light for r in [*first, *second]]
    assert len(lights) == 55 and lights == sorted(lights, key=["red", "yellow", "green"].index)
    assert len({r.pk for r in [*first, *second]}) == 55
    assert 'href="?page=2#projects"' in client.get(URL).content.decode()


# --- who may see it -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "other_officer"])
def test_officers_get_403_and_no_entry(client, request, who, year_data) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(XLSX).status_code == 403


def test_user_without_role_gets_403(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("nobody", password="x-pass-2026"))
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client) -> None:
    assert client.get(URL).status_code == 302


def test_wrong_method_gets_405(client, evaluator) -> None:
    client.force_login(evaluator)
    assert client.post(URL).status_code == 405
    assert client.post(XLSX).status_code == 405


def test_a_stale_unit_on_a_report_never_lists_another_units_project(client, year_data, unit_a, unit_c) -> None:
    """A report whose copied unit says A while its project is C's: counted under A (the stored copy),
    never listed to unit A's reviewer."""
    reviewer_a = factories.user("reviewer_a", role="evaluator", review_units=[unit_a])
    MonitoringReport.objects.filter(pk=year_data["c_red"].pk).update(unit=unit_a)
    client.force_login(reviewer_a)
    page = client.get(URL).content.decode()
    assert "M-C_RED" not in page and "设备未采购" not in page
    assert "M-C_RED" not in text_of(client.get(XLSX))


# --- the export ---------------------------------------------------------------------------------


def text_of(response) -> str:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def test_the_export_lists_the_filtered_projects_red_first(client, admin_user, year_data, unit_a) -> None:
    bad = year_data["a_yellow"].project
    Project.objects.filter(pk=bad.pk).update(name='=HYPERLINK("http://x")')
    client.force_login(admin_user)
    response = client.get(XLSX, {"year": YEAR, "unit": unit_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == ["M-A_RED", "M-A_YELLOW", "M-A_GREEN"]
    assert [r[4] for r in rows] == ["红灯", "黄灯", "绿灯"]
    name = ws.cell(5, 2)
    assert name.data_type == "s" and name.value.startswith("=") and name.quotePrefix  # text, never a formula
    assert ws.cell(4, 7).value == D("100") and ws.cell(4, 7).number_format == "#,##0.00"
    assert ws.cell(4, 8).number_format == "#,##0.00"
    assert "内蒙古妇女干部学校" not in text_of(response)
    assert "筛选：内蒙古自治区妇女联合会" in ws.cell(2, 1).value


def test_the_export_keeps_to_the_evaluators_units(client, evaluator, year_data) -> None:
    client.force_login(evaluator)
    text = text_of(client.get(XLSX))
    assert "M-A_RED" in text and "M-C_RED" not in text


# --- scale: a fixed number of queries ------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 60])
def test_the_query_count_does_not_grow(client, evaluator, unit_a, unit_b, count, django_assert_max_num_queries
                                       ) -> None:  # fmt: skip
    for i in range(count):
        rep = report(factories.project(unit=[unit_a, unit_b][i % 2], code=f"Q{i:03d}", year=YEAR),
                     ["red", "yellow", "green"][i % 3])  # fmt: skip
        observe(rep, ["red", "yellow", "blue"][i % 3], causes=[["经费保障"], ["其他", "人员保障"], []][i % 3])
    client.force_login(evaluator)
    client.get(URL)  # the session's first request
    # session, user, role, years, year plan, 4 + 3 aggregates, 1–3 project pages, 3 for the causes,
    # the form's unit check and options, the navigation's to-do, the year's relight (monitoring.relight):
    # 21 here, the same at both sizes
    with django_assert_max_num_queries(22):
        response = client.get(URL)
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(XLSX).status_code == 200


def test_flagged_is_exactly_yellow_and_red() -> None:
    """FLAGGED reads a range of the light index: red and yellow must sort after every other light."""
    from monitoring.models import LIGHTS
    from monitoring.overview import FLAGGED

    ((lookup, value),) = FLAGGED.children
    assert lookup == "light__gte" and {k for k, _ in LIGHTS if k >= value} == {"red", "yellow"}
