"""Forms for the report text and batch exports."""

from __future__ import annotations

from typing import Any

from django import forms

from evalsys.lib.parsing import normalize
from projects.forms import VersionedForm
from projects.listing import BAD_CHOICE, ChoiceOfModel, ProjectFilterForm
from projects.models import Department, Project, Status, Unit
from projects.stages import StageKey, StageStatus
from reports import declaration
from reports.models import SECTION_MAX, ExportJob, Narrative, UnitReportText
from reports.outline import quoted
from reports.services import FORMATS
from reports.unit_report import unfinished

FORMAT_CHOICES = [("docx", "Word（自评报告）"), ("pdf", "PDF（自评报告）"), ("xlsx", "Excel（自评表）")]
# what a batch exports: the self-evaluation's 自评报告/自评表, or the targets stage's 申报表
STAGE_CHOICES = [(StageKey.SELF_EVALUATION, "自评报告（自评表）"), (StageKey.TARGETS, "绩效目标申报表"),
                 (StageKey.MONITORING, "运行监控（监控表、监控报告）")]  # fmt: skip
DECLARATION_FORMAT_CHOICES = [("docx", "Word（绩效目标申报表）"), ("xlsx", "Excel（绩效目标申报表）")]
MONITORING_FORMAT_CHOICES = [
    ("docx", "Word（运行监控报告）"),
    ("pdf", "PDF（运行监控报告）"),
    ("xlsx", "Excel（监控表）"),
]
# the targets stage's own states, after the self-evaluation's (草稿, 已提交, 已退回, 已审核 are both's)
TARGET_ONLY_STATUSES = [(s, StageStatus.LABELS[s]) for s in (StageStatus.REVISING, StageStatus.ADJUSTING,
                                                             StageStatus.REJECTED)]  # fmt: skip
DECLARATION_FORMATS_ONLY = "绩效目标申报表只能导出 Word 或 Excel"
NEED_SCOPE = "请至少选择单位、主管部门或年度中的一项"
SECTION_HELP = f"最多 {SECTION_MAX:,} 字。"


def section_widgets(names: Any, rows: int = 3) -> dict[str, forms.Textarea]:
    """Textareas that stop at SECTION_MAX characters (the model refuses more: reports.models)."""
    return {name: forms.Textarea(attrs={"rows": rows, "maxlength": SECTION_MAX}) for name in names}


class NarrativeForm(VersionedForm, forms.ModelForm):
    """The 自评报告 text, with the project version the page was rendered with (the template puts
    the project's current version in when the form is not bound)."""

    class Meta:
        model = Narrative
        fields = ["introduction", "purpose", "outputs", "management", "problems", "plans", "measures",
                  "experience", "suggestions"]  # fmt: skip
        widgets = section_widgets(fields)
        help_texts = {name: SECTION_HELP for name in fields} | {"purpose": f"留空时使用标准表述。{SECTION_HELP}"}

    def service_kwargs(self) -> dict[str, Any]:
        texts = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return super().service_kwargs() | {"texts": texts}


