"""The world of tests/test_access_matrix.py: one cast and one set of objects per module, database
snapshots, every URL pattern of the project, and the requests the matrix sends.

The world is built once, inside a transaction the module holds open; each test runs in a savepoint
of it (pytest-django's `db`), so whatever a request writes is undone before the next test.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from docx import Document
from openpyxl import load_workbook

from indicators.models import Indicator
from intake.models import ImportJob
from library.models import LibraryEntry
from projects.models import Project, ReviewAction, ReviewRound, StageState, Status, YearPlan
from projects.scores import projects_rescore
from projects.stages import StageKey, StageStatus
from reports.models import ExportJob, ReportTemplate
from reports.tasks import export_batch
from tests import factories
from tests.workbooks import seed000_workbook

ROLES = ("anonymous", "norole", "officer", "other_officer", "evaluator", "evaluator_b", "admin")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEED_CODE = "15000022T000000000900"  # tests.workbooks.SEED000_CODE: what seed000_workbook imports
UNIT_A, UNIT_B = "140001-内蒙古自治区妇女联合会", "140002-内蒙古妇女干部学校"
# Unit A's projects: a draft, and the seed project submitted in 2022, approved in 2023 and in 2021,
# so that copying "last year" into 2022 or 2023 and importing the seed workbook hit a locked project.
A_PROJECTS = {
    "draft": ("A2200001", 2022, Status.DRAFT, "甲单位草稿项目"),
    "submitted": (SEED_CODE, 2022, Status.SUBMITTED, "甲单位已提交项目"),
    "approved": (SEED_CODE, 2023, Status.APPROVED, "甲单位已审核项目"),
    "prev": (SEED_CODE, 2021, Status.APPROVED, "甲单位上年项目"),
    # declaring its targets (targets stage 草稿): the 申报表 download and the 绩效目标 list's export
    "declared": ("A2600001", 2026, Status.DRAFT, "甲单位申报绩效目标项目"),
}
B_PROJECTS = {
    "b_draft": ("B2200001", 2022, Status.DRAFT, "乙单位草稿项目"),
    "b_submitted": ("B2200002", 2022, Status.SUBMITTED, "乙单位已提交项目"),
}
# Workbooks to upload: a new project of unit A, the seed project (locked in 2022 and 2023), and one
# unit's project code under the other unit's name (the import must not move it across units).
WORKBOOKS = {
    "new_a": {"code": "A2200009", "name": "甲单位新项目"},
    "seed_a": {},
    "a_draft_as_b": {"code": "A2200001", "name": "甲单位草稿项目", "unit": UNIT_B},
    "b_draft_as_a": {"code": "B2200001", "name": "乙单位草稿项目", "unit": UNIT_A},
}
# a page blind to unit A shows none of its projects' codes and names
A_MARKS = ("A2200001", SEED_CODE, *(name for *_, name in A_PROJECTS.values()))
ROUNDS = {
    Status.SUBMITTED: [ReviewAction.SUBMIT],
    Status.APPROVED: [ReviewAction.SUBMIT, ReviewAction.APPROVE],
    Status.DRAFT: [],
}
SNAPSHOT_APPS = {"auth", "admin", "axes", "projects", "indicators", "intake", "reports", "django_tasks_database",
                 "monitoring"}  # fmt: skip
TEMPLATE_FILE, JOB_FILE = "report_templates/access-matrix.docx", "exports/access-matrix.zip"


@dataclass
class World:
    users: dict[str, Any]
    projects: dict[str, Project]
    objects: dict[str, Any]  # one object of each admin-registered model, unit A's where it has a unit
    files: dict[str, bytes] = field(default_factory=dict)  # MEDIA_ROOT-relative name -> content
    workbooks: dict[str, bytes] = field(default_factory=dict)  # WORKBOOKS, built
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key of a logged-in session
    rows: dict[str, list[Indicator]] = field(default_factory=dict)  # project key -> its indicators
    baseline: dict[str, tuple] = field(default_factory=dict)  # snapshot() of the world: every test starts here

    def log_in(self, client: Client, role: str) -> None:
        """`client` as `role`: the role's session made with the world, so no login per test."""
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]

    def version(self, key: str) -> int:
        """Project `key`'s version as stored in the world (each test starts from it)."""
        return self.projects[key].version

    def indicator(self, key: str, index: int = 0) -> Indicator:
        """An indicator of project `key`, in the world's order (as the project page shows them)."""
        return self.rows[key][index]

    def write_files(self, media_root: Path) -> None:
        for name, content in self.files.items():
            path = media_root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


