"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm

# Error pages in Chinese in the site's layout, with the reason the code gave (evalsys/lib/errors.py).
handler400 = "evalsys.lib.errors.bad_request"
handler403 = "evalsys.lib.errors.permission_denied"
handler404 = "evalsys.lib.errors.page_not_found"
handler500 = "evalsys.lib.errors.server_error"

urlpatterns = [
    path("", include("projects.urls")),
    path("reports/", include("reports.urls")),
    path("indicators/", include("indicators.urls")),
    path("library/", include("library.urls")),
    path("review/", include("review.urls")),
    path("targets/", include("targets.urls")),
    path("monitoring/", include("monitoring.urls")),  # 运行监控 entry (issue 17)
    path("monitoring/overview/", include("monitoring.overview_urls")),  # 运行监控总览 (issue 17)
    path("intake/", include("intake.urls")),
    path("recheck/", include("recheck.urls")),
    path("account/", include("accounts.urls")),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
