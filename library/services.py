"""Changing the library: the seed, the admin's import and decisions, an officer's proposal."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from library.models import EntryStatus, LibraryEntry
from library.workbook import KEY, ImportResult, parse
from projects.access import require_role
from projects.models import Role

SEED = Path(__file__).resolve().parent.parent / "indicators" / "fixtures" / "library_seed.csv"
SEED_REASON = "载入指标库种子数据（indicators/fixtures/library_seed.csv）"
IMPORT_REASON = "管理员导入指标库工作簿"
PROPOSERS_ONLY = "只有填报人可以向指标库提议新指标"
DECIDERS_ONLY = "只有管理员可以收录或不采纳指标库条目"
DECISION_REASONS = {EntryStatus.ACCEPTED: "管理员收录为指标库条目", EntryStatus.REJECTED: "管理员不采纳该提议"}
EDITABLE_FIELDS = ("explanation", "nature", "unit", "typical_value", "scoring_standard", "data_source",
                   "source_title", "source_url", "status")  # fmt: skip


def _key(entry: LibraryEntry) -> tuple[str, ...]:
    return tuple(getattr(entry, name) for name in KEY)


def load_seed(path: Path = SEED) -> int:
    """Add the seed's entries that are not in the library yet (idempotent); returns how many."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    existing = {tuple(row) for row in LibraryEntry.objects.values_list(*KEY)}
    new = [LibraryEntry(**row, status=EntryStatus.ACCEPTED) for row in rows]
    new = [entry for entry in new if _key(entry) not in existing]
    for entry in new:
        entry._change_reason = SEED_REASON
    with transaction.atomic():
        bulk_create_with_history(new, LibraryEntry, batch_size=500, default_change_reason=SEED_REASON)
    return len(new)


@transaction.atomic
def import_workbook(user: Any, source: str | IO[bytes]) -> ImportResult:
    """Entries of the workbook, created or (same 行业, 主管部门, 一级, 二级, 三级) updated, all or nothing:
    ImportRefused with every error by sheet, row and column when any row is wrong."""
    if require_role(user) != Role.ADMIN:
        raise PermissionDenied(DECIDERS_ONLY)
    parsed = [entry for _, entry in parse(source)]
    current = {_key(entry): entry for entry in LibraryEntry.objects.all()}
    created = updated = 0
    for entry in parsed:
        old = current.get(_key(entry))
        if old is None:
            entry._change_reason = IMPORT_REASON
            entry.save()
            created += 1
            continue
        changed = [name for name in EDITABLE_FIELDS if getattr(old, name) != getattr(entry, name)]
        if changed:
            for name in changed:
                setattr(old, name, getattr(entry, name))
            old._change_reason = IMPORT_REASON
            old.save()
            updated += 1
    return ImportResult(created=created, updated=updated)


def propose(user: Any, entry: LibraryEntry) -> LibraryEntry:
    """An officer's new entry, waiting for an admin (status 待审核)."""
    if require_role(user) != Role.OFFICER:
        raise PermissionDenied(PROPOSERS_ONLY)
    entry.status, entry.proposed_by = EntryStatus.PROPOSED, user
    entry._change_reason = "填报人提议新增指标库条目"
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def decide(user: Any, entries: Iterable[LibraryEntry], status: str, reason: str = "") -> int:
    """Accept or reject entries (an admin's); each change is in the entry's history with the reason."""
    if require_role(user) != Role.ADMIN:
        raise PermissionDenied(DECIDERS_ONLY)
    if status not in DECISION_REASONS:
        raise ValueError(status)
    count = 0
    for entry in entries:
        if entry.status == status:
            continue
        entry.status = status
        entry._change_reason = reason or DECISION_REASONS[status]
        entry._history_user = user
        entry.save(update_fields=["status", "changed_at"])
        count += 1
    return count
