"""The editor's suggestion endpoint and the proposal page (issue 16 §3)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from library.models import EntryStatus, LibraryEntry
from tests import factories

pytestmark = pytest.mark.django_db
SUGGEST, PROPOSE = reverse("library:suggest"), reverse("library:propose")


@pytest.fixture
def entries(db) -> None:
    LibraryEntry.objects.create(sector="教育", level1="产出指标", level2="数量指标", level3="培训人次",
                                nature="≥", typical_value="200", unit="人次")  # fmt: skip
    LibraryEntry.objects.create(sector="通用", level1="决策", level2="绩效目标", level3="培训目标明确性")
    LibraryEntry.objects.create(sector="通用", level3="培训覆盖面")
    LibraryEntry.objects.create(sector="教育", level3="培训次数", status=EntryStatus.PROPOSED)


def test_suggestions_need_a_login_and_a_role(client, entries, officer, other_officer, evaluator, admin_user) -> None:
    response = client.get(SUGGEST, {"q": "培训"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    for user in (officer, other_officer, evaluator, admin_user):
        client.force_login(user)
        assert "培训人次" in client.get(SUGGEST, {"q": "培训"}).content.decode()
    client.force_login(get_user_model().objects.create_user("plain"))
    assert client.get(SUGGEST, {"q": "培训"}).status_code == 403


def test_suggestions_fit_the_projects_scheme_and_carry_the_row(client, entries, officer) -> None:
    client.force_login(officer)
    page = client.get(SUGGEST, {"q": "培训", "scheme": "national"}, headers={"HX-Request": "true"}).content.decode()
    assert "培训人次" in page and "培训覆盖面" in page  # an entry naming no 一级 fits every scheme
    assert "培训目标明确性" not in page and "培训次数" not in page  # 部门评价's 一级; not accepted yet
    for attribute in ('data-level1="产出指标"', 'data-level2="数量指标"', 'data-level3="培训人次"',
                      'data-nature="≥"', 'data-value="200"', 'data-unit="人次"'):  # fmt: skip
        assert attribute in page
    assert "≥200人次 · 教育" in page
    page = client.get(SUGGEST, {"q": "培训", "scheme": "department"}).content.decode()
    assert "培训目标明确性" in page and "培训人次" not in page
    page = client.get(SUGGEST, {"q": "没有的指标"}).content.decode()
    assert "指标库中没有含“没有的指标”的指标" in page and f"{PROPOSE}?level3=" in page


def test_the_endpoint_is_four_queries_whatever_it_finds(client, officer, django_assert_num_queries) -> None:
    for i in range(30):
        LibraryEntry.objects.create(sector="教育", level1="产出指标", level2="数量指标", level3=f"培训人次{i}")
    client.force_login(officer)
    client.get(SUGGEST, {"q": "培"})  # this process loads the library's snapshot once
    # session, user, role; then the library's generation (unchanged: no reload)
    with django_assert_num_queries(4):
        response = client.get(SUGGEST, {"q": "培训", "scheme": "national"})
    assert response.content.decode().count("data-library-pick") == 8
    LibraryEntry.objects.create(sector="教育", level3="培训场次")
    with django_assert_num_queries(5):  # a change: the snapshot is read again, once
        assert "培训场次" in client.get(SUGGEST, {"q": "培训场"}).content.decode()


def test_only_officers_propose_and_the_entry_waits(client, officer, evaluator, admin_user) -> None:
    for user in (evaluator, admin_user):
        client.force_login(user)
        assert client.get(PROPOSE).status_code == 403
        assert client.post(PROPOSE, {"sector": "教育", "level3": "培训满意度"}).status_code == 403
    client.force_login(officer)
    assert 'value="培训满' in client.get(PROPOSE, {"level3": "培训满"}).content.decode()
    assert client.post(PROPOSE, {"sector": "教育", "level1": "产出指标", "level2": "满意度"}).status_code == 400
    response = client.post(PROPOSE, {"sector": "教育", "level1": "满意度指标", "level2": "服务对象满意度指标",
                                     "level3": "培训满意度", "nature": "≥", "typical_value": "90%"})  # fmt: skip
    assert response.status_code == 302
    entry = LibraryEntry.objects.get()
    assert (entry.status, entry.proposed_by, entry.level3) == (EntryStatus.PROPOSED, officer, "培训满意度")


def test_the_editor_offers_the_library(client, officer, unit_a) -> None:
    project = factories.project(unit=unit_a)
    client.force_login(officer)
    page = client.get(reverse("indicators:editor", args=[project.pk])).content.decode()
    assert f'data-url="{SUGGEST}"' in page and 'data-scheme="national"' in page and "js/library.js" in page
