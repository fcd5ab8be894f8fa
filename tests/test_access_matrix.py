"""The access matrix: every URL pattern of the project × every role × GET and POST (and HTMX).

The patterns are read from the resolver: a new URL without an entry in ACCESS (or, in the Django
admin, a newly registered model without an object in the world) fails here. The ids in every URL
are unit A's; unit A's officer owns them, unit B's officer and an evaluator who reviews only unit B
get a 404, a wrong role a 403, anonymous users the login page, and no refused request (nor any
GET) may change a row of the app's tables, their history, the admin's or the audit's. Then: other
units' ids nested in a URL the user may open, imports and upload tokens across units, and the
approval lock on every write path. A case failing on a defect of the app is listed in DEFECTS as a
strict xfail, so it turns red once the defect is fixed.

Run alone with `.venv/bin/python -m pytest tests/test_access_matrix.py -q -n0`."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from indicators.services import ADJUST_STATE
from intake.services import ERRORS_KEY, SESSION_KEY
from projects.models import Project
from review.services import NOTE_STATE
from tests.access_matrix_support import (
    A_MARKS,
    FAST_HASHERS,
    ROLES,
    UNIT_A,
    UNIT_B,
    Route,
    World,
    changes,
    fill,
    project_routes,
    snapshot,
    world_in_transaction,
    xlsx,
)
from tests.workbooks import SEED000_ROWS, seed000_workbook

REDIRECTS = {"login": "/login/?next=", "admin_login": "/admin/login/?next="}  # or an outcome is a path
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SEEN = ("ok", "blind")  # outcomes of an allowed request; every other outcome is a refusal
Data = Callable[[World, str], dict[str, Any]]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once; MEDIA_ROOT is one temporary folder for the module, holding the world's files."""
    media, requests = tmp_path_factory.mktemp("media"), logging.getLogger("django.request")
    level = requests.level
    requests.setLevel(logging.ERROR)  # a 4xx warning with its traceback per refusal doubled the runtime; 500s still log
    try:
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), world_in_transaction() as built:
            built.write_files(media)
            yield built
    finally:
        requests.setLevel(level)


@pytest.fixture
def media_in_tmp(world) -> None:
    """Replaces tests/conftest.py's: the module's MEDIA_ROOT (a temporary folder) serves every test."""


