"""Sign-in, sign-out, the landing redirect and the sign-in lockout (ACC-2)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from xinan.accounts import selectors, services
from xinan.core.pages import page
from xinan.tenants.permissions import has_perm_anywhere, staff_only
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


class UnlockForm(forms.Form):
    """Lift the sign-in lockout of one username (from every address)."""

    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """axes' answer (``AXES_LOCKOUT_CALLABLE``) to a sign-in refused for too many failures:
    429 with a page that says when to try again, never whether the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


@page
@require_safe
def lockout_list(request: HttpRequest) -> HttpResponse:
    """The sign-in lockouts in force now; the provider's admins may lift them."""
    staff_only(request.user, Perm.MANAGE_MEMBERS)
    return render(request, "accounts/lockout_list.html", {"lockouts": selectors.list_lockouts()})


@page
@require_POST
def lockout_unlock(request: HttpRequest) -> HttpResponse:
    staff_only(request.user, Perm.MANAGE_MEMBERS)
    form = UnlockForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        if services.unlock_login(username=username, actor=request.user):
            messages.success(
                request, _("已解除 %(username)s 的登录锁定。") % {"username": username}
            )
        else:
            messages.info(request, _("%(username)s 没有被锁定。") % {"username": username})
    else:
        messages.error(request, _("请填写要解锁的用户名。"))
    return redirect("accounts:lockout-list")
