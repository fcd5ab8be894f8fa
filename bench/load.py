"""Load test: simulated officers and evaluators against gunicorn + PostgreSQL on loopback.

Seeds a throw-away database (100 units × 50 projects × 12 indicators by default, as
bench/pages.py), starts the production server (`gunicorn evalsys.wsgi --config gunicorn.conf.py`,
DEBUG off) on it, then runs `--users` simulated users for `--duration` seconds: each logs in
and loops over its role's pages and HTMX posts with a think time of 0–4 s. Officers read the
project list, project pages and the indicator editor and post actuals and tree rows over HTMX;
evaluators read the review queue, overview, project list and review pages and post 审核意见
over HTMX. Prints requests/s, p50/p95/p99 and errors per endpoint, and overall, and how many
HTMX edits were refused (another user saved first). Bounded in time; exits 1 on any error.
The database is its own (`evalsys_bench_load`, dropped at the end), never pytest's `test_…`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py \
        [--users 50] [--duration 60] [--units 100] [--per-unit 50] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsys.settings")
os.environ.setdefault("DEBUG", "1")  # the seeding process only; the server runs with DEBUG off

import django  # noqa: E402

django.setup()

import aiohttp  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402

from bench.pages import YEAR, seed  # noqa: E402
from bench.throwaway import on_test_database  # noqa: E402
from indicators.models import Indicator  # noqa: E402
from projects.models import Membership, Project, Role, Status, Unit  # noqa: E402
from projects.scores import projects_rescore  # noqa: E402
from scoring.rules import fmt  # noqa: E402

PASSWORD = "load-pass-2026"
THINK = (0.0, 4.0)
VERSION = re.compile(r'id="project-version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.times[name].append(seconds)
        if not ok:
            self.errors[name] += 1
            self.samples.setdefault(name, detail)


def users_for(units: list[Unit], officers: int, evaluators: int) -> list[tuple[str, str, list[int]]]:
    """(username, role, draft project ids) for each simulated user."""
    model, out = get_user_model(), []
    hashed = make_password(PASSWORD)  # one hash for every user: each is a second of CPU at the default cost
    for i in range(officers):
        unit, share = units[i % len(units)], i // len(units)  # officers of one unit edit different projects
        name = f"load_officer_{i}"
        Membership.objects.create(user=model.objects.create(username=name, password=hashed), role=Role.OFFICER,
                                  unit=unit)  # fmt: skip
        drafts = Project.objects.filter(unit=unit, status=Status.DRAFT).order_by("pk").values_list("pk", flat=True)
        out.append((name, Role.OFFICER, list(drafts[share * 10 : share * 10 + 10] or drafts[:10])))
    for j in range(evaluators):
        name = f"load_evaluator_{j}"
        membership = Membership.objects.create(user=model.objects.create(username=name, password=hashed),
                                               role=Role.EVALUATOR)  # fmt: skip
        membership.review_units.set(units)
        submitted = list(Project.objects.filter(status=Status.SUBMITTED).values_list("pk", flat=True)[j * 7 :][:20])
        out.append((name, Role.EVALUATOR, submitted))
    return out


class User:
    """One simulated browser: its own cookies (kept by hand: the server's are Secure-flagged)."""

    def __init__(self, http: aiohttp.ClientSession, base: str, stats: Stats, rng: random.Random) -> None:
        self.http, self.base, self.stats, self.rng = http, base, stats, rng
        self.cookies: dict[str, str] = {}

    async def request(self, name: str, method: str, path: str, *, expect: int = 200, **kwargs) -> str:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **kwargs.pop("headers", {})}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        start = time.perf_counter()
        try:
            async with self.http.request(method, self.base + path, headers=headers, allow_redirects=False,
                                         **kwargs) as response:  # fmt: skip
                body = await response.text()
                for key, morsel in response.cookies.items():
                    self.cookies[key] = morsel.value
                ok = response.status == expect  # a redirect to the login page is a failure too
                self.stats.add(name, time.perf_counter() - start, ok, f"HTTP {response.status} {path}")
                return body
        except (TimeoutError, aiohttp.ClientError) as exc:
            self.stats.add(name, time.perf_counter() - start, False, f"{type(exc).__name__} {path}")
            return ""

    async def login(self, username: str) -> None:
        page = await self.request("login page", "GET", "/login/")
        token = CSRF.search(page)
        data = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""}
        await self.request("login", "POST", "/login/", data=data, expect=302)

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*THINK))


