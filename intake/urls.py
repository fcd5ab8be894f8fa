from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/confirm/", views.confirm, name="confirm"),
    path("upload/skip/", views.skip, name="skip"),
    path("copy/", views.copy, name="copy"),
]
