from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/confirm/", views.confirm, name="confirm"),
    path("upload/skip/", views.skip, name="skip"),
    path("upload/jobs/<int:pk>/", views.job, name="job"),
    path("upload/jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("upload/jobs/<int:pk>/skip/", views.job_skip, name="job_skip"),
    path("upload/template/", views.template, name="template"),
    path("upload/errors/<str:token>/", views.errors_workbook, name="errors_workbook"),
    path("copy/", views.copy, name="copy"),
]