@pytest.fixture(autouse=True)
def _in_the_world(world, db, settings) -> None:
    """Every test runs in a savepoint of the world's transaction, with the hashers of the world's
    passwords (a password typed to re-authenticate is checked against them)."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


# --- who may do what ---------------------------------------------------------------------------
# Outcomes: ok (allowed), blind (allowed, but no unit A project on the page), login, admin_login,
# 400 (refused by the form or service), 403, 404 (another unit's object), 405 (wrong method).

READ = {"anonymous": "login", "norole": "403", "officer": "ok", "other_officer": "404", "evaluator": "ok",
        "evaluator_b": "404", "admin": "ok"}  # fmt: skip
WRITE = READ | {"evaluator": "403"}
REVIEW = READ | {"officer": "403", "other_officer": "403"}
REVIEW_LIST = REVIEW | {"evaluator_b": "blind"}
ANY_ROLE = READ | {"other_officer": "blind", "evaluator_b": "blind"}
ADMIN_ONLY = {role: "403" for role in ROLES} | {"anonymous": "login", "admin": "ok"}
OFFICERS = ADMIN_ONLY | {"officer": "ok", "other_officer": "ok", "admin": "403"}
INTAKE = OFFICERS | {"admin": "ok"}
OWN_IMPORT_JOB = INTAKE | {"other_officer": "404", "admin": "404"}  # a large upload's job: its uploader's only
WITHDRAW = READ | {"evaluator": "403", "evaluator_b": "403", "admin": "403"}
PUBLIC = dict.fromkeys(ROLES, "ok")
STAFF = dict.fromkeys(ROLES, "admin_login") | {"admin": "ok"}
SIGNED_IN = PUBLIC | {"anonymous": "login"}
# 复核 only reads: every role uploads; unit B's officer is shown none of unit A's rows of the table
RECHECK = READ | {"other_officer": "blind", "evaluator_b": "ok"}
RECHECK_DOWNLOAD = dict.fromkeys(ROLES, "404") | {"anonymous": "login", "norole": "403"}  # nothing uploaded yet


def version(world: World, key: str) -> dict[str, Any]:
    return {"version": world.version(key)}


def edit_data(world: World, key: str) -> dict[str, Any]:
    return version(world, key) | {
        "name": "改名的项目", "attribute": "常年", "overall_goal": "总体目标", "annual_goal": "改过的年度目标",
        "actual_summary": "完成情况", "fiscal_annual": "150", "fiscal_executed": "120", "carryover_annual": "",
    }  # fmt: skip


def add_data(world: World, key: str) -> dict[str, Any]:
    return version(world, key) | {"level1": "产出指标", "level2": "数量指标", "level3": "新增指标",
                                  "comparator": "≥", "target": "5", "unit": "个", "weight": "5"}  # fmt: skip


def update_data(world: World, key: str) -> dict[str, Any]:
    row = {"level1": "产出指标", "level2": "数量指标", "level3": "培训人次（改）", "comparator": "≥", "target": "12",
           "unit": "人次", "weight": "50"}  # fmt: skip
    return version(world, key) | {f"i{world.indicator(key).pk}-{name}": value for name, value in row.items()}


def actual_data(world: World, key: str) -> dict[str, Any]:
    p = f"a{world.indicator(key).pk}-"
    return version(world, key) | {f"{p}actual": "3", f"{p}reason": "受疫情影响"}


def narrative_data(world: World, key: str) -> dict[str, Any]:
    return version(world, key) | {"introduction": "改写的简介", "problems": "新的问题", "plans": "计划"}


def adjust_data(world: World, key: str) -> dict[str, Any]:
    p = f"i{world.indicator(key).pk}-"
    return {f"{p}value": "50", f"{p}reason": "佐证材料不足，核减"}


def note_data(world: World, key: str) -> dict[str, Any]:
    return {f"n{world.indicator(key).pk}-text": "请补充宣传材料"}


def bulk_review_data(world: World, key: str) -> dict[str, Any]:
    """A confirmed bulk 优 of one project's targets with the four criteria's shared notes."""
    notes = {"completeness": "完整", "relevance": "相关", "appropriateness": "适当", "feasibility": "可行"}
    return {"projects": [world.projects[key].pk], "result": "优", "year": 2022, "confirm": "1", **notes}


def monitoring_data(world: World, key: str) -> dict[str, Any]:
    """The 运行监控 page's form with the project's version and one forecast."""
    project = world.projects[key]
    return {"version": project.version, "measures": "加快进度", f"{world.indicator(key).pk}-forecast": "10"}


def upload_data(book: str, year: int) -> Data:
    return lambda world, key: {"file": xlsx(world.workbooks[book]), "year": year}


def constant(**data: Any) -> Data:
    return lambda world, key: data


NO_DATA = constant()


def project_args(world: World, key: str) -> dict[str, Any]:
    pk, ipk = world.projects[key].pk, world.indicator(key).pk
    return {"pk": pk, "ipk": ipk, "indicator_pk": ipk, "fmt": "xlsx"}


def last_row_args(world: World, key: str) -> dict[str, Any]:
    """Moving the first row up would change nothing but the version: move the last one."""
    return project_args(world, key) | {"ipk": world.indicator(key, -1).pk}


def stage_args(world: World, key: str) -> dict[str, Any]:
    """A step of the targets stage, which the world's projects have 随自评填报: refused by state after
    the role and unit checks, so an allowed request writes nothing either."""
    return project_args(world, key) | {"stage": "targets", "action": "submit"}


def job_args(world: World, key: str) -> dict[str, Any]:
    return {"pk": world.objects["reports.exportjob"].pk}


def import_job_args(world: World, key: str) -> dict[str, Any]:
    return {"pk": world.objects["intake.importjob"].pk}


@dataclass(frozen=True)
class Spec:
    """One URL's entry: who gets what, with which methods, ids, query and POST data."""

    access: Mapping[str, str]
    methods: tuple[str, ...] = ("GET",)
    target: str = "draft"  # the unit A project whose ids fill the URL
    args: Callable[[World, str], dict[str, Any]] = project_args
    data: Data = NO_DATA
    query: str = ""
    post: Mapping[str, str] = field(default_factory=dict)  # outcomes that differ for POST
    ok_get: tuple[int, ...] = (200,)
    ok_post: tuple[int, ...] = (200, 302)
    login_required: bool = True
    htmx: bool = True  # the methods it accepts are also sent with HX-Request

    def outcome(self, role: str, method: str) -> str:
        if method not in self.methods:
            return "login" if role == "anonymous" and self.login_required else "405"
        return (self.post if method == "POST" else {}).get(role) or self.access[role]

    def ok(self, method: str) -> tuple[int, ...]:
        return self.ok_get if method == "GET" else self.ok_post


