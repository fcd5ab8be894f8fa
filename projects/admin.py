"""Django admin for units, projects and funds, in Chinese."""

from django.contrib import admin

from indicators.models import Indicator
from projects.models import Department, Fund, Membership, Project, Unit
from scoring.services import projects_rescore


class RescoreAfterSave:
    """Admin edits change scores too: store the new totals (see Project.score_total)."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        projects_rescore(project_ids=[getattr(obj, "project_id", None) or obj.pk])

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        projects_rescore(project_ids=[getattr(form.instance, "project_id", None) or form.instance.pk])


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


class FundInline(admin.TabularInline):
    model = Fund
    extra = 0


class IndicatorInline(admin.TabularInline):
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
