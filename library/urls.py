from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("suggest/", views.suggest, name="suggest"),
    path("propose/", views.proposal, name="propose"),
]