async def officer(user: User, drafts: list[int], deadline: float) -> None:
    versions: dict[int, str] = {}
    while time.monotonic() < deadline:
        pk = user.rng.choice(drafts)
        action = user.rng.random()
        if action < 0.2:
            await user.request("officer: project list", "GET", f"/?year={YEAR}")
        elif action < 0.4:
            await user.request("officer: project page", "GET", f"/{pk}/")
        elif action < 0.6:
            page = await user.request("officer: indicator editor", "GET", f"/indicators/projects/{pk}/")
            if found := VERSION.search(page):
                versions[pk] = found.group(1)
        elif action < 0.9:
            await post_editor(user, pk, versions, actual=True)
        else:
            await post_editor(user, pk, versions, actual=False)
        await user.think()


async def post_editor(user: User, pk: int, versions: dict[int, str], *, actual: bool) -> None:
    """An HTMX post of the editor, an actual or a tree row (its definition as it stands, the weight
    retyped): needs the project's version, which the reply moves on. A reply without the version
    was refused (someone else saved first, or an input error): counted, not an error."""
    if pk not in versions:
        page = await user.request("officer: indicator editor", "GET", f"/indicators/projects/{pk}/")
        found = VERSION.search(page)
        if not found:
            return
        versions[pk] = found.group(1)
    row = user.rng.choice(PROJECT_INDICATORS[pk])
    ipk = row["pk"]
    if actual:
        name, path = "officer: HTMX actual", f"/indicators/projects/{pk}/{ipk}/actual/"
        data = {f"a{ipk}-actual": str(user.rng.randint(80, 130)), f"a{ipk}-reason": "说明"}
    else:
        name, path = "officer: HTMX tree row", f"/indicators/projects/{pk}/{ipk}/"
        data = {f"i{ipk}-{key}": value for key, value in row.items() if key != "pk"}
    body = await user.request(name, "POST", path, data={"version": versions[pk], **data},
                              headers={"HX-Request": "true"})  # fmt: skip
    if found := VERSION.search(body):
        versions[pk] = found.group(1)
    else:
        user.stats.refused[name] += 1
        versions.pop(pk, None)


async def evaluator(user: User, submitted: list[int], deadline: float) -> None:
    while time.monotonic() < deadline:
        action = user.rng.random()
        if action < 0.3:
            await user.request("evaluator: review queue", "GET", f"/review/?year={YEAR}")
        elif action < 0.5:
            await user.request("evaluator: overview", "GET", f"/review/overview/?year={YEAR}")
        elif action < 0.7 or not submitted:
            await user.request("evaluator: project list", "GET", f"/?year={YEAR}&q={quote('基准')}")
        elif action < 0.9:
            await user.request("evaluator: review page", "GET", f"/review/{user.rng.choice(submitted)}/")
        else:  # 审核意见 on one indicator over HTMX: the reply is that indicator's row
            pk = user.rng.choice(submitted)
            ipk = user.rng.choice(PROJECT_INDICATORS[pk])["pk"]
            text = f"请补充说明{user.rng.randint(1, 99)}"
            body = await user.request("evaluator: HTMX note", "POST", f"/review/{pk}/indicators/{ipk}/note/",
                                      data={f"n{ipk}-text": text}, headers={"HX-Request": "true"})  # fmt: skip
            if "已保存" not in body:  # the row came back with an error instead of the saved badge
                user.stats.refused["evaluator: HTMX note"] += 1
        await user.think()


PROJECT_INDICATORS: dict[int, list[dict[str, str | int]]] = {}  # draft and submitted: pk and tree-row fields


async def simulate(base: str, cast: list[tuple[str, str, list[int]]], duration: float, stats: Stats) -> float:
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        users = [User(http, base, stats, random.Random(i)) for i in range(len(cast))]
        gate = asyncio.Semaphore(os.cpu_count() or 2)  # a login hashes the password for ~1 s of CPU: 50 at once
        # would queue past the client's timeout, and logging in is not what is measured

        async def login(user: User, name: str) -> None:
            async with gate:
                await user.login(name)

        await asyncio.gather(*(login(u, name) for u, (name, _, _) in zip(users, cast, strict=True)))
        start = time.monotonic()
        deadline = start + duration
        await asyncio.gather(*(
            (officer if role == Role.OFFICER else evaluator)(u, ids, deadline)
            for u, (_, role, ids) in zip(users, cast, strict=True)
        ))  # fmt: skip
        return time.monotonic() - start


