"""The Django admin edits a project as the project pages do (issue 16 §1): the version the change
form was rendered with is compared and claimed (projects.services.project_touch), a stale form is
refused with the pages' message and keeps the admin's input, a locked project is read-only, and the
history keeps the admin and the 修改理由."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from indicators.models import Indicator
from projects.admin import ADMIN_DELETE, ADMIN_EDIT, EDIT_REASON_NEEDED, RescoreAfterSave
from projects.editing import project_update
from projects.models import Fund, Project, Status
from projects.services import STALE
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(unit_a) -> Project:
    project = factories.project(unit=unit_a, code="A-001", name="单位A项目")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="90")
    return project


def change_url(project: Project) -> str:
    return reverse("admin:projects_project_change", args=[project.pk])


def opened_version(client, url: str) -> str:
    """The version the admin's change form carries (its hidden form_version input)."""
    page = client.get(url).content.decode()
    return re.search(r'name="form_version" value="(\d+)"', page).group(1)


def admin_data(project: Project, version: str, **changes: str) -> dict[str, str]:
    """The project change form as the admin sends it, its fund row included."""
    fund = project.funds.get()
    data = {
        "year": str(project.year), "code": project.code, "name": project.name, "unit": str(project.unit_id),
        "attribute": "", "scheme": project.scheme, "overall_goal": "", "annual_goal": "", "actual_summary": "",
        "name_variants": "[]", "code_reason": "", "form_version": version, "edit_reason": "单位来函更正",
        "funds-TOTAL_FORMS": "1", "funds-INITIAL_FORMS": "1", "funds-0-id": str(fund.pk), "funds-0-project":
        str(project.pk), "funds-0-source": fund.source, "funds-0-initial": "", "funds-0-annual": "100",
        "funds-0-executed": "95", "indicators-TOTAL_FORMS": "0", "indicators-INITIAL_FORMS": "0",
    }  # fmt: skip
    return data | changes


def officer_saves(client, officer, project: Project, name: str) -> None:
    client.force_login(officer)
    data = {"version": str(Project.objects.get(pk=project.pk).version), "name": name, "attribute": "",
            "overall_goal": "", "annual_goal": "", "actual_summary": "", "fiscal_annual": "100",
            "fiscal_executed": "95"}  # fmt: skip
    assert client.post(reverse("projects:edit", args=[project.pk]), data).status_code == 302


def stored(project: Project) -> tuple:
    return (list(Project.objects.filter(pk=project.pk).values_list()), list(Fund.objects.values_list()),
            list(Indicator.objects.values_list()))  # fmt: skip


def test_the_admins_stale_save_is_refused_and_the_officers_edit_survives(client, admin_user, officer,
                                                                         project_a) -> None:  # fmt: skip
    client.force_login(admin_user)
    version = opened_version(client, change_url(project_a))
    officer_saves(client, officer, project_a, "经办人的名称")
    before = stored(project_a)
    client.force_login(admin_user)
    refused = client.post(change_url(project_a), admin_data(project_a, version, name="管理员的名称",
                                                             **{"funds-0-annual": "300"}))  # fmt: skip
    page = refused.content.decode()
    assert refused.status_code == 200 and STALE in page
    assert 'value="管理员的名称"' in page and 'value="300"' in page  # the admin's input is kept
    assert stored(project_a) == before
    assert Project.objects.get(pk=project_a.pk).name == "经办人的名称"


def test_the_admins_save_claims_a_version_so_the_officers_open_page_is_stale(client, admin_user, officer,
                                                                             project_a) -> None:  # fmt: skip
    opened = Project.objects.get(pk=project_a.pk).version
    client.force_login(admin_user)
    saved = client.post(change_url(project_a), admin_data(project_a, opened_version(client, change_url(project_a)),
                                                          **{"funds-0-annual": "120"}))  # fmt: skip
    assert saved.status_code == 302
    assert Project.objects.get(pk=project_a.pk).version == opened + 1
    client.force_login(officer)
    data = {"version": str(opened), "name": "经办人的名称", "fiscal_annual": "100", "fiscal_executed": "95"}
    response = client.post(reverse("projects:edit", args=[project_a.pk]), data)
    assert response.status_code == 409 and Fund.objects.get().annual == 120


def test_the_history_keeps_the_admin_and_the_reason(client, admin_user, project_a) -> None:
    client.force_login(admin_user)
    data = admin_data(project_a, opened_version(client, change_url(project_a)), name="更正后的名称",
                      **{"funds-0-executed": "90"})  # fmt: skip
    assert client.post(change_url(project_a), data).status_code == 302
    reason = ADMIN_EDIT.format(reason="单位来函更正")
    project = Project.history.filter(id=project_a.pk).latest("history_id")
    fund = Fund.history.latest("history_id")
    assert (project.name, project.history_user, project.history_change_reason) == ("更正后的名称", admin_user, reason)
    assert (fund.executed, fund.history_user, fund.history_change_reason) == (90, admin_user, reason)


