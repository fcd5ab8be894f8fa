"""The 自评报告 text carries the project version like every other form: the second of two saves
is refused with the STALE message and its input kept, and a save claims the next version."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.forms import VERSION_MISSING
from projects.models import Project, Status
from projects.services import STALE
from reports.models import Narrative
from reports.services import narrative_save
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(unit_a) -> Project:
    return factories.project(unit=unit_a, year=2025)


def url(project: Project) -> str:
    return reverse("reports:narrative", args=[project.pk])


def version_on(page: str, project: Project) -> int:
    """The version the narrative form of `project` on `page` carries."""
    form = page[page.index(f'action="{url(project)}"') :]
    return int(re.search(r'name="version" value="(\d+)"', form).group(1))


def test_the_project_page_carries_the_version(client, officer, project_a) -> None:
    Project.objects.filter(pk=project_a.pk).update(version=7)
    client.force_login(officer)
    assert version_on(client.get(reverse("projects:detail", args=[project_a.pk])).content.decode(), project_a) == 7


def test_second_of_two_saves_is_refused_and_input_kept(client, officer, project_a) -> None:
    client.force_login(officer)
    v = version_on(client.get(reverse("projects:detail", args=[project_a.pk])).content.decode(), project_a)
    first = client.post(url(project_a), {"version": v, "problems": "第一位的存在问题"})
    assert first.status_code == 302
    second = client.post(url(project_a), {"version": v, "problems": "第二位的存在问题", "plans": "第二位的计划"})
    page = second.content.decode()
    assert second.status_code == 409
    assert STALE in page and "第二位的存在问题</textarea>" in page and "第二位的计划</textarea>" in page
    assert page.index(STALE) < page.index('name="problems"')
    narrative = Narrative.objects.get(project=project_a)
    assert (narrative.problems, narrative.plans) == ("第一位的存在问题", "")
    assert Project.objects.get(pk=project_a.pk).version == v + 1


def test_second_save_over_htmx_gets_the_fragment_with_the_message(client, officer, project_a) -> None:
    client.force_login(officer)
    v = project_a.version
    client.post(url(project_a), {"version": v, "problems": "先"}, headers={"HX-Request": "true"})
    second = client.post(url(project_a), {"version": v, "problems": "后"}, headers={"HX-Request": "true"})
    page = second.content.decode()
    assert second.status_code == 200  # htmx 2 does not swap 4xx responses
    assert STALE in page and "后</textarea>" in page and "<html" not in page
    assert Narrative.objects.get(project=project_a).problems == "先"


def test_saves_from_one_page_follow_the_version(client, officer, project_a) -> None:
    """After an htmx save the fragment carries the new version, so the next save goes through."""
    client.force_login(officer)
    page = client.post(url(project_a), {"version": project_a.version, "problems": "一"},
                       headers={"HX-Request": "true"}).content.decode()  # fmt: skip
    assert "已保存" in page and version_on(page, project_a) == project_a.version + 1
    data = {"version": version_on(page, project_a), "problems": "二"}
    again = client.post(url(project_a), data, headers={"HX-Request": "true"})
    assert "已保存" in again.content.decode()
    assert Narrative.objects.get(project=project_a).problems == "二"


def test_a_text_save_makes_other_open_forms_stale(client, officer, project_a) -> None:
    client.force_login(officer)
    v = project_a.version
    client.post(url(project_a), {"version": v, "problems": "文字"})
    assert Project.objects.get(pk=project_a.pk).version == v + 1
    edit = client.post(reverse("projects:edit", args=[project_a.pk]), {"version": v, "name": "改名"})
    assert edit.status_code == 409


def test_missing_version_is_refused(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(url(project_a), {"problems": "没有版本"})
    page = response.content.decode()
    assert response.status_code == 400 and VERSION_MISSING in page and "没有版本</textarea>" in page
    assert not Narrative.objects.exists()


def test_the_service_refuses_a_locked_project(officer, project_a) -> None:
    factories.set_status(Project.objects.filter(pk=project_a.pk), Status.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        narrative_save(project=project_a, version=project_a.version, texts={"problems": "x"}, user=officer)
    assert caught.value.code == "locked"
    assert not Narrative.objects.exists()


def test_the_service_refuses_a_stale_version(officer, project_a) -> None:
    narrative_save(project=project_a, version=project_a.version, texts={"problems": "一"}, user=officer)
    with pytest.raises(ValidationError) as caught:
        narrative_save(project=project_a, version=project_a.version - 1, texts={"problems": "二"}, user=officer)
    assert caught.value.messages == [STALE]
    assert Narrative.objects.get().problems == "一"
