"""Django admin for units, projects and funds, in Chinese."""

import calendar
import datetime
import itertools
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpResponseRedirect

from accounts.forms import MembershipForm
from indicators.models import Indicator
from monitoring.relight import year_relight_status
from monitoring.services import monitoring_open_year
from projects.forms import ProjectAdminForm
from projects.listing import apply_filters, grade_choices
from projects.locks import EDIT_PARTS, is_locked
from projects.models import Department, Fund, Membership, Project, Unit, YearPlan
from projects.scores import indicator_input, projects_rescore
from projects.selectors import years_of
from projects.services import STALE, project_touch
from projects.stages import StageKey
from projects.stages import ordered as stages_ordered
from scoring.display import UNSCORED, actual_text, target_text
from scoring.rules import fmt

# Change lists over tables that grow (issue 10 "Scale"): 50 rows a page, no COUNT(*) of the whole
# table beside the filtered one, and no per-choice counts (facets); each filter's choices come
# from a fixed list or one small query, never from a scan of the rows listed.
PER_PAGE = 50


class GrowingTable:
    list_per_page = PER_PAGE
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER


class YearFilter(admin.SimpleListFilter):
    """年度: the years that have projects (a loose scan of the year index: projects.selectors.years_of),
    for projects and, through `path`, for rows of projects."""

    title = "年度"
    parameter_name = "year"
    path = "year"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return [(str(year), f"{year}年") for year in years_of(Project.objects.all())]

    def queryset(self, request, queryset):
        value = self.value() or ""
        return queryset.filter(**{self.path: int(value)}) if value.isascii() and value.isdigit() else queryset


class ProjectYearFilter(YearFilter):
    path = "project__year"


class GradeFilter(admin.SimpleListFilter):
    """等级: the schemes' grades (a fixed list), and 未评分 (no actual yet: the stored grade is not shown)."""

    title = "等级"
    parameter_name = "grade"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return grade_choices()  # the lists' choices and filter (projects.listing)

    def queryset(self, request, queryset):
        return apply_filters(queryset, grade=self.value()) if self.value() in dict(grade_choices()) else queryset


class WarningFilter(admin.SimpleListFilter):
    title = "提示"
    parameter_name = "warnings"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return [("yes", "有提示"), ("no", "无提示")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(warning_count__gt=0)
        return queryset.filter(warning_count=0) if self.value() == "no" else queryset


class UnitFilter(admin.SimpleListFilter):
    """实施单位: typed, a unit's code or part of its name, in a box; a province's thousands of units are
    never listed as links (narrow by 主管部门 first, or search)."""

    title = "实施单位"
    parameter_name = "unit"
    template = "admin/projects/input_filter.html"
    placeholder = "单位编码或名称"
    path = "unit"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return []

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(**{f"{self.path}__code": value}) | Q(**{f"{self.path}__name__contains": value}))

    def choices(self, changelist):
        """One "choice" for the template: the typed value, the other parameters to keep, and the
        link that clears it."""
        yield {
            "name": self.parameter_name,
            "value": self.value() or "",
            "placeholder": self.placeholder,
            "keep": [(k, v) for k, v in changelist.params.items() if k != self.parameter_name],
            "clear": changelist.get_query_string(remove=[self.parameter_name]),
        }


class PlainNumberInput(forms.NumberInput):
    """A stored decimal as the app writes it: 10 and 0.5, not 10.0000 and 0.5000."""

    def format_value(self, value):
        return super().format_value(fmt(value) if isinstance(value, Decimal) else value)


PLAIN_DECIMALS = {models.DecimalField: {"widget": PlainNumberInput(attrs={"class": "vDecimal", "step": "any"})}}


class ShowsIndicatorValues:
    """Targets and actuals as the app shows them (≥10个, 定性 较好 / 好, 2022年12月31日前), not the
    admin's "-" and 10.0000: in change lists, and where a row is read-only (a locked project's)."""

    SHOWN = {"target": "target_shown", "actual": "actual_shown"}

    @admin.display(description="指标值", ordering="target")
    def target_shown(self, obj: Indicator) -> str:
        return target_text(indicator_input(obj)) or "—"

    @admin.display(description="实际完成值", ordering="actual")
    def actual_shown(self, obj: Indicator) -> str:
        return actual_text(indicator_input(obj)) or "—"

    def _read_only(self, request, obj) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self._read_only(request, obj):
            return list(dict.fromkeys(self.SHOWN.get(name, name) for name in fields))
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, *self.SHOWN.values()] if self._read_only(request, obj) else readonly


