"""报告模板占位符说明: the admin help page the template upload points to (issue 9)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from reports.docx_template import FUND_FIELDS, INDICATOR_FIELDS, NARRATIVE_FIELDS, PLACEHOLDERS

pytestmark = pytest.mark.django_db
URL = "admin:reports_reporttemplate_placeholders"


def test_every_placeholder_and_field_with_its_meaning_and_an_example(client, admin_user) -> None:
    client.force_login(admin_user)
    response = client.get(reverse(URL))
    page = response.content.decode()
    assert response.status_code == 200 and "报告模板占位符说明" in page
    for name, meaning in PLACEHOLDERS.items():
        assert f"{{{{ {name} }}}}" in page and meaning.split("，")[0] in page
    for name in (*FUND_FIELDS, *INDICATOR_FIELDS, *NARRATIVE_FIELDS):
        assert f".{name} }}}}" in page
    assert "北疆布丝瑰创业就业行动（示例）" in page and "15000022T000000000900" in page  # example values


def test_upload_form_and_its_refusal_link_to_the_page(client, admin_user) -> None:
    client.force_login(admin_user)
    url = reverse(URL)
    assert url in client.get(reverse("admin:reports_reporttemplate_add")).content.decode()
    doc, out = Document(), io.BytesIO()
    doc.add_paragraph("{{ nmae }}")
    doc.save(out)
    upload = SimpleUploadedFile("t.docx", out.getvalue())
    data = {"name": "错", "outline": "unit", "file": upload, "active": "on"}
    response = client.post(reverse("admin:reports_reporttemplate_add"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "未知的占位符“nmae”" in page and url in page


@pytest.mark.parametrize("who", ["officer", "evaluator"])
def test_only_staff_see_it(client, request, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code == 302


def test_post_is_405(client, admin_user) -> None:
    client.force_login(admin_user)
    assert client.post(reverse(URL)).status_code == 405
