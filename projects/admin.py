"""Django admin for units, projects and funds, in Chinese."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import F

from indicators.models import Indicator
from projects.models import Department, Fund, Membership, Project, SubmissionDeadline, Unit
from projects.services import EDITABLE
from scoring.services import projects_rescore


def _project_of(obj: object) -> Project | None:
    return obj if isinstance(obj, Project) else getattr(obj, "project", None)


class FollowsTheWorkflow:
    """The admin keeps the workflow's lock: a submitted or approved project, its funds and its
    indicators are read-only here (an admin reopens it on the project page first)."""

    def _locked(self, obj: object) -> bool:
        project = _project_of(obj) if obj is not None else None
        return project is not None and project.pk is not None and project.status not in EDITABLE

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
        return type(form.__name__, (NotIntoALockedProject, form), {})


LOCKED_ROWS = "所选记录中有已提交或已审核项目的内容（{names}），不能删除；已审核的项目须先由管理员在项目页重新打开。"
LOCKED_PROJECT = "项目“{project}”当前状态为“{status}”，不能在此添加或修改其内容。"


def delete_unlocked(modeladmin, request, queryset):
    """Django's 删除所选, unless a selected row is (of) a submitted or approved project."""
    from django.contrib.admin.actions import delete_selected

    locked = [obj for obj in queryset if modeladmin._locked(obj)]
    if locked:
        names = "、".join(str(obj) for obj in locked[:3]) + ("等" if len(locked) > 3 else "")
        modeladmin.message_user(request, LOCKED_ROWS.format(names=names), level=messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


class NotIntoALockedProject(forms.ModelForm):
    def clean(self):
        data = super().clean()
        project = data.get("project") if isinstance(data.get("project"), Project) else None
        if project is not None and project.status not in EDITABLE:
            raise forms.ValidationError(LOCKED_PROJECT.format(project=project, status=project.get_status_display()))
        return data


class FollowsTheWorkflowInline(FollowsTheWorkflow):
    def has_add_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)


class RescoreAfterSave(FollowsTheWorkflow):
    """Admin edits change scores too: store the new totals (see Project.score_total), and claim
    a new version so that a form opened before the edit is refused on save."""

    def save_related(self, request, form, formsets, change) -> None:
        """After the object and its inlines: the admin calls this once per save."""
        super().save_related(request, form, formsets, change)
        project_id = getattr(form.instance, "project_id", None) or form.instance.pk
        Project.objects.filter(pk=project_id).update(version=F("version") + 1)
        projects_rescore(project_ids=[project_id])


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "scheme"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department"]
    list_filter = ["department"]
    search_fields = ["code", "name"]
    list_select_related = ["department"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    autocomplete_fields = ["unit"]
    filter_horizontal = ["review_units"]
    list_select_related = ["user", "unit"]


@admin.register(Fund)
class FundAdmin(RescoreAfterSave, admin.ModelAdmin):
    list_display = ["project", "source", "initial", "annual", "executed"]
    list_filter = ["source", "project__year"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]


COMPACT = {  # inline rows fit the page: short inputs, two-line text boxes
    models.CharField: {"widget": forms.TextInput(attrs={"size": 10})},
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 24})},
    models.DecimalField: {"widget": forms.NumberInput(attrs={"class": "vDecimal", "step": "any"})},
}


class FundInline(FollowsTheWorkflowInline, admin.TabularInline):
    model = Fund
    extra = 0
    fields = ["source", "initial", "annual", "executed"]
    formfield_overrides = COMPACT


class IndicatorInline(FollowsTheWorkflowInline, admin.TabularInline):
    """The tree at a glance; texts (定性 目标, 完成值, 偏差原因) on each indicator's own page."""

    model = Indicator
    extra = 0
    fields = ["position", "level1", "level2", "level3", "comparator", "target", "unit", "weight", "actual"]
    formfield_overrides = COMPACT
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(RescoreAfterSave, admin.ModelAdmin):
    list_display = ["year", "code", "name", "unit_name", "status", "score_total", "score_grade"]
    list_display_links = ["code", "name"]
    list_filter = ["year", "status", "scheme", "unit__department"]
    search_fields = ["code", "name", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    inlines = [FundInline, IndicatorInline]
    readonly_fields = ["status", "version"]  # the status moves only through the workflow
    fieldsets = [
        (None, {"fields": [("year", "code"), "name", "unit", ("attribute", "scheme"), ("status", "version")]}),
        ("目标与完成情况", {"fields": ["overall_goal", "annual_goal", "actual_summary"]}),
        ("导入记录", {"classes": ["collapse"], "fields": ["name_variants"]}),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}

    @admin.display(description="实施单位", ordering="unit__name")
    def unit_name(self, obj: Project) -> str:
        return obj.unit.name

    def get_fieldsets(self, request, obj=None):
        """The fieldsets above, and any field added to Project since under 其他."""
        fieldsets = super().get_fieldsets(request, obj)
        listed = {name for _, options in fieldsets for row in options["fields"]
                  for name in (row if isinstance(row, tuple) else (row,))}  # fmt: skip
        rest = [f.name for f in Project._meta.fields if f.editable and f.name not in listed and not f.primary_key]
        return [*fieldsets, ("其他", {"fields": rest})] if rest else fieldsets

    class Media:
        css = {"all": ["css/admin.css"]}


@admin.register(SubmissionDeadline)
class SubmissionDeadlineAdmin(admin.ModelAdmin):
    """Per-year submission deadlines: drafts and returned projects past theirs are 已逾期 on the home
    page and the overview; a year without one falls back to EVALSYS_SUBMISSION_DEADLINE."""

    list_display = ["year", "due", "updated_at"]
    ordering = ["-year"]
