"""Benchmark: server time and SQL queries of the main pages over 5,000 projects × 12 indicators.

Seeds 100 units × 50 projects (one year), the officer of unit 0 and an evaluator who reviews
every unit, then requests each page repeatedly through Django's test client and prints the
median time and the query count. Runs on a throw-away test database of the configured
engine: `.venv/bin/python bench/pages.py [--units 100] [--per-unit 50] [--runs 15]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
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

from bench.throwaway import on_test_database  # noqa: E402
from evalsys.lib import bulk  # noqa: E402
from indicators.models import Indicator  # noqa: E402
from projects.models import Department, Fund, FundSource, Membership, Project, Role, Status, Unit  # noqa: E402

YEAR = 2025
TREE = [("产出指标", "数量指标", "≥", 10, "个", 8), ("产出指标", "数量指标", "≥", 120, "人次", 8),
        ("产出指标", "质量指标", "≥", 95, "%", 8), ("产出指标", "质量指标", "≥", 90, "%", 8),
        ("产出指标", "时效指标", "≤", 12, "个月", 8), ("产出指标", "成本指标", "≤", 100, "万元", 10),
        ("效益指标", "社会效益指标", "≥", 500, "人", 10), ("效益指标", "经济效益指标", "≥", 300, "万元", 10),
        ("效益指标", "可持续影响指标", "≥", 80, "%", 5), ("效益指标", "生态效益指标", "≤", 5, "吨", 5),
        ("满意度指标", "服务对象满意度指标", "≥", 90, "%", 5),
        ("满意度指标", "服务对象满意度指标", "≥", 85, "%", 5)]  # fmt: skip
STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED]


def seed(units: int, per_unit: int) -> tuple[object, object, int]:
    dept = Department.objects.create(name="基准部门")
    unit_rows = Unit.objects.bulk_create(
        [Unit(code=f"{900000 + u}", name=f"基准单位{u}", department=dept) for u in range(units)]
    )
    projects = Project.objects.bulk_create(
        [
            Project(unit=unit, year=YEAR, code=f"P{u:03d}{p:04d}", name=f"基准项目{u}-{p}", status=STATUSES[p % 4])
            for u, unit in enumerate(unit_rows)
            for p in range(per_unit)
        ]
    )
    # (bulk_create gives the projects their stage rows: projects.models.projects_created)
    insert(
        Fund,
        [
            Fund(project=p, source=FundSource.FISCAL, annual=Decimal(100), executed=Decimal(90 + i % 10))
            for i, p in enumerate(projects)
        ],
    )
    insert(
        Indicator,
        [
            Indicator(
                project=p,
                position=i,
                level1=l1,
                level2=l2,
                level3=f"指标{i}",
                comparator=c,
                target=Decimal(t),
                unit=u,
                weight=Decimal(w),
                direction="反向" if c == "≤" else "正向",
                actual=Decimal(t + k % 3),
                actual_text=str(t),
                reason="说明",
            )
            for k, p in enumerate(projects)
            for i, (l1, l2, c, t, u, w) in enumerate(TREE)
        ],
    )
    user_model = get_user_model()
    officer = user_model.objects.create_user("bench_officer", password="bench-pass-2026")
    Membership.objects.create(user=officer, role=Role.OFFICER, unit=unit_rows[0])
    evaluator = user_model.objects.create_user("bench_evaluator", password="bench-pass-2026")
    Membership.objects.create(user=evaluator, role=Role.EVALUATOR).review_units.set(unit_rows)
    return officer, evaluator, projects[0].pk


def insert(model: type, rows: list) -> None:
    """The rows bulk_create would write, streamed with COPY on PostgreSQL (600,000 indicators for
    50,000 projects take minutes through the ORM): the import's own COPY path (evalsys.lib.bulk)."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=5000)
        return
    fields = list(model._meta.concrete_fields)
    bulk._prepare(rows, fields)
    bulk.assign_keys(model, rows)
    bulk._copy(model._meta.db_table, fields, [bulk._column(rows, f) for f in fields])


def measure(client: Client, url: str, runs: int) -> tuple[float, int, int]:
    client.get(url)  # warm up
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # every SQL statement the page sends
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(url).status_code
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries), status


def run(units: int, per_unit: int, runs: int) -> None:
    officer, evaluator, first = seed(units, per_unit)
    print(f"engine: {connection.vendor}; {units * per_unit} projects × {len(TREE)} indicators "
          f"({Indicator.objects.count()} rows); officer sees {per_unit}, evaluator all")  # fmt: skip
    pages = [
        ("officer dashboard", officer, reverse("projects:list") + f"?year={YEAR}"),
        ("project page", officer, reverse("projects:detail", args=[first])),
        ("evaluator overview", evaluator, reverse("review:overview") + f"?year={YEAR}"),
    ]
    for name, user, url in pages:
        client = Client()
        client.force_login(user)
        median, queries, status = measure(client, url, runs)
        print(f"{name:<20} median {median * 1000:7.1f} ms  queries {queries:3d}  (HTTP {status})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--per-unit", type=int, default=50)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    on_test_database("pages", lambda: run(args.units, args.per_unit, args.runs))


if __name__ == "__main__":
    main()
