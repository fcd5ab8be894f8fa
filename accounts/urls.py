from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDone.as_view(), name="password_change_done"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
]