GP, P = ("GET", "POST"), ("POST",)
ACCESS: dict[str, Spec] = {
    "projects:list": Spec(ANY_ROLE, query="year=2022"),
    # a unit select's search box: every role, each answered with its own units only (read only; unit A's
    # name never reaches unit B's officer nor B's evaluator: test_the_unit_search_answers_each_user_their_units)
    "projects:units": Spec(ANY_ROLE, query="q=1400"),
    "projects:create": Spec(OFFICERS, GP, data=constant(year=2022, code="A2200008", name="新项目", scheme="national")),
    "projects:detail": Spec(READ),
    "projects:history": Spec(READ),  # 修改与审核记录, paged: whoever may read the project
    "projects:edit": Spec(WRITE, GP, data=edit_data),
    # 删除草稿: the unit's officer or an admin, a confirmation page then the deletion
    "projects:delete": Spec(WRITE, GP, data=constant(reason="误建")),
    "projects:submit": Spec(WRITE, P, data=constant(confirm="1"), ok_post=(302,)),  # confirmed (issue 15 B22)
    # 撤回: the submitting unit's officer only (other roles 403 before the project is looked up)
    "projects:withdraw": Spec(
        WITHDRAW, P, "submitted", data=constant(**{"withdraw-reason": "发现执行数填错"}), ok_post=(302,)
    ),
    # a step of a stage with a panel: the engine checks role (evaluator 403) and unit (404) itself
    "projects:stage_step": Spec(WRITE, P, args=stage_args, ok_post=(302,)),
    # 绩效目标: every role's own declarations (another unit's are not listed)
    "targets:list": Spec(ANY_ROLE),
    # 绩效目标审核: the unit's reviewers; the world's targets are 随自评填报, so nothing is there to review
    "targets:review": Spec(
        REVIEW,
        GP,
        data=constant(result="优", completeness="完整", relevance="相关", appropriateness="适当", feasibility="可行"),
    ),
    # 批量审核 on /targets/: the units' reviewers, for their own units' projects only (one of another
    # unit: 404 for the whole request); the world's targets are 随自评填报, so each is refused by state
    "targets:bulk_review": Spec(REVIEW, P, ok_post=(302,), data=bulk_review_data),
    # 运行监控: whoever may read the project sees it; the world's 2022 does not use the monitoring stage,
    # so the page refuses every write (403) with the reason
    "monitoring:entry": Spec(
        READ, GP, data=monitoring_data, post={"officer": "403", "evaluator": "403", "admin": "403"}
    ),
    "reports:download": Spec(READ),
    # the 项目支出绩效目标申报表 (xlsx here; docx alike): whoever may see the project
    "reports:targets_download": Spec(READ, target="declared"),
    # the 监控表 and the 运行监控报告 (xlsx here): whoever may see the project; the world has no monitoring
    # (a 404 for everyone): test_the_monitoring_downloads_follow_the_project gives unit A one
    "reports:monitoring_download": Spec(READ | {"officer": "404", "evaluator": "404", "admin": "404"}),
    # a unit's 运行监控报告 of a year: its officers and admins, as the unit report (none monitored: 404)
    "reports:monitoring_unit": Spec(
        INTAKE | {"officer": "404", "other_officer": "404", "admin": "404"},
        GP,
        args=lambda w, k: {"unit": w.projects[k].unit_id, "year": 2022, "fmt": "docx"},
    ),
    "reports:narrative": Spec(WRITE, P, data=narrative_data),
    "reports:print": Spec(READ),
    "reports:projects_xlsx": Spec(ANY_ROLE, query="year=2022"),
    "reports:queue_xlsx": Spec(REVIEW_LIST, target="submitted", query="year=2022"),
    # an officer's unit's projects, or (admin) every unit's; unit B's officer is offered none of unit A's
    "reports:unit_report": Spec(
        INTAKE | {"other_officer": "blind"},
        GP,
        query="year=2022",
        data=constant(fmt="docx"),
        post={"officer": "400", "other_officer": "400", "admin": "400"},
    ),  # nothing ticked
    # the unit's own report text: its officers and admins; another unit's is a 404
    "reports:unit_report_text": Spec(
        INTAKE | {"other_officer": "404"},
        GP,
        ok_post=(302,),
        args=lambda w, k: {"unit": w.projects[k].unit_id, "year": 2022},
        data=constant(version=0, process="单位的评价工作过程"),
    ),
    "reports:batch": Spec(ADMIN_ONLY, GP, data=constant(year=2022, fmt="xlsx", statuses=["submitted"])),
    "reports:job": Spec(ADMIN_ONLY, args=job_args),
    "reports:job_retry": Spec(ADMIN_ONLY, P, args=job_args, ok_post=(302,)),
    "reports:job_file": Spec(ADMIN_ONLY, args=job_args),
    "indicators:editor": Spec(WRITE),
    "indicators:level2": Spec(WRITE, query="level1=产出指标"),
    "indicators:add": Spec(WRITE, P, data=add_data),
    "indicators:update": Spec(WRITE, P, data=update_data),
    "indicators:delete": Spec(WRITE, P, data=version),
    "indicators:move_up": Spec(WRITE, P, args=last_row_args, data=version),
    "indicators:move_down": Spec(WRITE, P, data=version),
    "indicators:actual": Spec(WRITE, P, data=actual_data),
    # 指标库: every role suggests (the library is not per unit); only officers propose an entry
    "library:suggest": Spec(ANY_ROLE | {"other_officer": "ok", "evaluator_b": "ok"}, query="q=培训"),
    "library:propose": Spec(OFFICERS, GP, data=constant(sector="教育", level3="培训满意度")),
    "review:queue": Spec(REVIEW_LIST, target="submitted", query="year=2022"),
    "review:approve": Spec(
        REVIEW, P, "submitted", data=lambda w, k: {"projects": [w.projects[k].pk], "year": 2022, "confirm": "1"}
    ),
    "review:overview": Spec(REVIEW_LIST, target="submitted", query="year=2022"),
    "review:project": Spec(REVIEW, target="submitted"),
    "review:adjust": Spec(REVIEW, P, "submitted", data=adjust_data),
    "review:note": Spec(REVIEW, P, "submitted", data=note_data),
    "review:return": Spec(REVIEW, P, "submitted", data=constant(**{"return-reason": "请补充佐证材料"})),
    "review:reopen": Spec(ADMIN_ONLY, P, "approved", data=constant(**{"reopen-reason": "更正执行数"})),
    # 运行监控总览 and its xlsx: the units' reviewers and admins over their own units (the world has no
    # monitoring: test_the_monitoring_overview_shows_only_the_users_units gives unit A one); officers 403
    "monitoring_overview:overview": Spec(REVIEW_LIST),
    "monitoring_overview:xlsx": Spec(REVIEW_LIST),
    # 整改: whoever may read the project sees its items; 需要整改 is the reviewers' (an officer 403), and
    # the world's monitoring is not submitted, so theirs is refused by the service (400);
    # test_rectifications_follow_the_project gives unit A a submitted one
    "monitoring:rectifications": Spec(
        READ,
        GP,
        data=constant(action="open", requirement="九月底前完成采购"),
        post={"officer": "403", "evaluator": "400", "admin": "400"},
    ),
    # the 整改 items of the user's units (another unit's officer or reviewer is shown none of unit A's)
    "monitoring:rectification_list": Spec(ANY_ROLE, query="year=2022"),
    # unit B's officer may upload, but not unit A's rows; confirming without a pending upload is a 400
    "intake:upload": Spec(INTAKE, GP, data=upload_data("new_a", 2022), post={"other_officer": "400"}),
    "intake:confirm": Spec(
        INTAKE | {"officer": "400", "other_officer": "400", "admin": "400"}, P, data=constant(token="0" * 32)
    ),
    "intake:skip": Spec(
        INTAKE | {"officer": "400", "other_officer": "400", "admin": "400"}, P, data=constant(token="0" * 32)
    ),
    # a large upload's job (dry run, 确认导入, 跳过): only its uploader's, another user's is a 404
    "intake:job": Spec(OWN_IMPORT_JOB, args=import_job_args),
    "intake:job_confirm": Spec(OWN_IMPORT_JOB, P, args=import_job_args, ok_post=(302,)),
    "intake:job_skip": Spec(OWN_IMPORT_JOB, P, args=import_job_args, ok_post=(302,)),  # not skippable: a message
    # the blank workbook to fill: anyone who may import; a refused upload's marked copy: only its uploader's
    # session knows the token (none here: a 404)
    "intake:template": Spec(INTAKE, query="template_scheme=national"),
    "intake:errors_workbook": Spec(
        INTAKE | {"officer": "404", "other_officer": "404", "admin": "404"}, args=lambda w, k: {"token": "0" * 32}
    ),
    # the copy page never offers unit A's projects to unit B, nor takes their id
    "intake:copy": Spec(
        INTAKE | {"other_officer": "blind"},
        GP,
        query="year=2023",
        post={"other_officer": "400"},
        data=lambda w, k: {"year": 2023, "source": w.projects["draft"].pk},
    ),
    "recheck:page": Spec(RECHECK, GP, data=upload_data("seed_a", 2022)),
    "recheck:download": Spec(RECHECK_DOWNLOAD),
    # every signed-in user changes their own password (an empty form is a 400 with the reasons)
    "accounts:password_change": Spec(SIGNED_IN, GP, ok_post=(400,)),
    "accounts:password_change_done": Spec(SIGNED_IN),
    "accounts:users": Spec(ADMIN_ONLY),
    "accounts:user_password": Spec(
        ADMIN_ONLY,
        GP,
        args=lambda w, k: {"pk": w.users["officer"].pk},
        # the admin confirms their own password first (re-authentication)
        data=constant(actor_password="test-pass-2026", new_password1="绩效-重置-2027", new_password2="绩效-重置-2027"),
    ),
    "login": Spec(PUBLIC, GP, login_required=False, ok_post=(200,)),
    "logout": Spec(PUBLIC, P, login_required=False, ok_post=(302,)),
}


