"""The 运行监控 overview in Chromium (issue 17): the evaluator opens it from the navigation over demo-like
data saved through the monitoring services, sees red projects first, the 执行总体偏离度 chart and the
causes by category, filters to red, and downloads the list. The page is docs/screenshots/monitoring-overview.png."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from monitoring.services import Entry, monitoring_save
from projects.demo import load_demo
from projects.models import Department, Membership, Project, Unit, YearPlan
from tests import factories
from tests.browser.support import login

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
YEAR = 2026
D = Decimal
# (unit key, code, name, 1–7月执行数 of 100, forecasts of the three rows, possibilities, causes, reason)
PROJECTS = [
    ("A", "MON-A01", "妇女创业就业培训项目", "21", ("620", "28", "92"), "有可能", ["经费保障", "制度保障"],
     "上级资金 6 月才下达，培训延后"),
    ("A", "MON-A02", "妇女儿童维权服务项目", "52", ("610", "30", "95"), "确定能", [], ""),
    ("A", "MON-A03", "巾帼家政服务提升项目", "45", ("480", "29", "88"), "有可能", ["人员保障"],
     "师资不足，部分班次推迟"),
    ("B", "MON-B01", "妇女干部教育培训项目", "57", ("720", "30", "96"), "确定能", [], ""),
    ("B", "MON-B02", "校舍维修改造项目", "18", ("300", "35", "80"), "完全不可能", ["硬件条件保障"],
     "施工单位未按期进场"),
    ("C", "MON-C01", "社区托育服务补助项目", "50", ("500", "30", "93"), "确定能", [], ""),
    ("C", "MON-C02", "家庭教育指导服务项目", "38", ("450", "31", "90"), "有可能", ["其他"], "需求调查延误"),
    ("D", "MON-D01", "农村牧区妇女两癌检查项目", "33", ("410", "30", "85"), "有可能", ["经费保障"], "配套资金未落实"),
    ("D", "MON-D02", "妇女之家阵地建设项目", "55", ("520", "29", "94"), "确定能", [], ""),
]  # fmt: skip


def monitored() -> None:
    """Four units under three 主管部门, nine projects of 2026 monitored at 1–7月 through the services."""
    YearPlan.objects.create(year=YEAR, stages=["monitoring", "self_evaluation"], monitoring_month=7)
    units = {u.code: u for u in Unit.objects.all()}
    units = {"A": units["140001"], "B": units["140002"]}
    for key, code, name, dept in [("C", "150001", "呼和浩特市妇女联合会", "呼和浩特市妇女联合会（部门）"),
                                  ("D", "160001", "包头市妇女联合会", "包头市妇女联合会（部门）")]:  # fmt: skip
        units[key] = Unit.objects.create(code=code, name=name, department=Department.objects.create(name=dept))
    Membership.objects.get(user__username="evaluator").review_units.add(units["C"], units["D"])
    admin = get_user_model().objects.get(username="admin")
    for key, code, name, executed, forecasts, possibility, causes, reason in PROJECTS:
        p = factories.project(unit=units[key], code=code, name=name, year=YEAR)
        factories.fund(p, annual="100")
        rows = [factories.indicator(p, level3="培训人次", target=D(500), unit="人次", weight="40", position=1),
                factories.indicator(p, level3="人均成本", comparator="≤", level2="成本指标", target=D(30), unit="元",
                                    weight="30", position=2),
                factories.indicator(p, level3="服务对象满意度", level1="满意度指标", level2="服务对象满意度指标",
                                    target=D(90), unit="%", weight="30", position=3)]  # fmt: skip
        p = Project.objects.get(pk=p.pk)
        # the first row carries the project's difficulty; the others are on course
        entries = {row.pk: Entry(to_date=str(D(f) / 2), forecast=f, possibility=possibility if i == 0 else "确定能",
                                 causes=tuple(causes) if i == 0 else (), reason=reason if i == 0 else "",
                                 measures="加快拨付进度，按月调度" if reason and i == 0 else "")
                   for i, (row, f) in enumerate(zip(rows, forecasts, strict=True))}  # fmt: skip
        monitoring_save(project=p, user=admin, version=p.version, measures="加快执行，按月调度",
                        entries=entries, executed={"fiscal": D(executed)})  # fmt: skip


def test_the_evaluator_reads_the_overview_and_downloads_the_red_projects(page, shots) -> None:
    load_demo()
    monitored()
    login(page, "evaluator")
    page.get_by_role("link", name="监控", exact=True).click()
    page.wait_for_url(lambda url: "/monitoring/overview/" in url)
    rows = page.locator("table.monitoring-projects tbody tr")
    assert rows.first.locator("td").nth(6).inner_text() == "红灯"
    assert page.locator("#chart-deviation rect").count() == 4  # three 主管部门 and the total
    assert page.locator("h3", has_text="经费保障").inner_text().startswith("经费保障")
    page.screenshot(path=str(shots / "monitoring-overview.png"), full_page=True)
    shutil.copy(shots / "monitoring-overview.png", DOCS / "monitoring-overview.png")
    page.select_option("select[name=light]", "red")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(lambda url: "light=red" in url)
    assert {t.strip() for t in page.locator("table.monitoring-projects tbody td:nth-child(7)").all_inner_texts()} == {
        "红灯"
    }
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    ws = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    lights = [row[4] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert lights and set(lights) == {"红灯"}
