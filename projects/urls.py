from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("units/", views.unit_search, name="units"),  # a unit select's search box (htmx)
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/history/", views.project_history, name="history"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/submit/", views.project_submit, name="submit"),
    path("<int:pk>/withdraw/", views.project_withdraw, name="withdraw"),
    path("<int:pk>/stages/<slug:stage>/<slug:action>/", views.stage_step, name="stage_step"),
]