# --- the Django admin: only staff get in -------------------------------------------------------

ADMIN_SITE: dict[str, Spec] = {
    "admin:index": Spec(STAFF, GP, htmx=False),
    "admin:login": Spec(PUBLIC, GP, htmx=False, ok_get=(200, 302), ok_post=(200,)),
    # Django sends a non-staff user's logout to the index, which sends them to the login
    "admin:logout": Spec(STAFF | dict.fromkeys(ROLES[:-1], "/admin/"), GP, htmx=False, ok_get=(405,), ok_post=(302,)),
    "admin:password_change": Spec(STAFF, GP, htmx=False, ok_post=(200,)),
    "admin:password_change_done": Spec(STAFF, GP, htmx=False, ok_post=(405,)),
    "admin:autocomplete": Spec(
        STAFF, GP, htmx=False, query="app_label=projects&model_name=project&field_name=unit", ok_post=(405,)
    ),
    "admin:jsi18n": Spec(STAFF, GP, htmx=False, ok_post=(405,)),
    # one place resets passwords: the admin's own form sends to the accounts page (re-authentication)
    "admin:auth_user_password_change": Spec(
        STAFF, GP, htmx=False, args=lambda w, k: {"id": w.users["officer"].pk}, ok_get=(302,), ok_post=(302,)
    ),
    "admin:view_on_site": Spec(
        STAFF,
        GP,
        htmx=False,
        ok_get=(404,),
        ok_post=(404,),
        args=lambda w, k: {
            "content_type_id": ContentType.objects.get_for_model(Project).pk,
            "object_id": w.projects[k].pk,
        },
    ),
    "admin:app_list": Spec(STAFF, GP, htmx=False, args=lambda w, k: {"app_label": "projects"}, ok_post=(200,)),
    # 指标库: the admin's workbook import (an empty POST: the form's error) and the export
    "admin:library_libraryentry_import": Spec(STAFF, GP, htmx=False, ok_post=(400,)),
    "admin:library_libraryentry_export": Spec(STAFF, GP, htmx=False, ok_post=(405,)),
    # 报告模板占位符说明: a help page, read only
    "admin:reports_reporttemplate_placeholders": Spec(STAFF, GP, htmx=False, ok_post=(405,)),
    # 示例模板 (a .docx to download), and 启用/停用: a confirmation page, then the change (issue 15 B17)
    "admin:reports_reporttemplate_sample": Spec(STAFF, GP, htmx=False, ok_post=(405,)),
    "admin:reports_reporttemplate_activate": Spec(
        STAFF, GP, htmx=False, args=lambda w, k: {"pk": w.objects["reports.reporttemplate"].pk}, ok_post=(302,)
    ),
    "admin:reports_reporttemplate_deactivate": Spec(
        STAFF, GP, htmx=False, args=lambda w, k: {"pk": w.objects["reports.reporttemplate"].pk}, ok_post=(302,)
    ),
    "admin/(?P<url>.*)$": Spec(
        STAFF, GP, htmx=False, args=lambda w, k: {"url": "nothing/here/"}, ok_get=(404,), ok_post=(404,)
    ),
}