def _project_of(obj: object) -> Project | None:
    return obj if isinstance(obj, Project) else getattr(obj, "project", None)


def locked(project: Project) -> bool:
    """Whether the admin may not change `project` and its rows: the one question it asks of the
    workflow (every check here goes through this line): the admin's forms write every part."""
    return is_locked(project, EDIT_PARTS)


class FollowsTheWorkflow:
    """The admin keeps the workflow's lock: a submitted or approved project, its funds and its
    indicators are read-only here (an admin reopens it on the project page first)."""

    def _locked(self, obj: object) -> bool:
        project = _project_of(obj) if obj is not None else None
        return project is not None and project.pk is not None and locked(project)

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        """删除所选: Django checks the model permission only, not each row's lock; refuse locked rows."""
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_unlocked, name, description)
        return actions

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A fund or indicator added here may not join a locked project either."""
        form = super().get_form(request, obj, change, **kwargs)
        return (
            form if issubclass(form, NotIntoALockedProject) else type(form.__name__, (NotIntoALockedProject, form), {})
        )


LOCKED_ROWS = "所选记录中有已提交或已审核项目的内容（{names}），不能删除；已审核的项目须先由管理员在项目页重新打开。"
LOCKED_PROJECT = "项目“{project}”当前状态为“{status}”，不能在此添加或修改其内容。"
EDIT_REASON_NEEDED = "请填写修改理由"
ADMIN_EDIT = "管理员在后台修改：{reason}"
ADMIN_EDITED = "管理员在后台修改"
ADMIN_ADD = "管理员在后台新建"
ADMIN_DELETE = "管理员在后台删除"


def delete_unlocked(modeladmin, request, queryset):
    """Django's 删除所选, unless a selected row is (of) a submitted or approved project."""
    locked_rows = [obj for obj in queryset if modeladmin._locked(obj)]
    if locked_rows:
        names = "、".join(str(obj) for obj in locked_rows[:3]) + ("等" if len(locked_rows) > 3 else "")
        modeladmin.message_user(request, LOCKED_ROWS.format(names=names), level=messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


class NotIntoALockedProject(forms.ModelForm):
    def edited_project(self, data: dict) -> Project | None:
        """The stored project this form writes (its own row or its rows'), None for a new project."""
        if isinstance(self.instance, Project):
            return self.instance if self.instance.pk else None
        chosen = data.get("project")
        return chosen if isinstance(chosen, Project) else getattr(self.instance, "project", None)

    def clean(self):
        data = super().clean()
        project = self.edited_project(data)
        current = Project.objects.filter(pk=project.pk).first() if project is not None else None
        if current is not None and locked(current):
            raise forms.ValidationError(LOCKED_PROJECT.format(project=current, status=current.get_status_display()),
                                        code="locked")  # fmt: skip
        self.current = current
        return data


class ThroughTheServices(NotIntoALockedProject):
    """An admin edit of a project or its rows as the project pages make it: the project version the
    form was rendered with (a save after someone else's is refused with the pages' STALE message and
    the input kept; projects.services.project_touch claims the next version as the admin saves, in
    the same transaction) and a 修改理由 the history keeps with the admin's name."""

    form_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    edit_reason = forms.CharField(label="修改理由", max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
                                  help_text="记入修改记录（修改人、时间、理由）。",
                                  error_messages={"required": EDIT_REASON_NEEDED})  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        project = self.edited_project({})
        if project is not None and "edit_reason" in self.fields:  # an existing project's change says why
            self.fields["edit_reason"].required = True
        if project is not None and not self.is_bound:
            self.initial["form_version"] = project.version

    def clean(self):
        data = super().clean()
        if self.current is None:  # a new project: nothing to be stale against
            return data
        if self.instance.pk is None:  # a fund or indicator added: to the project as it is now
            data["form_version"] = self.current.version
        elif data.get("form_version") != self.current.version:
            raise forms.ValidationError(STALE, code="stale")
        return data

    def history_reason(self, change: bool) -> str:
        reason = (self.cleaned_data.get("edit_reason") or "").strip()
        if reason:
            return ADMIN_EDIT.format(reason=reason)
        return ADMIN_EDITED if change else ADMIN_ADD


class FollowsTheWorkflowInline(FollowsTheWorkflow):
    def has_add_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)