def test_an_existing_project_is_changed_only_with_a_reason(client, admin_user, project_a) -> None:
    client.force_login(admin_user)
    before = stored(project_a)
    data = admin_data(project_a, opened_version(client, change_url(project_a)), name="改", edit_reason="")
    response = client.post(change_url(project_a), data)
    assert response.status_code == 200 and EDIT_REASON_NEEDED in response.content.decode()
    assert stored(project_a) == before


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_a_locked_projects_change_is_read_only_and_refused(client, admin_user, project_a, status) -> None:
    factories.set_status(Project.objects.filter(pk=project_a.pk), status)
    client.force_login(admin_user)
    page = client.get(change_url(project_a)).content.decode()
    assert 'name="edit_reason"' not in page and 'name="name"' not in page
    before = stored(project_a)
    data = admin_data(project_a, str(project_a.version), name="改")
    assert client.post(change_url(project_a), data).status_code == 403
    row = Indicator.objects.get()
    indicator_change = reverse("admin:indicators_indicator_change", args=[row.pk])
    assert client.post(indicator_change, {"level3": "改", "form_version": "0", "edit_reason": "x"}).status_code == 403
    assert stored(project_a) == before


def indicator_data(row: Indicator, version: str, **changes: str) -> dict[str, str]:
    data = {"position": "1", "level1": row.level1, "level2": row.level2, "level3": row.level3, "comparator": "≥",
            "target": "10", "unit": "个", "weight": "90", "form_version": version,
            "edit_reason": "更正指标"}  # fmt: skip
    return data | changes


def test_the_indicator_page_refuses_a_stale_form_too(client, admin_user, officer, project_a) -> None:
    row = Indicator.objects.get()
    url = reverse("admin:indicators_indicator_change", args=[row.pk])
    client.force_login(admin_user)
    version = opened_version(client, url)
    officer_saves(client, officer, project_a, "经办人的名称")
    client.force_login(admin_user)
    refused = client.post(url, indicator_data(row, version, level3="管理员改的指标"))
    assert refused.status_code == 200 and STALE in refused.content.decode()
    assert 'value="管理员改的指标"' in refused.content.decode()
    assert Indicator.objects.get().level3 == "培训人次"
    saved = client.post(url, indicator_data(row, opened_version(client, url), level3="管理员改的指标"))
    assert saved.status_code == 302
    record = Indicator.history.latest("history_id")
    assert (record.level3, record.history_user, record.history_change_reason) == (
        "管理员改的指标", admin_user, ADMIN_EDIT.format(reason="更正指标"))  # fmt: skip


def test_a_fund_deleted_on_its_page_claims_a_version_and_is_in_the_history(client, admin_user, project_a) -> None:
    fund = Fund.objects.get()
    version = Project.objects.get(pk=project_a.pk).version
    client.force_login(admin_user)
    assert client.post(reverse("admin:projects_fund_delete", args=[fund.pk]), {"post": "yes"}).status_code == 302
    assert Project.objects.get(pk=project_a.pk).version == version + 1
    record = Fund.history.latest("history_id")
    assert (record.history_type, record.history_user, record.history_change_reason) == ("-", admin_user, ADMIN_DELETE)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
def test_an_officers_save_between_the_admins_check_and_claim_is_kept(client, admin_user, officer, project_a,
                                                                      monkeypatch) -> None:  # fmt: skip
    """The officer saves after the admin's form passed its version check and before the admin's
    claim: project_touch refuses the claim, the admin's transaction is rolled back and the page
    comes back with STALE and the admin's input."""
    client.force_login(admin_user)
    version = opened_version(client, change_url(project_a))
    real, raced = RescoreAfterSave.save_model, []

    def officer_saves(pk: int) -> None:
        try:
            current = Project.objects.get(pk=pk)
            project_update(project=current, version=current.version, basics={"name": "经办人的名称"}, funds={},
                           user=officer)  # fmt: skip
        finally:
            connection.close()

    def officer_first(self, request, obj, form, change) -> None:
        if not raced:  # only the first pass: the page shown again is checked against the officer's save
            raced.append(True)
            thread = threading.Thread(target=officer_saves, args=(project_a.pk,))
            thread.start()
            thread.join()
        real(self, request, obj, form, change)

    monkeypatch.setattr(RescoreAfterSave, "save_model", officer_first)
    response = client.post(change_url(project_a), admin_data(project_a, version, name="管理员的名称"))
    page = response.content.decode()
    assert raced and response.status_code == 200 and STALE in page and 'value="管理员的名称"' in page
    assert Project.objects.get(pk=project_a.pk).name == "经办人的名称"
    assert not Project.history.filter(id=project_a.pk, history_user=admin_user).exists()
