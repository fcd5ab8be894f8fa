"""Forms of the review pages: parse and normalise; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from evalsys.lib.parsing import CellError, normalize, parse_decimal
from projects.listing import BAD_CHOICE, ChoiceOfModel
from projects.models import Department
from projects.services import REASON_REQUIRED
from review.services import NOTHING_CHOSEN

BAD_ID = "所选项目无效，请刷新页面后重试"


class YearForm(forms.Form):
    """The year selector; without a year the newest one is shown."""

    year = forms.TypedChoiceField(
        label="年度", coerce=int, required=False, error_messages={"invalid_choice": BAD_CHOICE}
    )

    def __init__(self, data: Any, *, years: list[int], default: int | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年度") for y in years]
        self.fields["year"].widget.attrs["class"] = "form-select form-select-sm"
        self.default_year = default if default in years else years[0] if years else None
        self.initial.setdefault("year", self.default_year)  # the select shows the year the page is on

    def chosen_year(self) -> int | None:
        """The valid year chosen, else the newest (also when the form is invalid)."""
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return year or self.default_year


class OverviewForm(YearForm):
    department = ChoiceOfModel(
        label="主管部门", queryset=Department.objects.none(), required=False, empty_label="全部主管部门",
        error_messages={"invalid_choice": BAD_CHOICE},
    )  # fmt: skip

    def __init__(self, data: Any, *, years: list[int], departments: Any, default: int | None = None) -> None:
        super().__init__(data, years=years, default=default)
        self.fields["department"].queryset = departments
        self.fields["department"].widget.attrs["class"] = "form-select form-select-sm"

    def chosen_department(self) -> Department | None:
        return self.cleaned_data.get("department") if self.is_valid() else None


class IdsField(forms.Field):
    """Several project ids from checkboxes named alike."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return sorted({int(v) for v in value or ()})
        except (TypeError, ValueError):
            raise forms.ValidationError(BAD_ID) from None


class ApproveForm(forms.Form):
    projects = IdsField(required=False)
    # 全部符合条件: every submitted project the queue's filters (sent alongside) match, not the ticked ones
    all = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # what the confirmation page showed (ApprovalSummary.fingerprint): a different set is shown again
    expected = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    year = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # set by the 审核通过 button of one project's page, which the user goes back to
    single = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # set by the confirmation page: without it the choice is shown with what remains, not approved
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("all") and not data.get("projects") and "projects" not in self.errors:
            self.add_error("projects", NOTHING_CHOSEN)
        return data

    def chosen(self) -> set[str]:
        """The ids ticked, as typed, to tick them again when the page comes back."""
        return set(self.data.getlist("projects")) if self.is_bound else set()


class AdjustForm(forms.Form):
    """An evaluator's score for one indicator; an empty score withdraws the adjustment."""

    value = forms.CharField(label="调整后得分", required=False, max_length=20)
    reason = forms.CharField(label="调整理由", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.attrs.update({"inputmode": "decimal", "class": "form-control form-control-sm"})
        self.fields["reason"].widget.attrs.update({"class": "form-control form-control-sm", "placeholder": "调整理由"})

    def clean_value(self) -> Decimal | None:
        text = normalize(self.cleaned_data.get("value"))
        if not text:
            return None
        try:
            return parse_decimal(text)
        except CellError as error:
            raise forms.ValidationError(str(error)) from None


def _reason_form(what: str) -> type[forms.Form]:
    class ReasonForm(forms.Form):
        reason = forms.CharField(
            label=what, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), max_length=2000,
            error_messages={"required": REASON_REQUIRED.format(what=what)},
        )  # fmt: skip

    return ReasonForm


ReturnForm = _reason_form("退回理由")
ReopenForm = _reason_form("重新打开的理由")


class NoteForm(forms.Form):
    """审核意见 on one indicator; empty text removes the note."""

    text = forms.CharField(label="审核意见", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm",
                                                        "placeholder": "审核意见（退回后填报人可见）"}))  # fmt: skip
