"""Forms for the report text and batch exports."""

from __future__ import annotations

from typing import Any

from django import forms

from projects.forms import VersionedForm
from projects.models import Department, Status, Unit
from reports.models import Narrative
from reports.services import FORMATS

FORMAT_CHOICES = [("docx", "Word（自评报告）"), ("pdf", "PDF（自评报告）"), ("xlsx", "Excel（自评表）")]
NEED_SCOPE = "请至少选择单位、主管部门或年度中的一项"


class NarrativeForm(VersionedForm, forms.ModelForm):
    """The 自评报告 text, with the project version the page was rendered with (the template puts
    the project's current version in when the form is not bound)."""

    class Meta:
        model = Narrative
        fields = ["introduction", "purpose", "outputs", "management", "problems", "plans", "measures",
                  "experience", "suggestions"]  # fmt: skip
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        help_texts = {"purpose": "留空时使用标准表述。"}

    def service_kwargs(self) -> dict[str, Any]:
        texts = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return super().service_kwargs() | {"texts": texts}


class BatchExportForm(forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    department = forms.ModelChoiceField(label="主管部门", queryset=Department.objects.all(), required=False)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.all(), required=False)
    fmt = forms.ChoiceField(label="格式", choices=FORMAT_CHOICES, initial="docx")
    # which states to export: 已审核 only unless the admin ticks others (none ticked: 已审核)
    statuses = forms.MultipleChoiceField(label="状态", choices=Status.choices, required=False,
                                         initial=[Status.APPROVED], widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(k) for k in ("year", "department", "unit")):
            raise forms.ValidationError(NEED_SCOPE)
        if data.get("fmt") not in FORMATS:
            raise forms.ValidationError("格式无效")
        data["statuses"] = data.get("statuses") or [Status.APPROVED]
        return data
