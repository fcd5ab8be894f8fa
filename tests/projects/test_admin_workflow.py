"""The Django admin never moves a project through the workflow nor changes a locked one (issue 9):
状态 and 版本 are read-only on every path (the form, list_editable, actions, history)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from indicators.models import Indicator
from projects.admin import LOCKED_ROWS
from projects.models import Fund, Project, Status
from tests import factories

pytestmark = pytest.mark.django_db


def locked_project(unit, status: str = Status.APPROVED) -> Project:
    project = factories.project(unit=unit, code=f"L-{status}", status=status)
    factories.fund(project, annual="100", executed="90")
    factories.indicator(project, level3="培训人次")
    return project


def rows() -> tuple:
    return (list(Project.objects.values_list()), list(Fund.objects.values_list()),
            list(Indicator.objects.values_list()))  # fmt: skip


def test_status_and_version_are_read_only_in_every_project_admin() -> None:
    for model, model_admin in admin.site._registry.items():
        if model is Project:
            assert {"status", "version"} <= set(model_admin.readonly_fields)
            assert not {"status", "version"} & set(model_admin.list_editable or ())


def test_changelist_post_cannot_set_the_status(client, admin_user, unit_a) -> None:
    project = factories.project(unit=unit_a)
    client.force_login(admin_user)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": project.pk, "form-0-status": "approved",
            "_save": "保存"}  # fmt: skip
    client.post(reverse("admin:projects_project_changelist"), data)
    assert Project.objects.get(pk=project.pk).status == Status.DRAFT


def test_change_form_post_cannot_set_the_status(client, admin_user, unit_a) -> None:
    project = factories.project(unit=unit_a)
    client.force_login(admin_user)
    data = {"year": 2022, "code": project.code, "name": "改名", "unit": unit_a.pk, "scheme": "national",
            "status": "approved", "version": 99, "form_version": project.version, "edit_reason": "更名",
            "funds-TOTAL_FORMS": "0", "funds-INITIAL_FORMS": "0",
            "indicators-TOTAL_FORMS": "0", "indicators-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.status) == ("改名", Status.DRAFT) and project.version == 1  # the edit's claim


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
@pytest.mark.parametrize("model", [Project, Fund, Indicator], ids=lambda m: m.__name__)
def test_bulk_delete_refuses_locked_rows(client, admin_user, unit_a, status, model) -> None:
    project = locked_project(unit_a, status)
    target = project if model is Project else model.objects.get(project=project)
    client.force_login(admin_user)
    meta = model._meta
    before = rows()
    data = {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"}
    response = client.post(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), data, follow=True)
    assert LOCKED_ROWS.split("（")[0] in response.content.decode()
    assert rows() == before


def test_bulk_delete_still_deletes_drafts(client, admin_user, unit_a) -> None:
    project = factories.project(unit=unit_a)
    client.force_login(admin_user)
    data = {"action": "delete_selected", "_selected_action": [project.pk], "post": "yes"}
    client.post(reverse("admin:projects_project_changelist"), data)
    assert not Project.objects.exists()


@pytest.mark.parametrize("model", [Fund, Indicator], ids=lambda m: m.__name__)
def test_a_row_cannot_be_added_to_a_locked_project(client, admin_user, unit_a, model) -> None:
    project = factories.project(unit=unit_a, status=Status.APPROVED)
    client.force_login(admin_user)
    if model is Fund:
        data = {"project": project.pk, "source": "other", "annual": "10", "executed": "5"}
    else:
        data = {"project": project.pk, "position": 1, "level1": "产出指标", "level2": "数量指标", "level3": "新增",
                "comparator": "≥", "target": "10", "unit": "个", "weight": "10"}  # fmt: skip
    meta = model._meta
    response = client.post(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"), data)
    assert response.status_code == 200 and "不能在此添加或修改其内容" in response.content.decode()
    assert not model.objects.exists()


def test_history_has_no_revert(client, admin_user, unit_a) -> None:
    """django-simple-history's admin (with its revert page) is not used for projects: the history
    page is Django's read-only log."""
    project = factories.project(unit=unit_a)
    with pytest.raises(NoReverseMatch):
        reverse("admin:projects_project_simple_history", args=[project.pk, 1])
    client.force_login(admin_user)
    history = client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert history.status_code == 200 and "revert" not in history.content.decode().lower()
    assert client.post(f"/admin/projects/project/{project.pk}/history/1/", {"status": "approved"}).status_code in (
        302, 404)  # fmt: skip
    assert Project.objects.get(pk=project.pk).status == Status.DRAFT


def test_project_page_is_compact(client, admin_user, unit_a) -> None:
    """Long texts of each indicator are on its own page; the project page's rows hold the tree."""
    project = locked_project(unit_a, Status.DRAFT)
    client.force_login(admin_user)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert 'name="indicators-0-level3"' in page and 'name="indicators-0-reason"' not in page
    assert "目标与完成情况" in page and "css/admin.css" in page