@contextmanager
def world_in_transaction() -> Iterator[World]:
    """Build the world in a transaction that is rolled back when the block ends."""
    outer = transaction.atomic()
    outer.__enter__()
    try:
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            world = build_world()
        world.sessions = {role: _session(user) for role, user in world.users.items()}
        for key, project in world.projects.items():
            project.refresh_from_db()
            world.rows[key] = list(project.indicators.order_by("position", "pk"))
        world.baseline = snapshot()
        yield world
    finally:
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def build_world() -> World:
    unit_a = factories.unit(code="140001", name="内蒙古自治区妇女联合会")
    unit_b = factories.unit(code="140002", name="内蒙古妇女干部学校")
    users = {
        "norole": get_user_model().objects.create_user("plain", password="test-pass-2026"),
        "officer": factories.user("officer_a", role="officer", unit=unit_a),
        "other_officer": factories.user("officer_b", role="officer", unit=unit_b),
        "evaluator": factories.user("evaluator", role="evaluator", review_units=[unit_a, unit_b]),
        "evaluator_b": factories.user("evaluator_b", role="evaluator", review_units=[unit_b]),
        "admin": factories.user("admin", role="admin", superuser=True),
        "other_admin": factories.user("admin_2", role="admin", superuser=True),
    }
    projects = {key: _project(unit_a, users, *spec) for key, spec in A_PROJECTS.items()}
    projects |= {key: _project(unit_b, users, *spec) for key, spec in B_PROJECTS.items()}
    projects_rescore(project_ids=[p.pk for p in projects.values()])
    StageState.objects.filter(project=projects["declared"], stage=StageKey.TARGETS).update(status=StageStatus.DRAFT)
    draft = projects["draft"]
    job = ExportJob.objects.create(created_by=users["admin"], scope="2022 年度", project_ids=[draft.pk], fmt="xlsx",
                                   state=ExportJob.State.DONE, total=1, done=1, file=JOB_FILE)  # fmt: skip
    export_batch.enqueue(job.pk)  # a DBTaskResult row for the admin's task pages
    # a large upload's dry run, done and confirmable: its uploader's only (intake.jobs)
    import_job = ImportJob.objects.create(user=users["officer"], unit=unit_a, year=2022, token="e" * 32,
                                          filename="大表.xlsx", state=ImportJob.State.DONE,
                                          outcome={"confirmable": True})  # fmt: skip
    template = ReportTemplate.objects.create(name="省厅模板", outline="unit", file=TEMPLATE_FILE,
                                             uploaded_by=users["admin"])  # fmt: skip
    objects = {
        "auth.group": Group.objects.create(name="审核组"),
        "auth.user": users["officer"],
        "projects.department": unit_a.department,
        "projects.unit": unit_a,
        "projects.membership": users["officer"].membership,
        "projects.project": draft,
        "projects.fund": draft.funds.first(),
        "indicators.indicator": draft.indicators.first(),
        "reports.narrative": draft.narrative,
        "reports.reporttemplate": template,
        "reports.exportjob": job,
        "intake.importjob": import_job,
        "projects.yearplan": YearPlan.objects.create(year=2022, self_evaluation_due=datetime.date(2023, 3, 31)),
        "library.libraryentry": LibraryEntry.objects.create(sector="教育", level3="培训人次"),
        "django_tasks_database.dbtaskresult": apps.get_model("django_tasks_database", "DBTaskResult").objects.get(),
        **_axes_rows(),
    }
    with tempfile.TemporaryDirectory() as folder:
        books = {key: workbook(Path(folder), **names) for key, names in WORKBOOKS.items()}
    return World(users, projects, objects, {TEMPLATE_FILE: _template_docx(), JOB_FILE: _zip()}, books)


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _project(unit, users, code: str, year: int, status: str, name: str) -> Project:
    project = factories.project(unit=unit, code=code, year=year, name=name, status=status, annual_goal="年度目标",
                                low_execution_reason="结转资金次年使用")  # 105 of 120 executed: complete  # fmt: skip
    factories.fund(project, annual="100", executed="95")
    factories.fund(project, annual="20", executed="10", source="carryover")
    factories.indicator(project, level3="培训人次", weight="60", actual=Decimal(10), actual_text="10")
    factories.indicator(project, level3="品牌", comparator="定性", weight="30", target=None, target_text="提升",
                        actual_label="达成", actual_text="达成", position=1)  # fmt: skip
    factories.report_text(project, introduction="项目简介", problems="存在问题")  # every required section
    officer = users["officer"] if unit.code == "140001" else users["other_officer"]
    for action in ROUNDS[status]:
        actor = officer if action == ReviewAction.SUBMIT else users["evaluator"]
        ReviewRound.objects.create(project=project, number=1, action=action, actor=actor)
    return project


