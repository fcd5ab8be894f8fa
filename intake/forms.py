"""Forms of the intake pages: a workbook upload, and copying last year's project into a year."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from evalsys.lib.xlsx import WorkbookRefused, check_workbook
from intake.selectors import copy_candidates, default_copy_year, default_scheme_key, title_year, year_note
from intake.template_workbook import KINDS, SELF_EVALUATION
from projects.forms import CodeInput
from projects.models import Project
from scoring.rules import code_year
from scoring.schemes import scheme_choices

NOT_XLSX = "请上传 .xlsx 格式的 Excel 工作簿（.xls、.csv 等请先在 Excel 中“另存为” .xlsx）"
UNREADABLE = "无法读取该文件：请确认它是未加密、未损坏的 Excel 工作簿（.xlsx）"
TOO_LARGE = "文件过大（超过 {mb} MB），请拆分后分别导入"
MAX_MB = 20
SCHEME_DEFAULT = "（不指定：已有项目保持原方案，新项目用国家标准）"
YEAR_RANGE = {"min_value": 2000, "max_value": 2100}


class UploadForm(forms.Form):
    """The workbook, its year and, for admins only, the scoring scheme to set."""

    file = forms.FileField(
        label="绩效表工作簿（.xlsx）", help_text="项目支出绩效表或自评表；导入前会先试运行并显示结果。"
    )
    year = forms.IntegerField(
        label="年度", required=False, **YEAR_RANGE,
        help_text="留空则取表格标题中的年度（如“2022年度项目支出绩效自评表”），标题中没有年度时按上一年度。",
    )  # fmt: skip
    skip_refused = forms.BooleanField(
        label="跳过不能导入的项目，只导入其余项目", required=False,
        help_text="不能导入的项目：其他单位的项目，以及已提交、已审核的项目。跳过的项目会在试运行结果中列出。",
    )  # fmt: skip

    def __init__(self, *args: Any, admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
        self.fields["year"].widget.attrs["placeholder"] = "按表格标题"
        self.year_note: tuple[str, bool] | None = None  # what the page says of the year used (year_note)
        if not admin:
            self.fields["skip_refused"].label = "只导入本单位的项目（跳过其他单位的和已提交、已审核的项目）"
        if admin:
            choices = [("", SCHEME_DEFAULT), *scheme_choices()]
            self.fields["scheme"] = forms.ChoiceField(label="评分方案", choices=choices, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(NOT_XLSX, code="not_xlsx")
        if upload.size > MAX_MB * 1024 * 1024:
            raise forms.ValidationError(TOO_LARGE.format(mb=MAX_MB), code="too_large")
        try:
            check_workbook(upload)
        except WorkbookRefused as error:
            raise forms.ValidationError(str(error), code="unreadable") from None
        return upload

    def clean(self) -> dict[str, Any]:
        """The year typed, else the one the table's title names, else last year; the page says which."""
        data = super().clean()
        if data.get("file") is None or "year" in self.errors:
            return data
        found = title_year(data["file"])
        chosen = data.get("year")
        data["year"] = chosen or (found[0] if found else timezone.localdate().year - 1)
        self.year_note = year_note(data["year"], found, chosen=chosen is not None)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"file": data["file"], "year": data["year"], "scheme_key": data.get("scheme") or None,
                "skip_refused": data["skip_refused"]}  # fmt: skip


class TemplateForm(forms.Form):
    """The scheme of the blank workbook (GET); the default is the unit's, else national."""

    template_scheme = forms.ChoiceField(label="模板的评分方案", choices=scheme_choices, required=False)
    template_kind = forms.ChoiceField(label="模板的类型", choices=tuple(KINDS.items()), required=False)

    def __init__(self, data: Any = None, *, unit: Any) -> None:
        self.year = timezone.localdate().year - 1  # the upload form's default year
        self.default = default_scheme_key(unit, self.year)
        super().__init__(data, initial={"template_scheme": self.default})

    def service_kwargs(self) -> dict[str, Any]:
        """The chosen scheme, or the default for a missing or unknown one (a download has no error page)."""
        chosen = self.cleaned_data.get("template_scheme") if self.is_valid() else ""
        kind = self.cleaned_data.get("template_kind") if self.is_valid() else ""
        return {"scheme_key": chosen or self.default, "year": self.year, "kind": kind or SELF_EVALUATION}


class SourceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        code = f"{obj.code}-" if obj.code else ""
        return f"{code}{obj.name}（{obj.unit.name}）"


COPY_CODE_HELP = "留空则沿用上一年度的编码。预算一体化编码的第 7–8 位是年度（如 15000021T… 为 2021 年）。"
COPY_CODE_MISMATCH = (
    "所选项目的编码“{code}”第 7–8 位表示 {carried} 年，与 {year} 年度不符：沿用时项目会提示“编码年度不符”。"
    "请改为新年度预算一体化系统中的编码（复制后也可在“编辑”中修改）。"
)


class CopyForm(forms.Form):
    """A target year and one of the user's projects of the year before it that is not there yet,
    and the new year's 项目编码 (prefilled with the chosen project's, which is kept when left empty)."""

    year = forms.IntegerField(label="复制到年度", min_value=2001, max_value=2100)
    source = SourceField(
        label="上一年度的项目",
        queryset=Project.objects.none(),
        empty_label="请选择项目",
        help_text="只列出您可见的、所选年度还没有的上一年度项目。",
    )
    code = CodeInput(label="新年度的项目编码", help_text=COPY_CODE_HELP)

    def __init__(self, data: Any = None, *, user: Any, year: str = "", source: str = "") -> None:
        """`year` is the page's ?year= (as typed); the user's next year when it is not a year.
        `source` is the page's ?source= (the project chosen): its code prefills the new code."""
        start = _as_year(year) or default_copy_year(user)
        super().__init__(data, initial={"year": start})
        # The choices follow the year being submitted, so a project of another unit (or one
        # already copied) is never a valid choice, whatever id the client sends.
        chosen = (_as_year(self.data.get("year")) if self.is_bound else None) or start
        self.fields["source"].queryset = copy_candidates(user, chosen)
        self.fields["source"].label = f"{chosen - 1} 年度的项目"
        self.fields["year"].widget.attrs |= {
            "hx-get": reverse_lazy("intake:copy"), "hx-trigger": "change", "hx-target": "#copy-form",
            "hx-select": "#copy-form", "hx-swap": "outerHTML",
        }  # fmt: skip
        # choosing a project fetches the form again with its code in the new code's box
        self.fields["source"].widget.attrs |= self.fields["year"].widget.attrs | {"hx-include": "[name='year']"}
        self._prefill(chosen, source)

    def _prefill(self, year: int, source: str) -> None:
        """The chosen project's code in the new code's box, with 编码年度不符 explained when its year differs."""
        picked = self.data.get("source") if self.is_bound else source
        found = self.fields["source"].queryset.filter(pk=picked).first() if str(picked).isdigit() else None
        if found is None:
            return
        if not self.is_bound:
            self.initial |= {"source": found.pk, "code": found.code}
        carried = code_year(found.code)
        if carried and carried != year:
            self.fields["code"].help_text = COPY_CODE_MISMATCH.format(code=found.code, carried=carried, year=year)

    def service_kwargs(self) -> dict[str, Any]:
        """The copy's source, year and code (None: keep the source's code)."""
        data = self.cleaned_data
        return {"source": data["source"], "year": data["year"], "code": data["code"] or None}


def _as_year(value: Any) -> int | None:
    text = str(value or "").strip()
    ascii_digits = text.isascii() and text.isdigit()  # str.isdigit() alone accepts '²'
    return int(text) if ascii_digits and len(text) == 4 and 2001 <= int(text) <= 2100 else None
