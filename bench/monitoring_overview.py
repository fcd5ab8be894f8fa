"""Benchmark: the 运行监控 overview at 500, 5,000 and 50,000 projects (issue 17, "It stays flat").

For each size it seeds a fresh throw-away database as bench/lists.py does (bench.pages.seed: units of
50 projects × 12 indicators, one year), spreads the units over 10 主管部门, and gives every project a
monitoring report with stored lights (60% green, 25% yellow, 15% red; budget progress spread) and an
observation per indicator (about 80% green, 8% yellow, 6% red, 6% blue, with cause categories), as
monitoring.services.report_recompute leaves them (with each report's counts of its observations,
monitoring.counts.recount, which the database's triggers add up per unit). Then it requests the overview and its export
through Django's test client and prints the median server time, the SQL query count and the page
size; the last table is the ratio of the largest size to the smallest (flat = 1.0). Every size's
database stays open and the pages are timed at each size in turn, run after run, so a shared host's
changing load falls on every size alike (the ratio also as the median of each run's; `--serial`: one
size after the other, as before). Run on PostgreSQL for figures that mean something:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/monitoring_overview.py
    .venv/bin/python bench/monitoring_overview.py --sizes 500,5000 --runs 5      # quicker
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
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

import bench.lists  # noqa: E402
from bench.lists import measure  # noqa: E402
from bench.pages import YEAR, insert, seed  # noqa: E402
from bench.throwaway import on_test_database  # noqa: E402
from indicators.models import Indicator  # noqa: E402
from monitoring.counts import recount  # noqa: E402
from monitoring.models import MonitoringReport, Observation  # noqa: E402
from projects.models import Department, Membership, Project, Role, Unit, YearPlan  # noqa: E402

PER_UNIT = 50
DEPARTMENTS = 10
MONTH = 7
CAUSES = [["经费保障"], ["制度保障", "人员保障"], ["硬件条件保障"], ["其他"], ["经费保障", "其他"], []]


def project_light(i: int) -> str:
    return "red" if i % 20 < 3 else "yellow" if i % 20 < 8 else "green"


def observation_light(k: int) -> str:
    return "red" if k % 50 < 3 else "yellow" if k % 50 < 7 else "blue" if k % 50 < 10 else "green"


def monitor_all() -> None:
    """A report per project and an observation per indicator, with their stored lights."""
    units = list(Unit.objects.order_by("pk"))
    departments = Department.objects.bulk_create([Department(code=f"D{d:02d}", name=f"基准主管部门{d}")
                                                  for d in range(DEPARTMENTS)])  # fmt: skip
    for i, unit in enumerate(units):
        unit.department = departments[i % DEPARTMENTS]
    Unit.objects.bulk_update(units, ["department"], batch_size=1000)
    YearPlan.objects.create(year=YEAR, stages=["monitoring", "self_evaluation"], monitoring_month=MONTH)
    projects = list(Project.objects.order_by("pk").values_list("pk", "unit_id"))
    reports = []
    for i, (pk, unit) in enumerate(projects):
        executed = Decimal(20 + (i * 7) % 60)  # of 100: progress 20–79%, v = progress / 58.33 × 100
        value = (executed * 12 * 100 / (100 * MONTH)).quantize(Decimal("0.01"))
        light = project_light(i)
        reports.append(MonitoringReport(project_id=pk, year=YEAR, unit_id=unit, month=MONTH, light=light,
                                        budget_light=light, budget_annual=Decimal(100), budget_executed=executed,
                                        budget_progress=executed, budget_value=value))  # fmt: skip
    insert(MonitoringReport, reports)
    by_project = dict(MonitoringReport.objects.values_list("project_id", "pk"))
    rows = Indicator.objects.order_by("pk").values_list("pk", "project_id")
    insert(Observation, [
        Observation(report_id=by_project[project], indicator_id=pk, light=observation_light(k),
                    causes=CAUSES[k % len(CAUSES)] if observation_light(k) in ("red", "yellow") else [],
                    reason="资金拨付滞后" if observation_light(k) in ("red", "yellow") else "")
        for k, (pk, project) in enumerate(rows)
    ])  # fmt: skip
    recount()  # each report's counts of its observations, as report_recompute stores them (triggers add them up)


def pages(admin: object, evaluator: object, department: int, unit: int) -> list[tuple[str, object, str]]:
    page, export = reverse("monitoring_overview:overview"), reverse("monitoring_overview:xlsx")
    return [
        ("admin overview", admin, f"{page}?year={YEAR}"),
        ("  a 主管部门", admin, f"{page}?year={YEAR}&department={department}"),
        ("  yellow, p.3", admin, f"{page}?year={YEAR}&light=yellow&page=3"),
        ("evaluator overview", evaluator, f"{page}?year={YEAR}"),
        ("  one unit", evaluator, f"{page}?year={YEAR}&unit={unit}"),
        ("export, one unit", evaluator, f"{export}?year={YEAR}&unit={unit}"),
    ]


def seeded(size: int) -> list[tuple[str, Client, str]]:
    """Seed `size` projects with their monitoring into the current database; each page with a client
    logged in there (its session lives there)."""
    _, evaluator, _ = seed(size // PER_UNIT, PER_UNIT)
    monitor_all()
    admin = get_user_model().objects.create_user("bench_admin", password="bench-pass-2026", is_staff=True,
                                                 is_superuser=True)  # fmt: skip
    Membership.objects.create(user=admin, role=Role.ADMIN)
    unit = Unit.objects.order_by("pk").first()
    if connection.vendor == "postgresql":  # what autovacuum does in production after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    out = []
    for name, user, url in pages(admin, evaluator, unit.department_id, unit.pk):
        client = Client()
        client.force_login(user)
        out.append((name, client, url))
    return out


def open_database(size: int) -> tuple[str, str]:
    """A fresh throw-away database for `size` (as bench.throwaway), left open beside the others:
    (the name to restore when it is dropped, its own name)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / f"evalsys-bench-monitoring{size}.sqlite3")
    else:
        db["TEST"]["NAME"] = f"evalsys_bench_monitoring{size}"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return old, connection.settings_dict["NAME"]


