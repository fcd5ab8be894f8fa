"""The project page as an A4 print view: no navigation, the report's numbers, the timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from projects.models import Project
from tests.reports.conftest import SEED_CODE

pytestmark = pytest.mark.django_db
PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "print.css"


@pytest.fixture
def seed_project(demo) -> Project:
    return Project.objects.get(code=SEED_CODE)


def login(client, django_user_model, name: str) -> None:
    client.force_login(django_user_model.objects.get(username=name))


def test_the_print_view_has_no_navigation_and_the_projects_numbers(client, django_user_model, seed_project) -> None:
    login(client, django_user_model, "officer_a")
    response = client.get(reverse("reports:print", args=[seed_project.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<nav" not in page and "navbar" not in page and "退出" not in page
    assert seed_project.name in page and "93.62" in page and "优" in page
    assert "900.00" in page and "804.73" in page and "89.41%" in page  # funds and execution rate
    assert "研发新产品" in page and 'id="timeline"' in page
    # the 打印 button works through a script file (no inline script: the CSP forbids it)
    assert "data-print" in page and "js/print.js" in page and "css/print.css" in page
    assert "<script>" not in page and "onclick" not in page


def test_the_print_stylesheet_is_a4_and_hides_the_navigation() -> None:
    css = PRINT_CSS.read_text()
    assert "@page" in css and "size: A4" in css and "@media print" in css
    assert "nav, .navbar" in css


def test_the_project_page_links_the_print_view_and_prints_without_navigation(client, django_user_model,
                                                                             seed_project) -> None:  # fmt: skip
    login(client, django_user_model, "officer_a")
    page = client.get(reverse("projects:detail", args=[seed_project.pk])).content.decode()
    assert reverse("reports:print", args=[seed_project.pk]) in page
    assert 'css/print.css" media="print"' in page


def test_another_units_project_is_a_404_and_anonymous_users_log_in(client, django_user_model, seed_project) -> None:
    login(client, django_user_model, "officer_b")
    assert client.get(reverse("reports:print", args=[seed_project.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("reports:print", args=[seed_project.pk]))["Location"].startswith("/login/")


def test_the_print_view_costs_a_fixed_number_of_queries(client, django_user_model, seed_project,
                                                        django_assert_max_num_queries) -> None:  # fmt: skip
    login(client, django_user_model, "evaluator")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reports:print", args=[seed_project.pk])).status_code == 200


def test_the_print_view_prints_a_short_history_and_no_internal_warnings(client, django_user_model,
                                                                        seed_project) -> None:  # fmt: skip
    """Issue 15 B24: a sheet printed 35 history entries and the staff's 提示 (预算执行率偏低 …)."""
    import re

    from reports.data import report_for
    from reports.views import PRINT_HISTORY
    from scoring.labels import WARNING_LABELS

    for n in range(PRINT_HISTORY + 5):  # a long history: each save is an entry
        seed_project.name = f"北疆布丝瑰创业就业行动{n}"
        seed_project.save()
    codes = {code for code, _, _ in report_for(seed_project).warnings}
    assert "low_execution" in codes  # the project has staff warnings to leave out
    login(client, django_user_model, "officer_a")
    page = client.get(reverse("reports:print", args=[seed_project.pk])).content.decode()
    timeline = page[page.index('id="timeline"') : page.index("</ol>", page.index('id="timeline"'))]
    assert len(re.findall(r'<li class="list-group-item">', timeline)) == PRINT_HISTORY
    assert f"以上为最近 {PRINT_HISTORY} 条记录" in page
    assert "<h2>提示</h2>" not in page
    for code in codes:
        assert WARNING_LABELS[code] not in page and code not in page, code
