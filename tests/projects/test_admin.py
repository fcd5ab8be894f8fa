"""The Django admin: every model has Chinese list and add pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Indicator
from projects.models import Department, Fund, Membership, Project, Unit
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [Department, Unit, Membership, Project, Fund, Indicator]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_and_adds_every_model_in_chinese(client, admin_user, unit_a, model) -> None:
    project = factories.project(unit=unit_a)
    factories.fund(project, annual="100", executed="90")
    factories.indicator(project, level3="培训人次")
    client.force_login(admin_user)
    meta = model._meta
    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert changelist.status_code == 200
    assert str(meta.verbose_name_plural) in changelist.content.decode()
    add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    assert add.status_code == 200
    assert 'lang="zh-hans"' in add.content.decode()


def test_project_admin_shows_funds_and_indicators_inline(client, admin_user, unit_a) -> None:
    project = factories.project(unit=unit_a)
    factories.indicator(project, level3="培训人次")
    client.force_login(admin_user)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert "项目资金" in page and "培训人次" in page


def test_officer_cannot_use_the_admin(client, officer) -> None:
    client.force_login(officer)
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 302


# --- the admin keeps the workflow's lock (issue "Trust") -----------------------------------------


def test_admin_cannot_set_the_status_in_the_project_form(client, admin_user, unit_a) -> None:
    project = factories.project(unit=unit_a)
    client.force_login(admin_user)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert 'name="status"' not in page and 'name="version"' not in page


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_a_locked_projects_rows_are_read_only_in_the_admin(client, admin_user, unit_a, status) -> None:
    project = factories.project(unit=unit_a, status=status)
    row = factories.indicator(project, level3="培训人次")
    fund = factories.fund(project, annual="100", executed="90")
    client.force_login(admin_user)
    before = list(Indicator.objects.values_list()), list(Fund.objects.values_list()), Project.objects.get().version
    change = reverse("admin:indicators_indicator_change", args=[row.pk])
    assert 'name="level3"' not in client.get(change).content.decode()  # shown, not editable
    assert client.post(change, {"level3": "改了", "project": project.pk}).status_code == 403
    assert client.post(reverse("admin:indicators_indicator_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:projects_fund_delete", args=[fund.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:projects_project_change", args=[project.pk]), {"name": "改"}).status_code == 403
    after = list(Indicator.objects.values_list()), list(Fund.objects.values_list()), Project.objects.get().version
    assert after == before


def test_an_admin_edit_claims_a_new_version(client, admin_user, unit_a) -> None:
    project = factories.project(unit=unit_a)
    row = factories.indicator(project, level3="培训人次")
    client.force_login(admin_user)
    change = reverse("admin:indicators_indicator_change", args=[row.pk])
    form = {"project": project.pk, "position": 1, "level1": "产出指标", "level2": "数量指标", "level3": "培训人次2",
            "comparator": "≥", "target": "10", "unit": "个", "weight": "10", "form_version": project.version,
            "edit_reason": "单位来函更正"}  # fmt: skip
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Project.objects.get().version == project.version + 1
