"""Benchmark: the lists that grow, at 500, 5,000 and 50,000 projects (issue 10, "Lists that stay flat").

For each size it seeds a throw-away database of its own (units of 50 projects × 12 indicators,
every state, stored totals and warnings as the engine leaves them), then requests each list page
through Django's test client, one request per size in turn (interleaved: a shared machine's load
falls on every size alike), and prints the median server time, the SQL query count and the page
size. The last table is the ratio of each figure at the largest size to the smallest: flat lists
give about 1. Run on PostgreSQL for figures that mean something:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/lists.py
    .venv/bin/python bench/lists.py --sizes 500,5000 --runs 9      # quicker
    ... bench/lists.py --sizes 500,50000 --keep     # leaves evalsys_bench_lists500/50000 for EXPLAIN
    ... bench/lists.py --sizes 500,50000 --reuse    # measures them again (migrated), without seeding; keeps them
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
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
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Case, F, Value, When  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402
from django.db.models.lookups import Exact  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.pages import YEAR, seed  # noqa: E402
from projects.models import Membership, Project, Role, StageState  # noqa: E402
from projects.scores import projects_rescore  # noqa: E402
from projects.stages import StageKey, StageStatus  # noqa: E402

PER_UNIT = 50

# The review queue's sorted page: one that exists, full, at every size. 500 projects have 125 submitted,
# pages 1-3 with 25 rows on the third; page 10 (this bench's page until stop 21) fell back to page 3 there,
# so the ratio set 50 rows past an offset of 450 against 25 rows past 100. A page's cost grows with its
# offset (OFFSET reads past the entries before it), the same at any number of projects; what grows with
# them is the cost of a page at the same place, which this measures.
QUEUE_PAGE = 2


def pages(admin: object, evaluator: object, department: int) -> list[tuple[str, object, str]]:
    lst, queue, batch = reverse("projects:list"), reverse("review:queue"), reverse("reports:batch")
    targets = reverse("targets:list")
    return [
        ("admin project list", admin, f"{lst}?year={YEAR}"),
        ("  filtered+sorted, p.3", admin, f"{lst}?year={YEAR}&department={department}&warning=any&sort=-total&page=3"),
        ("  search by name", admin, f"{lst}?year={YEAR}&q=项目7-"),
        ("evaluator project list", evaluator, f"{lst}?year={YEAR}"),
        ("review queue", evaluator, f"{queue}?year={YEAR}"),
        (f"  queue sorted, p.{QUEUE_PAGE}", evaluator, f"{queue}?year={YEAR}&sort=-warnings&page={QUEUE_PAGE}"),
        ("batch-export picker", admin, f"{batch}?year={YEAR}&statuses=approved"),
        ("targets list", evaluator, f"{targets}?year={YEAR}"),
        ("  targets by state, p.3", admin, f"{targets}?year={YEAR}&status=approved&page=3"),
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
    return statistics.median(times) if times else 0.0, len(queries), len(response.content), response.status_code


def seeded(size: int) -> None:
    """Seed `size` projects into the current database as every write path leaves them."""
    seed(size // PER_UNIT, PER_UNIT)
    ids = list(Project.objects.values_list("pk", flat=True))
    projects_rescore(project_ids=ids)  # stored totals, grades and warning codes, as every write path leaves them
    admin = get_user_model().objects.create_user("bench_admin", password="bench-pass-2026", is_staff=True,
                                                 is_superuser=True)  # fmt: skip
    Membership.objects.create(user=admin, role=Role.ADMIN)
    declared()
    if connection.vendor == "postgresql":  # what autovacuum does in production after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# the targets stage's states the seeded year's declarations cycle through (most approved, some waiting)
DECLARED = [StageStatus.APPROVED, StageStatus.SUBMITTED, StageStatus.APPROVED, StageStatus.RETURNED,
            StageStatus.APPROVED, StageStatus.REVISING, StageStatus.DRAFT, StageStatus.ADJUSTING]  # fmt: skip


def declared() -> bool:
    """Give the seeded year's targets-stage rows declarations in every state (the seed leaves them
    随自评填报), so the 绩效目标 list has a year of rows; whether it had to (a kept database may have them)."""
    rows = StageState.objects.filter(stage=StageKey.TARGETS, year=YEAR)
    if rows.exclude(status=StageStatus.RECORDED).exists():
        return False
    key = Mod(F("project_id"), len(DECLARED))
    rows.update(status=Case(*(When(Exact(key, n), then=Value(s)) for n, s in enumerate(DECLARED))))
    return True


def logged_in(size: int) -> list[tuple[str, Client, str]]:
    """The pages of the current database, each with a client logged in there (its session lives there)."""
    users = get_user_model().objects
    admin, evaluator = users.get(username="bench_admin"), users.get(username="bench_evaluator")
    department = Project.objects.values_list("unit__department", flat=True).first()
    out = []
    for name, user, url in pages(admin, evaluator, department):
        client = Client()
        client.force_login(user)
        out.append((name, client, url))
    return out


def use(name: str) -> None:
    """Point the connection at database `name` (connected outside any timed request)."""
    connection.close()
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def databases(sizes: list[int], *, reuse: bool) -> tuple[dict[int, str], str]:
    """{size: database name} of every size, seeded (or, with `reuse`, kept from an earlier --keep run and
    migrated), and the configured database's name to go back to."""
    db = settings.DATABASES["default"]
    original = db["NAME"]
    names = {}
    for size in sizes:
        sqlite = db["ENGINE"].endswith("sqlite3")
        name = str(Path(tempfile.gettempdir()) / f"evalsys-bench-lists{size}.sqlite3") if sqlite else \
            f"evalsys_bench_lists{size}"  # fmt: skip
        if reuse and _exists(name, sqlite):
            use(name)
            call_command("migrate", verbosity=0)
            if declared() and not sqlite:  # a database kept before the targets list was measured
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        else:
            db["TEST"]["NAME"] = name
            connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
            seeded(size)
        names[size] = connection.settings_dict["NAME"]
    return names, original