SUPERUSER = RequestFactory().get("/")
SUPERUSER.user = get_user_model()(is_superuser=True, is_active=True, is_staff=True)
ADMIN_PAGES = {  # the admin's statuses by page, GET then POST (an empty POST: a form with its errors)
    "changelist": ((200,), (200,)), "add": ((200,), (200,)), "history": ((200,), (200,)),
    "delete": ((200,), (200, 302)), "change": ((200,), (200, 302)), "": ((302,), (302,)),
}  # fmt: skip


def admin_model_spec(route: Route) -> Spec | None:
    """A registered model's admin pages, filled with the world's object of that model; where its
    ModelAdmin takes away adding, changing or deleting, the admin gets a 403 too."""
    parts = route.route.split("/")
    label = f"{parts[1]}.{parts[2]}" if len(parts) > 3 else ""
    model_admin = next((a for m, a in admin.site._registry.items() if m._meta.label_lower == label), None)
    if model_admin is None:
        return None
    page = route.key.rsplit("_", 1)[-1] if route.key.startswith("admin:") else ""
    get, post = ADMIN_PAGES.get(page, ((200,), (200,)))
    allowed = getattr(model_admin, f"has_{page}_permission", lambda request: True)(SUPERUSER)
    get, post = (get, post) if allowed else ((200,) if page == "change" else (403,), (403,))

    def args(world: World, key: str) -> dict[str, Any]:
        if label not in world.objects:
            pytest.fail(f"no object of {label} in the world (tests/access_matrix_support.py build_world)")
        pk = world.objects[label].pk
        return {"object_id": pk, "id": pk, "pk": pk}

    return Spec(STAFF, GP, args=args, htmx=False, ok_get=get, ok_post=post)


def spec_of(route: Route) -> Spec | None:
    if route.route.startswith("admin/"):
        return ADMIN_SITE.get(route.key) or admin_model_spec(route)
    return ACCESS.get(route.key)


# --- sending a request -------------------------------------------------------------------------


