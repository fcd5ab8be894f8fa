"""Into the self-evaluation (issue 17): the 运行监控's causes and measures are offered as the starting text
of each indicator's 偏差原因分析及改进措施 and of the report's 存在问题 / 措施及办法; the reviewer sees the
August forecast beside the December actual. Offered, never stored by itself (monitoring.carry)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from monitoring.carry import mid_year_of, narrative_start
from monitoring.services import Entry, monitoring_save
from projects.models import Project
from reports.models import Narrative
from tests import factories

pytestmark = pytest.mark.django_db

RED = Entry(to_date="30", forecast="60", possibility="完全不可能", causes=("经费保障", "人员保障"),
            reason="资金拨付滞后，培训延期", measures="申请追加资金并加开两期")  # fmt: skip
GREEN = Entry(to_date="10", forecast="28", possibility="确定能")


def monitored(project: Project, officer) -> Project:
    rows = {i.level3: i.pk for i in project.indicators.all()}
    monitoring_save(project=project, user=officer, version=project.version, measures="加强调度",
                    entries={rows["培训人数"]: RED, rows["培训成本"]: GREEN},
                    executed={"fiscal": Decimal(300)})  # fmt: skip
    return Project.objects.get(pk=project.pk)


def test_the_monitoring_offers_its_cause_and_measures_as_the_starting_reason(project, officer) -> None:
    project = monitored(project, officer)
    mid = mid_year_of(project)
    row = Indicator.objects.get(project=project, level3="培训人数")
    assert (
        mid[row.pk].starting_reason
        == "经费保障、人员保障方面：资金拨付滞后，培训延期；纠偏措施：申请追加资金并加开两期"
    )
    assert (mid[row.pk].month, mid[row.pk].forecast, mid[row.pk].light_label) == (7, "60", "红灯")
    cost = Indicator.objects.get(project=project, level3="培训成本")
    assert mid[cost.pk].starting_reason == ""  # green: nothing to carry


def test_the_editor_fills_the_empty_reason_box_and_only_a_save_stores_it(client, project, officer) -> None:
    project = monitored(project, officer)
    client.force_login(officer)
    page = client.get(reverse("indicators:editor", args=[project.pk])).content.decode()
    row = Indicator.objects.get(project=project, level3="培训人数")
    box = re.search(rf'<textarea name="a{row.pk}-reason"[^>]*>(.*?)</textarea>', page, re.S)
    assert box and "资金拨付滞后，培训延期；纠偏措施：申请追加资金并加开两期" in box.group(1)
    assert "运行监控（1–7月）：预计全年 60 · 完全不可能 · 红灯" in page
    assert "已带入监控时的偏差原因和纠偏措施" in page
    assert Indicator.objects.get(pk=row.pk).reason == ""  # offered, not stored
    # a reason the officer already wrote is never replaced
    Indicator.objects.filter(pk=row.pk).update(reason="全年原因")
    page = client.get(reverse("indicators:editor", args=[project.pk])).content.decode()
    box = re.search(rf'<textarea name="a{row.pk}-reason"[^>]*>(.*?)</textarea>', page, re.S)
    assert box and box.group(1).strip() == "全年原因"


def test_the_report_text_starts_from_the_yellow_and_red_rows(client, project, officer, evaluator) -> None:
    project = monitored(project, officer)
    start = narrative_start(project)
    assert start == {
        "problems": "培训人数（1–7月监控红灯）：经费保障、人员保障方面，资金拨付滞后，培训延期",
        "measures": "加强调度\n培训人数：申请追加资金并加开两期",
    }
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "培训人数（1–7月监控红灯）：经费保障、人员保障方面" in page and "narrative-offered" in page
    assert not Narrative.objects.filter(project=project).exists()
    factories.report_text(project, problems="已写的问题")
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "已写的问题" in page and "1–7月监控红灯" not in page  # written text wins; measures still offered
    # a reader (the evaluator) never sees offered text as if it were written
    client.force_login(evaluator)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "申请追加资金并加开两期" not in page


def test_the_review_page_shows_the_august_forecast_beside_the_actual(client, project, officer, evaluator) -> None:
    project = monitored(project, officer)
    client.force_login(evaluator)
    page = client.get(reverse("review:project", args=[project.pk])).content.decode()
    assert "运行监控（1–7月）预计全年 60 · 完全不可能 · 红灯；资金拨付滞后，培训延期" in page
    assert "运行监控（1–7月）预计全年 28 · 确定能 · 绿灯" in page


def test_without_monitoring_nothing_is_offered(client, unit_a, officer) -> None:
    plain = factories.project(unit=unit_a, code="PLAIN", year=2026)
    factories.indicator(plain, level3="培训人数")
    assert mid_year_of(plain) == {} and narrative_start(plain) == {}
    client.force_login(officer)
    assert "运行监控（" not in client.get(reverse("indicators:editor", args=[plain.pk])).content.decode()
