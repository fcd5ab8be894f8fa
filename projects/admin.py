"""Django admin for units, projects and funds, in Chinese."""

from django.contrib import admin

from indicators.models import Indicator
from projects.models import Department, Fund, Membership, Project, Unit


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
class FundAdmin(admin.ModelAdmin):
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
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["year", "code", "name", "unit", "scheme", "status"]
    list_filter = ["year", "status", "scheme", "unit__department"]
    search_fields = ["code", "name", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    inlines = [FundInline, IndicatorInline]