class RescoreAfterSave(FollowsTheWorkflow):
    """Admin edits go through the services like the pages': the project's version is compared and
    claimed (project_touch, also the lock), the history says who and why, and the stored totals are
    rescored (see Project.score_total)."""

    EDIT_FIELDS = ("form_version", "edit_reason")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [f for f in fields if f not in self.EDIT_FIELDS] if self._locked(obj) else fields

    def history_reason(self, form, change: bool) -> str:
        return form.history_reason(change)

    def save_model(self, request, obj, form, change) -> None:
        project = _project_of(obj)
        if project is not None and project.pk is not None:  # an existing project's: claim its next version
            project_touch(project=project, version=form.cleaned_data["form_version"])
        obj._change_reason = self.history_reason(form, change)
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        """Inline rows (added, changed, deleted) carry the project's reason and the admin into the history."""
        for row in formset.forms:
            row.instance._change_reason = self.history_reason(form, change)
            row.instance._history_user = request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change) -> None:
        """After the object and its inlines: the admin calls this once per save."""
        super().save_related(request, form, formsets, change)
        project_id = getattr(form.instance, "project_id", None) or form.instance.pk
        projects_rescore(project_ids=[project_id])

    def delete_model(self, request, obj) -> None:
        """A row of a project claims the project's next version (an open form of it is then stale)."""
        if not isinstance(obj, Project):
            current = Project.objects.get(pk=obj.project_id)
            project_touch(project=current, version=current.version)
        obj._change_reason = ADMIN_DELETE
        obj._history_user = request.user
        super().delete_model(request, obj)
        if not isinstance(obj, Project):
            projects_rescore(project_ids=[obj.project_id])

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save that lost the race between the form's check and the claim was rolled back; the
        page again, whose check now sees the other save (the input kept)."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST":
                raise
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except ValidationError:
                messages.error(request, error.messages[0])
                return HttpResponseRedirect(request.get_full_path())


class ProjectAdminEditForm(ThroughTheServices, ProjectAdminForm):
    pass


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "scheme"]
    list_filter = ["scheme"]
    search_fields = ["code", "name"]
    list_per_page = PER_PAGE
    ordering = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(GrowingTable, admin.ModelAdmin):
    list_display = ["code", "name", "department"]
    list_filter = ["department"]  # 主管部门: tens to a few hundred
    search_fields = ["code", "name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    ordering = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(GrowingTable, admin.ModelAdmin):
    form = MembershipForm  # an officer without a unit is said at the field, not by the constraint's name
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code", "unit__name"]
    # users and units by typing: a form never lists every account or a province's units
    autocomplete_fields = ["user", "unit", "review_units"]
    list_select_related = ["user", "unit"]
    ordering = ["user__username"]


@admin.register(Fund)
class FundAdmin(GrowingTable, RescoreAfterSave, admin.ModelAdmin):
    list_display = ["project", "source", "initial", "annual", "executed"]
    list_filter = ["source", ProjectYearFilter]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    ordering = ["-project_id", "source"]  # a project's funds together, newest projects first
    form = ThroughTheServices  # the admin's model form of every field, with the version and 修改理由

    def get_readonly_fields(self, request, obj=None):
        """A row stays with its project (moving it would touch two projects' versions)."""
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "project"] if obj is not None else readonly


COMPACT = {  # inline rows fit the page: short inputs, two-line text boxes, decimals as people write them
    models.CharField: {"widget": forms.TextInput(attrs={"size": 10})},
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 24})},
    **PLAIN_DECIMALS,
}


