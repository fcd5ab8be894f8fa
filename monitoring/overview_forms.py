"""The overview's filters (issue 17): year, 主管部门, unit and the project's light. A bad value is said
in Chinese and left out, as the lists do: the page shows what the other, valid values select."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from projects.listing import BAD_CHOICE, ChoiceOfModel, PlainChoice, unit_options
from projects.models import Department, Unit
from scoring.monitoring import GREEN, LIGHT_LABELS, RED, YELLOW

SELECT = "form-select form-select-sm w-auto"


class OverviewForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False,
                                  error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    department = ChoiceOfModel(label=_("主管部门"), queryset=Department.objects.none(), required=False,
                               empty_label=_("全部主管部门"),
                               error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    unit = ChoiceOfModel(label=_("实施单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位"),
                         error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    light = PlainChoice(label=_("监控结果"), required=False,
                        choices=[("", _("全部")), *((k, LIGHT_LABELS[k]) for k in (RED, YELLOW, GREEN))],
                        error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip

    FILTERS = ("year", "department", "unit", "light")

    def __init__(self, data: Any, *, years: list[int], units: QuerySet[Unit]) -> None:
        super().__init__(data)
        self.fields["year"].choices = [(y, _("%(year)s年度") % {"year": y}) for y in years]
        self.default_year = years[0] if years else None  # the newest year with reports the user may see
        self.initial.setdefault("year", self.default_year)
        self.fields["department"].queryset = Department.objects.filter(pk__in=units.values("department")).order_by(
            "code", "name"
        )
        self.fields["unit"].queryset = units.select_related("department").order_by("code", "name")
        for name in ("year", "department", "unit", "light"):
            self.fields[name].widget.attrs["class"] = SELECT

    def value(self, name: str) -> Any:
        """The valid value of `name`, else None: one bad field leaves the others in effect."""
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return None
        return self.cleaned_data.get(name) or None

    def chosen(self) -> dict[str, Any]:
        """The filters in effect: year (the newest without a valid one), department, unit, light."""
        return {"year": self.value("year") or self.default_year, "department": self.value("department"),
                "unit": self.value("unit"), "light": self.value("light") or ""}  # fmt: skip

    def unit_options(self) -> tuple[list[Unit], bool]:
        return unit_options(self.fields["unit"].queryset, self.value("department"), self.value("unit"))

    def scope_text(self) -> str:
        """The filters as the export's 筛选 line says them."""
        chosen = self.chosen()
        parts = [chosen[k].name for k in ("department", "unit") if chosen[k]]
        if chosen["light"]:
            parts.append(str(LIGHT_LABELS[chosen["light"]]))
        return "、".join(parts)
