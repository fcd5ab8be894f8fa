from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("approve/", views.approve, name="approve"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.project, name="project"),
    path("<int:pk>/indicators/<int:indicator_pk>/adjust/", views.adjust, name="adjust"),
    path("<int:pk>/indicators/<int:indicator_pk>/note/", views.note, name="note"),
    path("<int:pk>/return/", views.return_project, name="return"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
