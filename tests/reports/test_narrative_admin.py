"""The admin's 自评报告 text (issue 15 A5) keeps the project pages' lock, version and history: a
submitted or approved project's text is read-only there and cannot be deleted, a save after
someone else's is refused, and each change is recorded with who, when and why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Project, Status
from projects.services import STALE
from reports.models import Narrative
from reports.services import narrative_save
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def narrative(unit_a, officer) -> Narrative:
    project = factories.project(unit=unit_a, year=2025)
    return narrative_save(project=project, version=project.version, texts={"problems": "原来的问题"}, user=officer)


def change_url(narrative: Narrative) -> str:
    return reverse("admin:reports_narrative_change", args=[narrative.pk])


def form_data(narrative: Narrative, **changes: str) -> dict:
    narrative.project.refresh_from_db()
    data = {"version": narrative.project.version, "reason": "", "introduction": "", "purpose": "", "outputs": "",
            "management": "", "problems": narrative.problems, "plans": "", "measures": "", "experience": "",
            "suggestions": ""}  # fmt: skip
    return data | changes


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_a_locked_projects_text_is_read_only_and_not_deleted(client, admin_user, narrative, status) -> None:
    factories.set_status(Project.objects.filter(pk=narrative.project_id), status)
    client.force_login(admin_user)
    page = client.get(change_url(narrative))
    assert page.status_code == 200 and 'name="problems"' not in page.content.decode()
    assert client.post(change_url(narrative), form_data(narrative, problems="改", reason="x")).status_code == 403
    delete = reverse("admin:reports_narrative_delete", args=[narrative.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(reverse("admin:reports_narrative_changelist"),
                       {"action": "delete_selected", "_selected_action": [narrative.pk], "post": "yes"})  # fmt: skip
    assert bulk.status_code == 302
    assert Narrative.objects.get(pk=narrative.pk).problems == "原来的问题"


def test_an_edit_of_a_drafts_text_is_recorded_with_user_and_reason(client, admin_user, narrative) -> None:
    client.force_login(admin_user)
    version = Project.objects.get(pk=narrative.project_id).version
    no_reason = client.post(change_url(narrative), form_data(narrative, problems="新的问题"))
    assert no_reason.status_code == 200 and Narrative.objects.get(pk=narrative.pk).problems == "原来的问题"
    saved = client.post(change_url(narrative), form_data(narrative, problems="新的问题", reason="单位来函更正"))
    assert saved.status_code == 302
    assert Narrative.objects.get(pk=narrative.pk).problems == "新的问题"
    assert Project.objects.get(pk=narrative.project_id).version == version + 1  # a page opened before is stale
    record = Narrative.history.filter(id=narrative.pk).latest("history_date")
    assert record.history_user == admin_user
    assert record.history_change_reason == "修改自评报告文字：单位来函更正"
    assert record.diff_against(record.prev_record).changed_fields == ["problems"]
    page = client.get(change_url(narrative)).content.decode()  # 修改记录 on the page, newest first
    assert page.index("修改自评报告文字：单位来函更正") < page.index("修改自评报告文字<")


def test_a_stale_admin_form_is_refused(client, admin_user, officer, narrative) -> None:
    client.force_login(admin_user)
    opened = form_data(narrative, problems="管理员的修改", reason="更正")
    narrative_save(project=Project.objects.get(pk=narrative.project_id), version=opened["version"],
                   texts={"problems": "经办人刚保存的"}, user=officer)  # fmt: skip
    refused = client.post(change_url(narrative), opened)
    assert refused.status_code == 200 and STALE in refused.content.decode()
    assert "管理员的修改</textarea>" in refused.content.decode()  # the input is kept
    assert Narrative.objects.get(pk=narrative.pk).problems == "经办人刚保存的"


def test_a_drafts_text_deleted_in_the_admin_is_in_the_history(client, admin_user, narrative) -> None:
    client.force_login(admin_user)
    delete = reverse("admin:reports_narrative_delete", args=[narrative.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Narrative.objects.filter(pk=narrative.pk).exists()
    record = Narrative.history.filter(id=narrative.pk).latest("history_date")
    assert (record.history_type, record.history_user) == ("-", admin_user)
    assert record.history_change_reason.startswith("删除自评报告文字")


def test_the_project_pages_save_is_in_the_history_too(client, officer, narrative) -> None:
    client.force_login(officer)
    project = Project.objects.get(pk=narrative.project_id)
    client.post(reverse("reports:narrative", args=[project.pk]), {"version": project.version, "problems": "页面"})
    record = Narrative.history.filter(id=narrative.pk).latest("history_date")
    assert (record.problems, record.history_user, record.history_change_reason) == ("页面", officer, "修改自评报告文字")


def test_adding_a_text_in_the_admin_follows_the_same_rules(client, admin_user, unit_a) -> None:
    client.force_login(admin_user)
    draft, locked = (factories.project(unit=unit_a, year=2025, code=code) for code in ("P0001", "P0002"))
    factories.set_status(Project.objects.filter(pk=locked.pk), Status.SUBMITTED)
    add = reverse("admin:reports_narrative_add")
    data = {"reason": "补录", "problems": "补录的问题"}
    assert client.post(add, data | {"project": locked.pk}).status_code == 200
    assert not Narrative.objects.filter(project=locked).exists()
    assert client.post(add, data | {"project": draft.pk}).status_code == 302
    record = Narrative.history.get(project_id=draft.pk)
    assert (record.problems, record.history_user, record.history_change_reason) == ("补录的问题", admin_user,
                                                                                  "修改自评报告文字：补录")  # fmt: skip
