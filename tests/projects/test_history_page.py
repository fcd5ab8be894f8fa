"""The project's timeline at any length (issue 10 "Scale"): the project page shows the newest 50
entries and links to 修改与审核记录 (projects:history), 50 entries a page, newest first; only the
entries shown are loaded and diffed, so the number of queries does not grow with the history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator
from indicators.timeline import KIND, TRACKED, project_history_rows, project_timeline, timeline_entries
from projects.models import Fund, Project, ReviewAction, ReviewRound
from tests import factories

pytestmark = pytest.mark.django_db


def edits(row: Indicator, count: int, *, start: int = 0) -> None:
    """`count` saves of `row`, each a new actual (so each one a timeline entry)."""
    for n in range(start, start + count):
        row.actual, row._change_reason = Decimal(n), f"第{n}次填报"
        row.save()


@pytest.fixture
def project(unit_a):
    return factories.project(unit=unit_a, code="H-001", name="修改频繁的项目")


@pytest.fixture
def row(project):
    return factories.indicator(project, level3="培训人次")


def reference_timeline(project: Project) -> list[tuple]:
    """What the timeline was before it was paged: every history record loaded and diffed in Python,
    a 修改 that changes no tracked field left out, newest first: (when, what was done, labels)."""
    out = []
    sources = [(Project, {"id": project.pk}, "project"), (Fund, {"project_id": project.pk}, "fund"),
               (Indicator, {"project_id": project.pk}, "indicator")]  # fmt: skip
    for model, filters, kind in sources:
        previous = {}
        for record in model.history.filter(**filters).order_by("history_date", "history_id"):
            before, previous[record.id] = previous.get(record.id), record
            changes = ()
            if before is not None and record.history_type == "~":
                delta = record.diff_against(before, included_fields=list(TRACKED[kind]))
                # a 状态 change alone is the review step's entry (issue 15 B22: no double entries)
                changes = tuple(str(model._meta.get_field(c.field).verbose_name) for c in delta.changes)
                if not changes or (kind == "project" and changes == ("状态",)):
                    continue
            out.append((record.history_date, KIND[record.history_type], changes))
    out += [(r.created_at, r.get_action_display(), ("状态",)) for r in ReviewRound.objects.filter(project=project)]
    return sorted(out, key=lambda e: e[0], reverse=True)


def shown(entries) -> list[tuple]:
    """The same of timeline entries: "修改指标“培训人次”" is a 修改, "第1轮 提交" a 提交."""
    return [(e.when, e.what[:2] if e.what[:2] in KIND.values() else e.what.split(" ")[1],
             tuple(label for label, _, _ in e.changes)) for e in entries]  # fmt: skip


def test_the_project_page_shows_the_newest_50_and_links_to_the_rest(client, officer, project, row) -> None:
    edits(row, 60)
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert timeline.count('class="list-group-item"') == 50
    assert "第59次填报" in timeline and "第9次填报" not in timeline  # the newest, not the oldest
    assert reverse("projects:history", args=[project.pk]) in timeline and "以上为最近 50 条记录" in timeline


def test_a_short_timeline_has_no_link(client, officer, project, row) -> None:
    edits(row, 3)
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert reverse("projects:history", args=[project.pk]) not in page
    assert not project_timeline(project).more and len(project_timeline(project)) == 5  # 2 新建, 3 修改


def test_the_history_pages_hold_every_entry_newest_first(client, officer, project, row) -> None:
    edits(row, 120)  # with 2 新建: 122 entries, pages of 50, 50 and 22
    client.force_login(officer)
    url = reverse("projects:history", args=[project.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert "共 122 条" in first.content.decode() and "第 1/3 页" in first.content.decode()
    entries = [e for n in (1, 2, 3) for e in client.get(url, {"page": n}).context["timeline"]]
    assert len(entries) == 122
    assert shown(entries) == reference_timeline(project)
    # an entry diffed against a predecessor that is on the next page
    last_of_first = entries[49]
    assert last_of_first.changes == (("实际完成值", "69", "70"),) and last_of_first.reason == "第70次填报"
    assert entries[-1].what == "新建项目" and entries[-2].what == "新建指标“培训人次”"


def test_a_save_that_changes_nothing_shown_is_no_entry_and_no_row(project, row) -> None:
    """A reordering (position is not tracked) or a save with the same values: left out in the
    database, so pages stay full and the count is the entries'."""
    edits(row, 2)
    for n in range(5):
        row.position = n
        row.save()
    row.save()
    rows = list(project_history_rows(project))
    assert len(rows) == 4  # 新建项目, 新建指标, two actuals
    assert [e.what for e in timeline_entries(rows)] == ["修改指标“培训人次”", "修改指标“培训人次”",
                                                        "新建指标“培训人次”", "新建项目"]  # fmt: skip


