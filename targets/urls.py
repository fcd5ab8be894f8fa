from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("", views.targets_list, name="list"),
    path("bulk-review/", views.bulk_review, name="bulk_review"),
    path("<int:pk>/review/", views.review, name="review"),
]
