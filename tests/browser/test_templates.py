"""An admin's Word template in the browser (issue 15 B17): uploaded, it is off; 启用 asks for a
confirmation naming what changes; then the project page names it and the Word download uses it.

Screenshots go to build/screenshots/<test name>/.
"""

from __future__ import annotations

import re

import pytest
from docx import Document

from projects.demo import load_demo
from projects.models import Project
from reports.models import ReportTemplate
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
SEED_CODE = "15000025T000000000900"


def template_file(path) -> str:
    document = Document()
    document.add_paragraph("省厅版式：{{ name }}，总分{{ total }}，等级{{ grade }}。")
    document.save(path)
    return str(path)


def test_an_admin_uploads_activates_and_a_project_uses_the_template(page, shots, tmp_path) -> None:
    load_demo()
    project = Project.objects.get(code=SEED_CODE)
    login(page, "admin")
    page.goto(page.base_url + "/admin/reports/reporttemplate/add/")
    assert page.locator("input[name=active]").count() == 0
    page.fill("input[name=name]", "省厅2025版")
    page.select_option("select[name=outline]", "unit")
    page.set_input_files("input[name=file]", template_file(tmp_path / "省厅模板.docx"))
    page.screenshot(path=str(shots / "1-upload.png"), full_page=True)
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/reports/reporttemplate/$"))
    assert not ReportTemplate.objects.get().active
    row = page.locator("#result_list tbody tr").first
    assert "未启用" in row.inner_text()
    page.screenshot(path=str(shots / "2-list-off.png"), full_page=True)

    row.get_by_role("link", name="启用…").click()
    page.wait_for_url(re.compile(r".*/activate/$"))
    text = page.locator("#content-main").inner_text()
    assert "所有用户" in text and "单位自评报告（内蒙古式）" in text and "PDF 版和 Excel 自评表不受影响" in text
    page.screenshot(path=str(shots / "3-confirm.png"), full_page=True)
    page.click("#confirm-switch")
    page.wait_for_url(re.compile(r".*/admin/reports/reporttemplate/$"))
    assert "已启用报告模板“省厅2025版”" in page.locator(".messagelist").inner_text()
    assert ReportTemplate.objects.get().active

    page.goto(page.base_url + f"/{project.pk}/")
    assert page.locator("#word-template").inner_text() == "Word 报告使用模板“省厅2025版”（PDF 为内置版式）"
    page.screenshot(path=str(shots / "4-project.png"), full_page=False)
    with page.expect_download() as download:
        page.get_by_role("link", name="自评报告 Word").click()
    word = Document(str(download.value.path()))
    assert word.paragraphs[0].text == "省厅版式：北疆布丝瑰创业就业行动，总分93.62，等级优。"
