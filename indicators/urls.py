from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("projects/<int:pk>/", views.editor, name="editor"),
    path("projects/<int:pk>/level2/", views.level2_options, name="level2"),
    path("projects/<int:pk>/add/", views.indicator_add, name="add"),
    path("projects/<int:pk>/<int:ipk>/", views.indicator_update, name="update"),
    path("projects/<int:pk>/<int:ipk>/delete/", views.indicator_delete, name="delete"),
    path("projects/<int:pk>/<int:ipk>/up/", views.indicator_move, {"direction": "up"}, name="move_up"),
    path("projects/<int:pk>/<int:ipk>/down/", views.indicator_move, {"direction": "down"}, name="move_down"),
    path("projects/<int:pk>/<int:ipk>/actual/", views.indicator_actual, name="actual"),
]
