"""The print view printed by Chromium (A4, no navigation) and the password pages in a browser.

Screenshots go to build/screenshots/<test name>/ (docs/screenshots/print-view.png and
account.png are copies of them).
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from projects.demo import PASSWORD, load_demo
from projects.models import Project
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]
SEED_CODE = "15000025T000000000900"
A4_POINTS = (595, 842)


def test_the_print_view_prints_on_a4_without_navigation(page, shots) -> None:
    load_demo()
    project = Project.objects.get(code=SEED_CODE)
    login(page, "officer_a")
    page.goto(page.base_url + f"/{project.pk}/")
    page.get_by_role("link", name="打印", exact=True).click()
    page.wait_for_url(re.compile(rf".*/reports/projects/{project.pk}/print/$"))
    assert page.locator("nav, .navbar").count() == 0
    page.screenshot(path=str(shots / "print-view-screen.png"), full_page=True)

    # the 打印 button opens the print dialog (stubbed here) through static/js/print.js
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("() => window.printed === true")

    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印").is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (shots / "print-view.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    # NFKC: Chromium's CJK font maps some characters to Kangxi radicals (⼈ for 人) in the text layer
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    assert "93.62" in text and "打印" not in text.split("打印人")[0]  # no toolbar: only the footer's 打印人
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(shots / "print-view.pdf"),
                    str(shots / "print-view")], check=True)  # fmt: skip


def test_an_officer_changes_their_password_in_the_browser(page, shots) -> None:
    load_demo()
    login(page, "officer_a")
    page.get_by_role("link", name="修改密码").click()
    page.wait_for_url(re.compile(r".*/account/password/$"))
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "1234")
    page.fill("input[name=new_password2]", "1234")
    page.get_by_role("button", name="修改密码").click()
    page.get_by_text("密码太短，至少需要 8 个字符。").wait_for()
    assert page.get_by_text("你的密码必须包含至少 8 个字符").is_visible()
    page.screenshot(path=str(shots / "account.png"), full_page=True)
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "绩效自评-新密码-2027")
    page.fill("input[name=new_password2]", "绩效自评-新密码-2027")
    page.get_by_role("button", name="修改密码").click()
    page.get_by_text("密码已修改").first.wait_for()
    login(page, "officer_a", "绩效自评-新密码-2027")
    assert "officer_a" in page.locator("nav").inner_text()
