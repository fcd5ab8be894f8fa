"""A 预算项目编码 belongs to one unit, is written one way, and can be corrected; a mistaken draft
can be deleted (issue 15, A4, B15 and B20's duplicate code).

Each test failed before the fix it covers (see the commit that added this file for how).
"""

from __future__ import annotations

import contextlib
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from indicators.copying import project_copy_to_year
from indicators.services import ImportRefused, workbook_import
from indicators.timeline import project_timeline
from projects.editing import BASICS_REASON
from projects.forms import CODE_CONFIRM_NEEDED, CODE_REASON_NEEDED
from projects.models import CODE_YEAR_TAKEN, Project, ReviewAction, ReviewRound, Status
from projects.scores import projects_rescore
from projects.services import CODE_TAKEN, DELETE_REASON
from tests import factories
from tests.indicators.test_import_trust import UNIT_A, workbook

pytestmark = pytest.mark.django_db

HELD_BY_B = "属于单位“140002-内蒙古妇女干部学校”"
OLD_CODE, NEW_CODE = "15000022T000000000001", "15000023T000000000001"  # digits 7–8: 2022, 2023


@pytest.fixture
def project_b(unit_b):
    """Unit B holds code AB1 since 2021."""
    return factories.project(unit=unit_b, code="AB1", year=2021, name="乙单位项目")


@pytest.fixture
def project_a(unit_a):
    project = factories.project(unit=unit_a, code="A-001", year=2023, name="单位A项目")
    factories.fund(project, annual="100", executed="95")
    factories.indicator(project, level3="培训人次", weight="90", actual=10, actual_text="10")
    return project


def edit_url(project: Project) -> str:
    return reverse("projects:edit", args=[project.pk])


def edit_data(project: Project, **changes: str) -> dict[str, str]:
    project.refresh_from_db()
    data = {
        "version": str(project.version), "code": project.code, "name": project.name, "attribute": "",
        "overall_goal": "", "annual_goal": "", "actual_summary": "", "low_execution_reason": "",
        "fiscal_initial": "", "fiscal_annual": "100", "fiscal_executed": "95",
    }  # fmt: skip
    return data | changes


def field_errors(page: str, field: str) -> str:
    """The text of the errors crispy renders under `field` (empty when none)."""
    return " ".join(re.findall(rf'<[^>]+id="error_\d+_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', page, re.S))


def history_reasons(project: Project) -> list[str]:
    return list(Project.history.filter(id=project.pk).order_by("history_id").values_list("history_change_reason",
                                                                                          flat=True))  # fmt: skip


# --- one code, whatever its case or width ------------------------------------------------------


