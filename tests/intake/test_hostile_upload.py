"""Hostile workbooks posted to the upload page get a 400 with the Chinese refusal (issue 15 A1, A2).

The bounds themselves (CPU and memory held by the OS) are proven in tests/lib/test_hostile_xlsx.py;
here the page says why, and keeps nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intake.error_workbook import AnnotationRefused, errors_annotate
from intake.services import SESSION_KEY, UPLOAD_DIR
from projects.models import Project
from tests import hostile_workbooks as hostile

pytestmark = pytest.mark.django_db


def post(client, path: Path):
    file = SimpleUploadedFile("绩效表.xlsx", path.read_bytes())
    return client.post(reverse("intake:upload"), {"file": file, "year": "2022"})


@pytest.mark.parametrize(
    ("make", "message"),
    [(lambda folder: hostile.merge_scan(folder, 30_000), "文件中的工作表“Sheet”不是有效的 XML"),
     (hostile.many_styles, "工作簿的单元格格式超过 65536 种")],
    ids=["merge-cell-scan", "million-styles"],
)  # fmt: skip
def test_a_hostile_upload_is_refused_on_the_page(tmp_path: Path, client, officer, make, message: str) -> None:
    client.force_login(officer)
    response = post(client, make(tmp_path))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Project.objects.exists() and SESSION_KEY not in client.session
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    assert not folder.exists() or not any(folder.iterdir())


def test_the_error_workbook_is_not_built_from_half_a_million_content_types(tmp_path: Path) -> None:
    """The import never reads [Content_Types].xml, but the annotated copy opens the file in openpyxl's
    full mode, which parsed these 500,000 entries whole (400 MB, 3.7 s of CPU): refused first."""
    with pytest.raises(AnnotationRefused, match="系统不为其标注错误"):
        errors_annotate(path=hostile.many_content_types(tmp_path), errors=[], max_rows=10_000)
