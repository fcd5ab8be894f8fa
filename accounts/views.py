"""Account pages: every user changes their own password; an admin resets another user's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeDoneView, PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import refusal, user_for_reset
from accounts.forms import PasswordChangeForm, ResetPasswordForm
from accounts.selectors import password_log, users_for_admin
from accounts.services import user_set_password
from projects.access import require_role
from projects.models import Role

RESET_DONE = "已重置用户“{name}”的密码，请通过安全渠道告知本人"


class PasswordChange(PasswordChangeView):
    """Django's view and form (old password, new password twice); the write is our service."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: Any) -> HttpResponse:
        user_set_password(user=form.user, password=form.cleaned_data["new_password1"], actor=self.request.user)
        update_session_auth_hash(self.request, form.user)  # stay logged in here, other sessions end
        return redirect(self.success_url)

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordChangeDone(PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
@require_GET
def users(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.ADMIN)
    rows = [(account, refusal(request.user, account)) for account in users_for_admin()]
    return render(request, "accounts/users.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = user_for_reset(request.user, pk)
    form = ResetPasswordForm(target, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user_set_password(user=target, password=form.cleaned_data["new_password1"], actor=request.user)
        messages.success(request, RESET_DONE.format(name=target.get_username()))
        return redirect("accounts:users")
    context = {"target": target, "form": form, "log": password_log(target)}
    return render(request, "accounts/user_password.html", context, status=400 if form.errors else 200)
