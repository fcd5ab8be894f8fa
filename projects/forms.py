"""Forms of the officer's edit page: basics, funds by source, and the version every edit carries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import fields_for_model

from evalsys.lib.codes import normalize_code

# parsing is plain standard-library code (no models): the one place numbers are read the Chinese way.
from evalsys.lib.parsing import CellError, amount_number, normalize, parse_amount, parse_decimal
from projects.editing import BASIC_FIELDS, FundAmounts
from projects.models import NAME_YEAR_TAKEN, Fund, FundSource, Project, Unit
from projects.selectors import scheme_for_unit
from projects.services import CODE_TAKEN, code_holder
from scoring import display
from scoring.rules import code_year

VERSION_MISSING = "缺少版本号，请刷新页面后重试"
NEED_ANNUAL = "请填写全年预算数"
NEGATIVE = "金额不能为负数"
TOO_PRECISE = "金额以万元为单位，最多保留两位小数"
TOO_LARGE = "金额过大，请检查是否以万元为单位填写"
NO_PERCENT = "金额请填写万元数，不要带 %"
SOURCES = (FundSource.FISCAL, FundSource.CARRYOVER, FundSource.OTHER)
AMOUNTS = (("initial", "年初预算数"), ("annual", "全年预算数"), ("executed", "全年执行数"))
MONEY_DIGITS = 14  # Fund amounts: 16 digits, 2 of them decimals
YEARS = (2000, 2100)  # the range Project.year is constrained to
BAD_YEAR = f"年度无效，请选择 {YEARS[0]}—{YEARS[1]} 之间的年度"


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on `form`: at the field when the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def is_stale(form: forms.Form) -> bool:
    return form.has_error(NON_FIELD_ERRORS, "stale")


CODE_HELP = "预算一体化系统中的项目编码；没有编码的项目可留空，以名称区分。"
CODE_YEAR_HELP = (
    "编码第 7–8 位表示 {carried} 年，与 {year} 年度不符（编码年度不符）：复制自上一年度的项目沿用了旧编码时，"
    "请改为本年度预算一体化系统中的编码。"
)


def code_help(code: str, year: int | None) -> str:
    """The 项目编码 field's help: what the code is, and why 编码年度不符 when its year differs."""
    carried = code_year(code or "")
    if year and carried and carried != year:
        return CODE_YEAR_HELP.format(carried=carried, year=year)
    return CODE_HELP


class CodeInput(forms.CharField):
    """A 项目编码 as typed: full-width, lower case and spaces become the one stored form."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "项目编码")
        super().__init__(max_length=64, required=False, **kwargs)

    def to_python(self, value: Any) -> str:
        return normalize_code(super().to_python(value))


class CodeErrorsAtField(forms.ModelForm):
    """A model form whose 项目编码 taken in the year (the unique constraint, said in Chinese) and
    another unit's code (projects.services.code_holder) are shown at the code field."""

    AT_FIELD = {"code_year_taken": "code", "name_year_taken": "name"}  # constraint's code -> field

    def _post_clean(self) -> None:
        super()._post_clean()
        top = self._errors.pop(NON_FIELD_ERRORS, None) if self._errors else None
        for error in top.as_data() if top else []:
            field = self.AT_FIELD.get(error.code or "")
            self.add_error(field if field in self.fields else None, error)

    def code_holder(self) -> Project | None:
        """Another unit's project of the code entered, if any."""
        code, unit = self.cleaned_data.get("code"), getattr(self.instance, "unit", None)
        if not code or "code" in self.errors:
            return None
        return code_holder(code=code, unit=unit, exclude_pk=self.instance.pk)

    @staticmethod
    def code_taken(holder: Project) -> str:
        return CODE_TAKEN.format(code=holder.code, unit=holder.unit, year=holder.year, name=holder.name)