class BatchExportForm(forms.Form):
    """What a batch export covers: a year, 主管部门 or unit, the states (已审核 unless others are
    ticked) and the lists' filters (grade, warning, search). The page previews the projects with a GET
    of the same fields, and exports them with a POST."""

    stage = forms.ChoiceField(label="导出内容", choices=STAGE_CHOICES, required=False, widget=forms.RadioSelect,
                              initial=StageKey.SELF_EVALUATION,
                              error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None,
                                  error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    department = ChoiceOfModel(label="主管部门", queryset=Department.objects.order_by("code", "name"), required=False,
                               empty_label="全部主管部门", error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    unit = ChoiceOfModel(label="单位", queryset=Unit.objects.all(), required=False, empty_label="全部单位",
                         error_messages={"invalid_choice": BAD_CHOICE})  # fmt: skip
    # which states to export: 已审核 only unless the admin ticks others (none ticked: 已审核); for the
    # 申报表, the states of the targets stage
    statuses = forms.MultipleChoiceField(label="状态", choices=[*Status.choices, *TARGET_ONLY_STATUSES],
                                         required=False, initial=[Status.APPROVED],
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    grade = ProjectFilterForm.base_fields["grade"]
    warning = ProjectFilterForm.base_fields["warning"]
    q = ProjectFilterForm.base_fields["q"]
    # one or more formats in one job (none ticked: Word)
    fmt = forms.MultipleChoiceField(label="格式", choices=FORMAT_CHOICES, initial=["docx"], required=False,
                                    widget=forms.CheckboxSelectMultiple)  # fmt: skip

    SCOPE = ("stage", "year", "department", "unit", "statuses", "grade", "warning", "q")

    def __init__(self, *args: Any, years: list[int] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *((y, f"{y}年度") for y in years)]
        for name in ("year", "department", "unit", "grade", "warning"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"
        for name in ("statuses", "fmt", "stage"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean_q(self) -> str:
        return normalize(self.cleaned_data.get("q") or "")

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(k) for k in ("year", "department", "unit")):
            raise forms.ValidationError(NEED_SCOPE)
        data["stage"] = data.get("stage") or StageKey.SELF_EVALUATION
        data["fmt"] = [f for f in FORMATS if f in (data.get("fmt") or ["docx"])]
        if data["stage"] == StageKey.TARGETS and not set(data["fmt"]) <= set(declaration.FORMATS):
            self.add_error(None, DECLARATION_FORMATS_ONLY)  # shown above the preview form
        data["statuses"] = data.get("statuses") or [Status.APPROVED]
        return data

    def chosen_stage(self) -> str:
        """The stage asked for (self-evaluation until the form is valid and says otherwise)."""
        return (getattr(self, "cleaned_data", None) or {}).get("stage") or StageKey.SELF_EVALUATION

    @property
    def format_choices(self) -> list[tuple[str, str]]:
        """The formats the export form offers for the chosen stage."""
        stage = self.chosen_stage()
        if stage == StageKey.MONITORING:
            return MONITORING_FORMAT_CHOICES
        return DECLARATION_FORMAT_CHOICES if stage == StageKey.TARGETS else FORMAT_CHOICES

    def job_kind(self) -> str:
        kinds = {StageKey.TARGETS: ExportJob.Kind.TARGETS, StageKey.MONITORING: ExportJob.Kind.MONITORING}
        return kinds.get(self.chosen_stage(), ExportJob.Kind.BATCH)

    def scope_kwargs(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.SCOPE}


ONE_UNIT = "所选项目须属于同一单位：一份评价报告只写一个单位的项目"
PICK_ONE = "请至少选择一个项目"
PICK_UNIT = "；全选时请先在“实施单位”中选择一个单位"
UNFINISHED = "草稿和未评分的项目不能列入评价报告（否则会按 0.00 分“差”计入）：{names}"
NONE_FINISHED = "符合条件的项目都是草稿或未评分，没有可列入评价报告的项目"
UNIT_FORMATS = [("docx", "Word"), ("pdf", "PDF")]


class UnitReportForm(forms.Form):
    """Projects of one unit, among those the user may see (`projects`), for one 评价报告: those
    ticked, or with 全选 every finished one the list's filters match (`matching`). Drafts and
    unscored projects are never in a report: ticked, they are refused by name; with 全选 they
    are left out and counted (`left_out`)."""

    projects = forms.ModelMultipleChoiceField(
        label="项目", queryset=Project.objects.none(), widget=forms.CheckboxSelectMultiple, required=False,
        error_messages={"invalid_choice": "所选项目无效，请刷新页面后重试",
                        "invalid_pk_value": "所选项目无效，请刷新页面后重试"},
    )  # fmt: skip
    all = forms.BooleanField(label="全选符合筛选条件的项目（跨页）", required=False)
    fmt = forms.ChoiceField(
        label="格式",
        choices=UNIT_FORMATS,
        initial="docx",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, data: Any, *, projects: Any, matching: Any = None) -> None:
        super().__init__(data)
        self.fields["projects"].queryset = projects
        self.matching = matching if matching is not None else projects
        self.unit = None
        self.left_out = 0

    def clean(self) -> dict:
        data = super().clean()
        if self.has_error("projects"):
            return data
        if data.get("all"):
            matching = self.matching.order_by()
            chosen = matching.exclude(unfinished())
            self.left_out = matching.filter(unfinished()).count()
            if not chosen.exists():
                raise forms.ValidationError(NONE_FINISHED if self.left_out else PICK_ONE)
        else:
            chosen = data.get("projects")
            if chosen is None or not chosen.exists():
                raise forms.ValidationError(PICK_ONE)
        units = list(Unit.objects.filter(pk__in=chosen.order_by().values("unit")).distinct()[:2])
        if len(units) > 1:
            raise forms.ValidationError(ONE_UNIT + (PICK_UNIT if data.get("all") else ""))
        if not data.get("all"):
            drafts = list(chosen.filter(unfinished()).order_by("code", "pk")[:6])
            if drafts:
                said = [f"{quoted(p.name)}（{'草稿' if p.status == Status.DRAFT else '未评分'}）" for p in drafts[:5]]
                names = "、".join(said) + ("等" if len(drafts) > 5 else "")
                raise forms.ValidationError(UNFINISHED.format(names=names))
        self.unit = units[0]
        data["projects"] = chosen
        return data

    def chosen(self) -> set[str]:
        """The ids ticked, as typed, to tick them again when the page comes back."""
        return set(self.data.getlist("projects")) if self.is_bound else set()


class UnitReportTextForm(VersionedForm, forms.ModelForm):
    """The unit's own text of its 评价报告 of a year (seed 002's unit-level sections), with the
    version the page was read at."""

    class Meta:
        model = UnitReportText
        fields = list(UnitReportText.TEXTS)
        widgets = section_widgets(fields, rows=4)
        help_texts = {name: SECTION_HELP for name in fields}

    def service_kwargs(self) -> dict[str, Any]:
        return super().service_kwargs() | {"texts": {name: self.cleaned_data[name] for name in self.Meta.fields}}
