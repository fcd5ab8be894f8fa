"""Django admin for indicators, in Chinese."""

from django.contrib import admin

from indicators.models import Indicator
from projects.admin import RescoreAfterSave


@admin.register(Indicator)
class IndicatorAdmin(RescoreAfterSave, admin.ModelAdmin):
    list_display = [
        "project",
        "level1",
        "level2",
        "level3",
        "comparator",
        "target",
        "unit",
        "weight",
        "actual",
        "adjusted_score",
    ]
    list_filter = ["level1", "comparator", "project__year"]
    search_fields = ["level3", "project__code", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "adjusted_by"]
    readonly_fields = ["direction", "adjusted_at"]