def test_null_and_blank_changes_are_entries(project, row) -> None:
    """A value cleared (NULL) or set from NULL differs, though SQL's = says neither."""
    edits(row, 1)  # actual: None → 0
    row.actual = None
    row.save()  # 0 → None
    row.target, row.deadline = None, datetime.date(2022, 12, 31)
    row.save()  # target 10 → None
    row.adjusted_score = None
    row.save()  # None → None: nothing
    entries = project_timeline(project)
    changes = [e.changes for e in entries if e.what.startswith("修改")]
    assert changes == [(("指标值", "10", "—"),), (("实际完成值", "0", "—"),), (("实际完成值", "—", "0"),)]


def test_the_timeline_mixes_every_source_as_the_unpaged_one_did(project, row, officer) -> None:
    fund = factories.fund(project, annual="100", executed="10")
    other = factories.indicator(project, level3="满意度", comparator="定性", target=None, target_text="较好",
                                unit="")  # fmt: skip
    edits(row, 3)
    fund.executed = Decimal("50.00")
    fund.save()
    fund.executed = Decimal("50")  # the same amount: no entry
    fund.save()
    other.actual_label = "好"
    other.save()
    ReviewRound.objects.create(project=project, number=1, action=ReviewAction.SUBMIT, actor=officer)
    project.name, project._change_reason = "改名后的项目", "更正名称"
    project.save()
    other.delete()
    entries = project_timeline(project)
    assert shown(entries) == reference_timeline(project)
    whats = [e.what for e in entries]
    assert whats[:4] == ["删除指标“满意度”", "修改项目", "第1轮 提交", "修改指标“满意度”"]
    assert "修改资金（当年财政拨款）" in whats and whats.count("修改资金（当年财政拨款）") == 1
    renamed = entries[1]
    assert renamed.changes == (("项目名称", "修改频繁的项目", "改名后的项目"),) and renamed.reason == "更正名称"


def test_an_edit_whose_predecessor_is_missing_is_shown_without_changes(project, row) -> None:
    edits(row, 2)
    Indicator.history.filter(history_type="+").delete()  # e.g. history that began after the row
    entries = [e for e in project_timeline(project) if "指标" in e.what]
    assert [(e.what, e.changes) for e in entries] == [
        ("修改指标“培训人次”", (("实际完成值", "0", "1"),)),
        ("修改指标“培训人次”", ()),
    ]


def test_pages_past_the_end_show_the_last_page(client, officer, project, row) -> None:
    edits(row, 60)  # 62 entries
    client.force_login(officer)
    url = reverse("projects:history", args=[project.pk])
    for value in ("9", "abc", "", "-1", "²"):
        response = client.get(url, {"page": value})
        assert response.status_code == 200
        assert len(response.context["timeline"]) in (50, 12)


def test_ties_in_time_keep_a_fixed_order(project, row) -> None:
    same = timezone.now()
    edits(row, 4)
    Indicator.history.all().update(history_date=same)
    first = [(e.what, e.changes) for e in project_timeline(project)]
    assert first == [(e.what, e.changes) for e in project_timeline(project)]
    assert len(first) == 6


# --- queries flat in the history's length -------------------------------------------------------


def grow(project: Project, row: Indicator, fund: Fund, officer, count: int) -> None:
    """`count` more indicator edits, with a fund edit, a project edit and a review step every 10th
    and after the last, so that every page holds every kind of entry."""
    for n in range(count):
        edits(row, 1, start=row.history.count())
        if n % 10 == 9 or n == count - 1:
            fund.executed += 1
            fund.save()
            project.actual_summary += "。"
            project.save()
            ReviewRound.objects.create(project=project, number=1, action=ReviewAction.SUBMIT, actor=officer)


def queries(client, url: str, params: dict, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(QUERIES_HISTORY_PAGE) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


# session and user, membership, the project; the entry count, the page's keys; project, fund and
# indicator records with their predecessors, review steps with their actors; the navigation's counts
QUERIES_HISTORY_PAGE = 11


def test_the_history_page_queries_do_not_grow_with_the_history(client, officer, project, row,
                                                               django_assert_max_num_queries) -> None:  # fmt: skip
    fund = factories.fund(project, annual="100")
    client.force_login(officer)
    url = reverse("projects:history", args=[project.pk])
    grow(project, row, fund, officer, 5)
    few = queries(client, url, {}, django_assert_max_num_queries)
    grow(project, row, fund, officer, 195)
    assert Indicator.history.count() + Fund.history.count() + Project.history.count() > 200
    many = [queries(client, url, {"page": n}, django_assert_max_num_queries) for n in (1, 2, 5)]
    assert many == [few] * 3, (few, many)


def test_the_project_page_timeline_queries_do_not_grow(project, row, officer, django_assert_num_queries) -> None:
    fund = factories.fund(project, annual="100")
    for count in (5, 195):
        grow(project, row, fund, officer, count)
        # the newest 51 entries' keys; project, fund and indicator records with their predecessors; review steps
        with django_assert_num_queries(5):
            timeline = project_timeline(project)
        assert {e.what[:4] for e in timeline} >= {"修改项目", "修改资金", "修改指标", "第1轮 "}
    assert len(timeline) == 50 and timeline.more
