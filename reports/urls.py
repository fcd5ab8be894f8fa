from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("projects/<int:pk>/report.<str:fmt>", views.download, name="download"),
    path("projects/<int:pk>/narrative/", views.narrative, name="narrative"),
    path("projects/<int:pk>/print/", views.project_print, name="print"),
    path("projects/<int:pk>/targets.<str:fmt>", views.targets_download, name="targets_download"),
    path("projects/<int:pk>/monitoring.<str:fmt>", views.monitoring_download, name="monitoring_download"),
    path("monitoring/<int:unit>/<int:year>/report.<str:fmt>", views.monitoring_unit, name="monitoring_unit"),
    path("lists/projects.xlsx", views.projects_xlsx, name="projects_xlsx"),
    path("lists/review-queue.xlsx", views.queue_xlsx, name="queue_xlsx"),
    path("unit-report/", views.unit_report, name="unit_report"),
    path("unit-report/<int:unit>/<int:year>/text/", views.unit_report_text, name="unit_report_text"),
    path("exports/", views.batch, name="batch"),
    path("exports/<int:pk>/", views.job, name="job"),
    path("exports/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("exports/<int:pk>/download/", views.job_file, name="job_file"),
]
