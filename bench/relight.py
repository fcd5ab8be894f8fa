"""Benchmark: a change of a year's 运行监控 light bands (issue 17). The admin's save of the 年度安排 only
queues the relight (monitoring.relight), so its time should not grow with the year's reports; the
task worker's relight (relight_run) does the work the request used to do (year_lights_refresh, in
the admin's transaction, before 8ab2b8f).

For each size it seeds a fresh throw-away database as bench/monitoring_overview.py does (units of 50
projects × 12 indicators, a report and an observation per indicator with stored lights), then times
the admin's POST of the 年度安排 change form with new bands (median of `--runs`, the bands alternating
so every save changes them) and one relight_run of the year. Run on PostgreSQL for figures that
mean something:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/relight.py
    .venv/bin/python bench/relight.py --sizes 500,5000 --runs 5      # quicker
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.monitoring_overview import PER_UNIT, monitor_all  # noqa: E402
from bench.pages import YEAR, seed  # noqa: E402
from bench.throwaway import on_test_database  # noqa: E402
from monitoring.models import MonitoringReport, Relight  # noqa: E402
from monitoring.relight import relight_run  # noqa: E402
from projects.models import Membership, Role, YearPlan  # noqa: E402


def one_size(size: int, runs: int, out: dict[int, tuple[float, int, float, int]]) -> None:
    seed(size // PER_UNIT, PER_UNIT)
    monitor_all()
    admin = get_user_model().objects.create_user("bench_admin", password="bench-pass-2026", is_staff=True,
                                                 is_superuser=True)  # fmt: skip
    Membership.objects.create(user=admin, role=Role.ADMIN)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    client = Client()
    client.force_login(admin)
    plan = YearPlan.objects.get(year=YEAR)
    url = reverse("admin:projects_yearplan_change", args=[plan.pk])
    base = {"year": YEAR, "stages": ["monitoring", "self_evaluation"], "monitoring_month": plan.monitoring_month,
            "indicator_red": "80", "over_run": "120"}  # fmt: skip
    times = []
    for run in range(runs + 1):  # the first warms up
        green = "75" if run % 2 else "85"
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post(url, {**base, "budget_green": green, "budget_yellow": "60"})
            elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.content[:500]
        if run:
            times.append(elapsed)
    job = Relight.objects.order_by("-pk").first()
    reports = MonitoringReport.objects.count()
    start = time.perf_counter()
    relight_run(job.pk)
    worker = time.perf_counter() - start
    assert Relight.objects.get(pk=job.pk).state == "done"
    out[size] = (statistics.median(times), len(queries), worker, reports)
    print(f"{size:>7} projects ({connection.vendor}): admin save median {out[size][0] * 1000:7.1f} ms, "
          f"{out[size][1]} queries; the worker relit {reports} reports in {worker:6.1f} s "
          f"({reports / worker:6.0f} a second)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    setup_test_environment()  # the test client's host is allowed
    out: dict[int, tuple[float, int, float, int]] = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        on_test_database(f"relight{size}", lambda size=size: one_size(size, args.runs, out))
    if len(out) > 1:
        first, last = min(out), max(out)
        print(f"\nratio {last} : {first} projects: admin save {out[last][0] / out[first][0]:5.2f}× (flat = 1.0), "
              f"worker {out[last][2] / out[first][2]:5.2f}×")  # fmt: skip


if __name__ == "__main__":
    main()