def _axes_rows() -> dict[str, Any]:
    where = {"username": "officer_a", "ip_address": "127.0.0.1", "user_agent": "pytest", "http_accept": "*/*",
             "path_info": "/login/"}  # fmt: skip
    return {
        "axes.accessattempt": AccessAttempt.objects.create(**where, get_data="", post_data="", failures_since_start=1),
        "axes.accesslog": AccessLog.objects.create(**where),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**where),
    }


def _template_docx() -> bytes:
    doc, out = Document(), io.BytesIO()
    doc.add_paragraph("{{ name }}自评得分{{ total }}分")
    doc.save(out)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("report.xlsx", b"not really")
    return out.getvalue()


# --- workbooks ---------------------------------------------------------------------------------


def workbook(folder: Path, *, code: str = SEED_CODE, name: str = "北疆布丝瑰创业就业行动", unit: str = UNIT_A) -> bytes:
    """The seed 000 自评表 (tests.workbooks) naming project `code` of `unit`."""
    path = seed000_workbook(folder / f"{code}-{unit[:6]}.xlsx")
    book = load_workbook(path)
    sheet = book.active
    sheet["A4"], sheet["B4"] = f"{code}-{name}", unit
    book.save(path)
    return path.read_bytes()


def xlsx(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("绩效表.xlsx", content, content_type="application/vnd.ms-excel")


# --- snapshots ---------------------------------------------------------------------------------


def snapshot() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row (columns, rows by primary key) of every table of the app, its history, the admin
    and the audit (sessions aside); plain SQL, as it runs after nearly every test."""
    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)
                     if m._meta.app_label in SNAPSHOT_APPS})  # fmt: skip
    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            out[table] = ([c[0] for c in cursor.description], cursor.fetchall())
    return out


def changes(before: dict[str, tuple], after: dict[str, tuple]) -> dict[str, dict[str, list[dict]]]:
    """The rows removed and added per table (a changed row is both), as column -> value."""
    out: dict[str, dict[str, list[dict]]] = {}
    if before == after:
        return out
    for table, (columns, rows) in before.items():
        now = after[table][1]
        removed = [dict(zip(columns, r, strict=True)) for r in rows if r not in now]
        added = [dict(zip(columns, r, strict=True)) for r in now if r not in rows]
        if removed or added:
            out[table] = {"removed": removed, "added": added}
    return out


# --- the project's URL patterns ----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its namespaced name (or its route when it has none) and its full route."""

    key: str
    route: str

    @property
    def test_id(self) -> str:
        return re.sub(r"[^\w:.-]+", "_", self.key).strip("_")


GROUP = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")  # a parameter: <int:pk> or (?P<url>.*)


def project_routes() -> list[Route]:
    """Every URL pattern of the project, read from the resolver."""
    return [Route(key, route) for key, route in _walk(get_resolver())]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        route = _join(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}".lstrip(":") if entry.name else route), route


def _join(first: str, second: str) -> str:
    """How Django joins the routes of nested patterns (URLResolver._join_route)."""
    return first + second.removeprefix("^") if first else second


def fill(route: Route, values: dict[str, Any]) -> str:
    """The path of `route` with `values` in its parameters; it must resolve back to `route`."""
    path = "/" + GROUP.sub(lambda m: str(values[m[1] or m[2]]), route.route).replace("^", "").replace("$", "")
    assert resolve(path).route == route.route, f"{path} does not resolve to {route.route}"
    return path