class AmountField(forms.CharField):
    """An amount in 万元 typed as people type it: 全角 digits, thousands separators and the unit
    (`1200万元`, `1,200 万`) allowed, read by the import's rules (`1200元` asks for 万元)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "text-end"}))
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = normalize(value)
        if not text:
            return None
        if text.endswith("%"):
            raise ValidationError(NO_PERCENT)
        try:
            text = amount_number(text)
            amount = parse_decimal(text)  # typed by hand: say so rather than round
        except CellError as error:
            raise ValidationError(str(error)) from None
        if amount < 0:
            raise ValidationError(NEGATIVE)
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(TOO_PRECISE)
        if amount.adjusted() >= MONEY_DIGITS:
            raise ValidationError(TOO_LARGE)
        try:
            return parse_amount(text)  # the import's limits too
        except CellError as error:
            raise ValidationError(str(error)) from None


class VersionedForm(forms.Form):
    """Carries the project version the page was rendered with; always named `version`, whatever
    the form's prefix, so that one hidden input on a page serves every form on it."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": VERSION_MISSING, "invalid": VERSION_MISSING}
    )

    def add_prefix(self, field_name: str) -> str:
        return field_name if field_name == "version" else super().add_prefix(field_name)

    def service_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the service call this form feeds."""
        return {"version": self.cleaned_data["version"]}


class FundFields:
    """The 项目资金 block (年初预算数, 全年预算数, 全年执行数 per source) of the create and edit forms."""

    sources: list[str]
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_fund_fields(self, sources: list[str]) -> None:
        self.sources = sources
        for source in sources:
            for name, label in AMOUNTS:
                self.fields[f"{source}_{name}"] = AmountField(label=f"{FundSource(source).label} {label}")

    def check_funds(self, data: dict[str, Any]) -> None:
        for source in self.sources:
            given = [data.get(f"{source}_{name}") for name, _ in AMOUNTS]
            if data.get(f"{source}_annual") is None and any(v is not None for v in given):
                self.add_error(f"{source}_annual", NEED_ANNUAL)  # type: ignore[attr-defined]

    def fund_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(source label, [年初, 全年预算, 全年执行] fields) for the funds table."""
        return [(FundSource(s).label, [self[f"{s}_{name}"] for name, _ in AMOUNTS]) for s in self.sources]  # type: ignore[index]

    def funds(self) -> dict[str, FundAmounts | None]:
        out: dict[str, FundAmounts | None] = {}
        for source in self.sources:
            values = {name: self.cleaned_data.get(f"{source}_{name}") for name, _ in AMOUNTS}
            annual = values["annual"]
            out[source] = None if annual is None else FundAmounts(annual, values["executed"] or Decimal(0),
                                                                  values["initial"])  # fmt: skip
        return out


class ProjectEditForm(FundFields, VersionedForm):
    """基本信息 and 项目资金 by source (plus an imported 未分来源 row while one exists)."""

    def __init__(self, data: Any = None, *, project: Project, funds: list[Fund]) -> None:
        initial: dict[str, Any] = {name: getattr(project, name) for name in ("code", *BASIC_FIELDS)}
        initial["version"] = project.version
        for fund in funds:
            # shown as read elsewhere (1,200.00): the field reads thousands separators back
            initial |= {f"{fund.source}_{name}": display.amount(getattr(fund, name)) for name, _ in AMOUNTS}
        super().__init__(data, initial=initial)
        textareas = {name: forms.Textarea(attrs={"rows": 3}) for name in BASIC_FIELDS[2:]}
        # the code can be corrected while the project is editable (history: old → new)
        self.fields["code"] = CodeInput(help_text=code_help(project.code, project.year))
        self.fields.update(fields_for_model(Project, fields=BASIC_FIELDS, widgets=textareas))
        self.add_fund_fields([*SOURCES, *(f.source for f in funds if f.source not in SOURCES)])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_funds(data)
        return data

    def basic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("code", *BASIC_FIELDS)]

    def service_kwargs(self) -> dict[str, Any]:
        basics = {name: self.cleaned_data[name] for name in BASIC_FIELDS}
        # a save that does not send the code at all (an older page, a script) keeps it, never erases it
        code = self.cleaned_data["code"] if "code" in self.data else None
        return super().service_kwargs() | {"basics": basics, "funds": self.funds(), "code": code}


