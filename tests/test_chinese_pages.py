"""No English code or state key shows through (issue 9): every page every role can reach (the URL
patterns and ids of the access matrix, GET) is read as a person sees it, without tags, attributes,
scripts and styles, and must not contain a warning or 复核 code, a state, action, source, scheme
or outline key as a whole word. Error pages (403, 404, 400) are read too."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from scoring.labels import CAUSE_LABELS, WARNING_LABELS
from scoring.schemes import SCHEMES
from tests.access_matrix_support import ROLES, World, fill, project_routes

# the matrix's world (module-scoped) and its per-test savepoint
from tests.test_access_matrix import _in_the_world, media_in_tmp, spec_of, world  # noqa: F401

CODES = sorted({
    *WARNING_LABELS, *CAUSE_LABELS, *SCHEMES,
    "draft", "submitted", "returned", "approved",  # Status
    "submit", "withdraw", "approve", "reopen",  # ReviewAction ("return" is a Python word, see below)
    "fiscal", "carryover", "unsplit",  # FundSource
    "queued", "running", "done", "failed",  # ExportJob.State
    "seed", "None", "True", "False",
})  # fmt: skip
WORD = re.compile(r"(?<![A-Za-z0-9_\-./])(" + "|".join(map(re.escape, CODES)) + r")(?![A-Za-z0-9_\-])")
# also what is to be typed as written (a template placeholder): <code class="literal">
HIDDEN = re.compile(
    r"<(script|style|textarea|template)\b.*?</\1>|<!--.*?-->|<code class=\"literal\">.*?</code>", re.S | re.I
)
TAG = re.compile(r"<[^>]*>")


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, comments, tags or attributes; entities decoded."""
    return html.unescape(TAG.sub(" ", HIDDEN.sub(" ", page)))


def english_codes(page: str) -> list[str]:
    text = visible_text(page)
    return [f"{m[1]} in “…{text[max(m.start() - 30, 0) : m.end() + 30].strip()}…”" for m in WORD.finditer(text)]


def test_visible_text_ignores_markup() -> None:
    page = '<a class="draft" href="/x?status=submitted">草稿</a><script>var s = "approved";</script><style>.x{}</style>'
    assert english_codes(page) == []
    assert english_codes("<td>状态：submitted → returned</td>") != []
    assert english_codes("<li><code>low_execution</code> 执行率偏低</li>") != []
    assert english_codes("<td>officer_a</td><td>/review/submitted/</td>") == []


PAGES = [route for route in project_routes() if spec_of(route) is not None and "GET" in spec_of(route).methods]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_no_english_codes_on_any_page(world: World, role: str) -> None:  # noqa: F811
    client = Client()
    world.log_in(client, role)
    found, read = {}, 0
    for route in PAGES:
        spec = spec_of(route)
        try:
            args = spec.args(world, spec.target)
        except pytest.fail.Exception:  # a model the world has no object of: the access matrix says so
            continue
        path = fill(route, args) + (f"?{spec.query}" if spec.query else "")
        response = client.get(path)
        if "text/html" not in response.get("Content-Type", "") or response.streaming:
            if response.streaming:  # read to the end: the test client closes it, as a server would
                b"".join(response.streaming_content)
            continue  # (closing a response by hand fires request_finished, which closes PostgreSQL's connection)
        read += 1
        hits = english_codes(response.content.decode())
        if hits:
            found[f"{path} ({response.status_code})"] = hits[:3]
    assert read >= len(PAGES) // 2, read  # the crawl reached the pages (error pages are pages too)
    assert not found, "\n".join(f"{page}: {'; '.join(hits)}" for page, hits in found.items())


def test_admin_sections_and_third_party_models_are_chinese(world: World) -> None:  # noqa: F811
    client = Client()
    world.log_in(client, "admin")
    text = visible_text(client.get("/admin/").content.decode())
    for english in ("Axes", "AXES", "Tasks Database Backend", "Task Results", "access attempts", "access logs"):
        assert english not in text
    for chinese in ("登录安全", "登录尝试", "登录日志", "后台任务", "项目", "报告"):
        assert chinese in text
