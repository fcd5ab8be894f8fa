"""The admin's change lists at a province's size (issue 10 "Scale"): 50 rows a page, the same number
of queries at 5 rows as at 120 (filtered, searched and sorted too), filters that never list
thousands of units, and values shown as the app shows them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from projects.admin import PER_PAGE
from projects.models import Department, Fund, Project, Status, Unit
from reports.models import Narrative
from tests import factories

pytestmark = pytest.mark.django_db

DEPARTMENTS = ["教育厅", "卫生健康委"]


def grow(count: int, start: int = 0) -> None:
    """`count` more projects, each of a new unit (two departments), with a fund, two indicators
    (one 定性) and a report text; every third has a warning, every fourth is scored."""
    for n in range(start, start + count):
        department = factories.department(DEPARTMENTS[n % 2])
        unit = Unit.objects.create(code=f"U{n:04d}", name=f"第{n}单位", department=department)
        project = factories.project(unit=unit, code=f"P{n:04d}", name=f"第{n}项目", year=2022 + n % 2,
                                    warning_count=int(n % 3 == 0), scored=n % 4 == 0,
                                    score_total=Decimal("91.5"), score_grade="优")  # fmt: skip
        factories.fund(project, annual="100", executed="50")
        factories.indicator(project, level3=f"培训人次{n}", actual=Decimal(n))
        factories.indicator(project, level3=f"满意度{n}", comparator="定性", target=None, target_text="较好",
                            unit="", level1="效益指标", level2="满意度指标", actual_label="好")  # fmt: skip
        factories.report_text(project)


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def asked(department: int) -> dict:
    """What each list is asked, beyond the plain page: filters, a search, a sort."""
    return {
        Project: [{}, {"year": "2022", "status": "draft", "grade": "none", "warnings": "yes"}, {"unit": "U00"},
                  {"unit__department__id__exact": department}, {"q": "项目"}, {"o": "4.-6"}],
        Indicator: [{}, {"year": "2023", "level1": "效益指标", "comparator": "定性"}, {"q": "P00"}, {"o": "6"}],
        Fund: [{}, {"year": "2022", "source": "fiscal"}, {"q": "P00"}],
        Narrative: [{}, {"year": "2022"}, {"q": "第"}],
        Unit: [{}, {"department__id__exact": department}, {"q": "U0"}],
    }  # fmt: skip


def count_queries(client, url: str, params: dict) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    return len(captured)


def test_admin_lists_ask_as_many_queries_at_120_rows_as_at_5(client, admin_user) -> None:
    client.force_login(admin_user)
    grow(5)
    questions = asked(Department.objects.get(name="教育厅").pk)
    few = {model: [count_queries(client, changelist(model), params) for params in each]
           for model, each in questions.items()}  # fmt: skip
    grow(115, start=5)
    assert Project.objects.count() == 120 and Indicator.objects.count() == 240
    many = {model: [count_queries(client, changelist(model), params) for params in each]
            for model, each in questions.items()}  # fmt: skip
    assert many == few
    assert count_queries(client, changelist(Project), {"p": "3"}) == few[Project][0]  # the last page
    # session, user; the filters' choices (years, departments); the page's count and rows (with
    # their projects and units)
    assert set(few[Project]) == {6} and set(few[Indicator]) == {5}, few


def test_the_admins_history_page_asks_as_many_queries_at_120_entries_as_at_5(client, admin_user, unit_a) -> None:
    project = factories.project(unit=unit_a)
    client.force_login(admin_user)
    url = reverse("admin:projects_project_history", args=[project.pk])
    kind = ContentType.objects.get_for_model(Project)

    def log(count: int) -> None:
        LogEntry.objects.bulk_create(LogEntry(user=admin_user, content_type=kind, object_id=str(project.pk),
                                              object_repr=str(project), action_flag=CHANGE,
                                              change_message='[{"changed": {"fields": ["name"]}}]')
                                     for _ in range(count))  # fmt: skip

    log(5)
    few = count_queries(client, url, {})
    log(115)
    assert count_queries(client, url, {}) == few


def test_a_page_holds_50_rows_and_no_full_count(client, admin_user) -> None:
    grow(60)
    client.force_login(admin_user)
    response = client.get(changelist(Project))
    assert len(response.context["cl"].result_list) == PER_PAGE
    assert response.context["cl"].full_result_count is None  # no COUNT(*) of the whole table
    page = response.content.decode()
    assert 'name="unit"' in page  # the unit is typed ...
    assert "unit__id__exact" not in page and "第7单位" not in page.split('id="changelist-filter"')[1]  # ... not listed
    for department in DEPARTMENTS:  # 主管部门 are listed
        assert department in page


def test_project_filters(client, admin_user) -> None:
    grow(12)
    client.force_login(admin_user)

    def codes(**params) -> set[str]:
        return {p.code for p in client.get(changelist(Project), params).context["cl"].result_list}

    assert codes(unit="U0003") == {"P0003"}
    assert codes(unit="第1") == {"P0001", "P0010", "P0011"}  # part of a name
    assert codes(warnings="yes") == {"P0000", "P0003", "P0006", "P0009"}
    assert codes(grade="优") == {"P0000", "P0004", "P0008"} and codes(grade="none") == codes() - codes(grade="优")
    assert codes(year="2023") == {f"P{n:04d}" for n in range(1, 12, 2)}
    department = Department.objects.get(name="教育厅")
    assert codes(unit__department__id__exact=department.pk) == {f"P{n:04d}" for n in range(0, 12, 2)}
    assert codes(q="U0005") == {"P0005"}
    assert len(codes(year="²")) == 12 and len(codes(unit="  ")) == 12  # a bad value filters nothing


def test_every_column_sorts(client, admin_user) -> None:
    grow(4)
    client.force_login(admin_user)
    for model in (Project, Indicator, Fund):
        model_admin = admin.site._registry[model]
        for index in range(1, len(model_admin.list_display) + 1):
            response = client.get(changelist(model), {"o": f"-{index}"})
            assert response.status_code == 200, (model, index)


def test_indicator_values_are_shown_as_the_app_shows_them(client, admin_user) -> None:
    grow(1)
    client.force_login(admin_user)
    page = client.get(changelist(Indicator)).content.decode()
    assert "≥10个" in page and "0个" in page and "较好" in page and "10.0000" not in page
    row = Indicator.objects.get(level3="培训人次0")
    change = client.get(reverse("admin:indicators_indicator_change", args=[row.pk])).content.decode()
    assert 'value="10"' in change and "10.0000" not in change  # the input, as people write it


def test_a_locked_projects_indicators_show_their_texts_not_a_dash(client, admin_user) -> None:
    grow(1)
    factories.set_status(Project.objects.all(), Status.SUBMITTED)
    client.force_login(admin_user)
    project = Project.objects.get()
    page = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert "较好" in page and "≥10个" in page and "10.0000" not in page
    row = Indicator.objects.get(level3="满意度0")
    change = client.get(reverse("admin:indicators_indicator_change", args=[row.pk])).content.decode()
    assert "较好" in change and 'name="target"' not in change


def test_every_admin_of_a_growing_table_pages_selects_and_searches() -> None:
    """Each registered admin of ours: 50 rows a page, a search, an ordering, every foreign key it
    lists selected with its rows, and no foreign key to a big table as a list of every row."""
    ours = {"projects", "indicators", "reports", "review", "intake", "recheck", "accounts"}
    big = {Project, Unit, Indicator, Fund, Narrative}
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ours:
            continue
        checked += 1
        assert model_admin.list_per_page == PER_PAGE, model
        assert model_admin.ordering, model
        shown = [name for name in model_admin.list_display if isinstance(name, str)]
        for name in shown:
            field = next((f for f in model._meta.fields if f.name == name), None)
            if isinstance(field, models.ForeignKey):
                assert name in model_admin.list_select_related, (model, name)
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model in big and not field.one_to_many \
                    and field.editable and not field.auto_created:  # fmt: skip
                assert field.name in (*model_admin.raw_id_fields, *model_admin.autocomplete_fields), (model, field)
        if model in big:
            assert model_admin.search_fields and model_admin.show_full_result_count is False, model
    assert checked >= 8
