from __future__ import annotations

from typing import Any

from django import forms

from targets.models import CRITERIA, TargetResult, TargetReview

OPINION_NEEDED = "审核结果不是“优”时，请在审核意见中写明须修改的内容或退回、不予通过的理由"


class TargetReviewForm(forms.ModelForm):
    """88号's four criteria, each with a note, and the result; the opinion says what to change."""

    class Meta:
        model = TargetReview
        fields = ["completeness", "relevance", "appropriateness", "feasibility", "result", "opinion"]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 2}) for name, _ in CRITERIA},
            "opinion": forms.Textarea(attrs={"rows": 3}),
            "result": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in CRITERIA:
            self.fields[name].error_messages["required"] = f"请填写“{label}”的审核意见"
        self.fields["result"].error_messages["required"] = "请选择审核结果"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("result") and data["result"] != TargetResult.EXCELLENT and not (data.get("opinion") or "").strip():
            self.add_error("opinion", OPINION_NEEDED)
        return data