def use(name: str) -> None:
    """Point the connection at database `name` (reconnects on the next query)."""
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = name


def interleaved(sizes: list[int], runs: int) -> None:
    """Every size's database open at once, each page timed at every size in turn, run after run, so a
    change of the host's load (a shared 2-core machine) falls on every size alike: the ratio of each
    run's times is as meaningful as the medians'."""
    opened: list[tuple[int, str, str, list[tuple[str, Client, str]]]] = []
    try:
        for size in sizes:
            old, name = open_database(size)
            opened.append((size, old, name, seeded(size)))
        times: dict[tuple[str, int], list[float]] = {}
        counted: dict[tuple[str, int], tuple[int, int, int]] = {}
        for size, _, name, clients in opened:
            use(name)
            print(f"\n{size} projects, {Observation.objects.count()} observations ({connection.vendor}):")
            for page, client, url in clients:
                _, queries, size_bytes, status = measure(client, url, 0)  # warm, then the queries counted
                counted[page, size] = (queries, size_bytes, status)
        for _ in range(runs):
            for size, _, name, clients in opened:
                use(name)
                for page, client, url in clients:
                    client.get(url)  # after the switch: the connection and its caches warm again
                    start = time.perf_counter()
                    client.get(url)
                    times.setdefault((page, size), []).append(time.perf_counter() - start)
        for size, *_ in opened:
            print(f"\n{size} projects:")
            for page, *_ in opened[0][3]:
                queries, size_bytes, status = counted[page, size]
                median = statistics.median(times[page, size])
                print(f"  {page:<20} median {median * 1000:7.1f} ms  queries {queries:3d}  {size_bytes / 1024:6.1f} KB"
                      f"  (HTTP {status})")  # fmt: skip
        if len(sizes) > 1:
            first, last = sizes[0], sizes[-1]
            print(f"\nratio {last} : {first} projects (flat = 1.0), {runs} runs interleaved")
            for page, *_ in opened[0][3]:
                t0, t1 = times[page, first], times[page, last]
                paired = statistics.median(b / a for a, b in zip(t0, t1, strict=True))
                (q0, b0, _), (q1, b1, _) = counted[page, first], counted[page, last]
                print(f"  {page:<20} time {statistics.median(t1) / statistics.median(t0):5.2f}×  "
                      f"median of run ratios {paired:5.2f}×  queries {q1 - q0:+d}  size {b1 / b0:5.2f}×")  # fmt: skip
    finally:
        for _, old, name, _ in reversed(opened):
            use(name)
            connection.creation.destroy_test_db(old, verbosity=0)


def run_size(size: int, runs: int, results: dict[str, list[tuple[int, float, int, int]]]) -> None:
    clients = seeded(size)
    print(f"\n{size} projects, {Observation.objects.count()} observations ({connection.vendor}):")
    for name, client, url in clients:
        median, queries, size_bytes, status = measure(client, url, runs)
        results.setdefault(name, []).append((size, median, queries, size_bytes))
        print(f"  {name:<20} median {median * 1000:7.1f} ms  queries {queries:3d}  {size_bytes / 1024:6.1f} KB"
              f"  (HTTP {status})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000,50000", help="project counts, comma-separated")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest SQL statements of each page")
    parser.add_argument(
        "--serial",
        action="store_true",
        help="one size after the other, each database dropped before the next is made (less disk)",
    )
    args = parser.parse_args()
    bench.lists.SLOWEST = args.slowest
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not args.serial:
        interleaved(sizes, args.runs)
        return
    results: dict[str, list[tuple[int, float, int, int]]] = {}
    for size in sizes:
        on_test_database(f"monitoring{size}", lambda size=size: run_size(size, args.runs, results))
    if len(sizes) > 1:
        print(f"\nratio {sizes[-1]} : {sizes[0]} projects (flat = 1.0)")
        for name, rows in results.items():
            (_, t0, q0, b0), (_, t1, q1, b1) = rows[0], rows[-1]
            print(f"  {name:<20} time {t1 / t0:5.2f}×  queries {q1 - q0:+d}  size {b1 / b0:5.2f}×")


if __name__ == "__main__":
    main()
