"""`manage.py library_load`: the 指标库 seed (indicators/fixtures/library_seed.csv), idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from library.models import LibraryEntry
from library.services import load_seed


class Command(BaseCommand):
    help = "载入指标库种子数据（可重复执行，已有条目不重复载入）"

    def handle(self, *args: object, **options: object) -> None:
        added = load_seed()
        self.stdout.write(f"指标库已就绪：新增 {added} 条，共 {LibraryEntry.objects.count()} 条。")
