"""Benchmark: the lists that grow, at 500, 5,000 and 50,000 projects (issue 10, "Lists that stay flat").

For each size it seeds a fresh throw-away database (units of 50 projects × 12 indicators, every
state, stored totals and warnings as the engine leaves them), then requests each list page through
Django's test client and prints the median server time, the SQL query count and the page size.
The last table is the ratio of each figure at the largest size to the smallest: flat lists give
about 1. Run on PostgreSQL for figures that mean something:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/lists.py
    .venv/bin/python bench/lists.py --sizes 500,5000 --runs 9      # quicker
"""

from __future__ import annotations

import argparse
import os
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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.pages import YEAR, seed  # noqa: E402
from bench.throwaway import on_test_database  # noqa: E402
from projects.models import Membership, Project, Role  # noqa: E402
from projects.scores import projects_rescore  # noqa: E402

PER_UNIT = 50


def pages(admin: object, evaluator: object, department: int) -> list[tuple[str, object, str]]:
    lst, queue, batch = reverse("projects:list"), reverse("review:queue"), reverse("reports:batch")
    return [
        ("admin project list", admin, f"{lst}?year={YEAR}"),
        ("  filtered+sorted, p.3", admin, f"{lst}?year={YEAR}&department={department}&warning=any&sort=-total&page=3"),
        ("  search by name", admin, f"{lst}?year={YEAR}&q=项目7-"),
        ("evaluator project list", evaluator, f"{lst}?year={YEAR}"),
        ("review queue", evaluator, f"{queue}?year={YEAR}"),
        ("  queue sorted, p.10", evaluator, f"{queue}?year={YEAR}&sort=-warnings&page=10"),
        ("batch-export picker", admin, f"{batch}?year={YEAR}&statuses=approved"),
        ("admin change list", admin, reverse("admin:projects_project_changelist") + f"?year={YEAR}"),
        ("admin indicators", admin, reverse("admin:indicators_indicator_changelist")),
    ]


SLOWEST = 0  # --slowest N: print the N slowest statements of each page


def measure(client: Client, url: str, runs: int) -> tuple[float, int, int, int]:
    client.get(url)  # warm up
    queries: list[str] = []
    timed: list[tuple[float, str]] = []

    def count(execute, sql, params, many, context):  # every SQL statement the page sends
        queries.append(sql)
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - start, sql))

    with connection.execute_wrapper(count):
        response = client.get(url)
    for seconds, sql in sorted(timed, reverse=True)[:SLOWEST]:
        print(f"      {seconds * 1000:6.1f} ms  {sql[:150]}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries), len(response.content), response.status_code


def run_size(size: int, runs: int, results: dict[str, list[tuple[int, float, int, int]]]) -> None:
    _, evaluator, _ = seed(size // PER_UNIT, PER_UNIT)
    ids = list(Project.objects.values_list("pk", flat=True))
    projects_rescore(project_ids=ids)  # stored totals, grades and warning codes, as every write path leaves them
    admin = get_user_model().objects.create_user("bench_admin", password="bench-pass-2026", is_staff=True,
                                                 is_superuser=True)  # fmt: skip
    Membership.objects.create(user=admin, role=Role.ADMIN)
    department = Project.objects.values_list("unit__department", flat=True).first()
    if connection.vendor == "postgresql":  # what autovacuum does in production after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"\n{size} projects ({connection.vendor}):")
    for name, user, url in pages(admin, evaluator, department):
        client = Client()
        client.force_login(user)
        median, queries, size_bytes, status = measure(client, url, runs)
        results.setdefault(name, []).append((size, median, queries, size_bytes))
        print(f"  {name:<24} median {median * 1000:7.1f} ms  queries {queries:3d}  {size_bytes / 1024:6.1f} KB"
              f"  (HTTP {status})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000,50000", help="project counts, comma-separated")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest SQL statements of each page")
    args = parser.parse_args()
    global SLOWEST
    SLOWEST = args.slowest
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, list[tuple[int, float, int, int]]] = {}
    for size in sizes:
        on_test_database(f"lists{size}", lambda size=size: run_size(size, args.runs, results))
    if len(sizes) > 1:
        print(f"\nratio {sizes[-1]} : {sizes[0]} projects (flat = 1.0)")
        for name, rows in results.items():
            (_, t0, q0, b0), (_, t1, q1, b1) = rows[0], rows[-1]
            print(f"  {name:<24} time {t1 / t0:5.2f}×  queries {q1 - q0:+d}  size {b1 / b0:5.2f}×")


if __name__ == "__main__":
    main()