@pytest.mark.parametrize("typed", ["ab1", "ＡＢ１", "ａｂ１", " A b 1 "])
def test_case_and_width_forms_of_another_units_code_are_refused_at_create(client, officer, project_b, typed) -> None:
    client.force_login(officer)
    data = {"year": "2025", "code": typed, "name": "新项目", "fiscal_annual": "10"}
    response = client.post(reverse("projects:create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert HELD_BY_B in field_errors(page, "code") and "2021 年度项目“乙单位项目”" in page
    assert not Project.objects.filter(unit__code="140001").exists()


@pytest.mark.parametrize("typed", ["ab1", "ＡＢ１", "aB１"])
def test_lookups_find_a_code_in_any_form(project_b, typed) -> None:
    assert Project.objects.get(code=typed) == project_b
    assert list(Project.objects.filter(code__in=[typed])) == [project_b]


def test_a_code_is_stored_in_one_form_whatever_the_path(unit_a) -> None:
    assert factories.project(unit=unit_a, code="ｔ－００７").code == "T-007"
    assert Project.objects.filter(code="T-007").count() == 1


# --- another unit's code: create, copy, import -------------------------------------------------


def test_copy_with_another_units_code_is_refused_naming_the_holder(client, officer, project_a, project_b) -> None:
    client.force_login(officer)
    response = client.post(reverse("intake:copy"), {"year": "2024", "source": project_a.pk, "code": "ab1"})
    page = response.content.decode()
    assert response.status_code == 400 and HELD_BY_B in field_errors(page, "code")
    assert not Project.objects.filter(year=2024).exists()


def test_import_of_another_units_code_is_refused_naming_the_holder(tmp_path, officer, project_b) -> None:
    path = workbook(tmp_path / "a.xlsx", code="ａｂ1", unit=UNIT_A)
    with pytest.raises(ImportRefused) as info:
        workbook_import(path=path, year=2022, user=officer)
    held = CODE_TAKEN.format(code="AB1", unit="140002-内蒙古妇女干部学校", year=2021, name="乙单位项目")
    assert info.value.errors == [f"自评表!第2行 项目编码：{held}"]
    assert Project.objects.count() == 1


def test_import_of_the_units_own_code_of_another_year_is_accepted(tmp_path, officer, unit_a) -> None:
    factories.project(unit=unit_a, code="AB1", year=2021, name="布丝瑰创业就业行动")
    workbook_import(path=workbook(tmp_path / "a.xlsx", code="ab1", unit=UNIT_A), year=2022, user=officer)
    assert sorted(Project.objects.values_list("code", "year")) == [("AB1", 2021), ("AB1", 2022)]


# --- correcting the code on the edit page ------------------------------------------------------


def test_edit_page_offers_the_code(client, officer, project_a) -> None:
    client.force_login(officer)
    page = client.get(edit_url(project_a)).content.decode()
    assert re.search(r'<input[^>]*name="code"[^>]*value="A-001"', page)


def test_officer_corrects_the_code_with_history(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(edit_url(project_a), edit_data(project_a, code="ａ－００２"))
    assert response.status_code == 302
    project = Project.objects.get(pk=project_a.pk)
    assert project.code == "A-002" and project.version == project_a.version + 1
    record = Project.history.get(id=project.pk, history_change_reason="修改项目编码：A-001 → A-002")
    assert record.history_user == officer and record.code == "A-002"


def test_a_corrected_code_is_on_the_timeline(client, officer, project_a) -> None:
    """The history row was written but the timeline (which lists tracked fields only) left it out."""
    client.force_login(officer)
    client.post(edit_url(project_a), edit_data(project_a, code="A-002"))
    entries = project_timeline(Project.objects.get(pk=project_a.pk))
    entry = next(e for e in entries if e.reason == "修改项目编码：A-001 → A-002")
    assert ("项目编码", "A-001", "A-002") in entry.changes
    page = client.get(reverse("projects:history", args=[project_a.pk])).content.decode()
    assert "修改项目编码：A-001 → A-002" in page


def test_an_unchanged_code_writes_no_code_history(client, officer, project_a) -> None:
    client.force_login(officer)
    assert client.post(edit_url(project_a), edit_data(project_a, code="a-001", name="新名称")).status_code == 302
    assert Project.objects.get(pk=project_a.pk).code == "A-001"
    assert not [r for r in history_reasons(project_a) if r and r.startswith("修改项目编码")]
    assert history_reasons(project_a)[-1] == BASICS_REASON


def test_a_form_without_the_code_keeps_it(client, officer, project_a) -> None:
    """A save that does not send the code (an older page, a script) does not erase it."""
    client.force_login(officer)
    data = edit_data(project_a, name="新名称")
    del data["code"]
    assert client.post(edit_url(project_a), data).status_code == 302
    project = Project.objects.get(pk=project_a.pk)
    assert (project.name, project.code) == ("新名称", "A-001")


def test_another_units_code_is_refused_at_the_field(client, officer, project_a, project_b) -> None:
    client.force_login(officer)
    response = client.post(edit_url(project_a), edit_data(project_a, code="ＡＢ１", name="改了名"))
    page = response.content.decode()
    assert response.status_code == 400
    assert HELD_BY_B in field_errors(page, "code") and 'value="改了名"' in page
    project = Project.objects.get(pk=project_a.pk)
    assert (project.code, project.name, project.version) == ("A-001", "单位A项目", project_a.version)


def test_a_code_taken_in_the_year_is_refused_at_the_field_in_chinese(client, officer, project_a, unit_a) -> None:
    factories.project(unit=unit_a, code="A-002", year=2023, name="另一项目")
    client.force_login(officer)
    response = client.post(edit_url(project_a), edit_data(project_a, code="a-002"))
    page = response.content.decode()
    assert response.status_code == 400
    assert CODE_YEAR_TAKEN in field_errors(page, "code") and page.count(CODE_YEAR_TAKEN) == 1
    assert "project_code_year_unique" not in page and "约束" not in page
    assert "A-001 · 2023年度" in page  # the heading names the project as stored
    assert Project.objects.get(pk=project_a.pk).code == "A-001"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_the_code_of_a_locked_project_cannot_be_changed(client, officer, project_a, status) -> None:
    data = edit_data(project_a, code="A-002")
    factories.set_status(Project.objects.filter(pk=project_a.pk), status)
    client.force_login(officer)
    assert client.post(edit_url(project_a), data).status_code == 403
    assert Project.objects.get(pk=project_a.pk).code == "A-001"


def test_correcting_a_copied_code_clears_the_year_mismatch(client, officer, unit_a) -> None:
    """A 2022 project copied into 2023 keeps 2022's code and says 编码年度不符 until corrected."""
    source = factories.project(unit=unit_a, code=OLD_CODE, year=2022, name="延续项目")
    factories.indicator(source, level3="培训人次", weight="90")
    copy = project_copy_to_year(source=source, year=2023, user=officer)
    projects_rescore(project_ids=[copy.pk])
    detail = reverse("projects:detail", args=[copy.pk])
    client.force_login(officer)
    assert "编码年度不符" in client.get(detail).content.decode()
    assert "year_mismatch" in Project.objects.get(pk=copy.pk).warning_codes
    edit = client.get(edit_url(copy)).content.decode()
    assert "编码第 7–8 位表示 2022 年，与 2023 年度不符" in edit  # the field says why and what to do

    assert client.post(edit_url(copy), edit_data(copy, code=NEW_CODE)).status_code == 302
    assert "编码年度不符" not in client.get(detail).content.decode()
    assert "year_mismatch" not in Project.objects.get(pk=copy.pk).warning_codes
    assert f"修改项目编码：{OLD_CODE} → {NEW_CODE}" in history_reasons(copy)


# --- copying into a new year offers a new code -------------------------------------------------


def test_copy_offers_the_source_code_with_its_year_explained(client, officer, unit_a) -> None:
    source = factories.project(unit=unit_a, code=OLD_CODE, year=2022, name="延续项目")
    client.force_login(officer)
    page = client.get(reverse("intake:copy"), {"year": "2023", "source": source.pk}).content.decode()
    assert re.search(rf'<input[^>]*name="code"[^>]*value="{OLD_CODE}"', page)
    assert f"所选项目的编码“{OLD_CODE}”第 7–8 位表示 2022 年，与 2023 年度不符" in page


def test_copy_uses_the_new_code_typed(client, officer, unit_a) -> None:
    source = factories.project(unit=unit_a, code=OLD_CODE, year=2022, name="延续项目")
    client.force_login(officer)
    data = {"year": "2023", "source": source.pk, "code": NEW_CODE.lower()}
    assert client.post(reverse("intake:copy"), data).status_code == 302
    copy = Project.objects.get(year=2023)
    assert copy.code == NEW_CODE and Project.objects.get(pk=source.pk).code == OLD_CODE
    assert history_reasons(copy) == [f"复制自 2022 年度（原编码 {OLD_CODE}）"]
    projects_rescore(project_ids=[copy.pk])
    assert "year_mismatch" not in Project.objects.get(pk=copy.pk).warning_codes


# --- deleting a mistaken draft -----------------------------------------------------------------


def delete_url(project: Project) -> str:
    return reverse("projects:delete", args=[project.pk])


@pytest.mark.parametrize("who", ["officer", "admin_user"])
def test_a_never_submitted_draft_is_deleted_with_who_and_why(client, request, project_a, who) -> None:
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert "确认删除" in client.get(delete_url(project_a)).content.decode()
    response = client.post(delete_url(project_a), {"reason": "重复创建"})
    assert response.status_code == 302 and response["Location"] == f"{reverse('projects:list')}?year=2023"
    assert not Project.objects.filter(pk=project_a.pk).exists()
    gone = Project.history.get(id=project_a.pk, history_type="-")
    assert (gone.history_user, gone.history_change_reason) == (user, f"{DELETE_REASON}：重复创建")
    assert gone.name == "单位A项目" and gone.code == "A-001"


def test_another_units_officer_gets_404(client, other_officer, project_a) -> None:
    client.force_login(other_officer)
    assert client.get(delete_url(project_a)).status_code == 404
    assert client.post(delete_url(project_a), {"reason": "x"}).status_code == 404
    assert Project.objects.filter(pk=project_a.pk).exists()


def test_an_evaluator_gets_403(client, evaluator, project_a) -> None:
    client.force_login(evaluator)
    assert client.get(delete_url(project_a)).status_code == 403
    assert client.post(delete_url(project_a), {"reason": "x"}).status_code == 403
    assert Project.objects.filter(pk=project_a.pk).exists()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_a_locked_project_cannot_be_deleted(client, officer, project_a, status) -> None:
    factories.set_status(Project.objects.filter(pk=project_a.pk), status)
    client.force_login(officer)
    assert client.post(delete_url(project_a), {"reason": "x"}).status_code == 403
    assert Project.objects.filter(pk=project_a.pk).exists()


@pytest.mark.parametrize(
    ("status", "actions"),
    [(Status.RETURNED, [ReviewAction.SUBMIT, ReviewAction.RETURN]), (Status.DRAFT, [ReviewAction.SUBMIT])],
    ids=["returned", "withdrawn-draft"],
)
def test_a_once_submitted_project_cannot_be_deleted(client, officer, evaluator, project_a, status, actions) -> None:
    for number, action in enumerate(actions, 1):
        ReviewRound.objects.create(project=project_a, number=number, action=action, actor=officer, reason="理由")
    factories.set_status(Project.objects.filter(pk=project_a.pk), status)
    client.force_login(officer)
    page = client.get(delete_url(project_a)).content.decode()
    assert "确认删除" not in page and "只能删除从未提交过的草稿" in page
    response = client.post(delete_url(project_a), {"reason": "x"})
    assert response.status_code == 400 and "只能删除从未提交过的草稿" in response.content.decode()
    assert Project.objects.filter(pk=project_a.pk).exists()


def test_the_project_page_links_to_delete_only_when_deletable(client, officer, evaluator, project_a) -> None:
    detail = reverse("projects:detail", args=[project_a.pk])
    client.force_login(officer)
    assert delete_url(project_a) in client.get(detail).content.decode()
    client.force_login(evaluator)
    assert delete_url(project_a) not in client.get(detail).content.decode()
    ReviewRound.objects.create(project=project_a, number=1, action=ReviewAction.SUBMIT, actor=officer)
    client.force_login(officer)
    assert delete_url(project_a) not in client.get(detail).content.decode()
    factories.set_status(Project.objects.filter(pk=project_a.pk), Status.SUBMITTED)
    assert delete_url(project_a) not in client.get(detail).content.decode()


# --- the admin: another unit's code only confirmed, with a reason; duplicates in Chinese -------


def admin_data(project: Project, **changes: str) -> dict[str, str]:
    data = {
        "year": str(project.year), "code": project.code, "name": project.name, "unit": str(project.unit_id),
        "attribute": "", "scheme": project.scheme, "overall_goal": "", "annual_goal": "", "actual_summary": "",
        "name_variants": "[]", "code_reason": "", "form_version": str(project.version), "edit_reason": "核对编码",
    }  # fmt: skip
    for prefix in ("funds", "indicators"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
                 f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip
    return data | changes


def admin_change(project: Project) -> str:
    return reverse("admin:projects_project_change", args=[project.pk])


def test_admin_refuses_another_units_code_unless_confirmed(client, admin_user, project_a, project_b) -> None:
    client.force_login(admin_user)
    response = client.post(admin_change(project_a), admin_data(project_a, code="ab1"))
    page = response.content.decode()
    assert response.status_code == 200 and HELD_BY_B in page and CODE_CONFIRM_NEEDED in page
    response = client.post(admin_change(project_a), admin_data(project_a, code="ab1", code_confirm="on"))
    assert response.status_code == 200 and CODE_REASON_NEEDED in response.content.decode()
    assert Project.objects.get(pk=project_a.pk).code == "A-001"


def test_admin_gives_another_units_code_with_the_reason_in_the_history(client, admin_user, project_a,
                                                                       project_b) -> None:  # fmt: skip
    client.force_login(admin_user)
    data = admin_data(project_a, code="ab1", code_confirm="on", code_reason="编码已由财政调整到本单位")
    response = client.post(admin_change(project_a), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Project.objects.get(pk=project_a.pk).code == "AB1"
    record = Project.history.filter(id=project_a.pk).latest("history_id")
    assert record.history_change_reason.startswith("管理员确认跨单位使用编码 AB1：编码已由财政调整到本单位；")
    assert record.history_user == admin_user


def test_admin_duplicate_code_in_the_year_is_said_in_chinese(client, admin_user, project_a, unit_a) -> None:
    """B20: not "约束 “project_code_year_unique” 是无效的"."""
    factories.project(unit=unit_a, code="A-002", year=2023, name="另一项目")
    client.force_login(admin_user)
    response = client.post(admin_change(project_a), admin_data(project_a, code="a-002"))
    page = response.content.decode()
    assert response.status_code == 200 and CODE_YEAR_TAKEN in page
    assert "project_code_year_unique" not in page and "约束" not in page
    assert Project.objects.get(pk=project_a.pk).code == "A-001"


def test_create_page_duplicate_code_is_said_in_chinese_at_the_field(client, officer, project_a) -> None:
    client.force_login(officer)
    data = {"year": "2023", "code": "a-001", "name": "新项目", "fiscal_annual": "10"}
    page = client.post(reverse("projects:create"), data).content.decode()
    assert CODE_YEAR_TAKEN in field_errors(page, "code")
    assert "project_code_year_unique" not in page and "约束" not in page


# --- two units starting the same new code at once (PostgreSQL) ---------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_units_creating_one_new_code_at_once_get_one_project(officer, other_officer, monkeypatch) -> None:
    """Each request checks that no other unit holds the code, then waits (up to 2 s) for the other
    to have checked too: without the code lock both would find nothing and both insert (in two
    different years, so no unique constraint stops them)."""
    import projects.services

    checked, real = threading.Barrier(2), projects.services.code_holder

    def code_holder_then_wait(**kwargs):
        found = real(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(timeout=2)
        return found

    monkeypatch.setattr(projects.services, "code_holder", code_holder_then_wait)
    answers: list[tuple[int, str]] = []

    def create(user, year: str, typed: str) -> None:
        from django.db import connection as own

        try:
            client = Client()
            client.force_login(user)
            data = {"year": year, "code": typed, "name": f"{user.username} 的项目", "fiscal_annual": "10"}
            response = client.post(reverse("projects:create"), data)
            answers.append((response.status_code, field_errors(response.content.decode(), "code")))
        finally:
            own.close()

    threads = [threading.Thread(target=create, args=(officer, "2025", "RACE-1")),
               threading.Thread(target=create, args=(other_officer, "2024", "ｒａｃｅ－１"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in answers) == [302, 400], answers
    assert "一个编码只属于一个单位" in next(errors for status, errors in answers if status == 400)
    assert Project.objects.filter(code="RACE-1").count() == 1
