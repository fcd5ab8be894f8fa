"""The 指标库's admin pages: accept/reject, the all-or-nothing xlsx import, the export round trip."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from library.models import EntryStatus, LibraryEntry
from library.workbook import COLUMNS, ImportRefused, parse

pytestmark = pytest.mark.django_db
IMPORT, EXPORT = "admin:library_libraryentry_import", "admin:library_libraryentry_export"
HEADERS = [header for _, header in COLUMNS]


def book(*rows: list[str], headers: list[str] = HEADERS, title: str = "指标库") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(level3: str, **cells: str) -> list[str]:
    values = {"行业": "教育", "一级指标": "产出指标", "二级指标": "数量指标", "三级指标": level3} | cells
    return [values.get(header, "") for header in HEADERS]


def upload(client, content: bytes):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile("库.xlsx", content)})


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_good_workbook_creates_and_updates_entries(admin_client) -> None:
    LibraryEntry.objects.create(sector="教育", level1="产出指标", level2="数量指标", level3="培训人次", unit="次")
    content = book(row("培训人次", 度量单位="人次", 指标性质="≥", 指标值="200"), row("培训满意度", 状态="待审核"))
    response = upload(admin_client, content)
    assert response.status_code == 302
    updated = LibraryEntry.objects.get(level3="培训人次")
    assert (updated.unit, updated.nature, updated.typical_value) == ("人次", "≥", "200")
    assert updated.history.first().history_change_reason == "管理员导入指标库工作簿"
    assert LibraryEntry.objects.get(level3="培训满意度").status == EntryStatus.PROPOSED


def test_a_bad_workbook_writes_nothing_and_names_sheet_row_and_column(admin_client) -> None:
    content = book(
        row("培训人次"),
        row("培训合格率", 一级指标="产出"),  # 产出 is 部门评价's 一级, whose 二级 are not 数量指标
        row("", 指标性质="大于", 出处网址="见附件"),
        row("培训人次"),
        title="教育",
    )
    response = upload(admin_client, content)
    assert response.status_code == 400
    assert not LibraryEntry.objects.exists()
    page = response.content.decode()
    assert "未导入任何内容" in page
    assert "工作表“教育”第3行第D列（二级指标）：“产出”下的二级指标须为" in page
    assert "工作表“教育”第4行第E列（三级指标）：不能为空，请填写三级指标" in page
    assert "工作表“教育”第4行第G列（指标性质）：“大于”不可用，指标性质须为：≥、≤、=、定性（或留空）" in page
    assert "第4行第M列（出处网址）：请填写以 http:// 或 https:// 开头的完整网址" in page
    assert "工作表“教育”第5行与第2行的行业、主管部门、一级、二级、三级名称相同" in page


def test_a_workbook_without_the_header_names_it() -> None:
    with pytest.raises(ImportRefused) as refused:
        parse(BytesIO(book(["x", "y"], headers=["名称", "数值"])))
    assert "没有找到表头行" in refused.value.errors[0]
    with pytest.raises(ImportRefused) as refused:
        parse(BytesIO(book(["培训"], headers=["三级指标"])))
    assert refused.value.errors == ["工作表“指标库”第1行的表头缺少“行业”列，请补上该列"]
    with pytest.raises(ImportRefused) as refused:
        parse(BytesIO(b"not a workbook"))
    assert "无法读取工作簿" in refused.value.errors[0]


def test_the_export_reads_back_the_same_and_stores_formulas_as_text(admin_client) -> None:
    LibraryEntry.objects.create(sector="教育", level1="产出指标", level2="数量指标", level3='=HYPERLINK("x")',
                                explanation="+1 人次", typical_value="-5%", source_url="https://a.org/")  # fmt: skip
    LibraryEntry.objects.create(sector="卫生健康", level3="门诊满意度", nature="≥", typical_value="90%", unit="%",
                                status=EntryStatus.PROPOSED)  # fmt: skip
    before = list(LibraryEntry.objects.order_by("level3").values(*(name for name, _ in COLUMNS)))
    response = admin_client.get(reverse(EXPORT))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(content)).active
    formula = next(cell for cell in sheet["E"] if str(cell.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s" and formula.quotePrefix
    LibraryEntry.objects.all().delete()
    assert upload(admin_client, content).status_code == 302
    after = list(LibraryEntry.objects.order_by("level3").values(*(name for name, _ in COLUMNS)))
    assert after == before


def test_the_export_follows_the_list_filters(admin_client) -> None:
    LibraryEntry.objects.create(sector="教育", level3="培训人次")
    LibraryEntry.objects.create(sector="卫生健康", level3="门诊人次")
    response = admin_client.get(reverse(EXPORT), {"sector": "卫生健康"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet["E"]] == ["三级指标", "门诊人次"]


def test_an_admin_accepts_and_rejects_proposals_with_history(admin_client, officer) -> None:
    first = LibraryEntry.objects.create(sector="妇联", level3="维权热线接听量", status=EntryStatus.PROPOSED,
                                        proposed_by=officer)  # fmt: skip
    second = LibraryEntry.objects.create(sector="妇联", level3="宣传覆盖率", status=EntryStatus.PROPOSED)
    url = reverse("admin:library_libraryentry_changelist")
    assert "维权热线接听量" in admin_client.get(url, {"status__exact": "proposed"}).content.decode()
    admin_client.post(url, {"action": "accept", "_selected_action": [first.pk]})
    admin_client.post(url, {"action": "reject", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (EntryStatus.ACCEPTED, EntryStatus.REJECTED)
    assert second.history.first().history_change_reason == "管理员不采纳该提议"
