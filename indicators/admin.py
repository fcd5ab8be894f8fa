"""Django admin for indicators, in Chinese."""

from django.contrib import admin

from evalsys.lib.estimated import EstimatedCount
from indicators.models import Indicator
from projects.admin import (
    PLAIN_DECIMALS,
    GrowingTable,
    ProjectYearFilter,
    RescoreAfterSave,
    ShowsIndicatorValues,
    ThroughTheServices,
)
from scoring.schemes import SCHEMES


class Level1Filter(admin.SimpleListFilter):
    """一级指标: the schemes' names (a fixed list), not a DISTINCT over every indicator row."""

    title = "一级指标"
    parameter_name = "level1"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        names = dict.fromkeys(name for scheme in SCHEMES.values() for name in scheme.level1_names)
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(level1=self.value()) if self.value() else queryset


@admin.register(Indicator)
class IndicatorAdmin(EstimatedCount, GrowingTable, ShowsIndicatorValues, RescoreAfterSave, admin.ModelAdmin):
    """Every project's indicators (600,000 at 50,000 projects): counted by estimate when unfiltered."""

    list_display = [
        "project",
        "level1",
        "level2",
        "level3",
        "comparator",
        "target_shown",
        "weight",
        "actual_shown",
        "adjusted_score",
    ]
    list_filter = [Level1Filter, "comparator", "not_applicable", ProjectYearFilter]
    search_fields = ["level3", "project__code", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "adjusted_by"]
    readonly_fields = ["direction", "adjusted_at"]
    # a project's rows together, newest projects first: the project_id index, no join to sort
    ordering = ["-project_id", "position", "id"]
    formfield_overrides = PLAIN_DECIMALS
    form = ThroughTheServices  # the admin's model form of every field, with the version and 修改理由

    def get_readonly_fields(self, request, obj=None):
        """A row stays with its project (moving it would touch two projects' versions)."""
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "project"] if obj is not None else readonly
