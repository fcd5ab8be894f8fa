"""Content-Security-Policy: the header on every page, and templates that need nothing inline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(p for d in [ROOT / "templates", *ROOT.glob("*/templates")] for p in d.rglob("*.html"))
# style attributes the CSP blocks, with why they may stay
STYLE_ALLOWED = {
    "reports/templates/reports/report.html": "rendered to PDF by WeasyPrint, never served to a browser",
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("login"), "/no/such/page/"])
def test_every_page_carries_the_policy(client, url) -> None:
    policy = directives(client.get(url))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


@pytest.mark.django_db
def test_htmx_is_told_to_need_no_inline_style_or_eval(client, officer) -> None:
    client.force_login(officer)
    page = client.get(reverse("projects:list")).content.decode()
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page
    assert page.index('name="htmx-config"') < page.index("htmx-2.min.js")


def test_templates_were_found() -> None:
    assert len(TEMPLATES) > 20 and ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_or_handler(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\shx-on[:-]", text), "hx-on needs 'unsafe-eval'"
    assert not re.search(r"\son[a-z]+\s*=", text, flags=re.IGNORECASE), "inline event handler"
    assert "javascript:" not in text.lower()
    assert "<style" not in text.lower()


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_style_attribute(template: Path) -> None:
    if str(template.relative_to(ROOT)) in STYLE_ALLOWED:
        return
    assert not re.search(r"\sstyle\s*=", template.read_text(encoding="utf-8")), "style-src 'self' blocks it"


@pytest.mark.django_db
def test_the_sites_script_is_served(client) -> None:
    response = client.get("/static/js/evalsys.js")
    assert response.status_code == 200
    assert b"htmx.onLoad" in b"".join(response.streaming_content)
