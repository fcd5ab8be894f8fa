"""The officer's 运行监控 page (/monitoring/<pk>/) and the monitoring stage's panel on the project page:
the happy path, Chinese errors that keep the input, another unit 404, a reviewer reads but cannot
write (403), the wrong method 405, a stale or locked save."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import MonitoringReport, Observation
from monitoring.services import NOT_USED, monitoring_open_year
from projects import workflow
from projects.models import Project
from projects.services import STALE
from projects.stages import Action, StageKey
from tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def url(project: Project) -> str:
    return reverse("monitoring:entry", args=[project.pk])


def post_data(project: Project, **changed: str) -> dict[str, object]:
    project.refresh_from_db()
    ids = {i.level3: i.pk for i in project.indicators.all()}
    data: dict[str, object] = {
        "version": project.version, "measures": "",
        f"{ids['培训人数']}-to_date": "60人", f"{ids['培训人数']}-forecast": "90",
        f"{ids['培训人数']}-possibility": "有可能",
        f"{ids['培训人数']}-causes": ["经费保障", "其他"], f"{ids['培训人数']}-reason": "资金拨付滞后",
        f"{ids['培训成本']}-forecast": "30", f"{ids['培训成本']}-possibility": "确定能",
        f"{ids['群众知晓度']}-forecast": "达成", f"{ids['群众知晓度']}-possibility": "确定能",
        "executed-fiscal": "400", "executed-carryover": "183.33",
    }  # fmt: skip
    return data | {(f"{ids[k.split(':')[0]]}-{k.split(':')[1]}" if ":" in k else k): v for k, v in changed.items()}


def test_the_officer_enters_the_monitoring_and_the_panel_shows_it(client, officer, project) -> None:
    client.force_login(officer)
    page = client.get(url(project))
    assert page.status_code == 200
    text = page.content.decode()
    assert "运行监控（1–7月）" in text and "培训人数" in text and "当年财政拨款：1–M月执行数（万元）" in text
    response = client.post(url(project), post_data(project))
    assert response.status_code == 302, response.content.decode()[:3000]
    report = MonitoringReport.objects.get(project=project)
    assert (report.budget_executed, report.budget_value, report.budget_light, report.light) == (
        D("583.33"), D("100.00"), "green", "yellow")  # fmt: skip
    assert Observation.objects.get(indicator__level3="培训人数").causes == ["经费保障", "其他"]
    page = client.get(url(project)).content.decode()
    assert "运行监控已保存" in page and 'data-light="yellow"' in page and 'value="60人"' in page
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="stage-monitoring"' in detail and "填写运行监控" in detail and url(project) in detail


def test_errors_are_chinese_and_keep_the_input(client, officer, project) -> None:
    client.force_login(officer)
    response = client.post(url(project), post_data(project, **{"培训人数:forecast": "很多", "executed-fiscal": "四百"}))
    assert response.status_code == 400
    text = response.content.decode()
    assert "“很多”不是数字" not in text  # the form refuses the amount first: the service is not reached
    assert "当年财政拨款的执行数：" in text and 'value="四百"' in text and 'value="很多"' in text
    response = client.post(url(project), post_data(project, **{"培训人数:forecast": "很多"}))
    assert response.status_code == 400
    text = response.content.decode()
    assert "“培训人数”的全年预计完成值：“很多”不是数字" in text and 'value="很多"' in text
    assert not Observation.objects.exists()


def test_a_stale_save_keeps_the_input(client, officer, project) -> None:
    client.force_login(officer)
    data = post_data(project)
    client.post(url(project), post_data(project, measures="先保存的"))
    response = client.post(url(project), data | {"measures": "后保存的"})
    assert response.status_code == 400
    text = response.content.decode()
    assert STALE in text and "后保存的" in text


def test_others_read_or_are_refused(client, other_officer, evaluator, officer, project) -> None:
    client.force_login(other_officer)
    assert client.get(url(project)).status_code == 404
    assert client.post(url(project), post_data(project)).status_code == 404
    client.force_login(evaluator)
    page = client.get(url(project))
    assert page.status_code == 200 and "保存</button>" not in page.content.decode()
    assert "您没有修改此项目的权限" in page.content.decode()
    assert client.post(url(project), post_data(project)).status_code == 403
    client.force_login(officer)
    assert client.put(url(project)).status_code == 405
    client.logout()
    assert client.get(url(project)).status_code == 302


def test_a_submitted_monitoring_is_read_only(client, officer, project) -> None:
    client.force_login(officer)
    client.post(url(project), post_data(project))
    workflow.transition(projects=[project], action=Action.SUBMIT, user=officer, stage=StageKey.MONITORING)
    page = client.get(url(project)).content.decode()
    assert "运行监控当前状态为“已提交”，运行监控不能修改" in page and "保存</button>" not in page
    assert client.post(url(project), post_data(project)).status_code == 403
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "查看运行监控" in detail


def test_a_year_without_monitoring_says_so(client, officer, unit_a) -> None:
    other = factories.project(unit=unit_a, code="MON-8", year=2025)
    client.force_login(officer)
    page = client.get(url(other))
    assert page.status_code == 200 and NOT_USED.format(year=2025) in page.content.decode()
    assert client.post(url(other), {"version": 0}).status_code == 403


def test_the_panel_shows_once_the_year_is_opened(client, admin_user, officer, project) -> None:
    detail = reverse("projects:detail", args=[project.pk])
    client.force_login(officer)
    assert 'id="stage-monitoring"' not in client.get(detail).content.decode()
    monitoring_open_year(year=2026, user=admin_user)
    page = client.get(detail).content.decode()
    assert 'id="stage-monitoring"' in page and "填写运行监控" in page
