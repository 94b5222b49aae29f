"""Sign-in, sign-out and the landing redirect."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from xinan.accounts import services
from xinan.tenants.permissions import has_perm_anywhere
from xinan.tenants.roles import Perm


class AuditedLoginView(LoginView):
    """Django's login, with every success and failure in the audit trail (ACC-2, REC-3)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.record_login(user=form.get_user())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = form.data.get("username", "")
        if username:
            services.record_login_failure(username=str(username)[:150])
        return super().form_invalid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_logout(user=request.user)
    logout(request)
    return redirect("accounts:login")


def home(request: HttpRequest) -> HttpResponseRedirect:
    """Staff go to the console, customers to their portal, everyone else to sign in."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if has_perm_anywhere(request.user, Perm.ACCESS_CONSOLE):
        return redirect("console:home")
    return redirect("portal:home")
