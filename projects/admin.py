"""Django admin for units, projects and funds, in Chinese."""

from django.contrib import admin
from django.db.models import F

from indicators.models import Indicator
from projects.models import Department, Fund, Membership, Project, Unit
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
    list_display = ["code", "name"]
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


class FundInline(FollowsTheWorkflowInline, admin.TabularInline):
    model = Fund
    extra = 0


class IndicatorInline(FollowsTheWorkflowInline, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "position",
        "level1",
        "level2",
        "level3",
        "comparator",
        "target",
        "target_text",
        "unit",
        "weight",
        "actual",
        "actual_text",
        "reason",
    ]


@admin.register(Project)
class ProjectAdmin(RescoreAfterSave, admin.ModelAdmin):
    list_display = ["year", "code", "name", "unit", "scheme", "status", "score_total", "score_grade"]
    list_filter = ["year", "status", "scheme", "unit__department"]
    search_fields = ["code", "name", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    inlines = [FundInline, IndicatorInline]
    readonly_fields = ["status", "version"]  # the status moves only through the workflow
