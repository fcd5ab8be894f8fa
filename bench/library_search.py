"""Benchmark: the 指标库 search as an officer types a 三级 name, at 20,000 entries (issue 16 §3).

Seeds a throw-away database with 20,000 accepted entries made from the 407-entry seed by variation
(qualifiers before and after the name, other departments), then replays keystrokes: every prefix of
40 seed names (one to six characters) and a substring from the middle of each. For each it times
`library.selectors.search` as the suggest endpoint calls it and the endpoint itself through
Django's test client, and the first search after a change (the process reloads its snapshot),
and prints the median, 95th percentile and maximum in ms. The target is a median under 50 ms a
keystroke; the exit status is 1 when the endpoint's median is not under it.

    .venv/bin/python bench/library_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/library_search.py
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsys.settings")
os.environ.setdefault("DEBUG", "1")  # a benchmark, not a server: the development key will do

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.throwaway import on_test_database  # noqa: E402
from library.models import EntryStatus, LibraryEntry  # noqa: E402
from library.selectors import _SNAPSHOT, search  # noqa: E402
from library.services import SEED  # noqa: E402
from library.views import SUGGESTIONS  # noqa: E402
from scoring.schemes import get_scheme  # noqa: E402

TARGET_MS = 50
BEFORE = ("", "全市", "全县", "农村", "城乡", "重点", "年度", "新增", "省级", "基层")
AFTER = ("", "（累计）", "（当年）", "（试点）", "（全覆盖）")
PLACES = (
    "北京市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "四川省",
    "贵州省",
    "云南省",
)


def seed_rows() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def fill(size: int) -> None:
    rows, made, n = seed_rows(), [], 0
    while len(made) < size:
        for row in rows:
            before, after = BEFORE[n % len(BEFORE)], AFTER[(n // len(BEFORE)) % len(AFTER)]
            place = PLACES[(n // (len(BEFORE) * len(AFTER))) % len(PLACES)]
            level3 = f"{before}{row['level3']}{after}"[:300]
            made.append(LibraryEntry(**(row | {"level3": level3, "department": f"{place}{row['department']}"}),
                                     status=EntryStatus.ACCEPTED))  # fmt: skip
            if len(made) == size:
                break
        n += 1
    LibraryEntry.objects.bulk_create(made, batch_size=2000)


def keystrokes(count: int) -> list[str]:
    names = [row["level3"] for row in seed_rows() if len(row["level3"]) >= 3]
    picked = random.Random(16).sample(names, count)
    typed = [name[:n] for name in picked for n in range(1, min(len(name), 6) + 1)]
    return typed + [name[1:3] for name in picked]


def timed(call, runs: int) -> float:
    best = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        best.append(time.perf_counter() - start)
    return statistics.median(best) * 1000


def report(label: str, figures: list[float]) -> float:
    figures = sorted(figures)
    median, p95 = statistics.median(figures), figures[int(len(figures) * 0.95) - 1]
    print(f"  {label:<34} median {median:6.2f} ms   p95 {p95:6.2f} ms   max {figures[-1]:6.2f} ms")
    return median


def run(size: int, words: int, runs: int) -> None:
    fill(size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE library_libraryentry")
    from django.contrib.auth import get_user_model

    from projects.models import Membership, Role, Unit

    user = get_user_model().objects.create_user("bench_officer")
    Membership.objects.create(user=user, role=Role.OFFICER, unit=Unit.objects.create(code="999001", name="测试单位"))
    client = Client()
    client.force_login(user)
    level1 = get_scheme("national").level1_names
    typed = keystrokes(words)
    url = reverse("library:suggest")
    count = LibraryEntry.objects.count()
    print(f"{connection.vendor}: {count:,} entries, {len(typed)} keystrokes, median of {runs} runs each")
    found = [len(search(q, level1=level1, limit=SUGGESTIONS, blank_levels=True)) for q in typed]
    selector = [timed(lambda q=q: search(q, level1=level1, limit=SUGGESTIONS, blank_levels=True), runs) for q in typed]
    endpoint = [timed(lambda q=q: client.get(url, {"q": q, "scheme": "national"}), runs) for q in typed]
    report("library.selectors.search", selector)
    median = report("GET /library/suggest/ (whole request)", endpoint)
    one = [t for q, t in zip(typed, endpoint, strict=True) if len(q) == 1]
    report("  of which one-character keystrokes", one)
    reload = [timed(lambda: (_SNAPSHOT.clear(), search("培训", level1=level1, limit=SUGGESTIONS)), 1) for _ in range(5)]
    report("first keystroke after a change", reload)
    print(f"  suggestions per keystroke: median {statistics.median(found)}, none for {found.count(0)}")
    verdict = "under" if median < TARGET_MS else "NOT under"
    print(f"  endpoint median {median:.2f} ms: {verdict} the {TARGET_MS} ms target")
    if median >= TARGET_MS:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    on_test_database("library", lambda: run(args.size, args.words, args.runs))


if __name__ == "__main__":
    main()
