"""The library's model, seed and search (issue 16 §3)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from library.models import EntryStatus, LibraryEntry
from library.selectors import search
from library.services import decide, load_seed, propose

pytestmark = pytest.mark.django_db


def entry(level3: str, **extra) -> LibraryEntry:
    values = {"sector": "教育", "level1": "产出指标", "level2": "数量指标", "level3": level3} | extra
    return LibraryEntry.objects.create(**values)


def names(rows) -> list[str]:
    return [row.level3 for row in rows]


def test_the_seed_loads_once_with_its_sources() -> None:
    assert load_seed() == 407
    assert load_seed() == 0
    rows = LibraryEntry.objects.all()
    assert rows.count() == 407
    assert len(set(rows.values_list("sector", flat=True))) == 15
    assert not rows.filter(source_url="").exists()
    assert LibraryEntry.history.filter(history_change_reason__contains="library_seed.csv").count() == 407


def test_a_prefix_ranks_before_a_substring_and_an_explanation() -> None:
    entry("学生资助覆盖率")
    entry("资助学生人数")
    entry("困难学生资助资金", level2="成本指标")  # longer than 资助学生人数: prefix ties go shorter first
    entry("受益人数", explanation="获得资助的学生人数")
    assert names(search("资助")) == ["资助学生人数", "学生资助覆盖率", "困难学生资助资金", "受益人数"]


def test_only_accepted_entries_are_suggested() -> None:
    entry("资助人数")
    entry("资助人次", status=EntryStatus.PROPOSED)
    entry("资助户数", status=EntryStatus.REJECTED)
    assert names(search("资助")) == ["资助人数"]


def test_filters_limit_and_blank_levels() -> None:
    entry("资助人数")
    entry("资助满意度", level1="满意度指标", level2="服务对象满意度指标")
    entry("资助政策知晓", level1="", level2="")
    for i in range(12):
        entry(f"资助项目{i:02}")
    assert names(search("资助", level1="满意度指标")) == ["资助满意度"]
    assert names(search("资助", level1=["满意度指标", "效益指标"], blank_levels=True)) == ["资助满意度", "资助政策知晓"]
    assert "资助满意度" not in names(search("资助", level2="数量指标", limit=50))
    assert len(search("资助")) == 10
    assert len(search("资助", limit=3)) == 3


def test_typed_text_is_matched_literally_and_blank_finds_nothing() -> None:
    entry("完成率100%")
    entry("完成率1005")
    assert names(search("100%")) == ["完成率100%"]
    assert names(search("率1_0")) == []
    assert search("   ") == []
    assert names(search("  完成率 ")) == ["完成率100%", "完成率1005"]


def test_names_outside_the_tree_vocabulary_are_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        LibraryEntry(sector="教育", level1="产出类", level2="数量", level3="x").full_clean()
    assert "一级指标须为" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        LibraryEntry(sector="教育", level1="产出指标", level2="满意度", level3="x").full_clean()
    assert "二级指标须为" in str(refused.value)
    LibraryEntry(sector="教育", level1="决策", level2="绩效目标", level3="x").full_clean()  # the 部门评价 scheme's


def test_an_officer_proposes_and_an_admin_accepts_with_history(officer, admin_user, evaluator) -> None:
    new = LibraryEntry(sector="妇联", level1="产出指标", level2="数量指标", level3="维权热线接听量")
    proposal = propose(officer, new)
    assert proposal.status == EntryStatus.PROPOSED and proposal.proposed_by == officer
    assert search("维权") == []
    with pytest.raises(PermissionDenied):
        propose(admin_user, LibraryEntry(sector="妇联", level3="另一条"))
    with pytest.raises(PermissionDenied):
        decide(officer, [proposal], EntryStatus.ACCEPTED)
    with pytest.raises(PermissionDenied):
        decide(evaluator, [proposal], EntryStatus.ACCEPTED)
    assert decide(admin_user, [proposal], EntryStatus.ACCEPTED) == 1
    assert names(search("维权")) == ["维权热线接听量"]
    last = proposal.history.first()
    assert (last.status, last.history_user) == ("accepted", admin_user)
    assert last.history_change_reason == "管理员收录为指标库条目"


def test_a_value_that_says_its_comparator_is_shown_once() -> None:
    assert LibraryEntry(nature="≥", typical_value="≥90%").shown_value == "≥90%"
    assert LibraryEntry(nature="≥", typical_value="90").shown_value == "≥90"
    assert LibraryEntry(nature="定性", typical_value="好").shown_value == "定性：好"
    assert LibraryEntry(nature="", typical_value="100%").shown_value == "100%"


def test_a_change_another_process_made_is_seen_on_the_next_search() -> None:
    """bulk_create and update send no signal here, as another process's writes would not: the
    library's generation (count, largest id, last change) tells the snapshot it is stale."""
    entry("资助人数")
    assert names(search("资助")) == ["资助人数"]
    LibraryEntry.objects.bulk_create([LibraryEntry(sector="教育", level3="资助户数")])
    assert names(search("资助")) == ["资助人数", "资助户数"]
    LibraryEntry.objects.filter(level3="资助户数").update(status=EntryStatus.REJECTED, changed_at=timezone.now())
    assert names(search("资助")) == ["资助人数"]
    LibraryEntry.objects.filter(level3="资助人数")._raw_delete(LibraryEntry.objects.db)
    assert search("资助") == []


def test_ascii_letters_match_either_case() -> None:
    entry("GDP增长率")
    assert names(search("gdp")) == ["GDP增长率"]


def test_the_demo_comes_with_the_library(settings) -> None:
    settings.DEBUG = True  # load_demo runs only in development
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "指标库已就绪：新增 407 条，共 407 条。" in out.getvalue()
    assert names(search("受益群众满意", level1="满意度指标")) == ["受益群众满意度"]
