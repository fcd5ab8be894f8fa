from django.urls import path

from recheck import views

app_name = "recheck"

urlpatterns = [
    path("", views.page, name="page"),
    path("download/<str:fmt>/", views.download, name="download"),
]