def _exists(name: str, sqlite: bool) -> bool:
    if sqlite:
        return Path(name).exists()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def interleaved(names: dict[int, str], runs: int) -> dict[str, list[tuple[int, float, int, int]]]:
    """Each page at every size, one request per size in turn (round robin): load on a shared machine
    falls on every size alike, so the ratios hold where the absolute times drift."""
    clients = {}
    for size, name in names.items():
        use(name)
        clients[size] = logged_in(size)
    results: dict[str, list[tuple[int, float, int, int]]] = {}
    for i, (page, _, _) in enumerate(clients[next(iter(names))]):
        times: dict[int, list[float]] = {size: [] for size in names}
        first: dict[int, tuple[int, int, int]] = {}
        for size, name in names.items():
            use(name)
            _, client, url = clients[size][i]
            if SLOWEST:
                print(f"  {page} at {size}:")
            _, queries, size_bytes, status = measure(client, url, 0)
            first[size] = (queries, size_bytes, status)
        for _ in range(runs):
            for size, name in names.items():
                use(name)
                _, client, url = clients[size][i]
                start = time.perf_counter()
                client.get(url)
                times[size].append(time.perf_counter() - start)
        for size in names:
            queries, size_bytes, status = first[size]
            median = statistics.median(times[size])
            results.setdefault(page, []).append((size, median, queries, size_bytes))
            print(f"  {page:<24} {size:>6}  median {median * 1000:7.1f} ms  queries {queries:3d}"
                  f"  {size_bytes / 1024:6.1f} KB  (HTTP {status})")  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000,50000", help="project counts, comma-separated")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest SQL statements of each page")
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases (for EXPLAIN, or --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the databases a --keep run left (migrated)")
    args = parser.parse_args()
    global SLOWEST
    SLOWEST = args.slowest
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    sizes = [int(s) for s in args.sizes.split(",")]
    names, original = databases(sizes, reuse=args.reuse)
    try:
        print(f"\n{', '.join(map(str, sizes))} projects ({connection.vendor}), interleaved, {args.runs} runs:")
        results = interleaved(names, args.runs)
    finally:
        if args.keep or args.reuse:  # a reused database stays for the next --reuse
            print("\nkept: " + ", ".join(names.values()))
        else:
            for name in names.values():
                use(name)
                connection.creation.destroy_test_db(original, verbosity=0)
    if len(sizes) > 1:
        print(f"\nratio {sizes[-1]} : {sizes[0]} projects (flat = 1.0)")
        for name, rows in results.items():
            (_, t0, q0, b0), (_, t1, q1, b1) = rows[0], rows[-1]
            print(f"  {name:<24} time {t1 / t0:5.2f}×  queries {q1 - q0:+d}  size {b1 / b0:5.2f}×")


if __name__ == "__main__":
    main()