def send(client: Client, method: str, path: str, data: dict | None = None, *, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(path, headers=headers) if method == "GET" else client.post(path, data or {}, headers=headers)


def check(response, outcome: str, spec: Spec, method: str) -> None:
    status, where = response.status_code, response.get("Location", "")
    if outcome in REDIRECTS or outcome.startswith("/"):
        target = REDIRECTS.get(outcome, outcome)
        assert (status, where[: len(target)]) == (302, target)
    elif outcome == "ok":
        assert status in spec.ok(method), f"{status} not in {spec.ok(method)}"
    elif outcome == "blind":
        page = text_of(response)
        assert status == 200 and not [mark for mark in A_MARKS if mark in page], "unit A's project shown"
    else:
        assert status == int(outcome)


def text_of(response) -> str:
    """The page, or the cells of a workbook download (the list exports), as text."""
    if response.get("Content-Type", "").startswith(XLSX):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    return response.content.decode()


def unchanged(world: World) -> None:
    """No row of the app, its history, the admin or the audit differs from the world's."""
    assert changes(world.baseline, snapshot()) == {}


# --- the matrix --------------------------------------------------------------------------------

# Cases that fail because of a defect in the app: they turn red (XPASS) once it is fixed.
DEFECTS: dict[str, str] = {}  # none open; the last one (an admin indicator added without a project: a 500) is fixed


def matrix_cases() -> list:
    cases = []
    for route in project_routes():
        spec = spec_of(route)
        for role in ROLES:
            for method in ("GET", "POST"):
                for htmx in (False, True) if spec is None or (spec.htmx and method in spec.methods) else (False,):
                    test_id = f"{route.test_id}-{role}-{method}{'-htmx' if htmx else ''}"
                    marks = [pytest.mark.xfail(strict=True, reason=DEFECTS[test_id])] if test_id in DEFECTS else []
                    cases.append(pytest.param(route, role, method, htmx, id=test_id, marks=marks))
    return cases


MATRIX = matrix_cases()


def close(response: Any) -> None:
    """Release a download's file; as Django's test client does, without closing the database
    connection (request_finished would, inside the module's transaction, on PostgreSQL)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize(("route", "role", "method", "htmx"), MATRIX)
def test_access_matrix(client, world, route: Route, role: str, method: str, htmx: bool) -> None:
    spec = spec_of(route)
    if spec is None:
        pytest.fail(f"URL pattern {route.key} ({route.route}) has no entry in ACCESS: say who may use it")
    path = fill(route, spec.args(world, spec.target)) + (f"?{spec.query}" if spec.query else "")
    world.log_in(client, role)
    response = send(client, method, path, spec.data(world, spec.target) if method == "POST" else {}, htmx=htmx)
    outcome = spec.outcome(role, method)
    check(response, outcome, spec, method)
    close(response)
    if outcome not in SEEN or method == "GET":
        unchanged(world)


def test_every_entry_names_a_url() -> None:
    """A renamed or removed URL leaves no stale entry behind."""
    keys = {r.key for r in project_routes()}
    assert set(ACCESS) - keys == set() and set(ADMIN_SITE) - keys == set() and set(DEFECTS) <= {c.id for c in MATRIX}


def test_the_matrix_covers_every_pattern_role_and_method() -> None:
    routes = project_routes()
    assert len(routes) > 100  # the app's own and the Django admin's
    assert {(c.values[0].key, c.values[1], c.values[2]) for c in MATRIX} == {
        (r.key, role, m) for r in routes for role in ROLES for m in ("GET", "POST")
    }


# --- another unit's ids inside a URL the user may open -----------------------------------------


@dataclass(frozen=True)
class Cross:
    role: str
    name: str
    args: Callable[[World], dict[str, Any]]
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    method: str = "POST"
    status: int = 404


def nested(url: str, ind: str) -> Callable[[World], dict[str, Any]]:
    """Project `url` in the URL with an indicator of project `ind`."""
    return lambda world: {"pk": world.projects[url].pk, "ipk": world.indicator(ind).pk}


def nested_data(build: Data, url: str, ind: str) -> Callable[[World], dict[str, Any]]:
    """Valid data for the indicator of project `ind`, with the version of project `url`."""
    return lambda world: build(world, ind) | version(world, url)


INDICATOR_DATA = {"indicators:update": update_data, "indicators:delete": version, "indicators:move_up": version,
                  "indicators:move_down": version, "indicators:actual": actual_data}  # fmt: skip
CROSS = {
    **{
        f"{name}-{role}-{url}+{ind}": Cross(role, name, nested(url, ind), nested_data(build, url, ind))
        for name, build in INDICATOR_DATA.items()
        for role, url, ind in (("officer", "draft", "b_draft"), ("other_officer", "b_draft", "draft"))
    },
    "review:adjust-evaluator_b-b_submitted+submitted": Cross(
        "evaluator_b",
        "review:adjust",
        lambda w: {"pk": w.projects["b_submitted"].pk, "indicator_pk": w.indicator("submitted").pk},
        lambda w: adjust_data(w, "submitted"),
    ),
    "review:approve-evaluator_b-b_submitted+submitted": Cross(
        "evaluator_b",
        "review:approve",
        lambda w: {},
        lambda w: {"projects": [w.projects["b_submitted"].pk, w.projects["submitted"].pk], "year": 2022},
    ),
    # an export job is its creator's: another admin gets a 404
    "reports:job-other_admin": Cross("other_admin", "reports:job", lambda w: job_args(w, ""), method="GET"),
    "reports:job_file-other_admin": Cross("other_admin", "reports:job_file", lambda w: job_args(w, ""), method="GET"),
    "reports:job_retry-other_admin": Cross("other_admin", "reports:job_retry", lambda w: job_args(w, "")),
}


@pytest.mark.parametrize("htmx", [False, True], ids=["", "htmx"])
@pytest.mark.parametrize("case", CROSS.values(), ids=CROSS.keys())
def test_other_units_ids_are_404(client, world, case: Cross, htmx: bool) -> None:
    world.log_in(client, case.role)
    response = send(client, case.method, reverse(case.name, kwargs=case.args(world)), case.data(world), htmx=htmx)
    assert response.status_code == case.status
    unchanged(world)


def upload_and_confirm(client: Client, world: World, book: str, year: int):
    """Upload workbook `book` for `year`, then take every way the page offers: 确认导入, and
    when that is refused, 跳过 (preview without the refused projects) and 确认导入 again."""
    response = client.post(reverse("intake:upload"), {"file": xlsx(world.workbooks[book]), "year": year})
    for step in ("intake:confirm", "intake:skip", "intake:confirm"):
        if SESSION_KEY not in client.session:
            break
        response = client.post(reverse(step), {"token": client.session[SESSION_KEY]["token"]})
    return response


@pytest.mark.parametrize(("role", "book"), [("other_officer", "a_draft_as_b"), ("officer", "b_draft_as_a")])
def test_import_cannot_reach_another_units_project(client, world, role: str, book: str) -> None:
    """The workbook names the importer's own unit, but the project code is the other unit's."""
    world.log_in(client, role)
    response = upload_and_confirm(client, world, book, 2022)
    assert response.status_code in (400, 403)
    unchanged(world)


@pytest.mark.parametrize("step", ["intake:confirm", "intake:skip"])
def test_another_users_pending_upload_is_refused(client, world, step: str) -> None:
    """Unit A's officer previews a workbook; unit B's officer sends its token from their session."""
    world.log_in(client, "officer")
    client.post(reverse("intake:upload"), {"file": xlsx(world.workbooks["new_a"]), "year": 2022})
    token = client.session[SESSION_KEY]["token"]
    thief = Client()
    world.log_in(thief, "other_officer")
    assert thief.post(reverse(step), {"token": token}).status_code == 400
    unchanged(world)


def test_another_users_refused_upload_is_404(client, world, tmp_path) -> None:
    """Unit A's officer uploads a workbook with a bad cell; its marked copy is theirs alone."""
    rows = [list(r) for r in SEED000_ROWS]
    rows[0][3] = "九期"
    world.log_in(client, "officer")
    response = client.post(reverse("intake:upload"), {"file": xlsx(seed000_workbook(tmp_path / "bad.xlsx", rows=rows)
                                                                    .read_bytes()), "year": 2022})  # fmt: skip
    assert response.status_code == 400
    url = reverse("intake:errors_workbook", args=[client.session[ERRORS_KEY]["token"]])
    assert client.get(url).status_code == 200
    for role in ("other_officer", "admin"):
        thief = Client()
        world.log_in(thief, role)
        assert thief.get(url).status_code == 404
    unchanged(world)


@pytest.mark.parametrize("role", ROLES)
def test_the_targets_list_export_shows_the_declarations_the_user_may_see(client, world, role: str) -> None:
    """The lists' export with stage=targets (the 绩效目标 list's rows): unit A's declaration for those
    who see unit A, none of it for the others."""
    world.log_in(client, role)
    response = client.get(reverse("reports:projects_xlsx") + "?stage=targets&year=2026")
    check(response, ANY_ROLE[role], ACCESS["reports:projects_xlsx"], "GET")
    if ANY_ROLE[role] == "ok":
        assert world.projects["declared"].code in text_of(response)
    close(response)
    unchanged(world)


# The units each role's search box may name (projects:units): its own scope, never another's.
UNIT_SEARCH = {"officer": {"A"}, "other_officer": {"B"}, "evaluator": {"A", "B"}, "evaluator_b": {"B"},
               "admin": {"A", "B"}}  # fmt: skip


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("role", ROLES)
def test_the_unit_search_answers_each_user_their_units(client, world, role: str, htmx: bool) -> None:
    """Both units' codes and names match "内蒙古"; each role's answer names exactly its own units, and a
    unit of another scope asked for by id is refused without its name. Nothing is written."""
    world.log_in(client, role)
    spec, url = ACCESS["projects:units"], reverse("projects:units")
    response = send(client, "GET", f"{url}?q=%E5%86%85%E8%92%99%E5%8F%A4", htmx=htmx)  # 内蒙古
    check(response, ANY_ROLE[role], spec, "GET")
    if role in UNIT_SEARCH:
        page = text_of(response)
        assert {key for key, name in (("A", UNIT_A), ("B", UNIT_B)) if name in page} == UNIT_SEARCH[role]
        for key, unit in (("A", world.projects["draft"].unit), ("B", world.projects["b_draft"].unit)):
            asked = send(client, "GET", f"{url}?unit={unit.pk}", htmx=htmx)
            assert asked.status_code == (200 if key in UNIT_SEARCH[role] else 400)
            assert (unit.name in text_of(asked)) == (key in UNIT_SEARCH[role])
    unchanged(world)


# --- the approval lock: no write path changes a submitted or approved project ------------------

LOCKED_ROUTES = ("projects:edit", "projects:delete", "projects:submit", "indicators:add", "indicators:update",
                 "indicators:delete", "indicators:move_up", "indicators:move_down", "indicators:actual",
                 "reports:narrative")  # fmt: skip
REVIEW_ROUTES = ("review:adjust", "review:note", "review:return", "review:approve")  # refused when approved
COPY_INTO = {"submitted": (2022, "prev"), "approved": (2023, "submitted")}  # the year, and last year's project
IMPORT_YEAR = {"submitted": 2022, "approved": 2023}  # the seed workbook's project is locked in both
ROUTES = {r.key: r for r in project_routes()}


def lock_cases() -> list:
    cases = []
    for status in ("submitted", "approved"):
        for role in ("officer", "admin"):
            for name in LOCKED_ROUTES:
                for htmx in (False, True):
                    cases.append(pytest.param(status, role, name, htmx, id=f"{status}-{role}-{name}{'-htmx' * htmx}"))
            cases.append(pytest.param(status, role, "copy", False, id=f"{status}-{role}-copy"))
            cases.append(pytest.param(status, role, "import", False, id=f"{status}-{role}-import"))
    for role in ("evaluator", "admin"):
        for name in REVIEW_ROUTES:
            for htmx in (False, True):
                cases.append(pytest.param("approved", role, name, htmx, id=f"approved-{role}-{name}{'-htmx' * htmx}"))
    return cases


def lock_request(client: Client, world: World, status: str, name: str, htmx: bool):
    if name == "import":
        return upload_and_confirm(client, world, "seed_a", IMPORT_YEAR[status])
    if name == "copy":
        year, source = COPY_INTO[status]
        return client.post(reverse("intake:copy"), {"year": year, "source": world.projects[source].pk})
    spec = ACCESS[name]
    return send(client, "POST", fill(ROUTES[name], spec.args(world, status)), spec.data(world, status), htmx=htmx)


@pytest.mark.parametrize(("status", "role", "name", "htmx"), lock_cases())
def test_approval_lock(client, world, status: str, role: str, name: str, htmx: bool) -> None:
    """Refused with a 403 by the access rules, or with a 400 and the reason by the form or service."""
    world.log_in(client, role)
    response = lock_request(client, world, status, name, htmx)
    if name in ("review:adjust", "review:note") and htmx:  # htmx swaps only a 200: the row comes back with why
        assert response.status_code == 200
        assert (ADJUST_STATE if name == "review:adjust" else NOTE_STATE) in response.content.decode()
    else:
        assert response.status_code in ((403,) if name in LOCKED_ROUTES else (400, 403))
    unchanged(world)


# --- the Django admin's own login does not let officers or evaluators in -----------------------


@pytest.mark.parametrize("role", ["norole", "officer", "other_officer", "evaluator", "evaluator_b", "admin"])
def test_only_staff_log_in_to_the_django_admin(client, world, settings, role: str) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS  # how the world's passwords were hashed
    user = world.users[role]
    response = client.post(reverse("admin:login"), {"username": user.username, "password": "test-pass-2026"})
    assert response.status_code == (302 if role == "admin" else 200)
    assert user.is_staff == (role == "admin")
    index = client.get(reverse("admin:index"))
    if role == "admin":
        assert index.status_code == 200
    else:
        assert index["Location"].startswith("/admin/login/")


# --- the 运行监控 overview: another unit's monitoring never appears --------------------------------


@pytest.mark.parametrize("name", ["monitoring_overview:overview", "monitoring_overview:xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_the_monitoring_overview_shows_only_the_users_units(client, world, role: str, name: str) -> None:
    """Unit A's red project with a red indicator: on the overview and in its export for unit A's
    reviewer and the admin; unit B's reviewer gets the page without any of it; officers a 403."""
    from monitoring.counts import recount
    from monitoring.models import MonitoringReport, Observation

    draft = world.projects["draft"]
    report = MonitoringReport.objects.create(project=draft, year=draft.year, unit_id=draft.unit_id, month=7,
                                             light="red", budget_annual=100, budget_executed=10)  # fmt: skip
    Observation.objects.create(report=report, indicator=world.indicator("draft"), light="red", causes=["经费保障"],
                               reason="甲单位的偏差原因")  # fmt: skip
    recount([report.pk])  # the report's counts of its indicators, as report_recompute stores them
    world.log_in(client, role)
    response = client.get(reverse(name))
    check(response, REVIEW_LIST[role], ACCESS[name], "GET")
    if REVIEW_LIST[role] == "ok":
        assert draft.code in text_of(response)
        if name.endswith("overview"):
            assert "甲单位的偏差原因" in text_of(response)
    close(response)


# --- the 监控表 and 运行监控报告 downloads: a unit A project's monitoring, never another unit's -----------


@pytest.mark.parametrize("name", ["reports:monitoring_download", "reports:monitoring_unit"])
@pytest.mark.parametrize("role", ROLES)
def test_the_monitoring_downloads_follow_the_project(client, world, role: str, name: str) -> None:
    """Unit A's monitored project: its 监控表 for whoever may see the project, the unit's 运行监控报告 for
    its officer and the admin; unit B's users a 404, the evaluators of the unit report a 403."""
    from monitoring.models import MonitoringReport

    draft = world.projects["draft"]
    MonitoringReport.objects.create(
        project=draft, year=draft.year, unit_id=draft.unit_id, month=7, measures="甲单位措施"
    )
    expected = (READ if name == "reports:monitoring_download" else INTAKE | {"other_officer": "404"})[role]
    args = [draft.pk, "xlsx"] if name == "reports:monitoring_download" else [draft.unit_id, 2022, "docx"]
    world.log_in(client, role)
    response = client.get(reverse(name, args=args))
    check(response, expected, ACCESS[name], "GET")
    if expected == "ok":
        assert response.content[:2] == b"PK"
    close(response)


# --- 整改: a unit A project's items, never another unit's -------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_rectifications_follow_the_project(client, world, role: str) -> None:
    """Unit A's submitted monitoring with an open item: its page for whoever may read the project, the
    answer for its officer (and the admin), the list of the user's units; unit B's users a 404 and none
    of it in their list; a reviewer's answer a 403."""
    from monitoring.models import MonitoringReport, Rectification
    from projects.models import StageState
    from projects.stages import StageKey, StageStatus

    draft = world.projects["draft"]
    report = MonitoringReport.objects.create(project=draft, year=draft.year, unit_id=draft.unit_id, month=7)
    StageState.objects.create(project=draft, stage=StageKey.MONITORING, status=StageStatus.SUBMITTED,
                              year=draft.year, unit_id=draft.unit_id)  # fmt: skip
    item = Rectification.objects.create(project=draft, report=report, year=draft.year, unit_id=draft.unit_id,
                                        requirement="甲单位的整改要求", opened_by=world.users["admin"],
                                        opened_at=report.created_at)  # fmt: skip
    world.log_in(client, role)
    page = reverse("monitoring:rectifications", args=[draft.pk])
    check(client.get(page), READ[role], ACCESS["monitoring:rectifications"], "GET")
    answer = client.post(page, {"action": "answer", "item": item.pk, "answer": "已整改"})
    expected = (WRITE | {"evaluator": "403"})[role]
    check(answer, expected, ACCESS["monitoring:rectifications"], "POST")
    item.refresh_from_db()
    assert item.status == (Rectification.Status.ANSWERED if expected == "ok" else Rectification.Status.OPEN)
    listed = client.get(reverse("monitoring:rectification_list"), {"year": draft.year})
    if READ[role] == "ok":
        assert "甲单位的整改要求" in text_of(listed)
    elif role in ("other_officer", "evaluator_b"):
        assert listed.status_code == 200 and "甲单位的整改要求" not in text_of(listed)
