"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "绩效自评管理系统"
admin.site.site_title = "绩效自评"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", include("projects.urls")),
    path("reports/", include("reports.urls")),
    path("indicators/", include("indicators.urls")),
    path("review/", include("review.urls")),
    path("intake/", include("intake.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