def report(stats: Stats, elapsed: float) -> int:
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    print(f"{'endpoint':<28} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    every: list[float] = []
    for name in sorted(stats.times):
        values = stats.times[name]
        every += values if not name.startswith("login") else []
        print(f"{name:<28} {len(values):>8} {len(values) / elapsed:>7.1f} {statistics.median(values) * 1000:>8.1f} "
              f"{pct(values, 0.95):>8.1f} {pct(values, 0.99):>8.1f} {stats.errors[name]:>6}")  # fmt: skip
    errors = sum(stats.errors.values())
    median = statistics.median(every) * 1000
    print(f"{'all (after login)':<28} {len(every):>8} {len(every) / elapsed:>7.1f} {median:>8.1f} "
          f"{pct(every, 0.95):>8.1f} {pct(every, 0.99):>8.1f} {errors:>6}")  # fmt: skip
    for name, sample in stats.samples.items():
        print(f"  first error of {name}: {sample}")
    for name, n in sorted(stats.refused.items()):
        print(f"  {name}: {n} of {len(stats.times[name])} refused (another user saved first, or an input error)")
    return 1 if errors else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(port: int) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    return {**env, "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0", "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "/dev/null",
            "AXES_FAILURE_LIMIT": "1000"}  # fmt: skip


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def tree_rows() -> None:
    """Each draft or submitted project's indicators: the pk, and the fields of its tree row as the editor shows them."""
    rows = Indicator.objects.filter(project__status__in=[Status.DRAFT, Status.SUBMITTED]).order_by("position", "pk")
    for r in rows.values("pk", "project_id", "level1", "level2", "level3", "comparator", "target", "unit", "weight"):
        PROJECT_INDICATORS.setdefault(r["project_id"], []).append({
            "pk": r["pk"], "level1": r["level1"], "level2": r["level2"], "level3": r["level3"],
            "comparator": r["comparator"], "target": fmt(r["target"]), "unit": r["unit"], "weight": fmt(r["weight"]),
        })  # fmt: skip


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()
    _, _, _ = seed(args.units, args.per_unit)
    projects_rescore(project_ids=list(Project.objects.values_list("pk", flat=True)))
    units = list(Unit.objects.order_by("code"))
    officers = round(args.users * args.officer_share)
    cast = users_for(units, officers, args.users - officers)
    tree_rows()
    print(f"seeded {args.units * args.per_unit} projects and {args.users} users in {time.monotonic() - start:.0f} s")
    connection.close()  # the server's workers open their own
    port = free_port()
    env = server_env(port)
    command = [str(ROOT / ".venv/bin/gunicorn"), "evalsys.wsgi", "--config", "gunicorn.conf.py"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)  # DEBUG off: WhiteNoise serves the manifest's files
    log = Path(tempfile.gettempdir()) / "evalsys-load-gunicorn.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr)
    try:
        wait_until_up(port, server)
        print(f"engine: {connection.vendor}; {args.units * args.per_unit} projects × 12 indicators; {args.users} "
              f"users ({officers} officers) for {args.duration:.0f} s against gunicorn on :{port}")  # fmt: skip
        stats = Stats()
        elapsed = asyncio.run(simulate(f"http://127.0.0.1:{port}", cast, args.duration, stats))
        status = report(stats, elapsed)
        if status:
            print(f"  the server's log: {log}")
        return status
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--officer-share", type=float, default=0.7)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--per-unit", type=int, default=50)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/load.py needs PostgreSQL: set DATABASE_URL (the server's workers share it)")
    # Its own database, never test_<NAME>: a pytest run on the same server would be clobbered (autoclobber).
    connection.settings_dict["TEST"]["NAME"] = "evalsys_bench_load"
    status: list[int] = []
    on_test_database("load", lambda: status.append(run(args)))
    raise SystemExit(status[0] if status else 1)


if __name__ == "__main__":
    main()
