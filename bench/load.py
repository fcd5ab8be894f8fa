"""Load test: simulated officers and evaluators against gunicorn + PostgreSQL on loopback.

Seeds a throw-away database (100 units × 50 projects × 12 indicators by default, as
bench/pages.py), starts the production server (`gunicorn evalsys.wsgi --config gunicorn.conf.py`,
DEBUG off) on it, then runs `--users` simulated users for `--duration` seconds: each logs in
and loops over its role's pages and HTMX posts with a think time of 0–4 s. Prints requests/s,
p50/p95/p99 and errors per endpoint, and overall. Bounded in time; exits 1 on any error.

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
from django.db import connection  # noqa: E402

from bench.pages import YEAR, seed  # noqa: E402
from bench.throwaway import on_test_database  # noqa: E402
from projects.models import Membership, Project, Role, Status, Unit  # noqa: E402
from scoring.services import projects_rescore  # noqa: E402

PASSWORD = "load-pass-2026"
THINK = (0.0, 4.0)
VERSION = re.compile(r'id="project-version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.times[name].append(seconds)
        if not ok:
            self.errors[name] += 1
            self.samples.setdefault(name, detail)


def users_for(units: list[Unit], officers: int, evaluators: int) -> list[tuple[str, str, list[int]]]:
    """(username, role, draft project ids) for each simulated user."""
    model, out = get_user_model(), []
    for i in range(officers):
        unit = units[i % len(units)]
        name = f"load_officer_{i}"
        Membership.objects.create(user=model.objects.create_user(name, password=PASSWORD), role=Role.OFFICER,
                                  unit=unit)  # fmt: skip
        drafts = list(Project.objects.filter(unit=unit, status=Status.DRAFT).values_list("pk", flat=True)[:10])
        out.append((name, Role.OFFICER, drafts))
    for j in range(evaluators):
        name = f"load_evaluator_{j}"
        membership = Membership.objects.create(user=model.objects.create_user(name, password=PASSWORD),
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
        if action < 0.25:
            await user.request("officer: project list", "GET", f"/?year={YEAR}")
        elif action < 0.45:
            await user.request("officer: project page", "GET", f"/{pk}/")
        elif action < 0.7:
            page = await user.request("officer: indicator editor", "GET", f"/indicators/projects/{pk}/")
            if found := VERSION.search(page):
                versions[pk] = found.group(1)
        else:
            await post_actual(user, pk, versions)
        await user.think()


async def post_actual(user: User, pk: int, versions: dict[int, str]) -> None:
    """The HTMX actual post of the editor: needs the project's version, which the reply moves on."""
    if pk not in versions:
        page = await user.request("officer: indicator editor", "GET", f"/indicators/projects/{pk}/")
        found = VERSION.search(page)
        if not found:
            return
        versions[pk] = found.group(1)
    ipk = PROJECT_INDICATORS[pk][user.rng.randrange(len(PROJECT_INDICATORS[pk]))]
    data = {"version": versions[pk], f"a{ipk}-actual": str(user.rng.randint(80, 130)), f"a{ipk}-reason": "说明"}
    body = await user.request("officer: HTMX actual", "POST", f"/indicators/projects/{pk}/{ipk}/actual/", data=data,
                              headers={"HX-Request": "true"})  # fmt: skip
    if found := VERSION.search(body):
        versions[pk] = found.group(1)
    else:
        versions.pop(pk, None)


async def evaluator(user: User, submitted: list[int], deadline: float) -> None:
    while time.monotonic() < deadline:
        action = user.rng.random()
        if action < 0.35:
            await user.request("evaluator: review queue", "GET", f"/review/?year={YEAR}")
        elif action < 0.55:
            await user.request("evaluator: overview", "GET", f"/review/overview/?year={YEAR}")
        elif action < 0.8 or not submitted:
            await user.request("evaluator: project list", "GET", f"/?year={YEAR}&q={quote('基准')}")
        else:
            await user.request("evaluator: review page", "GET", f"/review/{user.rng.choice(submitted)}/")
        await user.think()


PROJECT_INDICATORS: dict[int, list[int]] = {}


async def simulate(base: str, cast: list[tuple[str, str, list[int]]], duration: float, stats: Stats) -> float:
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        users = [User(http, base, stats, random.Random(i)) for i in range(len(cast))]
        await asyncio.gather(*(u.login(name) for u, (name, _, _) in zip(users, cast, strict=True)))
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


def run(args: argparse.Namespace) -> int:
    _, _, _ = seed(args.units, args.per_unit)
    projects_rescore(project_ids=list(Project.objects.values_list("pk", flat=True)))
    units = list(Unit.objects.order_by("code"))
    officers = round(args.users * args.officer_share)
    cast = users_for(units, officers, args.users - officers)
    for pk, ipk in Project.objects.filter(status=Status.DRAFT).values_list("pk", "indicators__pk"):
        PROJECT_INDICATORS.setdefault(pk, []).append(ipk)
    connection.close()  # the server's workers open their own
    port = free_port()
    env = server_env(port)
    command = [str(ROOT / ".venv/bin/gunicorn"), "evalsys.wsgi", "--config", "gunicorn.conf.py"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)  # DEBUG off: WhiteNoise serves the manifest's files
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port, server)
        print(f"engine: {connection.vendor}; {args.units * args.per_unit} projects × 12 indicators; {args.users} "
              f"users ({officers} officers) for {args.duration:.0f} s against gunicorn on :{port}")  # fmt: skip
        stats = Stats()
        elapsed = asyncio.run(simulate(f"http://127.0.0.1:{port}", cast, args.duration, stats))
        return report(stats, elapsed)
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
    status: list[int] = []
    on_test_database("load", lambda: status.append(run(args)))
    raise SystemExit(status[0] if status else 1)


if __name__ == "__main__":
    main()
