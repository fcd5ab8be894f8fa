"""Forms of the indicator editor: one row of the tree, and one indicator's actual and reason.

Input is read by evalsys.lib.parsing, so 全角 digits, thousands separators and a trailing % are
accepted, and anything else is refused with a Chinese message at the field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from evalsys.lib.parsing import Actual, CellError, Target, parse_actual, parse_target, parse_weight
from indicators.editing import Definition
from indicators.models import Comparator, Indicator
from projects.forms import VersionedForm
from scoring.rules import fmt
from scoring.types import QUALITATIVE, QUALITATIVE_LABELS, Scheme

CHOOSE = "请选择"
QUALITATIVE_CHOICES = [("", "—"), *((label, label) for label in QUALITATIVE_LABELS)]


def _cell(read: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return read(*args, **kwargs)
    except CellError as error:
        raise ValidationError(str(error)) from None


def _style(form: forms.Form) -> None:
    """Bootstrap's small controls; the markup stays in the templates."""
    for field in form.fields.values():
        small = (
            "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        )
        field.widget.attrs["class"] = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else small


def target_of(row: Indicator) -> Target:
    """The stored target as evalsys.lib.parsing reads it."""
    return Target(row.comparator, row.target, row.target_text, row.unit, row.deadline, row.sign_assumed)


def target_shown(row: Indicator) -> str:
    """The 指标值 as the officer typed it: the number, the 定性 text or the deadline."""
    if row.comparator == QUALITATIVE or row.deadline:
        return row.target_text or (row.deadline.isoformat() if row.deadline else "")
    return fmt(row.target)


class IndicatorForm(VersionedForm):
    """One leaf: 一级 (from the scheme), 二级 (under that 一级), 三级, 指标性质, 指标值, 度量单位, 权重."""

    level1 = forms.ChoiceField(label="一级指标")
    level2 = forms.ChoiceField(label="二级指标", error_messages={"invalid_choice": "请选择所选一级指标下的二级指标"})
    level3 = forms.CharField(label="三级指标", max_length=300)
    comparator = forms.ChoiceField(label="指标性质", choices=Comparator.choices)
    # wraps and grows: a deadline (2022年12月31日前) or a 定性 target is longer than a number
    target = forms.CharField(label="指标值", max_length=500, widget=forms.Textarea(attrs={"rows": 1}))
    unit = forms.CharField(label="度量单位", max_length=40, required=False)
    weight = forms.CharField(label="权重", widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, data: Any = None, *, scheme: Scheme, indicator: Indicator | None = None, **kwargs: Any) -> None:
        if indicator is not None:
            kwargs["prefix"] = f"i{indicator.pk}"
            kwargs["initial"] = {
                "level1": indicator.level1, "level2": indicator.level2, "level3": indicator.level3,
                "comparator": indicator.comparator, "target": target_shown(indicator), "unit": indicator.unit,
                "weight": fmt(indicator.weight),
            }  # fmt: skip
        super().__init__(data, **kwargs)
        self.indicator = indicator
        self.fields["level1"].choices = [(name, name) for name in scheme.level1_names]
        level1 = self["level1"].value() or scheme.level1_names[0]
        self.fields["level2"].choices = level2_choices(scheme, level1)
        _style(self)

    def clean_weight(self) -> Decimal:
        return _cell(parse_weight, self.cleaned_data["weight"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if all(name in data for name in ("comparator", "target", "level2")):
            read = _cell_or_error(self, "target", parse_target, data["target"], comparator=data["comparator"],
                                  unit=data.get("unit", ""), level2=data["level2"])  # fmt: skip
            if read is not None:
                data["target"] = read
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        definition = Definition(d["level1"], d["level2"], d["level3"].strip(), d["target"], d["weight"])
        return super().service_kwargs() | {"definition": definition}


def _cell_or_error(form: forms.Form, field: str, read: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return read(*args, **kwargs)
    except CellError as error:
        form.add_error(field, str(error))
        return None


def level2_choices(scheme: Scheme, level1: str) -> list[tuple[str, str]]:
    return [("", CHOOSE), *((name, name) for name in scheme.level2_for(level1))]


class ActualForm(VersionedForm):
    """实际完成值 (a number, a 达成 band for 定性, a date for a deadline) and 偏差原因分析及改进措施."""

    actual = forms.CharField(label="实际完成值", required=False, max_length=500)
    not_applicable = forms.BooleanField(label="不适用", required=False)
    reason = forms.CharField(label="偏差原因分析及改进措施", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, data: Any = None, *, indicator: Indicator, start_reason: str = "") -> None:
        """`start_reason`: the 运行监控's cause and measures, offered in an empty reason box (monitoring.carry)."""
        initial = self._initial(indicator)
        self.offered = bool(start_reason and not initial["reason"] and not indicator.not_applicable)
        if self.offered:
            initial["reason"] = start_reason
        super().__init__(data, prefix=f"a{indicator.pk}", initial=initial)
        self.indicator = indicator
        field = self.fields["actual"]
        if indicator.comparator == QUALITATIVE:
            field.widget = forms.Select(choices=QUALITATIVE_CHOICES)
        elif indicator.deadline:
            field.widget = forms.DateInput(attrs={"type": "date"})
        else:
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "placeholder": indicator.unit})
        _style(self)

    @staticmethod
    def _initial(row: Indicator) -> dict[str, Any]:
        if row.comparator == QUALITATIVE:
            actual = row.actual_label
        elif row.deadline:
            actual = row.actual_date.isoformat() if row.actual_date else ""
        else:
            actual = row.actual_text or fmt(row.actual)
        return {"actual": actual, "reason": row.reason, "not_applicable": row.not_applicable}

    def clean_actual(self) -> Actual | None:
        text = self.cleaned_data["actual"]  # kept under 不适用 too: ticking it changes only the scoring
        if self.indicator.deadline and text:
            text = _date_or_text(text)
        return _cell(parse_actual, text, target=target_of(self.indicator))

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return super().service_kwargs() | {"actual": d["actual"], "reason": d["reason"],
                                           "not_applicable": d["not_applicable"]}  # fmt: skip


def _date_or_text(text: str) -> datetime.date | str:
    """A date picker sends 2022-11-30; typed text (2022年11月30日) goes to the parser as it is."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text
