"""The officer's 运行监控 page as one form: per indicator row its value to date, forecast, 完成目标可能性,
偏差原因 categories and text and 纠偏措施; 1–M月执行数 per fund source; the project's 纠偏措施. Fields are
named as the service names its errors ("<indicator pk>-<field>", "executed-<source>"), so a refused
save shows each error beside its input and keeps what was typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from evalsys.lib.parsing import CellError, parse_amount
from monitoring.models import Rectification
from monitoring.services import Entry
from projects.models import FundSource
from scoring.monitoring import CAUSES, POSSIBILITIES

ROW_FIELDS = ("to_date", "forecast", "possibility", "causes", "reason", "measures")
SMALL = {"class": "form-control form-control-sm"}
TEXT = {"required": False, "max_length": 500, "widget": forms.TextInput(attrs=SMALL)}


def _long(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2, **SMALL})
    )


class MonitoringForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    measures = forms.CharField(label="纠偏措施（项目）", required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                               help_text="项目为红灯时须填写（也可在各指标行填写）")  # fmt: skip

    def __init__(self, *args: Any, rows: list[Any], sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows, self.sources = rows, sources
        for row in rows:
            name = row.level3
            self.fields[f"{row.pk}-to_date"] = forms.CharField(label=f"{name}：1–M月执行情况", **TEXT)
            self.fields[f"{row.pk}-forecast"] = forms.CharField(label=f"{name}：全年预计完成值", **TEXT)
            self.fields[f"{row.pk}-possibility"] = forms.ChoiceField(
                label=f"{name}：完成目标可能性",
                required=False,
                choices=[("", "—"), *((p, p) for p in POSSIBILITIES)],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"{row.pk}-causes"] = forms.MultipleChoiceField(
                label=f"{name}：偏差原因类别", required=False, choices=[(c, c) for c in CAUSES],
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            self.fields[f"{row.pk}-reason"] = _long(f"{name}：偏差原因分析")
            self.fields[f"{row.pk}-measures"] = _long(f"{name}：纠偏措施")
        for source in sources:
            label = f"{FundSource(source).label}：1–M月执行数（万元）"
            self.fields[f"executed-{source}"] = forms.CharField(label=label, required=False, max_length=40)

    def row_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """Each indicator with its bound fields, in ROW_FIELDS order (the template's table)."""
        return [(row, [self[f"{row.pk}-{name}"] for name in ROW_FIELDS]) for row in self.rows]

    def source_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(source, self[f"executed-{source}"]) for source in self.sources]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for source in self.sources:
            name = f"executed-{source}"
            text = (data.get(name) or "").strip()
            try:
                data[name] = parse_amount(text) if text else None
            except CellError as error:
                self.add_error(name, f"{FundSource(source).label}的执行数：{error}")
        return data

    def entries(self) -> dict[int, Entry]:
        d = self.cleaned_data
        return {row.pk: Entry(*(d.get(f"{row.pk}-{n}") or "" for n in ("to_date", "forecast", "possibility")),
                              tuple(d.get(f"{row.pk}-causes") or ()), d.get(f"{row.pk}-reason") or "",
                              d.get(f"{row.pk}-measures") or "")
                for row in self.rows}  # fmt: skip

    def executed(self) -> dict[str, Decimal | None]:
        return {source: self.cleaned_data.get(f"executed-{source}") for source in self.sources}

    def save_kwargs(self) -> dict[str, Any]:
        """monitoring.services.monitoring_save's arguments from the cleaned form."""
        d = self.cleaned_data
        return {"version": d["version"], "measures": d["measures"], "entries": self.entries(),
                "executed": self.executed()}  # fmt: skip


def initial_of(report: Any, version: int) -> dict[str, Any]:
    """What the saved report shows in the form."""
    out: dict[str, Any] = {"version": version}
    if report is None:
        return out
    out["measures"] = report.measures
    for o in report.observations.all():
        out |= {f"{o.indicator_id}-to_date": o.to_date_text, f"{o.indicator_id}-forecast": o.forecast_text,
                f"{o.indicator_id}-possibility": o.possibility, f"{o.indicator_id}-causes": list(o.causes or ()),
                f"{o.indicator_id}-reason": o.reason, f"{o.indicator_id}-measures": o.measures}  # fmt: skip
    for f in report.funds.all():
        out[f"executed-{f.source}"] = format(f.executed, "f")
    return out


# --- 整改 (monitoring.rectification) --------------------------------------------------------------
# Fields are not required here: the services refuse an empty one with its Chinese error, keyed by the
# field, and the page shows it at the input with what was typed (one rule, one message).


def _box(label: str, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}))  # fmt: skip


class RectificationOpenForm(forms.Form):
    """需要整改: the reviewer's 整改要求和建议 and the 暂缓拨款 recommendation."""

    requirement = _box("整改要求和建议")
    hold_funds = forms.BooleanField(label="建议暂缓拨款", required=False,
                                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))  # fmt: skip
    hold_reason = _box("暂缓拨款理由", rows=2)


class RectificationAnswerForm(forms.Form):
    answer = _box("整改结果")


class RectificationReviewForm(forms.Form):
    """The reviewer's close (note optional) or return (note required) of an answer."""

    note = _box("说明", rows=2)


STATUS_CHOICES = [("", "全部状态"), *[(s.value, s.label) for s in Rectification.Status]]


class RectificationFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *[(y, f"{y}年度") for y in years]]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def chosen(self) -> dict[str, Any]:
        if not self.is_bound:
            return {"year": None, "status": ""}
        self.is_valid()  # cleaned_data keeps the fields that are valid: a stale year alone is dropped
        data = self.cleaned_data
        return {"year": data.get("year"), "status": data.get("status") or ""}
