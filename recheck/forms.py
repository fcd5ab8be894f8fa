"""The 复核 upload: one table (.xlsx) or a batch (.zip), its year and, optionally, the scheme."""

from __future__ import annotations

import zipfile
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evalsys.lib.xlsx import WorkbookRefused, check_workbook
from intake.forms import MAX_MB, TOO_LARGE, YEAR_RANGE
from scoring.schemes import scheme_choices

NOT_TABLE = _("请上传 .xlsx 工作簿，或装有多个 .xlsx 工作簿的 .zip 压缩包")
NOT_ZIP = _("无法读取该压缩包：请确认它是未加密、未损坏的 .zip 文件")
SCHEME_DEFAULT = _("（不指定：已有项目用其方案，其余用国家标准）")


class RecheckForm(forms.Form):
    file = forms.FileField(
        label=_("自评表（.xlsx）或压缩包（.zip）"),
        help_text=_("带“得分”列的项目支出绩效自评表；多个表可打包为 .zip 一次复核。只读取，不写入任何数据。"),
    )
    year = forms.IntegerField(label=_("年度"), **YEAR_RANGE)
    scheme = forms.ChoiceField(label=_("评分方案"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year - 1})
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.zip"
        self.fields["scheme"].choices = [("", SCHEME_DEFAULT), *scheme_choices()]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".zip")):
            raise forms.ValidationError(NOT_TABLE, code="not_table")
        if upload.size > MAX_MB * 1024 * 1024:
            raise forms.ValidationError(TOO_LARGE.format(mb=MAX_MB), code="too_large")
        if name.endswith(".zip"):
            ok = zipfile.is_zipfile(upload)
            upload.seek(0)
            if not ok:
                raise forms.ValidationError(NOT_ZIP, code="unreadable")
            return upload
        try:
            check_workbook(upload)
        except WorkbookRefused as error:
            raise forms.ValidationError(str(error), code="unreadable") from None
        return upload

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"file": data["file"], "year": data["year"], "scheme_key": data.get("scheme") or None}