class FundInline(FollowsTheWorkflowInline, admin.TabularInline):
    model = Fund
    extra = 0
    fields = ["source", "initial", "annual", "executed"]
    formfield_overrides = COMPACT


class IndicatorInline(ShowsIndicatorValues, FollowsTheWorkflowInline, admin.TabularInline):
    """The tree at a glance; texts (定性 目标, 完成值, 偏差原因) on each indicator's own page (a locked
    project's rows show them: ShowsIndicatorValues)."""

    model = Indicator
    extra = 0
    fields = ["position", "level1", "level2", "level3", "comparator", "target", "unit", "weight", "actual"]
    formfield_overrides = COMPACT
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(GrowingTable, RescoreAfterSave, admin.ModelAdmin):
    list_display = ["year", "code", "name", "unit_name", "status", "total_shown", "grade_shown", "warning_count"]
    list_display_links = ["code", "name"]
    # 主管部门 lists the departments (a small table); a unit is typed (UnitFilter), never listed
    list_filter = [YearFilter, "status", GradeFilter, WarningFilter, ("unit__department", admin.RelatedFieldListFilter),
                   UnitFilter, "scheme"]  # fmt: skip
    search_fields = ["code", "name", "unit__code", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    ordering = ["-year", "code", "name"]
    inlines = [FundInline, IndicatorInline]
    readonly_fields = ["status", "version"]  # the status moves only through the workflow
    form = ProjectAdminEditForm  # another unit's 项目编码 only when confirmed, with a reason kept in the history
    fieldsets = [
        (None, {"fields": [("year", "code"), "name", "unit", ("attribute", "scheme"), ("status", "version")]}),
        ("另一单位已有的编码", {"classes": ["collapse"], "fields": [("code_confirm", "code_reason")]}),
        ("目标与完成情况", {"fields": ["overall_goal", "annual_goal", "actual_summary"]}),
        ("导入记录", {"classes": ["collapse"], "fields": ["name_variants"]}),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}

    def history_reason(self, form, change: bool) -> str:
        """The admin's 修改理由, after the confirmed cross-unit code's reason when there is one."""
        return "；".join(filter(None, [form.change_reason(), form.history_reason(change)]))

    @admin.display(description="实施单位", ordering="unit__name")
    def unit_name(self, obj: Project) -> str:
        return obj.unit.name

    @admin.display(description="总分", ordering="score_total")
    def total_shown(self, obj: Project) -> str:
        """The stored total, or 未评分 before any actual (as on the project page)."""
        return f"{obj.score_total:.2f}" if obj.scored and obj.score_total is not None else UNSCORED

    @admin.display(description="等级", ordering="score_grade")
    def grade_shown(self, obj: Project) -> str:
        return obj.score_grade if obj.scored and obj.score_grade else "—"

    def get_fieldsets(self, request, obj=None):
        """The fieldsets above, and any field added to Project since under 其他."""
        fieldsets = super().get_fieldsets(request, obj)
        listed = {name for _, options in fieldsets for row in options["fields"]
                  for name in (row if isinstance(row, tuple) else (row,))}  # fmt: skip
        rest = [f.name for f in Project._meta.fields if f.editable and f.name not in listed and not f.primary_key]
        fieldsets = [*fieldsets, ("其他", {"fields": rest})] if rest else fieldsets
        return fieldsets if self._locked(obj) else [*fieldsets, ("修改理由", {"fields": list(self.EDIT_FIELDS)})]

    class Media:
        css = {"all": ["css/admin.css"]}


LIGHT_LINES = ("budget_green", "budget_yellow", "indicator_red", "over_run")  # 运行监控's bands (monitoring)


class YearPlanForm(forms.ModelForm):
    """The year's calendar: which stages it uses (the self-evaluation always) and their dates, in order."""

    stages = forms.MultipleChoiceField(label="启用的阶段", widget=forms.CheckboxSelectMultiple, required=False,
                                       help_text="自评阶段每年都有；绩效目标、运行监控按本地区要求勾选")  # fmt: skip

    class Meta:
        model = YearPlan
        fields = ["year", "stages", "targets_due", "monitoring_month", "monitoring_due", "self_evaluation_due",
                  *LIGHT_LINES]  # fmt: skip

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stages"].choices = [(spec.key, spec.label) for spec in stages_ordered()]
        self.initial.setdefault("stages", [StageKey.SELF_EVALUATION])
        for name in LIGHT_LINES:  # left out of a post: the model's defaults (domain.md §8's)
            self.fields[name].required = False

    def clean_stages(self) -> list[str]:
        chosen = set(self.cleaned_data.get("stages") or ())
        return [spec.key for spec in stages_ordered() if spec.key in chosen or spec.key == StageKey.SELF_EVALUATION]

    def clean(self) -> dict:
        data = super().clean()
        year = data.get("year")
        dates = [(data.get(name), self.fields[name].label) for name in ("targets_due", "monitoring_due",
                                                                        "self_evaluation_due")]  # fmt: skip
        set_dates = [(d, label) for d, label in dates if d]
        for (first, first_label), (second, second_label) in itertools.pairwise(set_dates):
            if first >= second:
                raise ValidationError(PLAN_ORDER.format(first=first_label, second=second_label))
        month = data.get("monitoring_month")
        due = data.get("monitoring_due")
        if year and month and due and due <= datetime.date(year, month, calendar.monthrange(year, month)[1]):
            self.add_error("monitoring_due", PLAN_MONITORING_DUE.format(year=year, month=month))
        if year and data.get("self_evaluation_due") and data["self_evaluation_due"].year < year:
            self.add_error("self_evaluation_due", PLAN_DUE_BEFORE_YEAR.format(year=year))
        return data


PLAN_ORDER = "“{first}”须早于“{second}”：一年的阶段依次为绩效目标、运行监控、自评"
PLAN_MONITORING_DUE = "运行监控截止日期须在 {year} 年 {month} 月结束之后（填报的是截至该月的执行情况）"
PLAN_DUE_BEFORE_YEAR = "自评提交截止日期不能早于 {year} 年度本身"
RELIGHT_QUEUED = ("{year} 年度运行监控的灯色将由后台任务按新设置重新计算（{reason}），"
                  "进度见本页“运行监控灯色”一栏；完成前运行监控总览会提示灯色可能仍按原设置")  # fmt: skip


@admin.register(YearPlan)
class YearPlanAdmin(admin.ModelAdmin):
    """Each year's calendar: the stages it uses and their dates. Drafts and returned projects past the
    year's 自评提交截止日期 are 已逾期 on the home page and the overview; a year without a row (or
    without that date) falls back to EVALSYS_SUBMISSION_DEADLINE."""

    form = YearPlanForm
    list_display = ["year", "stage_labels", "targets_due", "monitoring_month", "monitoring_due", "self_evaluation_due",
                    "relight_progress", "updated_at"]  # fmt: skip
    list_per_page = PER_PAGE
    ordering = ["-year"]
    readonly_fields = ["relight_progress"]

    actions = ["open_monitoring"]

    @admin.action(description="开始运行监控（为所选年度的项目开放填报）")
    def open_monitoring(self, request, queryset) -> None:
        for plan in queryset:
            try:
                count = monitoring_open_year(year=plan.year, user=request.user)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"{plan.year} 年度已为 {count} 个项目开始运行监控", messages.SUCCESS)

    @admin.display(description="运行监控灯色")
    def relight_progress(self, plan: YearPlan) -> str:
        """A change of the bands or the month relights the year in the task worker (monitoring.relight)."""
        job = year_relight_status(plan.year) if plan.pk else None
        if job is None:
            return "按当前设置"
        if job.state == job.State.FAILED:
            return f"重新计算失败：{job.error}"
        return f"重新计算：{job.get_state_display()}（已计算 {job.done}/{job.total} 个项目，{job.percent}%）"

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        job = year_relight_status(obj.year)
        if job is not None and job.open:
            self.message_user(request, RELIGHT_QUEUED.format(year=obj.year, reason=job.reason), messages.INFO)

    @admin.display(description="启用的阶段")
    def stage_labels(self, plan: YearPlan) -> str:
        keys = plan.stages or [StageKey.SELF_EVALUATION]
        return "、".join(spec.label for spec in stages_ordered() if spec.key in keys)
