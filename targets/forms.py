from __future__ import annotations

from typing import Any

from django import forms

from targets.models import CRITERIA, TargetResult, TargetReview
from targets.services import BULK_RESULTS, NOTHING_CHOSEN

BAD_ID = "所选项目无效，请重新选择"

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


class ProjectIdsField(forms.Field):
    """Several project ids from checkboxes named alike (the list's ticks)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return sorted({int(v) for v in value or ()})
        except (TypeError, ValueError):
            raise forms.ValidationError(BAD_ID) from None


class TargetBulkReviewForm(TargetReviewForm):
    """The review form for the projects ticked on /targets/: one note per criterion shared by all,
    one result (优, 中 or 差: 良 lists each project's own changes) and one opinion."""

    projects = ProjectIdsField(required=False)
    year = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # set by the confirmation page: without it the choice is shown with what it would do
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [(v, label) for v, label in TargetResult.choices if v in BULK_RESULTS]
        self.fields["result"].widget.choices = self.fields["result"].choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("projects") and "projects" not in self.errors:
            self.add_error("projects", NOTHING_CHOSEN)
        return data

    def chosen(self) -> set[str]:
        """The ids ticked, as typed, to tick them again when the page comes back."""
        return set(self.data.getlist("projects")) if self.is_bound else set()
