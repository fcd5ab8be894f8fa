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
