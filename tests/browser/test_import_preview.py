"""The import in a real browser (issue 8): upload, read the preview with its warnings, download the
template, upload a broken workbook and download it back marked.

Screenshots: build/screenshots/test_import_preview_template_and_errors/; with UPDATE_SCREENSHOTS=1
the README's docs/screenshots/import-preview.png, import-errors.png and (when LibreOffice is
installed) import-error-workbook.png are refreshed too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from intake.error_workbook import ERRORS_SHEET, RED
from intake.template_workbook import SHEET as TEMPLATE_SHEET
from tests import factories
from tests.workbooks import SEED000_ROWS, seed000_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.flaky(reruns=1)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "test-pass-2026"
SHEET = "项目支出绩效自评表"


def login(page, username: str) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def upload(page, path: Path, year: str = "2022") -> None:
    page.goto(page.base_url + "/intake/upload/")
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=year]", year)
    with page.expect_navigation():
        page.get_by_role("button", name="上传并试运行").click()


def shot(page, folder: Path, name: str, *, docs: bool = False, locator=None) -> None:
    target = locator or page
    target.screenshot(path=str(folder / name), **({} if locator else {"full_page": True}))
    if docs and os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copy(folder / name, DOCS / name)


def render_workbook(path: Path, folder: Path) -> Path | None:
    """The workbook as LibreOffice prints it (each sheet fit to the page width), its first two pages
    (错误清单 and the marked sheet) cropped and stacked in one PNG; None without LibreOffice."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office or not shutil.which("pdftoppm"):
        return None
    book = load_workbook(path)
    for sheet in book.worksheets:
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    printable = folder / "printable.xlsx"
    book.save(printable)
    profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"
    subprocess.run([office, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(printable)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "2", str(folder / "printable.pdf"),
                    str(folder / "page")], check=True, timeout=60)  # fmt: skip
    return _stack(sorted(folder.glob("page-*.png")), folder / "import-error-workbook.png")


def _stack(pages: list[Path], out: Path) -> Path:
    from PIL import Image, ImageChops, ImageOps

    crops = []
    for page in pages:
        image = Image.open(page).convert("RGB")
        box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
        crops.append(ImageOps.expand(image.crop(box) if box else image, border=16, fill="white"))
    canvas = Image.new("RGB", (max(c.width for c in crops), sum(c.height for c in crops)), "white")
    top = 0
    for crop in crops:
        canvas.paste(crop, (0, top))
        top += crop.height
    canvas.save(out)
    return out


def test_import_preview_template_and_errors(page, shots, live_server, tmp_path) -> None:
    unit = factories.unit(code="140001", name="内蒙古自治区妇女联合会")
    factories.user("officer_a", role="officer", unit=unit)
    login(page, "officer_a")

    # the preview: every row with its score, warnings next to their rows
    upload(page, seed000_workbook(tmp_path / "seed000.xlsx"), year="")  # the year of the title （2022年度）
    assert page.locator(".import-year").inner_text() == "年度 2022：取自表格标题“（2022年度）”"
    preview = page.locator("details.preview-project")
    assert preview.count() == 1 and preview.first.get_attribute("open") is not None
    assert preview.locator("tbody tr").count() == len(SEED000_ROWS)
    row = preview.locator("tbody tr", has_text="研发新产品")
    assert "超额完成" in row.inner_text() and "8.00" in row.inner_text()
    assert "93.62" in preview.locator("summary").inner_text()
    shot(page, shots, "import-preview-new.png")
    with page.expect_navigation():
        page.get_by_role("button", name="确认导入").click()
    assert "导入完成" in page.content()

    # the same project again with two changes: old → new on the rows, the rest unchanged
    rows = [list(r) for r in SEED000_ROWS]
    rows[0][4], rows[0][6] = "8期", "受场地影响，少办一期；下年度提前落实场地。"
    rows[4][3] = "≤10个月"
    upload(page, seed000_workbook(tmp_path / "changed.xlsx", rows=rows))
    block = page.locator("details.preview-project")
    assert "更新" in block.locator("summary").inner_text()
    changed = block.locator("tbody tr", has_text="开展手工艺技能培训")
    assert "实际完成值：9 → 8" in changed.inner_text() and "6.22" in changed.inner_text()
    assert block.locator("tbody tr.row-same").count() == len(SEED000_ROWS) - 2
    shot(page, shots, "import-preview.png", docs=True)

    # the template: the import's layout with the officer's unit in the example
    with page.expect_download() as info:
        page.get_by_role("button", name="下载模板（.xlsx）").click()
    assert info.value.suggested_filename == "项目支出绩效自评表模板.xlsx"
    template = load_workbook(BytesIO(Path(info.value.path()).read_bytes()))
    assert template[TEMPLATE_SHEET]["B2"].value == "140001-内蒙古自治区妇女联合会"

    # a broken workbook: refused, listed, and its marked copy downloaded
    rows = [list(r) for r in SEED000_ROWS]
    rows[1][3], rows[2][5] = "≥七十款", None
    upload(page, seed000_workbook(tmp_path / "broken.xlsx", rows=rows))
    assert page.locator("table.import-errors tbody tr").count() == 2
    assert "年度指标值（I列）" in page.locator("table.import-errors").inner_text()
    shot(page, shots, "import-errors.png", docs=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="下载标注错误的工作簿").click()
    marked_path = tmp_path / "marked.xlsx"
    info.value.save_as(marked_path)
    assert "错误标注" in info.value.suggested_filename
    marked = load_workbook(BytesIO(marked_path.read_bytes()))
    assert marked.sheetnames[0] == ERRORS_SHEET
    assert marked[SHEET]["I5"].fill.fgColor.rgb == RED.fgColor.rgb and marked[SHEET]["I5"].comment is not None

    rendered = render_workbook(marked_path, tmp_path)
    if rendered is not None:
        shutil.copy(rendered, shots / rendered.name)
        if os.environ.get("UPDATE_SCREENSHOTS"):
            shutil.copy(rendered, DOCS / "import-error-workbook.png")
