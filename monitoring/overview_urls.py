"""The 运行监控 overview's URLs (/monitoring/overview/, before the monitoring app's own /monitoring/<pk>/)."""

from django.urls import path

from monitoring import overview_views

app_name = "monitoring_overview"

urlpatterns = [
    path("", overview_views.overview, name="overview"),
    path("export.xlsx", overview_views.overview_xlsx, name="xlsx"),
]