class ProjectCreateForm(FundFields, CodeErrorsAtField):
    """A new project of the officer's unit: what identifies it and its funds, then the editor takes
    over. The scheme is not the officer's choice: it is their 主管部门's (shown, read-only)."""

    class Meta:
        model = Project
        fields = ["year", "code", "name", "attribute", "overall_goal", "annual_goal"]
        widgets = {"overall_goal": forms.Textarea(attrs={"rows": 2}), "annual_goal": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"code": CODE_HELP}

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.unit = unit
        self.instance.scheme = scheme_for_unit(unit)
        self.add_fund_fields(list(SOURCES))

    @property
    def scheme_label(self) -> str:
        return self.instance.get_scheme_display()

    def basic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_funds(data)
        return data

    def validate_unique(self) -> None:
        """Code + year (or name within the unit) must be new (the model's constraints, in Chinese at
        the field), and the code not another unit's (projects.services.code_holder)."""
        super().validate_unique()
        holder = self.code_holder()
        if holder is not None:
            self.add_error("code", ValidationError(self.code_taken(holder), code="code_taken"))
        data = self.cleaned_data
        uncoded = Project.objects.filter(year=data.get("year"), unit=self.instance.unit, code="", name=data.get("name"))
        if not data.get("code") and data.get("year") and uncoded.exists():  # the unit is no field: said here
            self.add_error("name", ValidationError(NAME_YEAR_TAKEN, code="name_year_taken"))


class YearFilterForm(forms.Form):
    """The ?year= of a list page (全角 digits allowed); without a valid one, `default`."""

    year = forms.IntegerField(
        label="年度", required=False, min_value=YEARS[0], max_value=YEARS[1],
        error_messages={code: BAD_YEAR for code in ("invalid", "min_value", "max_value")},
    )  # fmt: skip

    def __init__(self, data: Any, *, default: int | None) -> None:
        super().__init__(data)
        self.default = default

    def chosen_year(self) -> int | None:
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return year or self.default


class WithdrawForm(forms.Form):
    """撤回: the officer says why the submission is taken back."""

    reason = forms.CharField(
        label="撤回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "请填写撤回理由"},
    )  # fmt: skip


class StageStepForm(forms.Form):
    """One step of a stage (projects.stages): its reason, required when the step asks for one."""

    reason = forms.CharField(label="理由", max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))  # fmt: skip

    def __init__(self, *args: Any, step: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if step.reason:
            self.fields["reason"].label = step.reason
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = f"请填写{step.reason}"


CODE_CONFIRM_NEEDED = "如确需让本项目的单位使用该编码，请勾选“确认跨单位使用该编码”并填写理由（记入修改记录）"
CODE_REASON_NEEDED = "请填写跨单位使用该编码的理由"


class ProjectAdminForm(CodeErrorsAtField):
    """后台管理's project form: a code another unit holds (in any year) is refused, unless the admin
    confirms it with a reason, which the project's history keeps (issue 15, A4: a real conflict,
    such as a code moved between units, is resolved here; or the other unit's project is corrected)."""

    code_confirm = forms.BooleanField(label="确认跨单位使用该编码", required=False)
    code_reason = forms.CharField(label="跨单位使用编码的理由", required=False, max_length=500)

    class Meta:
        model = Project
        fields = ["year", "code", "name", "unit"]  # the admin's fieldsets list the rest

    def validate_unique(self) -> None:
        super().validate_unique()
        holder = self.code_holder()
        if holder is None:
            return
        if not self.cleaned_data.get("code_confirm"):
            self.add_error(
                "code", ValidationError(f"{self.code_taken(holder)}。{CODE_CONFIRM_NEEDED}", code="code_taken")
            )
        elif not (self.cleaned_data.get("code_reason") or "").strip():
            self.add_error("code_reason", CODE_REASON_NEEDED)

    def change_reason(self) -> str | None:
        """The history's reason when the admin confirmed another unit's code, else None."""
        data = self.cleaned_data
        if data.get("code_confirm") and self.code_holder() is not None:
            return f"管理员确认跨单位使用编码 {normalize_code(data['code'])}：{data['code_reason'].strip()}"
        return None


class DeleteDraftForm(forms.Form):
    """删除草稿: the officer confirms, and may say why (kept in the history)."""

    reason = forms.CharField(
        label="删除原因（可选，记入修改记录）", max_length=500, required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：重复创建、年度选错"}),
    )  # fmt: skip
