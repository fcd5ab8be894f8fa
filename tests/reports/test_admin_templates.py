"""Admin-uploaded report templates: validated at upload, previewed, then used for downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from projects.models import Project
from reports.models import ReportTemplate
from reports.services import project_file
from tests.reports.conftest import SEED_CODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(demo, django_user_model):
    """The demo's admin (load_demo sets its password, so log in as the stored user)."""
    return django_user_model.objects.get(username="admin")


def template_bytes(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(client, content: bytes, *, name: str = "模板.docx", outline: str = "unit", activate: bool = True):
    """Upload a template (it starts off) and, unless `activate` is false, switch it on through the
    confirmation page; the upload's response."""
    data = {"name": "省厅模板", "outline": outline, "file": SimpleUploadedFile(name, content)}
    response = client.post(reverse("admin:reports_reporttemplate_add"), data)
    if activate and response.status_code == 302:
        template = ReportTemplate.objects.order_by("-pk").first()
        client.post(reverse("admin:reports_reporttemplate_activate", args=[template.pk]))
    return response


def test_valid_template_is_saved_previewed_and_used(client, admin_user, demo) -> None:
    client.force_login(admin_user)
    response = upload(client, template_bytes("{{ name }}自评得分{{ total }}分，等级{{ grade }}。"))
    assert response.status_code == 302
    template = ReportTemplate.objects.get()
    assert template.uploaded_by == admin_user and template.active
    preview = client.get(reverse("admin:reports_reporttemplate_preview", args=[template.pk]))
    assert "自评得分93.62分，等级优。" in Document(io.BytesIO(preview.content)).paragraphs[0].text
    _, content = project_file(project=Project.objects.get(code=SEED_CODE), fmt="docx", user=None)
    assert Document(io.BytesIO(content)).paragraphs[0].text == "北疆布丝瑰创业就业行动自评得分93.62分，等级优。"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a word file", "模板.docx", "不是有效的 Word（.docx）文件"),
        (template_bytes("得分{{ total "), "模板.docx", "模板语法错误"),
        (template_bytes("得分{{ totl }}"), "模板.docx", "未知的占位符“totl”"),
        (template_bytes("得分{{ total }}"), "模板.doc", "请上传 .docx 格式的 Word 模板"),
    ],
)
def test_broken_template_is_refused_at_upload(client, admin_user, demo, content, name, message) -> None:
    client.force_login(admin_user)
    response = upload(client, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportTemplate.objects.exists()
    _, report = project_file(project=Project.objects.get(code=SEED_CODE), fmt="docx", user=None)
    assert "一、项目基本情况" in "\n".join(p.text for p in Document(io.BytesIO(report)).paragraphs)


def test_a_new_active_template_replaces_the_old_one(client, admin_user, demo) -> None:
    client.force_login(admin_user)
    upload(client, template_bytes("旧{{ total }}"))
    upload(client, template_bytes("新{{ total }}"))
    assert ReportTemplate.objects.count() == 2
    assert ReportTemplate.objects.filter(active=True).count() == 1
    _, content = project_file(project=Project.objects.get(code=SEED_CODE), fmt="docx", user=None)
    assert Document(io.BytesIO(content)).paragraphs[0].text == "新93.62"


def test_officer_cannot_preview(client, demo, admin_user, django_user_model) -> None:
    client.force_login(admin_user)
    upload(client, template_bytes("{{ total }}"))
    client.force_login(django_user_model.objects.get(username="officer_a"))
    url = reverse("admin:reports_reporttemplate_preview", args=[ReportTemplate.objects.get().pk])
    assert client.get(url).status_code == 302  # to the admin login
