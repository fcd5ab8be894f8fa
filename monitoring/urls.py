from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("<int:pk>/", views.entry, name="entry"),
    path("<int:pk>/rectifications/", views.rectifications, name="rectifications"),  # 整改 of a project
    path("rectifications/", views.rectification_list, name="rectification_list"),  # 整改 the user may see
]
