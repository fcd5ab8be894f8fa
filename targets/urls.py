from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("<int:pk>/review/", views.review, name="review"),
]
